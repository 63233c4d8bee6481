//! Loggers: evaluation (ranks, top lists) and output.

mod format;
mod memory_ranking_logger;
mod online_predictor;
mod prediction_logger;
mod proceeding_logger;

pub use format::format_g;
pub use memory_ranking_logger::{MemoryRankingLogger, RankingLogs};
pub use online_predictor::OnlinePredictor;
pub use prediction_logger::{PredictionLogger, Predictions};
pub use proceeding_logger::ProceedingLogger;

use crate::experiment::Logger;

crate::component_list! {
    MemoryRankingLogger => [Logger],
    PredictionLogger => [Logger],
    ProceedingLogger => [Logger],
    OnlinePredictor => [Logger],
}
