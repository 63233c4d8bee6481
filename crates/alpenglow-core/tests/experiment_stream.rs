//! Whole experiments built through the registry, with rank codes computed by hand
//! (core-components.md §3.1, §4.1; seed 43211234 draws: u = .299, .058, .145, .531, .339, ...
//! so get(2) = 0 0 0 1 0 and get(3) = 0 0 0 1 1).

mod common;

use alpenglow_core::component::Handle;
use alpenglow_core::data::iterators::shuffle_equal_times;
use alpenglow_core::data::{OwnedColumns, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::loggers::{MemoryRankingLogger, RankingLogs};
use alpenglow_core::models::popularity::PopularityModel;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use common::{build, wire};

/// (time, user, item); score 1, eval 1.
type Row = (f64, i64, i64);

fn data(rows: &[Row]) -> Handle {
    let mut c = OwnedColumns::default();
    for (n, &(t, u, i)) in rows.iter().enumerate() {
        c.push(t, u, i, n as i64, 1.0, 1, 0);
    }
    registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {})
}

struct Exp {
    exp: Handle,
    logger: Handle,
    model: Handle,
}

impl Exp {
    /// Data -> iterator -> OnlineExperiment(kwargs); PopularityModel + updater; ranking logger.
    fn new(rows: &[Row], kwargs: &[(&str, Value)], iterator: (&str, Vec<(&str, Value)>), wire_logger: bool) -> Exp {
        let data = data(rows);
        let it = build(iterator.0, &iterator.1);
        wire(&it, "set_recommender_data", &data);
        let exp = build("OnlineExperiment", kwargs);
        wire(&exp, "set_recommender_data_iterator", &it);
        let model = build("PopularityModel", &[]);
        let updater = build("PopularityModelUpdater", &[]);
        wire(&updater, "set_model", &model);
        let logger = build("MemoryRankingLogger", &[("random_seed", Value::Int(43211234))]);
        if wire_logger {
            wire(&logger, "set_model", &model);
        }
        wire(&exp, "add_logger", &logger);
        wire(&exp, "add_updater", &updater);
        Exp { exp, logger, model }
    }

    fn run(&self) -> alpenglow_core::Result<usize> {
        alpenglow_core::experiment::run(&self.exp, &mut NoHooks).map(|s| s.records)
    }

    fn logs(&self) -> RankingLogs {
        self.logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().clone()).unwrap()
    }

    fn count(&self, item: u32) -> u32 {
        self.model.downcast::<PopularityModel>().unwrap().with(|m| m.count(item)).unwrap()
    }
}

/// Items 0, 1, 2 by users 0..5. The container order before each record is in the comments.
const STREAM: [Row; 12] = [
    (0.0, 0, 0),  // r0
    (1.0, 1, 0),  // r1
    (2.0, 0, 1),  // r2
    (3.0, 1, 1),  // r3
    (4.0, 2, 2),  // r4
    (4.0, 2, 0),  // r5
    (5.0, 3, 2),  // r6
    (6.0, 3, 1),  // r7
    (7.0, 4, 2),  // r8
    (8.0, 4, 0),  // r9
    (9.0, 5, 1),  // r10
    (10.0, 5, 0), // r11
];

fn kw(top_k: i64, exclude_known: bool) -> Vec<(&'static str, Value)> {
    vec![("top_k", Value::Int(top_k)), ("exclude_known", Value::Bool(exclude_known))]
}

fn simple() -> (&'static str, Vec<(&'static str, Value)>) {
    ("SimpleIterator", vec![])
}

/// top_k = 2, known items not excluded.
#[test]
fn popularity_rank_codes() {
    let e = Exp::new(&STREAM, &kw(2, false), simple(), true);
    assert_eq!(e.run().unwrap(), 12);
    let logs = e.logs();
    let expected = [
        7, // r0: item 0 never seen -> top_k+5
        0, // r1: order [0]; only the target -> rank 0
        7, // r2: item 1 new -> top_k+5
        1, // r3: [0(2), 1(1)]: 0 better -> 1
        7, // r4: item 2 new
        0, // r5: [0(2), 1(2), 2(1)]: 1 ties the target (count 2) -> draw 1: get(2) = 0 -> 0
        2, // r6: [0(3), 1(2), 2(1)]: 0 and 1 better -> stop at top_k -> 2 (not in list)
        1, // r7: [0(3), 1(2), 2(2)]: 0 better, 2 ties -> draw 2: get(2) = 0 -> 1
        2, // r8: [0(3), 1(3), 2(2)]: 0, 1 better -> 2
        0, // r9: [0(3), 1(3), 2(3)]: 1, 2 tie -> draw 3: get(3) = 0 -> 0
        2, // r10: [0(4), 1(3), 2(3)]: 0 better, 2 ties -> draw 4: get(2) = 1 -> 1 + 1 = 2
        0, // r11: [0(4), 1(4), 2(3)]: 1 ties -> draw 5: get(2) = 0 -> 0
    ];
    assert_eq!(logs.rank, expected);
    assert_eq!(logs.record_index, (0..12).collect::<Vec<i64>>());
    assert_eq!(logs.top_k, 2);
    assert_eq!(logs.prediction[0], 0.0);
    assert_eq!(logs.prediction[1], 1.0);
    assert!((logs.prediction[3] - 2f64.ln() / 3f64.ln()).abs() < 1e-15);
    assert_eq!((e.count(0), e.count(1), e.count(2)), (5, 4, 3));
}

