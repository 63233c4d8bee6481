//! One SGD step of a factor model for a given dLoss/dPrediction.

use super::factors::sigmoid;
use super::model::{FactorModel, Parts, init_bias};
use super::plain_cycle::PlainStep;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, UpdaterMessage};
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
        /// Step size of the vectors.
        pub learning_rate: f64 = 0.1; where finite_min(0.0),
        /// L2 regularisation of the vectors.
        pub regularization_rate: f64 = 0.0; where finite_min(0.0),
        /// Step size of the biases.
        pub learning_rate_bias: f64 = 0.1; where finite_min(0.0),
        /// L2 regularisation of the biases.
        pub regularization_rate_bias: f64 = 0.0; where finite_min(0.0),
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
    /// Items of the current cycle whose index entries are brought up to date at its end.
    pending: Vec<u32>,
}

impl FactorModelGradientUpdater {
    /// The step itself, on an already borrowed model.
    pub fn step(&mut self, model: &mut FactorModel, rec: &RecDat, gradient: f64) {
        step(&self.params, model, rec, gradient);
    }
}

fn step(p: &FactorModelGradientUpdaterParameters, model: &mut FactorModel, rec: &RecDat, gradient: f64) {
    model.ensure(rec);
    let plain = !model.params.use_sigmoid && model.wiring.user_recency.is_none() && model.wiring.item_recency.is_none();
    // Without sigmoid and recency the score is not needed and the weights are 1.
    let parts = if plain { Parts { r_u: 1.0, r_i: 1.0, raw: 0.0 } } else { model.parts(rec) };
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
    let step = -g * p.learning_rate;
    let shrink = -p.regularization_rate * p.learning_rate;
    let (update_p, update_q) = (!p.turn_off_user_factor_updates, !p.turn_off_item_factor_updates);
    let FactorModel { users, items, .. } = &mut *model;
    let (Some(pu), Some(qi)) = (users.get_mut(rec.user), items.get_mut(rec.item)) else {
        return;
    };
    // Both from the old values, each as `(x + step * other) + shrink * x`.
    for (a, b) in pu.iter_mut().zip(qi.iter_mut()) {
        let (pk, qk) = (*a, *b);
        if update_p {
            *a = pk + step * qk + shrink * pk;
        }
        if update_q {
            *b = qk + step * pk + shrink * qk;
        }
    }
    if update_q {
        model.item_changed(rec.item);
    }
}

impl GradientUpdater for FactorModelGradientUpdater {
    fn update(&mut self, rec: &RecDat, gradient: f64, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        step(&self.params, &mut model, rec, gradient);
        Ok(())
    }

    fn train_point_wise(
        &mut self,
        model: &crate::component::Link<dyn crate::models::Model>,
        objective: &dyn crate::objectives::PointWiseObjective,
        samples: &[RecDat],
        _env: &Environment,
    ) -> Option<Result<()>> {
        let params = &self.params;
        let pending = &mut self.pending;
        crate::gradient::with_own_model(&self.wiring.model, model, |m| {
            if m.lemp_usable() {
                let step = PlainStep {
                    learning_rate: params.learning_rate,
                    shrink: -params.regularization_rate * params.learning_rate,
                    update_p: !params.turn_off_user_factor_updates,
                    update_q: !params.turn_off_item_factor_updates,
                };
                if objective.is_squared_error() {
                    m.train_plain_cycle(samples, |score, prediction| prediction - score, step, pending);
                } else {
                    m.train_plain_cycle(samples, |score, prediction| objective.gradient(score, prediction), step, pending);
                }
                // Nothing is ranked during the cycle: the index is brought up to date once.
                m.index_updated(pending);
                pending.clear();
                return;
            }
            for sample in samples {
                m.ensure(sample);
                let prediction = crate::models::Model::prediction(&*m, sample);
                let gradient = objective.gradient(sample.score, prediction);
                step(params, m, sample, gradient);
            }
        })
    }

    /// Offline training (between the start and end messages of an offline update or of
    /// offline iterations) defers the model's LEMP updates to its end.
    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        let defer = match message {
            UpdaterMessage::StartOfOfflineUpdate | UpdaterMessage::StartOfOfflineIterations => true,
            UpdaterMessage::EndOfOfflineUpdate | UpdaterMessage::EndOfOfflineIterations => false,
            _ => return Ok(()),
        };
        slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?.defer_index_updates(defer);
        Ok(())
    }
}

impl Component for FactorModelGradientUpdater {
    const NAME: &'static str = "FactorModelGradientUpdater";
    type Params = FactorModelGradientUpdaterParameters;
    type Wiring = FactorModelGradientUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(FactorModelGradientUpdater { params, wiring: Default::default(), pending: Vec::new() })
    }
    crate::component_accessors!();
}
