//! The factor model family through the library and the registry: exact LEMP ranks and top
//! lists against brute force and the exact-descending reference (property tests with duplicate
//! and zero vectors, items unknown to the model or to the environment, in-place index updates
//! and rebuilds), whole runs, save/load, determinism, parameter and wiring errors, a speed
//! comparison (`--nocapture`) and an ignored release benchmark on MovieLens (`bench`).

mod common;

use std::time::Instant;

use alpenglow_core::component::Component;
use alpenglow_core::data::RecDat;
use alpenglow_core::experiment::Environment;
use alpenglow_core::models::factor::model::FactorModelParameters;
use alpenglow_core::models::factor::{FactorModel, FactorModelGradientUpdater};
use alpenglow_core::models::{Model, RankPath};
use alpenglow_core::random::Random;
use alpenglow_core::ranking::RankComputer;
use common::{env, rec};
use proptest::prelude::*;

/// The same model with only its prediction visible: the rank computer walks brute force.
struct Brute<'a>(&'a FactorModel);

impl Model for Brute<'_> {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.0.prediction(rec)
    }
}

fn factor_model(dimension: i64, bucket: i64) -> FactorModel {
    FactorModel::new(FactorModelParameters { dimension, lemp_bucket_size: bucket, ..Default::default() }).unwrap()
}

/// A vector with many exact ties: duplicates, negations, zeros and small half-integers.
fn draw_vector(rng: &mut Random, dim: usize, pool: &[Vec<f64>]) -> Option<Vec<f64>> {
    let kind = rng.get_int(8);
    Some(match kind {
        0 => return None,
        1 => vec![0.0; dim],
        2 | 3 if !pool.is_empty() => {
            let v = &pool[rng.get_int(pool.len())];
            if kind == 2 { v.clone() } else { v.iter().map(|x| -x).collect() }
        }
        4 | 5 => (0..dim).map(|_| (rng.get_int(5) as f64 - 2.0) * 0.5).collect(),
        _ => (0..dim).map(|_| rng.get() * 2.0 - 1.0).collect(),
    })
}

struct World {
    model: FactorModel,
    env: Environment,
    users: u32,
    env_items: u32,
}

/// A random model and environment. Model items are 0..n_items, environment items 0..env_items
/// (either may be larger); some ids have no vector.
fn world(seed: i64, dim: usize, n_items: u32, env_items: u32, users: u32, bucket: i64) -> World {
    let mut rng = Random::new(seed);
    let mut model = factor_model(dim as i64, bucket);
    let mut pool: Vec<Vec<f64>> = Vec::new();
    for i in 0..n_items {
        if let Some(v) = draw_vector(&mut rng, dim, &pool) {
            model.set_item_factor(i, &v).unwrap();
            pool.push(v);
        }
    }
    for u in 0..users {
        if let Some(v) = draw_vector(&mut rng, dim, &pool) {
            model.set_user_factor(u, &v).unwrap();
        }
    }
    let mut env = env(10, true);
    for t in 0..(3 * env_items) {
        let (u, i) = (rng.get_int(users as usize) as u32, rng.get_int(env_items as usize) as u32);
        env.update(&rec(t as f64, u, i, 1.0));
    }
    for i in 0..env_items {
        env.update(&rec(1e6, 0, i, 1.0));
    }
    World { model, env, users, env_items }
}

/// Every (user, item) query at several top_k, with and without known-item exclusion: the LEMP
/// code equals the brute-force code (fresh tie generator per query), and with one tie
/// generator across all queries it equals the exact-descending reference (score every item;
/// no draw when `top_k` items are better), so the same draws are made.
fn check_ranks(w: &World) {
    assert_eq!(w.model.rank_path(), RankPath::Iterator);
    w.model.lemp().check(w.model.item_factors()).unwrap();
    for top_k in [1, 2, 5, 1000] {
        for exclude in [false, true] {
            let mut fast_rc = RankComputer::new(top_k, exclude, 43211234);
            let mut reference = RankComputer::new(top_k, exclude, 43211234);
            reference.reference = true;
            for u in 0..w.users {
                for i in 0..w.env_items + 1 {
                    let r = rec(0.0, u, i, 1.0);
                    let fast = RankComputer::new(top_k, exclude, 43211234).rank(&w.model, &r, &w.env);
                    let slow = RankComputer::new(top_k, exclude, 43211234).rank(&Brute(&w.model), &r, &w.env);
                    assert_eq!(fast, slow, "user {u} item {i} top_k {top_k} exclude {exclude}");
                    let fast = fast_rc.rank(&w.model, &r, &w.env);
                    let slow = reference.rank(&w.model, &r, &w.env);
                    assert_eq!(fast, slow, "shared generator: user {u} item {i} top_k {top_k} exclude {exclude}");
                }
            }
        }
    }
}

