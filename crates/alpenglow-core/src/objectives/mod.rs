//! Objectives: the derivative of a loss with respect to the model's predictions.

/// Point-wise: one (target score, prediction) pair.
pub trait PointWiseObjective: Send + Sync {
    /// dLoss/dPrediction.
    fn gradient(&self, score: f64, prediction: f64) -> f64;
}

/// Pair-wise: a positive and a negative prediction.
pub trait PairWiseObjective: Send + Sync {
    /// (dLoss/dPositive, dLoss/dNegative).
    fn gradient(&self, positive: f64, negative: f64) -> (f64, f64);
}

crate::component_list! {}
