//! Ranks through the LEMP index of the item factors against brute force and the
//! exact-descending reference, through random training (property test), and in a whole run
//! with the library's negative sampler and gradient computer (fast logger vs reference logger).

use super::*;
use alpenglow_core::data::{OwnedColumns, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::loggers::MemoryRankingLogger;
use alpenglow_core::models::{Model, RankPath};
use alpenglow_core::random::Random;
use alpenglow_core::ranking::RankComputer;
use proptest::prelude::*;

/// The same model with only its prediction visible: the rank computer walks brute force.
struct Brute<'a>(&'a dyn Model);

impl Model for Brute<'_> {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.0.prediction(rec)
    }
}

/// A vector with many exact ties: duplicates, negations, zeros and small half-integers.
fn draw_vector(rng: &mut Random, dim: usize, pool: &[Vec<f64>]) -> Vec<f64> {
    let kind = rng.get_int(6);
    match kind {
        0 => vec![0.0; dim],
        1 | 2 if !pool.is_empty() => {
            let v = &pool[rng.get_int(pool.len())];
            if kind == 1 { v.clone() } else { v.iter().map(|x| -x).collect() }
        }
        3 => (0..dim).map(|_| (rng.get_int(5) as f64 - 2.0) * 0.5).collect(),
        _ => (0..dim).map(|_| rng.get() * 2.0 - 1.0).collect(),
    }
}

/// Every (user, item) query of the current time at several top_k, with and without known-item
/// exclusion: the index code equals the brute-force code (fresh tie generator per query;
/// when every score is finite: brute force gives up at a non-finite one) and, with one
/// generator across all queries, the reference code (score every item).
fn check_ranks(f: &Fixture, e: &Environment, time: f64, id: i64, users: u32, items: u32, sigmoid: bool) {
    f.core(|c| c.lemp().check(c.item_factors())).unwrap();
    let model = f.model.role::<dyn Model>().unwrap();
    model
        .with(|m| {
            let path = if sigmoid { RankPath::BruteForce } else { RankPath::Iterator };
            assert_eq!(m.rank_path(), path);
            for top_k in [1, 3, 1000] {
                for exclude in [false, true] {
                    let mut fast_rc = RankComputer::new(top_k, exclude, 43211234);
                    let mut reference = RankComputer::new(top_k, exclude, 43211234);
                    reference.reference = true;
                    for u in 0..users {
                        for i in 0..items + 1 {
                            let r = RecDat { time, user: u, item: i, id, ..RecDat::default() };
                            let fast = RankComputer::new(top_k, exclude, 7).rank(m, &r, e);
                            let slow = RankComputer::new(top_k, exclude, 7).rank(&Brute(m), &r, e);
                            let finite = (0..=items).all(|j| m.prediction(&r.with_item(j)).is_finite());
                            if finite {
                                assert_eq!(fast, slow, "user {u} item {i} top_k {top_k} exclude {exclude}");
                            }
                            let (fast, slow) = (fast_rc.rank(m, &r, e), reference.rank(m, &r, e));
                            assert_eq!(fast, slow, "shared generator: user {u} item {i} top_k {top_k}");
                        }
                    }
                }
            }
        })
        .unwrap();
}

#[derive(Debug, Clone)]
struct Setup {
    svdpp: bool,
    norm_type: &'static str,
    dimension: usize,
    sigmoid: bool,
    cumulative: bool,
    seed: i64,
    users: u32,
    env_items: u32,
    /// Items beyond the environment's get factors through negatives and `initialize_all`.
    model_items: u32,
    events: usize,
}

fn setup() -> impl Strategy<Value = Setup> {
    let norms = prop::sample::select(vec!["disabled", "constant", "recency", "exponential", "youngest"]);
    (any::<bool>(), norms, prop::sample::select(vec![1usize, 3, 10]), prop::bool::weighted(0.2), any::<bool>())
        .prop_flat_map(|(svdpp, norm_type, dimension, sigmoid, cumulative)| {
            (0..1_000_000i64, 1..5u32, 1..25u32, 0..6u32, 1..40usize).prop_map(
                move |(seed, users, env_items, extra, events)| Setup {
                    svdpp,
                    norm_type,
                    dimension,
                    sigmoid,
                    cumulative,
                    seed,
                    users,
                    env_items,
                    model_items: env_items + extra,
                    events,
                },
            )
        })
}

