//! Asymmetric factor and SVD++ models, built and wired through the registry: user vectors by
//! hand for every norm type, gradient steps against finite differences, the cumulative cycle,
//! determinism, save/load, whole runs and exact index ranks against the reference
//! (core-components.md §2.4).

#[path = "asymmetric_svdpp/bench.rs"]
mod bench;
mod common;
#[path = "asymmetric_svdpp/gradients.rs"]
mod gradients;
#[path = "asymmetric_svdpp/persistence.rs"]
mod persistence;
#[path = "asymmetric_svdpp/ranking.rs"]
mod ranking;
#[path = "asymmetric_svdpp/run.rs"]
mod run;

use alpenglow_core::models::Model;
use alpenglow_core::gradient::GradientUpdater;
use alpenglow_core::experiment::Updater;
use alpenglow_core::component::Handle;
use alpenglow_core::data::RecDat;
use alpenglow_core::experiment::{Environment, UpdaterMessage};
use alpenglow_core::models::asymmetric::{AsymmetricFactorModel, HistoryFactorCore};
use alpenglow_core::models::svdpp::SvdppModel;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use common::{build, env, wire};

const WEEK: f64 = 604_800.0;

/// A model with its history updater and gradient updater, all built through the registry.
struct Fixture {
    model: Handle,
    updater: Handle,
    gradient: Handle,
}

fn svdpp(name: &str) -> bool {
    name.starts_with("Svdpp")
}

impl Fixture {
    fn new(model: &str, model_kw: &[(&str, Value)], gradient_kw: &[(&str, Value)]) -> Fixture {
        let family = if svdpp(model) { "SvdppModel" } else { "AsymmetricFactorModel" };
        let m = build(model, model_kw);
        let updater = build(&format!("{family}Updater"), &[]);
        let gradient = build(&format!("{family}GradientUpdater"), gradient_kw);
        wire(&updater, "set_model", &m);
        wire(&gradient, "set_model", &m);
        Fixture { model: m, updater, gradient }
    }

    fn core<R>(&self, f: impl FnOnce(&mut HistoryFactorCore) -> R) -> R {
        if let Some(m) = self.model.downcast::<AsymmetricFactorModel>() {
            return m.with_mut(|m| f(m.core_mut())).unwrap();
        }
        self.model.downcast::<SvdppModel>().unwrap().with_mut(|m| f(m.core_mut())).unwrap()
    }

    fn set(&self, which: &str, id: u32, v: &[f64]) {
        self.core(|c| c.set_factor(which, id, v)).unwrap();
    }

    fn get(&self, which: &str, id: u32) -> Vec<f64> {
        self.core(|c| match which {
            "user" => c.user_factor(id).map(<[f64]>::to_vec),
            "item" => c.item_factor(id).map(<[f64]>::to_vec),
            _ => c.history_factor(id).map(<[f64]>::to_vec),
        })
        .unwrap_or_else(|| panic!("no {which} factor {id}"))
    }

    fn predict(&self, r: &RecDat) -> f64 {
        self.model.role::<dyn Model>().unwrap().with(|m| m.prediction(r)).unwrap()
    }

    fn add(&self, r: &RecDat) {
        self.model.role::<dyn Model>().unwrap().with_mut(|m| m.add(r)).unwrap();
    }

    /// The history bookkeeping updater on `r`.
    fn remember(&self, r: &RecDat, env: &Environment) {
        self.updater.role::<dyn Updater>().unwrap().with_mut(|u| u.update(r, env)).unwrap().unwrap();
    }

    fn step(&self, r: &RecDat, g: f64, env: &Environment) {
        self.gradient.role::<dyn GradientUpdater>().unwrap().with_mut(|u| u.update(r, g, env)).unwrap().unwrap();
    }

    fn message(&self, m: UpdaterMessage) {
        self.gradient.role::<dyn GradientUpdater>().unwrap().with_mut(|u| u.message(m)).unwrap().unwrap();
    }

    /// What an experiment does per record: a negative-sampler cycle through a gradient
    /// computer with MSE (positive, then `negatives` with score 0), then the history updater.
    fn train(&self, r: &RecDat, negatives: &[u32], env: &mut Environment) {
        env.update(r);
        self.message(UpdaterMessage::StartOfImplicitUpdateCycle);
        let samples = std::iter::once(*r).chain(negatives.iter().map(|&i| RecDat { item: i, score: 0.0, ..*r }));
        for s in samples {
            self.add(&s);
            let p = self.predict(&s);
            self.step(&s, p - s.score, env);
        }
        self.message(UpdaterMessage::EndOfImplicitUpdateCycle);
        self.remember(r, env);
    }
}