/// Same stream with exclude_known: known items are skipped, which changes counts and draws.
#[test]
fn popularity_rank_codes_exclude_known() {
    let e = Exp::new(&STREAM, &kw(2, true), simple(), true);
    e.run().unwrap();
    let expected = [
        7, // r0 new
        0, // r1: u1 knows nothing
        7, // r2 new
        0, // r3: u1 knows 0, which is skipped -> 0
        7, // r4 new
        0, // r5: u2 knows 2; 1 ties -> draw 1 = 0 -> 0
        2, // r6: u3 knows nothing; 0, 1 better -> 2
        1, // r7: u3 knows 2; 0 better -> 1, no tie, no draw
        2, // r8: u4 knows nothing -> 2
        0, // r9: u4 knows 2; 1 ties -> draw 2: get(2) = 0 -> 0
        1, // r10: u5 knows nothing; 0 better, 2 ties -> draw 3: get(2) = 0 -> 1
        0, // r11: u5 knows 1; 2 is lower -> 0, no draw
    ];
    assert_eq!(e.logs().rank, expected);
}

/// initialize_all: every id exists from the start, so a first occurrence is ranked; the model
/// has not counted it yet, so its prediction is exactly 0 -> top_k+2.
#[test]
fn popularity_rank_codes_initialize_all() {
    let mut kwargs = kw(2, false);
    kwargs.push(("initialize_all", Value::Bool(true)));
    let e = Exp::new(&STREAM, &kwargs, simple(), true);
    e.run().unwrap();
    let expected = [
        4, // r0: pre-filled item 0, model count 0 -> prediction 0 -> top_k+2
        0, // r1: [0(1), 1(0), 2(0)]: 1 and 2 score 0 < 1 -> 0
        4, // r2: item 1 count 0 -> top_k+2
        1, // r3: [0(2), 1(1), 2(0)]: 0 better -> 1
        4, // r4: item 2 -> top_k+2
        // From here the order and counts equal the first test's, and so do the draws.
        0, 2, 1, 2, 0, 2, 0,
    ];
    assert_eq!(e.logs().rank, expected);
}

/// evaluation_start_time: earlier records train but are not ranked, so they draw nothing.
#[test]
fn evaluation_start_time_skips_ranking_and_draws() {
    let mut kwargs = kw(2, false);
    kwargs.push(("evaluation_start_time", Value::Float(5.0)));
    let e = Exp::new(&STREAM, &kwargs, simple(), true);
    assert_eq!(e.run().unwrap(), 12);
    let logs = e.logs();
    assert_eq!(logs.record_index, (6..12).collect::<Vec<i64>>());
    // r6: 2; r7: draw 1 (0) -> 1; r8: 2; r9: draw 2 get(3) = 0 -> 0; r10: draw 3 get(2) = 0 -> 1;
    // r11: draw 4 get(2) = 1 -> 1.
    assert_eq!(logs.rank, [2, 1, 2, 0, 1, 1]);
}

/// experiment_termination_time stops the loop at the first record with time >= it
/// (decisions.md: it works for every input, not only files).
#[test]
fn termination_time_stops_the_loop() {
    let mut kwargs = kw(2, false);
    kwargs.push(("experiment_termination_time", Value::Float(4.0)));
    let e = Exp::new(&STREAM, &kwargs, simple(), true);
    assert_eq!(e.run().unwrap(), 4);
    assert_eq!(e.logs().rank, [7, 0, 7, 1]);
    assert_eq!((e.count(0), e.count(1), e.count(2)), (2, 2, 0), "records from time 4 on are not trained");
}

