//! Loggers: evaluation (ranks, top lists) and output.

mod format;
mod memory_ranking_logger;
mod prediction_logger;

pub use format::format_g;
pub use memory_ranking_logger::{MemoryRankingLogger, RankingLogs};
pub use prediction_logger::{PredictionLogger, Predictions};

crate::component_list! {
    MemoryRankingLogger => [logger],
    PredictionLogger => [logger],
}
