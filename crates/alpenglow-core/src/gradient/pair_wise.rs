//! Pair-wise gradient computation over implicit update cycles (makes ObjectiveBPR usable).

use super::{GradientUpdater, apply_gradient, forward_message};
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::models::Model;
use crate::objectives::PairWiseObjective;

crate::parameters! {
    /// Trains a model by pair-wise gradient steps (e.g. BPR) on the implicit update cycles of a
    /// negative sample generator: put it behind the generator with `add_updater`. The first
    /// sample of a cycle is the positive; every following sample is a negative paired with it.
    /// For each pair it calls the model's `add` on both, takes the predictions p₊ and p₋,
    /// computes (g₊, g₋) with the objective, and hands (positive, g₊) to every gradient updater,
    /// then (negative, g₋) to every gradient updater, in the order they were added. Pairs are
    /// processed in turn, so later pairs see the model updated by earlier ones. A cycle with no
    /// negative trains nothing. The positive is forgotten at StartOfImplicitUpdateCycle and
    /// EndOfImplicitUpdateCycle; messages are forwarded to the gradient updaters.
    ///
    /// New: the original declared a pair-wise objective but no computer that could use it.
    pub struct GradientComputerImplicitPairWiseParameters {}
}

crate::wiring! {
    pub struct GradientComputerImplicitPairWiseWiring {
        /// The model whose predictions are differentiated.
        set_model => model: required dyn Model,
        /// The pair-wise loss, e.g. ObjectiveBPR.
        set_objective => objective: required dyn PairWiseObjective,
        /// A gradient updater that applies the gradients (call it for each; applied in that order).
        add_gradient_updater => gradient_updaters: many dyn GradientUpdater,
    }
}

pub struct GradientComputerImplicitPairWise {
    params: GradientComputerImplicitPairWiseParameters,
    wiring: GradientComputerImplicitPairWiseWiring,
    positive: Option<RecDat>,
}

impl Updater for GradientComputerImplicitPairWise {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let Some(positive) = self.positive else {
            self.positive = Some(*rec);
            return Ok(());
        };
        let (p_pos, p_neg) = {
            let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
            model.add(&positive);
            model.add(rec);
            (model.prediction(&positive), model.prediction(rec))
        };
        let (g_pos, g_neg) =
            slot(&self.wiring.objective, Self::NAME, "set_objective")?.borrow()?.gradient(p_pos, p_neg);
        apply_gradient(&self.wiring.gradient_updaters, &positive, g_pos, env)?;
        apply_gradient(&self.wiring.gradient_updaters, rec, g_neg, env)
    }

    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        if matches!(message, UpdaterMessage::StartOfImplicitUpdateCycle | UpdaterMessage::EndOfImplicitUpdateCycle) {
            self.positive = None;
        }
        forward_message(&self.wiring.gradient_updaters, message)
    }
}

impl Component for GradientComputerImplicitPairWise {
    const NAME: &'static str = "GradientComputerImplicitPairWise";
    type Params = GradientComputerImplicitPairWiseParameters;
    type Wiring = GradientComputerImplicitPairWiseWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(GradientComputerImplicitPairWise { params, wiring: Default::default(), positive: None })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.positive = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::experiment::UpdaterMessage::{EndOfImplicitUpdateCycle as End, StartOfImplicitUpdateCycle as Start};
    use crate::gradient::testing::{Seen, model, step, weights};
    use crate::sampling::testing::{env, rec};

    #[test]
    fn applies_g_to_the_positive_and_minus_g_to_each_negative() {
        let m = model();
        let gc = crate::registry::build("GradientComputerImplicitPairWise", &[]).unwrap();
        gc.node.wire("set_model", &m).unwrap();
        gc.node.wire("set_objective", &crate::registry::build("ObjectiveBPR", &[]).unwrap()).unwrap();
        let (s, log) = step(&m, 1.0);
        gc.node.wire("add_gradient_updater", &s).unwrap();
        let up = gc.role::<dyn crate::experiment::Updater>().cloned().unwrap();
        let e = env();
        let neg = |item| crate::data::RecDat { score: 0.0, ..rec(0, item) };
        up.with_mut(|u| -> crate::Result<()> {
            u.message(Start)?;
            u.update(&rec(0, 1), &e)?;
            u.update(&neg(2), &e)?;
            u.update(&neg(3), &e)?;
            u.message(End)
        })
        .unwrap()
        .unwrap();
        // Pair (1, 2): p = 0, 0 -> g = -0.5: w1 = 0.5, w2 = -0.5.
        // Pair (1, 3): p = 0.5, 0 -> g = -1/(1 + e^0.5): w1 += -g, w3 = g.
        let g = -1.0 / (1.0 + 0.5f64.exp());
        assert_eq!(weights(&m), vec![0.0, 0.5 - g, -0.5, g]);
        assert_eq!(
            *log.lock().unwrap(),
            vec![
                Seen::Message(Start),
                Seen::Gradient(1, -0.5),
                Seen::Gradient(2, 0.5),
                Seen::Gradient(1, g),
                Seen::Gradient(3, -g),
                Seen::Message(End),
            ]
        );
        // A new cycle starts with a new positive; a lone positive trains nothing.
        up.with_mut(|u| -> crate::Result<()> {
            u.message(Start)?;
            u.update(&rec(0, 3), &e)?;
            u.message(End)
        })
        .unwrap()
        .unwrap();
        assert_eq!(log.lock().unwrap().len(), 8);
        assert_eq!(weights(&m), vec![0.0, 0.5 - g, -0.5, g]);
    }
}
