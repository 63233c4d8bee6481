//! The asymmetric factor model: users are represented by the items they interacted with.

use super::history::NormType;
use super::shared::{CoreConfig, HistoryFactorCore};
use super::validate::{MAX_DIMENSION, validate};
use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::data::columns::MAX_ID;
use crate::error::Result;
use crate::experiment::Environment;
use crate::models::Model;

crate::parameters! {
    /// Asymmetric factor model: no user vectors. The user vector is
    /// `norm · Σ_k w_k · h[item_k]` over the user's history (newest first, repeats included),
    /// the score `dot(user vector, q[item])`, then the sigmoid if `use_sigmoid`; 0 for an item
    /// never added. Weights and norm by `norm_type`: "disabled" (w = 1, norm 1), "constant"
    /// (w = 1, norm |H|^-1/2), "recency" (w = 604800/(604800 + age); the walk stops at the
    /// first w < 0.01; norm |H|^-1/2), "exponential" (w = gamma^k for the k-th newest, norm
    /// (Σ_k gamma^k)^-1/2), "youngest" (only the newest event, norm 1).
    /// Trained by `AsymmetricFactorModelGradientUpdater` (through a gradient computer) and
    /// `AsymmetricFactorModelUpdater` (appends each record to its user's history; add it
    /// after the gradient chain so that a step sees the history without the current record).
    /// Item factors q use `seed`, history factors h `seed + 1`.
    /// The model keeps its state from one run to the next (the original cleared it at the
    /// start of every run), so a loaded model continues where it was saved.
    ///
    /// Without the sigmoid, ranks are computed exactly from a LEMP index of the item factors
    /// (as `FactorModel`): the rank semantics is that of a walk in exact descending score
    /// order: with `better` items scoring above the evaluated one and `ties` equal to it (items
    /// without factors score 0), the rank is `top_k` (not ranked, no tie draw) when
    /// `better >= top_k`, else `better` plus a uniform draw in `0..=ties` if `ties > 0`. With
    /// the sigmoid, candidates are scored in popularity order until `top_k` better ones are met.
    ///
    /// Fix: the user-vector cache is keyed exactly by (user, time, id); the original truncated
    /// the time, so fractional times never hit it.
    /// Fix: the model can be saved and loaded (`write`/`read`), user histories included.
    /// Fix: "exponential" with gamma = 1 normalises by |H|^-1/2 (the original divided 0 by 0).
    /// Fix: under "recency" an event later than the scored record counts with weight 1
    /// instead of aborting the program.
    pub struct AsymmetricFactorModelParameters {
        /// Length of the factor vectors.
        pub dimension: i64 = 10; where int(1..=MAX_DIMENSION),
        /// Lower end of the uniform random initial factor values.
        pub begin_min: f64 = -0.1; where finite(),
        /// Upper end of the uniform random initial factor values (>= begin_min).
        pub begin_max: f64 = 0.1; where finite(),
        /// Apply the logistic sigmoid to the score.
        pub use_sigmoid: bool = false,
        /// "disabled", "constant", "recency", "exponential" or "youngest" (see above).
        pub norm_type: String = "constant".to_string(); where one_of(NormType::NAMES),
        /// Decay of the "exponential" weights.
        pub gamma: f64 = 0.8; where finite_min(0.0),
        /// Seed of the item factors; the history factors use seed + 1.
        pub seed: i64 = 745578; where seeds(2),
        /// Initialise the factors of items 0..=max_item at the start of a run: 1 yes, 0 no,
        /// -1 as the experiment says.
        pub initialize_all: i64 = -1; where int(0..=1).or(-1, "from the experiment"),
        /// Largest item id for initialize_all; -1: the experiment's.
        pub max_item: i64 = -1; where int(0..=MAX_ID).or(-1, "from the experiment"),
    }
}

/// The asymmetric factor model and SVD++ (`SvdppModel`): a [`HistoryFactorCore`] with the
/// parameters `P` it was built from. What the two models share (this struct, the `Model`
/// role, their updaters in `updater.rs`) is written once; each writes its own `Component`.
pub struct HistoryFactorModel<P> {
    pub(crate) params: P,
    pub(crate) wiring: NoWiring,
    pub(crate) core: HistoryFactorCore,
}

pub type AsymmetricFactorModel = HistoryFactorModel<AsymmetricFactorModelParameters>;

