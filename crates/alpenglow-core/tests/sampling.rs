//! Sample generators (core-components.md §1, §2.8, §5): distributions, exclusion rules, exact
//! MINSTD draw order, the implicit update cycle protocol, and the decisions.md fixes.
//! Expected draw sequences were computed by hand from the MINSTD definition (§5):
//! seed 67439852: u = .9087 .7854 .7024 .5675 .2834 .1379 .3654 .7941 ...;
//! seed 134235: u = .0173 .3308 .5670 .4398 .5337 .0065 .7798 .6560 ...

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use alpenglow_core::component::{Component, Handle, NoWiring};
use alpenglow_core::data::{OwnedColumns, RecDat, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::experiment::{Environment, Updater, UpdaterMessage};
use alpenglow_core::models::Model;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use alpenglow_core::sampling::{
    HighPredictionNegativeSampleGenerator, PooledPositiveSampleGenerator, PopularityNegativeSampleGenerator,
    UniformNegativeSampleGenerator,
};
use common::{build, env, rec, wire};

// ---------------------------------------------------------------- test doubles

alpenglow_core::parameters! {
    /// Records every message and sample it gets.
    pub struct RecorderParameters {}
}

#[derive(Debug, Clone, PartialEq)]
enum Event {
    Start,
    End,
    Other(UpdaterMessage),
    Sample(RecDat),
}

type Log = Arc<Mutex<Vec<Event>>>;

struct Recorder {
    params: RecorderParameters,
    wiring: NoWiring,
    log: Log,
}

impl Updater for Recorder {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> alpenglow_core::Result<()> {
        self.log.lock().unwrap().push(Event::Sample(*rec));
        Ok(())
    }
    fn message(&mut self, message: UpdaterMessage) -> alpenglow_core::Result<()> {
        self.log.lock().unwrap().push(match message {
            UpdaterMessage::StartOfImplicitUpdateCycle => Event::Start,
            UpdaterMessage::EndOfImplicitUpdateCycle => Event::End,
            m => Event::Other(m),
        });
        Ok(())
    }
}

impl Component for Recorder {
    const NAME: &'static str = "Recorder";
    type Params = RecorderParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> alpenglow_core::Result<Self> {
        Ok(Recorder { params, wiring: NoWiring, log: Log::default() })
    }
    alpenglow_core::component_accessors!();
}

fn recorder() -> (Handle, Log) {
    let r = Recorder::new(RecorderParameters {}).unwrap();
    let log = r.log.clone();
    (registry::wrap(r, |s, roles| roles.add::<dyn Updater>(s.clone())), log)
}

alpenglow_core::parameters! {
    /// Scores item i with scores[i].
    pub struct TableModelParameters {}
}

struct TableModel {
    params: TableModelParameters,
    wiring: NoWiring,
    scores: Vec<f64>,
}

impl Model for TableModel {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.scores.get(rec.item as usize).copied().unwrap_or(0.0)
    }
}

impl Component for TableModel {
    const NAME: &'static str = "TableModel";
    type Params = TableModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> alpenglow_core::Result<Self> {
        Ok(TableModel { params, wiring: NoWiring, scores: Vec::new() })
    }
    alpenglow_core::component_accessors!();
}

fn table_model(scores: Vec<f64>) -> Handle {
    let m = TableModel { scores, ..TableModel::new(TableModelParameters {}).unwrap() };
    registry::wrap(m, |s, roles| roles.add::<dyn Model>(s.clone()))
}

/// The samples of each implicit update cycle, checking Start/End framing.
fn cycles(log: &Log) -> Vec<Vec<RecDat>> {
    let mut out = Vec::new();
    let mut open: Option<Vec<RecDat>> = None;
    for e in log.lock().unwrap().iter() {
        match e {
            Event::Start => {
                assert!(open.is_none(), "Start inside a cycle");
                open = Some(Vec::new());
            }
            Event::Sample(r) => open.as_mut().expect("sample outside a cycle").push(*r),
            Event::End => out.push(open.take().expect("End without Start")),
            Event::Other(m) => panic!("unexpected {m:?}"),
        }
    }
    assert!(open.is_none());
    out
}

