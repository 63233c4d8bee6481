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

impl HistoryFactorCore {
    /// One gradient step for `rec` with dLoss/dPrediction `gradient` (see the updaters). With
    /// `defer`, the history gradient g·q_i is added to it instead of being applied.
    pub fn gradient_step(
        &mut self,
        rec: &RecDat,
        gradient: f64,
        lr: f64,
        defer: Option<&mut Vec<f64>>,
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
        match defer {
            Some(acc) => {
                acc.resize(self.config.dimension, 0.0);
                for (a, qk) in acc.iter_mut().zip(&scratch.q) {
                    *a += g * qk;
                }
            }
            None => self.apply_history_gradient(rec, -g * lr, &scratch.q),
        }
        if let Some(q) = self.items.factors.get_mut(rec.item) {
            let coef = -g * lr;
            for (qk, x) in q.iter_mut().zip(&scratch.user_vec) {
                *qk += coef * x;
            }
            self.lemp.set(rec.item, q);
        }
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
