//! Helpers shared by the integration tests: building and wiring components through the
//! registry (the same path the Python front end uses), environments and records.
#![allow(dead_code)]

use alpenglow_core::component::Handle;
use alpenglow_core::data::RecDat;
use alpenglow_core::experiment::environment::EnvironmentParameters;
use alpenglow_core::experiment::{Environment, Updater};
use alpenglow_core::models::{Model, RankPath};
use alpenglow_core::ranking::RankingScoreIterator;
use alpenglow_core::params::Value;
use alpenglow_core::registry;

/// Builds a component by its registry name with keyword arguments.
pub fn build(name: &str, kwargs: &[(&str, Value)]) -> Handle {
    let kw: Vec<(String, Value)> = kwargs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    registry::build(name, &kw).unwrap_or_else(|e| panic!("building {name}: {e}"))
}

/// `target.call(arg)`, panicking on a wiring error.
pub fn wire(target: &Handle, call: &str, arg: &Handle) {
    target.node.wire(call, arg).unwrap_or_else(|e| panic!("{}.{call}: {e}", target.name()));
}

pub fn env_params(top_k: usize, exclude_known: bool) -> EnvironmentParameters {
    EnvironmentParameters {
        top_k,
        exclude_known,
        initialize_all: false,
        max_user: -1,
        max_item: -1,
        evaluation_start_time: 0.0,
        experiment_termination_time: 0.0,
        evaluate_cold_start: false,
    }
}

pub fn env(top_k: usize, exclude_known: bool) -> Environment {
    Environment::new(env_params(top_k, exclude_known), 0)
}

pub fn env_all(max_user: i64, max_item: i64) -> Environment {
    let p = EnvironmentParameters { initialize_all: true, max_user, max_item, ..env_params(10, false) };
    Environment::new(p, 0)
}

/// An evaluated record with the given fields.
pub fn rec(time: f64, user: u32, item: u32, score: f64) -> RecDat {
    RecDat { time, user, item, score, eval: true, ..RecDat::default() }
}

/// A model handle and the updaters wired to it (trained in the order given).
pub struct Trained {
    pub model: Handle,
    pub updaters: Vec<Handle>,
}

impl Trained {
    pub fn new(model: &str, updaters: &[(&str, Vec<(&str, Value)>)]) -> Self {
        let model = build(model, &[]);
        let updaters = updaters
            .iter()
            .map(|(name, kw)| {
                let u = build(name, kw);
                wire(&u, "set_model", &model);
                u
            })
            .collect();
        Trained { model, updaters }
    }

    /// Trains every updater on `rec` (the environment must already contain it).
    pub fn train(&self, rec: &RecDat, env: &Environment) {
        for u in &self.updaters {
            let role = u.role::<dyn Updater>().expect("updater role");
            role.with_mut(|u| u.update(rec, env)).unwrap().unwrap();
        }
    }

    /// Runs `f` on the model as a `&dyn Model`.
    pub fn with_model<R>(&self, f: impl FnOnce(&dyn Model) -> R) -> R {
        self.model.role::<dyn Model>().expect("model role").with(|m| f(m)).unwrap()
    }

    pub fn predict(&self, time: f64, user: u32, item: u32) -> f64 {
        self.with_model(|m| m.prediction(&rec(time, user, item, 1.0)))
    }

    /// The usual online step: environment first, then the updaters.
    pub fn step(&self, rec: &RecDat, env: &mut Environment) {
        env.update(rec);
        self.train(rec, env);
    }
}

/// The model under test with its fast path hidden, so `RankComputer` takes the generic walk.
pub struct Generic<'a>(pub &'a dyn Model);

impl Model for Generic<'_> {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.0.prediction(rec)
    }
    fn rank_path(&self) -> RankPath {
        self.0.rank_path()
    }
    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        self.0.ranking_iterator(user)
    }
}

/// `|a - b|` small relative to the values (the formulas are evaluated the same way, so this
/// only absorbs a reordering of floating-point operations).
pub fn close(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[macro_export]
macro_rules! assert_close {
    ($a:expr, $b:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!($crate::common::close(a, b), "{} = {a:?} but expected {} = {b:?}", stringify!($a), stringify!($b));
    }};
}
