//! SVD++: a user vector p_u plus the weighted, normalised history factors of the user's items.

use crate::component::{Component, NoWiring};
use crate::data::columns::MAX_ID;
use crate::error::Result;
use crate::experiment::Environment;
use crate::models::asymmetric::history::NormType;
use crate::models::asymmetric::model::{HistoryFactorModel, resolve_initialize_all};
use crate::models::asymmetric::shared::{CoreConfig, HistoryFactorCore};
use crate::models::asymmetric::validate::{MAX_DIMENSION, validate};

crate::parameters! {
    /// SVD++ model. The user vector is
    /// `history_weight · norm · Σ_k w_k · h[item_k] + user_vector_weight · p[user]` over the
    /// user's history (newest first, repeats included), the score `dot(user vector, q[item])`,
    /// then the sigmoid if `use_sigmoid`; 0 for an item never added. Weights and norm by
    /// `norm_type` exactly as in `AsymmetricFactorModel`: "disabled", "constant", "recency",
    /// "exponential" or "youngest". Trained by `SvdppModelGradientUpdater` (through a
    /// gradient computer) and `SvdppModelUpdater` (appends each record to its user's history;
    /// add it after the gradient chain). User factors p use `seed`, item factors q `seed + 1`,
    /// history factors h `seed + 2`.
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
    /// Fix: the model can be saved and loaded (`write`/`read`), user histories included (the
    /// original wrote the factors and then threw).
    /// Fix: "exponential" with gamma = 1 normalises by |H|^-1/2 (the original divided 0 by 0).
    /// Fix: under "recency" an event later than the scored record counts with weight 1
    /// instead of aborting the program.
    pub struct SvdppModelParameters {
        /// Length of the factor vectors.
        pub dimension: i64 = 10; where int(1..=MAX_DIMENSION),
        /// Lower end of the uniform random initial factor values.
        pub begin_min: f64 = -0.1; where finite(),
        /// Upper end of the uniform random initial factor values (>= begin_min).
        pub begin_max: f64 = 0.1; where finite(),
        /// Apply the logistic sigmoid to the score.
        pub use_sigmoid: bool = false,
        /// "disabled", "constant", "recency", "exponential" or "youngest".
        pub norm_type: String = "constant".to_string(); where one_of(NormType::NAMES),
        /// Decay of the "exponential" weights.
        pub gamma: f64 = 0.8; where finite_min(0.0),
        /// Weight of the user's own factor p_u in the user vector.
        pub user_vector_weight: f64 = 1.0; where finite(),
        /// Weight of the history part in the user vector.
        pub history_weight: f64 = 1.0; where finite(),
        /// Seed of the user factors; item factors use seed + 1, history factors seed + 2.
        pub seed: i64 = 745578; where seeds(3),
        /// Initialise the factors of users 0..=max_user and items 0..=max_item at the start
        /// of a run: 1 yes, 0 no, -1 as the experiment says.
        pub initialize_all: i64 = -1; where int(0..=1).or(-1, "from the experiment"),
        /// Largest item id for initialize_all; -1: the experiment's.
        pub max_item: i64 = -1; where int(0..=MAX_ID).or(-1, "from the experiment"),
        /// Largest user id for initialize_all; -1: the experiment's.
        pub max_user: i64 = -1; where int(0..=MAX_ID).or(-1, "from the experiment"),
    }
}

pub type SvdppModel = HistoryFactorModel<SvdppModelParameters>;

impl Component for SvdppModel {
    const NAME: &'static str = "SvdppModel";
    type Params = SvdppModelParameters;
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
            user_vector_weight: p.user_vector_weight,
            history_weight: p.history_weight,
            user_seed: Some(p.seed),
            item_seed: p.seed + 1,
            history_seed: p.seed + 2,
        });
        Ok(Self::with_core(params, core))
    }

    /// Keeps what the model has learned (so a loaded or trained model continues); with
    /// initialize_all, creates the missing vectors of users 0..=max_user, then of items
    /// 0..=max_item (q, then h, per item).
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        let (users, items) = (self.params.max_user.max(env.params.max_user), self.params.max_item.max(env.params.max_item));
        crate::models::factor::Factors::check_memory(Self::NAME, users + 1 + 2 * (items + 1), self.params.dimension as usize)?;
        if resolve_initialize_all(self.params.initialize_all, env) {
            let own = |v: i64, env_v: i64| if v >= 0 { v } else { env_v };
            let max_user = own(self.params.max_user, env.params.max_user);
            let max_item = own(self.params.max_item, env.params.max_item);
            self.core.initialize_all(max_user, max_item);
        }
        Ok(())
    }

    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RecDat;
    use crate::experiment::environment::EnvironmentParameters;
    use crate::models::Model;
    use crate::random::Random;

    fn env(initialize_all: bool, max_user: i64, max_item: i64) -> Environment {
        Environment::new(
            EnvironmentParameters {
                top_k: 10,
                exclude_known: false,
                initialize_all,
                max_user,
                max_item,
                evaluation_start_time: 0.0,
                experiment_termination_time: 0.0,
                evaluate_cold_start: false,
            },
            0,
        )
    }

    #[test]
    fn initialize_all_creates_users_then_items_from_their_seeds() {
        let params = SvdppModelParameters { dimension: 2, seed: 100, ..Default::default() };
        let mut m = SvdppModel::new(params).unwrap();
        m.initialize(&env(true, 1, 2)).unwrap();
        let draws = |seed: i64, n: usize| {
            let mut r = Random::new(seed);
            (0..n).map(|_| r.get() * 0.2 - 0.1).collect::<Vec<_>>()
        };
        let (p, q, h) = (draws(100, 4), draws(101, 6), draws(102, 6));
        assert_eq!(m.core().user_factor(1), Some(&p[2..4]));
        assert_eq!(m.core().item_factor(2), Some(&q[4..6]));
        assert_eq!(m.core().history_factor(0), Some(&h[0..2]));
        assert!(m.core().user_factor(2).is_none() && m.core().item_factor(3).is_none());
        // Explicit 0 overrides the experiment; a trained model keeps its state.
        let mut m = SvdppModel::new(SvdppModelParameters { initialize_all: 0, ..Default::default() }).unwrap();
        m.add(&RecDat { user: 4, item: 5, ..RecDat::default() });
        m.initialize(&env(true, 1, 2)).unwrap();
        assert!(m.core().item_factor(0).is_none() && m.core().item_factor(5).is_some());
    }
}
