//! Training of the SVD++ model: history bookkeeping and the gradient step.

use super::SvdppModel;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::gradient::GradientUpdater;
use crate::models::asymmetric::GradientCycle;

crate::parameters! {
    /// History bookkeeping of an `SvdppModel`: creates the record's vectors and appends
    /// (item, time) to its user's history. In an experiment it comes after the negative
    /// sampler / gradient chain, so a gradient step sees the history without the record being
    /// learned.
    pub struct SvdppModelUpdaterParameters {}
}

crate::wiring! {
    pub struct SvdppModelUpdaterWiring {
        /// The model whose histories to extend.
        set_model => model: required SvdppModel,
    }
}

pub struct SvdppModelUpdater {
    params: SvdppModelUpdaterParameters,
    wiring: SvdppModelUpdaterWiring,
}

impl Updater for SvdppModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        let core = model.core_mut();
        core.add(rec);
        core.push_history(rec);
        Ok(())
    }
}

impl Component for SvdppModelUpdater {
    const NAME: &'static str = "SvdppModelUpdater";
    type Params = SvdppModelUpdaterParameters;
    type Wiring = SvdppModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(SvdppModelUpdater { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}

crate::parameters! {
    /// Gradient step of an `SvdppModel`, fed by a gradient computer with g = dLoss/dPrediction
    /// for a (user, item) sample. With the user vector v (before the step), the weights w_k
    /// and norm of the user's history walk and lr = learning_rate, in this order:
    /// `p_user -= lr·g·user_vector_weight·q_item`;
    /// `h[item_k] -= lr·g·w_k·norm·history_weight·q_item` for each history event;
    /// `q_item -= lr·g·v`. With use_sigmoid, g is first multiplied by σ'(raw score).
    /// With cumulative_item_updates, inside an implicit update cycle (a negative sampler's
    /// positive and negatives) the history steps g·q_item are summed and applied once, with
    /// the weights of the cycle's first sample, at the end of the cycle.
    ///
    /// Fix: the sigmoid derivative is taken at the raw score (the original took it at the
    /// sigmoid output, i.e. σ'(σ(x))).
    /// Fix: the item step always uses the user vector from before the step (the original
    /// could recompute it after p_user had moved).
    /// Fix: in cumulative mode the user vector used by later samples of a cycle includes the
    /// p_user steps already made (the original kept a stale one), and a sample outside an
    /// update cycle is applied at once (the original accumulated it forever).
    pub struct SvdppModelGradientUpdaterParameters {
        /// Step size.
        pub learning_rate: f64 = 0.1; where finite_min(0.0),
        /// Sum the history updates over an implicit update cycle and apply them at its end.
        pub cumulative_item_updates: bool = false,
    }
}

crate::wiring! {
    pub struct SvdppModelGradientUpdaterWiring {
        /// The model to train.
        set_model => model: required SvdppModel,
    }
}

pub struct SvdppModelGradientUpdater {
    params: SvdppModelGradientUpdaterParameters,
    wiring: SvdppModelGradientUpdaterWiring,
    cycle: GradientCycle,
}

impl GradientUpdater for SvdppModelGradientUpdater {
    fn update(&mut self, rec: &RecDat, gradient: f64, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        self.cycle.update(model.core_mut(), rec, gradient);
        Ok(())
    }

    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        if self.cycle.message(message) {
            let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
            self.cycle.finish(model.core_mut());
        }
        Ok(())
    }
}

impl Component for SvdppModelGradientUpdater {
    const NAME: &'static str = "SvdppModelGradientUpdater";
    type Params = SvdppModelGradientUpdaterParameters;
    type Wiring = SvdppModelGradientUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let cycle = GradientCycle::new(params.learning_rate, params.cumulative_item_updates);
        Ok(SvdppModelGradientUpdater { params, wiring: Default::default(), cycle })
    }
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.cycle.reset();
        Ok(())
    }
    crate::component_accessors!();
}
