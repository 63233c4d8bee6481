//! The online experiment: the shared environment, the updater and logger roles, and the
//! evaluate-then-train loop.

pub mod checkpoint;
pub mod environment;
pub mod live;
pub mod online_experiment;
pub mod run;
pub mod stream;
pub mod ticker;

pub use environment::Environment;
pub use online_experiment::OnlineExperiment;
pub use run::{run, run_with, RunHooks};
pub use stream::Stream;

use crate::data::RecDat;
use crate::error::Result;

/// Messages an updater can receive around groups of updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdaterMessage {
    StartOfOfflineUpdate,
    EndOfOfflineUpdate,
    StartOfOfflineIterations,
    EndOfOfflineIterations,
    StartOfImplicitUpdateCycle,
    EndOfImplicitUpdateCycle,
}

/// Trains on a record, after the environment has been updated with it.
pub trait Updater: Send + Sync {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()>;
    fn message(&mut self, _message: UpdaterMessage) -> Result<()> {
        Ok(())
    }

    /// One implicit update cycle: StartOfImplicitUpdateCycle, `update` on every sample in
    /// order, EndOfImplicitUpdateCycle. Overridden where the same effect can be had faster.
    fn update_cycle(&mut self, samples: &[RecDat], env: &Environment) -> Result<()> {
        self.message(UpdaterMessage::StartOfImplicitUpdateCycle)?;
        for sample in samples {
            self.update(sample, env)?;
        }
        self.message(UpdaterMessage::EndOfImplicitUpdateCycle)
    }

    /// `update` on every record in order (offline passes). Overridden where the same effect
    /// can be had faster.
    fn update_batch(&mut self, records: &[RecDat], env: &Environment) -> Result<()> {
        records.iter().try_for_each(|rec| self.update(rec, env))
    }
}

/// Observes a record before anyone trains on it (evaluation happens here); must not change models.
pub trait Logger: Send + Sync {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()>;
    /// Called once after the last record (for end loggers) and when a run stops.
    fn finish(&mut self, _env: &Environment) -> Result<()> {
        Ok(())
    }
}

/// The root of a run: what [`run`] drives (the component behind `alpenglow._core.run`).
pub trait Experiment: Send + Sync {}

crate::role!(Updater => "updater", "an updater");
crate::role!(Logger => "logger", "a logger");
crate::role!(Experiment => "experiment", "an experiment");

crate::component_list! {
    OnlineExperiment => [Experiment],
}
