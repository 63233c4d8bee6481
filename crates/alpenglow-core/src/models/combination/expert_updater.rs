//! Learns the distribution of a `RandomChoosingCombinedModel` (exponential weights).

use super::evaluators::Evaluator;
use super::RandomChoosingCombinedModel;
use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// The exponentially weighted forecaster's learner: for every training record it computes
    /// each model's loss and updates the weights of the `RandomChoosingCombinedModel` by
    /// w_i *= exp(−eta·loss_i), then normalises them to sum 1. Wire it with
    /// `set_model(model)` (or the original's `model.inject_wms_into(updater)`).
    ///
    /// Losses (`loss_type`, must be given): "abs" = |prediction − score|; "dcg" = −ln 2 /
    /// ln(rank + 2), the rank computed among the `top_k` best items with ties broken by the
    /// evaluator's own generator (seed 19263435). The original's "other" (user-supplied
    /// evaluators) is not available, nor is "mrr" (never implemented there).
    ///
    /// Fix: the original started every weight at 1.0 without normalising, so the first model
    /// was always chosen until the first update; here the weights start uniform (1/n).
    pub struct RandomChoosingCombinedModelExpertUpdaterParameters {
        /// Learning rate of the exponential weights.
        pub eta: f64 = 0.1; where finite_min(0.0),
        /// Length of the top list of the "dcg" loss.
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
        /// "abs" or "dcg".
        pub loss_type: String = String::new(); where one_of(&["", "abs", "dcg"]),
    }
}

crate::wiring! {
    pub struct RandomChoosingCombinedModelExpertUpdaterWiring {
        /// The model whose distribution is learned.
        set_model => model: required RandomChoosingCombinedModel,
    }
}

pub struct RandomChoosingCombinedModelExpertUpdater {
    params: RandomChoosingCombinedModelExpertUpdaterParameters,
    wiring: RandomChoosingCombinedModelExpertUpdaterWiring,
    evaluators: Vec<Evaluator>,
}

impl Updater for RandomChoosingCombinedModelExpertUpdater {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        model.sync_distribution();
        let eta = self.params.eta;
        let n = model.models().len();
        if self.evaluators.len() != n {
            return Err(Error::wiring(format!(
                "{}: the model has {n} models but {} were known when the run started; add models before running",
                Self::NAME,
                self.evaluators.len()
            )));
        }
        let mut sum = 0.0;
        for i in 0..n {
            let loss = {
                let m = model.models()[i].borrow()?;
                self.evaluators[i].loss(&*m, rec, env)
            };
            model.distribution[i] *= (-eta * loss).exp();
            sum += model.distribution[i];
        }
        if sum > 0.0 && sum.is_finite() {
            model.distribution.iter_mut().for_each(|w| *w /= sum);
        } else {
            // Every weight underflowed (or a loss was not finite): start again from uniform.
            model.distribution.iter_mut().for_each(|w| *w = 1.0 / n as f64);
        }
        Ok(())
    }
}

impl Component for RandomChoosingCombinedModelExpertUpdater {
    const NAME: &'static str = "RandomChoosingCombinedModelExpertUpdater";
    type Params = RandomChoosingCombinedModelExpertUpdaterParameters;
    type Wiring = RandomChoosingCombinedModelExpertUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(RandomChoosingCombinedModelExpertUpdater { params, wiring: Default::default(), evaluators: Vec::new() })
    }
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        let n = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?.models().len();
        let top_k = if self.params.top_k == -1 { env.top_k() } else { self.params.top_k as usize };
        self.evaluators = match self.params.loss_type.as_str() {
            "abs" => (0..n).map(|_| Evaluator::absolute_error()).collect(),
            "dcg" => (0..n).map(|_| Evaluator::dcg(top_k, env.exclude_known())).collect(),
            _ => {
                return Err(Error::parameter(format!(
                    "{}: parameter 'loss_type' must be given: 'abs' or 'dcg'",
                    Self::NAME
                )))
            }
        };
        Ok(())
    }
    crate::component_accessors!();
    /// The tie-breaking generators of the DCG evaluators.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.evaluators.len() as u64)?;
        for e in &self.evaluators {
            match e {
                Evaluator::AbsoluteError => out.bool(false)?,
                Evaluator::Dcg(rc) => {
                    out.bool(true)?;
                    out.random(rc.rng())?;
                }
            }
        }
        Ok(())
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let n = input.u64("the evaluators")?;
        if n != self.evaluators.len() as u64 {
            return Err(input.corrupt(&format!("{n} evaluators saved, {} in the experiment", self.evaluators.len())));
        }
        for e in self.evaluators.iter_mut() {
            let dcg = input.bool("an evaluator")?;
            match (e, dcg) {
                (Evaluator::Dcg(rc), true) => rc.set_rng(input.random("an evaluator's generator")?),
                (Evaluator::AbsoluteError, false) => {}
                _ => return Err(input.corrupt("the evaluators differ from the experiment's")),
            }
        }
        Ok(())
    }
}
