//! One SGD step of a factor model for a given dLoss/dPrediction.

use super::factors::sigmoid;
use super::model::{FactorModel, init_bias};
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::gradient::GradientUpdater;

crate::parameters! {
    /// Trains a `FactorModel` by stochastic gradient descent. Given g = dLoss/dPrediction:
    /// with `use_sigmoid`, g is multiplied by s(1-s), s = sigmoid(score before the sigmoid);
    /// then `b_u -= learning_rate_bias * (g*r_u + regularization_rate_bias * b_u)` (and the same
    /// for the item bias with r_i), and with g' = g*r_u*r_i, simultaneously
    /// `p_u += -g'*learning_rate*q_i - regularization_rate*learning_rate*p_u` and
    /// `q_i += -g'*learning_rate*p_u - regularization_rate*learning_rate*q_i` (old values on the
    /// right). r_u, r_i are the recency weights (1 without recency). Missing vectors are created
    /// first, as `FactorModel.add` does.
    ///
    /// Fix: the sigmoid derivative is taken at the score before the sigmoid (the original
    /// applied s(1-s) to the already squashed prediction).
    /// Fix: bias regularisation shrinks in proportion to the bias (the original subtracted a
    /// constant regularization_rate_bias * learning_rate_bias).
    pub struct FactorModelGradientUpdaterParameters {
        /// Do not change user vectors.
        pub turn_off_user_factor_updates: bool = false,
        /// Do not change item vectors.
        pub turn_off_item_factor_updates: bool = false,
        /// Do not change user biases.
        pub turn_off_user_bias_updates: bool = false,
        /// Do not change item biases.
        pub turn_off_item_bias_updates: bool = false,
        /// Step size of the vectors (>= 0).
        pub learning_rate: f64 = 0.1,
        /// L2 regularisation of the vectors (>= 0).
        pub regularization_rate: f64 = 0.0,
        /// Step size of the biases (>= 0).
        pub learning_rate_bias: f64 = 0.1,
        /// L2 regularisation of the biases (>= 0).
        pub regularization_rate_bias: f64 = 0.0,
    }
}

crate::wiring! {
    pub struct FactorModelGradientUpdaterWiring {
        /// The model to train.
        set_model => model: required FactorModel,
    }
}

pub struct FactorModelGradientUpdater {
    params: FactorModelGradientUpdaterParameters,
    wiring: FactorModelGradientUpdaterWiring,
    scratch: Scratch,
}

/// Copies of the old vectors (kept to avoid an allocation per step).
#[derive(Default)]
struct Scratch {
    old_p: Vec<f64>,
    old_q: Vec<f64>,
}

impl FactorModelGradientUpdater {
    /// The step itself, on an already borrowed model.
    pub fn step(&mut self, model: &mut FactorModel, rec: &RecDat, gradient: f64) {
        step(&self.params, &mut self.scratch, model, rec, gradient);
    }
}

fn step(
    p: &FactorModelGradientUpdaterParameters,
    scratch: &mut Scratch,
    model: &mut FactorModel,
    rec: &RecDat,
    gradient: f64,
) {
    model.ensure(rec);
    let parts = model.parts(rec);
    let mut g = gradient;
    if model.params.use_sigmoid {
        let s = sigmoid(parts.raw);
        g *= s * (1.0 - s);
    }
    let lr_b = p.learning_rate_bias;
    let reg_b = p.regularization_rate_bias;
    if model.params.use_user_bias && !p.turn_off_user_bias_updates {
        init_bias(&mut model.user_bias, rec.user);
        if let Some(b) = model.user_bias.get_mut(rec.user as usize) {
            *b -= lr_b * (g * parts.r_u + reg_b * *b);
        }
    }
    if model.params.use_item_bias && !p.turn_off_item_bias_updates {
        init_bias(&mut model.item_bias, rec.item);
        if let Some(b) = model.item_bias.get_mut(rec.item as usize) {
            *b -= lr_b * (g * parts.r_i + reg_b * *b);
        }
    }
    let g = g * parts.r_u * parts.r_i;
    let (Some(pu), Some(qi)) = (model.users.get(rec.user), model.items.get(rec.item)) else {
        return;
    };
    scratch.old_p.clear();
    scratch.old_p.extend_from_slice(pu);
    scratch.old_q.clear();
    scratch.old_q.extend_from_slice(qi);
    let step = -g * p.learning_rate;
    let shrink = -p.regularization_rate * p.learning_rate;
    if !p.turn_off_user_factor_updates {
        model.users.add(rec.user, &scratch.old_q, step);
        model.users.add(rec.user, &scratch.old_p, shrink);
    }
    if !p.turn_off_item_factor_updates {
        model.items.add(rec.item, &scratch.old_p, step);
        model.items.add(rec.item, &scratch.old_q, shrink);
        model.lemp.get_mut().schedule(rec.item);
    }
}

impl GradientUpdater for FactorModelGradientUpdater {
    fn update(&mut self, rec: &RecDat, gradient: f64, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        step(&self.params, &mut self.scratch, &mut model, rec, gradient);
        Ok(())
    }
}

impl Component for FactorModelGradientUpdater {
    const NAME: &'static str = "FactorModelGradientUpdater";
    type Params = FactorModelGradientUpdaterParameters;
    type Wiring = FactorModelGradientUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        for (name, v) in [
            ("learning_rate", params.learning_rate),
            ("regularization_rate", params.regularization_rate),
            ("learning_rate_bias", params.learning_rate_bias),
            ("regularization_rate_bias", params.regularization_rate_bias),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(Error::parameter(format!(
                    "FactorModelGradientUpdater: parameter '{name}' must be a finite number >= 0, got {v}"
                )));
            }
        }
        Ok(FactorModelGradientUpdater { params, wiring: Default::default(), scratch: Scratch::default() })
    }
    crate::component_accessors!();
}