fn rec(time: f64, user: u32, item: u32, score: f64, id: i64) -> RecDat {
    RecDat { time, user, item, score, id, eval: true, ..RecDat::default() }
}

fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}

/// A stream over 3 users and 6 items with fractional times and repeats.
fn stream() -> Vec<RecDat> {
    (0..40)
        .map(|k| rec(1000.0 + 3600.5 * k as f64 + 0.25, (k % 3) as u32, ((k * 7 + k / 3) % 6) as u32, 1.0, k as i64))
        .collect()
}

fn negatives(r: &RecDat) -> Vec<u32> {
    vec![(r.item + 1) % 6, (r.item + 4) % 6]
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

fn assert_vec_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(close(*x, *y, tol), "{what}[{k}]: {x} vs {y}");
    }
}

/// User 0 saw item 1 at t=0, item 2 one week later, item 1 again two weeks later; h[1] = (1, 2),
/// h[2] = (3, -1), q[3] = (0.5, 2). Scored at t = 2 weeks, so recency weights are 1, 1/2, 1/3.
fn hand_fixture(model: &str, norm_type: &str, extra: &[(&str, Value)]) -> (Fixture, RecDat) {
    let mut kw = vec![("dimension", Value::Int(2)), ("norm_type", s(norm_type)), ("gamma", Value::Float(0.5))];
    kw.extend(extra.iter().cloned());
    let f = Fixture::new(model, &kw, &[]);
    let mut e = env(10, false);
    for (t, item) in [(0.0, 1), (WEEK, 2), (2.0 * WEEK, 1)] {
        let r = rec(t, 0, item, 1.0, 0);
        e.update(&r);
        f.remember(&r, &e);
    }
    f.add(&rec(0.0, 0, 3, 1.0, 0));
    f.set("history", 1, &[1.0, 2.0]);
    f.set("history", 2, &[3.0, -1.0]);
    f.set("item", 3, &[0.5, 2.0]);
    (f, rec(2.0 * WEEK, 0, 3, 1.0, 99))
}

/// (norm type, weighted sum Σ w_k h_k newest first, norm).
fn hand_cases() -> Vec<(&'static str, [f64; 2], f64)> {
    let third = 1.0 / 3.0;
    vec![
        ("disabled", [5.0, 3.0], 1.0),
        ("constant", [5.0, 3.0], 3f64.powf(-0.5)),
        ("exponential", [1.0 + 1.5 + 0.25, 2.0 - 0.5 + 0.5], 1.75f64.powf(-0.5)),
        ("youngest", [1.0, 2.0], 1.0),
        ("recency", [1.0 + 1.5 + third, 2.0 - 0.5 + 2.0 * third], 3f64.powf(-0.5)),
    ]
}

#[test]
fn asymmetric_user_vector_for_every_norm_type() {
    for (norm_type, sum, norm) in hand_cases() {
        for sigmoid in [false, true] {
            let (f, r) = hand_fixture("AsymmetricFactorModel", norm_type, &[("use_sigmoid", Value::Bool(sigmoid))]);
            let expected = [norm * sum[0], norm * sum[1]];
            assert_vec_close(&f.core(|c| c.user_vector(&r)), &expected, 1e-15, norm_type);
            let raw = expected[0] * 0.5 + expected[1] * 2.0;
            let want = if sigmoid { 1.0 / (1.0 + (-raw).exp()) } else { raw };
            assert!(close(f.predict(&r), want, 1e-15), "{norm_type} sigmoid={sigmoid}: {} vs {want}", f.predict(&r));
        }
    }
}

#[test]
fn svdpp_user_vector_for_every_norm_type() {
    let weights = [("user_vector_weight", Value::Float(2.0)), ("history_weight", Value::Float(0.5))];
    for (norm_type, sum, norm) in hand_cases() {
        let (f, r) = hand_fixture("SvdppModel", norm_type, &weights);
        f.set("user", 0, &[1.0, -1.0]);
        let expected = [0.5 * norm * sum[0] + 2.0, 0.5 * norm * sum[1] - 2.0];
        assert_vec_close(&f.core(|c| c.user_vector(&r)), &expected, 1e-15, norm_type);
        assert!(close(f.predict(&r), expected[0] * 0.5 + expected[1] * 2.0, 1e-15), "{norm_type}");
    }
}

fn final_predictions(model: &str, kw: &[(&str, Value)]) -> Vec<f64> {
    let f = Fixture::new(model, kw, &[("learning_rate", Value::Float(0.05))]);
    let mut e = env(10, false);
    for r in stream() {
        f.train(&r, &negatives(&r), &mut e);
    }
    let mut out = Vec::new();
    for u in 0..3 {
        for i in 0..6 {
            out.push(f.predict(&rec(2e5, u, i, 1.0, 1)));
        }
    }
    out
}

