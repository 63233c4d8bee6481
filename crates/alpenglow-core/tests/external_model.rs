//! ExternalModel and OfflineExternalModelLearner: the file protocol of one fit after another,
//! the checks before a run and the errors that name files and parameters.

mod common;

use std::path::{Path, PathBuf};

use alpenglow_core::component::Handle;
use alpenglow_core::experiment::Environment;
use alpenglow_core::models::Model;
use alpenglow_core::offline_learners::OfflineLearner;
use alpenglow_core::params::Value;
use alpenglow_core::registry;
use common::{build, env, rec, wire};

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("alpenglow-external-it-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn str(s: &str) -> Value {
    Value::Str(s.to_string())
}

/// A model and a learner in `mode`, wired and initialised; `base` is the file prefix.
fn pair(mode: &str, base: &Path, env: &Environment) -> (Handle, Handle) {
    let model = build("ExternalModel", &[("mode", str(mode))]);
    let key = if mode == "write" { "out_name_base" } else { "in_name_base" };
    let learner = build("OfflineExternalModelLearner", &[("mode", str(mode)), (key, str(&base.display().to_string()))]);
    wire(&learner, "set_model", &model);
    model.node.initialize(env).unwrap();
    learner.node.initialize(env).unwrap();
    (model, learner)
}

fn fit(learner: &Handle, data: &[alpenglow_core::data::RecDat], env: &Environment) -> alpenglow_core::Result<()> {
    learner.role::<dyn OfflineLearner>().unwrap().with_mut(|l| l.fit(data, env)).unwrap()
}

fn top_list(model: &Handle, user: u32) -> Vec<(u32, f64)> {
    model.role::<dyn Model>().unwrap().with(|m| m.top_list(user, 10, None)).unwrap()
}

#[test]
fn write_mode_writes_test_users_of_the_previous_period_and_the_training_set() {
    let dir = temp_dir("write");
    let env = env(10, true);
    let base = dir.join("batch");
    let (model, learner) = pair("write", &base, &env);
    let data = [rec(1.0, 4, 2, 1.0), rec(2.5, 1, 3, 1.0)];
    for user in [4, 1, 4] {
        assert_eq!(top_list(&model, user), vec![]);
    }
    fit(&learner, &data, &env).unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    assert_eq!(read("batch_0_test.dat"), "user\n1\n4\n");
    assert_eq!(read("batch_1_train.dat"), "time,user,item,id,score,category\n1,4,2,0,1,0\n2.5,1,3,0,1,0\n");
    top_list(&model, 9);
    fit(&learner, &data[..1], &env).unwrap();
    assert_eq!(read("batch_1_test.dat"), "user\n9\n");
    assert_eq!(read("batch_2_train.dat"), "time,user,item,id,score,category\n1,4,2,0,1,0\n");
    // A new run starts counting at 1 again, with no requested users.
    top_list(&model, 5);
    model.node.initialize(&env).unwrap();
    learner.node.initialize(&env).unwrap();
    fit(&learner, &data, &env).unwrap();
    assert_eq!(read("batch_0_test.dat"), "user\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn read_mode_loads_the_predictions_of_each_fit() {
    let dir = temp_dir("read");
    let env = env(10, true);
    let base = dir.join("ext");
    std::fs::write(dir.join("ext_1_predictions.dat"), "3 94 9\n3 5 1\n").unwrap();
    std::fs::write(dir.join("ext_2_predictions.dat"), "").unwrap();
    let (model, learner) = pair("read", &base, &env);
    assert_eq!(top_list(&model, 3), vec![]);
    fit(&learner, &[], &env).unwrap();
    assert_eq!(top_list(&model, 3), vec![(5, 1.0), (94, 0.5)]);
    fit(&learner, &[], &env).unwrap();
    assert_eq!(top_list(&model, 3), vec![]);
    let err = fit(&learner, &[], &env).unwrap_err().to_string();
    let missing = dir.join("ext_3_predictions.dat").display().to_string();
    assert!(err.starts_with(&missing), "{err}");
    std::fs::write(dir.join("ext_3_predictions.dat"), "1 2 3\n1 2\n").unwrap();
    let err = fit(&learner, &[], &env).unwrap_err().to_string();
    assert_eq!(err, format!("{missing}, line 2: expected 3 fields (user item pos), found 2"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unwritable_output_directory_fails_before_the_run() {
    let dir = temp_dir("unwritable");
    let env = env(10, true);
    let base = dir.join("no_such_dir").join("batch");
    let model = build("ExternalModel", &[]);
    let learner = build("OfflineExternalModelLearner", &[("out_name_base", str(&base.display().to_string()))]);
    wire(&learner, "set_model", &model);
    let err = learner.node.initialize(&env).unwrap_err().to_string();
    assert!(err.contains("no_such_dir") && err.contains("out_name_base"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_parameters_and_wiring_are_errors_naming_them() {
    let kw = |pairs: &[(&str, Value)]| -> Vec<(String, Value)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    };
    let err = |name: &str, pairs: &[(&str, Value)]| registry::build(name, &kw(pairs)).err().unwrap().to_string();
    assert_eq!(
        err("OfflineExternalModelLearner", &[("mode", str("both"))]),
        "OfflineExternalModelLearner: parameter 'mode' must be one of 'write', 'read', got 'both'"
    );
    assert_eq!(
        err("OfflineExternalModelLearner", &[("mode", str("read"))]),
        "OfflineExternalModelLearner: parameter 'in_name_base' must be a non-empty path prefix in mode 'read'"
    );
    assert_eq!(
        err("OfflineExternalModelLearner", &[("out_name_base", str(""))]),
        "OfflineExternalModelLearner: parameter 'out_name_base' must be a non-empty path prefix in mode 'write'"
    );
    let env = env(10, true);
    let learner = build("OfflineExternalModelLearner", &[("mode", str("read")), ("in_name_base", str("x"))]);
    let e = learner.node.check_wiring_now().unwrap_err().to_string();
    assert!(e.contains("set_model"), "{e}");
    wire(&learner, "set_model", &build("ExternalModel", &[("mode", str("write"))]));
    let e = learner.node.initialize(&env).unwrap_err().to_string();
    assert_eq!(
        e,
        "OfflineExternalModelLearner: parameter 'mode' is 'read' but its ExternalModel's mode is 'write'; give both the same mode"
    );
    let e = learner.node.wire("set_model", &build("PopularityModel", &[])).unwrap_err().to_string();
    assert!(e.contains("expected ExternalModel"), "{e}");
}

#[test]
fn model_methods_read_and_write_files() {
    let dir = temp_dir("methods");
    let model = build("ExternalModel", &[("mode", str("read"))]);
    let file = dir.join("p.dat").display().to_string();
    std::fs::write(&file, "0 1 1\n0 2 0\n").unwrap();
    model.call("read_predictions", &[alpenglow_core::role::Arg::Str(file.clone())]).unwrap();
    assert_eq!(top_list(&model, 0), vec![(2, 1.0), (1, 0.5)]);
    let users = dir.join("u.dat").display().to_string();
    model.call("write_requested_users", &[alpenglow_core::role::Arg::Str(users.clone())]).unwrap();
    assert_eq!(std::fs::read_to_string(&users).unwrap(), "user\n");
    std::fs::write(&file, "0 1\n").unwrap();
    let e = model.call("read_predictions", &[alpenglow_core::role::Arg::Str(file.clone())]).unwrap_err().to_string();
    assert_eq!(e, format!("{file}, line 1: expected 3 fields (user item pos), found 2"));
    std::fs::remove_dir_all(&dir).unwrap();
}
