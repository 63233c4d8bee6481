//! The recent past (a time window) as the training set.

use super::DataGenerator;
use crate::component::{Component, NoWiring};
use crate::error::Result;
use crate::experiment::Environment;
use crate::record::RecDat;

crate::parameters! {
    /// The records served so far whose time is greater than `now - timeframe_length` (`now` is
    /// the current record's time), the current one included, oldest first. The window is
    /// found by walking back from the current record to the first record at or before the
    /// window's start (the stream's times do not decrease).
    ///
    /// Fix: the original returned them newest first (decisions.md).
    pub struct TimeframeDataGeneratorParameters {
        /// Length of the window, in time units.
        pub timeframe_length: f64 = 86400.0; where finite_min(0.0),
    }
}

pub struct TimeframeDataGenerator {
    params: TimeframeDataGeneratorParameters,
    wiring: NoWiring,
}

impl Component for TimeframeDataGenerator {
    const NAME: &'static str = "TimeframeDataGenerator";
    type Params = TimeframeDataGeneratorParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(TimeframeDataGenerator { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}

impl DataGenerator for TimeframeDataGenerator {
    fn generate(&mut self, rec: &RecDat, env: &Environment, out: &mut Vec<RecDat>) -> Result<()> {
        let stream = env.stream()?;
        let end = env.position() + 1;
        let start_of_window = rec.time - self.params.timeframe_length;
        let mut start = end;
        while start > 0 && stream.time(start - 1) > start_of_window {
            start -= 1;
        }
        stream.records_into(start..end, out)
    }
}
