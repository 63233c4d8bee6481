//! The LEMP container (core-components.md §4.3): item vectors grouped into buckets by length,
//! so that for a user vector `u` the Cauchy–Schwarz bound `bucket max length × ‖u‖` stops a
//! walk in descending score order early.
//!
//! Differences from the original, all for exactness and determinism:
//! * the buckets hold copies of the item vectors and scores are computed with the same `dot`
//!   as the model's prediction (not `direction·u × length`), so a walk sees bit-identical scores;
//! * the bound (`ranking::Bounds`) is widened by a rigorous floating-point error margin, so no
//!   item whose computed score reaches the bound is ever pruned;
//! * items are kept in one total order (longer first, then lower id) across all buckets, also
//!   after removals (the original could leave the buckets slightly out of order);
//! * vectors with a non-finite length are kept out of the buckets and counted, so callers can
//!   fall back to an exhaustive scan.

use super::factors::Factors;

const NONE: u32 = u32::MAX;
const NON_FINITE: u32 = u32::MAX - 1;

/// Euclidean length without intermediate overflow or underflow (scaled by the largest entry).
pub fn length(v: &[f64]) -> f64 {
    let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return if v.iter().any(|x| x.is_nan()) { f64::NAN } else { scale };
    }
    let sum: f64 = v.iter().map(|x| (x / scale) * (x / scale)).sum();
    scale * sum.sqrt()
}

/// `a` comes before `b` in the container order: longer first, then lower id.
#[inline]
fn before(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

#[derive(Debug, Clone, Default)]
struct Bucket {
    ids: Vec<u32>,
    lens: Vec<f64>,
    /// `dimension` values per item, in the order of `ids`.
    vecs: Vec<f64>,
}

impl Bucket {
    fn key(&self, k: usize) -> (f64, u32) {
        (self.lens[k], self.ids[k])
    }
    fn first(&self) -> (f64, u32) {
        self.key(0)
    }
    fn last(&self) -> (f64, u32) {
        self.key(self.ids.len() - 1)
    }
    fn position(&self, key: (f64, u32)) -> usize {
        let (mut lo, mut hi) = (0, self.ids.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if before(self.key(mid), key) { lo = mid + 1 } else { hi = mid }
        }
        lo
    }
}

/// A read-only view of one bucket during a walk.
pub struct BucketView<'a> {
    /// Length of the longest vector in the bucket.
    pub max_len: f64,
    pub ids: &'a [u32],
    /// The vectors of `ids`, `dimension` values each.
    pub vecs: &'a [f64],
}

/// Item vectors in length buckets, plus the ids whose vectors changed since the last sync.
#[derive(Debug, Clone)]
pub struct LempContainer {
    dimension: usize,
    bucket_size: usize,
    slab: Vec<Bucket>,
    free: Vec<usize>,
    /// Slab indices of the buckets in container order.
    order: Vec<usize>,
    /// Item id -> slab index, `NONE` or `NON_FINITE`.
    slot_of: Vec<u32>,
    items: usize,
    non_finite: usize,
    pending: Vec<u32>,
    scheduled: Vec<bool>,
    rebuild: bool,
}

impl LempContainer {
    pub fn new(dimension: usize, bucket_size: usize) -> Self {
        LempContainer {
            dimension: dimension.max(1),
            bucket_size: bucket_size.max(2),
            slab: Vec::new(),
            free: Vec::new(),
            order: Vec::new(),
            slot_of: Vec::new(),
            items: 0,
            non_finite: 0,
            pending: Vec::new(),
            scheduled: Vec::new(),
            rebuild: false,
        }
    }

