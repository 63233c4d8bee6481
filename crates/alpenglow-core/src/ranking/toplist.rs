//! Top-k lists with one deterministic order everywhere: higher score first, then lower item id.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::experiment::Environment;
use crate::models::{Model, RankPath};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    item: u32,
    score: f64,
}

impl Eq for Entry {}

impl Ord for Entry {
    /// "Greater" means better: higher score, then lower item id.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.item.cmp(&self.item))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Keeps the `k` best (item, score) pairs seen.
pub struct TopList {
    k: usize,
    heap: BinaryHeap<std::cmp::Reverse<Entry>>,
}

impl TopList {
    pub fn new(k: usize) -> Self {
        // The capacity grows with use: k may be far larger than the number of items.
        TopList { k, heap: BinaryHeap::with_capacity(k.min(1024) + 1) }
    }

    #[inline]
    pub fn insert(&mut self, item: u32, score: f64) {
        let e = Entry { item, score };
        if self.heap.len() < self.k {
            self.heap.push(std::cmp::Reverse(e));
        } else if let Some(min) = self.heap.peek() {
            if e > min.0 {
                self.heap.pop();
                self.heap.push(std::cmp::Reverse(e));
            }
        }
    }

    pub fn is_full(&self) -> bool {
        self.heap.len() >= self.k
    }

    /// The score of the worst entry kept (-inf when empty).
    pub fn min_score(&self) -> f64 {
        self.heap.peek().map_or(f64::NEG_INFINITY, |e| e.0.score)
    }

    /// Best first.
    pub fn into_sorted(self) -> Vec<(u32, f64)> {
        let mut v: Vec<Entry> = self.heap.into_iter().map(|r| r.0).collect();
        v.sort_by(|a, b| b.cmp(a));
        v.into_iter().map(|e| (e.item, e.score)).collect()
    }
}

/// The top `k` existing items for the record's user (the record's own item included),
/// skipping known items when `exclude` is given and non-finite scores always.
pub fn top_list(model: &dyn Model, rec: &RecDat, env: &Environment, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
    model.prepare(rec, env);
    let mut out = Vec::new();
    model.in_burst(&mut || out = top_list_in_burst(model, rec, env, k, exclude));
    out
}

fn top_list_in_burst(model: &dyn Model, rec: &RecDat, env: &Environment, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
    if model.rank_path() == RankPath::TopList {
        return model.top_list(rec.user, k, exclude);
    }
    let mut list = TopList::new(k);
    for &item in env.items() {
        if exclude.is_some_and(|row| row.contains(&item)) {
            continue;
        }
        let s = model.prediction(&rec.with_item(item));
        if s.is_finite() {
            list.insert(item, s);
        }
    }
    list.into_sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_best_with_lower_id_first_on_ties() {
        let mut t = TopList::new(3);
        for (i, s) in [(5, 1.0), (2, 3.0), (9, 1.0), (1, 1.0), (7, 2.0), (3, 0.5)] {
            t.insert(i, s);
        }
        assert_eq!(t.into_sorted(), vec![(2, 3.0), (7, 2.0), (1, 1.0)]);
    }
}
