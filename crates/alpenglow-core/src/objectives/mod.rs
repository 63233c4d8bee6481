//! Objectives: the derivative of a loss with respect to the model's predictions.

pub mod list_wise;
pub mod pair_wise;
pub mod point_wise;

pub use list_wise::ObjectiveListRank;
pub use pair_wise::ObjectiveBPR;
pub use point_wise::{ObjectiveMSE, ObjectiveSigmoidMSE};

/// Point-wise: one (target score, prediction) pair.
pub trait PointWiseObjective: Send + Sync {
    /// dLoss/dPrediction.
    fn gradient(&self, score: f64, prediction: f64) -> f64;
    /// True when `gradient(score, p)` is exactly `p - score` (the squared error), so that hot
    /// training loops can compute it inline.
    fn is_squared_error(&self) -> bool {
        false
    }
}

/// Pair-wise: a positive and a negative prediction.
pub trait PairWiseObjective: Send + Sync {
    /// (dLoss/dPositive, dLoss/dNegative).
    fn gradient(&self, positive: f64, negative: f64) -> (f64, f64);
}

/// List-wise: the (target score, prediction) pairs of one implicit update cycle.
///
/// Not yet usable in a pipeline: a list-wise gradient computer must train at
/// EndOfImplicitUpdateCycle, and `Updater::message` does not receive the environment that
/// gradient updaters need. ObjectiveListRank is registered (constructible, like in the
/// original, where no computer takes it either) so that code building it runs; no wiring call
/// accepts a list-wise objective.
pub trait ListWiseObjective: Send + Sync {
    /// Writes dLoss/dPrediction of every entry of `list` into `gradients` (same length).
    fn gradient(&self, list: &[(f64, f64)], gradients: &mut Vec<f64>);
}

crate::role!(PointWiseObjective => "objective", "a point-wise objective");
crate::role!(PairWiseObjective => "pairwise_objective", "a pair-wise objective");
crate::role!(ListWiseObjective => "listwise_objective", "a list-wise objective");

crate::component_list! {
    ObjectiveMSE => [PointWiseObjective],
    ObjectiveSigmoidMSE => [PointWiseObjective],
    ObjectiveBPR => [PairWiseObjective],
    ObjectiveListRank => [ListWiseObjective],
}
