use crate::component::Handle;
use crate::data::RecDat;
use crate::experiment::{Environment, Updater};
use crate::models::Model;
use crate::params::Value;
use crate::ranking::RankComputer;
use crate::sampling::testing::{env, table_model};

use super::{CombinedModel, RandomChoosingCombinedModel, ToplistCombinationModel};

fn build(name: &str, kw: &[(&str, Value)]) -> Handle {
    let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    crate::registry::build(name, &kw).unwrap()
}

fn rec(time: f64, user: u32, item: u32, score: f64) -> RecDat {
    RecDat { time, user, item, score, eval: true, ..RecDat::default() }
}

fn predict(model: &Handle, r: &RecDat) -> f64 {
    model.role::<dyn Model>().unwrap().with(|m| m.prediction(r)).unwrap()
}

fn update(h: &Handle, r: &RecDat, e: &Environment) {
    h.role::<dyn Updater>().unwrap().with_mut(|u| u.update(r, e)).unwrap().unwrap();
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// CombinedModel of two table models (item 1: 2.0 and 1.0), trained through
/// GradientComputerPointWise(MSE) -> CombinedDoubleLayerModelGradientUpdater.
fn combined_chain(updater_kw: &[(&str, Value)], user_weights: bool) -> (Handle, Handle) {
    let combined = build("CombinedModel", &[("use_user_weights", Value::Bool(user_weights))]);
    combined.wire("add_model", &table_model(&[0.0, 2.0, 0.0])).unwrap();
    combined.wire("add_model", &table_model(&[0.0, 1.0, 3.0])).unwrap();
    let layer = build("CombinedDoubleLayerModelGradientUpdater", updater_kw);
    layer.wire("set_model", &combined).unwrap();
    let gc = build("GradientComputerPointWise", &[]);
    gc.wire("set_model", &combined).unwrap();
    gc.wire("set_objective", &build("ObjectiveMSE", &[])).unwrap();
    gc.wire("add_gradient_updater", &layer).unwrap();
    combined.node.initialize(&env()).unwrap();
    (combined, gc)
}

fn weights(h: &Handle, user: u32) -> (Vec<f64>, Vec<f64>) {
    h.downcast::<CombinedModel>()
        .unwrap()
        .with(|m| (m.global_weights().to_vec(), m.user_weights(user).to_vec()))
        .unwrap()
}

#[test]
fn double_layer_updates_match_hand_computation() {
    let kw = [
        ("learning_rate", Value::Float(0.1)),
        ("regularization_rate", Value::Float(0.1)),
        ("global_learning_rate", Value::Float(0.2)),
    ];
    let (combined, gc) = combined_chain(&kw, true);
    let e = env();
    let r = rec(1.0, 0, 1, 1.0);
    // A user never added has no weights: prediction 0.
    assert_eq!(predict(&combined, &r), 0.0);
    // Step 1: p = 2*(0+.5) + 1*(0+.5) = 1.5, g = 0.5.
    // uw = 0 - (g*p_i*lr + lr*reg*0) = -0.1, -0.05; gw = .5 - g*p_i*glr = 0.3, 0.4.
    update(&gc, &r, &e);
    let (gw, uw) = weights(&combined, 0);
    assert!(close(gw[0], 0.3) && close(gw[1], 0.4), "{gw:?}");
    assert!(close(uw[0], -0.1) && close(uw[1], -0.05), "{uw:?}");
    // Step 2: p = 2*(0.2) + 1*(0.35) = 0.75, g = -0.25.
    assert!(close(predict(&combined, &r), 0.75));
    update(&gc, &r, &e);
    let (gw, uw) = weights(&combined, 0);
    // uw1 = -0.1 - (-0.25*2*0.1 + 0.1*0.1*-0.1) = -0.049; uw2 = -0.05 - (-0.025 - 0.0005) = -0.0245
    assert!(close(gw[0], 0.4) && close(gw[1], 0.45), "{gw:?}");
    assert!(close(uw[0], -0.049) && close(uw[1], -0.0245), "{uw:?}");
    // Another user starts from zero user weights and the global ones.
    let (_, uw1) = weights(&combined, 1);
    assert!(uw1.is_empty());
}

#[test]
fn global_weights_only_and_learning_conditions() {
    let kw = [("global_learning_rate", Value::Float(0.2)), ("start_combination_learning_time", Value::Float(5.0))];
    let (combined, gc) = combined_chain(&kw, false);
    let e = env();
    // Without user weights every user gets the global combination: 2*.5 + 1*.5.
    assert!(close(predict(&combined, &rec(1.0, 7, 1, 1.0)), 1.5));
    // time <= start: no learning.
    update(&gc, &rec(5.0, 0, 1, 1.0), &e);
    assert_eq!(weights(&combined, 0).0, vec![0.5, 0.5]);
    update(&gc, &rec(6.0, 0, 1, 1.0), &e);
    let (gw, uw) = weights(&combined, 0);
    assert!(close(gw[0], 0.3) && close(gw[1], 0.4), "{gw:?}");
    assert!(uw.is_empty());

    // always_learn off: a sample where some model predicts 0 is skipped (item 2: 0.0 and 3.0).
    let kw = [("always_learn", Value::Bool(false))];
    let (combined, gc) = combined_chain(&kw, false);
    update(&gc, &rec(1.0, 0, 2, 1.0), &e);
    assert_eq!(weights(&combined, 0).0, vec![0.5, 0.5]);
    update(&gc, &rec(1.0, 0, 1, 1.0), &e);
    assert_ne!(weights(&combined, 0).0, vec![0.5, 0.5]);
}

#[test]
fn weight_log_is_written_every_kth_prediction() {
    let dir = std::env::temp_dir().join(format!("alpenglow-combined-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("weights.log");
    let combined = build(
        "CombinedModel",
        &[("log_file_name", Value::Str(path.display().to_string())), ("log_frequency", Value::Int(2))],
    );
    combined.wire("add_model", &table_model(&[1.0])).unwrap();
    combined.wire("add_model", &table_model(&[1.0])).unwrap();
    combined.wire("add_model", &table_model(&[1.0])).unwrap();
    combined.node.initialize(&env()).unwrap();
    for t in 1..=5 {
        predict(&combined, &rec(t as f64, 0, 0, 1.0));
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let w = 1.0f64 / 3.0;
    assert_eq!(text, format!("2 {w} {w} {w}\n4 {w} {w} {w}\n"));
    // An unwritable log file is an error when the run starts, naming the file.
    let bad = build("CombinedModel", &[("log_file_name", Value::Str(dir.display().to_string()))]);
    bad.wire("add_model", &table_model(&[1.0])).unwrap();
    let err = bad.node.initialize(&env()).unwrap_err().to_string();
    assert!(err.contains(&dir.display().to_string()), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn wiring_is_checked_and_named() {
    for (name, call) in [
        ("CombinedModel", "add_model(<a model>)"),
        ("RandomChoosingCombinedModel", "add_model(<a model>)"),
        ("ToplistCombinationModel", "add_model(<a model>)"),
        ("CombinedDoubleLayerModelGradientUpdater", "set_model(<CombinedModel>)"),
        ("RandomChoosingCombinedModelExpertUpdater", "set_model(<RandomChoosingCombinedModel>)"),
    ] {
        let h = build(name, &[]);
        let e = h.node.check_wiring().unwrap_err().to_string();
        assert!(e.contains(&format!("{name}.{call}")), "{e}");
    }
    // The reverse call wires the updater; a wrong argument is refused with the expected type.
    let model = build("RandomChoosingCombinedModel", &[]);
    model.wire("add_model", &table_model(&[1.0])).unwrap();
    let updater = build("RandomChoosingCombinedModelExpertUpdater", &[("loss_type", Value::Str("abs".into()))]);
    let e = model.wire("inject_wms_into", &table_model(&[1.0])).unwrap_err().to_string();
    assert!(e.contains("expected RandomChoosingCombinedModelExpertUpdater"), "{e}");
    model.wire("inject_wms_into", &updater).unwrap();
    updater.node.check_wiring().unwrap();
    // loss_type must be chosen before a run.
    let plain = build("RandomChoosingCombinedModelExpertUpdater", &[]);
    plain.wire("set_model", &model).unwrap();
    let e = plain.node.initialize(&env()).unwrap_err().to_string();
    assert!(e.contains("loss_type"), "{e}");
}

fn forecaster(loss: &str, eta: f64, a: &[f64], b: &[f64]) -> (Handle, Handle) {
    let model = build("RandomChoosingCombinedModel", &[]);
    model.wire("add_model", &table_model(a)).unwrap();
    model.wire("add_model", &table_model(b)).unwrap();
    let updater = build(
        "RandomChoosingCombinedModelExpertUpdater",
        &[("loss_type", Value::Str(loss.into())), ("eta", Value::Float(eta))],
    );
    model.wire("inject_wms_into", &updater).unwrap();
    (model, updater)
}

fn distribution(model: &Handle) -> Vec<f64> {
    model.downcast::<RandomChoosingCombinedModel>().unwrap().with(|m| m.distribution().to_vec()).unwrap()
}

#[test]
fn forecaster_starts_uniform_and_draws_once_per_record() {
    let (model, updater) = forecaster("abs", 0.5, &[0.0, 1.0], &[0.0, 0.2]);
    let e = env();
    model.node.initialize(&e).unwrap();
    updater.node.initialize(&e).unwrap();
    assert_eq!(distribution(&model), vec![0.5, 0.5]);
    // Seed 745578: u = 0.759..., 0.323..., 0.272..., 0.752... -> models 1, 0, 0, 1 with the
    // uniform start (the original's weights of 1.0 would choose model 0 first).
    let expected = [0.2, 1.0, 1.0, 0.2];
    for (k, &p) in expected.iter().enumerate() {
        let r = RecDat { id: k as i64, ..rec(k as f64, 0, 1, 1.0) };
        assert_eq!(predict(&model, &r), p, "record {k}");
        // Candidates of the same record are scored by the same model (no new draw).
        assert_eq!(predict(&model, &r.with_item(0)), 0.0);
        assert_eq!(predict(&model, &r), p, "record {k}");
    }
}

#[test]
fn forecaster_weights_after_a_known_stream() {
    let (model, updater) = forecaster("abs", 0.5, &[0.0, 1.0], &[0.0, 0.2]);
    let e = env();
    model.node.initialize(&e).unwrap();
    updater.node.initialize(&e).unwrap();
    // abs losses: model 0: |1-1| = 0, model 1: |0.2-1| = 0.8. After 3 records:
    // w1/w0 = exp(-0.5*0.8*3) = exp(-1.2).
    for k in 0..3 {
        update(&updater, &rec(k as f64, 0, 1, 1.0), &e);
    }
    let d = distribution(&model);
    let w0 = 1.0 / (1.0 + (-1.2f64).exp());
    assert!(close(d[0], w0) && close(d[1], 1.0 - w0), "{d:?}");
}

#[test]
fn forecaster_dcg_loss_uses_ranks() {
    // Model 0 ranks item 1 first, model 1 ranks it last of three.
    let (model, updater) = forecaster("dcg", 1.0, &[0.5, 0.9, 0.1], &[0.5, 0.1, 0.9]);
    let mut e = env();
    for item in 0..3 {
        e.update(&rec(0.0, 9, item, 1.0));
    }
    model.node.initialize(&e).unwrap();
    updater.node.initialize(&e).unwrap();
    update(&updater, &rec(1.0, 0, 1, 1.0), &e);
    // DCG: rank 0 -> ln2/ln2 = 1; rank 2 -> ln2/ln4 = 0.5. w_i ∝ exp(eta*dcg_i).
    let d = distribution(&model);
    let w0 = 1.0f64.exp() / (1.0f64.exp() + 0.5f64.exp());
    assert!(close(d[0], w0), "{d:?}");
}

#[test]
fn forecaster_ranks_with_the_drawn_models_path() {
    let (model, _updater) = forecaster("abs", 0.5, &[0.3, 0.9, 0.1, 0.5], &[0.5, 0.1, 0.9, 0.7]);
    let mut e = env();
    for item in 0..4 {
        e.update(&rec(0.0, 9, item, 1.0));
    }
    model.node.initialize(&e).unwrap();
    let m = model.role::<dyn Model>().unwrap().clone();
    let mut rc = RankComputer::new(10, false, 1);
    // Draws: model 1 (u=0.759), then model 0 (0.323): item 1 is last under model 1, first under 0.
    let r0 = RecDat { id: 0, ..rec(1.0, 0, 1, 1.0) };
    let r1 = RecDat { id: 1, ..rec(2.0, 0, 1, 1.0) };
    assert_eq!(m.with(|m| rc.rank(m, &r0, &e)).unwrap(), 3);
    assert_eq!(m.with(|m| rc.rank(m, &r1, &e)).unwrap(), 0);
}

#[test]
fn toplist_combination_merges_drawn_lists() {
    let model = build("ToplistCombinationModel", &[("top_k", Value::Int(4))]);
    model.wire("add_model", &table_model(&[5.0, 4.0, 3.0, 2.0, 1.0])).unwrap();
    model.wire("add_model", &table_model(&[1.0, 2.0, 3.0, 4.0, 5.0])).unwrap();
    let mut e = env();
    for item in 0..5 {
        e.update(&rec(0.0, 9, item, 1.0));
    }
    model.node.initialize(&e).unwrap();
    let m = model.role::<dyn Model>().unwrap().clone();
    // Draws (seed 745578, uniform): models 1, 0, 0, 1. Model 0's list to position 2: 0 1 2;
    // model 1's to position 3: 4 3 2 1. Merge: 4 (model 1), 0, 1 (model 0), 3 (model 1).
    let r = rec(1.0, 0, 2, 1.0);
    let mut rc = RankComputer::new(10, false, 1);
    let rank_of_2 = m.with(|m| rc.rank(m, &r, &e)).unwrap();
    assert_eq!(rank_of_2, 10 + crate::ranking::rank_computer::ZERO_PREDICTION);
    let merged = model.downcast::<ToplistCombinationModel>().unwrap().with(|m| m.merged_list()).unwrap();
    assert_eq!(merged, vec![(4, 1.0), (0, 0.5), (1, 1.0 / 3.0), (3, 0.25)]);
    // The scores do not depend on the evaluated item: the same record with item 3 sees them.
    assert_eq!(predict(&model, &r.with_item(3)), 0.25);
    assert_eq!(m.with(|m| rc.rank(m, &r.with_item(3), &e)).unwrap(), 3);
    assert_eq!(m.with(|m| rc.rank(m, &r.with_item(4), &e)).unwrap(), 0);
}

#[test]
fn toplist_combination_survives_exhausted_lists() {
    let model = build("ToplistCombinationModel", &[("top_k", Value::Int(50))]);
    model.wire("add_model", &table_model(&[4.0, 3.0, 2.0, 1.0])).unwrap();
    model.wire("add_model", &table_model(&[1.0, 2.0, 3.0, 4.0])).unwrap();
    let mut params = env().params.clone();
    params.exclude_known = true;
    let mut e = Environment::new(params, 0);
    for (user, item) in [(0, 0), (0, 1), (9, 2), (9, 3)] {
        e.update(&rec(0.0, user, item, 1.0));
    }
    model.node.initialize(&e).unwrap();
    let m = model.role::<dyn Model>().unwrap().clone();
    let mut rc = RankComputer::new(10, true, 1);
    // 4 positions (as many as items): models 1, 0, 0, 1. User 0 knows items 0 and 1, so the
    // lists are model 0: 2 3 and model 1: 3 2. Position 0: 3; 1: 2; 2 and 3: both lists are
    // used up, the positions stay empty.
    let rank = m.with(|m| rc.rank(m, &rec(1.0, 0, 2, 1.0), &e)).unwrap();
    assert_eq!(rank, 1);
    let merged = model.downcast::<ToplistCombinationModel>().unwrap().with(|m| m.merged_list()).unwrap();
    assert_eq!(merged, vec![(3, 1.0), (2, 0.5)]);
}

#[test]
fn combination_models_save_and_load_their_weights() {
    let (combined, gc) = combined_chain(&[], true);
    update(&gc, &rec(1.0, 0, 1, 1.0), &env());
    let bytes =
        combined.role::<dyn Model>().unwrap().with(|m| crate::models::methods::sealed_state(m)).unwrap().unwrap();
    let (clone, _) = combined_chain(&[], true);
    clone
        .role::<dyn Model>()
        .unwrap()
        .with_mut(|m| crate::models::methods::load_sealed(m, &bytes, "test"))
        .unwrap()
        .unwrap();
    assert_eq!(weights(&clone, 0), weights(&combined, 0));
}

#[test]
fn combined_fast_count_equals_the_generic_walk() {
    // Two members with ties in their sums; user weights trained a little.
    let mut e = env();
    let a = [0.0, 2.0, 0.0, 1.0, 1.0, 0.5];
    let b = [0.0, 1.0, 3.0, 1.0, 1.0, 2.5];
    let c = build("CombinedModel", &[("use_user_weights", Value::Bool(true))]);
    c.wire("add_model", &table_model(&a)).unwrap();
    c.wire("add_model", &table_model(&b)).unwrap();
    c.node.initialize(&e).unwrap();
    let layer = build("CombinedDoubleLayerModelGradientUpdater", &[("learning_rate", Value::Float(0.3))]);
    layer.wire("set_model", &c).unwrap();
    let gc = build("GradientComputerPointWise", &[]);
    gc.wire("set_model", &c).unwrap();
    gc.wire("set_objective", &build("ObjectiveMSE", &[])).unwrap();
    gc.wire("add_gradient_updater", &layer).unwrap();
    let m = c.role::<dyn Model>().unwrap().clone();
    let (mut fast, mut slow) = (RankComputer::new(3, false, 7), RankComputer::new(3, false, 7));
    slow.reference = true;
    let mut checked = 0;
    for k in 0..40u32 {
        let r = rec(k as f64, k % 3, (k * 7) % 6, 1.0);
        let (x, y) = m.with(|m| (fast.rank(m, &r, &e), slow.rank(m, &r, &e))).unwrap();
        assert_eq!(x, y, "record {k}");
        checked += (x < 3) as usize;
        e.update(&r);
        if k % 2 == 0 {
            update(&gc, &r, &e);
        }
    }
    assert!(checked > 5, "{checked}");
}

#[test]
fn wiring_cycles_are_refused() {
    let a = build("CombinedModel", &[]);
    let e = a.wire("add_model", &a).unwrap_err().to_string();
    assert!(e.contains("CombinedModel.add_model: a component cannot be wired to itself"), "{e}");
    let b = build("RandomChoosingCombinedModel", &[]);
    b.wire("add_model", &a).unwrap();
    let e = a.wire("add_model", &b).unwrap_err().to_string();
    assert!(e.contains("RandomChoosingCombinedModel, which uses it"), "{e}");
    // The same model twice is no cycle.
    let m = table_model(&[1.0]);
    a.wire("add_model", &m).unwrap();
    a.wire("add_model", &m).unwrap();
}
