use std::path::PathBuf;

use super::*;
use crate::component::Component;
use crate::models::RankPath;
use crate::params::{Parameters, Value};

fn model(mode: &str) -> ExternalModel {
    let kwargs = [("mode".to_string(), Value::Str(mode.into()))];
    ExternalModel::new(model::ExternalModelParameters::from_kwargs("ExternalModel", &kwargs).unwrap()).unwrap()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("alpenglow-external-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn read_mode_serves_lists_by_position_with_float_scores() {
    let dir = temp_dir("read");
    let file = dir.join("p.dat");
    std::fs::write(&file, "3 94 9\n3 10 2\n3 7 12\n5 1 0\n").unwrap();
    let mut m = model("read");
    m.read_predictions(&file).unwrap();
    assert_eq!(m.rank_path(), RankPath::TopList);
    assert_eq!(m.top_list(3, 10, None), vec![(10, 1.0), (94, 0.5), (7, 1.0 / 3.0)]);
    assert_eq!(m.top_list(3, 2, None), vec![(10, 1.0), (94, 0.5)]);
    assert_eq!(m.top_list(4, 10, None), vec![]);
    assert_eq!(m.prediction(&crate::data::RecDat { user: 3, item: 10, ..Default::default() }), 0.0);
    assert!(m.requested_users().is_empty(), "read mode records nobody");
    // A new file replaces the lists.
    std::fs::write(&file, "4 2 1\n").unwrap();
    m.read_predictions(&file).unwrap();
    assert_eq!(m.top_list(3, 10, None), vec![]);
    assert_eq!(m.top_list(4, 10, None), vec![(2, 1.0)]);
    m.clear().unwrap();
    assert_eq!(m.top_list(4, 10, None), vec![]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn write_mode_records_users_and_writes_them_ascending() {
    let dir = temp_dir("write");
    let m = model("write");
    for user in [7, 2, 7, 11, 0] {
        assert_eq!(m.top_list(user, 10, None), vec![]);
    }
    let mut m = m;
    let file = dir.join("users.dat");
    m.write_requested_users(&file).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "user\n0\n2\n7\n11\n");
    m.write_requested_users(&file).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "user\n", "the users are forgotten once written");
    let err = m.write_requested_users(&dir.join("missing").join("users.dat")).unwrap_err().to_string();
    assert!(err.contains("missing/users.dat"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn save_and_load_keep_lists_and_requested_users() {
    let mut m = model("read");
    m.set_predictions(Predictions::parse(b"1 5 2\n1 4 1\n9 3 0\n", "p").unwrap());
    let w = model("write");
    w.top_list(6, 1, None);
    w.top_list(2, 1, None);
    for source in [m, w] {
        let mut buf = Vec::new();
        source.write(&mut buf).unwrap();
        let mut copy = model(source.mode());
        copy.read(&mut buf.as_slice()).unwrap();
        assert_eq!(copy.requested_users(), source.requested_users());
        for user in 0..10 {
            assert_eq!(copy.top_list(user, 10, None), source.top_list(user, 10, None));
        }
        buf.push(0);
        assert!(copy.read(&mut buf.as_slice()).unwrap_err().to_string().contains("corrupt"));
    }
}

#[test]
fn a_bad_mode_is_an_error_naming_the_parameter() {
    let kwargs = [("mode".to_string(), Value::Str("both".into()))];
    let err = model::ExternalModelParameters::from_kwargs("ExternalModel", &kwargs).unwrap_err().to_string();
    assert_eq!(err, "ExternalModel: parameter 'mode' must be one of 'write', 'read', got 'both'");
}
