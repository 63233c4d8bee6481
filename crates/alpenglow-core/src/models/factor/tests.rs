//! Unit tests of the factor model, its gradient step and its file format.

use super::gradient_updater::FactorModelGradientUpdaterParameters as GradParams;
use super::model::{FactorModelParameters as Params, IntOrBool};
use super::*;
use crate::component::{Component, Handle, Wiring};
use crate::data::RecDat;
use crate::experiment::Environment;
use crate::experiment::environment::EnvironmentParameters;
use crate::models::Model;
use crate::params::{Parameters, Value};

fn rec(user: u32, item: u32, time: f64) -> RecDat {
    RecDat { user, item, time, score: 1.0, eval: true, ..Default::default() }
}

fn model(p: Params) -> FactorModel {
    FactorModel::new(p).unwrap()
}

fn env(initialize_all: bool, max_user: i64, max_item: i64) -> Environment {
    let p = EnvironmentParameters {
        top_k: 10,
        exclude_known: false,
        initialize_all,
        max_user,
        max_item,
        evaluation_start_time: 0.0,
        experiment_termination_time: 0.0,
        evaluate_cold_start: false,
    };
    Environment::new(p, 0)
}

fn recency_handle(delta_t: f64, exponent: f64) -> Handle {
    let r = PowerLawRecency::new(power_law_recency::PowerLawRecencyParameters { delta_t, exponent }).unwrap();
    crate::registry::wrap(r, |s, roles| roles.add::<dyn Recency>(s.clone()))
}

fn error_of(p: Params) -> String {
    FactorModel::new(p).err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn bad_parameters_name_the_parameter() {
    let d = Params::default;
    assert_eq!(
        error_of(Params { dimension: 0, ..d() }),
        "FactorModel: parameter 'dimension' must be in 1..=1048576, got 0"
    );
    assert!(error_of(Params { dimension: -3, ..d() }).contains("'dimension'"));
    assert_eq!(
        error_of(Params { begin_min: 0.5, begin_max: 0.1, ..d() }),
        "FactorModel: parameter 'begin_min' must be <= begin_max (0.1), got 0.5"
    );
    assert_eq!(
        error_of(Params { begin_max: f64::NAN, ..d() }),
        "FactorModel: parameter 'begin_max' must be a finite number, got nan"
    );
    assert!(error_of(Params { begin_min: f64::NEG_INFINITY, ..d() }).contains("'begin_min' must be a finite number"));
    // Users use seed+1 and items seed+2: all three must be valid seeds.
    for seed in [0, -1, -2, -4, -5, -6, 1 << 40, 2147483645, 2147483646, 2147483647, -(1 << 31) - 1] {
        assert_eq!(
            error_of(Params { seed, ..d() }),
            format!(
                "FactorModel: parameter 'seed' must be a 32-bit seed with seed..=seed+2 all valid seeds \
                 (32-bit, not 0, -4 or 2147483647), got {seed}"
            ),
            "seed {seed}"
        );
    }
    for seed in [1, -3, -7, 2147483644, -(1 << 31)] {
        assert_eq!(error_of(Params { seed, ..d() }), "", "seed {seed}");
    }
    assert_eq!(
        error_of(Params { lemp_bucket_size: 1, ..d() }),
        "FactorModel: parameter 'lemp_bucket_size' must be in 2..=1048576, got 1"
    );
    assert_eq!(
        error_of(Params { initialize_all: IntOrBool(2), ..d() }),
        "FactorModel: parameter 'initialize_all' must be -1 (from the experiment), 0 or 1, got 2"
    );
    assert_eq!(
        error_of(Params { max_user: 16_777_216, ..d() }),
        "FactorModel: parameter 'max_user' must be -1 (from the data) or in 0..=16777215, got 16777216"
    );
    assert!(error_of(Params { lemp_bucket_size: 1, ..d() }).contains("'lemp_bucket_size'"));
    assert!(error_of(Params { initialize_all: IntOrBool(2), ..d() }).contains("'initialize_all'"));
    assert!(error_of(Params { max_item: -2, ..d() }).contains("'max_item'"));
    let g = |p: GradParams| FactorModelGradientUpdater::new(p).err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        g(GradParams { learning_rate: -0.1, ..Default::default() }),
        "FactorModelGradientUpdater: parameter 'learning_rate' must be a finite number >= 0, got -0.1"
    );
    assert!(g(GradParams { regularization_rate: -1.0, ..Default::default() }).contains("'regularization_rate'"));
    assert!(g(GradParams { learning_rate_bias: f64::NAN, ..Default::default() }).contains("'learning_rate_bias'"));
    assert!(
        g(GradParams { regularization_rate_bias: -1e-9, ..Default::default() }).contains("'regularization_rate_bias'")
    );
}

