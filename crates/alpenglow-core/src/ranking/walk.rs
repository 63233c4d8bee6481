//! The two generic counting walks: popularity-ordered brute force and the iterator walk.

use std::cmp::Ordering;

use super::{RankCount, RankQuery, RankingScoreIterator};

/// Walks the environment's popularity-sorted items, comparing each candidate's key with the
/// evaluated item's key, and stops once `top_k` better candidates were seen. `key` returns
/// `None` for a non-finite score. Any totally ordered key that is a strictly increasing
/// function of the score gives the same counts as the scores themselves.
#[inline]
pub fn popularity_walk<K: PartialOrd + Copy>(
    q: &RankQuery<'_>,
    target: K,
    mut key: impl FnMut(u32) -> Option<K>,
) -> RankCount {
    popularity_walk_by(q, |item| key(item).and_then(|s| s.partial_cmp(&target)))
}

/// The same walk with a comparison of each candidate against the evaluated item
/// (`None`: the candidate's score is not finite).
#[inline]
pub fn popularity_walk_by(q: &RankQuery<'_>, mut compare: impl FnMut(u32) -> Option<Ordering>) -> RankCount {
    let candidates = q.env.popularity_sorted().items().iter().filter(|&&item| !q.is_skipped(item));
    count_in_order(candidates.map(|&item| compare(item)), q.top_k)
}

/// Counts better and tied candidates from comparisons in walk order, stopping at `top_k`
/// better ones (later comparisons are not evaluated: the iterator is lazy).
#[inline]
pub fn count_in_order(comparisons: impl Iterator<Item = Option<Ordering>>, top_k: usize) -> RankCount {
    let (mut better, mut ties) = (0, 0);
    for comparison in comparisons {
        match comparison {
            None => return RankCount::NonFinite,
            Some(Ordering::Greater) => {
                better += 1;
                if better == top_k {
                    break;
                }
            }
            Some(Ordering::Equal) => ties += 1,
            Some(Ordering::Less) => {}
        }
    }
    RankCount::Counted { better, ties }
}

/// The brute-force path: candidates scored with the model's prediction.
pub fn brute_force(q: &RankQuery<'_>, predict: impl Fn(u32) -> f64) -> RankCount {
    popularity_walk(q, q.score, |item| {
        let s = predict(item);
        s.is_finite().then_some(s)
    })
}

/// The reference for checking and benchmarking fast paths: scores every item in popularity
/// order (no early exit), keeping the counts the early-exit walk would have stopped with, so
/// ranks and tie draws are identical to the brute-force walk's.
pub fn score_every_item(q: &RankQuery<'_>, predict: impl Fn(u32) -> f64) -> RankCount {
    let order = q.env.popularity_sorted();
    let (mut better, mut ties, mut stopped) = (0, 0, None);
    for k in 0..order.len() {
        let item = order.item_at(k);
        if q.is_skipped(item) {
            continue;
        }
        let s = predict(item);
        if stopped.is_some() {
            continue;
        }
        if !s.is_finite() {
            return RankCount::NonFinite;
        }
        if s > q.score {
            better += 1;
            if better == q.top_k {
                stopped = Some((better, ties));
            }
        } else if s == q.score {
            ties += 1;
        }
    }
    let (better, ties) = stopped.unwrap_or((better, ties));
    RankCount::Counted { better, ties }
}

/// The reference for iterator-path models: scores every item, then counts as a walk in
/// descending score order would (it stops at `top_k` better items before meeting any tie).
/// Ranks equal the iterator walk's; tie draws can differ only for items outside the top list
/// when the iterator's order is coarser than exact (LEMP buckets).
pub fn score_every_item_descending(q: &RankQuery<'_>, predict: impl Fn(u32) -> f64) -> RankCount {
    let order = q.env.popularity_sorted();
    let (mut better, mut ties) = (0, 0);
    for k in 0..order.len() {
        let item = order.item_at(k);
        if q.is_skipped(item) {
            continue;
        }
        let s = predict(item);
        if s > q.score {
            better += 1;
        } else if s == q.score {
            ties += 1;
        }
    }
    if better >= q.top_k { RankCount::Counted { better: q.top_k, ties: 0 } } else { RankCount::Counted { better, ties } }
}

/// The iterator path.
pub fn iterator_walk(q: &RankQuery<'_>, it: &mut dyn RankingScoreIterator) -> RankCount {
    let s = q.score;
    let mut better = 0;
    if s < 0.0 {
        // Items unknown to the model implicitly score 0 > s.
        let known = it.unique_items_num().min(q.env.items().len());
        better += q.env.items()[known..].iter().filter(|&&i| !q.is_skipped(i)).count();
    }
    let mut ties = 0;
    while it.has_next(s) {
        let (item, score) = it.next();
        if q.is_skipped(item) {
            continue;
        }
        if score > s {
            better += 1;
            if better == q.top_k {
                break;
            }
        } else if score == s {
            ties += 1;
        }
    }
    RankCount::Counted { better, ties }
}
