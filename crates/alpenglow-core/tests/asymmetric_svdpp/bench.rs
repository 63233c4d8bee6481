//! Release-mode timing of the ranking of the asymmetric and SVD++ models on MovieLens 100k
//! (SimpleIterator order, top_k 100): uniform negatives (rate 20) → point-wise MSE gradient
//! computer → the model's gradient updater, then the model's history updater; norm_type
//! "exponential", gamma 0.8, dimension 10, initial values in ±0.01, learning rate 0.05 and,
//! for SVD++, user_vector_weight and history_weight 0.5 (Python's `SvdppExperiment`).
//! Ignored by default; run with
//! `cargo test --release -p alpenglow-core --test asymmetric_svdpp bench -- --ignored --nocapture`.
//! Prints the ranking time per query through the index and of the score-every-item reference
//! (run time minus training-only time) and the mean DCG@100 of both, and asserts that every
//! rank code is equal. `ALPENGLOW_DATA` sets the data directory, `ALPENGLOW_BENCH_REPEAT` the
//! number of runs (times are the fastest, default 1).

use std::path::PathBuf;
use std::time::Instant;

use super::*;
use alpenglow_core::data::RecommenderData;
use alpenglow_core::data::formats::read_file;
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::loggers::MemoryRankingLogger;

const SEED: i64 = 254938879;

fn experiment(data: &Handle, model: &str, rank: Option<bool>) -> (Handle, Option<Handle>) {
    let it = build("SimpleIterator", &[]);
    wire(&it, "set_recommender_data", data);
    let exp = build(
        "OnlineExperiment",
        &[("random_seed", Value::Int(SEED)), ("top_k", Value::Int(100)), ("exclude_known", Value::Bool(false))],
    );
    wire(&exp, "set_recommender_data_iterator", &it);
    let mut model_kw = vec![
        ("norm_type", s("exponential")),
        ("gamma", Value::Float(0.8)),
        ("dimension", Value::Int(10)),
        ("begin_min", Value::Float(-0.01)),
        ("begin_max", Value::Float(0.01)),
        ("initialize_all", Value::Int(0)),
    ];
    if svdpp(model) {
        model_kw.extend([("user_vector_weight", Value::Float(0.5)), ("history_weight", Value::Float(0.5))]);
    }
    let f = Fixture::new(model, &model_kw, &[("learning_rate", Value::Float(0.05))]);
    let sampler =
        build("UniformNegativeSampleGenerator", &[("negative_rate", Value::Float(20.0)), ("seed", Value::Int(SEED))]);
    let computer = build("GradientComputerPointWise", &[]);
    wire(&computer, "set_objective", &build("ObjectiveMSE", &[]));
    wire(&computer, "set_model", &f.model);
    wire(&computer, "add_gradient_updater", &f.gradient);
    wire(&sampler, "add_updater", &computer);
    let logger = rank.map(|reference| {
        let l = build(
            "MemoryRankingLogger",
            &[
                ("top_k", Value::Int(100)),
                ("random_seed", Value::Int(43211234)),
                ("reference_ranking", Value::Bool(reference)),
            ],
        );
        wire(&l, "set_model", &f.model);
        wire(&exp, "add_logger", &l);
        l
    });
    wire(&exp, "add_updater", &sampler);
    wire(&exp, "add_updater", &f.updater);
    (exp, logger)
}

fn timed(data: &Handle, model: &str, rank: Option<bool>) -> (f64, Vec<u32>) {
    let repeat = std::env::var("ALPENGLOW_BENCH_REPEAT").ok().and_then(|s| s.parse().ok()).unwrap_or(1usize);
    let mut best = (f64::INFINITY, Vec::new());
    for _ in 0..repeat.max(1) {
        let (exp, logger) = experiment(data, model, rank);
        let start = Instant::now();
        alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
        let secs = start.elapsed().as_secs_f64();
        let ranks = logger.map_or_else(Vec::new, |l| {
            l.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().rank.clone()).unwrap()
        });
        best = (best.0.min(secs), ranks);
    }
    best
}

fn mean_dcg(ranks: &[u32]) -> f64 {
    let sum: f64 = ranks.iter().filter(|&&r| r < 100).map(|&r| 1.0 / (r as f64 + 2.0).log2()).sum();
    sum / ranks.len().max(1) as f64
}

#[test]
#[ignore]
fn bench_asymmetric_and_svdpp_ranking_on_movielens() {
    let dir = std::env::var_os("ALPENGLOW_DATA").map_or_else(|| PathBuf::from("/work/shared/data"), PathBuf::from);
    let Ok(columns) = read_file(&dir.join("movielens_100k.csv.gz"), "csv", 0.0) else {
        println!("movielens_100k.csv.gz: not readable, skipped");
        return;
    };
    let n = columns.time.len() as f64;
    let data = registry::wrap(RecommenderData::from_owned(columns).unwrap(), |_, _| {});
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        let (train, _) = timed(&data, model, None);
        let (fast, ranks) = timed(&data, model, Some(false));
        let (slow, reference) = timed(&data, model, Some(true));
        let (fast_q, slow_q) = (1e6 * (fast - train) / n, 1e6 * (slow - train) / n);
        println!(
            "{model}: training {train:.2} s; ranking {fast_q:.2} µs/query through the index, \
             {slow_q:.2} µs/query scoring every item ({:.1}x); mean DCG@100 {:.4} (reference {:.4})",
            slow_q / fast_q,
            mean_dcg(&ranks),
            mean_dcg(&reference),
        );
        let differ = ranks.iter().zip(&reference).filter(|(a, b)| a != b).count();
        assert_eq!((ranks.len(), differ), (reference.len(), 0), "{model}: ranks differ from the reference");
    }
}
