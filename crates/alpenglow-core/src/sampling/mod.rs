//! Sample generators: negative samplers and the pooled positive sampler. Each is an updater
//! that turns a record into implicit training samples for its sub-updaters.
//!
//! The shared protocol (core-components.md §1, NegativeSampleGenerator): for every record the
//! generator builds its samples (for negative samplers: the positive record first, then one copy
//! per negative item with the item replaced and score 0), sends StartOfImplicitUpdateCycle to
//! every sub-updater, then each sample in order to every sub-updater (in the order they were
//! added), then EndOfImplicitUpdateCycle. Messages the generator receives are forwarded to every
//! sub-updater.

/// The `Updater` role of a sample generator, written once for all of them: each record
/// becomes one implicit update cycle ([`emit_cycle`]) of the samples the generator builds into
/// its `samples`, sent to its `wiring.updaters`; messages are forwarded to them
/// ([`forward_message`]). Like `component_accessors!`, it relies on the generators' field
/// names.
/// * `negatives Ty` (`negatives Ty ?` when `generate` returns a `Result`): a negative sampler
///   whose `generate(rec, env)` draws its `negatives`; the samples are the record followed by
///   its negatives ([`fill_implicit_samples`]).
/// * `positives Ty`: `generate(rec)` fills `samples` itself.
macro_rules! sample_generator_updater {
    (negatives $ty:ident $($try:tt)?) => {
        sample_generator_updater!(@updater $ty, |s: &mut $ty, rec: &RecDat, env: &Environment| -> Result<()> {
            s.generate(rec, env)$($try)?;
            $crate::sampling::fill_implicit_samples(rec, &s.negatives, &mut s.samples);
            Ok(())
        });
    };
    (positives $ty:ident) => {
        sample_generator_updater!(@updater $ty, |s: &mut $ty, rec: &RecDat, _env: &Environment| -> Result<()> {
            s.generate(rec);
            Ok(())
        });
    };
    (@updater $ty:ident, $build:expr) => {
        impl $crate::experiment::Updater for $ty {
            fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
                ($build)(self, rec, env)?;
                $crate::sampling::emit_cycle(&self.wiring.updaters, &self.samples, env)
            }

            /// With one sub-updater, it is borrowed once for all the records.
            fn update_batch(&mut self, records: &[RecDat], env: &Environment) -> Result<()> {
                let updaters = self.wiring.updaters.clone();
                let [only] = updaters.as_slice() else {
                    return records.iter().try_for_each(|rec| self.update(rec, env));
                };
                let mut only = only.borrow_mut()?;
                for rec in records {
                    ($build)(self, rec, env)?;
                    only.update_cycle(&self.samples, env)?;
                }
                Ok(())
            }

            fn message(&mut self, message: $crate::experiment::UpdaterMessage) -> Result<()> {
                $crate::sampling::forward_message(&self.wiring.updaters, message)
            }
        }
    };
}

pub mod high_prediction;
pub mod pooled_positive;
pub mod popularity;
pub mod uniform;

pub use high_prediction::HighPredictionNegativeSampleGenerator;
pub use pooled_positive::PooledPositiveSampleGenerator;
pub use popularity::PopularityNegativeSampleGenerator;
pub use uniform::UniformNegativeSampleGenerator;

use crate::component::Link;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};

/// Sends one implicit update cycle to `updaters`: Start to all, then every sample in order to
/// every updater, then End to all. The cycle is sent even when there are no samples.
pub fn emit_cycle(updaters: &[Link<dyn Updater>], samples: &[RecDat], env: &Environment) -> Result<()> {
    if let [only] = updaters {
        return only.borrow_mut()?.update_cycle(samples, env);
    }
    forward_message(updaters, UpdaterMessage::StartOfImplicitUpdateCycle)?;
    for sample in samples {
        for updater in updaters {
            updater.borrow_mut()?.update(sample, env)?;
        }
    }
    forward_message(updaters, UpdaterMessage::EndOfImplicitUpdateCycle)
}

/// Forwards a message to every sub-updater, in order.
pub fn forward_message(updaters: &[Link<dyn Updater>], message: UpdaterMessage) -> Result<()> {
    for updater in updaters {
        updater.borrow_mut()?.message(message)?;
    }
    Ok(())
}

/// A generated negative: a copy of the positive with the item replaced and score 0.
#[inline]
pub fn negative_of(positive: &RecDat, item: u32) -> RecDat {
    RecDat { item, score: 0.0, ..*positive }
}

/// Replaces `out` with the positive followed by one negative per item of `negatives`.
pub fn fill_implicit_samples(positive: &RecDat, negatives: &[u32], out: &mut Vec<RecDat>) {
    out.clear();
    out.push(*positive);
    out.extend(negatives.iter().map(|&item| negative_of(positive, item)));
}

