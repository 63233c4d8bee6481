//! Exact ranking and top lists of a factor model through its LEMP index (§4.3, §4.4).
//!
//! Rank semantics of the factor model's iterator path: an exact walk in descending score
//! order. Over every existing, non-skipped item, `better` counts the scores above the
//! evaluated score `s` and `ties` the scores equal to it; items the model has no vector for
//! score 0 (better exactly when `s < 0`), items the model knows but the environment does not
//! are skipped. The result is `(top_k, 0)` when `better >= top_k` (such a walk meets `top_k`
//! better items before any tie), else `(better, ties)`. This does not depend on the order in
//! which items are met, so the index only has to bound scores: buckets whose (error-widened)
//! bound is below `s` hold only worse items and are skipped. When a bound could overflow or a
//! vector is not finite, every item is scored with the prediction instead (same result).
//!
//! [`count_with_index`] and [`exact_scan`] take the user vector and the index as arguments, so
//! every model whose scores are such dot products (the asymmetric and SVD++ models) shares them.


use super::factors::dot;
use super::lemp::{LempContainer, length};
use super::lemp_scan::{CHUNK, candidates};
use super::model::FactorModel;
use crate::containers::train_matrix::Row;
use crate::models::Model;
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator, TopList};

/// The counts of the exact-descending rule (module docs) from the score of every existing,
/// non-skipped item (`predict`); non-finite scores count as neither better nor tied.
pub fn exact_scan(q: &RankQuery<'_>, predict: impl Fn(u32) -> f64) -> RankCount {
    let (s, top_k) = (q.score, q.top_k);
    let (mut better, mut ties) = (0, 0);
    for &item in q.env.items() {
        if q.is_skipped(item) {
            continue;
        }
        let score = predict(item);
        if score > s {
            better += 1;
            if better >= top_k {
                return RankCount::Counted { better: top_k, ties: 0 };
            }
        } else if score == s {
            ties += 1;
        }
    }
    RankCount::Counted { better, ties }
}

/// The counts of the exact-descending rule (module docs) for a model whose score of an item
/// is `dot(u, v)` for its vector `v` in `lemp` and 0 for an item without one (`has_vector`
/// false; such items must not be in `lemp`). `None` when the index cannot bound the scores
/// (a non-finite vector, a possible overflow, a user vector of another dimension): then the
/// caller must use [`exact_scan`].
pub fn count_with_index(
    u: &[f64],
    lemp: &LempContainer,
    q: &RankQuery<'_>,
    has_vector: impl Fn(u32) -> bool,
) -> Option<RankCount> {
    if u.len() != lemp.dimension() {
        return None;
    }
    let bounds = Bounds::new(u, lemp)?;
    let (better, ties) = count_in_buckets(u, lemp, &bounds, q);
    let full = RankCount::Counted { better: q.top_k, ties: 0 };
    if better >= q.top_k {
        return Some(full);
    }
    let mut better = better;
    if q.score < 0.0 {
        for &item in q.env.items() {
            if !has_vector(item) && !q.is_skipped(item) {
                better += 1;
                if better >= q.top_k {
                    return Some(full);
                }
            }
        }
    }
    Some(RankCount::Counted { better, ties })
}

/// Better and tied items among those in the buckets whose bound reaches the score, stopping
/// after the bucket where `top_k` better ones were found. The scores are computed by
/// [`candidates`], bit-identical to `dot`; only the items that reach the score are checked.
fn count_in_buckets(u: &[f64], lemp: &LempContainer, bounds: &Bounds, q: &RankQuery<'_>) -> (usize, usize) {
    let (s, top_k) = (q.score, q.top_k);
    let (mut better, mut ties) = (0, 0);
    let mut found = [0u16; CHUNK];
    for bucket in lemp.buckets() {
        if bounds.bound(bucket.bound()) < s {
            continue;
        }
        let ids = bucket.ids();
        for (c, vecs) in bucket.vecs().chunks(CHUNK * lemp.dimension()).enumerate() {
            let n = candidates(u, vecs, s, &mut found);
            for &entry in &found[..n] {
                let Some(&item) = ids.get(c * CHUNK + usize::from(entry >> 1)) else { continue };
                // Counted without branching on the comparison (whose outcome varies).
                let counted = usize::from(!q.is_skipped(item) && q.env.is_item_existent(item));
                let above = usize::from(entry & 1);
                better += counted & above;
                ties += counted & (above ^ 1);
            }
        }
        if better >= top_k {
            break;
        }
    }
    (better, ties)
}

