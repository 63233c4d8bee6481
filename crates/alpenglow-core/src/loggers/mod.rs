//! Loggers: evaluation (ranks, top lists) and output.

mod evaluation_logger;
mod format;
mod input_logger;
mod interrupt_logger;
mod list_conditional_meta_logger;
mod memory_ranking_logger;
pub mod memory_usage_logger;
mod output;
mod online_predictor;
mod prediction_logger;
mod proceeding_logger;
mod transition_model_logger;

pub use format::format_g;
pub use memory_ranking_logger::{MemoryRankingLogger, RankingLogs};
pub use online_predictor::OnlinePredictor;
pub use prediction_logger::{PredictionLogger, Predictions};
pub use proceeding_logger::ProceedingLogger;
pub use evaluation_logger::EvaluationLogger;
pub use input_logger::InputLogger;
pub use interrupt_logger::InterruptLogger;
pub use list_conditional_meta_logger::ListConditionalMetaLogger;
pub use memory_usage_logger::MemoryUsageLogger;
pub use transition_model_logger::{TransitionModelEndLogger, TransitionModelLogger};

use crate::experiment::Logger;

crate::component_list! {
    MemoryRankingLogger => [Logger],
    PredictionLogger => [Logger],
    ProceedingLogger => [Logger],
    MemoryUsageLogger => [Logger],
    InputLogger => [Logger],
    InterruptLogger => [Logger],
    ListConditionalMetaLogger => [Logger],
    EvaluationLogger => [Logger],
    TransitionModelLogger => [Logger],
    TransitionModelEndLogger => [Logger],
    OnlinePredictor => [Logger],
}
