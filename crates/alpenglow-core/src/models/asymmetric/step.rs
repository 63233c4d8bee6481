//! The gradient step shared by the asymmetric and SVD++ gradient updaters.

use super::shared::HistoryFactorCore;
use crate::data::RecDat;
use crate::models::factor::factors::{dot, sigmoid};

/// Per-updater buffers of a gradient step (no allocation per event).
#[derive(Debug, Default)]
pub struct StepScratch {
    q: Vec<f64>,
    user_vec: Vec<f64>,
}

/// What a gradient step does with the history gradient (the step of the history factors).
pub enum HistoryStep<'a> {
    /// Apply it to every history factor now (and refill the user vector for the next sample).
    Now,
    /// Cumulative updates: add g·q_i to the accumulator (applied once per cycle).
    Cumulative(&'a mut Vec<f64>),
    /// Exact deferral within a cycle of samples sharing one user vector: add the history step
    /// (−g·lr·q_i) to the accumulator, applied at the end of the cycle, and move the cached
    /// user vector by exactly what applying it would change: its history part is
    /// `hw·norm·Σ_k w_k·h[item_k]`, and the step moves every h[item] by
    /// `−g·lr·hw·norm·W_item·q_i` (W_item: the summed weights of the item's events), so the
    /// user vector moves by `−g·lr·(hw·norm)²·Σ_item W_item²·q_i`. The same model as applying
    /// each step at once, up to floating-point summation order, at O(d) instead of O(|H|·d)
    /// per sample.
    Tracked { acc: &'a mut Vec<f64>, square_weight_sum: f64 },
}

impl HistoryFactorCore {
    /// One gradient step for `rec` with dLoss/dPrediction `gradient` (see the updaters). With
    /// `defer`, the history gradient g·q_i is added to it instead of being applied.
    pub fn gradient_step(
        &mut self,
        rec: &RecDat,
        gradient: f64,
        lr: f64,
        history_step: HistoryStep<'_>,
        scratch: &mut StepScratch,
    ) {
        let Some(q) = self.items.factors.get(rec.item) else {
            return;
        };
        scratch.q.clear();
        scratch.q.extend_from_slice(q);
        self.ensure_cache(rec);
        let cache = self.cache.get_mut();
        scratch.user_vec.clear();
        scratch.user_vec.extend_from_slice(&cache.user_vec);
        let mut g = gradient;
        if self.config.use_sigmoid {
            // Fix: the derivative at the raw score (the original took it at the sigmoid output).
            let s = sigmoid(dot(&scratch.user_vec, &scratch.q));
            g *= s * (1.0 - s);
        }
        let uvw = self.config.user_vector_weight;
        if let Some(p) = self.users.as_mut().and_then(|u| u.factors.get_mut(rec.user)) {
            let coef = -g * lr * uvw;
            for (pk, qk) in p.iter_mut().zip(&scratch.q) {
                *pk += coef * qk;
            }
            // Fix: keep the cached user vector in step with p_u (the original left it stale
            // for the rest of a cumulative cycle).
            for (x, qk) in cache.user_vec.iter_mut().zip(&scratch.q) {
                *x += uvw * coef * qk;
            }
        }
        match history_step {
            HistoryStep::Cumulative(acc) => {
                acc.resize(self.config.dimension, 0.0);
                for (a, qk) in acc.iter_mut().zip(&scratch.q) {
                    *a += g * qk;
                }
            }
            HistoryStep::Tracked { acc, square_weight_sum } => {
                acc.resize(self.config.dimension, 0.0);
                let coef = -g * lr;
                let c = self.config.history_weight * cache.norm;
                let moved = coef * c * c * square_weight_sum;
                for ((a, x), qk) in acc.iter_mut().zip(cache.user_vec.iter_mut()).zip(&scratch.q) {
                    *a += coef * qk;
                    *x += moved * qk;
                }
            }
            HistoryStep::Now => self.apply_history_gradient(rec, -g * lr, &scratch.q),
        }
        if let Some(q) = self.items.factors.get_mut(rec.item) {
            let coef = -g * lr;
            for (qk, x) in q.iter_mut().zip(&scratch.user_vec) {
                *qk += coef * x;
            }
            match self.lemp.stored_mut(rec.item).filter(|_| self.deferring) {
                Some(copy) => {
                    copy.copy_from_slice(q);
                    self.pending.push(rec.item);
                }
                None => self.lemp.set(rec.item, q),
            }
        }
    }

    /// `Σ_item W_item²` over the distinct items of `rec`'s visited history events that have a
    /// history factor (W_item: the summed weights of the item's events), for
    /// [`HistoryStep::Tracked`]. Fills the cache for `rec` first.
    pub fn square_weight_sum(&mut self, rec: &RecDat) -> f64 {
        self.ensure_cache(rec);
        let cache = self.cache.get_mut();
        let len = self.history.get(rec.user).len();
        let h = &self.history_factors.factors;
        // The walk visited the newest `weights.len()` events; weights[k] is the k-th newest's.
        let first_visited = len - cache.weights.len().min(len);
        let weight = |position: u32| {
            let p = position as usize;
            (p >= first_visited).then(|| cache.weights[len - 1 - p])
        };
        let mut total = 0.0;
        for group in self.history.by_item(rec.user).chunk_by(|a, b| a.0 == b.0) {
            if h.get(group[0].0).is_none() {
                continue;
            }
            let mut visited = group.iter().filter_map(|&(_, p)| weight(p)).peekable();
            if visited.peek().is_some() {
                let w: f64 = visited.sum();
                total += w * w;
            }
        }
        total
    }

    /// h[item_k] += (coef·w_k·norm·history_weight)·vector for every visited history event of
    /// `rec`'s user (newest first), with the weights and norm of `rec`'s walk.
    pub fn apply_history_gradient(&mut self, rec: &RecDat, coef: f64, vector: &[f64]) {
        self.ensure_cache(rec);
        let cache = self.cache.get_mut();
        let events = self.history.get(rec.user);
        let scale = coef * cache.norm * self.config.history_weight;
        for (&(item, _), &w) in events.iter().rev().zip(&cache.weights) {
            if let Some(h) = self.history_factors.factors.get_mut(item) {
                let c = scale * w;
                for (hk, x) in h.iter_mut().zip(vector) {
                    *hk += c * x;
                }
            }
        }
        cache.key = None;
    }
}
