//! Delayed and batched online training: a model that lags behind the stream.

use std::collections::VecDeque;

use crate::component::{Component, slot};
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
    /// The records still delayed or batched, and where the periods started.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.bool(self.start.is_some())?;
        out.f64(self.start.unwrap_or(0.0))?;
        out.i64(self.period)?;
        out.records(self.delayed.iter())?;
        out.records(self.batch.iter())
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let has_start = input.bool("the start")?;
        let start = input.f64("the start")?;
        self.start = has_start.then_some(start);
        self.period = input.i64("the period")?;
        self.delayed = input.records("the delayed records")?.into();
        self.batch = input.records("the batch")?;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::stream::{at_times, replay};
    use crate::sampling::testing::{Event, recorder};

    /// Ids fed to the wrapped learner after each record.
    fn fed(period: f64, delay: f64, times: &[f64]) -> Vec<Vec<i64>> {
        let mut w =
            LearnerPeriodicDelayedWrapper::new(LearnerPeriodicDelayedWrapperParameters { period, delay }).unwrap();
        let (learner, log) = recorder();
        w.wiring.learner = crate::component::Link::from_role(&learner);
        let mut out = Vec::new();
        replay(&at_times(times), |_, rec, env| {
            log.lock().unwrap().clear();
            w.update(rec, env).unwrap();
            out.push(
                log.lock()
                    .unwrap()
                    .iter()
                    .filter_map(|e| match e {
                        Event::Sample(r) => Some(r.id),
                        _ => None,
                    })
                    .collect(),
            );
        });
        out
    }

    #[test]
    fn without_period_or_delay_records_pass_at_once() {
        assert_eq!(fed(-1.0, -1.0, &[0.0, 1.0]), vec![vec![0], vec![1]]);
    }

    #[test]
    fn delay_holds_records_until_a_later_one_arrives() {
        // delay 5: at t=5 record 0 (t=0) is due; at t=12 records 1 (t=3) and 2 (t=5).
        assert_eq!(fed(-1.0, 5.0, &[0.0, 3.0, 5.0, 12.0]), vec![vec![], vec![], vec![0], vec![1, 2]]);
    }

    #[test]
    fn period_batches_and_never_feeds_the_last_partial_period() {
        // period 10 from t=2: batches [2, 5], [12], [25 …never].
        assert_eq!(fed(10.0, -1.0, &[2.0, 5.0, 12.0, 25.0, 26.0]), vec![vec![], vec![], vec![0, 1], vec![2], vec![]]);
    }
}
