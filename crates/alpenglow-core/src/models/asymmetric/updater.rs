//! Training of the asymmetric factor model and of SVD++, written once: the history
//! bookkeeping updater [`HistoryModelUpdater`] and the gradient updater
//! [`HistoryGradientUpdater`] (with its cumulative cycle [`GradientCycle`]) are generic over
//! the model; each family declares its parameters (their docs are the components' docs) and
//! its `Component` impls, which name the components.

use super::AsymmetricFactorModel;
use super::model::HistoryModel;
use super::shared::HistoryFactorCore;
use super::shared::key;
use super::step::{HistoryStep, StepScratch};
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
    pub(super) learning_rate: f64,
    pub(super) cumulative: bool,
    in_cycle: bool,
    /// The first sample of the cycle (cumulative), or of the samples whose history steps are
    /// pending (tracked).
    pub(super) first: Option<RecDat>,
    pub(super) acc: Vec<f64>,
    pub(super) square_weight_sum: f64,
    scratch: StepScratch,
}

impl GradientCycle {
    /// The learning rate is checked by the updater's parameter constraint.
    pub fn new(learning_rate: f64, cumulative: bool) -> Self {
        GradientCycle { learning_rate, cumulative, ..Default::default() }
    }

    /// One sample; with cumulative updates inside a cycle, the history gradient g·q is
    /// accumulated (the original's approximation) and applied at the cycle's end.
    pub fn update(&mut self, core: &mut HistoryFactorCore, rec: &RecDat, gradient: f64) {
        let step = if self.cumulative && self.in_cycle {
            if self.first.is_none() {
                self.first = Some(*rec);
            }
            HistoryStep::Cumulative(&mut self.acc)
        } else {
            HistoryStep::Now
        };
        core.gradient_step(rec, gradient, self.learning_rate, step, &mut self.scratch);
    }

    /// A whole cycle of a point-wise gradient computer at once (the model's `add`, its
    /// prediction, `gradient(score, prediction)`, the step, for every sample in order), with
    /// the same model as sample by sample. Without cumulative updates the history steps are
    /// tracked exactly ([`HistoryStep::Tracked`]) while the samples share the user vector of
    /// the first one (same user, time and id, as a record and its negatives do) and create no
    /// vector; otherwise the pending steps are applied first. Inside the Start/End messages of
    /// the cycle, which the caller sends.
    pub fn train_cycle(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64) {
        self.train_cycle_with(core, samples, gradient, true);
    }

    /// [`train_cycle`](Self::train_cycle) without its fast case (the reference in tests).
    #[cfg(test)]
    pub(super) fn train_cycle_general(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64) {
        self.train_cycle_with(core, samples, gradient, false);
    }

    fn train_cycle_with(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: impl Fn(f64, f64) -> f64, fast: bool) {
        core.defer_lengths();
        if !(fast && self.tracked_cycle_fast(core, samples, &gradient)) {
            self.train_samples(core, samples, &gradient);
        }
        if !self.cumulative {
            self.finish(core);
        }
        core.index_pending();
    }