#[test]
fn initialize_all_accepts_bools() {
    let kw = |v: Value| vec![("initialize_all".to_string(), v)];
    assert_eq!(Params::from_kwargs("FactorModel", &kw(Value::Bool(true))).unwrap().initialize_all, IntOrBool(1));
    assert_eq!(Params::from_kwargs("FactorModel", &kw(Value::Bool(false))).unwrap().initialize_all, IntOrBool(0));
    assert_eq!(Params::from_kwargs("FactorModel", &kw(Value::Int(-1))).unwrap().initialize_all, IntOrBool(-1));
    assert!(Params::from_kwargs("FactorModel", &kw(Value::Str("x".into()))).is_err());
}

#[test]
fn add_draws_users_from_seed_plus_1_and_items_from_seed_plus_2() {
    let mut m = model(Params { dimension: 3, begin_min: -0.01, begin_max: 0.01, ..Default::default() });
    m.add(&rec(0, 0, 0.0));
    assert_eq!(m.user_factor(0).unwrap(), &[0.005181541042402387, -0.0018320009484887132, 0.007482399092987179]);
    assert_eq!(m.item_factor(0).unwrap(), &[0.00518199060112238, -0.00013135196641087497, -0.0004905487969517706]);
    let before = m.user_factor(0).unwrap().to_vec();
    m.add(&rec(0, 5, 0.0));
    assert_eq!(m.user_factor(0).unwrap(), &before[..], "existing vectors are kept");
    assert!(m.item_factor(5).is_some() && m.item_factor(3).is_none());
    assert_eq!(m.prediction(&rec(0, 3, 0.0)), 0.0);
    assert_eq!(m.prediction(&rec(9, 0, 0.0)), 0.0);
}

#[test]
fn initialize_prefills_users_then_items_once() {
    let mut m =
        model(Params { dimension: 2, initialize_all: IntOrBool(-1), use_item_bias: true, ..Default::default() });
    m.initialize(&env(true, 2, 3)).unwrap();
    let mut users = Factors::new(2, -0.1, 0.1, 745579);
    let mut items = Factors::new(2, -0.1, 0.1, 745580);
    (0..=2).for_each(|u| {
        users.init(u);
    });
    (0..=3).for_each(|i| {
        items.init(i);
    });
    for u in 0..=2 {
        assert_eq!(m.user_factor(u), users.get(u));
    }
    for i in 0..=3 {
        assert_eq!(m.item_factor(i), items.get(i));
    }
    assert!(m.user_factor(3).is_none() && m.item_factor(4).is_none());
    // A second run keeps the trained vectors.
    m.set_item_factor(1, &[1.0, 2.0]).unwrap();
    m.initialize(&env(true, 5, 5)).unwrap();
    assert_eq!(m.item_factor(1).unwrap(), &[1.0, 2.0]);
    assert!(m.item_factor(4).is_none());
    // Explicit parameters override the experiment's.
    let mut m =
        model(Params { dimension: 2, initialize_all: IntOrBool(1), max_user: 0, max_item: 1, ..Default::default() });
    m.initialize(&env(false, 7, 7)).unwrap();
    assert_eq!((m.user_factors().len(), m.item_factors().len()), (1, 2));
    let mut m = model(Params { dimension: 2, initialize_all: IntOrBool(0), ..Default::default() });
    m.initialize(&env(true, 7, 7)).unwrap();
    assert!(m.user_factors().is_empty());
}

