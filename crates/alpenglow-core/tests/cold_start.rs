//! Cold-start evaluation: exact ranks of records whose item or user is new, on a tiny stream.

mod common;

use alpenglow_core::component::Handle;
use alpenglow_core::data::{OwnedColumns, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::loggers::MemoryRankingLogger;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use common::{build, wire};

/// (user, item) at times 0, 1, 2, ...
const STREAM: [(i64, i64); 6] = [(0, 0), (1, 0), (0, 1), (1, 1), (2, 2), (2, 3)];

/// Runs a popularity model over `STREAM`; returns (raw rank codes, cold bits).
fn run(experiment_cold: bool, logger_cold: i64) -> (Vec<u32>, Vec<u8>) {
    let mut c = OwnedColumns::default();
    for (n, &(u, i)) in STREAM.iter().enumerate() {
        c.push(n as f64, u, i, n as i64, 1.0, 1, 0);
    }
    let data: Handle = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let iterator = build("SimpleIterator", &[]);
    wire(&iterator, "set_recommender_data", &data);
    let exp = build(
        "OnlineExperiment",
        &[
            ("top_k", Value::Int(3)),
            ("exclude_known", Value::Bool(false)),
            ("evaluate_cold_start", Value::Bool(experiment_cold)),
        ],
    );
    wire(&exp, "set_recommender_data_iterator", &iterator);
    let model = build("PopularityModel", &[]);
    let updater = build("PopularityModelUpdater", &[]);
    wire(&updater, "set_model", &model);
    let logger = build("MemoryRankingLogger", &[("random_seed", Value::Int(1)), ("evaluate_cold_start", Value::Int(logger_cold))]);
    wire(&logger, "set_model", &model);
    wire(&exp, "add_logger", &logger);
    wire(&exp, "add_updater", &updater);
    alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
    let logs = logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().clone()).unwrap();
    (logs.rank, logs.cold)
}

#[test]
fn popularity_ranks_cold_records_against_every_existing_item() {
    // 0: nothing exists: rank 0. 1: new user, item 0 the only item. 2: new item 1 predicts 0,
    // item 0 scores 1: rank 1. 3: warm, item 0 (pop 2) beats item 1. 4: new user and item,
    // 0 < both existing items. 5: new item behind 3 existing items: not in the top 3.
    let (rank, cold) = run(true, -1);
    assert_eq!(rank, vec![0, 0, 1, 1, 2, 3]);
    assert_eq!(cold, vec![3, 1, 2, 0, 3, 2]);
    // The logger's own switch wins over the experiment's.
    assert_eq!(run(false, 1), (rank.clone(), cold.clone()));
}

#[test]
fn without_cold_start_new_items_are_not_ranked_and_no_cold_log_is_kept() {
    // top_k + 5 for a new item; the new user's record 1 is ranked as before.
    let (rank, cold) = run(false, -1);
    assert_eq!(rank, vec![8, 0, 8, 1, 8, 8]);
    assert!(cold.is_empty());
    assert_eq!(run(true, 0), (rank, cold));
}
