//! Asymmetric factor model: users represented by the history factors of their items. The
//! shared machinery (histories, walk, cache, gradient step, cumulative cycle) is also used by
//! the SVD++ family.

pub mod history;
pub mod model;
pub mod ranking;
pub mod shared;
pub mod step;
mod tracked_cycle;
pub mod updater;
pub mod validate;

pub use history::{NormType, UserHistory};
pub use model::{AsymmetricFactorModel, AsymmetricFactorModelParameters};
pub use shared::HistoryFactorCore;
pub use updater::{
    AsymmetricFactorModelGradientUpdater, AsymmetricFactorModelGradientUpdaterParameters, AsymmetricFactorModelUpdater,
    AsymmetricFactorModelUpdaterParameters, GradientCycle,
};

use crate::experiment::Updater;
use crate::gradient::GradientUpdater;
use crate::models::Model;

crate::component_list! {
    AsymmetricFactorModel => [Model],
    AsymmetricFactorModelUpdater => [Updater],
    AsymmetricFactorModelGradientUpdater => [GradientUpdater],
}