#[test]
fn prediction_with_biases_recency_and_sigmoid() {
    let mut m = model(Params {
        dimension: 2,
        use_user_bias: true,
        use_item_bias: true,
        use_sigmoid: true,
        ..Default::default()
    });
    m.set_user_factor(1, &[1.0, 2.0]).unwrap();
    m.set_item_factor(2, &[3.0, -0.5]).unwrap();
    m.set_user_bias(1, 0.25);
    m.set_item_bias(2, -0.75);
    // dot = 2, raw = 2 + 0.25 - 0.75 = 1.5
    assert_eq!(m.prediction(&rec(1, 2, 0.0)), 1.0 / (1.0 + (-1.5f64).exp()));
    let ur = recency_handle(10.0, 2.0);
    let ir = recency_handle(10.0, 1.0);
    m.wiring_mut().wire("set_user_recency", &ur).unwrap();
    m.wiring_mut().wire("set_item_recency", &ir).unwrap();
    assert_eq!(m.prediction(&rec(1, 2, 100.0)), 0.5, "never seen: weights 0, raw 0");
    ur.role::<dyn Recency>().unwrap().with_mut(|r| r.update(1, 90.0)).unwrap();
    ir.role::<dyn Recency>().unwrap().with_mut(|r| r.update(2, 90.0)).unwrap();
    // r_u = 1 - 2^-2 = 0.75, r_i = 1 - 2^-1 = 0.5; raw = 2*.75*.5 + .25*.75 - .75*.5
    let raw: f64 = 2.0 * 0.75 * 0.5 + 0.25 * 0.75 - 0.75 * 0.5;
    assert_eq!(m.prediction(&rec(1, 2, 100.0)), 1.0 / (1.0 + (-raw).exp()));
    assert!(!m.lemp_usable());
    assert_eq!(m.rank_path(), crate::models::RankPath::BruteForce);
}