impl<P> HistoryFactorModel<P> {
    pub(crate) fn with_core(params: P, core: HistoryFactorCore) -> Self {
        HistoryFactorModel { params, wiring: NoWiring, core }
    }
    pub fn core(&self) -> &HistoryFactorCore {
        &self.core
    }
    pub fn core_mut(&mut self) -> &mut HistoryFactorCore {
        &mut self.core
    }
    /// Forgets everything learned and reseeds (a fresh model).
    pub fn clear(&mut self) {
        self.core.clear();
    }
}

/// A model trained through its [`HistoryFactorCore`]: what the shared updaters are generic
/// over (the wiring of a generic component names its target by a trait).
pub trait HistoryModel: Component {
    fn core_mut(&mut self) -> &mut HistoryFactorCore;
}

impl<P> HistoryModel for HistoryFactorModel<P>
where
    Self: Component,
{
    fn core_mut(&mut self) -> &mut HistoryFactorCore {
        &mut self.core
    }
}

impl<P: Send + Sync> Model for HistoryFactorModel<P> {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.core.prediction(rec)
    }
    fn add(&mut self, rec: &RecDat) {
        self.core.add(rec);
    }
    fn rank_path(&self) -> crate::models::RankPath {
        self.core.rank_path()
    }
    fn count_ranked(&self, q: &crate::ranking::RankQuery<'_>) -> Option<crate::ranking::RankCount> {
        Some(self.core.count_ranked(q))
    }
    fn has_top_list(&self) -> bool {
        !self.core.config.use_sigmoid
    }
    fn top_list(&self, user: u32, k: usize, exclude: Option<&crate::containers::train_matrix::Row>) -> Vec<(u32, f64)> {
        self.core.top_list(user, k, exclude)
    }
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        self.core.write(out)
    }
    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        self.core.read(input)
    }
}

/// Resolves initialize_all / a max id parameter against the experiment's values.
pub(crate) fn resolve_initialize_all(own: i64, env: &Environment) -> bool {
    if own < 0 { env.params.initialize_all } else { own == 1 }
}

impl Component for AsymmetricFactorModel {
    const NAME: &'static str = "AsymmetricFactorModel";
    type Params = AsymmetricFactorModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let p = &params;
        let norm_type = validate(Self::NAME, p.begin_min, p.begin_max, &p.norm_type)?;
        let core = HistoryFactorCore::new(CoreConfig {
            kind: Self::NAME,
            dimension: p.dimension as usize,
            begin_min: p.begin_min,
            begin_max: p.begin_max,
            use_sigmoid: p.use_sigmoid,
            norm_type,
            gamma: p.gamma,
            user_vector_weight: 0.0,
            history_weight: 1.0,
            user_seed: None,
            item_seed: p.seed,
            history_seed: p.seed + 1,
        });
        Ok(Self::with_core(params, core))
    }

    /// Keeps what the model has learned (so a loaded or trained model continues); with
    /// initialize_all, creates the missing vectors of items 0..=max_item (q, then h, per item).
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        let max_item = self.params.max_item.max(env.params.max_item);
        crate::models::factor::Factors::check_memory(Self::NAME, 2 * (max_item + 1), self.params.dimension as usize)?;
        if resolve_initialize_all(self.params.initialize_all, env) {
            let max_item = if self.params.max_item >= 0 { self.params.max_item } else { env.params.max_item };
            self.core.initialize_all(-1, max_item);
        }
        Ok(())
    }

    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::environment::EnvironmentParameters;

    #[test]
    fn initialize_all_follows_the_experiment_and_max_item() {
        let env = Environment::new(
            EnvironmentParameters {
                top_k: 10,
                exclude_known: false,
                initialize_all: true,
                max_user: 3,
                max_item: 4,
                evaluation_start_time: 0.0,
                experiment_termination_time: 0.0,
                evaluate_cold_start: false,
            },
            0,
        );
        let mut m = AsymmetricFactorModel::new(Default::default()).unwrap();
        m.initialize(&env).unwrap();
        assert!(m.core().item_factor(4).is_some() && m.core().history_factor(4).is_some());
        assert!(m.core().item_factor(5).is_none());
        let mut m =
            AsymmetricFactorModel::new(AsymmetricFactorModelParameters { max_item: 1, ..Default::default() }).unwrap();
        m.initialize(&env).unwrap();
        assert!(m.core().item_factor(1).is_some() && m.core().item_factor(2).is_none());
        // An initialised item scores dot(0, q) = 0 for a user without history.
        assert_eq!(m.prediction(&RecDat { item: 1, ..RecDat::default() }), 0.0);
    }
}