/// ShuffleIterator serves equal-time runs contiguously, in time order, shuffled inside each
/// run by the seeded Fisher-Yates; the run actually moves (also its first record) for some seed.
#[test]
fn shuffle_iterator_keeps_equal_time_runs_contiguous() {
    let times = [0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0];
    let rows: Vec<Row> = times.iter().enumerate().map(|(n, &t)| (t, n as i64 % 3, n as i64)).collect();
    let mut moved_first = false;
    for seed in [254938879i64, 745578, 1239, 42, 99991, 123456789] {
        let e = Exp::new(&rows, &kw(5, false), ("ShuffleIterator", vec![("seed", Value::Int(seed))]), true);
        assert_eq!(e.run().unwrap(), 10);
        let order: Vec<u32> = e.logs().record_index.iter().map(|&i| i as u32).collect();
        assert_eq!(order, shuffle_equal_times(|i| times[i], times.len(), seed), "seed {seed}");
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<u32>>(), "a permutation");
        for (pos, run) in [(0..3, 0..3), (3..4, 3..4), (4..8, 4..8), (8..10, 8..10)] {
            let mut got = order[pos].to_vec();
            got.sort();
            assert_eq!(got, run.collect::<Vec<u32>>(), "seed {seed}: runs stay in place");
        }
        moved_first |= order[0] != 0 || order[4] != 4;
    }
    assert!(moved_first, "the first record of a run must be movable (the original's off-by-one is fixed)");
    let bad = registry::build("ShuffleIterator", &[("seed".to_string(), Value::Int(0))]);
    assert!(bad.is_err(), "seed 0 is degenerate");
}

/// A missing required wiring call fails before any record is processed, names the call, and
/// leaves the components usable (the run releases them).
#[test]
fn missing_set_model_fails_before_the_run() {
    let e = Exp::new(&STREAM, &kw(2, false), simple(), false);
    let err = e.run().expect_err("the logger has no model");
    let msg = err.to_string();
    assert!(msg.contains("set_model") && msg.contains("MemoryRankingLogger"), "{msg}");
    assert!(matches!(err, alpenglow_core::Error::Wiring(_)), "{err:?}");
    assert_eq!(e.count(0), 0, "nothing was trained");
    assert!(e.logs().rank.is_empty());
    wire(&e.logger, "set_model", &e.model);
    assert_eq!(e.run().unwrap(), 12, "after fixing the wiring the same components run");
    assert_eq!(e.logs().rank[..4], [7, 0, 7, 1]);
}

/// Wiring a component of the wrong kind is an error naming what was expected and what was given.
#[test]
fn wrong_kind_is_a_wiring_error() {
    let logger = build("MemoryRankingLogger", &[]);
    let updater = build("PopularityModelUpdater", &[]);
    let transition = build("TransitionProbabilityModel", &[]);
    let exp = build("OnlineExperiment", &[]);

    let msg = logger.node.wire("set_model", &updater).unwrap_err().to_string();
    assert!(msg.contains("a model") && msg.contains("PopularityModelUpdater"), "{msg}");
    let msg = updater.node.wire("set_model", &transition).unwrap_err().to_string();
    assert!(msg.contains("expected PopularityModel") && msg.contains("TransitionProbabilityModel"), "{msg}");
    let msg = exp.node.wire("add_logger", &transition).unwrap_err().to_string();
    assert!(msg.contains("a logger"), "{msg}");
    let msg = exp.node.wire("add_updater", &logger).unwrap_err().to_string();
    assert!(msg.contains("an updater"), "{msg}");
    let msg = logger.node.wire("set_modle", &transition).unwrap_err().to_string();
    assert!(msg.contains("set_modle") && msg.contains("set_model"), "unknown call lists the calls: {msg}");
}

/// The user-facing form of environment.rs::items_beyond_max_item_after_prefill_do_not_panic:
/// OnlineExperiment(initialize_all=True, max_item=1) on a stream with item 5 (Python users can
/// pass max_item below the data's). The run must not panic.
#[test]
fn initialize_all_with_small_max_item_runs() {
    let rows: [Row; 4] = [(0.0, 0, 0), (1.0, 0, 5), (2.0, 0, 0), (3.0, 0, 5)];
    let mut kwargs = kw(2, false);
    kwargs.extend([("initialize_all", Value::Bool(true)), ("max_item", Value::Int(1))]);
    let e = Exp::new(&rows, &kwargs, simple(), true);
    assert_eq!(e.run().unwrap(), 4);
    assert_eq!((e.count(0), e.count(5)), (2, 2));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, failure_persistence: None, ..Default::default() })]

    /// For any non-decreasing times: the served order is a permutation that keeps every
    /// maximal equal-time run in place (as a set), so served times stay non-decreasing.
    #[test]
    fn shuffle_keeps_runs_in_place(
        steps in proptest::collection::vec(0u8..3, 1..60),
        seed in 1i64..i32::MAX as i64,
    ) {
        let mut t = 0.0;
        let times: Vec<f64> = steps.iter().map(|&d| { t += d as f64 * 0.5; t }).collect();
        let order = shuffle_equal_times(|i| times[i], times.len(), seed);
        let mut sorted = order.clone();
        sorted.sort();
        proptest::prop_assert_eq!(sorted, (0..times.len() as u32).collect::<Vec<u32>>());
        for (pos, &idx) in order.iter().enumerate() {
            proptest::prop_assert_eq!(times[idx as usize], times[pos], "position {} serves record {}", pos, idx);
        }
    }
}

