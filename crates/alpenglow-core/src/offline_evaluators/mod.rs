//! Offline evaluation: top lists for many users at once, after an offline fit.

mod ranking_computer;

pub use ranking_computer::{predict_pairs, OfflinePredictions, OfflineRankingComputer};

#[cfg(test)]
mod tests;