    /// Number of items held (including those with a non-finite length).
    pub fn len(&self) -> usize {
        self.items + self.non_finite
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Number of items whose vector has a non-finite length (not in any bucket).
    pub fn non_finite(&self) -> usize {
        self.non_finite
    }
    pub fn bucket_count(&self) -> usize {
        self.order.len()
    }
    /// Length of the longest finite vector (0 when there is none).
    pub fn max_len(&self) -> f64 {
        self.order.first().map_or(0.0, |&b| self.slab[b].first().0)
    }

    /// Marks an item whose vector changed (or appeared); applied by [`LempContainer::sync`].
    pub fn schedule(&mut self, id: u32) {
        let i = id as usize;
        if i >= self.scheduled.len() {
            self.scheduled.resize(i + 1, false);
        }
        if !self.scheduled[i] {
            self.scheduled[i] = true;
            self.pending.push(id);
        }
    }

    /// Marks every item: the next sync rebuilds the container from the factors.
    pub fn schedule_rebuild(&mut self) {
        self.rebuild = true;
    }

    pub fn is_synced(&self) -> bool {
        !self.rebuild && self.pending.is_empty()
    }

    /// Applies the scheduled updates: a full rebuild if more than half of the items are
    /// scheduled, else each scheduled item in ascending id order.
    pub fn sync(&mut self, factors: &Factors) {
        let mut pending = std::mem::take(&mut self.pending);
        for &id in &pending {
            self.scheduled[id as usize] = false;
        }
        if self.rebuild || pending.len() * 2 > self.len() {
            self.rebuild_from(factors);
        } else {
            pending.sort_unstable();
            for &id in &pending {
                match factors.get(id) {
                    Some(v) => self.update(id, v),
                    None => self.remove(id),
                }
            }
        }
        pending.clear();
        self.pending = pending;
        self.rebuild = false;
    }

    fn rebuild_from(&mut self, factors: &Factors) {
        self.slab.clear();
        self.free.clear();
        self.order.clear();
        self.slot_of.clear();
        self.items = 0;
        self.non_finite = 0;
        let mut all: Vec<(f64, u32)> = Vec::new();
        for id in factors.ids() {
            let len = factors.get(id).filter(|v| v.len() == self.dimension).map_or(f64::NAN, length);
            if len.is_finite() {
                all.push((len, id));
            } else {
                self.set_slot(id, NON_FINITE);
                self.non_finite += 1;
            }
        }
        all.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for chunk in all.chunks(self.bucket_size / 2) {
            let b = self.new_bucket();
            for &(len, id) in chunk {
                let bucket = &mut self.slab[b];
                bucket.ids.push(id);
                bucket.lens.push(len);
                bucket.vecs.extend_from_slice(factors.get(id).unwrap_or(&[]));
                self.set_slot(id, b as u32);
            }
            self.order.push(b);
        }
        self.items = all.len();
    }

    fn set_slot(&mut self, id: u32, slot: u32) {
        let i = id as usize;
        if i >= self.slot_of.len() {
            self.slot_of.resize(i + 1, NONE);
        }
        self.slot_of[i] = slot;
    }

    fn slot(&self, id: u32) -> u32 {
        self.slot_of.get(id as usize).copied().unwrap_or(NONE)
    }

    fn new_bucket(&mut self) -> usize {
        match self.free.pop() {
            Some(b) => b,
            None => {
                self.slab.push(Bucket::default());
                self.slab.len() - 1
            }
        }
    }

    fn drop_bucket(&mut self, rank: usize) -> Bucket {
        let b = self.order.remove(rank);
        self.free.push(b);
        std::mem::take(&mut self.slab[b])
    }

    /// Position of bucket `b` in the order (the first keys increase strictly along it).
    fn rank_of(&self, b: usize) -> usize {
        let first = self.slab[b].first();
        self.order.partition_point(|&x| before(self.slab[x].first(), first))
    }

    /// Sets the vector of `id`, moving it within its bucket when its new length still fits
    /// between the neighbouring buckets (the common case after a small gradient step).
    pub fn update(&mut self, id: u32, v: &[f64]) {
        let slot = self.slot(id);
        if slot == NONE || slot == NON_FINITE || v.len() != self.dimension {
            self.remove(id);
            self.insert(id, v);
            return;
        }
        let len = length(v);
        let b = slot as usize;
        let rank = self.rank_of(b);
        let key = (len, id);
        let fits_prev = rank == 0 || before(self.slab[self.order[rank - 1]].last(), key);
        let fits_next = rank + 1 == self.order.len() || before(key, self.slab[self.order[rank + 1]].first());
        if !(len.is_finite() && fits_prev && fits_next) {
            self.remove(id);
            self.insert(id, v);
            return;
        }
        let d = self.dimension;
        let bucket = &mut self.slab[b];
        let Some(p) = bucket.ids.iter().position(|&x| x == id) else { return };
        bucket.ids.remove(p);
        bucket.lens.remove(p);
        let q = bucket.position(key);
        bucket.ids.insert(q, id);
        bucket.lens.insert(q, len);
        if q < p {
            bucket.vecs[q * d..(p + 1) * d].rotate_right(d);
        } else if q > p {
            bucket.vecs[p * d..(q + 1) * d].rotate_left(d);
        }
        bucket.vecs[q * d..(q + 1) * d].copy_from_slice(v);
    }

    /// Inserts an item that is not in the container.
    pub fn insert(&mut self, id: u32, v: &[f64]) {
        let len = length(v);
        if !len.is_finite() || v.len() != self.dimension {
            self.set_slot(id, NON_FINITE);
            self.non_finite += 1;
            return;
        }
        let key = (len, id);
        let rank = if self.order.is_empty() {
            let b = self.new_bucket();
            self.order.push(b);
            0
        } else {
            self.order.partition_point(|&b| before(self.slab[b].last(), key)).min(self.order.len() - 1)
        };
        let b = self.order[rank];
        let d = self.dimension;
        let bucket = &mut self.slab[b];
        let q = bucket.position(key);
        bucket.ids.insert(q, id);
        bucket.lens.insert(q, len);
        bucket.vecs.splice(q * d..q * d, v.iter().copied());
        self.set_slot(id, b as u32);
        self.items += 1;
        if self.slab[b].ids.len() >= self.bucket_size {
            self.split(rank);
        }
    }

    /// Moves the shorter half of a full bucket into a new bucket right after it.
    fn split(&mut self, rank: usize) {
        let b = self.order[rank];
        let n = self.slab[b].ids.len();
        let keep = n - n / 2;
        let d = self.dimension;
        let nb = self.new_bucket();
        let tail = Bucket {
            ids: self.slab[b].ids.split_off(keep),
            lens: self.slab[b].lens.split_off(keep),
            vecs: self.slab[b].vecs.split_off(keep * d),
        };
        for &id in &tail.ids {
            self.slot_of[id as usize] = nb as u32;
        }
        self.slab[nb] = tail;
        self.order.insert(rank + 1, nb);
    }

    /// Removes an item if present; a bucket left with at most a quarter of `bucket_size`
    /// items is dissolved and its items reinserted.
    pub fn remove(&mut self, id: u32) {
        let slot = self.slot(id);
        if slot == NONE {
            return;
        }
        self.set_slot(id, NONE);
        if slot == NON_FINITE {
            self.non_finite -= 1;
            return;
        }
        let b = slot as usize;
        let d = self.dimension;
        let rank = self.rank_of(b);
        let bucket = &mut self.slab[b];
        let Some(p) = bucket.ids.iter().position(|&x| x == id) else { return };
        bucket.ids.remove(p);
        bucket.lens.remove(p);
        bucket.vecs.drain(p * d..(p + 1) * d);
        self.items -= 1;
        let size = bucket.ids.len();
        if size == 0 || (size <= self.bucket_size / 4 && self.order.len() > 1) {
            let old = self.drop_bucket(rank);
            self.items -= old.ids.len();
            for (k, &id) in old.ids.iter().enumerate() {
                self.insert(id, &old.vecs[k * d..(k + 1) * d]);
            }
        }
    }

    /// The buckets in order (longest vectors first).
    pub fn buckets(&self) -> impl Iterator<Item = BucketView<'_>> {
        (0..self.order.len()).filter_map(|rank| self.bucket(rank))
    }