fn items(samples: &[RecDat]) -> Vec<u32> {
    samples.iter().map(|r| r.item).collect()
}

fn int(name: &'static str, v: i64) -> (&'static str, Value) {
    (name, Value::Int(v))
}

// ---------------------------------------------------------------- whole runs

/// (time, user, item), score 1, id = position.
const STREAM: [(f64, i64, i64); 7] =
    [(0.0, 0, 0), (1.0, 1, 1), (2.0, 0, 2), (3.0, 1, 0), (4.0, 2, 3), (5.0, 0, 1), (6.0, 2, 2)];

/// An experiment over STREAM whose updaters are `samplers`, each feeding a recorder.
fn run_twice(samplers: &[Handle]) -> Vec<Log> {
    let mut c = OwnedColumns::default();
    for (n, &(t, u, i)) in STREAM.iter().enumerate() {
        c.push(t, u, i, n as i64, 1.0, 1, 0);
    }
    let data = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let it = build("SimpleIterator", &[]);
    wire(&it, "set_recommender_data", &data);
    let exp = build("OnlineExperiment", &[int("top_k", 5)]);
    wire(&exp, "set_recommender_data_iterator", &it);
    let mut logs = Vec::new();
    for s in samplers {
        let (r, log) = recorder();
        wire(s, "add_updater", &r);
        wire(&exp, "add_updater", s);
        logs.push(log);
    }
    for _ in 0..2 {
        alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
    }
    logs
}

/// Every run restarts from the seed, so the second run repeats the first exactly.
fn halves(log: &Log) -> Vec<Vec<RecDat>> {
    let all = cycles(log);
    assert_eq!(all.len(), 2 * STREAM.len());
    let (a, b) = all.split_at(STREAM.len());
    assert_eq!(a, b, "the second run differs from the first");
    a.to_vec()
}

#[test]
fn uniform_in_a_run_matches_the_hand_computed_draws() {
    let with = build("UniformNegativeSampleGenerator", &[int("negative_rate", 2)]);
    let without =
        build("UniformNegativeSampleGenerator", &[int("negative_rate", 2), ("filter_repeats", Value::Bool(true))]);
    let logs = run_twice(&[with, without]);
    // Each cycle: the positive (the record itself) first, then the negatives, score 0.
    let with = halves(&logs[0]);
    let without = halves(&logs[1]);
    for (n, cycle) in with.iter().chain(&without).enumerate() {
        let (t, u, i) = STREAM[n % STREAM.len()];
        assert_eq!((cycle[0].time, cycle[0].user, cycle[0].item, cycle[0].score), (t, u as u32, i as u32, 1.0));
        assert!(cycle[1..].iter().all(|r| r.score == 0.0 && r.user == u as u32 && r.time == t && r.id == cycle[0].id));
    }
    let negatives = |c: &[Vec<RecDat>]| c.iter().map(|s| items(&s[1..])).collect::<Vec<_>>();
    // With replacement (items in first-occurrence order [0, 1, 2, 3]); the last record
    // repeats item 1, the only unknown one left twice.
    let expected: Vec<Vec<u32>> = vec![vec![], vec![0], vec![1], vec![2], vec![2, 1], vec![3], vec![1, 1]];
    assert_eq!(negatives(&with), expected);
    let expected: Vec<Vec<u32>> = vec![vec![], vec![0], vec![1], vec![2], vec![0, 1], vec![3], vec![0, 1]];
    assert_eq!(negatives(&without), expected);
}

#[test]
fn pooled_positive_in_a_run_emits_from_the_second_record() {
    let pooled = build("PooledPositiveSampleGenerator", &[int("pool_size", 2), int("positive_rate", 2)]);
    let logs = run_twice(&[pooled]);
    let ids: Vec<Vec<i64>> = halves(&logs[0]).iter().map(|c| c.iter().map(|r| r.id).collect()).collect();
    // Record 0 fills the pool ([0, 0]); from record 1 on two pool entries per record.
    let expected: Vec<Vec<i64>> = vec![vec![], vec![0, 1], vec![0, 1], vec![2, 2], vec![3, 4], vec![3, 5], vec![5, 4]];
    assert_eq!(ids, expected);
}