/// The reference ranking (score every item) gives exactly the fast paths' ranks and draws on
/// the popularity family and the transition model.
#[test]
fn reference_ranking_matches_fast_paths() {
    use alpenglow_core::data::OwnedColumns;
    use alpenglow_core::random::Random;
    let mut rng = Random::new(4242);
    let mut cols = OwnedColumns::default();
    for i in 0..400 {
        let user = rng.get_int(12) as i64;
        let item = (rng.get().powi(2) * 40.0) as i64;
        cols.push((i / 3) as f64, user, item, i, 1.0, 1, 1);
    }
    for (model, updater) in [
        ("PopularityModel", "PopularityModelUpdater"),
        ("PersonalPopularityModel", "PersonalPopularityModelUpdater"),
        ("TransitionProbabilityModel", "TransitionProbabilityModelUpdater"),
    ] {
        for exclude_known in [false, true] {
            let ranks = |reference: bool| {
                let data = registry::wrap(RecommenderData::from_owned(cols.clone()).unwrap(), |_, _| {});
                let it = build("SimpleIterator", &[]);
                wire(&it, "set_recommender_data", &data);
                let exp = build("OnlineExperiment", &[("top_k", Value::Int(5)), ("exclude_known", Value::Bool(exclude_known))]);
                wire(&exp, "set_recommender_data_iterator", &it);
                let m = build(model, &[]);
                let u = build(updater, &[]);
                wire(&u, "set_model", &m);
                let logger = build(
                    "MemoryRankingLogger",
                    &[("random_seed", Value::Int(43211234)), ("reference_ranking", Value::Bool(reference))],
                );
                wire(&logger, "set_model", &m);
                wire(&exp, "add_logger", &logger);
                wire(&exp, "add_updater", &u);
                alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
                logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().rank.clone()).unwrap()
            };
            assert_eq!(ranks(false), ranks(true), "{model}, exclude_known={exclude_known}");
        }
    }
}

/// Hooks on a fake clock that advances 20 ms at every read, asking to stop at the `stop_at`-th
/// call (as Ctrl-C does).
struct SlowClockHooks {
    start: std::time::Instant,
    reads: std::cell::Cell<u32>,
    calls: Vec<usize>,
    stop_at: usize,
}

impl alpenglow_core::experiment::RunHooks for SlowClockHooks {
    fn interval(&self) -> usize {
        1_000_000
    }
    fn now(&self) -> std::time::Instant {
        self.reads.set(self.reads.get() + 1);
        self.start + std::time::Duration::from_millis(20) * self.reads.get()
    }
    fn progress(&mut self, done: usize, _total: usize) -> alpenglow_core::Result<()> {
        self.calls.push(done);
        if self.calls.len() == self.stop_at {
            return Err(alpenglow_core::Error::Interrupted);
        }
        Ok(())
    }
}

/// Was a bug: the hooks (and so Ctrl-C) were reached only every `interval` records, so slow
/// records (negative_rate=1e6) ignored Ctrl-C for minutes. Now they are also reached every
/// `period` (50 ms) of work, and an interruption keeps the results so far.
#[test]
fn hooks_are_called_by_elapsed_time_and_an_interruption_keeps_the_results() {
    let e = Exp::new(&STREAM, &kw(2, false), simple(), true);
    let mut hooks =
        SlowClockHooks { start: std::time::Instant::now(), reads: Default::default(), calls: Vec::new(), stop_at: 100 };
    assert_eq!(alpenglow_core::experiment::run(&e.exp, &mut hooks).unwrap().records, 12);
    assert!(hooks.calls.len() >= 5, "calls at {:?}", hooks.calls);
    let mut hooks =
        SlowClockHooks { start: std::time::Instant::now(), reads: Default::default(), calls: Vec::new(), stop_at: 2 };
    let err = alpenglow_core::experiment::run(&e.exp, &mut hooks).unwrap_err();
    assert!(matches!(err, alpenglow_core::Error::Interrupted));
    let stopped_after = hooks.calls[1];
    assert!(stopped_after < 12);
    assert_eq!(e.logs().rank.len(), stopped_after, "the records evaluated before the interruption are logged");
}
