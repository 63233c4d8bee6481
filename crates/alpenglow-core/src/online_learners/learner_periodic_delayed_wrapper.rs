//! Delayed and batched online training: a model that lags behind the stream.

use std::collections::VecDeque;

use crate::component::{slot, Component};
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::record::RecDat;

crate::parameters! {
    /// Passes records to its wrapped learner late and/or in batches.
    ///
    /// With `delay > 0`, a record is held until a record at least `delay` later arrives (the
    /// records with `time <= now - delay` are passed on, oldest first). With `period > 0`, the
    /// records passed on are collected per period `floor((time - start) / period)` (`start` is
    /// the first record's time) and fed to the wrapped learner together when a record of a
    /// later period arrives. Otherwise they are fed at once. The last partial period and the
    /// records still delayed at the end of the stream are never fed, as in the original.
    pub struct LearnerPeriodicDelayedWrapperParameters {
        /// Batch length in time units (<= 0: no batching).
        pub period: f64 = -1.0; where finite(),
        /// Delay in time units (<= 0: no delay).
        pub delay: f64 = -1.0; where finite(),
    }
}

crate::wiring! {
    pub struct LearnerPeriodicDelayedWrapperWiring {
        /// The learner that receives the delayed records.
        set_wrapped_learner => learner: required dyn Updater,
    }
}

pub struct LearnerPeriodicDelayedWrapper {
    params: LearnerPeriodicDelayedWrapperParameters,
    wiring: LearnerPeriodicDelayedWrapperWiring,
    start: Option<f64>,
    delayed: VecDeque<RecDat>,
    period: i64,
    batch: Vec<RecDat>,
}

impl LearnerPeriodicDelayedWrapper {
    fn pass_on(&mut self, rec: RecDat, env: &Environment) -> Result<()> {
        let learner = slot(&self.wiring.learner, Self::NAME, "set_wrapped_learner")?;
        if self.params.period <= 0.0 {
            return learner.borrow_mut()?.update(&rec, env);
        }
        let start = self.start.unwrap_or(rec.time);
        let period = ((rec.time - start) / self.params.period).floor() as i64;
        if period != self.period {
            let mut learner = learner.borrow_mut()?;
            for r in &self.batch {
                learner.update(r, env)?;
            }
            self.batch.clear();
            self.period = period;
        }
        self.batch.push(rec);
        Ok(())
    }
}

impl Component for LearnerPeriodicDelayedWrapper {
    const NAME: &'static str = "LearnerPeriodicDelayedWrapper";
    type Params = LearnerPeriodicDelayedWrapperParameters;
    type Wiring = LearnerPeriodicDelayedWrapperWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(LearnerPeriodicDelayedWrapper {
            params,
            wiring: Default::default(),
            start: None,
            delayed: VecDeque::new(),
            period: 0,
            batch: Vec::new(),
        })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.start = None;
        self.delayed.clear();
        self.period = 0;
        self.batch.clear();
        Ok(())
    }
}

impl Updater for LearnerPeriodicDelayedWrapper {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        self.start.get_or_insert(rec.time);
        if self.params.delay <= 0.0 {
            return self.pass_on(*rec, env);
        }
        self.delayed.push_back(*rec);
        let due = rec.time - self.params.delay;
        while let Some(&front) = self.delayed.front() {
            if front.time > due {
                break;
            }
            self.delayed.pop_front();
            self.pass_on(front, env)?;
        }
        Ok(())
    }

    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        slot(&self.wiring.learner, Self::NAME, "set_wrapped_learner")?.borrow_mut()?.message(message)
    }
}