#[test]
fn similarity_is_the_cosine() {
    let mut m = model(Params { dimension: 2, ..Default::default() });
    m.set_item_factor(0, &[1.0, 0.0]).unwrap();
    m.set_item_factor(1, &[1.0, 1.0]).unwrap();
    assert!((m.similarity(0, 1) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-15);
    assert_eq!(m.similarity(0, 7), 0.0);
}

/// Central finite difference of the prediction with respect to one parameter.
fn numeric(
    m: &mut FactorModel,
    r: &RecDat,
    get: &dyn Fn(&FactorModel) -> f64,
    set: &dyn Fn(&mut FactorModel, f64),
) -> f64 {
    let h = 1e-6;
    let x = get(m);
    set(m, x + h);
    let up = m.prediction(r);
    set(m, x - h);
    let down = m.prediction(r);
    set(m, x);
    (up - down) / (2.0 * h)
}

type Getter = Box<dyn Fn(&FactorModel) -> f64>;
type Setter = Box<dyn Fn(&mut FactorModel, f64)>;

fn parameters_of(r: &RecDat, d: usize) -> Vec<(String, Getter, Setter)> {
    let (u, i) = (r.user, r.item);
    let mut out: Vec<(String, Getter, Setter)> = Vec::new();
    for k in 0..d {
        out.push((
            format!("p[{k}]"),
            Box::new(move |m| m.user_factor(u).unwrap()[k]),
            Box::new(move |m, x| {
                let mut v = m.user_factor(u).unwrap().to_vec();
                v[k] = x;
                m.set_user_factor(u, &v).unwrap();
            }),
        ));
        out.push((
            format!("q[{k}]"),
            Box::new(move |m| m.item_factor(i).unwrap()[k]),
            Box::new(move |m, x| {
                let mut v = m.item_factor(i).unwrap().to_vec();
                v[k] = x;
                m.set_item_factor(i, &v).unwrap();
            }),
        ));
    }
    out.push(("b_u".into(), Box::new(move |m| m.user_bias(u)), Box::new(move |m, x| m.set_user_bias(u, x))));
    out.push(("b_i".into(), Box::new(move |m| m.item_bias(i)), Box::new(move |m, x| m.set_item_bias(i, x))));
    out
}

/// With g = 1 and no regularisation, each parameter moves by -lr * dPrediction/dParameter.
#[test]
fn gradient_step_matches_finite_differences() {
    for (sigmoid, biases, recency) in
        [(false, false, false), (true, false, false), (false, true, false), (true, true, false), (true, true, true)]
    {
        let mut m = model(Params {
            dimension: 4,
            begin_min: -1.0,
            begin_max: 1.0,
            use_sigmoid: sigmoid,
            use_user_bias: biases,
            use_item_bias: biases,
            ..Default::default()
        });
        let r = rec(3, 5, 50.0);
        if recency {
            let ur = recency_handle(20.0, 1.5);
            let ir = recency_handle(5.0, 0.7);
            ur.role::<dyn Recency>().unwrap().with_mut(|x| x.update(3, 30.0)).unwrap();
            ir.role::<dyn Recency>().unwrap().with_mut(|x| x.update(5, 45.0)).unwrap();
            m.wiring_mut().wire("set_user_recency", &ur).unwrap();
            m.wiring_mut().wire("set_item_recency", &ir).unwrap();
        }
        m.add(&r);
        if biases {
            m.set_user_bias(3, 0.3);
            m.set_item_bias(5, -0.2);
        }
        let lr = 1e-4;
        let mut up = FactorModelGradientUpdater::new(GradParams {
            learning_rate: lr,
            learning_rate_bias: lr,
            ..Default::default()
        })
        .unwrap();
        let params = parameters_of(&r, 4);
        let expected: Vec<f64> = params.iter().map(|(_, get, set)| numeric(&mut m, &r, get, set)).collect();
        let before: Vec<f64> = params.iter().map(|(_, get, _)| get(&m)).collect();
        up.step(&mut m, &r, 1.0);
        for (((name, get, _), want), old) in params.iter().zip(&expected).zip(&before) {
            let moved = (get(&m) - old) / -lr;
            let case = format!("sigmoid={sigmoid} biases={biases} recency={recency} {name}");
            assert!((moved - want).abs() <= 1e-6 * want.abs().max(1e-3), "{case}: step {moved}, numeric {want}");
            if !biases && name.starts_with('b') {
                assert_eq!(moved, 0.0, "{case}");
            }
        }
    }
}

#[test]
fn regularisation_shrinks_in_proportion() {
    let mut m = model(Params { dimension: 1, use_user_bias: true, use_item_bias: true, ..Default::default() });
    m.set_user_factor(0, &[2.0]).unwrap();
    m.set_item_factor(0, &[4.0]).unwrap();
    m.set_user_bias(0, 1.0);
    m.set_item_bias(0, -3.0);
    let mut up = FactorModelGradientUpdater::new(GradParams {
        learning_rate: 0.5,
        regularization_rate: 0.25,
        learning_rate_bias: 0.5,
        regularization_rate_bias: 0.25,
        ..Default::default()
    })
    .unwrap();
    up.step(&mut m, &rec(0, 0, 0.0), 0.0);
    // g = 0: p -= 0.5*0.25*p, b -= 0.5*0.25*b.
    assert_eq!(m.user_factor(0).unwrap(), &[1.75]);
    assert_eq!(m.item_factor(0).unwrap(), &[3.5]);
    assert_eq!((m.user_bias(0), m.item_bias(0)), (0.875, -2.625));
    // Simultaneous step with g = 1: p' = p - lr*q_old, q' = q - lr*p_old (plus shrink).
    let mut up = FactorModelGradientUpdater::new(GradParams { learning_rate: 0.5, ..Default::default() }).unwrap();
    up.step(&mut m, &rec(0, 0, 0.0), 1.0);
    assert_eq!(m.user_factor(0).unwrap(), &[1.75 - 0.5 * 3.5]);
    assert_eq!(m.item_factor(0).unwrap(), &[3.5 - 0.5 * 1.75]);
}

#[test]
fn turned_off_parts_do_not_move() {
    let mut m = model(Params { dimension: 2, use_user_bias: true, use_item_bias: true, ..Default::default() });
    let r = rec(1, 1, 0.0);
    m.add(&r);
    let (p, q) = (m.user_factor(1).unwrap().to_vec(), m.item_factor(1).unwrap().to_vec());
    let mut up = FactorModelGradientUpdater::new(GradParams {
        turn_off_user_factor_updates: true,
        turn_off_item_bias_updates: true,
        ..Default::default()
    })
    .unwrap();
    up.step(&mut m, &r, 1.0);
    assert_eq!(m.user_factor(1).unwrap(), &p[..]);
    assert_ne!(m.item_factor(1).unwrap(), &q[..]);
    assert_eq!(m.item_bias(1), 0.0);
    assert_eq!(m.user_bias(1), -0.1);
}

#[test]
fn save_and_load_round_trip() {
    let p = Params { dimension: 3, use_user_bias: true, use_item_bias: true, ..Default::default() };
    let mut m = model(p.clone());
    let mut up = FactorModelGradientUpdater::new(GradParams::default()).unwrap();
    for k in 0..30u32 {
        up.step(&mut m, &rec(k % 4, (k * 7) % 11, 0.0), if k % 3 == 0 { -1.0 } else { 0.5 });
    }
    let mut buf = Vec::new();
    m.write(&mut buf).unwrap();
    let mut loaded = model(p.clone());
    loaded.read(&mut buf.as_slice()).unwrap();
    for u in 0..6 {
        for i in 0..13 {
            assert_eq!(loaded.prediction(&rec(u, i, 0.0)).to_bits(), m.prediction(&rec(u, i, 0.0)).to_bits());
        }
    }
    // The generators continue identically.
    m.add(&rec(40, 40, 0.0));
    loaded.add(&rec(40, 40, 0.0));
    assert_eq!(m.user_factor(40), loaded.user_factor(40));
    assert_eq!(m.item_factor(40), loaded.item_factor(40));

    let msg = |r: crate::Result<()>| r.err().map(|e| e.to_string()).unwrap_or_default();
    let mut fresh = model(p.clone());
    for cut in [5, 30, buf.len() / 2, buf.len() - 20, buf.len() - 1] {
        let e = msg(fresh.read(&mut &buf[..cut]));
        assert!(e.contains("truncated") || e.contains("not an alpenglow"), "cut {cut}: {e}");
    }
    assert!(fresh.user_factors().is_empty(), "a failed read leaves the model unchanged");
    let e = msg(model(Params { dimension: 4, ..p.clone() }).read(&mut buf.as_slice()));
    assert_eq!(e, "the saved FactorModel has dimension 3, this model has dimension 4");
    let e = msg(model(Params { use_item_bias: false, ..p }).read(&mut buf.as_slice()));
    assert!(e.contains("use_item_bias=True"), "{e}");
}

/// Every way an item vector changes keeps the LEMP index equal to the item factors.
#[test]
fn lemp_index_follows_every_change() {
    let p = Params { dimension: 3, lemp_bucket_size: 4, ..Default::default() };
    let mut m = model(p.clone());
    let check = |m: &FactorModel, what: &str| {
        m.lemp().check(m.item_factors()).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(m.lemp().len(), m.item_factors().len(), "{what}");
    };
    m.initialize(&env(true, 3, 40)).unwrap();
    check(&m, "initialize_all");
    let mut up = FactorModelGradientUpdater::new(GradParams { learning_rate: 0.3, ..Default::default() }).unwrap();
    for k in 0..400u32 {
        let r = rec(k % 5, (k * 7) % 60, 0.0);
        m.add(&r);
        up.step(&mut m, &r, if k % 4 == 0 { -1.0 } else { 0.7 });
    }
    check(&m, "training");
    m.set_item_factor(7, &[f64::NAN, 0.0, 1.0]).unwrap();
    assert_eq!(m.lemp().non_finite(), 1);
    check(&m, "non-finite vector");
    m.set_item_factor(7, &[1.0, 2.0, 3.0]).unwrap();
    m.set_item_factor(99, &[0.0, 0.0, 0.0]).unwrap();
    check(&m, "set_item_factor");
    let mut buf = Vec::new();
    m.write(&mut buf).unwrap();
    let mut loaded = model(p);
    loaded.add(&rec(0, 1000, 0.0));
    loaded.read(&mut buf.as_slice()).unwrap();
    check(&loaded, "read");
    assert!(!loaded.lemp().contains(1000));
    m.clear();
    check(&m, "clear");
    assert!(m.lemp().is_empty());
}

/// Offline training defers the LEMP updates to its end: same vectors, one index update per
/// changed item, and the index equals the factors again once the training ends.
#[test]
fn offline_training_defers_lemp_updates_to_its_end() {
    let p = Params { dimension: 3, lemp_bucket_size: 4, ..Default::default() };
    let (mut eager, mut deferred) = (model(p.clone()), model(p));
    let mut up = FactorModelGradientUpdater::new(GradParams { learning_rate: 0.3, ..Default::default() }).unwrap();
    let steps: Vec<RecDat> = (0..300u32).map(|k| rec(k % 5, (k * 7) % 40, 0.0)).collect();
    deferred.defer_index_updates(true);
    deferred.defer_index_updates(true);
    for (k, r) in steps.iter().enumerate() {
        for m in [&mut eager, &mut deferred] {
            m.add(r);
            up.step(m, r, if k % 3 == 0 { -1.0 } else { 0.4 });
        }
    }
    assert_eq!(deferred.lemp().len(), 0, "nothing indexed while deferred");
    deferred.defer_index_updates(false);
    assert_eq!(deferred.lemp().len(), 0, "nested deferral still on");
    deferred.defer_index_updates(false);
    for m in [&eager, &deferred] {
        m.lemp().check(m.item_factors()).unwrap();
        assert_eq!(m.lemp().len(), 40);
    }
    for i in 0..40 {
        assert_eq!(eager.item_factor(i), deferred.item_factor(i));
    }
}

/// The fused step of plain models (prediction, gradient and update in one pass, the LEMP copy
/// changed in place) gives bit-identical vectors to `ensure` + `prediction` + `step`, and
/// keeps the index equal to the factors, for every combination of frozen sides and deferral.
#[test]
fn plain_step_equals_prediction_then_step() {
    for (freeze_p, freeze_q, defer) in [(false, false, false), (true, false, false), (false, true, false), (false, false, true)] {
        let p = Params { dimension: 5, lemp_bucket_size: 4, ..Default::default() };
        let gp = GradParams {
            learning_rate: 0.2,
            regularization_rate: 0.01,
            turn_off_user_factor_updates: freeze_p,
            turn_off_item_factor_updates: freeze_q,
            ..Default::default()
        };
        let (mut slow, mut fast, mut batched) = (model(p.clone()), model(p.clone()), model(p));
        let mut pending = Vec::new();
        let mut up = FactorModelGradientUpdater::new(gp.clone()).unwrap();
        if defer {
            fast.defer_index_updates(true);
        }
        let mse = |score: f64, prediction: f64| prediction - score;
        for k in 0..500u32 {
            let r = RecDat { score: (k % 3 == 0) as u8 as f64, ..rec(k % 7, (k * 11) % 50, k as f64) };
            slow.ensure(&r);
            let g = mse(r.score, slow.prediction(&r));
            up.step(&mut slow, &r, g);
            let shrink = -gp.regularization_rate * gp.learning_rate;
            fast.plain_step(&r, |pred| (-mse(r.score, pred) * gp.learning_rate, shrink), !freeze_p, !freeze_q);
            // The same steps with the index brought up to date every 7 samples (a cycle).
            if batched.plain_step_index_later(&r, |pred| (-mse(r.score, pred) * gp.learning_rate, shrink), !freeze_p, !freeze_q) {
                pending.push(r.item);
            }
            if k % 7 == 6 {
                batched.index_updated(&pending);
                pending.clear();
                batched.lemp().check(batched.item_factors()).unwrap();
            }
        }
        batched.index_updated(&pending);
        if defer {
            fast.defer_index_updates(false);
        }
        for i in 0..50 {
            assert_eq!(slow.item_factor(i), fast.item_factor(i), "item {i}");
        }
        for u in 0..7 {
            assert_eq!(slow.user_factor(u), fast.user_factor(u), "user {u}");
        }
        fast.lemp().check(fast.item_factors()).unwrap();
        if !defer {
            batched.lemp().check(batched.item_factors()).unwrap();
        }
        for i in 0..50 {
            assert_eq!(batched.item_factor(i), fast.item_factor(i), "item {i}");
        }
        assert_eq!(fast.lemp().len(), 50);
    }
}

/// A whole cycle trained at once (the user vector held in registers when every sample has
/// the same user and the dimension is unrolled) gives bit-identical vectors and index to
/// `ensure` + `prediction` + `step` sample by sample: unrolled and other dimensions, frozen
/// sides, deferral, repeated and new items, cycles of several users.
#[test]
fn a_cycle_at_once_equals_its_steps_one_by_one() {
    use super::plain_cycle::PlainStep;
    for dimension in [10, 8, 7] {
        for (freeze_p, freeze_q, defer) in [(false, false, false), (true, false, false), (false, true, false), (false, false, true)] {
            let p = Params { dimension, lemp_bucket_size: 4, ..Default::default() };
            let gp = GradParams {
                learning_rate: 0.2,
                regularization_rate: if freeze_q { 0.0 } else { 0.01 },
                turn_off_user_factor_updates: freeze_p,
                turn_off_item_factor_updates: freeze_q,
                ..Default::default()
            };
            let (mut slow, mut fast) = (model(p.clone()), model(p));
            let mut up = FactorModelGradientUpdater::new(gp.clone()).unwrap();
            if defer {
                fast.defer_index_updates(true);
            }
            let step = PlainStep {
                learning_rate: gp.learning_rate,
                shrink: -gp.regularization_rate * gp.learning_rate,
                update_p: !freeze_p,
                update_q: !freeze_q,
            };
            // Not the squared error, so that the gradient's form matters.
            let gradient = |score: f64, prediction: f64| (prediction - score) * (1.0 + prediction * prediction);
            let mut pending = Vec::new();
            for cycle in 0..120u32 {
                let user = cycle % 9;
                let mixed = cycle % 10 == 9;
                let samples: Vec<RecDat> = (0..13u32)
                    .map(|k| {
                        // Items repeat within a cycle; new items keep appearing (up to 80).
                        let item = if k == 0 { (cycle * 7) % 80 } else { (cycle * 3 + k * k) % (20 + cycle.min(60)) };
                        let user = if mixed { user + k % 2 } else { user };
                        RecDat { score: (k == 0) as u8 as f64, ..rec(user, item, cycle as f64) }
                    })
                    .collect();
                for r in &samples {
                    slow.ensure(r);
                    let g = gradient(r.score, slow.prediction(r));
                    up.step(&mut slow, r, g);
                }
                fast.train_plain_cycle(&samples, gradient, step, &mut pending);
                fast.index_updated(&pending);
                pending.clear();
                if !defer {
                    fast.lemp().check(fast.item_factors()).unwrap();
                }
            }
            if defer {
                fast.defer_index_updates(false);
            }
            let case = format!("dimension {dimension}, frozen p {freeze_p}, frozen q {freeze_q}, deferred {defer}");
            for i in 0..80 {
                assert_eq!(slow.item_factor(i), fast.item_factor(i), "item {i}, {case}");
            }
            for u in 0..10 {
                assert_eq!(slow.user_factor(u), fast.user_factor(u), "user {u}, {case}");
            }
            fast.lemp().check(fast.item_factors()).unwrap();
        }
    }
}