/// Top lists from the iterator equal sorting all the model's items (higher score, lower id).
fn check_top_lists(w: &World) {
    for u in 0..w.users {
        let row = w.env.train_matrix().row(u);
        for k in [1, 3, 7, 1000] {
            let got = w.model.top_list(u, k, row);
            if w.model.user_factor(u).is_none() {
                assert!(got.is_empty());
                continue;
            }
            let r = rec(0.0, u, 0, 1.0);
            let mut all: Vec<(u32, f64)> = w
                .model
                .item_factors()
                .ids()
                .filter(|i| !row.is_some_and(|row| row.contains(i)))
                .map(|i| (i, w.model.prediction(&r.with_item(i))))
                .collect();
            all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            all.truncate(k);
            assert_eq!(got, all, "user {u} k {k}");
        }
    }
}

/// `has_next(b)` is false only when no item not yet served scores `>= b`.
fn check_iterator(w: &World, rng: &mut Random) {
    for u in 0..w.users {
        let r = rec(0.0, u, 0, 1.0);
        let scores: Vec<(u32, f64)> =
            w.model.item_factors().ids().map(|i| (i, w.model.prediction(&r.with_item(i)))).collect();
        let Some(mut it) = w.model.ranking_iterator(u) else {
            assert!(w.model.user_factor(u).is_none());
            continue;
        };
        assert_eq!(it.unique_items_num(), scores.len());
        let bound = if scores.is_empty() { 0.0 } else { scores[rng.get_int(scores.len())].1 };
        let mut served = Vec::new();
        while it.has_next(bound) {
            let (i, s) = it.next();
            assert_eq!(s.to_bits(), w.model.prediction(&r.with_item(i)).to_bits());
            served.push(i);
        }
        let mut sorted = served.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), served.len(), "an item was served twice");
        for &(i, s) in &scores {
            assert!(s < bound || served.contains(&i), "item {i} scores {s} >= {bound} but was pruned");
        }
    }
}