// ---------------------------------------------------------------- distributions

/// Items 0..20 seen in order by user 99; user 0 knows items 0..5 and its current record is 5.
fn twenty_items() -> (Environment, RecDat, HashSet<u32>) {
    let mut e = env(10, false);
    for i in 0..20 {
        e.update(&rec(0.0, 99, i, 1.0));
    }
    for i in 0..6 {
        e.update(&rec(1.0, 0, i, 1.0));
    }
    (e, rec(1.0, 0, 5, 1.0), (0..6).collect())
}

fn assert_flat(counts: &HashMap<u32, usize>, support: &[u32], total: usize) {
    let expected = total as f64 / support.len() as f64;
    assert_eq!(counts.len(), support.len(), "{counts:?}");
    for i in support {
        let c = counts.get(i).copied().unwrap_or(0) as f64;
        assert!((c - expected).abs() < 0.1 * expected, "item {i}: {c} vs {expected}");
    }
}

#[test]
fn uniform_with_replacement_is_flat_over_unknown_items() {
    let (e, positive, known) = twenty_items();
    let h = build("UniformNegativeSampleGenerator", &[int("negative_rate", 3)]);
    let s = h.downcast::<UniformNegativeSampleGenerator>().unwrap();
    let mut counts = HashMap::new();
    s.with_mut(|s| {
        for _ in 0..10_000 {
            for &i in s.generate(&positive, &e) {
                assert!(!known.contains(&i));
                *counts.entry(i).or_insert(0) += 1;
            }
        }
    })
    .unwrap();
    assert_flat(&counts, &(6..20).collect::<Vec<_>>(), 30_000);
}

#[test]
fn uniform_without_replacement_has_no_duplicates_and_is_flat() {
    let (e, positive, known) = twenty_items();
    let h = build("UniformNegativeSampleGenerator", &[int("negative_rate", 5), ("filter_repeats", Value::Bool(true))]);
    let s = h.downcast::<UniformNegativeSampleGenerator>().unwrap();
    let mut counts = HashMap::new();
    s.with_mut(|s| {
        for _ in 0..10_000 {
            let negs = s.generate(&positive, &e).to_vec();
            assert_eq!(negs.len(), 5);
            assert_eq!(negs.iter().collect::<HashSet<_>>().len(), 5, "{negs:?}");
            for i in negs {
                assert!(!known.contains(&i));
                *counts.entry(i).or_insert(0) += 1;
            }
        }
        // A rate above the number of unknown items: every unknown item exactly once.
        let mut s2 = UniformNegativeSampleGenerator::new(
            alpenglow_core::sampling::uniform::UniformNegativeSampleGeneratorParameters {
                negative_rate: 1000.0,
                filter_repeats: true,
                ..Default::default()
            },
        )
        .unwrap();
        let mut all = s2.generate(&positive, &e).to_vec();
        all.sort();
        assert_eq!(all, (6..20).collect::<Vec<_>>());
    })
    .unwrap();
    assert_flat(&counts, &(6..20).collect::<Vec<_>>(), 50_000);
}

