//! The best `k` items of one user among a set of candidates, through the model's fastest exact
//! path: its own top list, its ranking-score iterator, or scoring every candidate.
//!
//! One rule for every path: an entry is a candidate item (not excluded) with a finite,
//! non-zero score (a score of exactly 0 is "not ranked", as in the online rank semantics);
//! order: higher score first, then lower item id.

use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::models::{Model, RankPath};
use crate::ranking::TopList;

/// Which items may be listed: a dense membership table over item ids.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    member: Vec<bool>,
    items: Vec<u32>,
}

impl Candidates {
    /// The candidate items, in the given order (duplicates are ignored).
    pub fn new(items: &[u32]) -> Self {
        let mut member = Vec::new();
        let mut list = Vec::with_capacity(items.len());
        for &i in items {
            let slot = i as usize;
            if slot >= member.len() {
                member.resize(slot + 1, false);
            }
            if !std::mem::replace(&mut member[slot], true) {
                list.push(i);
            }
        }
        Candidates { member, items: list }
    }

    #[inline]
    pub fn contains(&self, item: u32) -> bool {
        self.member.get(item as usize).copied().unwrap_or(false)
    }

    pub fn items(&self) -> &[u32] {
        &self.items
    }
}

#[inline]
fn listed(score: f64) -> bool {
    score.is_finite() && score != 0.0
}

/// The best `k` candidates for `user` (see the module doc), best first. `rec` is the probe
/// record (its user is `user`; its item is replaced per candidate).
pub fn best_items(
    model: &dyn Model,
    rec: &RecDat,
    k: usize,
    exclude: Option<&Row>,
    candidates: &Candidates,
) -> Vec<(u32, f64)> {
    if k == 0 || candidates.items.is_empty() {
        return Vec::new();
    }
    let excluded = |item: u32| exclude.is_some_and(|row| row.contains(&item));
    if model.has_top_list() {
        // The model's list is exact over its own items; ask for more until k candidates with a
        // listed score are found or the model has no more items.
        let mut asked = k;
        loop {
            let list = model.top_list(rec.user, asked, exclude);
            let exhausted = list.len() < asked;
            let got: Vec<(u32, f64)> =
                list.into_iter().filter(|&(i, s)| candidates.contains(i) && listed(s)).take(k).collect();
            if got.len() == k || exhausted {
                return got;
            }
            asked = asked.saturating_mul(4);
        }
    }
    let mut top = TopList::new(k);
    if model.rank_path() == RankPath::Iterator
        && let Some(mut it) = model.ranking_iterator(rec.user)
    {
        // Items the iterator never serves score 0 (not listed).
        while it.has_next(if top.is_full() { top.min_score() } else { f64::NEG_INFINITY }) {
            let (item, score) = it.next();
            if candidates.contains(item) && !excluded(item) && listed(score) {
                top.insert(item, score);
            }
        }
        return top.into_sorted();
    }
    for &item in &candidates.items {
        if excluded(item) {
            continue;
        }
        let score = model.prediction(&rec.with_item(item));
        if listed(score) {
            top.insert(item, score);
        }
    }
    top.into_sorted()
}
