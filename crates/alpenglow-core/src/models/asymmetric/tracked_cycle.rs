//! The tracked training cycle (see `HistoryStep::Tracked`) in one loop, for its common case: a
//! record and its negatives (one user vector), no vector to create, no sigmoid, an unrolled
//! dimension. The user vector, the accumulated history step and (SVD++) the user factor stay
//! in registers for the whole cycle (compiled with AVX where the processor has it) and are
//! stored back at its end; each sample's arithmetic is that of `gradient_step`, in the same
//! order, so the model is the same as sample by sample.

use super::shared::{HistoryFactorCore, key};
use super::updater::GradientCycle;
use crate::data::RecDat;

impl GradientCycle {
    /// Trains on `samples` when the fast case applies (see the module docs) and returns true;
    /// otherwise does nothing and returns false. Called at the start of a tracked cycle, after
    /// `defer_lengths`.
    pub(super) fn tracked_cycle_fast(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: &impl Fn(f64, f64) -> f64) -> bool {
        let Some(first) = samples.first() else { return false };
        if self.cumulative || self.first.is_some() || core.config.use_sigmoid {
            return false;
        }
        if samples.iter().any(|s| key(s) != key(first) || core.add_would_create(s)) {
            return false;
        }
        if !matches!(core.config.dimension, 8 | 10 | 16 | 20) {
            return false;
        }
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx") {
            // SAFETY: the processor supports AVX (checked just above).
            return unsafe { self.tracked_avx(core, samples, gradient) };
        }
        self.tracked_by_dimension(core, samples, gradient)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn tracked_avx(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: &impl Fn(f64, f64) -> f64) -> bool {
        self.tracked_by_dimension(core, samples, gradient)
    }

    #[inline(always)]
    fn tracked_by_dimension(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: &impl Fn(f64, f64) -> f64) -> bool {
        match core.config.dimension {
            8 => self.tracked::<8>(core, samples, gradient),
            10 => self.tracked::<10>(core, samples, gradient),
            16 => self.tracked::<16>(core, samples, gradient),
            _ => self.tracked::<20>(core, samples, gradient),
        }
    }

    /// False (nothing changed but the cache's fill) if a vector is not of dimension `D`.
    #[inline(always)]
    fn tracked<const D: usize>(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: &impl Fn(f64, f64) -> f64) -> bool {
        let first = samples[0];
        core.ensure_cache(&first);
        // The user factor: `Some(None)` for the asymmetric model, which has none.
        let p = match &core.users {
            None => Some(None),
            Some(store) => store.factors.get(first.user).and_then(|p| <[f64; D]>::try_from(p).ok()).map(Some),
        };
        let (Ok(mut u), Some(mut p)) = (<[f64; D]>::try_from(&core.cache.get_mut().user_vec[..]), p) else {
            return false;
        };
        self.square_weight_sum = core.square_weight_sum(&first);
        self.first = Some(first);
        let (lr, square_weight_sum) = (self.learning_rate, self.square_weight_sum);
        let HistoryFactorCore { config, users, items, cache, lemp, deferring, .. } = core;
        let cache = cache.get_mut();
        let mut acc = [0.0f64; D];
        let uvw = config.user_vector_weight;
        let c = config.history_weight * cache.norm;
        for s in samples {
            let Some(q) = items.factors.get_mut(s.item).and_then(|q| <&mut [f64; D]>::try_from(q).ok()) else {
                continue;
            };
            // The prediction: `dot(user_vec, q)`, the terms in order from the first.
            let mut raw = u[0] * q[0];
            for k in 1..D {
                raw += u[k] * q[k];
            }
            let g = gradient(s.score, raw);
            let old_u = u;
            if let Some(p) = &mut p {
                let coef = -g * lr * uvw;
                for k in 0..D {
                    p[k] += coef * q[k];
                }
                for k in 0..D {
                    u[k] += uvw * coef * q[k];
                }
            }
            let coef = -g * lr;
            let moved = coef * c * c * square_weight_sum;
            for k in 0..D {
                acc[k] += coef * q[k];
                u[k] += moved * q[k];
            }
            for k in 0..D {
                q[k] += coef * old_u[k];
            }
            // The index copy with its length, in the loop (off the dependency chain).
            if !(*deferring && lemp.store_fixed(s.item, q)) {
                lemp.set(s.item, q);
            }
        }
        lemp.finish_updates();
        cache.user_vec.copy_from_slice(&u);
        if let (Some(p), Some(stored)) = (p, users.as_mut().and_then(|s| s.factors.get_mut(first.user))) {
            stored.copy_from_slice(&p);
        }
        self.acc.clear();
        self.acc.extend_from_slice(&acc);
        true
    }
}