/// The best `k` items of `lemp` for the user vector `u` (score `dot(u, v)`), best first
/// (higher score, then lower id), skipping `exclude` and non-finite scores. `None` when the
/// index cannot bound the scores (see [`Bounds::new`]): then the caller scores every item.
pub fn top_list_with_index(u: &[f64], lemp: &LempContainer, k: usize, exclude: Option<&Row>) -> Option<Vec<(u32, f64)>> {
    if u.len() != lemp.dimension() {
        return None;
    }
    let bounds = Bounds::new(u, lemp)?;
    let excluded = |item: u32| exclude.is_some_and(|row| row.contains(&item));
    let mut heap = TopList::new(k);
    if k == 0 {
        return Some(Vec::new());
    }
    let buckets = lemp.buckets();
    let mut order: Vec<usize> = (0..buckets.len()).collect();
    order.sort_unstable_by(|&a, &b| buckets[b].bound().total_cmp(&buckets[a].bound()));
    let d = lemp.dimension();
    for bucket in order.into_iter().map(|b| &buckets[b]) {
        if heap.is_full() && bounds.bound(bucket.bound()) < heap.min_score() {
            break;
        }
        for (&item, v) in bucket.ids().iter().zip(bucket.vecs().chunks_exact(d)) {
            // `+ 0.0` turns a -0.0 into the +0.0 the prediction gives (it adds zero biases).
            let score = dot(u, v) + 0.0;
            if !excluded(item) && score.is_finite() {
                heap.insert(item, score);
            }
        }
    }
    Some(heap.into_sorted())
}

impl FactorModel {
    /// Counts for the rank computer; the model must be `lemp_usable`.
    pub(super) fn count_with_lemp(&self, q: &RankQuery<'_>) -> RankCount {
        self.users
            .get(q.rec.user)
            .and_then(|u| count_with_index(u, &self.lemp, q, |item| self.lemp.contains(item)))
            .unwrap_or_else(|| exact_scan(q, |item| self.prediction(&q.rec.with_item(item))))
    }

    /// The iterator over the LEMP buckets (`None` unless scores are raw dot products and the
    /// user has a vector).
    pub fn lemp_iterator(&self, user: u32) -> Option<FactorModelRankingScoreIterator<'_>> {
        if !self.lemp_usable() {
            return None;
        }
        Some(FactorModelRankingScoreIterator::new(&self.lemp, self.users.get(user)?))
    }

    /// The best `k` items the model has vectors for, best first (higher score, then lower id),
    /// skipping `exclude` and non-finite scores. Empty when the user has no vector, or when a
    /// recency is wired (no time is given).
    pub(super) fn lemp_top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        let excluded = |item: u32| exclude.is_some_and(|row| row.contains(&item));
        let mut heap = TopList::new(k);
        let Some(u) = self.users.get(user).filter(|_| k > 0) else {
            return Vec::new();
        };
        if self.lemp_usable()
            && let Some(list) = top_list_with_index(u, &self.lemp, k, exclude)
        {
            return list;
        }
        if self.wiring.user_recency.is_none() && self.wiring.item_recency.is_none() {
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

/// Serves (item, raw dot product) bucket by bucket, skipping buckets whose bound is below the
/// `has_next` bound. `has_next(b)` is false only when no item not yet served can score `>= b`,
/// provided the bounds passed to it never decrease (as in a rank walk or a top list).
pub struct FactorModelRankingScoreIterator<'a> {
    lemp: &'a LempContainer,
    user: &'a [f64],
    bounds: Bounds,
    next_bucket: usize,
    loaded: Vec<(u32, f64)>,
}

impl<'a> FactorModelRankingScoreIterator<'a> {
    /// The iterator over `lemp` for the user vector `user` (scores `dot(user, v)`).
    pub fn new(lemp: &'a LempContainer, user: &'a [f64]) -> Self {
        let bounds = Bounds::new(user, lemp).unwrap_or_else(Bounds::unbounded);
        FactorModelRankingScoreIterator { lemp, user, bounds, next_bucket: 0, loaded: Vec::new() }
    }
}

impl RankingScoreIterator for FactorModelRankingScoreIterator<'_> {
    fn has_next(&mut self, bound: f64) -> bool {
        if !self.loaded.is_empty() {
            return true;
        }
        let d = self.lemp.dimension();
        let u = self.user;
        while let Some(bucket) = self.lemp.buckets().get(self.next_bucket) {
            self.next_bucket += 1;
            if bound > self.bounds.bound(bucket.bound()) {
                continue;
            }
            // `+ 0.0` turns a -0.0 into the +0.0 the prediction gives (it adds the zero biases).
            self.loaded
                .extend(bucket.ids().iter().zip(bucket.vecs().chunks_exact(d)).map(|(&i, v)| (i, dot(u, v) + 0.0)));
            if !self.loaded.is_empty() {
                return true;
            }
        }
        false
    }

    fn next(&mut self) -> (u32, f64) {
        self.loaded.pop().unwrap_or((u32::MAX, f64::NAN))
    }

    fn unique_items_num(&self) -> usize {
        self.lemp.len()
    }
}

