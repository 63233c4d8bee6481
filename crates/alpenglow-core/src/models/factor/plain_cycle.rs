//! SGD on the samples of one implicit update cycle (a record and its negatives) for a plain
//! factor model, whose score is the dot product alone (see `FactorModel::lemp_usable`).
//!
//! Each sample's step depends on the user vector left by the previous one, so a cycle is one
//! long dependency chain (a 10-term dot product, the gradient, the update: about 50 cycles a
//! sample), and everything else of a sample should run in its shadow. When every sample has
//! the same user (as a negative sampler's cycle), both sides are trained and the dimension is
//! one of the unrolled ones (8, 10, 16, 20):
//! * the missing vectors are created first (no step draws, so the generators draw as before);
//! * the user vector stays in registers for the whole cycle and is stored back at its end,
//!   and the loop calls no function (every vector register is caller-saved); it is compiled
//!   with AVX where the processor has it (16 registers of 4 values: nothing spills);
//! * the item's index copy and its length are written in the loop
//!   ([`LempContainer::store_fixed`](super::lemp::LempContainer::store_fixed)), off the chain;
//!   items not indexed in place get the general bookkeeping after the loop, with their final
//!   vectors (nothing is ranked in between).
//!
//! The vectors are those of [`FactorModel::plain_step_index_later`] applied to each sample in
//! order, bit for bit (test `a_cycle_at_once_equals_its_steps_one_by_one`).

use super::factors::Factors;
use super::lemp::LempContainer;
use super::model::FactorModel;
use crate::data::RecDat;

/// Samples between starting to load an item's vectors and training on it.
const VECTORS_AHEAD: usize = 6;
/// Samples between starting to load an item's slots (which locate its vectors) and training on it.
const SLOTS_AHEAD: usize = 16;

/// Item tables of more values than this (2 MiB of vectors) are taken to be beyond the
/// caches: the samples' items are then prefetched (below, the hints only cost instructions).
const PREFETCH_ABOVE: usize = 1 << 18;

/// The step's settings: `step = -gradient(score, prediction) * learning_rate`, then both
/// vectors move as `x + step * other + shrink * x` (old values on the right).
#[derive(Debug, Clone, Copy)]
pub(super) struct PlainStep {
    pub learning_rate: f64,
    pub shrink: f64,
    pub update_p: bool,
    pub update_q: bool,
}

