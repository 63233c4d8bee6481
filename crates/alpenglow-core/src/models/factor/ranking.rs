//! Exact ranking and top lists of a factor model through its LEMP container (§4.3, §4.4).
//!
//! The counts equal the brute-force walk's: every existing item is compared with the
//! evaluated score `s`. Items the model has no vector for score 0, so they are better exactly
//! when `s < 0`; they are counted from the environment's item list (not assumed to be a suffix
//! of it as in the original). Items the model knows but the environment does not are skipped.
//! Buckets are visited longest first while their (error-widened) bound reaches `s`; pruned
//! buckets hold only items scoring below `s`. When a bound could overflow (or a vector is not
//! finite) the brute-force walk is used, since then which candidate is met first matters.
//! Both walks stop after `top_k` better items, so their tie counts can differ only when the
//! rank is `top_k` anyway.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use parking_lot::RwLockReadGuard;

use super::factors::dot;
use super::lemp::{LempContainer, length};
use super::model::FactorModel;
use crate::containers::train_matrix::Row;
use crate::models::Model;
use crate::ranking::walk::brute_force;
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator};

impl FactorModel {
    fn brute_force(&self, q: &RankQuery<'_>) -> RankCount {
        brute_force(q, |item| self.prediction(&q.rec.with_item(item)))
    }

    /// Counts for the rank computer; the model must be `lemp_usable`.
    pub(super) fn count_with_lemp(&self, q: &RankQuery<'_>) -> RankCount {
        let (Some(u), Some(lemp)) = (self.users.get(q.rec.user), self.synced_lemp()) else {
            return self.brute_force(q);
        };
        let Some(bounds) = Bounds::new(u, &lemp) else {
            return self.brute_force(q);
        };
        let (s, top_k, d) = (q.score, q.top_k, self.dimension);
        let (mut better, mut ties) = (0, 0);
        if s < 0.0 {
            for &item in q.env.items() {
                if self.items.get(item).is_none() && !q.is_skipped(item) {
                    better += 1;
                    if better == top_k {
                        return RankCount::Counted { better, ties };
                    }
                }
            }
        }
        for bucket in lemp.buckets() {
            if s > bounds.bound(bucket.max_len) {
                break;
            }
            for (&item, v) in bucket.ids.iter().zip(bucket.vecs.chunks_exact(d)) {
                if q.is_skipped(item) || !q.env.is_item_existent(item) {
                    continue;
                }
                let score = dot(u, v);
                if score > s {
                    better += 1;
                    if better == top_k {
                        return RankCount::Counted { better, ties };
                    }
                } else if score == s {
                    ties += 1;
                } else if !score.is_finite() {
                    return self.brute_force(q);
                }
            }
        }
        RankCount::Counted { better, ties }
    }

    /// The iterator over the LEMP buckets (`None` unless scores are raw dot products and the
    /// user has a vector).
    pub fn lemp_iterator(&self, user: u32) -> Option<FactorModelRankingScoreIterator<'_>> {
        if !self.lemp_usable() {
            return None;
        }
        let u = self.users.get(user)?;
        let lemp = self.synced_lemp()?;
        let bounds = Bounds::new(u, &lemp).unwrap_or_else(Bounds::unbounded);
        Some(FactorModelRankingScoreIterator { lemp, user: u, bounds, next_bucket: 0, loaded: Vec::new() })
    }

    /// The best `k` items the model has vectors for, best first (higher score, then lower id),
    /// skipping `exclude` and non-finite scores. Empty when the user has no vector, or when a
    /// recency is wired (no time is given).
    pub(super) fn lemp_top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        let excluded = |item: u32| exclude.is_some_and(|row| row.contains(&item));
        let mut heap = Heap::new(k);
        if k == 0 || self.users.get(user).is_none() {
            return Vec::new();
        }
        if let Some(mut it) = self.lemp_iterator(user).filter(|it| it.is_exact()) {
            let mut limit = f64::NEG_INFINITY;
            while it.has_next(limit) {
                let (item, score) = it.next();
                if !excluded(item) && score.is_finite() && heap.insert(item, score) {
                    limit = limit.max(heap.min_score());
                }
            }
        } else if self.wiring.user_recency.is_none() && self.wiring.item_recency.is_none() {
            let rec = crate::data::RecDat { user, ..Default::default() };
            for item in self.items.ids() {
                let score = self.prediction(&rec.with_item(item));
                if !excluded(item) && score.is_finite() {
                    heap.insert(item, score);
                }
            }
        }
        heap.into_sorted()
    }
}