    /// The samples of a cycle one by one.
    fn train_samples(&mut self, core: &mut HistoryFactorCore, samples: &[RecDat], gradient: &impl Fn(f64, f64) -> f64) {
        for s in samples {
            let tracked = !self.cumulative;
            if tracked && self.first.is_some_and(|first| key(&first) != key(s) || core.add_would_create(s)) {
                self.finish(core);
            }
            core.add(s);
            let g = gradient(s.score, core.prediction(s));
            if !tracked {
                self.update(core, s, g);
                continue;
            }
            if self.first.is_none() {
                self.first = Some(*s);
                self.acc.clear();
                self.acc.resize(core.config.dimension, 0.0);
                self.square_weight_sum = core.square_weight_sum(s);
            }
            let step = HistoryStep::Tracked { acc: &mut self.acc, square_weight_sum: self.square_weight_sum };
            core.gradient_step(s, g, self.learning_rate, step, &mut self.scratch);
        }
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
    /// Applies the deferred history steps.
    pub fn finish(&mut self, core: &mut HistoryFactorCore) {
        if let Some(first) = self.first.take() {
            // Cumulative: acc = Σ g·q; tracked: acc = Σ −g·lr·q.
            let coef = if self.cumulative { -self.learning_rate } else { 1.0 };
            core.apply_history_gradient(&first, coef, &self.acc);
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

    fn train_point_wise(
        &mut self,
        model: &crate::component::Link<dyn crate::models::Model>,
        objective: &dyn crate::objectives::PointWiseObjective,
        samples: &[RecDat],
        _env: &Environment,
    ) -> Option<Result<()>> {
        let cycle = &mut self.cycle;
        crate::gradient::with_own_model(&self.wiring.model, model, |m| {
            cycle.train_cycle(m.core_mut(), samples, |score, p| objective.gradient(score, p))
        })
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
        assert!(!plain.in_cycle, "non-cumulative updaters never defer between messages");
        let nan = AsymmetricFactorModelGradientUpdaterParameters { learning_rate: f64::NAN, ..Default::default() };
        let e = AsymmetricFactorModelGradientUpdater::new(nan).err().unwrap().to_string();
        assert_eq!(
            e,
            "AsymmetricFactorModelGradientUpdater: parameter 'learning_rate' must be a finite number >= 0, got nan"
        );
    }

    use super::super::shared::{CoreConfig, HistoryFactorCore};
    use super::super::history::NormType;

    fn core(norm_type: NormType, svdpp: bool) -> HistoryFactorCore {
        core_of(norm_type, svdpp, 4)
    }

    fn core_of(norm_type: NormType, svdpp: bool, dimension: usize) -> HistoryFactorCore {
        HistoryFactorCore::new(CoreConfig {
            kind: "AsymmetricFactorModel",
            dimension,
            begin_min: -0.5,
            begin_max: 0.5,
            use_sigmoid: false,
            norm_type,
            gamma: 0.7,
            user_vector_weight: if svdpp { 0.5 } else { 0.0 },
            history_weight: if svdpp { 0.5 } else { 1.0 },
            user_seed: svdpp.then_some(3),
            item_seed: 5,
            history_seed: 6,
        })
    }

    /// Drives cycles as a point-wise gradient computer with MSE would: add, predict,
    /// g = p - score, step; inside Start/End messages (tracked) or one sample at a time.
    fn train(norm_type: NormType, svdpp: bool, in_cycles: bool) -> HistoryFactorCore {
        let mut c = core(norm_type, svdpp);
        let mut cycle = GradientCycle::new(0.05, false);
        let mut rng = crate::random::Random::new(11);
        for k in 0..60u32 {
            let user = k % 3;
            let positive = RecDat { user, item: rng.get_int(8) as u32, time: k as f64 * 50_000.0, id: k as i64, score: 1.0, ..Default::default() };
            let mut samples = vec![positive];
            for _ in 0..5 {
                samples.push(RecDat { item: rng.get_int(8) as u32, score: 0.0, ..positive });
            }
            if in_cycles {
                cycle.train_cycle(&mut c, &samples, |score, p| p - score);
            } else {
                for s in &samples {
                    c.add(s);
                    let g = c.prediction(s) - s.score;
                    cycle.update(&mut c, s, g);
                }
            }
            c.push_history(&positive);
        }
        c
    }

    #[test]
    fn tracked_cycles_equal_sample_by_sample_steps() {
        for norm_type in [NormType::Constant, NormType::Exponential, NormType::Recency, NormType::Youngest, NormType::Disabled] {
            for svdpp in [false, true] {
                let (steps, cycles) = (train(norm_type, svdpp, false), train(norm_type, svdpp, true));
                let close = |a: Option<&[f64]>, b: Option<&[f64]>| match (a, b) {
                    (Some(a), Some(b)) => a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12 * (1.0 + x.abs())),
                    (a, b) => a.is_none() && b.is_none(),
                };
                for id in 0..8 {
                    assert!(close(steps.item_factor(id), cycles.item_factor(id)), "{norm_type:?} {svdpp} q {id}: {:?} {:?}", steps.item_factor(id), cycles.item_factor(id));
                    assert!(close(steps.history_factor(id), cycles.history_factor(id)), "{norm_type:?} {svdpp} h {id}");
                }
                for user in 0..3 {
                    assert!(close(steps.user_factor(user), cycles.user_factor(user)), "{norm_type:?} {svdpp} p {user}");
                }
            }
        }
    }

    /// The fast tracked cycle (vectors in registers, unrolled dimensions) gives bit-identical
    /// factors, caches and index to the general loop, for the asymmetric and the SVD++ case,
    /// every norm, new items appearing (those cycles take the general loop) and repeats.
    #[test]
    fn the_fast_tracked_cycle_equals_the_general_loop_bit_for_bit() {
        for dimension in [10, 8] {
            for norm_type in [NormType::Constant, NormType::Exponential, NormType::Recency, NormType::Youngest] {
                for svdpp in [false, true] {
                    let (mut fast, mut general) = (core_of(norm_type, svdpp, dimension), core_of(norm_type, svdpp, dimension));
                    let (mut fast_cycle, mut general_cycle) = (GradientCycle::new(0.05, false), GradientCycle::new(0.05, false));
                    let mut rng = crate::random::Random::new(17);
                    for k in 0..150u32 {
                        let user = k % 4;
                        let catalogue = 10 + k.min(30);
                        let positive = RecDat { user, item: rng.get_int(catalogue as usize) as u32, time: k as f64 * 50_000.0, id: k as i64, score: 1.0, ..Default::default() };
                        let mut samples = vec![positive];
                        for _ in 0..7 {
                            samples.push(RecDat { item: rng.get_int(catalogue as usize) as u32, score: 0.0, ..positive });
                        }
                        let gradient = |score: f64, p: f64| (p - score) * (1.0 + 0.5 * p);
                        fast_cycle.train_cycle(&mut fast, &samples, gradient);
                        general_cycle.train_cycle_general(&mut general, &samples, gradient);
                        assert_eq!(fast.cache.get_mut().user_vec, general.cache.get_mut().user_vec, "cache after cycle {k}");
                        fast.push_history(&positive);
                        general.push_history(&positive);
                    }
                    let case = format!("dimension {dimension}, {norm_type:?}, svdpp {svdpp}");
                    for id in 0..40 {
                        assert_eq!(fast.item_factor(id), general.item_factor(id), "q {id}, {case}");
                        assert_eq!(fast.history_factor(id), general.history_factor(id), "h {id}, {case}");
                    }
                    for user in 0..4 {
                        assert_eq!(fast.user_factor(user), general.user_factor(user), "p {user}, {case}");
                    }
                    fast.lemp.check(&fast.items.factors).unwrap();
                }
            }
        }
    }
}