#[test]
fn popularity_sampling_is_proportional_to_popularity() {
    // Popularity: item i has i + 1 records of other users; user 0 knows item 0 and 4 (current).
    let mut e = env(10, false);
    for i in 0..6u32 {
        for u in 0..=i {
            e.update(&rec(0.0, 10 + u, i, 1.0));
        }
    }
    e.update(&rec(1.0, 0, 0, 1.0));
    e.update(&rec(1.0, 0, 4, 1.0));
    let positive = rec(1.0, 0, 4, 1.0);
    let h = build("PopularityNegativeSampleGenerator", &[int("negative_rate", 1)]);
    let s = h.downcast::<PopularityNegativeSampleGenerator>().unwrap();
    let mut counts = HashMap::new();
    let n = 30_000;
    s.with_mut(|s| {
        for _ in 0..n {
            for &i in s.generate(&positive, &e) {
                *counts.entry(i).or_insert(0usize) += 1;
            }
        }
    })
    .unwrap();
    // Unknown items 1, 2, 3, 5 with popularity 2, 3, 4, 6 (total 15).
    assert_eq!(counts.len(), 4, "{counts:?}");
    for (item, pop) in [(1u32, 2.0), (2, 3.0), (3, 4.0), (5, 6.0)] {
        let expected = n as f64 * pop / 15.0;
        let c = counts[&item] as f64;
        assert!((c - expected).abs() < 0.06 * expected, "item {item}: {c} vs {expected}");
    }
    // Without replacement: a rate above the number of unknown items gives each exactly once.
    let h = build("PopularityNegativeSampleGenerator", &[int("negative_rate", 10)]);
    let s = h.downcast::<PopularityNegativeSampleGenerator>().unwrap();
    let mut all = s.with_mut(|s| s.generate(&positive, &e).to_vec()).unwrap();
    all.sort();
    assert_eq!(all, vec![1, 2, 3, 5]);
}

#[test]
fn high_prediction_keeps_the_best_unknown_candidates() {
    let (e, positive, known) = twenty_items();
    // Known items score highest; among the unknown ones 19, 18, 17 are the best.
    let scores: Vec<f64> = (0..20).map(|i| if i < 6 { 100.0 } else { i as f64 }).collect();
    let h = build("HighPredictionNegativeSampleGenerator", &[int("negative_rate", 3), int("full_negative_rate", 50)]);
    wire(&h, "set_model", &table_model(scores));
    let s = h.downcast::<HighPredictionNegativeSampleGenerator>().unwrap();
    s.with_mut(|s| assert_eq!(s.generate(&positive, &e).unwrap(), &[19, 18, 17])).unwrap();
    // With fewer candidates than items: the best of a random subset, never a known item.
    let h = build("HighPredictionNegativeSampleGenerator", &[int("negative_rate", 2), int("full_negative_rate", 4)]);
    wire(&h, "set_model", &table_model((0..20).map(f64::from).collect()));
    let s = h.downcast::<HighPredictionNegativeSampleGenerator>().unwrap();
    let mut seen = HashSet::new();
    s.with_mut(|s| {
        for _ in 0..500 {
            let negs = s.generate(&positive, &e).unwrap().to_vec();
            assert_eq!(negs.len(), 2);
            assert!(negs[0] > negs[1]);
            assert!(negs.iter().all(|i| !known.contains(i)));
            seen.extend(negs);
        }
    })
    .unwrap();
    // The two lowest unknown items are never among the best 2 of 4 distinct candidates.
    assert!(!seen.contains(&6) && !seen.contains(&7));
    assert!(seen.contains(&19) && seen.contains(&9));
}

// ---------------------------------------------------------------- protocol and errors

#[test]
fn every_sub_updater_sees_start_samples_in_order_end() {
    let (e, positive, _) = twenty_items();
    let h = build("UniformNegativeSampleGenerator", &[int("negative_rate", 4)]);
    let (a, log_a) = recorder();
    let (b, log_b) = recorder();
    wire(&h, "add_updater", &a);
    wire(&h, "add_updater", &b);
    h.role::<dyn Updater>().unwrap().with_mut(|u| u.update(&positive, &e)).unwrap().unwrap();
    let ca = cycles(&log_a);
    assert_eq!(ca, cycles(&log_b));
    assert_eq!(ca.len(), 1);
    assert_eq!(ca[0].len(), 5);
    assert_eq!(ca[0][0], positive);
    // Interleaving, with one log shared by two sub-updaters: Start to both, each sample to
    // both before the next sample, End to both.
    let shared = Log::default();
    let h = build("UniformNegativeSampleGenerator", &[int("negative_rate", 1)]);
    for _ in 0..2 {
        let mut r = Recorder::new(RecorderParameters {}).unwrap();
        r.log = shared.clone();
        wire(&h, "add_updater", &registry::wrap(r, |s, roles| roles.add::<dyn Updater>(s.clone())));
    }
    h.role::<dyn Updater>().unwrap().with_mut(|u| u.update(&positive, &e)).unwrap().unwrap();
    let log = shared.lock().unwrap().clone();
    assert_eq!(log.len(), 8);
    assert_eq!((&log[0], &log[1], &log[6], &log[7]), (&Event::Start, &Event::Start, &Event::End, &Event::End));
    assert_eq!((&log[2], &log[3]), (&Event::Sample(positive), &Event::Sample(positive)));
    assert_eq!(log[4], log[5]);
}

