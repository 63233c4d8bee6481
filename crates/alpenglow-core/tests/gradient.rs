//! Objectives and gradient computers (core-components.md §1, §2.7): every gradient against a
//! finite difference of its loss, the point-wise computer's sample-by-sample training, and the
//! implicit pair-wise computer that makes ObjectiveBPR usable.

mod common;

use alpenglow_core::objectives::PairWiseObjective;
use alpenglow_core::objectives::PointWiseObjective;
use alpenglow_core::experiment::Updater;
use std::sync::{Arc, Mutex};

use alpenglow_core::component::{Component, Handle, NoWiring, slot};
use alpenglow_core::data::{OwnedColumns, RecDat, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::experiment::{Environment, UpdaterMessage};
use alpenglow_core::gradient::GradientUpdater;
use alpenglow_core::models::Model;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use common::{build, env, rec, wire};

// ---------------------------------------------------------------- test doubles

alpenglow_core::parameters! {
    /// prediction = w[item]; `add` creates w[item] = 0.5.
    pub struct ItemWeightsParameters {}
}

struct ItemWeights {
    params: ItemWeightsParameters,
    wiring: NoWiring,
    w: Vec<Option<f64>>,
}

impl Model for ItemWeights {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.w.get(rec.item as usize).copied().flatten().unwrap_or(0.0)
    }
    fn add(&mut self, rec: &RecDat) {
        let i = rec.item as usize;
        if self.w.len() <= i {
            self.w.resize(i + 1, None);
        }
        self.w[i].get_or_insert(0.5);
    }
}

impl Component for ItemWeights {
    const NAME: &'static str = "ItemWeights";
    type Params = ItemWeightsParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> alpenglow_core::Result<Self> {
        Ok(ItemWeights { params, wiring: NoWiring, w: Vec::new() })
    }
    alpenglow_core::component_accessors!();
}

alpenglow_core::parameters! {
    /// w[item] -= learning_rate * gradient.
    pub struct StepParameters {
        /// Step size.
        pub learning_rate: f64 = 0.5,
    }
}

alpenglow_core::wiring! {
    pub struct StepWiring {
        /// The model to step.
        set_model => model: required ItemWeights,
    }
}

/// What a gradient updater saw: item, score, gradient, and the weight before its step.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seen {
    item: u32,
    score: f64,
    gradient: f64,
    before: f64,
}

struct Step {
    params: StepParameters,
    wiring: StepWiring,
    seen: Arc<Mutex<Vec<Seen>>>,
    messages: Arc<Mutex<Vec<UpdaterMessage>>>,
}

impl GradientUpdater for Step {
    fn update(&mut self, rec: &RecDat, gradient: f64, _env: &Environment) -> alpenglow_core::Result<()> {
        let mut m = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        let before = m.prediction(rec);
        if let Some(Some(w)) = m.w.get_mut(rec.item as usize) {
            *w -= self.params.learning_rate * gradient;
        }
        self.seen.lock().unwrap().push(Seen { item: rec.item, score: rec.score, gradient, before });
        Ok(())
    }
    fn message(&mut self, message: UpdaterMessage) -> alpenglow_core::Result<()> {
        self.messages.lock().unwrap().push(message);
        Ok(())
    }
}

impl Component for Step {
    const NAME: &'static str = "Step";
    type Params = StepParameters;
    type Wiring = StepWiring;
    fn new(params: Self::Params) -> alpenglow_core::Result<Self> {
        Ok(Step { params, wiring: Default::default(), seen: Default::default(), messages: Default::default() })
    }
    alpenglow_core::component_accessors!();
}

fn item_weights() -> Handle {
    registry::wrap(ItemWeights::new(ItemWeightsParameters {}).unwrap(), |s, r| r.add::<dyn Model>(s.clone()))
}

fn weights(model: &Handle) -> Vec<Option<f64>> {
    model.downcast::<ItemWeights>().unwrap().with(|m| m.w.clone()).unwrap()
}

struct StepLog {
    handle: Handle,
    seen: Arc<Mutex<Vec<Seen>>>,
    messages: Arc<Mutex<Vec<UpdaterMessage>>>,
}