    /// The bucket at position `rank` of the order.
    pub fn bucket(&self, rank: usize) -> Option<BucketView<'_>> {
        let bucket = self.slab.get(*self.order.get(rank)?)?;
        Some(BucketView { max_len: *bucket.lens.first()?, ids: &bucket.ids, vecs: &bucket.vecs })
    }

    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Checks the container's invariants (for tests): total order, slots, counts.
    pub fn check(&self, factors: &Factors) -> Result<(), String> {
        let mut prev: Option<(f64, u32)> = None;
        let mut n = 0;
        for &b in &self.order {
            let bucket = &self.slab[b];
            if bucket.ids.is_empty() {
                return Err(format!("empty bucket {b}"));
            }
            for k in 0..bucket.ids.len() {
                let key = bucket.key(k);
                if prev.is_some_and(|p| !before(p, key)) {
                    return Err(format!("order broken at {key:?} after {prev:?}"));
                }
                prev = Some(key);
                let v = &bucket.vecs[k * self.dimension..(k + 1) * self.dimension];
                if factors.get(key.1) != Some(v) || length(v) != key.0 || self.slot(key.1) != b as u32 {
                    return Err(format!("stale item {}", key.1));
                }
                n += 1;
            }
        }
        let expected = factors.ids().filter(|&i| factors.get(i).is_some_and(|v| length(v).is_finite())).count();
        if n != self.items || n != expected {
            return Err(format!("{n} items in buckets, counted {}, factors have {expected}", self.items));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "lemp_tests.rs"]
mod tests;
