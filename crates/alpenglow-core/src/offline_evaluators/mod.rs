//! Offline evaluation: top lists for many users at once, after an offline fit.

mod precision_recall;
mod ranking_computer;
mod toplist_files;

pub use precision_recall::PrecisionRecallEvaluator;
pub use ranking_computer::{OfflinePredictions, OfflineRankingComputer, predict_pairs};
pub use toplist_files::{
    OfflineRankingEvaluator, OfflineTopListEvaluator, OfflineUserToplistEvaluator, train_environment,
};

use crate::component::Handle;
use crate::error::Result;
use crate::role::{Arg, ArgKind, Method};

/// Evaluates a model offline (after training), writing or printing its results.
pub trait OfflineEvaluator: Send + Sync {
    fn evaluate(&mut self) -> Result<()>;
}

fn evaluate(h: &Handle, _args: &[Arg]) -> Result<Arg> {
    h.require_role::<dyn OfflineEvaluator>()?.with_mut(|e| e.evaluate())??;
    Ok(Arg::None)
}

const EVALUATOR_METHODS: &[Method] = &[Method {
    name: "evaluate",
    doc: "Runs the evaluation (its results are printed or written, as the component describes).",
    args: &[],
    returns: ArgKind::None,
    call: evaluate,
}];

crate::role!(OfflineEvaluator => "offline_evaluator", "an offline evaluator", methods = EVALUATOR_METHODS);

crate::component_list! {
    PrecisionRecallEvaluator => [OfflineEvaluator],
    OfflineRankingEvaluator => [OfflineEvaluator],
    OfflineTopListEvaluator => [OfflineEvaluator],
    OfflineUserToplistEvaluator => [OfflineEvaluator],
}

#[cfg(test)]
mod tests;
