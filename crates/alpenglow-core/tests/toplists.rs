//! The toplist creators through the registry: the global top list of a factor model and the
//! personalised one against brute force, and the standalone offline fit.

mod common;

use alpenglow_core::component::Handle;
use alpenglow_core::data::RecDat;
use alpenglow_core::models::Model;
use alpenglow_core::models::factor::FactorModel;
use alpenglow_core::params::Value;
use alpenglow_core::random::Random;
use alpenglow_core::toplists::ToplistCreator;

use common::{build, env, rec, wire};

fn factor_model(users: u32, items: u32, seed: i64) -> Handle {
    let model = build("FactorModel", &[("dimension", Value::Int(3))]);
    let mut r = Random::new(seed);
    model
        .downcast::<FactorModel>()
        .unwrap()
        .with_mut(|m| {
            for u in 0..users {
                // few distinct values: many tied scores
                let v: Vec<f64> = (0..3).map(|_| (r.get_int(5) as f64 - 2.0) * 0.5).collect();
                m.set_user_factor(u, &v).unwrap();
            }
            for i in 0..items {
                let v: Vec<f64> = (0..3).map(|_| (r.get_int(5) as f64 - 2.0) * 0.5).collect();
                m.set_item_factor(i, &v).unwrap();
            }
        })
        .unwrap();
    model
}

fn run(creator: &Handle, e: &alpenglow_core::experiment::Environment, user: u32) -> Vec<(u32, u32, f64)> {
    creator.node.initialize(e).unwrap();
    creator
        .role::<dyn ToplistCreator>()
        .unwrap()
        .with_mut(|c| c.run(&rec(0.0, user, 0, 1.0), e).unwrap())
        .unwrap()
        .into_iter()
        .map(|r| (r.user, r.item, r.score))
        .collect()
}

#[test]
fn global_list_equals_brute_force() {
    let (users, items) = (8, 11);
    let model = factor_model(users, items, 5);
    let mut e = env(100, true);
    let mut r = Random::new(9);
    for _ in 0..40 {
        e.update(&rec(0.0, r.get_int(users as usize) as u32, r.get_int(items as usize) as u32, 1.0));
    }
    let filter = build("FactorModelGlobalRankingScoreIterator", &[]);
    wire(&filter, "set_model", &model);
    for (k, exclude) in [(1, 1), (5, 1), (17, 0), (200, 1)] {
        let creator =
            build("ToplistCreatorGlobal", &[("top_k", Value::Int(k)), ("exclude_known", Value::Int(exclude))]);
        wire(&creator, "set_model", &model);
        wire(&creator, "set_filter", &filter);
        let got = run(&creator, &e, 0);
        let mut want: Vec<(u32, u32, f64)> = model
            .role::<dyn Model>()
            .unwrap()
            .with(|m| {
                let mut v = Vec::new();
                for &u in e.users() {
                    for &i in e.items() {
                        let s = m.prediction(&RecDat { user: u, item: i, ..Default::default() });
                        if s != 0.0 && !(exclude == 1 && e.train_matrix().has(u, i)) {
                            v.push((u, i, s));
                        }
                    }
                }
                v
            })
            .unwrap();
        want.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        want.truncate(k as usize);
        assert_eq!(got, want, "k={k} exclude={exclude}");
    }
}

#[test]
fn personalized_list_equals_brute_force() {
    let model = factor_model(4, 9, 2);
    let mut e = env(100, true);
    for (u, i) in [(0, 0), (0, 3), (1, 3), (2, 5), (0, 8), (3, 1), (3, 2), (1, 7), (2, 4), (1, 6)] {
        e.update(&rec(0.0, u, i, 1.0));
    }
    let creator = build("ToplistCreatorPersonalized", &[("top_k", Value::Int(4))]);
    wire(&creator, "set_model", &model);
    for user in 0..4 {
        let got = run(&creator, &e, user);
        let mut want: Vec<(u32, u32, f64)> = model
            .role::<dyn Model>()
            .unwrap()
            .with(|m| {
                e.items()
                    .iter()
                    .filter(|&&i| !e.train_matrix().has(user, i))
                    .map(|&i| (user, i, m.prediction(&RecDat { user, item: i, ..Default::default() })))
                    .filter(|t| t.2 != 0.0)
                    .collect()
            })
            .unwrap();
        want.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.cmp(&b.1)));
        want.truncate(4);
        assert_eq!(got, want, "user {user}");
    }
}

#[test]
fn standalone_fit_checks_the_learner_and_the_data() {
    use alpenglow_core::offline_learners::standalone::fit_standalone;
    let model = build("PopularityModel", &[]);
    let updater = build("PopularityModelUpdater", &[]);
    wire(&updater, "set_model", &model);
    let learner = build("OfflineIteratingOnlineLearnerWrapper", &[("number_of_iterations", Value::Int(0))]);
    assert!(fit_standalone(&model, &[rec(0.0, 0, 0, 1.0)]).unwrap_err().to_string().contains("offline learner"));
    assert!(fit_standalone(&learner, &[]).unwrap_err().to_string().contains("empty"));
    wire(&learner, "add_updater", &updater);
    let recs = [rec(0.0, 0, 0, 1.0), rec(1.0, 1, 0, 1.0), rec(2.0, 1, 1, 1.0)];
    let e = fit_standalone(&learner, &recs).unwrap();
    assert_eq!(e.items(), &[0, 1]);
    assert_eq!(e.users(), &[0, 1]);
    let p = model.role::<dyn Model>().unwrap().with(|m| m.prediction(&rec(0.0, 0, 1, 1.0))).unwrap();
    assert!((p - 2f64.ln() / 3f64.ln()).abs() < 1e-15);

    // An installed check stops the passes of the iterate updaters (Ctrl-C from Python).
    use alpenglow_core::offline_learners::interrupt::with_check;
    let looping = build("OfflineIteratingOnlineLearnerWrapper", &[("number_of_iterations", Value::Int(5))]);
    wire(&looping, "add_iterate_updater", &updater);
    let mut passes = 0;
    let stopped = with_check(
        move || {
            passes += 1;
            if passes == 2 { Err(alpenglow_core::Error::Interrupted) } else { Ok(()) }
        },
        || fit_standalone(&looping, &recs),
    );
    assert!(matches!(stopped, Err(alpenglow_core::Error::Interrupted)));
}
