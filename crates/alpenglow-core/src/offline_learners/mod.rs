//! Offline learners: train a model on a whole training set at once (at the end of a period of
//! a periodic experiment, see `online_learners::PeriodicOfflineLearnerWrapper`).

pub mod als;
pub mod als_solve;
pub mod external;
pub mod interrupt;
pub mod iterating;
pub mod sparse;
pub mod standalone;
mod train_csv;

pub use als::OfflineEigenFactorModelALSLearner;
pub use external::OfflineExternalModelLearner;
pub use iterating::OfflineIteratingOnlineLearnerWrapper;

use crate::error::Result;
use crate::experiment::Environment;
use crate::record::RecDat;

/// Trains on a training set generated from the past.
pub trait OfflineLearner: Send + Sync {
    /// Trains on `data` (chronological: oldest record first). `env` is the running
    /// experiment's environment, as of the record that ended the period.
    fn fit(&mut self, data: &[RecDat], env: &Environment) -> Result<()>;
}

crate::role!(OfflineLearner => "offline_learner", "an offline learner");

crate::component_list! {
    OfflineIteratingOnlineLearnerWrapper => [OfflineLearner],
    OfflineExternalModelLearner => [OfflineLearner],
    OfflineEigenFactorModelALSLearner => [OfflineLearner],
}
