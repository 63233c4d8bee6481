//! Computes the raw rank code of an evaluated record (see the module docs of `ranking`).

use super::walk::{brute_force, iterator_walk, score_every_item, score_every_item_descending};
use super::{RankCount, RankQuery};
use crate::data::RecDat;
use crate::experiment::Environment;
use crate::models::{Model, RankPath};
use crate::random::Random;

/// Offsets of the "not ranked" codes above `top_k`.
pub const NOT_IN_TOP: usize = 0;
pub const ZERO_PREDICTION: usize = 2;
pub const NON_FINITE: usize = 3;
pub const NEW_ITEM: usize = 5;

#[derive(Debug, Clone)]
pub struct RankComputer {
    pub top_k: usize,
    pub exclude_known: bool,
    /// Score every item instead of the model's fast path (a slow reference; same results).
    pub reference: bool,
    /// Rank cold records (new item or user) instead of giving them a "not ranked" code (see
    /// the module docs of `ranking`).
    pub cold_start: bool,
    /// Breaks ties: one draw per ranked record that has ties.
    rng: Random,
}

impl RankComputer {
    pub fn new(top_k: usize, exclude_known: bool, seed: i64) -> Self {
        RankComputer { top_k, exclude_known, reference: false, cold_start: false, rng: Random::new(seed) }
    }

    /// The tie-breaking generator (saved by checkpoints).
    pub fn rng(&self) -> &Random {
        &self.rng
    }
    pub fn set_rng(&mut self, rng: Random) {
        self.rng = rng;
    }

    /// The raw rank code of `rec` under `model`.
    pub fn rank(&mut self, model: &dyn Model, rec: &RecDat, env: &Environment) -> usize {
        self.rank_and_prediction(model, rec, env).0
    }

    /// The raw rank code of `rec` under `model`, and `model.prediction(rec)` if the ranking
    /// computed it (so that a caller logging both need not compute it twice).
    pub fn rank_and_prediction(&mut self, model: &dyn Model, rec: &RecDat, env: &Environment) -> (usize, Option<f64>) {
        let mut out = (0, None);
        model.in_burst(&mut || out = self.rank_in_burst(model, rec, env));
        out
    }

    fn rank_in_burst(&mut self, model: &dyn Model, rec: &RecDat, env: &Environment) -> (usize, Option<f64>) {
        let top_k = self.top_k;
        model.prepare(rec, env);
        let new_item = !env.is_item_existent(rec.item);
        let cold = self.cold_start && (new_item || !env.is_user_existent(rec.user));
        if new_item && !cold {
            return (top_k + NEW_ITEM, None);
        }
        let exclude = if self.exclude_known { env.train_matrix().row(rec.user) } else { None };
        let path = model.rank_path();
        // A top-list model's list is its ranking (its predictions need not rank anything, an
        // external model predicts 0): there is nothing slower to check it against, so the
        // reference mode uses the list too.
        if path == RankPath::TopList {
            let list = model.top_list(rec.user, top_k, exclude);
            return (list.iter().position(|&(i, _)| i == rec.item).unwrap_or(top_k + NOT_IN_TOP), None);
        }
        let score = model.prediction(rec);
        if !score.is_finite() {
            return (top_k + NON_FINITE, Some(score));
        }
        if score == 0.0 && !cold {
            return (top_k + ZERO_PREDICTION, Some(score));
        }
        let q = RankQuery { rec, score, top_k, exclude, env };
        // A cold record is scored against every existing item with the model's prediction: the
        // fast paths may assume a known item and a non-zero score.
        let count = if cold && (new_item || score == 0.0) {
            brute_force(&q, |item| model.prediction(&rec.with_item(item)))
        } else if self.reference {
            let predict = |item| model.prediction(&rec.with_item(item));
            match path {
                RankPath::Iterator => score_every_item_descending(&q, predict),
                _ => score_every_item(&q, predict),
            }
        } else {
            self.fast_count(model, &q, path)
        };
        (self.finish(count), Some(score))
    }

    fn fast_count(&self, model: &dyn Model, q: &RankQuery<'_>, path: RankPath) -> RankCount {
        let rec = q.rec;
        model.count_ranked(q).unwrap_or_else(|| match path {
            RankPath::Iterator => match model.ranking_iterator(rec.user) {
                Some(mut it) => iterator_walk(q, it.as_mut()),
                None => brute_force(q, |item| model.prediction(&rec.with_item(item))),
            },
            _ => brute_force(q, |item| model.prediction(&rec.with_item(item))),
        })
    }

    fn finish(&mut self, count: RankCount) -> usize {
        let top_k = self.top_k;
        match count {
            RankCount::NonFinite => top_k + NON_FINITE,
            RankCount::Counted { better, ties } => {
                let mut rank = better;
                if ties > 0 {
                    rank += self.rng.get_int(ties + 1);
                }
                rank.min(top_k)
            }
        }
    }
}
