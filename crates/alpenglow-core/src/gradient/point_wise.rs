//! Point-wise gradient computation: one sample, one gradient.

use super::{GradientUpdater, apply_gradient, forward_message};
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::models::Model;
use crate::objectives::PointWiseObjective;

crate::parameters! {
    /// Trains a model by gradient steps, one sample at a time: for every sample it calls the
    /// model's `add` (creating per-entity state), takes the prediction p, computes
    /// g = dLoss/dp with the objective against the sample's score, and hands (sample, g) to its
    /// gradient updaters in the order they were added. Samples of one implicit update cycle
    /// (the positive, then its negatives) are processed in turn, so later samples see the model
    /// already updated by earlier ones. Messages are forwarded to the gradient updaters.
    pub struct GradientComputerPointWiseParameters {}
}

crate::wiring! {
    pub struct GradientComputerPointWiseWiring {
        /// The model whose predictions are differentiated.
        set_model => model: required dyn Model,
        /// The loss, e.g. ObjectiveMSE.
        set_objective => objective: required dyn PointWiseObjective,
        /// A gradient updater that applies the gradient (call it for each; applied in that order).
        add_gradient_updater => gradient_updaters: many dyn GradientUpdater,
    }
}

pub struct GradientComputerPointWise {
    params: GradientComputerPointWiseParameters,
    wiring: GradientComputerPointWiseWiring,
}

/// One sample: the model's `add`, its prediction, the gradient to every gradient updater.
fn train_one(wiring: &GradientComputerPointWiseWiring, rec: &RecDat, env: &Environment) -> Result<()> {
    let name = GradientComputerPointWise::NAME;
    let prediction = {
        let mut model = slot(&wiring.model, name, "set_model")?.borrow_mut()?;
        model.add(rec);
        model.prediction(rec)
    };
    let gradient = slot(&wiring.objective, name, "set_objective")?.borrow()?.gradient(rec.score, prediction);
    apply_gradient(&wiring.gradient_updaters, rec, gradient, env)
}

impl Updater for GradientComputerPointWise {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        train_one(&self.wiring, rec, env)
    }

    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        forward_message(&self.wiring.gradient_updaters, message)
    }

    /// With a single gradient updater that offers `train_point_wise` for this model, the
    /// whole cycle is one call (components borrowed once per cycle, not per sample).
    fn update_cycle(&mut self, samples: &[RecDat], env: &Environment) -> Result<()> {
        let [only] = self.wiring.gradient_updaters.as_slice() else {
            forward_message(&self.wiring.gradient_updaters, UpdaterMessage::StartOfImplicitUpdateCycle)?;
            for sample in samples {
                train_one(&self.wiring, sample, env)?;
            }
            return forward_message(&self.wiring.gradient_updaters, UpdaterMessage::EndOfImplicitUpdateCycle);
        };
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?;
        let objective = slot(&self.wiring.objective, Self::NAME, "set_objective")?.borrow()?;
        let mut updater = only.borrow_mut()?;
        updater.message(UpdaterMessage::StartOfImplicitUpdateCycle)?;
        match updater.train_point_wise(model, &*objective, samples, env) {
            Some(result) => result?,
            None => {
                drop(updater);
                drop(objective);
                for sample in samples {
                    train_one(&self.wiring, sample, env)?;
                }
                updater = only.borrow_mut()?;
            }
        }
        updater.message(UpdaterMessage::EndOfImplicitUpdateCycle)
    }
}

impl Component for GradientComputerPointWise {
    const NAME: &'static str = "GradientComputerPointWise";
    type Params = GradientComputerPointWiseParameters;
    type Wiring = GradientComputerPointWiseWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(GradientComputerPointWise { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use crate::component::Handle;
    use crate::experiment::UpdaterMessage;
    use crate::gradient::testing::{Seen, model, step, weights};
    use crate::sampling::testing::{env, rec};

    fn computer(model: &Handle) -> Handle {
        let gc = crate::registry::build("GradientComputerPointWise", &[]).unwrap();
        gc.node.wire("set_model", model).unwrap();
        gc.node.wire("set_objective", &crate::registry::build("ObjectiveMSE", &[]).unwrap()).unwrap();
        gc
    }

    #[test]
    fn later_samples_see_earlier_updates() {
        let m = model();
        let gc = computer(&m);
        let (s1, log1) = step(&m, 0.5);
        let (s2, log2) = step(&m, 0.25);
        gc.node.wire("add_gradient_updater", &s1).unwrap();
        gc.node.wire("add_gradient_updater", &s2).unwrap();
        let up = gc.role::<dyn crate::experiment::Updater>().cloned().unwrap();
        let e = env();
        up.with_mut(|u| u.update(&rec(0, 1), &e)).unwrap().unwrap();
        // p = 0, y = 1: g = -1 to both updaters; w = 0 + 0.5 + 0.25.
        assert_eq!(weights(&m), vec![0.0, 0.75]);
        up.with_mut(|u| u.update(&rec(0, 1), &e)).unwrap().unwrap();
        // p = 0.75: g = -0.25 to both; w = 0.75 + 0.125 + 0.0625.
        assert_eq!(weights(&m), vec![0.0, 0.9375]);
        assert_eq!(*log1.lock().unwrap(), vec![Seen::Gradient(1, -1.0), Seen::Gradient(1, -0.25)]);
        assert_eq!(*log2.lock().unwrap(), vec![Seen::Gradient(1, -1.0), Seen::Gradient(1, -0.25)]);
        up.with_mut(|u| u.message(UpdaterMessage::EndOfImplicitUpdateCycle)).unwrap().unwrap();
        assert_eq!(log2.lock().unwrap()[2], Seen::Message(UpdaterMessage::EndOfImplicitUpdateCycle));
    }

    #[test]
    fn wiring_is_checked() {
        let gc = crate::registry::build("GradientComputerPointWise", &[]).unwrap();
        let e = gc.node.check_wiring().unwrap_err().to_string();
        assert!(e.contains("GradientComputerPointWise.set_model"), "{e}");
        gc.node.wire("set_model", &model()).unwrap();
        let e = gc.node.check_wiring().unwrap_err().to_string();
        assert!(e.contains("set_objective(<a point-wise objective>)"), "{e}");
        let bpr = crate::registry::build("ObjectiveBPR", &[]).unwrap();
        assert!(gc.node.wire("set_objective", &bpr).is_err());
    }
}
