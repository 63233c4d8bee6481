//! Ranking of the asymmetric and SVD++ models.
//!
//! Without the sigmoid a score is `dot(user vector, q_i)`, so the rank is counted through the
//! LEMP index of the item factors with `FactorModel`'s exact-descending rule
//! (`models::factor::ranking`): over every existing, non-skipped item, `better` counts the
//! scores above the evaluated score and `ties` those equal to it (items without factors score
//! 0); `(top_k, 0)` when `better >= top_k`. The index holds bit-identical copies of q and the
//! user vector is the cached one `prediction` uses, so every score equals the prediction.
//! With the sigmoid, the popularity-ordered brute-force walk of the rank computer is kept.

use super::shared::HistoryFactorCore;
use crate::models::RankPath;
use crate::models::factor::factors::{Factors, dot, sigmoid};
use crate::models::factor::lemp::LempContainer;
use crate::models::factor::ranking::{count_with_index, exact_scan, top_list_with_index};
use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::ranking::TopList;
use crate::ranking::walk::popularity_walk;
use crate::ranking::{RankCount, RankQuery};

impl HistoryFactorCore {
    /// `Iterator` (exact descending order) for raw dot products, `BruteForce` with the sigmoid.
    pub fn rank_path(&self) -> RankPath {
        if self.config.use_sigmoid { RankPath::BruteForce } else { RankPath::Iterator }
    }

    /// The counts of the model's rank path, with the cache locked once: every candidate
    /// shares the evaluated record's (user, time, id), so its score is exactly what
    /// `prediction` would return.
    pub fn count_ranked(&self, q: &RankQuery<'_>) -> RankCount {
        let cache = self.cached(q.rec);
        let user_vec = &cache.user_vec;
        if self.config.use_sigmoid {
            return popularity_walk(q, q.score, |item| {
                let s = self.items.factors.get(item).map_or(0.0, |v| sigmoid(dot(user_vec, v)));
                s.is_finite().then_some(s)
            });
        }
        let score = |item: u32| self.items.factors.get(item).map_or(0.0, |v| dot(user_vec, v));
        count_with_index(user_vec, &self.lemp, q, |item| self.lemp.contains(item))
            .unwrap_or_else(|| exact_scan(q, score))
    }

    /// The best `k` items for `user` by the raw dot product (the model without the sigmoid),
    /// best first (higher score, then lower id), with the user vector of the probe record
    /// `(user, time 0, id 0)` that `prediction` uses for the same record.
    pub fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        if k == 0 {
            return Vec::new();
        }
        let u = self.user_vector(&RecDat { user, ..Default::default() });
        top_list_with_index(&u, &self.lemp, k, exclude).unwrap_or_else(|| {
            let mut heap = TopList::new(k);
            for item in self.items.factors.ids() {
                let score = self.items.factors.get(item).map_or(0.0, |v| dot(&u, v));
                if !exclude.is_some_and(|row| row.contains(&item)) && score.is_finite() {
                    heap.insert(item, score);
                }
            }
            heap.into_sorted()
        })
    }

    /// Copies the item factor of `item` into the index.
    pub(super) fn index_item(&mut self, item: u32) {
        if let Some(v) = self.items.factors.get(item) {
            self.lemp.set(item, v);
        }
    }

    /// The LEMP index of the item factors.
    pub fn lemp(&self) -> &LempContainer {
        &self.lemp
    }

    /// The item factors q.
    pub fn item_factors(&self) -> &Factors {
        &self.items.factors
    }
}
