//! Training of the asymmetric factor model and of SVD++, written once: the history
//! bookkeeping updater [`HistoryModelUpdater`] and the gradient updater
//! [`HistoryGradientUpdater`] (with its cumulative cycle [`GradientCycle`]) are generic over
//! the model; each family declares its parameters (their docs are the components' docs) and
//! its `Component` impls, which name the components.

use super::AsymmetricFactorModel;
use super::model::HistoryModel;
use super::shared::HistoryFactorCore;
use super::step::StepScratch;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::gradient::GradientUpdater;
use crate::params::Parameters;

crate::parameters! {
    /// History bookkeeping of an `AsymmetricFactorModel`: creates the record's vectors and
    /// appends (item, time) to its user's history. In an experiment it comes after the
    /// negative sampler / gradient chain, so a gradient step sees the history without the
    /// record being learned.
    pub struct AsymmetricFactorModelUpdaterParameters {}
}

crate::wiring! {
    pub struct HistoryModelUpdaterWiring<M: HistoryModel> {
        /// The model whose histories to extend.
        set_model => model: required M,
    }
}

/// History bookkeeping of model `M` (with the parameter struct `P` that documents it).
pub struct HistoryModelUpdater<M: HistoryModel, P> {
    pub(crate) params: P,
    pub(crate) wiring: HistoryModelUpdaterWiring<M>,
}

impl<M: HistoryModel, P> HistoryModelUpdater<M, P> {
    pub fn with_params(params: P) -> Self {
        HistoryModelUpdater { params, wiring: Default::default() }
    }
}

impl<M: HistoryModel, P> Updater for HistoryModelUpdater<M, P>
where
    Self: Component,
{
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        let core = model.core_mut();
        core.add(rec);
        core.push_history(rec);
        Ok(())
    }
}

/// The `Component` items of a shared history updater of `$model`, besides its name and
/// parameters (written once for both families, like `component_accessors!`):
/// `history_updater_items!(HistoryModelUpdater<M>)` or `(HistoryGradientUpdater<M>)`.
#[macro_export]
macro_rules! history_updater_items {
    (HistoryModelUpdater<$model:ty>) => {
        type Wiring = $crate::models::asymmetric::updater::HistoryModelUpdaterWiring<$model>;
        fn new(params: Self::Params) -> $crate::error::Result<Self> {
            Ok(Self::with_params(params))
        }
        $crate::component_accessors!();
    };
    (HistoryGradientUpdater<$model:ty>) => {
        type Wiring = $crate::models::asymmetric::updater::HistoryGradientUpdaterWiring<$model>;
        fn new(params: Self::Params) -> $crate::error::Result<Self> {
            Self::with_params(params)
        }
        /// Forgets an unfinished cycle.
        fn initialize(&mut self, _env: &$crate::experiment::Environment) -> $crate::error::Result<()> {
            self.reset();
            Ok(())
        }
        $crate::component_accessors!();
    };
}

pub type AsymmetricFactorModelUpdater =
    HistoryModelUpdater<AsymmetricFactorModel, AsymmetricFactorModelUpdaterParameters>;

impl Component for AsymmetricFactorModelUpdater {
    const NAME: &'static str = "AsymmetricFactorModelUpdater";
    type Params = AsymmetricFactorModelUpdaterParameters;
    crate::history_updater_items!(HistoryModelUpdater<AsymmetricFactorModel>);
}

/// The gradient-updater state shared by the asymmetric and SVD++ gradient updaters: the
/// learning rate and the cumulative cycle (between StartOfImplicitUpdateCycle and
/// EndOfImplicitUpdateCycle the history gradients are summed and applied once at the end).
#[derive(Debug, Default)]
pub struct GradientCycle {
    learning_rate: f64,
    cumulative: bool,
    in_cycle: bool,
    first: Option<RecDat>,
    acc: Vec<f64>,
    scratch: StepScratch,
}

impl GradientCycle {
    /// The learning rate is checked by the updater's parameter constraint.
    pub fn new(learning_rate: f64, cumulative: bool) -> Self {
        GradientCycle { learning_rate, cumulative, ..Default::default() }
    }

    pub fn update(&mut self, core: &mut HistoryFactorCore, rec: &RecDat, gradient: f64) {
        let defer = if self.cumulative && self.in_cycle {
            if self.first.is_none() {
                self.first = Some(*rec);
            }
            Some(&mut self.acc)
        } else {
            None
        };
        core.gradient_step(rec, gradient, self.learning_rate, defer, &mut self.scratch);
    }

    /// Handles a message; returns true if the model must be passed to [`GradientCycle::finish`].
    pub fn message(&mut self, message: UpdaterMessage) -> bool {
        match message {
            UpdaterMessage::StartOfImplicitUpdateCycle if self.cumulative => {
                self.in_cycle = true;
                self.first = None;
                self.acc.iter_mut().for_each(|a| *a = 0.0);
                false
            }
            UpdaterMessage::EndOfImplicitUpdateCycle if self.in_cycle => {
                self.in_cycle = false;
                self.first.is_some()
            }
            _ => false,
        }
    }

    /// Applies the accumulated history gradient with the first sample's weights and norm.
    pub fn finish(&mut self, core: &mut HistoryFactorCore) {
        if let Some(first) = self.first.take() {
            core.apply_history_gradient(&first, -self.learning_rate, &self.acc);
        }
    }

