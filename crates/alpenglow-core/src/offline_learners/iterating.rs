//! Offline training by replaying a training set through online updaters.

use super::OfflineLearner;
use crate::component::{Component, Link};
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::random::Random;
use crate::record::RecDat;

crate::parameters! {
    /// Trains online updaters on a whole training set, in three groups. At every `fit`:
    /// 1. early updaters: StartOfOfflineUpdate, every record in the given order,
    ///    EndOfOfflineUpdate;
    /// 2. iterate updaters: StartOfOfflineIterations, then `number_of_iterations` passes over
    ///    the records, each pass (with `shuffle`) in a new order: a Fisher–Yates reshuffle of
    ///    the previous pass's order (n-1 draws); then EndOfOfflineIterations;
    /// 3. updaters: StartOfOfflineUpdate, the records in the last order, EndOfOfflineUpdate.
    ///
    /// Within a pass each record goes to every updater of the group, in the order added. The
    /// shuffles restart from `seed` at every `fit`, so equal-sized training sets are replayed
    /// in the same permutation sequence, as in the original.
    pub struct OfflineIteratingOnlineLearnerWrapperParameters {
        /// Passes of the iterate updaters.
        pub number_of_iterations: i64 = 10; where int(0..=1 << 20),
        /// Reshuffle before every pass of the iterate updaters.
        pub shuffle: bool = true,
        /// Seed of the shuffles.
        pub seed: i64 = 25435429; where seed(),
    }
}

crate::wiring! {
    pub struct OfflineIteratingOnlineLearnerWrapperWiring {
        /// An updater that sees the training set once, first.
        add_early_updater => early: many dyn Updater,
        /// An updater trained for `number_of_iterations` passes.
        add_iterate_updater => iterate: many dyn Updater,
        /// An updater that sees the training set once, last.
        add_updater => late: many dyn Updater,
    }
}

pub struct OfflineIteratingOnlineLearnerWrapper {
    params: OfflineIteratingOnlineLearnerWrapperParameters,
    wiring: OfflineIteratingOnlineLearnerWrapperWiring,
    order: Vec<u32>,
}

/// One pass: every record in `order` to every updater of the group, each borrowed once.
fn pass(updaters: &[Link<dyn Updater>], data: &[RecDat], order: &[u32], env: &Environment) -> Result<()> {
    let mut borrowed = Vec::with_capacity(updaters.len());
    for u in updaters {
        borrowed.push(u.borrow_mut()?);
    }
    for &k in order {
        for u in borrowed.iter_mut() {
            u.update(&data[k as usize], env)?;
        }
    }
    Ok(())
}

fn tell(updaters: &[Link<dyn Updater>], message: UpdaterMessage) -> Result<()> {
    updaters.iter().try_for_each(|u| u.borrow_mut()?.message(message))
}

impl Component for OfflineIteratingOnlineLearnerWrapper {
    const NAME: &'static str = "OfflineIteratingOnlineLearnerWrapper";
    type Params = OfflineIteratingOnlineLearnerWrapperParameters;
    type Wiring = OfflineIteratingOnlineLearnerWrapperWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(OfflineIteratingOnlineLearnerWrapper { params, wiring: Default::default(), order: Vec::new() })
    }
    crate::component_accessors!();
}

impl OfflineLearner for OfflineIteratingOnlineLearnerWrapper {
    fn fit(&mut self, data: &[RecDat], env: &Environment) -> Result<()> {
        let w = &self.wiring;
        self.order.clear();
        crate::alloc::reserve(&mut self.order, data.len(), "OfflineIteratingOnlineLearnerWrapper: training set")?;
        self.order.extend(0..data.len() as u32);
        let mut rng = Random::new(self.params.seed);
        if !w.early.is_empty() {
            tell(&w.early, UpdaterMessage::StartOfOfflineUpdate)?;
            pass(&w.early, data, &self.order, env)?;
            tell(&w.early, UpdaterMessage::EndOfOfflineUpdate)?;
        }
        if !w.iterate.is_empty() {
            tell(&w.iterate, UpdaterMessage::StartOfOfflineIterations)?;
            for _ in 0..self.params.number_of_iterations {
                if self.params.shuffle {
                    rng.shuffle(&mut self.order);
                }
                pass(&w.iterate, data, &self.order, env)?;
            }
            tell(&w.iterate, UpdaterMessage::EndOfOfflineIterations)?;
        }
        if !w.late.is_empty() {
            tell(&w.late, UpdaterMessage::StartOfOfflineUpdate)?;
            pass(&w.late, data, &self.order, env)?;
            tell(&w.late, UpdaterMessage::EndOfOfflineUpdate)?;
        }
        Ok(())
    }
}
