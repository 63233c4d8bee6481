//! Gradient training: the gradient-updater role and the gradient computers that feed it.

use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, UpdaterMessage};

/// Applies dLoss/dPrediction for one sample to a model.
pub trait GradientUpdater: Send + Sync {
    fn update(&mut self, rec: &RecDat, gradient: f64, env: &Environment) -> Result<()>;
    fn message(&mut self, _message: UpdaterMessage) -> Result<()> {
        Ok(())
    }
}

crate::component_list! {}
