//! The factor components through the registry: determinism, parameter and wiring errors,
//! recency, save/load and the global bound iterator.

use alpenglow_core::component::{Component, Handle};
use alpenglow_core::models::factor::{FactorModel, FactorModelGlobalRankingScoreIterator, FactorModelGradientUpdater};
use alpenglow_core::experiment::Updater;
use alpenglow_core::models::{Model, RankPath};
use alpenglow_core::params::Value;
use alpenglow_core::random::Random;

use super::common::{build, env, rec, wire};

fn model_handle(kwargs: &[(&str, Value)]) -> Handle {
    build("FactorModel", kwargs)
}

fn with_model<R>(h: &Handle, f: impl FnOnce(&mut FactorModel) -> R) -> R {
    h.downcast::<FactorModel>().unwrap().with_mut(f).unwrap()
}

#[test]
fn same_seed_same_factors() {
    let run = |seed: i64| {
        let h = model_handle(&[("seed", Value::Int(seed)), ("dimension", Value::Int(4))]);
        with_model(&h, |m| {
            for k in 0..20u32 {
                m.add(&rec(0.0, (k * 3) % 7, (k * 5) % 11, 1.0));
            }
            (0..11)
                .map(|i| m.item_factor(i).unwrap().to_vec())
                .chain((0..7).map(|u| m.user_factor(u).unwrap().to_vec()))
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(run(99), run(99));
    assert_ne!(run(99), run(100));
}

#[test]
fn registry_parameters_and_wiring_errors() {
    let err = |name: &str, kw: &[(&str, Value)]| {
        let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        alpenglow_core::registry::build(name, &kw).err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert!(err("FactorModel", &[("dimension", Value::Int(0))]).contains("parameter 'dimension'"));
    assert!(
        err("FactorModel", &[("begin_min", Value::Float(1.0))]).contains("parameter 'begin_min' must be <= begin_max")
    );
    assert!(err("FactorModelGradientUpdater", &[("learning_rate", Value::Float(-1.0))]).contains("'learning_rate'"));
    assert!(err("PowerLawRecency", &[]).contains("'delta_t'"));
    assert_eq!(err("FactorModel", &[("initialize_all", Value::Bool(true))]), "");
    let info = alpenglow_core::registry::find("FactorModel").unwrap();
    assert_eq!(info.role_names(), &["model"]);
    let names: Vec<&str> = info.params.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "dimension",
            "begin_min",
            "begin_max",
            "use_sigmoid",
            "use_item_bias",
            "use_user_bias",
            "seed",
            "lemp_bucket_size",
            "initialize_all",
            "max_item",
            "max_user"
        ]
    );
    assert_eq!(alpenglow_core::registry::find("FactorModelGradientUpdater").unwrap().role_names(), &["gradient_updater"]);
    assert_eq!(alpenglow_core::registry::find("PowerLawRecency").unwrap().role_names(), &["recency"]);
    let updater = build("FactorModelUpdater", &[]);
    let e = updater.node.check_wiring().unwrap_err().to_string();
    assert!(e.contains("FactorModelUpdater.set_model(<FactorModel>)"), "{e}");
    let gu = build("FactorModelGradientUpdater", &[]);
    assert!(gu.node.wire("set_model", &build("PopularityModel", &[])).is_err());
    let model = model_handle(&[]);
    let recency = build("PowerLawRecency", &[("delta_t", Value::Float(3600.0)), ("exponent", Value::Float(0.5))]);
    wire(&model, "set_user_recency", &recency);
    wire(&model, "set_item_recency", &recency);
    wire(&updater, "set_model", &model);
    updater.node.check_wiring().unwrap();
    assert!(model.node.wire("set_user_recency", &updater).is_err());
}

/// FactorModelUpdater updates the recencies; predictions then follow the weights.
#[test]
fn recency_through_the_updater() {
    let model = model_handle(&[("dimension", Value::Int(2))]);
    let recency = build("PowerLawRecency", &[("delta_t", Value::Float(10.0)), ("exponent", Value::Float(1.0))]);
    wire(&model, "set_item_recency", &recency);
    let updater = build("FactorModelUpdater", &[]);
    wire(&updater, "set_model", &model);
    with_model(&model, |m| {
        m.set_user_factor(0, &[1.0, 1.0]).unwrap();
        m.set_item_factor(0, &[2.0, 0.0]).unwrap();
        assert_eq!(m.prediction(&rec(5.0, 0, 0, 1.0)), 0.0);
        assert_eq!(m.rank_path(), RankPath::BruteForce);
    });
    let e = env(10, false);
    updater.role::<dyn Updater>().unwrap().with_mut(|u| u.update(&rec(0.0, 0, 0, 1.0), &e)).unwrap().unwrap();
    // r_i = 1 - (1 + 10/10)^-1 = 0.5
    with_model(&model, |m| assert_eq!(m.prediction(&rec(10.0, 0, 0, 1.0)), 1.0));
}

#[test]
fn saved_model_predicts_identically() {
    let kw = [("dimension", Value::Int(6)), ("use_user_bias", Value::Bool(true))];
    let a = model_handle(&kw);
    let mut buf = Vec::new();
    with_model(&a, |m| {
        let mut up = FactorModelGradientUpdater::new(Default::default()).unwrap();
        for k in 0..200u32 {
            let r = rec(0.0, k % 13, (k * 7) % 31, 1.0);
            let g = m.prediction(&r) - (k % 2) as f64;
            up.step(m, &r, g);
        }
        m.write(&mut buf).unwrap();
    });
    let b = model_handle(&kw);
    with_model(&b, |m| m.read(&mut buf.as_slice()).unwrap());
    let mut e = env(10, false);
    for i in 0..31 {
        e.update(&rec(0.0, 99, i, 1.0));
    }
    for u in 0..14 {
        for i in 0..32 {
            let r = rec(0.0, u, i, 1.0);
            let (pa, pb) = (with_model(&a, |m| m.prediction(&r)), with_model(&b, |m| m.prediction(&r)));
            assert_eq!(pa.to_bits(), pb.to_bits());
        }
    }
    let c = model_handle(&[("dimension", Value::Int(6))]);
    let e1 = with_model(&c, |m| m.read(&mut buf.as_slice()).unwrap_err().to_string());
    assert!(e1.contains("use_user_bias=True"), "{e1}");
    let d = model_handle(&[("dimension", Value::Int(5)), ("use_user_bias", Value::Bool(true))]);
    let e2 = with_model(&d, |m| m.read(&mut buf.as_slice()).unwrap_err().to_string());
    assert_eq!(e2, "the saved FactorModel has dimension 6, this model has dimension 5");
    let e3 = with_model(&b, |m| m.read(&mut &buf[..buf.len() - 9]).unwrap_err().to_string());
    assert!(e3.contains("truncated"), "{e3}");
}

/// Every bound is at least the best actual score of the entity with any entity of the other side.
#[test]
fn global_bounds_cover_the_scores() {
    let model = model_handle(&[
        ("dimension", Value::Int(3)),
        ("use_user_bias", Value::Bool(true)),
        ("use_item_bias", Value::Bool(true)),
    ]);
    let mut e = env(10, false);
    let mut rng = Random::new(5);
    with_model(&model, |m| {
        for t in 0..200 {
            let r = rec(t as f64, rng.get_int(12) as u32, rng.get_int(25) as u32, 1.0);
            e.update(&r);
            if t % 9 != 0 {
                m.add(&r);
                m.set_user_bias(r.user, rng.get() - 0.5);
                m.set_item_bias(r.item, rng.get() - 0.5);
            }
        }
    });
    let it = build("FactorModelGlobalRankingScoreIterator", &[]);
    wire(&it, "set_model", &model);
    let (users, items) = it
        .downcast::<FactorModelGlobalRankingScoreIterator>()
        .unwrap()
        .with_mut(|g| {
            g.run(&rec(0.0, 0, 0, 1.0), &e).unwrap();
            (g.global_users().to_vec(), g.global_items().to_vec())
        })
        .unwrap();
    assert_eq!(users.len(), e.users().len());
    assert_eq!(items.len(), e.items().len());
    assert!(users.windows(2).all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)));
    with_model(&model, |m| {
        for &(u, bound) in &users {
            let best = e.items().iter().map(|&i| m.prediction(&rec(0.0, u, i, 1.0))).fold(f64::NEG_INFINITY, f64::max);
            assert!(best <= bound + 1e-12, "user {u}: {best} > {bound}");
        }
        for &(i, bound) in &items {
            let best = e.users().iter().map(|&u| m.prediction(&rec(0.0, u, i, 1.0))).fold(f64::NEG_INFINITY, f64::max);
            assert!(best <= bound + 1e-12, "item {i}: {best} > {bound}");
        }
    });
}