#[test]
fn bad_parameters_give_clear_errors() {
    let err = |name: &str, kw: &[(&str, Value)]| {
        let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        registry::build(name, &kw).err().map(|e| e.to_string()).unwrap_or_default()
    };
    let u = "UniformNegativeSampleGenerator";
    assert_eq!(err(u, &[]), format!("{u}: parameter 'negative_rate' must be a finite number >= 0, got -1.0"));
    assert!(err(u, &[("negative_rate", Value::Float(-0.5))]).contains("got -0.5"));
    assert_eq!(
        err(u, &[int("negative_rate", 1), int("seed", 0)]),
        format!("{u}: parameter 'seed' must be a 32-bit seed, not 0, -4 or 2147483647, got 0")
    );
    assert!(err(u, &[int("negative_rate", 1), int("seed", 1 << 33)]).contains("'seed' must be a 32-bit seed"));
    let p = "PopularityNegativeSampleGenerator";
    assert!(err(p, &[int("negative_rate", -2)]).contains("'negative_rate' must be a finite number >= 0, got -2.0"));
    let hp = "HighPredictionNegativeSampleGenerator";
    assert!(err(hp, &[int("negative_rate", 1)]).contains("'full_negative_rate'"));
    assert!(err(hp, &[int("full_negative_rate", 1)]).contains("'negative_rate'"));
    let pp = "PooledPositiveSampleGenerator";
    assert!(err(pp, &[int("positive_rate", 1)]).contains("'pool_size' must be in 1..=2147483647, got -1"));
    assert!(err(pp, &[int("positive_rate", 1), int("pool_size", 0)]).contains("got 0"));
    assert!(err(pp, &[int("pool_size", 3)]).contains("'positive_rate' must be a finite number >= 0"));
    assert!(err(pp, &[int("pool_size", 3), int("positive_rate", 1), int("seed", 2147483647)]).contains("seed"));
    assert_eq!(err(pp, &[int("pool_size", 3), int("positive_rate", 1)]), "");
    // The high-prediction sampler needs its model before a run.
    let h = build(hp, &[int("negative_rate", 1), int("full_negative_rate", 1)]);
    let e = h.node.check_wiring().unwrap_err().to_string();
    assert!(e.contains("HighPredictionNegativeSampleGenerator.set_model(<a model>)"), "{e}");
    // A sub-updater must be an updater.
    let s = build(u, &[int("negative_rate", 1)]);
    assert!(s.node.wire("add_updater", &table_model(vec![])).is_err());
}

#[test]
fn pooled_positive_pool_holds_copies() {
    let h = build("PooledPositiveSampleGenerator", &[int("pool_size", 4), int("positive_rate", 1)]);
    let s = h.downcast::<PooledPositiveSampleGenerator>().unwrap();
    let first = RecDat { id: 7, score: 2.5, category: 3, ..rec(3.0, 1, 2, 2.5) };
    s.with_mut(|s| {
        assert!(s.generate(&first).is_empty());
        assert_eq!(s.generate(&rec(4.0, 0, 0, 1.0)), &[first]);
        assert_eq!(s.pool().len(), 2);
    })
    .unwrap();
}
