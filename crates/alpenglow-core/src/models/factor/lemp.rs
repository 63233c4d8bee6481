//! The LEMP index (core-components.md §4.3, redesigned): item vectors grouped into buckets of
//! similar length, each with an upper bound of its vectors' lengths, so that for a user vector
//! `u` the Cauchy–Schwarz bound `bucket bound × ‖u‖` prunes whole buckets.
//!
//! Ranks are counted independently of the order in which items are met (`ranking`), so the
//! index keeps no order, only valid bounds; this replaces the original's sorted container,
//! which repaired its order (remove + sorted insert) for every changed item before each query:
//! * an update overwrites the item's slot in place and raises its bucket's bound to the new
//!   length if needed (bounds only grow, so they stay valid);
//! * new items go to the overflow bucket (the last one);
//! * once there were more than 8 updates per item since the last rebuild, or the overflow
//!   bucket holds more than a bucket and 1/16 of the items, the buckets are rebuilt by sorting
//!   the items by length (amortised O(log n) per update);
//! * the buckets hold copies of the item vectors in one flat array per bucket, and scores are
//!   computed with the same `dot` as the model's prediction, so they are bit-identical to it;
//! * vectors with a non-finite length are kept out of the buckets and counted, so callers can
//!   fall back to an exhaustive scan.

use super::factors::Factors;

const NONE: u32 = u32::MAX;
/// Rebuild after this many updates per item: the pruning hardly suffers from the bounds
/// that grew since (measured on MovieLens), while sorting often costs.
const REBUILD_AFTER: usize = 16;
/// Also rebuild when the overflow bucket holds more than a bucket and more than this share of
/// the items (new items are not sorted by length, so they prune poorly).
const OVERFLOW_SHARE: usize = 16;
const NON_FINITE: u32 = u32::MAX - 1;

/// Euclidean length, computed without intermediate overflow or underflow (by scaling with the
/// largest entry when the plain sum of squares is not safely within the normal range).
#[inline]
pub fn length(v: &[f64]) -> f64 {
    if let Some(len) = length_from_sum_of_squares(sum_of_squares(v)) {
        return len;
    }
    let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return if v.iter().any(|x| x.is_nan()) { f64::NAN } else { scale };
    }
    let sum: f64 = v.iter().map(|x| (x / scale) * (x / scale)).sum();
    scale * sum.sqrt()
}

/// The length from `Σ x²` computed as [`length`] does (four partial sums over chunks of four
/// values, `(a0 + a1) + (a2 + a3)`, plus the sum of the rest), when that sum is within the
/// range where the plain formula is exact enough (`None`: call [`length`]).
#[inline(always)]
pub fn length_from_sum_of_squares(sum: f64) -> Option<f64> {
    (sum.is_finite() && sum >= 1e-280).then(|| sum.sqrt())
}

/// `Σ x²` with four partial sums (any order has the same error bound). Always inlined: in a
/// loop over vectors of constant length (`store_fixed`) it unrolls, and the loop makes no call.
#[inline(always)]
fn sum_of_squares(v: &[f64]) -> f64 {
    let (chunks, rest) = v.as_chunks::<4>();
    let mut acc = [0.0f64; 4];
    for c in chunks {
        for k in 0..4 {
            acc[k] += c[k] * c[k];
        }
    }
    let tail: f64 = rest.iter().map(|x| x * x).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// One bucket: ids, their lengths (as of their last update) and their vectors.
#[derive(Debug, Clone, Default)]
pub struct Bucket {
    bound: f64,
    ids: Vec<u32>,
    lens: Vec<f64>,
    /// `dimension` values per item, in the order of `ids`.
    vecs: Vec<f64>,
}

impl Bucket {
    /// At least the length of every vector in the bucket (0 when it is empty).
    #[inline]
    pub fn bound(&self) -> f64 {
        self.bound
    }
    #[inline]
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }
    /// The vectors of `ids`, `dimension` values each.
    #[inline]
    pub fn vecs(&self) -> &[f64] {
        &self.vecs
    }
    fn push(&mut self, id: u32, len: f64, v: &[f64]) {
        self.ids.push(id);
        self.lens.push(len);
        self.vecs.extend_from_slice(v);
        self.bound = self.bound.max(len);
    }
}

/// Item vectors in length buckets with upper bounds.
#[derive(Debug, Clone)]
pub struct LempContainer {
    dimension: usize,
    /// Items per bucket after a rebuild.
    chunk: usize,
    /// The last bucket is the overflow bucket.
    buckets: Vec<Bucket>,
    /// Item id -> (bucket, position), or (`NONE` | `NON_FINITE`, 0).
    slot_of: Vec<(u32, u32)>,
    items: usize,
    non_finite: usize,
    max_len: f64,
    updates: usize,
}