fn step(model: &Handle, learning_rate: f64) -> StepLog {
    let s = Step::new(StepParameters { learning_rate }).unwrap();
    let (seen, messages) = (s.seen.clone(), s.messages.clone());
    let handle = registry::wrap(s, |s, r| r.add::<dyn GradientUpdater>(s.clone()));
    wire(&handle, "set_model", model);
    StepLog { handle, seen, messages }
}

fn computer(name: &str, model: &Handle, objective: &str) -> Handle {
    let gc = build(name, &[]);
    wire(&gc, "set_model", model);
    wire(&gc, "set_objective", &build(objective, &[]));
    gc
}

fn update(h: &Handle, rec: &RecDat, env: &Environment) {
    h.role::<dyn Updater>().unwrap().with_mut(|u| u.update(rec, env)).unwrap().unwrap();
}

fn message(h: &Handle, m: UpdaterMessage) {
    h.role::<dyn Updater>().unwrap().with_mut(|u| u.message(m)).unwrap().unwrap();
}

// ---------------------------------------------------------------- objectives

fn d(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6;
    (f(x + h) - f(x - h)) / (2.0 * h)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn point_wise_objectives_match_finite_differences() {
    let mse = build("ObjectiveMSE", &[]);
    let mse = mse.role::<dyn PointWiseObjective>().unwrap();
    let smse = build("ObjectiveSigmoidMSE", &[]);
    let smse = smse.role::<dyn PointWiseObjective>().unwrap();
    for (y, p) in [(1.0, 0.2), (0.0, 0.9), (3.0, -1.5), (0.0, 0.0)] {
        let g = mse.with(|o| o.gradient(y, p)).unwrap();
        assert_eq!(g, p - y);
        assert!((g - d(|p| 0.5 * (p - y) * (p - y), p)).abs() < 1e-7);
    }
    // SigmoidMSE: the prediction p = σ(z) is a sigmoid output; loss ½(σ(z) − y)², derivative in z.
    for (y, z) in [(1.0, 0.2), (0.0, 1.9), (1.0, -2.5)] {
        let g = smse.with(|o| o.gradient(y, sigmoid(z))).unwrap();
        assert!((g - d(|z| 0.5 * (sigmoid(z) - y).powi(2), z)).abs() < 1e-8, "{y} {z}");
    }
    assert_eq!(smse.with(|o| o.gradient(0.0, 0.5)).unwrap(), 0.125);
}

#[test]
fn bpr_matches_finite_differences_of_minus_log_sigmoid() {
    let bpr = build("ObjectiveBPR", &[]);
    assert!(bpr.role::<dyn PointWiseObjective>().is_none());
    let bpr = bpr.role::<dyn PairWiseObjective>().unwrap();
    let loss = |p1: f64, p2: f64| -sigmoid(p1 - p2).ln();
    for (p1, p2) in [(0.0, 0.0), (1.0, 0.2), (-0.7, 1.3), (5.0, 5.5)] {
        let (g1, g2) = bpr.with(|o| o.gradient(p1, p2)).unwrap();
        assert_eq!(g1, -1.0 / (1.0 + (p1 - p2).exp()));
        assert_eq!(g2, -g1);
        assert!((g1 - d(|x| loss(x, p2), p1)).abs() < 1e-7);
        assert!((g2 - d(|x| loss(p1, x), p2)).abs() < 1e-7);
    }
}

#[test]
fn list_rank_matches_finite_differences() {
    use alpenglow_core::objectives::{ListWiseObjective, ObjectiveListRank};
    let o = ObjectiveListRank::new(Default::default()).unwrap();
    let list = [(1.0, 0.3), (0.0, -0.4), (0.0, 2.0)];
    let loss = |l: &[(f64, f64)]| {
        let sa: f64 = l.iter().map(|x| sigmoid(x.1).exp()).sum();
        let sb: f64 = l.iter().map(|x| x.0.exp()).sum();
        -l.iter().map(|x| x.0.exp() / sb * (sigmoid(x.1).exp() / sa).ln()).sum::<f64>()
    };
    let mut g = Vec::new();
    o.gradient(&list, &mut g);
    for i in 0..list.len() {
        let f = |p: f64| {
            let mut l = list;
            l[i].1 = p;
            loss(&l)
        };
        assert!((g[i] - d(f, list[i].1)).abs() < 1e-8);
    }
}

// ---------------------------------------------------------------- point-wise computer

#[test]
fn point_wise_later_samples_see_earlier_updates() {
    let m = item_weights();
    let gc = computer("GradientComputerPointWise", &m, "ObjectiveMSE");
    let s = step(&m, 0.5);
    wire(&gc, "add_gradient_updater", &s.handle);
    let e = env(10, false);
    // One cycle: the positive item 1 (y = 1), then item 2 twice as a negative (y = 0).
    message(&gc, UpdaterMessage::StartOfImplicitUpdateCycle);
    update(&gc, &rec(0.0, 0, 1, 1.0), &e);
    update(&gc, &rec(0.0, 0, 2, 0.0), &e);
    update(&gc, &rec(0.0, 0, 2, 0.0), &e);
    message(&gc, UpdaterMessage::EndOfImplicitUpdateCycle);
    // add() creates 0.5; item 1: g = -0.5 -> 0.75; item 2: g = 0.5 -> 0.25; again g = 0.25 -> 0.125.
    let seen: Vec<(u32, f64)> = s.seen.lock().unwrap().iter().map(|x| (x.item, x.gradient)).collect();
    assert_eq!(seen, vec![(1, -0.5), (2, 0.5), (2, 0.25)]);
    assert_eq!(weights(&m), vec![None, Some(0.75), Some(0.125)]);
    assert_eq!(
        *s.messages.lock().unwrap(),
        vec![UpdaterMessage::StartOfImplicitUpdateCycle, UpdaterMessage::EndOfImplicitUpdateCycle]
    );
}

#[test]
fn point_wise_gradient_updaters_run_in_order() {
    let m = item_weights();
    let gc = computer("GradientComputerPointWise", &m, "ObjectiveMSE");
    let a = step(&m, 0.5);
    let b = step(&m, 1.0);
    wire(&gc, "add_gradient_updater", &a.handle);
    wire(&gc, "add_gradient_updater", &b.handle);
    update(&gc, &rec(0.0, 0, 0, 1.0), &env(10, false));
    // Both get the same gradient (computed once); b steps after a.
    assert_eq!(a.seen.lock().unwrap()[0], Seen { item: 0, score: 1.0, gradient: -0.5, before: 0.5 });
    assert_eq!(b.seen.lock().unwrap()[0], Seen { item: 0, score: 1.0, gradient: -0.5, before: 0.75 });
    assert_eq!(weights(&m), vec![Some(1.25)]);
}

/// (time, user, item), score 1.
const STREAM: [(f64, i64, i64); 8] =
    [(0.0, 0, 0), (1.0, 1, 1), (2.0, 0, 2), (3.0, 1, 0), (4.0, 2, 3), (5.0, 0, 1), (6.0, 2, 2), (7.0, 3, 0)];

/// STREAM through UniformNegativeSampleGenerator(negative_rate) -> `gc`.
fn run_with_sampler(gc: &Handle, negative_rate: i64) {
    let mut c = OwnedColumns::default();
    for (n, &(t, u, i)) in STREAM.iter().enumerate() {
        c.push(t, u, i, n as i64, 1.0, 1, 0);
    }
    let data = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let it = build("SimpleIterator", &[]);
    wire(&it, "set_recommender_data", &data);
    let exp = build("OnlineExperiment", &[("top_k", Value::Int(5))]);
    wire(&exp, "set_recommender_data_iterator", &it);
    let sampler = build("UniformNegativeSampleGenerator", &[("negative_rate", Value::Int(negative_rate))]);
    wire(&sampler, "add_updater", gc);
    wire(&exp, "add_updater", &sampler);
    alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
}

#[test]
fn point_wise_in_a_run_behind_a_sampler() {
    let m = item_weights();
    let gc = computer("GradientComputerPointWise", &m, "ObjectiveMSE");
    let s = step(&m, 0.1);
    wire(&gc, "add_gradient_updater", &s.handle);
    run_with_sampler(&gc, 2);
    let seen = s.seen.lock().unwrap().clone();
    let positives = seen.iter().filter(|x| x.score == 1.0).count();
    assert_eq!(positives, STREAM.len());
    assert!(seen.len() > positives, "no negatives were trained");
    // Every gradient is prediction - score for the model as left by the previous sample.
    let mut w: Vec<Option<f64>> = Vec::new();
    for x in &seen {
        let i = x.item as usize;
        if w.len() <= i {
            w.resize(i + 1, None);
        }
        let before = *w[i].get_or_insert(0.5);
        assert_eq!(x.before, before);
        assert_eq!(x.gradient, before - x.score);
        w[i] = Some(before - 0.1 * x.gradient);
    }
    assert_eq!(weights(&m), w);
    let messages = s.messages.lock().unwrap().clone();
    assert_eq!(messages.len(), 2 * STREAM.len());
}

// ---------------------------------------------------------------- pair-wise computer

#[test]
fn pair_wise_applies_g_and_minus_g() {
    let m = item_weights();
    let gc = computer("GradientComputerImplicitPairWise", &m, "ObjectiveBPR");
    let s = step(&m, 1.0);
    wire(&gc, "add_gradient_updater", &s.handle);
    let e = env(10, false);
    message(&gc, UpdaterMessage::StartOfImplicitUpdateCycle);
    update(&gc, &rec(0.0, 0, 0, 1.0), &e);
    update(&gc, &rec(0.0, 0, 1, 0.0), &e);
    message(&gc, UpdaterMessage::EndOfImplicitUpdateCycle);
    // Both created at 0.5: g = -1/(1 + e^0) = -0.5; positive += 0.5, negative -= 0.5.
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            Seen { item: 0, score: 1.0, gradient: -0.5, before: 0.5 },
            Seen { item: 1, score: 0.0, gradient: 0.5, before: 0.5 },
        ]
    );
    assert_eq!(weights(&m), vec![Some(1.0), Some(0.0)]);
}