/// `count < rate`: a fractional rate rounds up.
#[inline]
pub fn below(count: usize, rate: f64) -> bool {
    (count as f64) < rate
}

crate::component_list! {
    UniformNegativeSampleGenerator => [Updater],
    PopularityNegativeSampleGenerator => [Updater],
    HighPredictionNegativeSampleGenerator => [Updater],
    PooledPositiveSampleGenerator => [Updater],
}

/// Test doubles shared by the unit tests of the generators.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::{Arc, Mutex};

    use crate::component::{Component, Handle, NoWiring};
    use crate::data::RecDat;
    use crate::error::Result;
    use crate::experiment::environment::EnvironmentParameters;
    use crate::experiment::{Environment, Updater, UpdaterMessage};

    crate::parameters! {
        /// Records what it receives.
        pub struct RecorderParameters {}
    }

    #[derive(Debug, Clone, PartialEq)]
    pub enum Event {
        Start,
        End,
        Other(UpdaterMessage),
        Sample(RecDat),
    }

    pub type Log = Arc<Mutex<Vec<Event>>>;

    pub struct Recorder {
        params: RecorderParameters,
        wiring: NoWiring,
        pub log: Log,
    }

    impl Updater for Recorder {
        fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
            self.log.lock().unwrap().push(Event::Sample(*rec));
            Ok(())
        }
        fn message(&mut self, message: UpdaterMessage) -> Result<()> {
            let e = match message {
                UpdaterMessage::StartOfImplicitUpdateCycle => Event::Start,
                UpdaterMessage::EndOfImplicitUpdateCycle => Event::End,
                m => Event::Other(m),
            };
            self.log.lock().unwrap().push(e);
            Ok(())
        }
    }

    impl Component for Recorder {
        const NAME: &'static str = "Recorder";
        type Params = RecorderParameters;
        type Wiring = NoWiring;
        fn new(params: Self::Params) -> Result<Self> {
            Ok(Recorder { params, wiring: NoWiring, log: Log::default() })
        }
        crate::component_accessors!();
    }

    crate::parameters! {
        /// Scores items from a table.
        pub struct TableModelParameters {}
    }

    /// prediction = scores[item] (0 beyond the table); counts its predictions.
    pub struct TableModel {
        params: TableModelParameters,
        wiring: NoWiring,
        pub scores: Vec<f64>,
        pub calls: std::sync::atomic::AtomicUsize,
    }

    impl crate::models::Model for TableModel {
        fn prediction(&self, rec: &RecDat) -> f64 {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.scores.get(rec.item as usize).copied().unwrap_or(0.0)
        }
    }

    impl Component for TableModel {
        const NAME: &'static str = "TableModel";
        type Params = TableModelParameters;
        type Wiring = NoWiring;
        fn new(params: Self::Params) -> Result<Self> {
            Ok(TableModel { params, wiring: NoWiring, scores: Vec::new(), calls: Default::default() })
        }
        crate::component_accessors!();
    }

    /// A model handle (model role) scoring item i with scores[i].
    pub fn table_model(scores: &[f64]) -> Handle {
        let mut m = TableModel::new(TableModelParameters {}).unwrap();
        m.scores = scores.to_vec();
        crate::registry::wrap(m, |s, roles| roles.add::<dyn crate::models::Model>(s.clone()))
    }

    /// A recorder handle (updater role) and its log.
    pub fn recorder() -> (Handle, Log) {
        let r = Recorder::new(RecorderParameters {}).unwrap();
        let log = r.log.clone();
        (crate::registry::wrap(r, |s, roles| roles.add::<dyn Updater>(s.clone())), log)
    }

    /// The items of the samples of the log, in order.
    pub fn sample_items(log: &Log) -> Vec<u32> {
        log.lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Event::Sample(r) => Some(r.item),
                _ => None,
            })
            .collect()
    }

    pub fn env() -> Environment {
        Environment::new(
            EnvironmentParameters {
                top_k: 10,
                exclude_known: false,
                initialize_all: false,
                max_user: -1,
                max_item: -1,
                evaluation_start_time: 0.0,
                experiment_termination_time: 0.0,
                evaluate_cold_start: false,
            },
            0,
        )
    }

    pub fn rec(user: u32, item: u32) -> RecDat {
        RecDat { user, item, score: 1.0, eval: true, time: 1.0, ..RecDat::default() }
    }

    /// Runs `updater.update(rec)` through its updater role.
    pub fn update(h: &Handle, rec: &RecDat, env: &Environment) -> Result<()> {
        h.role::<dyn Updater>().unwrap().with_mut(|u| u.update(rec, env)).unwrap()
    }

    pub fn message(h: &Handle, m: UpdaterMessage) -> Result<()> {
        h.role::<dyn Updater>().unwrap().with_mut(|u| u.message(m)).unwrap()
    }
}