/// Random gradient steps and vector replacements (duplicates, zeros): lazy container updates.
fn perturb(w: &mut World, rng: &mut Random, steps: usize) {
    let mut up = FactorModelGradientUpdater::new(Default::default()).unwrap();
    let dim = w.model.dimension();
    for _ in 0..steps {
        let (u, i) = (rng.get_int(w.users as usize) as u32, rng.get_int(w.env_items as usize + 2) as u32);
        match rng.get_int(4) {
            0 => {
                let pool: Vec<Vec<f64>> =
                    w.model.item_factors().ids().map(|j| w.model.item_factor(j).unwrap().to_vec()).collect();
                if let Some(v) = draw_vector(rng, dim, &pool) {
                    w.model.set_item_factor(i, &v).unwrap();
                }
            }
            _ => up.step(&mut w.model, &rec(0.0, u, i, 1.0), rng.get() * 4.0 - 2.0),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn lemp_ranks_and_top_lists_equal_brute_force(
        seed in 1i64..1_000_000,
        dim in 1usize..5,
        n_items in 0u32..40,
        env_items in 1u32..40,
        users in 1u32..4,
        bucket in 2i64..9,
        steps in 0usize..60,
    ) {
        let mut w = world(seed, dim, n_items, env_items, users, bucket);
        let mut rng = Random::new(seed + 7);
        check_ranks(&w);
        check_top_lists(&w);
        check_iterator(&w, &mut rng);
        perturb(&mut w, &mut rng, steps);
        check_ranks(&w);
        check_top_lists(&w);
        check_iterator(&w, &mut rng);
    }
}

/// A user vector parallel to item vectors (the Cauchy–Schwarz bound is tight) and items that
/// tie exactly with the evaluated one.
#[test]
fn tight_bounds_and_exact_ties() {
    let mut m = factor_model(3, 4);
    let base = [0.1, 0.7, -0.3];
    for i in 0..20u32 {
        let scale = [1.0, 0.5, 2.0, 1.0][i as usize % 4];
        m.set_item_factor(i, &base.map(|x| x * scale)).unwrap();
    }
    m.set_user_factor(0, &base).unwrap();
    let mut e = env(100, false);
    for i in 0..20 {
        e.update(&rec(0.0, 1, i, 1.0));
    }
    // Item 0 (scale 1): 5 items of scale 2 are better, 9 other items of scale 1 tie.
    let r = rec(0.0, 0, 0, 1.0);
    for seed in [1, 43211234, 777] {
        let fast = RankComputer::new(100, false, seed).rank(&m, &r, &e);
        let slow = RankComputer::new(100, false, seed).rank(&Brute(&m), &r, &e);
        assert_eq!(fast, slow);
        assert!((5..=14).contains(&fast));
    }
    let top: Vec<u32> = m.top_list(0, 6, None).iter().map(|x| x.0).collect();
    assert_eq!(top, vec![2, 6, 10, 14, 18, 0]);
}

/// A small point-wise SGD loop (positives with target 1, random negatives with target 0):
/// on every record the LEMP rank equals the brute-force rank, with and without initialize_all.
#[test]
fn online_training_keeps_lemp_ranks_exact() {
    for initialize_all in [false, true] {
        let mut m = factor_model(5, 8);
        let mut e = if initialize_all { common::env_all(29, 59) } else { env(10, true) };
        if initialize_all {
            m.initialize(&e).unwrap();
            assert_eq!(m.item_factors().len(), 60);
        }
        let mut up = FactorModelGradientUpdater::new(Default::default()).unwrap();
        let mut rng = Random::new(12345);
        let (mut ranked, mut hits) = (0, 0);
        for t in 0..1500 {
            let (u, i) = (rng.get_int(30) as u32, (rng.get_int(60) as f64 * rng.get()) as u32);
            let r = rec(t as f64, u, i, 1.0);
            let fast = RankComputer::new(10, true, 43211234).rank(&m, &r, &e);
            let slow = RankComputer::new(10, true, 43211234).rank(&Brute(&m), &r, &e);
            assert_eq!(fast, slow, "record {t}");
            ranked += usize::from(fast < 12);
            hits += usize::from(fast < 10);
            e.update(&r);
            m.add(&r);
            let g = m.prediction(&r) - 1.0;
            up.step(&mut m, &r, g);
            for _ in 0..5 {
                let neg = r.with_item(e.items()[rng.get_int(e.items().len())]);
                m.add(&neg);
                let g = m.prediction(&neg);
                up.step(&mut m, &neg, g);
            }
        }
        assert!(ranked > 1000 && hits > 100, "ranked {ranked}, hits {hits}");
    }
}

#[test]
fn lemp_is_faster_than_brute_force() {
    let (n, dim) = (10_000u32, 10usize);
    let mut m = factor_model(dim as i64, 64);
    let mut rng = Random::new(4242);
    let mut e = env(100, false);
    for i in 0..n {
        // Lengths spread like a trained model's (popular items have longer vectors).
        let len = (1.0 / (1.0 + i as f64)).powf(0.3);
        let v: Vec<f64> = (0..dim).map(|_| (rng.get() * 2.0 - 1.0) * len).collect();
        m.set_item_factor(i, &v).unwrap();
        e.update(&rec(0.0, 0, i, 1.0));
    }
    for u in 0..50 {
        let v: Vec<f64> = (0..dim).map(|_| rng.get() * 2.0 - 1.0).collect();
        m.set_user_factor(u, &v).unwrap();
    }
    let targets: Vec<(u32, u32)> = (0..50u32)
        .flat_map(|u| {
            let top = m.top_list(u, 20, None);
            vec![(u, top[5].0), (u, top[19].0), (u, rng.get_int(n as usize) as u32)]
        })
        .collect();
    let time = |model: &dyn Model| {
        let start = Instant::now();
        let codes: Vec<usize> = targets
            .iter()
            .map(|&(u, i)| RankComputer::new(100, false, 1).rank(model, &rec(0.0, u, i, 1.0), &e))
            .collect();
        (start.elapsed(), codes)
    };
    let (fast, fast_codes) = time(&m);
    let (slow, slow_codes) = time(&Brute(&m));
    assert_eq!(fast_codes, slow_codes);
    println!(
        "{} rank queries on {n} items, dimension {dim}: LEMP {fast:?}, brute force {slow:?} ({:.1}x)",
        targets.len(),
        slow.as_secs_f64() / fast.as_secs_f64()
    );
    let start = Instant::now();
    for u in 0..50 {
        m.top_list(u, 100, None);
    }
    println!("50 top-100 lists through LEMP: {:?}", start.elapsed());
}

#[path = "factor_model/api.rs"]
mod api;
#[path = "factor_model/run.rs"]
mod run;
#[path = "factor_model/bench.rs"]
mod bench;
