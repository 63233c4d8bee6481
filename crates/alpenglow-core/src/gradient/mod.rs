//! Gradient training: the gradient-updater role and the gradient computers that feed it.
//!
//! A gradient computer is an updater (usually the sub-updater of a sample generator): it asks
//! the model for predictions, turns them into dLoss/dPrediction with its objective and hands
//! (record, gradient) to its gradient updaters, which change the model.

pub mod pair_wise;
pub mod point_wise;

pub use pair_wise::GradientComputerImplicitPairWise;
pub use point_wise::GradientComputerPointWise;

use crate::component::Link;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};

/// Applies dLoss/dPrediction for one sample to a model.
pub trait GradientUpdater: Send + Sync {
    fn update(&mut self, rec: &RecDat, gradient: f64, env: &Environment) -> Result<()>;
    fn message(&mut self, _message: UpdaterMessage) -> Result<()> {
        Ok(())
    }

    /// A fast path of a point-wise gradient computer whose only gradient updater this is:
    /// when this updater trains the very model `model`, it may do for every sample in order
    /// what the computer would (the model's `add`, its prediction p, g = `objective`'s gradient
    /// for the sample's score and p, then `update` with g) and return `Some`. `None`: not
    /// offered; the computer does it step by step.
    fn train_point_wise(
        &mut self,
        _model: &Link<dyn crate::models::Model>,
        _objective: &dyn crate::objectives::PointWiseObjective,
        _samples: &[RecDat],
        _env: &Environment,
    ) -> Option<Result<()>> {
        None
    }
}

/// Hands (rec, gradient) to every gradient updater, in order.
pub fn apply_gradient(
    updaters: &[Link<dyn GradientUpdater>],
    rec: &RecDat,
    gradient: f64,
    env: &Environment,
) -> Result<()> {
    for updater in updaters {
        updater.borrow_mut()?.update(rec, gradient, env)?;
    }
    Ok(())
}

/// Forwards a message to every gradient updater, in order.
pub fn forward_message(updaters: &[Link<dyn GradientUpdater>], message: UpdaterMessage) -> Result<()> {
    for updater in updaters {
        updater.borrow_mut()?.message(message)?;
    }
    Ok(())
}

/// The common part of `train_point_wise` implementations: runs `train` on the updater's own
/// model (`own`, borrowed once) when it is the computer's `model`; `None` otherwise.
pub fn with_own_model<M: ?Sized>(
    own: &Option<Link<M>>,
    model: &Link<dyn crate::models::Model>,
    train: impl FnOnce(&mut M),
) -> Option<Result<()>> {
    let own = own.as_ref()?;
    if own.handle.id() != model.handle.id() {
        return None;
    }
    Some(own.borrow_mut().map(|mut m| train(&mut m)))
}

crate::role!(GradientUpdater => "gradient_updater", "a gradient updater");

crate::component_list! {
    GradientComputerPointWise => [Updater],
    GradientComputerImplicitPairWise => [Updater],
}

/// Test doubles shared by the unit tests of the computers.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::{Arc, Mutex};

    use super::GradientUpdater;
    use crate::component::{Component, Handle, NoWiring, slot};
    use crate::data::RecDat;
    use crate::error::Result;
    use crate::experiment::{Environment, UpdaterMessage};
    use crate::models::Model;

    crate::parameters! {
        /// prediction = weight[item]; add() counts calls.
        pub struct LinearModelParameters {}
    }

    /// prediction = weights[item] (0 for unknown items); `add` creates the weight.
    pub struct LinearModel {
        params: LinearModelParameters,
        wiring: NoWiring,
        pub weights: Vec<f64>,
        pub adds: usize,
    }

    impl Model for LinearModel {
        fn prediction(&self, rec: &RecDat) -> f64 {
            self.weights.get(rec.item as usize).copied().unwrap_or(0.0)
        }
        fn add(&mut self, rec: &RecDat) {
            self.adds += 1;
            if self.weights.len() <= rec.item as usize {
                self.weights.resize(rec.item as usize + 1, 0.0);
            }
        }
    }

    impl Component for LinearModel {
        const NAME: &'static str = "LinearModel";
        type Params = LinearModelParameters;
        type Wiring = NoWiring;
        fn new(params: Self::Params) -> Result<Self> {
            Ok(LinearModel { params, wiring: NoWiring, weights: Vec::new(), adds: 0 })
        }
        crate::component_accessors!();
    }

    crate::parameters! {
        /// weight[item] -= rate * gradient; logs what it gets.
        pub struct StepParameters {}
    }

    crate::wiring! {
        pub struct StepWiring {
            set_model => model: required LinearModel,
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    pub enum Seen {
        Gradient(u32, f64),
        Message(UpdaterMessage),
    }

    pub struct Step {
        params: StepParameters,
        wiring: StepWiring,
        pub rate: f64,
        pub log: Arc<Mutex<Vec<Seen>>>,
    }

    impl GradientUpdater for Step {
        fn update(&mut self, rec: &RecDat, gradient: f64, _env: &Environment) -> Result<()> {
            self.log.lock().unwrap().push(Seen::Gradient(rec.item, gradient));
            let mut m = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
            if let Some(w) = m.weights.get_mut(rec.item as usize) {
                *w -= self.rate * gradient;
            }
            Ok(())
        }
        fn message(&mut self, message: UpdaterMessage) -> Result<()> {
            self.log.lock().unwrap().push(Seen::Message(message));
            Ok(())
        }
    }

    impl Component for Step {
        const NAME: &'static str = "Step";
        type Params = StepParameters;
        type Wiring = StepWiring;
        fn new(params: Self::Params) -> Result<Self> {
            Ok(Step { params, wiring: Default::default(), rate: 1.0, log: Default::default() })
        }
        crate::component_accessors!();
    }

    pub fn model() -> Handle {
        let m = LinearModel::new(LinearModelParameters {}).unwrap();
        crate::registry::wrap(m, |s, r| r.add::<dyn Model>(s.clone()))
    }

    pub fn weights(model: &Handle) -> Vec<f64> {
        model.downcast::<LinearModel>().unwrap().with(|m| m.weights.clone()).unwrap()
    }

    /// A gradient updater stepping `model` by `rate`, and its log.
    pub fn step(model: &Handle, rate: f64) -> (Handle, Arc<Mutex<Vec<Seen>>>) {
        let mut s = Step::new(StepParameters {}).unwrap();
        s.rate = rate;
        let log = s.log.clone();
        let h = crate::registry::wrap(s, |s, r| r.add::<dyn GradientUpdater>(s.clone()));
        h.node.wire("set_model", model).unwrap();
        (h, log)
    }
}