impl FactorModel {
    /// Trains on every sample in order. Items whose LEMP copies were changed in place without
    /// their lengths are appended to `pending` (pass them to
    /// [`index_updated`](Self::index_updated) before anything is ranked). The model must be
    /// `lemp_usable`.
    pub(super) fn train_plain_cycle(
        &mut self,
        samples: &[RecDat],
        gradient: impl Fn(f64, f64) -> f64,
        step: PlainStep,
        pending: &mut Vec<u32>,
    ) {
        let far = self.items.slots().saturating_mul(self.dimension) > PREFETCH_ABOVE;
        if far {
            // The samples' items are random rows of tables that do not fit in the cache: their
            // loads are started ahead (hints; results are unchanged).
            for ahead in samples.iter().take(SLOTS_AHEAD) {
                self.items.prefetch_slot(ahead.item);
                self.lemp.prefetch_slot(ahead.item);
            }
        }
        // The fast path trains both sides (the default); frozen sides take the general one.
        let one_user = step.update_p
            && step.update_q
            && samples.first().is_some_and(|first| samples.iter().all(|s| s.user == first.user));
        if !one_user {
            return self.cycle_per_sample(samples, gradient, step, pending);
        }
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx") {
            // SAFETY: the processor supports AVX (checked just above).
            return unsafe { self.cycle_avx(samples, gradient, step, pending, far) };
        }
        self.cycle_dispatch(samples, gradient, step, pending, far)
    }

    /// The same loop compiled with AVX (16 wide registers: the vectors stay in registers).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn cycle_avx(&mut self, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64, step: PlainStep, pending: &mut Vec<u32>, far: bool) {
        self.cycle_dispatch(samples, gradient, step, pending, far)
    }

    #[inline(always)]
    fn cycle_dispatch(&mut self, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64, step: PlainStep, pending: &mut Vec<u32>, far: bool) {
        match (self.dimension, far) {
            (8, false) => self.cycle_in_registers::<8, false>(samples, gradient, step, pending),
            (8, true) => self.cycle_in_registers::<8, true>(samples, gradient, step, pending),
            (10, false) => self.cycle_in_registers::<10, false>(samples, gradient, step, pending),
            (10, true) => self.cycle_in_registers::<10, true>(samples, gradient, step, pending),
            (16, false) => self.cycle_in_registers::<16, false>(samples, gradient, step, pending),
            (16, true) => self.cycle_in_registers::<16, true>(samples, gradient, step, pending),
            (20, false) => self.cycle_in_registers::<20, false>(samples, gradient, step, pending),
            (20, true) => self.cycle_in_registers::<20, true>(samples, gradient, step, pending),
            _ => self.cycle_per_sample(samples, gradient, step, pending),
        }
    }

    /// The samples one step at a time, each reading and writing the user vector.
    fn cycle_per_sample(&mut self, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64, s: PlainStep, pending: &mut Vec<u32>) {
        for (k, sample) in samples.iter().enumerate() {
            prefetch_ahead(&self.items, &self.lemp, samples, k);
            let step = |prediction| (-gradient(sample.score, prediction) * s.learning_rate, s.shrink);
            if self.plain_step_index_later(sample, step, s.update_p, s.update_q) {
                pending.push(sample.item);
            }
        }
    }

    /// All samples have the user of the first and the dimension is `D`.
    ///
    /// The loop calls no function (every xmm register is caller-saved, so a call would force
    /// the user vector out of the registers): missing vectors are created before it (the
    /// generators draw in the same order, as no step draws), and items whose index copy is
    /// not changed in place are passed to `item_changed` after it, with their final vectors
    /// (nothing is ranked in between, so the index ends the same).
    #[inline(always)]
    fn cycle_in_registers<const D: usize, const PREFETCH: bool>(&mut self, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64, s: PlainStep, pending: &mut Vec<u32>) {
        let Some(first) = samples.first() else { return };
        for sample in samples {
            // Only the vectors: a plain model has no biases.
            if self.items.get(sample.item).is_none() || self.users.get(sample.user).is_none() {
                self.ensure(sample);
            }
        }
        let Some(mut u) = self.users.get(first.user).and_then(|v| <[f64; D]>::try_from(v).ok()) else {
            return self.cycle_per_sample(samples, gradient, s, pending);
        };
        let shrink = s.shrink;
        let mut missed = false;
        let FactorModel { items, lemp, deferred, .. } = self;
        let indexing = *deferred == 0;
        for (k, sample) in samples.iter().enumerate() {
            if PREFETCH {
                prefetch_ahead(items, lemp, samples, k);
            }
            let Some(q) = items.get_mut(sample.item).and_then(|q| <&mut [f64; D]>::try_from(q).ok()) else {
                continue; // a vector could not be created: nothing changes
            };
            // The same sum as `dot`: the terms in order, from the first on. The prediction adds
            // the two zero biases; one `+ 0.0` gives the same value (it turns -0.0 into +0.0).
            let mut p = u[0] * q[0];
            for j in 1..D {
                p += u[j] * q[j];
            }
            let step = -gradient(sample.score, p + 0.0) * s.learning_rate;
            // Both from the old values, each as `(x + step * other) + shrink * x`.
            let moved: [f64; D] = std::array::from_fn(|j| q[j] + step * u[j] + shrink * q[j]);
            u = std::array::from_fn(|j| u[j] + step * q[j] + shrink * u[j]);
            *q = moved;
            // The index copy, its length and its bucket's bound, off the dependency chain.
            if !(indexing && lemp.store_fixed(sample.item, &moved)) {
                missed = true;
            }
        }
        lemp.finish_updates();
        if let Some(v) = self.users.get_mut(first.user) {
            v.copy_from_slice(&u);
        }
        if missed {
            // Some item's copy was not changed in place (not in a bucket, deferred, or a length
            // out of the plain formula's range): the general bookkeeping, with the final
            // vectors (copies already changed in place are written again, unchanged).
            for sample in samples {
                self.item_changed(sample.item);
            }
        }
    }
}

/// Cache hints for the samples `k + SLOTS_AHEAD` (their slots) and `k + VECTORS_AHEAD` (their
/// vectors, located through the slots loaded earlier).
#[inline(always)]
fn prefetch_ahead(items: &Factors, lemp: &LempContainer, samples: &[RecDat], k: usize) {
    if let Some(ahead) = samples.get(k + SLOTS_AHEAD) {
        items.prefetch_slot(ahead.item);
        lemp.prefetch_slot(ahead.item);
    }
    if let Some(ahead) = samples.get(k + VECTORS_AHEAD) {
        items.prefetch_vector(ahead.item);
        lemp.prefetch_stored(ahead.item);
    }
}