impl LempContainer {
    /// An empty index; rebuilds make buckets of `bucket_size / 2` items (as the original).
    pub fn new(dimension: usize, bucket_size: usize) -> Self {
        LempContainer {
            dimension: dimension.max(1),
            chunk: (bucket_size / 2).max(1),
            buckets: vec![Bucket::default()],
            slot_of: Vec::new(),
            items: 0,
            non_finite: 0,
            max_len: 0.0,
            updates: 0,
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
    pub fn dimension(&self) -> usize {
        self.dimension
    }
    /// The buckets, longest vectors first as of the last rebuild, then the overflow bucket.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }
    /// At least the length of every finite vector (0 when there is none).
    pub fn max_len(&self) -> f64 {
        self.max_len
    }
    /// True if the item has a vector in the index (finite or not).
    #[inline]
    pub fn contains(&self, id: u32) -> bool {
        self.slot(id).0 != NONE
    }

    #[inline]
    fn slot(&self, id: u32) -> (u32, u32) {
        self.slot_of.get(id as usize).copied().unwrap_or((NONE, 0))
    }

    fn set_slot(&mut self, id: u32, slot: (u32, u32)) {
        let i = id as usize;
        if i >= self.slot_of.len() {
            self.slot_of.resize(i + 1, (NONE, 0));
        }
        self.slot_of[i] = slot;
    }

    /// Sets the vector of `id` (a vector of another length than the dimension counts as
    /// non-finite).
    pub fn set(&mut self, id: u32, v: &[f64]) {
        self.place(id, v);
        self.count_update();
    }

    /// Counts an update and rebuilds when the bounds have grown stale or the overflow bucket
    /// is too full.
    fn count_update(&mut self) {
        self.updates += 1;
        self.rebuild_if_stale();
    }

    /// Rebuilds when the bounds have grown stale or the overflow bucket is too full.
    fn rebuild_if_stale(&mut self) {
        let overflow = self.buckets.last().map_or(0, |b| b.ids.len());
        if self.updates > REBUILD_AFTER * self.len() || overflow > self.chunk.max(self.len() / OVERFLOW_SHARE) {
            self.rebuild();
        }
    }

    /// Cache hint for the slot of `id` (first stage of [`LempContainer::prefetch_stored`]).
    #[inline(always)]
    pub fn prefetch_slot(&self, id: u32) {
        if let Some(slot) = self.slot_of.get(id as usize) {
            crate::prefetch::prefetch(slot);
        }
    }

    /// Cache hint for what [`stored_mut`](Self::stored_mut) and [`updated`](Self::updated)
    /// touch for `id` (reads its slot, best prefetched earlier).
    #[inline(always)]
    pub fn prefetch_stored(&self, id: u32) {
        let (b, p) = self.slot(id);
        if let Some(bucket) = self.buckets.get(b as usize) {
            let (p, d) = (p as usize, self.dimension);
            if let Some(v) = bucket.vecs.get(p * d..(p + 1) * d) {
                crate::prefetch::prefetch(v.as_ptr());
                crate::prefetch::prefetch(v.as_ptr().wrapping_add(d - 1));
            }
            if let Some(len) = bucket.lens.get(p) {
                crate::prefetch::prefetch(len);
            }
        }
    }

    /// The stored copy of `id`'s vector when it is in a bucket, to be changed in place
    /// together with the model's own vector; call [`updated`](Self::updated) afterwards.
    #[inline]
    pub fn stored_mut(&mut self, id: u32) -> Option<&mut [f64]> {
        let (b, p) = self.slot(id);
        let d = self.dimension;
        let bucket = self.buckets.get_mut(b as usize)?;
        bucket.vecs.get_mut(p as usize * d..(p as usize + 1) * d)
    }

    /// Writes `v` as the stored copy of `id` and sets its length and its bucket's bound, as
    /// [`updated`](Self::updated) does, for loops that change many copies (a training cycle):
    /// the update is counted, and a rebuild it may call for waits for
    /// [`finish_updates`](Self::finish_updates), after the loop. False (nothing written) when
    /// `id` is not in a bucket or the length needs the careful formula of [`length`]: then
    /// call [`set`](Self::set).
    #[inline(always)]
    pub fn store_fixed<const D: usize>(&mut self, id: u32, v: &[f64; D]) -> bool {
        let (b, p) = self.slot(id);
        let p = p as usize;
        let Some(bucket) = self.buckets.get_mut(b as usize) else { return false };
        let (Some(copy), Some(len_slot)) = (bucket.vecs.get_mut(p * D..(p + 1) * D), bucket.lens.get_mut(p)) else {
            return false;
        };
        // `sum_of_squares` of a slice of constant length: unrolled once inlined here.
        let Some(len) = length_from_sum_of_squares(sum_of_squares(v)).filter(|_| D == self.dimension) else {
            return false;
        };
        copy.copy_from_slice(v);
        *len_slot = len;
        // Plain comparisons (the length is finite): `f64::max` also handles NaN.
        if len > bucket.bound {
            bucket.bound = len;
        }
        if len > self.max_len {
            self.max_len = len;
        }
        self.updates += 1;
        true
    }

    /// After a loop of [`store_fixed`](Self::store_fixed) calls: the rebuild they may call
    /// for (as [`updated`](Self::updated) would have checked after each).
    pub fn finish_updates(&mut self) {
        self.rebuild_if_stale();
    }

    /// After the copy given by [`stored_mut`](Self::stored_mut) was changed: the same
    /// bookkeeping as [`set`](Self::set) with the new vector.
    pub fn updated(&mut self, id: u32) {
        let (b, p) = self.slot(id);
        let (b, p, d) = (b as usize, p as usize, self.dimension);
        let Some(bucket) = self.buckets.get_mut(b) else { return };
        let len = length(&bucket.vecs[p * d..(p + 1) * d]);
        if !len.is_finite() {
            let v = bucket.vecs[p * d..(p + 1) * d].to_vec(); // rare: `set` takes it out
            self.set(id, &v);
            return;
        }
        self.max_len = self.max_len.max(len);
        bucket.lens[p] = len;
        bucket.bound = bucket.bound.max(len);
        self.count_update();
    }

    /// [`updated`](Self::updated) for each of `ids` (repeats allowed): every length and bound
    /// first, then the update count, so that a rebuild it triggers sees current lengths.
    pub fn updated_all(&mut self, ids: &[u32]) {
        let d = self.dimension;
        let mut rare = false;
        for &id in ids {
            let (b, p) = self.slot(id);
            let Some(bucket) = self.buckets.get_mut(b as usize) else { continue };
            let p = p as usize;
            let len = length(&bucket.vecs[p * d..(p + 1) * d]);
            if !len.is_finite() {
                rare = true;
                continue;
            }
            self.max_len = self.max_len.max(len);
            bucket.lens[p] = len;
            bucket.bound = bucket.bound.max(len);
        }
        if rare {
            for &id in ids {
                let (b, p) = self.slot(id);
                let (b, p) = (b as usize, p as usize);
                if let Some(bucket) = self.buckets.get(b)
                    && !length(&bucket.vecs[p * d..(p + 1) * d]).is_finite()
                {
                    let v = bucket.vecs[p * d..(p + 1) * d].to_vec(); // `set` takes it out
                    self.place(id, &v);
                }
            }
        }
        self.updates += ids.len().saturating_sub(1);
        if !ids.is_empty() {
            self.count_update();
        }
    }

    fn place(&mut self, id: u32, v: &[f64]) {
        let d = self.dimension;
        let len = if v.len() == d { length(v) } else { f64::NAN };
        let (b, p) = self.slot(id);
        if !len.is_finite() {
            if b != NON_FINITE {
                if b != NONE {
                    self.take_out(b as usize, p as usize);
                    self.items -= 1;
                }
                self.set_slot(id, (NON_FINITE, 0));
                self.non_finite += 1;
            }
            return;
        }
        self.max_len = self.max_len.max(len);
        let bucket = self.buckets.get_mut(b as usize);
        if let Some(bucket) = bucket {
            let p = p as usize;
            bucket.vecs[p * d..(p + 1) * d].copy_from_slice(v);
            bucket.lens[p] = len;
            bucket.bound = bucket.bound.max(len);
            return;
        }
        if b == NON_FINITE {
            self.non_finite -= 1;
        }
        let last = self.buckets.len() - 1;
        let overflow = &mut self.buckets[last];
        let pos = overflow.ids.len() as u32;
        overflow.push(id, len, v);
        self.set_slot(id, (last as u32, pos));
        self.items += 1;
    }

    /// Removes the item at (b, p) by moving the bucket's last item into its place.
    fn take_out(&mut self, b: usize, p: usize) {
        let d = self.dimension;
        let bucket = &mut self.buckets[b];
        let last = bucket.ids.len() - 1;
        bucket.ids.swap_remove(p);
        bucket.lens.swap_remove(p);
        if p != last {
            bucket.vecs.copy_within(last * d..(last + 1) * d, p * d);
            let moved = bucket.ids[p];
            self.slot_of[moved as usize] = (b as u32, p as u32);
        }
        self.buckets[b].vecs.truncate(last * d);
    }

    /// Regroups the items: sorted by length (longer first, then lower id), in buckets of
    /// `chunk` items whose bounds are their longest lengths, plus an empty overflow bucket.
    pub fn rebuild(&mut self) {
        let d = self.dimension;
        // One integer key per item: the bits of a length (finite, >= 0) order like the length,
        // so `!bits` then the id sorts longer first, then lower id; the id finds the item.
        let mut keys: Vec<u128> = Vec::with_capacity(self.items);
        for bucket in &self.buckets {
            keys.extend(bucket.ids.iter().zip(&bucket.lens).map(|(&id, &len)| (u128::from(!len.to_bits()) << 32) | u128::from(id)));
        }
        keys.sort_unstable();
        let length_of = |key: u128| f64::from_bits(!((key >> 32) as u64));
        let mut buckets = Vec::with_capacity(keys.len() / self.chunk + 2);
        for (n, chunk) in keys.chunks(self.chunk).enumerate() {
            let mut bucket = Bucket {
                bound: 0.0,
                ids: Vec::with_capacity(chunk.len()),
                lens: Vec::with_capacity(chunk.len()),
                vecs: Vec::with_capacity(chunk.len() * d),
            };
            for (p, &key) in chunk.iter().enumerate() {
                let (id, len) = (key as u32, length_of(key));
                let (b, q) = self.slot_of[id as usize];
                let (b, q) = (b as usize, q as usize);
                bucket.push(id, len, &self.buckets[b].vecs[q * d..(q + 1) * d]);
                self.slot_of[id as usize] = (n as u32, p as u32);
            }
            buckets.push(bucket);
        }
        buckets.push(Bucket::default());
        self.buckets = buckets;
        self.max_len = keys.first().map_or(0.0, |&key| length_of(key));
        self.updates = 0;
    }

    /// Forgets every item.
    pub fn clear(&mut self) {
        self.buckets = vec![Bucket::default()];
        self.slot_of.clear();
        self.items = 0;
        self.non_finite = 0;
        self.max_len = 0.0;
        self.updates = 0;
    }

    /// Replaces the content by every vector of `factors`.
    pub fn rebuild_from(&mut self, factors: &Factors) {
        self.rebuild_from_rows(factors.ids().map(|id| (id, factors.get(id).unwrap_or(&[]))));
    }

    /// Replaces the content by the given (id, vector) rows (each id at most once), for models
    /// that keep their vectors elsewhere (e.g. a dense matrix).
    pub fn rebuild_from_rows<'a>(&mut self, rows: impl Iterator<Item = (u32, &'a [f64])>) {
        self.clear();
        for (id, v) in rows {
            self.place(id, v);
        }
        self.rebuild();
    }

