//! First-order transition model: how often an item followed the user's previous item.

mod io;
mod model;
mod updater;

pub use model::{TransitionProbabilityModel, TransitionRow};
pub use updater::TransitionProbabilityModelUpdater;

use crate::experiment::Updater;
use crate::models::Model;

crate::component_list! {
    TransitionProbabilityModel => [Model],
    TransitionProbabilityModelUpdater => [Updater],
}
