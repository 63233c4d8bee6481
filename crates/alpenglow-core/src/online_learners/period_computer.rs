//! Splits the stream into periods (by time or by record count) and tells when one ends.

use crate::component::{Component, NoWiring};
use crate::error::Result;
use crate::experiment::{Environment, Updater};
use crate::record::RecDat;

crate::parameters! {
    /// Tells whether the current record is the last of its period.
    ///
    /// `t` is the record's time ("time") or its 0-based serving position ("samplenum"); its
    /// period is `floor(t / period_length)`. A period ends at a record when the next record
    /// falls in another period, and once more at the last record of the stream. No period ends
    /// while `t <= start_time`. The period number reported with an end is `floor(t /
    /// period_length) + 1` (so `_1, _2, …` in samplenum mode; large numbers in time mode).
    ///
    /// Usually driven by a `PeriodicOfflineLearnerWrapper`; it may also be added as an updater
    /// itself: a record is only counted once.
    pub struct PeriodComputerParameters {
        /// "time" or "samplenum".
        pub period_mode: String = "time".to_string(); where one_of(&["time", "samplenum"]),
        /// Length of a period (time units, or records in samplenum mode).
        pub period_length: f64 = 86400.0; where finite_above(0.0),
        /// No period ends while `t` is at or before this.
        pub start_time: f64 = -1.0; where finite(),
    }
}

pub struct PeriodComputer {
    params: PeriodComputerParameters,
    wiring: NoWiring,
    /// Serving position of the last record seen.
    last_position: Option<usize>,
    t: f64,
    period: i64,
    end: bool,
    final_end_reported: bool,
}

impl PeriodComputer {
    fn period_of(&self, t: f64) -> i64 {
        (t / self.params.period_length).floor() as i64
    }

    /// Takes the environment's current record into account (once per record).
    pub fn advance(&mut self, env: &Environment) -> Result<()> {
        let position = env.position();
        if self.last_position == Some(position) {
            return Ok(());
        }
        self.last_position = Some(position);
        let len = env.stream()?.len();
        let (t, next) = if self.params.period_mode == "samplenum" {
            (position as f64, (position + 1 < len).then_some(position as f64 + 1.0))
        } else {
            (env.time(), env.following_time())
        };
        self.t = t;
        self.period = self.period_of(t);
        self.end = match next {
            Some(next) => self.period != self.period_of(next),
            None => !std::mem::replace(&mut self.final_end_reported, true),
        };
        Ok(())
    }

    /// Whether the current record is the last of its period (and after `start_time`).
    pub fn end_of_period(&self) -> bool {
        self.end && self.t > self.params.start_time
    }

    /// Number of the current period: `floor(t / period_length) + 1`.
    pub fn period_num(&self) -> i64 {
        self.period + 1
    }
}

impl Component for PeriodComputer {
    const NAME: &'static str = "PeriodComputer";
    type Params = PeriodComputerParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PeriodComputer {
            params,
            wiring: NoWiring,
            last_position: None,
            t: 0.0,
            period: 0,
            end: false,
            final_end_reported: false,
        })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.last_position.map_or(u64::MAX, |p| p as u64))?;
        out.f64(self.t)?;
        out.i64(self.period)?;
        out.bool(self.end)?;
        out.bool(self.final_end_reported)
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let p = input.u64("the last position")?;
        self.last_position = if p == u64::MAX { None } else { Some(usize::try_from(p).map_err(|_| input.corrupt("the last position is too large"))?) };
        self.t = input.f64("the time")?;
        self.period = input.i64("the period")?;
        self.end = input.bool("the end flag")?;
        self.final_end_reported = input.bool("the final end flag")?;
        Ok(())
    }
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        env.stream()?;
        self.last_position = None;
        self.end = false;
        self.final_end_reported = false;
        Ok(())
    }
}

impl Updater for PeriodComputer {
    fn update(&mut self, _rec: &RecDat, env: &Environment) -> Result<()> {
        self.advance(env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::stream::{at_times, replay};

    /// (position, period number) of every period end.
    fn ends(mode: &str, length: f64, start_time: f64, times: &[f64]) -> Vec<(usize, i64)> {
        let params = PeriodComputerParameters { period_mode: mode.into(), period_length: length, start_time };
        let mut pc = PeriodComputer::new(params).unwrap();
        let mut out = Vec::new();
        replay(&at_times(times), |k, rec, env| {
            if k == 0 {
                pc.initialize(env).unwrap();
            }
            pc.update(rec, env).unwrap();
            pc.update(rec, env).unwrap(); // a record is counted once
            if pc.end_of_period() {
                out.push((k, pc.period_num()));
            }
        });
        out
    }

    #[test]
    fn time_mode_ends_before_the_next_bucket_and_at_the_last_record() {
        let times = [0.0, 5.0, 9.9, 10.0, 15.0, 31.0, 32.0];
        assert_eq!(ends("time", 10.0, -1.0, &times), vec![(2, 1), (4, 2), (6, 4)]);
    }

    #[test]
    fn samplenum_mode_counts_records_and_ends_the_final_partial_period() {
        assert_eq!(ends("samplenum", 3.0, -1.0, &[0.0; 8]), vec![(2, 1), (5, 2), (7, 3)]);
        assert_eq!(ends("samplenum", 4.0, -1.0, &[0.0; 8]), vec![(3, 1), (7, 2)]);
    }

    #[test]
    fn no_period_ends_at_or_before_start_time() {
        let times = [0.0, 5.0, 9.9, 10.0, 15.0, 31.0, 32.0];
        assert_eq!(ends("time", 10.0, 9.9, &times), vec![(4, 2), (6, 4)]);
        assert_eq!(ends("samplenum", 3.0, 2.0, &[0.0; 8]), vec![(5, 2), (7, 3)]);
    }

    #[test]
    fn bad_parameters_are_named() {
        let bad = |p: PeriodComputerParameters| PeriodComputer::new(p).err().unwrap().to_string();
        assert!(bad(PeriodComputerParameters { period_length: 0.0, ..Default::default() }).contains("period_length"));
        let e = bad(PeriodComputerParameters { period_mode: "days".into(), ..Default::default() });
        assert!(e.contains("period_mode") && e.contains("samplenum"), "{e}");
    }
}
