//! Release-mode timing of the realistic factor workload (Python's `FactorExperiment`: dimension
//! 10, 100 uniform negatives per record, point-wise MSE, top_k 100) on the MovieLens files of
//! the shared data directory, without Python. Ignored by default; run with
//! `cargo test --release -p alpenglow-core --test factor_model bench -- --ignored --nocapture`.
//! Prints events/s of the whole run and of the training alone, the ranking share and the mean
//! DCG@100. Environment variables: `ALPENGLOW_DATA` (data directory), `ALPENGLOW_BENCH_FILES`
//! (comma-separated CSV files), `ALPENGLOW_BENCH_LIMIT` (keep only the first events),
//! `ALPENGLOW_BENCH_REPEAT` (times are the fastest of that many runs, default 3),
//! `ALPENGLOW_BENCH_BUCKET` (the model's `lemp_bucket_size`, default 64) and
//! `ALPENGLOW_BENCH_REFERENCE=1` (also run the score-every-item reference and assert that
//! every rank code is equal).

use std::path::{Path, PathBuf};
use std::time::Instant;

use alpenglow_core::component::Handle;
use alpenglow_core::data::RecommenderData;
use alpenglow_core::data::formats::read_file;
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::loggers::MemoryRankingLogger;
use alpenglow_core::params::Value;
use alpenglow_core::registry;

use super::common::{build, wire};

const SEED: i64 = 254938879;

fn env_or(name: &str, default: usize) -> i64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default) as i64
}

/// Builds the experiment graph; returns the experiment and the ranking logger (if any).
fn factor_experiment(data: &Handle, rank: Option<bool>) -> (Handle, Option<Handle>) {
    let it = build("ShuffleIterator", &[("seed", Value::Int(SEED))]);
    wire(&it, "set_recommender_data", data);
    let exp = build(
        "OnlineExperiment",
        &[("random_seed", Value::Int(SEED)), ("top_k", Value::Int(100)), ("exclude_known", Value::Bool(false))],
    );
    wire(&exp, "set_recommender_data_iterator", &it);
    let model = build(
        "FactorModel",
        &[
            ("begin_min", Value::Float(-0.01)),
            ("begin_max", Value::Float(0.01)),
            ("dimension", Value::Int(10)),
            ("initialize_all", Value::Int(0)),
            ("lemp_bucket_size", Value::Int(env_or("ALPENGLOW_BENCH_BUCKET", 64))),
        ],
    );
    let gu = build("FactorModelGradientUpdater", &[("learning_rate", Value::Float(0.05))]);
    wire(&gu, "set_model", &model);
    let sampler =
        build("UniformNegativeSampleGenerator", &[("negative_rate", Value::Float(100.0)), ("seed", Value::Int(SEED))]);
    let computer = build("GradientComputerPointWise", &[]);
    wire(&computer, "set_objective", &build("ObjectiveMSE", &[]));
    wire(&computer, "set_model", &model);
    wire(&computer, "add_gradient_updater", &gu);
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
        wire(&l, "set_model", &model);
        wire(&exp, "add_logger", &l);
        l
    });
    wire(&exp, "add_updater", &sampler);
    (exp, logger)
}

/// Runs `ALPENGLOW_BENCH_REPEAT` times (default 3) on fresh graphs; returns the fastest time
/// in seconds and the rank codes (the same every time).
fn timed(data: &Handle, rank: Option<bool>) -> (f64, Vec<u32>) {
    let repeat = env_or("ALPENGLOW_BENCH_REPEAT", 3);
    let mut best = (f64::INFINITY, Vec::new());
    for _ in 0..repeat.max(1) {
        let (exp, logger) = factor_experiment(data, rank);
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

fn bench_file(path: &Path) {
    let Ok(mut columns) = read_file(path, "csv", 0.0) else {
        println!("{}: not readable, skipped", path.display());
        return;
    };
    if let Some(limit) = std::env::var("ALPENGLOW_BENCH_LIMIT").ok().and_then(|s| s.parse().ok()) {
        let c = &mut columns;
        c.time.truncate(limit);
        c.user.truncate(limit);
        c.item.truncate(limit);
        c.id.truncate(limit);
        c.score.truncate(limit);
        c.eval.truncate(limit);
        c.category.truncate(limit);
    }
    let n = columns.time.len() as f64;
    let data = registry::wrap(RecommenderData::from_owned(columns).unwrap(), |_, _| {});
    let (train, _) = timed(&data, None);
    let (full, ranks) = timed(&data, Some(false));
    let name = path.file_name().map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    println!(
        "{name}: whole run {:.0} events/s ({full:.2} s), training only {:.0} events/s ({train:.2} s), \
         ranking {:.2} s = {:.0}% of the run, {:.2} µs per query, mean DCG@100 {:.4}",
        n / full,
        n / train,
        full - train,
        100.0 * (full - train) / full,
        1e6 * (full - train) / n,
        mean_dcg(&ranks),
    );
    if std::env::var_os("ALPENGLOW_BENCH_REFERENCE").is_some() {
        let (reference, slow) = timed(&data, Some(true));
        assert_eq!(slow.len(), ranks.len());
        println!("  reference (score every item): {:.0} events/s ({reference:.2} s)", n / reference);
        let differ = ranks.iter().zip(&slow).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{differ} ranks differ from the reference");
    }
}

#[test]
#[ignore]
fn bench_factor_experiment_on_movielens() {
    let dir = std::env::var_os("ALPENGLOW_DATA").map_or_else(|| PathBuf::from("/work/shared/data"), PathBuf::from);
    let files = std::env::var("ALPENGLOW_BENCH_FILES")
        .unwrap_or_else(|_| "movielens_100k.csv.gz,movielens_latest_small_2016.csv.gz".to_string());
    for file in files.split(',') {
        bench_file(&dir.join(file));
    }
}
