//! Data generators: build a training set from the records served so far (for periodic
//! retraining). Every generator returns its records oldest first.
//!
//! Fix (decisions.md): the original returned the past newest first; here it is chronological.

pub mod complete_past;
pub mod sampling;
pub mod timeframe;

pub use complete_past::CompletePastDataGenerator;
pub use sampling::SamplingDataGenerator;
pub use timeframe::TimeframeDataGenerator;

use crate::error::Result;
use crate::experiment::Environment;
use crate::record::RecDat;

/// Builds a training set from the past of the stream.
pub trait DataGenerator: Send + Sync {
    /// Fills `out` (cleared first) with the training records for the current record `rec`
    /// (served at `env.position()`), oldest first.
    fn generate(&mut self, rec: &RecDat, env: &Environment, out: &mut Vec<RecDat>) -> Result<()>;
}

crate::role!(DataGenerator => "data_generator", "a data generator");

crate::component_list! {
    CompletePastDataGenerator => [DataGenerator],
    TimeframeDataGenerator => [DataGenerator],
    SamplingDataGenerator => [DataGenerator],
}
