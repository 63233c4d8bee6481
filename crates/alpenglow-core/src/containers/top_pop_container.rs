//! Items kept sorted by non-increasing count, with O(1) increments: an incremented item swaps
//! with the head of its equal-count run. This order is part of the contract, because the
//! brute-force rank walk follows it and so decides which tie-break draws happen.

use super::fx::FxHashMap;

/// Where an item sits in the list.
pub trait PositionIndex: Default + Clone {
    fn get(&self, item: u32) -> Option<u32>;
    fn set(&mut self, item: u32, position: u32);
}

/// Dense index for the environment's container (item ids are dense).
#[derive(Default, Clone, Debug)]
pub struct DenseIndex(Vec<u32>);

const ABSENT: u32 = u32::MAX;

impl PositionIndex for DenseIndex {
    #[inline]
    fn get(&self, item: u32) -> Option<u32> {
        self.0.get(item as usize).copied().filter(|&p| p != ABSENT)
    }
    #[inline]
    fn set(&mut self, item: u32, position: u32) {
        let i = item as usize;
        if i >= self.0.len() {
            self.0.resize(i + 1, ABSENT);
        }
        self.0[i] = position;
    }
}

/// Sparse index for small per-row containers (e.g. one transition row).
#[derive(Default, Clone, Debug)]
pub struct SparseIndex(FxHashMap<u32, u32>);

impl PositionIndex for SparseIndex {
    #[inline]
    fn get(&self, item: u32) -> Option<u32> {
        self.0.get(&item).copied()
    }
    #[inline]
    fn set(&mut self, item: u32, position: u32) {
        self.0.insert(item, position);
    }
}

#[derive(Debug, Clone, Default)]
pub struct TopPopContainer<I: PositionIndex = DenseIndex> {
    items: Vec<u32>,
    counts: Vec<u32>,
    index: I,
    /// `boundary[c]` = first position of the run with count c, or ABSENT.
    boundary: Vec<u32>,
    /// `run_len[c]` = number of items with count c.
    run_len: Vec<u32>,
    /// Rolling hash of the sequence of increments; equal fingerprints mean equal histories.
    fingerprint: u64,
}

/// Largest count accepted from a saved model (per-count tables are dense in the count).
pub const MAX_LOADED_COUNT: u32 = 1 << 28;