fn check_setup(s: &Setup) {
    let model = if s.svdpp { "SvdppModel" } else { "AsymmetricFactorModel" };
    let f = Fixture::new(
        model,
        &[
            ("norm_type", Value::Str(s.norm_type.to_string())),
            ("dimension", Value::Int(s.dimension as i64)),
            ("use_sigmoid", Value::Bool(s.sigmoid)),
            ("begin_min", Value::Float(-0.5)),
            ("begin_max", Value::Float(0.5)),
        ],
        &[("learning_rate", Value::Float(0.2)), ("cumulative_item_updates", Value::Bool(s.cumulative))],
    );
    let mut rng = Random::new(s.seed);
    if rng.get_int(3) == 0 {
        f.core(|c| c.initialize_all(s.users as i64 - 1, s.model_items as i64 - 1));
    }
    let mut e = env(10, false);
    let mut pool: Vec<Vec<f64>> = Vec::new();
    for k in 0..s.events {
        let time = 1000.0 + 5000.0 * (k / 2) as f64 + 0.5;
        let r =
            rec(time, rng.get_int(s.users as usize) as u32, rng.get_int(s.env_items as usize) as u32, 1.0, k as i64);
        let negatives: Vec<u32> = (0..3).map(|_| rng.get_int(s.model_items as usize) as u32).collect();
        f.train(&r, &negatives, &mut e);
        // Exact ties among items and history factors on small grids.
        if rng.get_int(3) == 0 {
            let item = rng.get_int(s.model_items as usize) as u32;
            let v = draw_vector(&mut rng, s.dimension, &pool);
            let which = if rng.get_int(2) == 0 { "item" } else { "history" };
            f.set(which, item, &v);
            pool.push(v);
        }
        if k % 4 == 3 || k + 1 == s.events {
            check_ranks(&f, &e, time + 1.0, k as i64 + 1, s.users, s.model_items, s.sigmoid);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn index_ranks_equal_brute_force_and_reference_through_training(s in setup()) {
        check_setup(&s);
    }
}

/// Item factors with non-finite values: the index cannot bound scores and every item is
/// scored exactly (NaN scores are neither better nor tied, as in the reference).
#[test]
fn non_finite_item_factors_fall_back_to_an_exact_scan() {
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        let f = Fixture::new(model, &[("dimension", Value::Int(2)), ("norm_type", s("disabled"))], &[]);
        let mut e = env(10, false);
        for (k, item) in [0u32, 1, 2, 3, 4].into_iter().enumerate() {
            f.train(&rec(k as f64, 0, item, 1.0, k as i64), &[], &mut e);
        }
        f.set("history", 0, &[1.0, 0.0]);
        for (item, v) in [(1, [f64::NAN, 0.0]), (2, [f64::INFINITY, 0.0]), (3, [2.0, 0.0]), (4, [1.0, 0.0])] {
            f.set("item", item, &v);
        }
        f.core(|c| assert_eq!(c.lemp().non_finite(), 2));
        check_ranks(&f, &e, 10.0, 9, 1, 5, false);
        // u = (1 + small, small): item 2 scores +inf, item 3 2·u_0, item 4 u_0, item 0 little,
        // item 1 NaN (neither better nor tied).
        let rank = |item| {
            let r = rec(10.0, 0, item, 1.0, 9);
            f.model.role::<dyn Model>().unwrap().with(|m| RankComputer::new(10, false, 1).rank(m, &r, &e)).unwrap()
        };
        assert_eq!((rank(3), rank(4), rank(2)), (1, 2, 10 + 3), "{model}");
    }
}

fn ranks(logger: &Handle) -> Vec<u32> {
    logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().rank.clone()).unwrap()
}

/// A whole run with the library's sampler chain: a fast logger and a reference logger with
/// the same tie seed log the same rank codes.
#[test]
fn index_and_reference_loggers_agree_in_a_run() {
    for (model, cumulative) in [("AsymmetricFactorModel", false), ("SvdppModel", true)] {
        let mut rng = Random::new(2024);
        let mut c = OwnedColumns::default();
        for n in 0..2500i64 {
            let item = (rng.get() * rng.get() * 80.0) as i64;
            c.push((n / 3) as f64, rng.get_int(40) as i64, item, n, 1.0, 1, 0);
        }
        let data = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
        let it = build("SimpleIterator", &[]);
        wire(&it, "set_recommender_data", &data);
        let exp = build("OnlineExperiment", &[("top_k", Value::Int(10)), ("exclude_known", Value::Bool(false))]);
        wire(&exp, "set_recommender_data_iterator", &it);
        let f = Fixture::new(
            model,
            &[("norm_type", s("exponential")), ("begin_min", Value::Float(-0.01)), ("begin_max", Value::Float(0.01))],
            &[("learning_rate", Value::Float(0.05)), ("cumulative_item_updates", Value::Bool(cumulative))],
        );
        let sampler =
            build("UniformNegativeSampleGenerator", &[("negative_rate", Value::Float(5.0)), ("seed", Value::Int(7))]);
        let computer = build("GradientComputerPointWise", &[]);
        wire(&computer, "set_objective", &build("ObjectiveMSE", &[]));
        wire(&computer, "set_model", &f.model);
        wire(&computer, "add_gradient_updater", &f.gradient);
        wire(&sampler, "add_updater", &computer);
        let fast = build("MemoryRankingLogger", &[("random_seed", Value::Int(43211234))]);
        let slow = build(
            "MemoryRankingLogger",
            &[("random_seed", Value::Int(43211234)), ("reference_ranking", Value::Bool(true))],
        );
        for logger in [&fast, &slow] {
            wire(logger, "set_model", &f.model);
            wire(&exp, "add_logger", logger);
        }
        wire(&exp, "add_updater", &sampler);
        wire(&exp, "add_updater", &f.updater);
        alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
        let (a, b) = (ranks(&fast), ranks(&slow));
        assert_eq!(a.len(), 2500);
        assert_eq!(a, b, "{model}");
        let hits = a.iter().filter(|&&r| r < 10).count();
        assert!(hits > 250, "{model}: {hits} hits");
        f.core(|c| c.lemp().check(c.item_factors())).unwrap();
    }
}
