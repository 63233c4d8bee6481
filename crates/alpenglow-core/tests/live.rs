//! The live model (`experiment::live`): state kept by a run, queried and trained further.

mod common;

use alpenglow_core::component::Handle;
use alpenglow_core::data::{OwnedColumns, RecDat, RecommenderData};
use alpenglow_core::experiment::live;
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use common::{build, wire};

/// (experiment, model) of a transition-probability run over `pairs` (user, item) at times 0, 1, ...
fn experiment(pairs: &[(u32, u32)]) -> (Handle, Handle) {
    let mut c = OwnedColumns::default();
    for (n, &(u, i)) in pairs.iter().enumerate() {
        c.push(n as f64, u as i64, i as i64, n as i64, 1.0, 1, 0);
    }
    let data: Handle = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let iterator = build("SimpleIterator", &[]);
    wire(&iterator, "set_recommender_data", &data);
    let exp = build("OnlineExperiment", &[("top_k", Value::Int(5)), ("exclude_known", Value::Bool(false))]);
    wire(&exp, "set_recommender_data_iterator", &iterator);
    let model = build("TransitionProbabilityModel", &[]);
    let updater = build("TransitionProbabilityModelUpdater", &[]);
    wire(&updater, "set_model", &model);
    let logger = build("MemoryRankingLogger", &[]);
    wire(&logger, "set_model", &model);
    wire(&exp, "add_logger", &logger);
    wire(&exp, "add_updater", &updater);
    (exp, model)
}

fn stream() -> Vec<(u32, u32)> {
    let mut r = alpenglow_core::random::Random::new(5);
    (0..300).map(|_| (r.get_int(7) as u32, r.get_int(20) as u32)).collect()
}

#[test]
fn before_a_run_every_call_says_run_first() {
    let (exp, model) = experiment(&stream());
    let e = live::recommend(&exp, &model, 0, 3, true).unwrap_err().to_string();
    assert!(e.contains("run it first"), "{e}");
    assert!(live::learn(&exp, &[]).unwrap_err().to_string().contains("run it first"));
}

#[test]
fn run_then_learn_equals_the_longer_run() {
    let all = stream();
    let (split, split_model) = experiment(&all[..200]);
    alpenglow_core::experiment::run(&split, &mut NoHooks).unwrap();
    let rest: Vec<RecDat> = all[200..]
        .iter()
        .enumerate()
        .map(|(k, &(user, item))| RecDat { time: (200 + k) as f64, user, item, score: 1.0, ..RecDat::default() })
        .collect();
    assert_eq!(live::learn(&split, &rest).unwrap(), 100);
    let (whole, whole_model) = experiment(&all);
    alpenglow_core::experiment::run(&whole, &mut NoHooks).unwrap();
    let users: Vec<u32> = (0..7).flat_map(|u| std::iter::repeat_n(u, 20)).collect();
    let items: Vec<u32> = (0..7 * 20).map(|k| k % 20).collect();
    let a = live::predict(&split, &split_model, &users, &items).unwrap();
    assert_eq!(a, live::predict(&whole, &whole_model, &users, &items).unwrap());
    assert!(a.iter().any(|&p| p > 0.0));
    for u in 0..7 {
        assert_eq!(
            live::recommend(&split, &split_model, u, 5, true).unwrap(),
            live::recommend(&whole, &whole_model, u, 5, true).unwrap()
        );
    }
    // The model must be the experiment's; time may not go back.
    let e = live::predict(&split, &whole_model, &[0], &[0]).unwrap_err().to_string();
    assert!(e.contains("not wired into this experiment"), "{e}");
    let back = RecDat { time: 5.0, ..RecDat::default() };
    assert!(live::learn(&split, &[back]).unwrap_err().to_string().contains("earlier than the last"));
}
