//! The loggers and iterators of issue 8 on tiny streams: exact file contents and orders.

mod common;

use std::path::{Path, PathBuf};

use alpenglow_core::component::Handle;
use alpenglow_core::data::random_iterators::random_permutation;
use alpenglow_core::data::{OwnedColumns, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::loggers::ListConditionalMetaLogger;
use alpenglow_core::params::Value;
use alpenglow_core::random::Random;
use alpenglow_core::registry;
use common::{build, wire};

/// (time, user, item, score, eval)
type Row = (f64, i64, i64, f64, i64);

fn data(rows: &[Row]) -> Handle {
    let mut c = OwnedColumns::default();
    for (n, &(t, u, i, s, e)) in rows.iter().enumerate() {
        c.push(t, u, i, n as i64, s, e, 0);
    }
    registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {})
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("alpenglow-loggers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn s(p: &Path) -> Value {
    Value::Str(p.to_str().unwrap().to_string())
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// An experiment over `rows` served by `iterator`, with the given loggers, end loggers and
/// updaters (already wired to their models).
fn experiment(rows: &[Row], iterator: &Handle, loggers: &[&Handle], end: &[&Handle], updaters: &[&Handle]) -> Handle {
    wire(iterator, "set_recommender_data", &data(rows));
    let exp = build("OnlineExperiment", &[("top_k", Value::Int(10))]);
    wire(&exp, "set_recommender_data_iterator", iterator);
    loggers.iter().for_each(|l| wire(&exp, "add_logger", l));
    end.iter().for_each(|l| wire(&exp, "add_end_logger", l));
    updaters.iter().for_each(|u| wire(&exp, "add_updater", u));
    exp
}

fn run(exp: &Handle) -> alpenglow_core::Result<usize> {
    alpenglow_core::experiment::run(exp, &mut NoHooks).map(|s| s.records)
}

const SMALL: [Row; 4] = [(0.0, 0, 0, 1.0, 1), (10.5, 1, 3, 0.5, 1), (20.0, 2, 1, 2.0, 0), (30.0, 0, 2, 1.0, 1)];

#[test]
fn input_logger_writes_every_served_record() {
    let path = tmp("input.txt");
    let logger = build("InputLogger", &[("output_file", s(&path))]);
    let exp = experiment(&SMALL, &build("SimpleIterator", &[]), &[&logger], &[], &[]);
    assert_eq!(run(&exp).unwrap(), 4);
    assert_eq!(read(&path), "0 0 0 0 1\n10 1 3 1 0.5\n20 2 1 2 2\n30 0 2 3 1\n");
}

#[test]
fn input_logger_without_file_is_an_error_naming_the_parameter() {
    let logger = build("InputLogger", &[]);
    let exp = experiment(&SMALL, &build("SimpleIterator", &[]), &[&logger], &[], &[]);
    let e = run(&exp).unwrap_err().to_string();
    assert!(e.contains("InputLogger") && e.contains("output_file"), "{e}");
}

fn ids_served(iterator: &Handle, rows: &[Row]) -> (Vec<usize>, Vec<i64>) {
    let path = tmp(&format!("order-{}.txt", iterator.id()));
    let logger = build("InputLogger", &[("output_file", s(&path))]);
    let exp = experiment(rows, iterator, &[&logger], &[], &[]);
    run(&exp).unwrap();
    let text = read(&path);
    let ids = text.lines().map(|l| l.split(' ').nth(3).unwrap().parse().unwrap()).collect();
    let times = text.lines().map(|l| l.split(' ').next().unwrap().parse().unwrap()).collect();
    (ids, times)
}

fn rows(n: usize) -> Vec<Row> {
    (0..n).map(|k| (10.0 * k as f64, k as i64 % 3, k as i64, 1.0, 1)).collect()
}

#[test]
fn random_iterator_serves_the_seeded_permutation() {
    let it = build("RandomIterator", &[("seed", Value::Int(1239))]);
    let (ids, times) = ids_served(&it, &rows(8));
    assert_eq!(ids, vec![4, 6, 5, 1, 3, 7, 2, 0]);
    let expected: Vec<usize> = random_permutation(8, &mut Random::new(1239)).into_iter().map(|i| i as usize).collect();
    assert_eq!(ids, expected);
    // The timestamps travel with their records.
    assert_eq!(times, ids.iter().map(|&i| 10 * i as i64).collect::<Vec<_>>());
    // Every run serves the same order.
    let again = build("RandomIterator", &[("seed", Value::Int(1239))]);
    assert_eq!(ids_served(&again, &rows(8)).0, ids);
    let other = build("RandomIterator", &[("seed", Value::Int(1240))]);
    assert_ne!(ids_served(&other, &rows(8)).0, ids);
}

#[test]
fn random_iterator_manual_mode_shuffles_on_demand() {
    let it =
        build("RandomIterator", &[("seed", Value::Int(1239)), ("shuffle_mode", Value::Str("manual_shuffle".into()))]);
    let (ids, _) = ids_served(&it, &rows(8));
    assert_eq!(ids, (0..8).collect::<Vec<_>>());
    it.call("shuffle", &[]).unwrap();
    let path = tmp("manual.txt");
    let logger = build("InputLogger", &[("output_file", s(&path))]);
    let exp = build("OnlineExperiment", &[]);
    wire(&exp, "set_recommender_data_iterator", &it);
    wire(&exp, "add_logger", &logger);
    run(&exp).unwrap();
    let first: Vec<usize> = read(&path).lines().map(|l| l.split(' ').nth(3).unwrap().parse().unwrap()).collect();
    assert_eq!(first, vec![4, 6, 5, 1, 3, 7, 2, 0]);
    // A second shuffle permutes the current order once more with the same generator.
    it.call("shuffle", &[]).unwrap();
    run(&exp).unwrap();
    let second: Vec<usize> = read(&path).lines().map(|l| l.split(' ').nth(3).unwrap().parse().unwrap()).collect();
    let mut rng = Random::new(1239);
    let mut expected: Vec<usize> = (0..8).collect();
    rng.shuffle(&mut expected);
    rng.shuffle(&mut expected);
    assert_eq!(second, expected);
}

#[test]
fn random_online_iterator_keeps_time_flowing() {
    let it = build("RandomOnlineIterator", &[("seed", Value::Int(1239))]);
    let (ids, times) = ids_served(&it, &rows(8));
    assert_eq!(ids, vec![4, 6, 5, 1, 3, 7, 2, 0]);
    assert_eq!(times, (0..8).map(|k| 10 * k).collect::<Vec<i64>>());
}

/// Transitions 0->1 (twice), 1->2 (twice), 0->2 (twice by the end); r8 is not evaluated.
const TRANSITIONS: [Row; 10] = [
    (0.0, 0, 0, 1.0, 1),
    (10.0, 0, 1, 1.0, 1),
    (20.0, 1, 0, 1.0, 1),
    (30.0, 1, 1, 1.0, 1),
    (40.0, 0, 2, 1.0, 1),
    (50.0, 1, 2, 1.0, 1),
    (60.0, 2, 0, 1.0, 1),
    (70.0, 2, 2, 1.0, 1),
    (80.0, 3, 0, 1.0, 0),
    (90.0, 3, 2, 1.0, 1),
];

#[test]
fn transition_model_loggers_write_exact_files() {
    let (timeline, degrees, end) = (tmp("timeline.txt"), tmp("degrees"), tmp("end.txt"));
    let model = build("TransitionProbabilityModel", &[]);
    let updater = build("TransitionProbabilityModelUpdater", &[]);
    wire(&updater, "set_model", &model);
    let logger = build(
        "TransitionModelLogger",
        &[
            ("timeline_logfile_name", s(&timeline)),
            ("toplist_length_logfile_basename", s(&degrees)),
            ("period_length", Value::Int(25)),
            ("top_k", Value::Int(1)),
        ],
    );
    wire(&logger, "set_model", &model);
    let end_logger = build("TransitionModelEndLogger", &[("log_file_name", s(&end)), ("max_length", Value::Int(1))]);
    wire(&end_logger, "set_model", &model);
    let exp = experiment(&TRANSITIONS, &build("SimpleIterator", &[]), &[&logger], &[&end_logger], &[&updater]);
    run(&exp).unwrap();
    assert_eq!(
        read(&timeline),
        "0 1 0 0 0 0 0 0 0 0 0\n\
         10 1 1 1 0 0 0 0 0 0 0\n\
         20 1 2 0 0 0 1 0 0 0 0\n\
         30 1 3 1 1 1 1 0.693147 1 0 0\n\
         40 1 4 2 0 0 0 0 0 0 0\n\
         50 1 5 2 1 1 1 0.693147 1 0 0\n\
         60 1 6 0 0 0 2 0 0 0 0\n\
         70 1 7 2 1 2 2 0 2 0 0\n\
         90 1 9 2 2 3 3 0.693147 2 1 2\n"
    );
    let degree_file = |p: i64| read(&PathBuf::from(format!("{}_{p}", degrees.display())));
    assert_eq!(degree_file(0), "0 1\n");
    assert_eq!(degree_file(1), "0 1\n1 1\n");
    assert_eq!(degree_file(2), "0 2\n1 1\n");
    assert!(!PathBuf::from(format!("{}_3", degrees.display())).exists());
    assert_eq!(read(&end), "0 2 4 1,2\n1 1 2 2,2\n");
    // Longer lists: ties by lower item id first.
    let end_logger = build("TransitionModelEndLogger", &[("log_file_name", s(&end))]);
    wire(&end_logger, "set_model", &model);
    let model2 = build("TransitionProbabilityModel", &[]);
    let updater2 = build("TransitionProbabilityModelUpdater", &[]);
    wire(&updater2, "set_model", &model2);
    let end2 = build("TransitionModelEndLogger", &[("log_file_name", s(&end))]);
    wire(&end2, "set_model", &model2);
    let exp = experiment(&TRANSITIONS, &build("SimpleIterator", &[]), &[], &[&end2], &[&updater2]);
    run(&exp).unwrap();
    assert_eq!(read(&end), "0 2 4 1,2 2,2\n1 1 2 2,2\n");
}

/// Scores 1, 1, 1, 3 on items 0, 0, 1, 0 at times 0, 10, 20, 30 (popularity model).
const SCORED: [Row; 4] = [(0.0, 0, 0, 1.0, 1), (10.0, 1, 0, 1.0, 1), (20.0, 2, 1, 1.0, 1), (30.0, 3, 0, 3.0, 1)];

fn evaluation_file(timeframe: f64, error_type: &str) -> String {
    let path = tmp(&format!("evaluation-{timeframe}-{error_type}.txt"));
    let model = build("PopularityModel", &[]);
    let updater = build("PopularityModelUpdater", &[]);
    wire(&updater, "set_model", &model);
    let logger = build(
        "EvaluationLogger",
        &[
            ("file_name", s(&path)),
            ("timeframe", Value::Float(timeframe)),
            ("error_type", Value::Str(error_type.into())),
        ],
    );
    wire(&logger, "set_model", &model);
    let exp = experiment(&SCORED, &build("SimpleIterator", &[]), &[&logger], &[], &[&updater]);
    run(&exp).unwrap();
    read(&path)
}

#[test]
fn evaluation_logger_averages_the_signed_error_in_the_window() {
    // Before r1 the model has seen item 0 once: pred(0) = 1, pred(1) = 0. Position 0 is never
    // included, so the first line has no records (nan).
    assert_eq!(evaluation_file(15.0, "mse"), "0 nan\n10 0.5\n20 1.5\n30 2\n");
    // Looking back from r3: r3 (3 − 1) and r2 (1 − ln2/ln3); r1 is 20 away.
    let back = 0.5 * (2.0 + 1.0 - 2f64.ln() / 3f64.ln());
    assert_eq!(
        evaluation_file(-15.0, "mse"),
        format!(
            "0 nan\n10 0\n20 {}\n30 {}\n",
            alpenglow_core::loggers::format_g(0.5 * (1.0 + 0.0)),
            alpenglow_core::loggers::format_g(back)
        )
    );
    assert_eq!(evaluation_file(15.0, "abs"), "0 nan\n10 0\n20 0\n30 0\n");
}

#[test]
fn list_conditional_meta_logger_runs_the_inner_logger_where_flagged() {
    let path = tmp("conditional.txt");
    let inner = build("InputLogger", &[("output_file", s(&path))]);
    let meta = build("ListConditionalMetaLogger", &[]);
    wire(&meta, "set_logger", &inner);
    meta.downcast::<ListConditionalMetaLogger>()
        .unwrap()
        .with_mut(|l| l.set_should_run(vec![true, false, false, true]))
        .unwrap();
    let exp = experiment(&SMALL, &build("SimpleIterator", &[]), &[&meta], &[], &[]);
    run(&exp).unwrap();
    assert_eq!(read(&path), "0 0 0 0 1\n30 0 2 3 1\n");
    meta.downcast::<ListConditionalMetaLogger>().unwrap().with_mut(|l| l.set_should_run(vec![true, true])).unwrap();
    let e = run(&exp).unwrap_err().to_string();
    assert!(e.contains("should_run_vector has 2 flags, but record 2 was reached"), "{e}");
    // The records before the error were logged and the file flushed.
    assert_eq!(read(&path), "0 0 0 0 1\n10 1 3 1 0.5\n");
    let unwired = build("ListConditionalMetaLogger", &[]);
    let exp = experiment(&SMALL, &build("SimpleIterator", &[]), &[&unwired], &[], &[]);
    assert!(run(&exp).unwrap_err().to_string().contains("set_logger"));
}

#[test]
fn interrupt_and_memory_usage_loggers_leave_the_results_alone() {
    let path = tmp("with-extra-loggers.txt");
    let input = build("InputLogger", &[("output_file", s(&path))]);
    let exp = experiment(
        &SMALL,
        &build("SimpleIterator", &[]),
        &[&build("InterruptLogger", &[]), &build("MemoryUsageLogger", &[]), &input],
        &[],
        &[],
    );
    assert_eq!(run(&exp).unwrap(), 4);
    assert_eq!(read(&path).lines().count(), 4);
}

#[test]
fn list_rank_objective_is_registered_and_takes_no_wiring() {
    let o = build("ObjectiveListRank", &[]);
    assert_eq!(o.roles.infos().map(|i| i.name).collect::<Vec<_>>(), vec!["listwise_objective"]);
    let gc = build("GradientComputerPointWise", &[]);
    let e = gc.node.wire("set_objective", &o).unwrap_err().to_string();
    assert!(e.contains("expected a point-wise objective, got ObjectiveListRank"), "{e}");
}