#[test]
fn pair_wise_in_a_run_pairs_each_negative_with_its_positive() {
    let m = item_weights();
    let gc = computer("GradientComputerImplicitPairWise", &m, "ObjectiveBPR");
    let s = step(&m, 0.1);
    wire(&gc, "add_gradient_updater", &s.handle);
    run_with_sampler(&gc, 2);
    let seen = s.seen.lock().unwrap().clone();
    assert!(!seen.is_empty() && seen.len().is_multiple_of(2));
    for pair in seen.chunks(2) {
        let (pos, neg) = (pair[0], pair[1]);
        assert_eq!((pos.score, neg.score), (1.0, 0.0));
        assert_ne!(pos.item, neg.item);
        let g = -1.0 / (1.0 + (pos.before - neg.before).exp());
        assert_eq!((pos.gradient, neg.gradient), (g, -g));
    }
    // The first record of the stream has no unknown item, so no pair; the others have some.
    let pairs = seen.len() / 2;
    assert!(pairs >= STREAM.len() - 1, "{pairs}");
}

#[test]
fn wiring_mistakes_are_reported() {
    let gc = build("GradientComputerPointWise", &[]);
    let e = gc.node.wire("set_objective", &build("ObjectiveBPR", &[])).unwrap_err().to_string();
    assert!(e.contains("expected a point-wise objective, got ObjectiveBPR"), "{e}");
    let pw = build("GradientComputerImplicitPairWise", &[]);
    let e = pw.node.wire("set_objective", &build("ObjectiveMSE", &[])).unwrap_err().to_string();
    assert!(e.contains("expected a pair-wise objective, got ObjectiveMSE"), "{e}");
    wire(&pw, "set_model", &item_weights());
    let e = pw.node.check_wiring().unwrap_err().to_string();
    assert!(e.contains("GradientComputerImplicitPairWise.set_objective(<a pair-wise objective>)"), "{e}");
    let e = gc.node.check_wiring().unwrap_err().to_string();
    assert!(e.contains("GradientComputerPointWise.set_model(<a model>)"), "{e}");
    // An objective is not a gradient updater.
    assert!(gc.node.wire("add_gradient_updater", &build("ObjectiveMSE", &[])).is_err());
    // Objectives take no parameters.
    let kw = vec![("rate".to_string(), Value::Int(1))];
    let e = registry::build("ObjectiveMSE", &kw).err().unwrap().to_string();
    assert!(e.contains("ObjectiveMSE: unknown keyword 'rate'"), "{e}");
}
