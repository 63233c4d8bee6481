//! Factorisation machine (core-components.md §2.4 FmModel/FmModelUpdater, §2.15 attribute
//! files, §5 seeds and RNG order, §6 save/load; decisions.md: the step is lr·d).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use alpenglow_core::component::Handle;
use alpenglow_core::data::{OwnedColumns, RecDat, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::experiment::Updater;
use alpenglow_core::loggers::{MemoryRankingLogger, RankingLogs};
use alpenglow_core::models::fm::{FmModel, SparseAttributeContainer};
use alpenglow_core::models::serialization::write_header;
use alpenglow_core::models::Model;
use alpenglow_core::params::Value;
use alpenglow_core::random::Random;
use alpenglow_core::{registry, Error};
use common::{build, env, rec, wire};

/// A fresh file per call (tests run in parallel).
fn temp_file(name: &str, content: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("alpenglow-fm-test-{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

fn kw(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn container(name: &str, content: &str) -> Handle {
    let path = temp_file(name, content);
    build("SparseAttributeContainer", &[("file_name", Value::Str(path.display().to_string()))])
}

fn build_err(name: &str, kwargs: &[(&str, Value)]) -> Error {
    registry::build(name, &kw(kwargs)).err().unwrap_or_else(|| panic!("{name} accepted {kwargs:?}"))
}

/// A model (with optional attribute files) and its updater, wired through the registry.
struct Fm {
    model: Handle,
    updater: Handle,
}

impl Fm {
    fn new(model_kw: &[(&str, Value)], lr: f64, users: Option<&Handle>, items: Option<&Handle>) -> Fm {
        let model = build("FmModel", model_kw);
        if let Some(c) = users {
            wire(&model, "set_user_attributes", c);
        }
        if let Some(c) = items {
            wire(&model, "set_item_attributes", c);
        }
        let updater = build("FmModelUpdater", &[("learning_rate", Value::Float(lr))]);
        wire(&updater, "set_model", &model);
        Fm { model, updater }
    }

    fn initialize(&self) {
        self.model.node.initialize(&env(10, false)).unwrap();
    }

    fn with<R>(&self, f: impl FnOnce(&mut FmModel) -> R) -> R {
        self.model.downcast::<FmModel>().unwrap().with_mut(f).unwrap()
    }

    fn predict(&self, user: u32, item: u32) -> f64 {
        self.with(|m| m.prediction(&rec(0.0, user, item, 1.0)))
    }

    fn train(&self, r: &RecDat) {
        let u = self.updater.role::<dyn Updater>().unwrap();
        u.with_mut(|u| u.update(r, &env(10, false))).unwrap().unwrap();
    }
}

// ---------------------------------------------------------------- attribute files

#[test]
fn attribute_file_rows_by_line_with_empty_lines() {
    let h = container("attr_ok", "0:1 5:0.25\n\n2:-3 1:1e-1\n5:2\n");
    let c = h.downcast::<SparseAttributeContainer>().unwrap();
    c.with(|c| {
        assert_eq!(c.len(), 4);
        assert_eq!(c.get_attributes(0), &[(0, 1.0), (5, 0.25)]);
        assert_eq!(c.get_attributes(1), &[], "empty line: no attributes");
        assert_eq!(c.get_attributes(2), &[(1, 0.1), (2, -3.0)], "sorted by index");
        assert_eq!(c.get_attributes(3), &[(5, 2.0)]);
        assert_eq!(c.get_attributes(4), &[], "beyond the file");
        assert_eq!(c.max_attribute_index(), Some(5));
    })
    .unwrap();
}

#[test]
fn attribute_file_errors_name_file_line_and_token() {
    let cases = [
        ("bad_colon", "0:1\n1:1 7\n", "line 2: token \"7\": expected index:value"),
        ("bad_index", "0:1\n\n\nx:1\n", "line 4: token \"x:1\": attribute index \"x\" is not an integer"),
        ("neg_index", "-1:1\n", "line 1: token \"-1:1\": attribute index -1 is negative"),
        ("bad_value", "0:1\n3:abc\n", "line 2: token \"3:abc\": attribute value \"abc\" is not a number"),
    ];
    for (name, content, expected) in cases {
        let path = temp_file(name, content);
        let err = build_err("SparseAttributeContainer", &[("file_name", Value::Str(path.display().to_string()))]);
        assert!(matches!(err, Error::Data(_)), "{err:?}");
        let msg = err.to_string();
        assert_eq!(msg, format!("{}, {expected}", path.display()));
    }
}

#[test]
fn attribute_file_missing_or_not_given() {
    let err = build_err("SparseAttributeContainer", &[("file_name", Value::Str("/nonexistent/attrs.txt".into()))]);
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/attrs.txt"));
    let err = build_err("SparseAttributeContainer", &[]);
    assert_eq!(err.to_string(), "SparseAttributeContainer: parameter 'file_name' must be a non-empty string, got ''");
}

// ---------------------------------------------------------------- prediction

/// uv = 1·U0 + 0.5·U2 = [1,2] + [2,-1] = [3,1]; iv = 2·I1 = [1,2]; uv·iv = 5.
#[test]
fn prediction_sums_attribute_factors() {
    let users = container("pred_u", "0:1 2:0.5\n1:1\n");
    let items = container("pred_i", "1:2\n");
    let fm = Fm::new(&[("dimension", Value::Int(2))], 0.1, Some(&users), Some(&items));
    fm.initialize();
    fm.with(|m| {
        m.set_user_factor(0, &[1.0, 2.0]).unwrap();
        m.set_user_factor(2, &[4.0, -2.0]).unwrap();
        m.set_user_factor(1, &[7.0, 7.0]).unwrap();
        m.set_item_factor(1, &[0.5, 1.0]).unwrap();
        m.set_item_factor(0, &[9.0, 9.0]).unwrap(); // attribute 0 is nobody's: unused
    });
    assert_eq!(fm.predict(0, 0), 0.0, "not added yet");
    fm.with(|m| m.add(&rec(0.0, 0, 0, 1.0)));
    assert_eq!(fm.predict(0, 0), 5.0);
    assert_eq!(fm.predict(1, 0), 0.0, "user 1 not added");
    fm.with(|m| m.add(&rec(0.0, 1, 0, 1.0)));
    assert_eq!(fm.predict(1, 0), 7.0 * 1.0 + 7.0 * 2.0);
    fm.with(|m| m.add(&rec(0.0, 0, 1, 1.0)));
    assert_eq!(fm.predict(0, 1), 0.0, "item 1 has no line: zero vector");
}

#[test]
fn prediction_one_hot_without_files() {
    let fm = Fm::new(&[("dimension", Value::Int(3))], 0.1, None, None);
    fm.initialize();
    fm.with(|m| {
        m.add(&rec(0.0, 4, 7, 1.0));
        m.set_user_factor(4, &[1.0, -2.0, 0.5]).unwrap();
        m.set_item_factor(7, &[3.0, 1.0, 4.0]).unwrap();
        m.set_user_factor(7, &[100.0, 100.0, 100.0]).unwrap(); // user 7 != item 7
    });
    assert_eq!(fm.predict(4, 7), 3.0 - 2.0 + 2.0);
    assert_eq!(fm.predict(7, 7), 0.0, "user 7 never added");
    assert_eq!(fm.predict(4, 8), 0.0);
}

// ---------------------------------------------------------------- the SGD step

/// One step moves every factor by lr·d·∂prediction/∂factor (the gradient descent step of
/// ½(score − prediction)²), with the derivative taken by central finite differences at the
/// factors before the step. The original's lr·d·|d| would be off by a factor |d| ≈ 2.9.
#[test]
fn update_is_the_squared_error_gradient_step() {
    let users = container("grad_u", "0:1.5 3:-0.5\n");
    let items = container("grad_i", "1:1\n0:0.75 2:2\n");
    let fm = Fm::new(&[("dimension", Value::Int(3))], 0.05, Some(&users), Some(&items));
    fm.initialize();
    let u0: [[f64; 3]; 2] = [[0.3, -0.2, 0.1], [0.05, 0.4, -0.3]];
    let i0: [[f64; 3]; 2] = [[0.2, 0.1, -0.4], [-0.1, 0.3, 0.25]];
    let (ua, ia) = ([0u32, 3], [0u32, 2]);
    fm.with(|m| {
        for k in 0..2 {
            m.set_user_factor(ua[k], &u0[k]).unwrap();
            m.set_item_factor(ia[k], &i0[k]).unwrap();
        }
        m.add(&rec(0.0, 0, 1, 3.0));
    });
    let p = fm.predict(0, 1);
    let score = 3.0;
    let d = score - p;
    assert!(d > 2.5, "{d}");
    let h = 1e-6;
    let fd = |set: &dyn Fn(&mut FmModel, f64)| {
        fm.with(|m| set(m, h));
        let plus = fm.predict(0, 1);
        fm.with(|m| set(m, -2.0 * h));
        let minus = fm.predict(0, 1);
        fm.with(|m| set(m, h));
        (plus - minus) / (2.0 * h)
    };
    let mut expected_u = u0;
    let mut expected_i = i0;
    for k in 0..2 {
        for j in 0..3 {
            let gu = fd(&|m: &mut FmModel, delta| {
                let mut v = m.user_factor(ua[k]).unwrap().to_vec();
                v[j] += delta;
                m.set_user_factor(ua[k], &v).unwrap();
            });
            let gi = fd(&|m: &mut FmModel, delta| {
                let mut v = m.item_factor(ia[k]).unwrap().to_vec();
                v[j] += delta;
                m.set_item_factor(ia[k], &v).unwrap();
            });
            expected_u[k][j] += 0.05 * d * gu;
            expected_i[k][j] += 0.05 * d * gi;
        }
    }
    fm.with(|m| {
        for k in 0..2 {
            m.set_user_factor(ua[k], &u0[k]).unwrap();
            m.set_item_factor(ia[k], &i0[k]).unwrap();
        }
    });
    let other_item_attribute = fm.with(|m| m.item_factor(1).unwrap().to_vec());
    fm.train(&rec(0.0, 0, 1, score));
    fm.with(|m| {
        for k in 0..2 {
            for j in 0..3 {
                let (got_u, got_i) = (m.user_factor(ua[k]).unwrap()[j], m.item_factor(ia[k]).unwrap()[j]);
                assert!(
                    (got_u - expected_u[k][j]).abs() < 1e-8,
                    "U[{}][{j}] = {got_u}, expected {}",
                    ua[k],
                    expected_u[k][j]
                );
                assert!(
                    (got_i - expected_i[k][j]).abs() < 1e-8,
                    "I[{}][{j}] = {got_i}, expected {}",
                    ia[k],
                    expected_i[k][j]
                );
            }
        }
        assert_eq!(m.item_factor(1).unwrap(), &other_item_attribute[..], "not an attribute of the sample");
    });
    assert!(
        (fm.predict(0, 1) - p).abs() > 0.01 && fm.predict(0, 1) > p,
        "the step moves the prediction towards the score"
    );
}

/// The exact formula on one-hot factors: U += lr·d·I_old, I += lr·d·U_old.
#[test]
fn update_exact_one_hot_step() {
    let fm = Fm::new(&[("dimension", Value::Int(2))], 0.5, None, None);
    fm.initialize();
    fm.with(|m| {
        m.add(&rec(0.0, 1, 2, 1.0));
        m.set_user_factor(1, &[1.0, 0.0]).unwrap();
        m.set_item_factor(2, &[0.5, 1.0]).unwrap();
    });
    // p = 0.5, d = 2 - 0.5 = 1.5, step = 0.75.
    fm.train(&rec(1.0, 1, 2, 2.0));
    fm.with(|m| {
        assert_eq!(m.user_factor(1).unwrap(), &[1.0 + 0.75 * 0.5, 0.75]);
        assert_eq!(m.item_factor(2).unwrap(), &[0.5 + 0.75, 1.0]);
    });
}

// ---------------------------------------------------------------- RNG order

fn draws(seed: i64, n: usize) -> Vec<f64> {
    let mut r = Random::new(seed);
    (0..n).map(|_| r.get() * (0.01 - (-0.01)) + (-0.01)).collect()
}

/// At initialize the attribute factors are drawn from the largest index down to 0 (index 1,
/// used by no entity, included); users from `seed`, items from `seed + 1`.
#[test]
fn attribute_factors_initialised_from_max_index_down() {
    let users = container("rng_u", "2:1\n0:1\n");
    let items = container("rng_i", "3:1 0:1\n");
    let fm = Fm::new(&[("dimension", Value::Int(2)), ("seed", Value::Int(1000))], 0.1, Some(&users), Some(&items));
    fm.initialize();
    let u = draws(1000, 6);
    let i = draws(1001, 8);
    fm.with(|m| {
        assert_eq!(m.user_factor(2).unwrap(), &u[0..2]);
        assert_eq!(m.user_factor(1).unwrap(), &u[2..4]);
        assert_eq!(m.user_factor(0).unwrap(), &u[4..6]);
        assert!(m.user_factor(3).is_none());
        for b in 0..4u32 {
            let k = (3 - b) as usize * 2;
            assert_eq!(m.item_factor(b).unwrap(), &i[k..k + 2], "item attribute {b}");
        }
    });
    // A second initialize (a second run) keeps the trained state.
    fm.train(&rec(0.0, 0, 0, 1.0));
    let before = fm.with(|m| m.user_factor(2).unwrap().to_vec());
    fm.initialize();
    assert_eq!(fm.with(|m| m.user_factor(2).unwrap().to_vec()), before);
}

/// Without files the entity factors are drawn at first add, in the order of the adds.
#[test]
fn one_hot_factors_initialised_at_first_add() {
    let fm = Fm::new(&[("dimension", Value::Int(2))], 0.0, None, None);
    fm.initialize();
    fm.train(&rec(0.0, 5, 2, 1.0));
    fm.train(&rec(1.0, 3, 2, 1.0));
    fm.train(&rec(2.0, 5, 9, 1.0));
    let (u, i) = (draws(745578, 4), draws(745579, 4));
    fm.with(|m| {
        assert_eq!(m.user_factor(5).unwrap(), &u[0..2]);
        assert_eq!(m.user_factor(3).unwrap(), &u[2..4]);
        assert_eq!(m.item_factor(2).unwrap(), &i[0..2]);
        assert_eq!(m.item_factor(9).unwrap(), &i[2..4]);
    });
}

// ---------------------------------------------------------------- whole runs, determinism

fn stream() -> Vec<(f64, i64, i64)> {
    let mut r = Random::new(99);
    (0..300).map(|n| (n as f64, r.get_int(12) as i64, r.get_int(20) as i64)).collect()
}

/// A full online run: FmModel + FmModelUpdater (directly, score 1) + ranking logger.
fn run_experiment(seed: i64, with_files: bool) -> RankingLogs {
    let mut c = OwnedColumns::default();
    for (n, &(t, u, i)) in stream().iter().enumerate() {
        c.push(t, u, i, n as i64, 1.0, 1, 0);
    }
    let data = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let it = build("SimpleIterator", &[]);
    wire(&it, "set_recommender_data", &data);
    let exp = build("OnlineExperiment", &[("top_k", Value::Int(5)), ("exclude_known", Value::Bool(false))]);
    wire(&exp, "set_recommender_data_iterator", &it);
    let (users, items);
    let (u, i) = if with_files {
        let ulines: String = (0..12).map(|u| format!("{u}:1 {}:0.5\n", 12 + u % 3)).collect();
        let ilines: String = (0..20).map(|i| format!("{}:0.1 {i}:1\n", 20 + i % 4)).collect();
        users = container("run_u", &ulines);
        items = container("run_i", &ilines);
        (Some(&users), Some(&items))
    } else {
        (None, None)
    };
    let fm = Fm::new(&[("seed", Value::Int(seed)), ("dimension", Value::Int(4))], 0.2, u, i);
    let logger = build("MemoryRankingLogger", &[("random_seed", Value::Int(43211234))]);
    wire(&logger, "set_model", &fm.model);
    wire(&exp, "add_logger", &logger);
    wire(&exp, "add_updater", &fm.updater);
    alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
    logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().clone()).unwrap()
}

#[test]
fn runs_are_deterministic_and_follow_the_seed() {
    for with_files in [false, true] {
        let a = run_experiment(745578, with_files);
        let b = run_experiment(745578, with_files);
        assert_eq!(a.rank, b.rank);
        assert_eq!(
            a.prediction.iter().map(|p| p.to_bits()).collect::<Vec<_>>(),
            b.prediction.iter().map(|p| p.to_bits()).collect::<Vec<_>>()
        );
        assert_eq!(a.prediction[0], 0.0, "nothing added before the first record");
        assert!(a.rank.iter().any(|&r| r < 5), "the model learns something: {:?}", &a.rank[..40]);
        let c = run_experiment(12345, with_files);
        assert_ne!(a.prediction, c.prediction, "another seed, other factors");
    }
}

// ---------------------------------------------------------------- parameters and wiring

#[test]
fn bad_parameters_name_the_parameter() {
    for d in [0, -3, 1_000_000] {
        let msg = build_err("FmModel", &[("dimension", Value::Int(d))]).to_string();
        assert_eq!(msg, format!("FmModel: parameter 'dimension' must be in 1..=100000, got {d}"));
    }
    let msg = build_err("FmModel", &[("begin_min", Value::Float(0.5)), ("begin_max", Value::Float(0.1))]).to_string();
    assert_eq!(msg, "FmModel: parameter 'begin_min' must be <= begin_max, got 0.5 > 0.1");
    let msg = build_err("FmModel", &[("begin_max", Value::Float(f64::NAN))]).to_string();
    assert_eq!(msg, "FmModel: parameter 'begin_max' must be a finite number, got nan");
    assert!(build_err("FmModel", &[("seed", Value::Int(0))]).to_string().contains("'seed'"));
    // The item factors use seed + 1, which must be a valid seed too.
    let msg = build_err("FmModel", &[("seed", Value::Int(2_147_483_646))]).to_string();
    assert_eq!(
        msg,
        "FmModel: parameter 'seed' must be a 32-bit seed with seed..=seed+1 all valid seeds \
         (32-bit, not 0, -4 or 2147483647), got 2147483646"
    );
    let msg = build_err("FmModelUpdater", &[("learning_rate", Value::Float(-0.1))]).to_string();
    assert_eq!(msg, "FmModelUpdater: parameter 'learning_rate' must be a finite number >= 0, got -0.1");
    assert!(build_err("FmModel", &[("dimnsion", Value::Int(3))]).to_string().contains("did you mean 'dimension'"));
}

#[test]
fn wiring_is_checked() {
    let updater = build("FmModelUpdater", &[]);
    let msg = updater.node.check_wiring().unwrap_err().to_string();
    assert!(msg.contains("FmModelUpdater.set_model(<FmModel>)"), "{msg}");
    let model = build("FmModel", &[]);
    model.node.check_wiring().unwrap();
    let pop = build("PopularityModel", &[]);
    let msg = model.node.wire("set_user_attributes", &pop).unwrap_err().to_string();
    assert!(msg.contains("expected SparseAttributeContainer, got PopularityModel"), "{msg}");
    assert!(updater.node.wire("set_model", &pop).is_err());
}

// ---------------------------------------------------------------- save / load

fn trained(with_files: bool) -> (Fm, Option<(Handle, Handle)>) {
    let files = with_files
        .then(|| (container("save_u", "0:1 3:0.5\n1:1\n2:1 0:0.2\n"), container("save_i", "0:1\n1:1 2:0.3\n2:1\n")));
    let (u, i) = files.as_ref().map_or((None, None), |(u, i)| (Some(u), Some(i)));
    let fm = Fm::new(&[("dimension", Value::Int(3))], 0.3, u, i);
    fm.initialize();
    for (n, &(user, item)) in [(0, 0), (1, 2), (2, 1), (0, 2), (1, 1)].iter().enumerate() {
        fm.train(&rec(n as f64, user, item, 1.0 + n as f64 / 10.0));
    }
    (fm, files)
}

fn bytes(fm: &Fm) -> Vec<u8> {
    let mut buf = Vec::new();
    fm.with(|m| m.write(&mut buf)).unwrap();
    buf
}

#[test]
fn save_and_load_predict_identically() {
    for with_files in [false, true] {
        let (fm, files) = trained(with_files);
        let buf = bytes(&fm);
        let (u, i) = files.as_ref().map_or((None, None), |(u, i)| (Some(u), Some(i)));
        let loaded = Fm::new(&[("dimension", Value::Int(3)), ("seed", Value::Int(7))], 0.3, u, i);
        loaded.with(|m| m.read(&mut buf.as_slice())).unwrap();
        loaded.initialize(); // a run after loading does not clear the loaded state
        for user in 0..4 {
            for item in 0..4 {
                assert_eq!(fm.predict(user, item).to_bits(), loaded.predict(user, item).to_bits(), "({user}, {item})");
            }
        }
        assert_ne!(fm.predict(1, 2), 0.0);
        assert_eq!(loaded.predict(3, 0), 0.0, "user 3 was never seen");
        assert_eq!(bytes(&loaded), buf);
    }
}

#[test]
fn load_errors_are_clear_and_leave_the_model_unchanged() {
    let (fm, _) = trained(false);
    let buf = bytes(&fm);
    let target = Fm::new(&[("dimension", Value::Int(3))], 0.3, None, None);
    target.train(&rec(0.0, 9, 9, 1.0));
    let before = target.predict(9, 9);
    let read = |data: &[u8]| target.with(|m| m.read(&mut &data[..])).unwrap_err().to_string();

    let other_dim = Fm::new(&[("dimension", Value::Int(4))], 0.3, None, None);
    let msg = other_dim.with(|m| m.read(&mut buf.as_slice())).unwrap_err().to_string();
    assert!(msg.contains("has dimension 3, this model has dimension 4"), "{msg}");

    let mut wrong_kind = Vec::new();
    write_header(&mut wrong_kind, "FactorModel", 1, 3).unwrap();
    wrong_kind.extend_from_slice(&buf[buf.len() / 2..]);
    assert_eq!(read(&wrong_kind), "the file holds a saved FactorModel, not a FmModel");

    for cut in [0, 5, 20, 40, buf.len() / 2, buf.len() - 6, buf.len() - 1] {
        let msg = read(&buf[..cut]);
        assert!(msg.contains("truncated") || msg.contains("not an alpenglow model"), "cut {cut}: {msg}");
    }
    assert_eq!(target.predict(9, 9).to_bits(), before.to_bits());
    assert!(target.with(|m| m.is_user_seen(9)));
}