/// Upper bounds on computed scores: `max_len × ‖u‖`, widened by the worst-case rounding error
/// of the lengths, the product and the dot product of dimension `d` (plus an absolute term
/// for underflow), so that `fl(dot(u, q)) <= bound(len(q))` always holds.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    norm_u: f64,
    factor: f64,
    absolute: f64,
    exact: bool,
}

impl Bounds {
    /// `None` when a bound could overflow (then scores may be non-finite and the caller must
    /// scan exhaustively).
    pub fn new(u: &[f64], container: &LempContainer) -> Option<Bounds> {
        let d = u.len() as f64;
        let b = Bounds {
            norm_u: length(u),
            factor: 1.0 + (4.0 * d + 32.0) * f64::EPSILON,
            absolute: (d + 1.0) * f64::MIN_POSITIVE,
            exact: true,
        };
        let top = b.bound(container.max_len());
        (top.is_finite() && container.non_finite() == 0 && u.iter().all(|x| x.is_finite())).then_some(b)
    }

    /// Bounds that prune nothing.
    pub fn unbounded() -> Bounds {
        Bounds { norm_u: 0.0, factor: 0.0, absolute: 0.0, exact: false }
    }

    #[inline]
    pub fn bound(&self, max_len: f64) -> f64 {
        if self.exact { max_len * self.norm_u * self.factor + self.absolute } else { f64::INFINITY }
    }
}

/// Serves (item, raw dot product) bucket by bucket, longest vectors first; within a bucket
/// from the shortest vector (as the original). `has_next(b)` is false only when no remaining
/// item can score `>= b`.
pub struct FactorModelRankingScoreIterator<'a> {
    lemp: RwLockReadGuard<'a, LempContainer>,
    user: &'a [f64],
    bounds: Bounds,
    next_bucket: usize,
    loaded: Vec<(u32, f64)>,
}

impl FactorModelRankingScoreIterator<'_> {
    /// False when a vector or a bound is not finite (then the bound test cannot prune).
    pub fn is_exact(&self) -> bool {
        Bounds::new(self.user, &self.lemp).is_some()
    }
}

impl RankingScoreIterator for FactorModelRankingScoreIterator<'_> {
    fn has_next(&mut self, bound: f64) -> bool {
        if !self.loaded.is_empty() {
            return true;
        }
        let Some(bucket) = self.lemp.bucket(self.next_bucket) else {
            return false;
        };
        self.next_bucket += 1;
        if bound > self.bounds.bound(bucket.max_len) {
            return false;
        }
        let d = self.lemp.dimension();
        let u = self.user;
        // `+ 0.0` turns a -0.0 into the +0.0 the prediction gives (it adds the zero biases).
        self.loaded.extend(bucket.ids.iter().zip(bucket.vecs.chunks_exact(d)).map(|(&i, v)| (i, dot(u, v) + 0.0)));
        !self.loaded.is_empty()
    }

    fn next(&mut self) -> (u32, f64) {
        self.loaded.pop().unwrap_or((u32::MAX, f64::NAN))
    }

    fn unique_items_num(&self) -> usize {
        self.lemp.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    score: f64,
    item: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    /// Greater is better: higher score, then lower item id.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.item.cmp(&self.item))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A min-heap of the best `k` entries.
struct Heap {
    k: usize,
    heap: BinaryHeap<Reverse<Entry>>,
}

impl Heap {
    fn new(k: usize) -> Self {
        Heap { k, heap: BinaryHeap::with_capacity(k.min(1024) + 1) }
    }

    /// Inserts if among the best `k`; true when the heap is full afterwards.
    fn insert(&mut self, item: u32, score: f64) -> bool {
        let e = Entry { score, item };
        if self.heap.len() < self.k {
            self.heap.push(Reverse(e));
        } else if self.heap.peek().is_some_and(|min| e > min.0) {
            self.heap.pop();
            self.heap.push(Reverse(e));
        }
        self.heap.len() == self.k
    }

    fn min_score(&self) -> f64 {
        self.heap.peek().map_or(f64::NEG_INFINITY, |e| e.0.score)
    }

    fn into_sorted(self) -> Vec<(u32, f64)> {
        self.heap.into_sorted_vec().into_iter().map(|Reverse(e)| (e.item, e.score)).collect()
    }
}
