//! Factor models: matrix factorisation trained online by SGD, with exact LEMP ranking.

pub mod factors;
pub mod global_iterator;
pub mod gradient_updater;
mod io;
pub mod lemp;
pub mod lemp_scan;
pub mod model;
mod plain_cycle;
pub mod power_law_recency;
pub mod ranking;
pub mod updater;

pub use factors::Factors;
pub use global_iterator::FactorModelGlobalRankingScoreIterator;
pub use gradient_updater::FactorModelGradientUpdater;
pub use model::FactorModel;
pub use power_law_recency::PowerLawRecency;
pub use ranking::FactorModelRankingScoreIterator;
pub use updater::FactorModelUpdater;

use crate::experiment::Updater;
use crate::gradient::GradientUpdater;
use crate::models::Model;
use crate::models::recency::Recency;
use crate::ranking::GlobalRankingScoreIterator;

crate::component_list! {
    FactorModel => [Model],
    FactorModelUpdater => [Updater],
    FactorModelGradientUpdater => [GradientUpdater],
    PowerLawRecency => [Recency],
    FactorModelGlobalRankingScoreIterator => [GlobalRankingScoreIterator],
}

#[cfg(test)]
mod tests;
