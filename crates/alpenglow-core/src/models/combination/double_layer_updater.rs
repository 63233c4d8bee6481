//! Trains the weights of a `CombinedModel` by gradient steps.

use super::CombinedModel;
use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;
use crate::gradient::GradientUpdater;

crate::parameters! {
    /// A gradient updater of the weights of a `CombinedModel`: wire it under a
    /// `GradientComputerPointWise` whose model is the combined model (sampler → computer →
    /// this updater), before the updaters of the member models.
    ///
    /// For a sample with time > `start_combination_learning_time` and gradient g (dLoss/dp of
    /// the combined prediction), with p_i the prediction of model i: unless `always_learn` is
    /// off and some p_i is exactly 0 (then the sample is skipped), every weight moves by
    /// uw_i -= g·p_i·lr + lr·reg·uw_i (the user's weights, with `use_user_weights`) and
    /// gw_i -= g·p_i·glr + glr·greg·gw_i (the global weights).
    pub struct CombinedDoubleLayerModelGradientUpdaterParameters {
        /// Step size of the per-user weights (lr).
        pub learning_rate: f64 = 0.05; where finite_min(0.0),
        /// L2 regularisation of the per-user weights (reg).
        pub regularization_rate: f64 = 0.0; where finite_min(0.0),
        /// Step size of the global weights (glr).
        pub global_learning_rate: f64 = 0.05; where finite_min(0.0),
        /// L2 regularisation of the global weights (greg).
        pub global_regularization_rate: f64 = 0.0; where finite_min(0.0),
        /// Learn also from samples where some model predicts exactly 0.
        pub always_learn: bool = true,
        /// Learn only from samples later than this time.
        pub start_combination_learning_time: f64 = 0.0; where finite(),
    }
}

crate::wiring! {
    pub struct CombinedDoubleLayerModelGradientUpdaterWiring {
        /// The combined model whose weights are trained.
        set_model => model: required CombinedModel,
    }
}

pub struct CombinedDoubleLayerModelGradientUpdater {
    params: CombinedDoubleLayerModelGradientUpdaterParameters,
    wiring: CombinedDoubleLayerModelGradientUpdaterWiring,
    predictions: Vec<f64>,
}

impl GradientUpdater for CombinedDoubleLayerModelGradientUpdater {
    fn update(&mut self, rec: &RecDat, gradient: f64, _env: &Environment) -> Result<()> {
        let p = &self.params;
        if rec.time <= p.start_combination_learning_time {
            return Ok(());
        }
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        model.predictions_into(rec, &mut self.predictions);
        if !p.always_learn && self.predictions.contains(&0.0) {
            return Ok(());
        }
        if model.global_weights.len() != self.predictions.len() {
            // Models were added after the last `add`: start from the reset weights.
            model.sync_weights();
        }
        if model.use_user_weights() {
            model.ensure_user(rec.user);
            let uw = &mut model.user_weights[rec.user as usize];
            for (w, &pi) in uw.iter_mut().zip(&self.predictions) {
                *w -= gradient * pi * p.learning_rate + p.learning_rate * p.regularization_rate * *w;
            }
        }
        for (w, &pi) in model.global_weights.iter_mut().zip(&self.predictions) {
            *w -= gradient * pi * p.global_learning_rate + p.global_learning_rate * p.global_regularization_rate * *w;
        }
        Ok(())
    }
}

impl Component for CombinedDoubleLayerModelGradientUpdater {
    const NAME: &'static str = "CombinedDoubleLayerModelGradientUpdater";
    type Params = CombinedDoubleLayerModelGradientUpdaterParameters;
    type Wiring = CombinedDoubleLayerModelGradientUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(CombinedDoubleLayerModelGradientUpdater { params, wiring: Default::default(), predictions: Vec::new() })
    }
    crate::component_accessors!();
}