    /// Checks the index against the factors (for tests): every vector is held exactly once,
    /// bit-identical, within its bucket's bound; counts and slots agree.
    pub fn check(&self, factors: &Factors) -> Result<(), String> {
        let d = self.dimension;
        let mut n = 0;
        let mut max = 0.0f64;
        for (b, bucket) in self.buckets.iter().enumerate() {
            for (p, &id) in bucket.ids.iter().enumerate() {
                let v = &bucket.vecs[p * d..(p + 1) * d];
                let len = length(v);
                if factors.get(id) != Some(v) || bucket.lens[p] != len || self.slot(id) != (b as u32, p as u32) {
                    return Err(format!("stale item {id} in bucket {b}"));
                }
                if len > bucket.bound {
                    return Err(format!("item {id} of length {len} exceeds the bound {} of bucket {b}", bucket.bound));
                }
                max = max.max(len);
                n += 1;
            }
            if bucket.vecs.len() != bucket.ids.len() * d || bucket.lens.len() != bucket.ids.len() {
                return Err(format!("bucket {b} has inconsistent arrays"));
            }
        }
        if max > self.max_len {
            return Err(format!("max_len {} below the length {max}", self.max_len));
        }
        let finite = factors.ids().filter(|&i| factors.get(i).is_some_and(|v| length(v).is_finite())).count();
        if n != self.items || n != finite || self.len() != factors.len() {
            return Err(format!("{n} items in buckets, counted {}, factors have {finite} finite", self.items));
        }
        for id in factors.ids() {
            let finite = factors.get(id).is_some_and(|v| length(v).is_finite());
            if !finite && self.slot(id).0 != NON_FINITE {
                return Err(format!("non-finite item {id} not marked"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "lemp_tests.rs"]
mod tests;