#[test]
fn global_bounds_small_example() {
    let model = model_handle(&[("dimension", Value::Int(2))]);
    with_model(&model, |m| {
        m.set_user_factor(0, &[1.0, -1.0]).unwrap();
        m.set_user_factor(1, &[-2.0, 0.5]).unwrap();
        m.set_item_factor(0, &[3.0, 1.0]).unwrap();
        m.set_item_factor(1, &[-1.0, -4.0]).unwrap();
        // item 2 has no vector.
    });
    let mut e = env(10, false);
    for (u, i) in [(0, 0), (1, 1), (0, 2), (2, 0)] {
        e.update(&rec(0.0, u, i, 1.0));
    }
    let it = build("FactorModelGlobalRankingScoreIterator", &[]);
    wire(&it, "set_model", &model);
    let g = it.downcast::<FactorModelGlobalRankingScoreIterator>().unwrap();
    g.with_mut(|g| g.run(&rec(0.0, 0, 0, 1.0), &e).unwrap()).unwrap();
    // Items: max (3, 1), min (-1, -4). User 0 (1,-1): 1*3 + (-1)(-4) = 7. User 1 (-2, .5): 2 + .5 = 2.5.
    // User 2 has no vector: 0.
    // Users: max (1, 0.5), min (-2, -1). Item 0 (3,1): 3 + .5 = 3.5. Item 1 (-1,-4): 2 + 4 = 6. Item 2: 0.
    let (users, items) = g.with(|g| (g.global_users().to_vec(), g.global_items().to_vec())).unwrap();
    assert_eq!(users, vec![(0, 7.0), (1, 2.5), (2, 0.0)]);
    assert_eq!(items, vec![(1, 6.0), (0, 3.5), (2, 0.0)]);
}
