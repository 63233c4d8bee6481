//! Release-mode timing of the ranking of the asymmetric and SVD++ models on MovieLens 100k
//! (SimpleIterator order, top_k 100): uniform negatives (rate 20) → point-wise MSE gradient
//! computer → the model's gradient updater, then the model's history updater; norm_type
//! "exponential", gamma 0.8, dimension 10, initial values in ±0.01, learning rate 0.05 and,
//! for SVD++, user_vector_weight and history_weight 0.5 (Python's `SvdppExperiment`).
//! Ignored by default; run with
//! `cargo test --release -p alpenglow-core --test asymmetric_svdpp bench -- --ignored --nocapture`.
//! A test logger ranks every record and times its rank calls (the user vector included), in
//! one run through the model's fast path and in one scoring every item (the reference; the
//! runs are deterministic, so the models are the same); prints the time per query of both
//! and their mean DCG@100, and asserts that every rank code is equal.
//! `ALPENGLOW_DATA` sets the data directory.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::*;
use alpenglow_core::component::{Component, slot};
use alpenglow_core::data::RecommenderData;
use alpenglow_core::data::formats::read_file;
use alpenglow_core::experiment::Logger;
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::models::Model;
use alpenglow_core::ranking::RankComputer;

const SEED: i64 = 254938879;

alpenglow_core::parameters! {
    /// Test logger timing the rank computations of one rank computer.
    pub struct TimedRankerParameters {
        /// Score every item instead of the model's fast path.
        pub reference: bool = false,
    }
}
alpenglow_core::wiring! {
    pub struct TimedRankerWiring {
        /// The model.
        set_model => model: required dyn Model,
    }
}
/// Ranks every record (top_k 100, no exclusion, tie seed 43211234) and adds up the time of
/// the `rank` calls (they include the prediction of the evaluated item).
pub struct TimedRanker {
    params: TimedRankerParameters,
    wiring: TimedRankerWiring,
    computer: RankComputer,
    ranks: Vec<u32>,
    time: Duration,
}
impl Logger for TimedRanker {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> alpenglow_core::Result<()> {
        let model = slot(&self.wiring.model, "TimedRanker", "set_model")?.borrow()?;
        let start = Instant::now();
        let rank = self.computer.rank(&*model, rec, env);
        self.time += start.elapsed();
        self.ranks.push(rank as u32);
        Ok(())
    }
}
impl Component for TimedRanker {
    const NAME: &'static str = "TimedRanker";
    type Params = TimedRankerParameters;
    type Wiring = TimedRankerWiring;
    fn new(params: Self::Params) -> alpenglow_core::Result<Self> {
        let mut computer = RankComputer::new(100, false, 43211234);
        computer.reference = params.reference;
        Ok(TimedRanker { params, wiring: Default::default(), computer, ranks: Vec::new(), time: Duration::ZERO })
    }
    alpenglow_core::component_accessors!();
}

fn experiment(data: &Handle, model: &str, reference: bool) -> (Handle, Handle) {
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
    let logger = registry::wrap(TimedRanker::new(TimedRankerParameters { reference }).unwrap(), |sh, roles| {
        roles.add::<dyn Logger>(sh.clone())
    });
    wire(&logger, "set_model", &f.model);
    wire(&exp, "add_logger", &logger);
    wire(&exp, "add_updater", &sampler);
    wire(&exp, "add_updater", &f.updater);
    (exp, logger)
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
        let mut total = 0.0;
        let [(fast, ranks), (slow, reference)] = [false, true].map(|reference| {
            let (exp, logger) = experiment(&data, model, reference);
            let start = Instant::now();
            alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
            if !reference {
                total = start.elapsed().as_secs_f64();
            }
            logger
                .downcast::<TimedRanker>()
                .unwrap()
                .with(|t| (1e6 * t.time.as_secs_f64() / n, t.ranks.clone()))
                .unwrap()
        });
        println!(
            "{model}: run {total:.2} s; ranking {fast:.2} µs/query through the index, {slow:.2} µs/query \
             scoring every item ({:.1}x); mean DCG@100 {:.4} (reference {:.4})",
            slow / fast,
            mean_dcg(&ranks),
            mean_dcg(&reference),
        );
        let differ = ranks.iter().zip(&reference).filter(|(a, b)| a != b).count();
        assert_eq!((ranks.len(), differ), (reference.len(), 0), "{model}: ranks differ from the reference");
    }
}