    /// Forgets an unfinished cycle (start of a run).
    pub fn reset(&mut self) {
        self.in_cycle = false;
        self.first = None;
    }
}

/// Declares the parameter struct of a history gradient updater: the doc comment (the
/// component's docstring) is the family's, the fields are shared.
#[macro_export]
macro_rules! history_gradient_updater_parameters {
    ($(#[doc = $doc:literal])* pub struct $name:ident;) => {
        $crate::parameters! {
            $(#[doc = $doc])*
            pub struct $name {
                /// Step size.
                pub learning_rate: f64 = 0.1; where finite_min(0.0),
                /// Sum the history updates over an implicit update cycle and apply them at its end.
                pub cumulative_item_updates: bool = false,
            }
        }

        impl $crate::models::asymmetric::updater::GradientCycleParameters for $name {
            fn cycle(&self) -> $crate::models::asymmetric::updater::GradientCycle {
                $crate::models::asymmetric::updater::GradientCycle::new(
                    self.learning_rate,
                    self.cumulative_item_updates,
                )
            }
        }
    };
}

/// The parameters of a history gradient updater (see `history_gradient_updater_parameters!`).
pub trait GradientCycleParameters: Parameters {
    fn cycle(&self) -> GradientCycle;
}

crate::history_gradient_updater_parameters! {
    /// Gradient step of an `AsymmetricFactorModel`, fed by a gradient computer with
    /// g = dLoss/dPrediction for a (user, item) sample. With the user vector v (before the
    /// step), the weights w_k and norm of the user's history walk and lr = learning_rate:
    /// `h[item_k] -= lr·g·w_k·norm·q_item` for each history event, and
    /// `q_item -= lr·g·v`. With use_sigmoid, g is first multiplied by σ'(raw score).
    /// With cumulative_item_updates, inside an implicit update cycle (a negative sampler's
    /// positive and negatives) the history steps g·q_item are summed and applied once, with
    /// the weights of the cycle's first sample, at the end of the cycle.
    ///
    /// Fix: the sigmoid derivative is taken at the raw score (the original took it at the
    /// sigmoid output, i.e. σ'(σ(x))).
    /// Fix: in cumulative mode, a sample outside an update cycle is applied at once (the
    /// original accumulated it forever).
    pub struct AsymmetricFactorModelGradientUpdaterParameters;
}

crate::wiring! {
    pub struct HistoryGradientUpdaterWiring<M: HistoryModel> {
        /// The model to train.
        set_model => model: required M,
    }
}

/// The gradient step of model `M` (with the parameter struct `P` that documents it).
pub struct HistoryGradientUpdater<M: HistoryModel, P> {
    pub(crate) params: P,
    pub(crate) wiring: HistoryGradientUpdaterWiring<M>,
    cycle: GradientCycle,
}

impl<M: HistoryModel, P: GradientCycleParameters> HistoryGradientUpdater<M, P>
where
    Self: Component<Params = P>,
{
    /// Checks the parameters' constraints.
    pub fn with_params(params: P) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(HistoryGradientUpdater { cycle: params.cycle(), params, wiring: Default::default() })
    }

    /// Forgets an unfinished cycle (start of a run).
    pub fn reset(&mut self) {
        self.cycle.reset();
    }
}

impl<M: HistoryModel, P> GradientUpdater for HistoryGradientUpdater<M, P>
where
    Self: Component,
{
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

pub type AsymmetricFactorModelGradientUpdater =
    HistoryGradientUpdater<AsymmetricFactorModel, AsymmetricFactorModelGradientUpdaterParameters>;

impl Component for AsymmetricFactorModelGradientUpdater {
    const NAME: &'static str = "AsymmetricFactorModelGradientUpdater";
    type Params = AsymmetricFactorModelGradientUpdaterParameters;
    crate::history_updater_items!(HistoryGradientUpdater<AsymmetricFactorModel>);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_messages() {
        let mut c = GradientCycle::new(0.1, true);
        assert!(!c.message(UpdaterMessage::EndOfImplicitUpdateCycle), "no open cycle");
        assert!(!c.message(UpdaterMessage::StartOfImplicitUpdateCycle));
        assert!(!c.message(UpdaterMessage::EndOfImplicitUpdateCycle), "nothing accumulated");
        c.message(UpdaterMessage::StartOfImplicitUpdateCycle);
        c.first = Some(RecDat::default());
        assert!(!c.message(UpdaterMessage::StartOfOfflineUpdate));
        assert!(c.message(UpdaterMessage::EndOfImplicitUpdateCycle));
        let mut plain = GradientCycle::new(0.1, false);
        plain.message(UpdaterMessage::StartOfImplicitUpdateCycle);
        assert!(!plain.in_cycle, "non-cumulative updaters never defer");
        let nan = AsymmetricFactorModelGradientUpdaterParameters { learning_rate: f64::NAN, ..Default::default() };
        let e = AsymmetricFactorModelGradientUpdater::new(nan).err().unwrap().to_string();
        assert_eq!(
            e,
            "AsymmetricFactorModelGradientUpdater: parameter 'learning_rate' must be a finite number >= 0, got nan"
        );
    }
}