/// One step of the increment-history fingerprint shared by all popularity counters.
#[inline]
pub fn fingerprint_step(hash: u64, item: u32) -> u64 {
    (hash ^ (item as u64 + 1)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

impl<I: PositionIndex> TopPopContainer<I> {
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Item at position `k` (0 = most popular).
    #[inline]
    pub fn item_at(&self, k: usize) -> u32 {
        self.items[k]
    }
    #[inline]
    pub fn count_at(&self, k: usize) -> u32 {
        self.counts[k]
    }
    pub fn items(&self) -> &[u32] {
        &self.items
    }
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
    #[inline]
    pub fn position(&self, item: u32) -> Option<u32> {
        self.index.get(item)
    }
    #[inline]
    pub fn count(&self, item: u32) -> u32 {
        self.position(item).map_or(0, |p| self.counts[p as usize])
    }
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
    /// Number of items with exactly `count`.
    #[inline]
    pub fn run_len(&self, count: u32) -> usize {
        self.run_len.get(count as usize).copied().unwrap_or(0) as usize
    }

    fn add_run_len(&mut self, count: u32, delta: i32) {
        let c = count as usize;
        if c >= self.run_len.len() {
            self.run_len.resize(c + 1, 0);
        }
        self.run_len[c] = (self.run_len[c] as i32 + delta) as u32;
    }

    /// First position of the run with `count`, if any item has that count.
    #[inline]
    pub fn run_start(&self, count: u32) -> Option<usize> {
        self.boundary.get(count as usize).copied().filter(|&p| p != ABSENT).map(|p| p as usize)
    }

    fn set_boundary_if_absent(&mut self, count: u32, position: u32) {
        let c = count as usize;
        if c >= self.boundary.len() {
            self.boundary.resize(c + 1, ABSENT);
        }
        if self.boundary[c] == ABSENT {
            self.boundary[c] = position;
        }
    }

    /// Adds the item with count 0 if absent (used when all ids exist from the start).
    /// Rebuilds a container from its order (`items()`, `counts()`) and fingerprint, as saved;
    /// `None` if the counts are not non-increasing or an item repeats.
    pub fn from_parts(items: Vec<u32>, counts: Vec<u32>, fingerprint: u64) -> Option<Self> {
        if items.len() != counts.len() || counts.windows(2).any(|w| w[0] < w[1]) {
            return None;
        }
        if counts.first().is_some_and(|&c| c > MAX_LOADED_COUNT) {
            return None;
        }
        let mut c: Self = TopPopContainer { fingerprint, ..Default::default() };
        for (pos, (&item, &count)) in items.iter().zip(&counts).enumerate() {
            if c.index.get(item).is_some() {
                return None;
            }
            c.index.set(item, pos as u32);
            c.set_boundary_if_absent(count, pos as u32);
            c.add_run_len(count, 1);
        }
        c.items = items;
        c.counts = counts;
        Some(c)
    }

    pub fn create(&mut self, item: u32) {
        if self.index.get(item).is_none() {
            let pos = self.items.len() as u32;
            self.items.push(item);
            self.counts.push(0);
            self.index.set(item, pos);
            self.set_boundary_if_absent(0, pos);
            self.add_run_len(0, 1);
        }
    }

    /// Adds one to the item's count, keeping the list sorted.
    ///
    /// Fix: the original appended a new item behind pre-filled 0-count items (ids above the
    /// pre-filled range), which broke the order and its run bookkeeping; here such an item
    /// enters as a 0-count item first, so the list stays sorted.
    pub fn increase(&mut self, item: u32) {
        if self.index.get(item).is_none() && self.run_len(0) > 0 {
            self.create(item);
        }
        self.fingerprint = fingerprint_step(self.fingerprint, item);
        let Some(x) = self.index.get(item) else {
            let pos = self.items.len() as u32;
            self.add_run_len(1, 1);
            self.items.push(item);
            self.counts.push(1);
            self.index.set(item, pos);
            self.set_boundary_if_absent(1, pos);
            return;
        };
        let p = self.counts[x as usize];
        let h = self.boundary[p as usize];
        let head_item = self.items[h as usize];
        self.items.swap(x as usize, h as usize);
        self.index.set(head_item, x);
        self.index.set(item, h);
        self.counts[h as usize] = p + 1;
        self.add_run_len(p, -1);
        self.add_run_len(p + 1, 1);
        let next = h as usize + 1;
        if next < self.items.len() && self.counts[next] == p {
            self.boundary[p as usize] = h + 1;
        } else {
            self.boundary[p as usize] = ABSENT;
        }
        self.set_boundary_if_absent(p + 1, h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_test_vector() {
        let mut c: TopPopContainer = TopPopContainer::default();
        for i in [5, 1, 1, 3, 2, 5] {
            c.increase(i);
        }
        assert_eq!(c.items(), &[1, 5, 3, 2]);
        assert_eq!(c.counts(), &[2, 2, 1, 1]);
    }

    #[test]
    fn stays_sorted_and_counts_match_brute_force() {
        let mut rng = crate::random::Random::new(99);
        let mut c: TopPopContainer<SparseIndex> = TopPopContainer::default();
        let mut counts = std::collections::HashMap::new();
        for _ in 0..5000 {
            let item = (rng.get().powi(3) * 200.0) as u32;
            c.increase(item);
            *counts.entry(item).or_insert(0u32) += 1;
        }
        assert!(c.counts().windows(2).all(|w| w[0] >= w[1]));
        for (k, &item) in c.items().iter().enumerate() {
            assert_eq!(c.count_at(k), counts[&item]);
            assert_eq!(c.position(item), Some(k as u32));
            let first = c.counts().iter().position(|&x| x == c.count_at(k)).unwrap();
            assert_eq!(c.run_start(c.count_at(k)), Some(first));
            assert_eq!(c.run_len(c.count_at(k)), c.counts().iter().filter(|&&x| x == c.count_at(k)).count());
        }
    }
}
