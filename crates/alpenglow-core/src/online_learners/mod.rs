//! Online learners: updaters that wrap other learners (periodic offline retraining, delayed
//! and batched online training) and the period computer that drives them.

pub mod learner_periodic_delayed_wrapper;
pub mod period_computer;
pub mod periodic_offline_learner_wrapper;

pub use learner_periodic_delayed_wrapper::LearnerPeriodicDelayedWrapper;
pub use period_computer::PeriodComputer;
pub use periodic_offline_learner_wrapper::PeriodicOfflineLearnerWrapper;

use crate::experiment::Updater;

crate::component_list! {
    PeriodComputer => [Updater],
    PeriodicOfflineLearnerWrapper => [Updater],
    LearnerPeriodicDelayedWrapper => [Updater],
}