#[test]
fn same_seed_same_model_and_seeds_are_used() {
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        let a = final_predictions(model, &[("norm_type", s("exponential"))]);
        assert_eq!(a, final_predictions(model, &[("norm_type", s("exponential"))]), "{model}");
        let b = final_predictions(model, &[("norm_type", s("exponential")), ("seed", Value::Int(12345))]);
        assert_ne!(a, b, "{model}");
        assert!(a.iter().all(|p| p.is_finite() && *p != 0.0), "{model}: {a:?}");
    }
    // Initial factors: q uses seed, h seed + 1 (asymmetric); p seed, q seed + 1, h seed + 2 (SVD++).
    // First draws of seeds 745578 / 745579 / 745580 times 0.2 minus 0.1.
    let u = |state: f64| state / 2147483648.0 * 0.2 - 0.1;
    let (d0, d1, d2) =
        (u(1630057286.0), u((745579u64 * 48271 % 2147483647) as f64), u((745580u64 * 48271 % 2147483647) as f64));
    let f = Fixture::new("AsymmetricFactorModel", &[("dimension", Value::Int(1))], &[]);
    f.add(&rec(0.0, 0, 0, 1.0, 0));
    assert_eq!((f.get("item", 0)[0], f.get("history", 0)[0]), (d0, d1));
    let f = Fixture::new("SvdppModel", &[("dimension", Value::Int(1))], &[]);
    f.add(&rec(0.0, 0, 0, 1.0, 0));
    assert_eq!((f.get("user", 0)[0], f.get("item", 0)[0], f.get("history", 0)[0]), (d0, d1, d2));
}

#[test]
fn unknown_items_and_users_score_zero() {
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        for sigmoid in [false, true] {
            let f = Fixture::new(model, &[("use_sigmoid", Value::Bool(sigmoid))], &[]);
            let mut e = env(10, false);
            f.train(&rec(1.0, 0, 1, 1.0, 0), &[2], &mut e);
            assert_eq!(f.predict(&rec(2.0, 0, 7, 1.0, 1)), 0.0, "{model}: unknown item");
            assert_eq!(f.predict(&rec(2.0, 5, 7, 1.0, 1)), 0.0, "{model}: unknown user and item");
            assert_ne!(f.predict(&rec(2.0, 0, 2, 1.0, 1)), 0.0, "{model}: known pair");
            if !sigmoid {
                assert_eq!(f.predict(&rec(2.0, 5, 1, 1.0, 1)), 0.0, "{model}: user without history or factor");
            }
        }
    }
}

fn build_error(name: &str, kw: &[(&str, Value)]) -> String {
    let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    match registry::build(name, &kw) {
        Ok(_) => panic!("{name} accepted {kw:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_parameters_name_the_parameter() {
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        let cases: &[(&str, Value, &str)] = &[
            ("dimension", Value::Int(0), "'dimension'"),
            ("dimension", Value::Int(-3), "'dimension'"),
            ("begin_min", Value::Float(0.5), "'begin_min'"),
            ("norm_type", s("linear"), "'norm_type'"),
            ("gamma", Value::Float(-0.1), "'gamma'"),
            ("gamma", Value::Float(f64::NAN), "'gamma'"),
            ("seed", Value::Int(0), "'seed'"),
            ("seed", Value::Int(i32::MAX as i64), "'seed'"),
            ("initialize_all", Value::Int(2), "'initialize_all'"),
            ("max_item", Value::Int(-2), "'max_item'"),
        ];
        for (name, value, needle) in cases {
            let e = build_error(model, &[(name, value.clone())]);
            assert!(e.starts_with(&format!("{model}: parameter")) && e.contains(needle), "{model} {name}: {e}");
        }
    }
    let e = build_error("SvdppModel", &[("history_weight", Value::Float(f64::INFINITY))]);
    assert!(e.contains("'history_weight'"), "{e}");
    for updater in ["AsymmetricFactorModelGradientUpdater", "SvdppModelGradientUpdater"] {
        let e = build_error(updater, &[("learning_rate", Value::Float(-0.1))]);
        assert!(e.starts_with(&format!("{updater}: parameter 'learning_rate'")), "{e}");
    }
    let e = build_error("AsymmetricFactorModel", &[("user_vector_weight", Value::Float(1.0))]);
    assert!(e.contains("unknown keyword 'user_vector_weight'"), "{e}");
}
