//! Model combination: a weighted sum of models with learned weights, and the exponentially
//! weighted forecaster that scores each record with one randomly chosen model.

mod combined_model;
mod double_layer_updater;
mod evaluators;
mod expert_updater;
mod io;
mod random_choosing;
#[cfg(test)]
mod tests;
mod toplist_combination;

pub use combined_model::CombinedModel;
pub use double_layer_updater::CombinedDoubleLayerModelGradientUpdater;
pub use expert_updater::RandomChoosingCombinedModelExpertUpdater;
pub use random_choosing::RandomChoosingCombinedModel;
pub use toplist_combination::ToplistCombinationModel;

use crate::experiment::Updater;
use crate::gradient::GradientUpdater;
use crate::models::Model;

crate::component_list! {
    CombinedModel => [Model],
    CombinedDoubleLayerModelGradientUpdater => [GradientUpdater],
    RandomChoosingCombinedModel => [Model],
    RandomChoosingCombinedModelExpertUpdater => [Updater],
    ToplistCombinationModel => [Model],
}
