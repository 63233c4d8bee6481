//! A ranking-score iterator over precomputed (item, score) pairs.

use super::RankingScoreIterator;

/// Serves precomputed (item, score) pairs in descending score order (ties: lower id first).
pub struct SortedIterator {
    entries: Vec<(u32, f64)>,
    next: usize,
}

impl SortedIterator {
    /// Sorts `entries` (scores must not be NaN) and iterates them.
    pub fn new(mut entries: Vec<(u32, f64)>) -> Self {
        entries.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        SortedIterator { entries, next: 0 }
    }
}

impl RankingScoreIterator for SortedIterator {
    fn has_next(&mut self, bound: f64) -> bool {
        self.next < self.entries.len() && self.entries[self.next].1 >= bound
    }
    fn next(&mut self) -> (u32, f64) {
        self.next += 1;
        self.entries[self.next - 1]
    }
    fn unique_items_num(&self) -> usize {
        self.entries.len()
    }
}
