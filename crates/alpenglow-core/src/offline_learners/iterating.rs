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
    /// The training set in the current pass's order.
    shuffled: Vec<RecDat>,
}

/// One pass: every record to every updater of the group, each borrowed once.
fn pass(updaters: &[Link<dyn Updater>], records: &[RecDat], env: &Environment) -> Result<()> {
    if let [only] = updaters {
        return only.borrow_mut()?.update_batch(records, env);
    }
    let mut borrowed = Vec::with_capacity(updaters.len());
    for u in updaters {
        borrowed.push(u.borrow_mut()?);
    }
    for rec in records {
        for u in borrowed.iter_mut() {
            u.update(rec, env)?;
        }
    }
    Ok(())
}

/// `data` in `order`. Gathering the records into one array first (independent loads the
/// processor overlaps) is much faster than following the order inside the training loop,
/// where every record is a cache miss behind the previous update.
fn gather(data: &[RecDat], order: &[u32], out: &mut Vec<RecDat>) {
    out.clear();
    out.extend(order.iter().map(|&k| data[k as usize]));
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
        Ok(OfflineIteratingOnlineLearnerWrapper {
            params,
            wiring: Default::default(),
            order: Vec::new(),
            shuffled: Vec::new(),
        })
    }
    crate::component_accessors!();
}

impl OfflineLearner for OfflineIteratingOnlineLearnerWrapper {
    fn fit(&mut self, data: &[RecDat], env: &Environment) -> Result<()> {
        let w = &self.wiring;
        self.order.clear();
        crate::alloc::reserve(&mut self.order, data.len(), "OfflineIteratingOnlineLearnerWrapper: training set")?;
        self.order.extend(0..data.len() as u32);
        crate::alloc::reserve(&mut self.shuffled, data.len(), "OfflineIteratingOnlineLearnerWrapper: training set")?;
        let mut rng = Random::new(self.params.seed);
        if !w.early.is_empty() {
            tell(&w.early, UpdaterMessage::StartOfOfflineUpdate)?;
            pass(&w.early, data, env)?;
            tell(&w.early, UpdaterMessage::EndOfOfflineUpdate)?;
        }
        if !w.iterate.is_empty() {
            tell(&w.iterate, UpdaterMessage::StartOfOfflineIterations)?;
            for _ in 0..self.params.number_of_iterations {
                if self.params.shuffle {
                    rng.shuffle(&mut self.order);
                }
                gather(data, &self.order, &mut self.shuffled);
                pass(&w.iterate, &self.shuffled, env)?;
                super::interrupt::check()?;
            }
            tell(&w.iterate, UpdaterMessage::EndOfOfflineIterations)?;
        }
        if !w.late.is_empty() {
            tell(&w.late, UpdaterMessage::StartOfOfflineUpdate)?;
            gather(data, &self.order, &mut self.shuffled);
            pass(&w.late, &self.shuffled, env)?;
            tell(&w.late, UpdaterMessage::EndOfOfflineUpdate)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::Link;
    use crate::experiment::stream::at_times;
    use crate::sampling::testing::{Event, env, recorder};

    fn ids(log: &crate::sampling::testing::Log) -> Vec<Event> {
        log.lock().unwrap().clone()
    }

    #[test]
    fn groups_get_their_messages_and_passes_in_the_seeded_orders() {
        let params = OfflineIteratingOnlineLearnerWrapperParameters { number_of_iterations: 2, shuffle: true, seed: 7 };
        let mut w = OfflineIteratingOnlineLearnerWrapper::new(params).unwrap();
        let (early, early_log) = recorder();
        let (iterate, iterate_log) = recorder();
        let (late, late_log) = recorder();
        w.wiring.early.push(Link::from_role(&early).unwrap());
        w.wiring.iterate.push(Link::from_role(&iterate).unwrap());
        w.wiring.late.push(Link::from_role(&late).unwrap());
        let data = at_times(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let samples = |order: &[usize]| order.iter().map(|&k| Event::Sample(data[k])).collect::<Vec<_>>();
        let mut rng = Random::new(7);
        let mut order: Vec<usize> = (0..6).collect();
        let original = order.clone();
        rng.shuffle(&mut order);
        let first = order.clone();
        rng.shuffle(&mut order);
        let second = order.clone();
        for _fit in 0..2 {
            // Every fit replays the same permutations.
            for log in [&early_log, &iterate_log, &late_log] {
                log.lock().unwrap().clear();
            }
            w.fit(&data, &env()).unwrap();
            let wrap = |m1, body: Vec<Event>, m2| [vec![Event::Other(m1)], body, vec![Event::Other(m2)]].concat();
            use UpdaterMessage::*;
            assert_eq!(ids(&early_log), wrap(StartOfOfflineUpdate, samples(&original), EndOfOfflineUpdate));
            assert_eq!(
                ids(&iterate_log),
                wrap(StartOfOfflineIterations, [samples(&first), samples(&second)].concat(), EndOfOfflineIterations)
            );
            assert_eq!(ids(&late_log), wrap(StartOfOfflineUpdate, samples(&second), EndOfOfflineUpdate));
        }
        assert_ne!(first, original);
    }

    #[test]
    fn without_shuffle_every_pass_is_in_the_given_order() {
        let params = OfflineIteratingOnlineLearnerWrapperParameters {
            number_of_iterations: 3,
            shuffle: false,
            ..Default::default()
        };
        let mut w = OfflineIteratingOnlineLearnerWrapper::new(params).unwrap();
        let (iterate, log) = recorder();
        w.wiring.iterate.push(Link::from_role(&iterate).unwrap());
        let data = at_times(&[0.0, 1.0, 2.0]);
        w.fit(&data, &env()).unwrap();
        let got: Vec<i64> = ids(&log)
            .iter()
            .filter_map(|e| match e {
                Event::Sample(r) => Some(r.id),
                _ => None,
            })
            .collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2, 0, 1, 2]);
    }
}
