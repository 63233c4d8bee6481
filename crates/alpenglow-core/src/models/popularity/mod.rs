//! Popularity models: global counts (optionally in a sliding time window) and personal counts.

mod personal;
mod personal_io;
mod personal_updater;
mod popularity_model;
mod popularity_updater;
mod timeframe_updater;

pub use personal::PersonalPopularityModel;
pub use personal_updater::PersonalPopularityModelUpdater;
pub use popularity_model::PopularityModel;
pub use popularity_updater::PopularityModelUpdater;
pub use timeframe_updater::PopularityTimeFrameModelUpdater;

use crate::experiment::Updater;
use crate::models::Model;

crate::component_list! {
    PopularityModel => [Model],
    PopularityModelUpdater => [Updater],
    PopularityTimeFrameModelUpdater => [Updater],
    PersonalPopularityModel => [Model],
    PersonalPopularityModelUpdater => [Updater],
}
