//! Unit tests of the EigenFactorModel: fill order, prediction, exact fast ranking, top lists,
//! the saved file and parameter ranges.

use super::model::EigenFactorModelParameters as Params;
use super::*;
use crate::component::Component;
use crate::data::RecDat;
use crate::experiment::Environment;
use crate::models::Model;
use crate::models::factor::ranking::exact_scan;
use crate::params::{Parameters, Value};
use crate::random::Random;
use crate::ranking::{RankCount, RankQuery};

fn rec(user: u32, item: u32) -> RecDat {
    RecDat { user, item, score: 1.0, eval: true, ..Default::default() }
}

fn model(d: i64) -> EigenFactorModel {
    EigenFactorModel::new(Params { dimension: d, lemp_bucket_size: 4, ..Default::default() }).unwrap()
}

fn env_with(users: u32, items: u32) -> Environment {
    let mut env = crate::sampling::testing::env();
    for k in 0..users.max(items) {
        env.update(&rec(k % users, k % items));
    }
    env
}

/// A model with random rows, some items sharing rows (ties) and some zero rows.
fn trained(d: usize, users: usize, items: usize, seed: i64) -> EigenFactorModel {
    let mut m = model(d as i64);
    let mut r = Random::new(seed);
    let x: Vec<f64> = (0..users * d).map(|_| r.get() - 0.5).collect();
    let mut y: Vec<f64> = (0..items * d).map(|_| (r.get() * 8.0).round() / 8.0 - 0.5).collect();
    y.copy_within(0..d, 3 * d);
    y[5 * d..6 * d].fill(0.0);
    m.set_factors(x, vec![true; users], y, vec![true; items]).unwrap();
    m
}

#[test]
fn resize_fills_new_rows_column_by_column() {
    let d = 3;
    let mut m = EigenFactorModel::new(Params { dimension: d as i64, seed: 1234, ..Default::default() }).unwrap();
    m.resize(4, 2).unwrap();
    let (min, max) = (-0.01, 0.01);
    let mut users = Random::new(1234);
    let mut items = Random::new(1235);
    let draw = |r: &mut Random| r.get() * (max - min) + min;
    let mut want = vec![0.0; 4 * d];
    for j in 0..d {
        for i in 0..4 {
            want[i * d + j] = draw(&mut users);
        }
    }
    assert_eq!(m.users().values(), &want[..]);
    let mut want_items = vec![0.0; 2 * d];
    for j in 0..d {
        for i in 0..2 {
            want_items[i * d + j] = draw(&mut items);
        }
    }
    assert_eq!(m.items().values(), &want_items[..]);
    // Growing keeps the old rows and fills the new ones, column by column.
    m.resize(6, 1).unwrap();
    assert_eq!(&m.users().values()[..4 * d], &want[..]);
    for j in 0..d {
        for i in 4..6 {
            assert_eq!(m.users().values()[i * d + j], draw(&mut users), "row {i} column {j}");
        }
    }
    assert_eq!(m.items().rows(), 2, "never shrinks");
    assert!(m.users().seen().iter().all(|s| !s));
    // clear forgets the rows but the generators continue.
    m.clear().unwrap();
    m.resize(1, 0).unwrap();
    let next: Vec<f64> = (0..d).map(|_| draw(&mut users)).collect();
    assert_eq!(m.users().values(), &next[..]);
}

#[test]
fn prediction_is_the_dot_product_or_zero() {
    let mut m = model(2);
    m.set_factors(vec![1.0, 2.0, 3.0, 4.0], vec![true, false], vec![0.5, -1.0], vec![true]).unwrap();
    assert_eq!(m.prediction(&rec(0, 0)), 0.5 - 2.0);
    assert_eq!(m.prediction(&rec(1, 0)), 1.5 - 4.0, "an unseen row still predicts");
    assert_eq!(m.prediction(&rec(2, 0)), 0.0);
    assert_eq!(m.prediction(&rec(0, 1)), 0.0);
    assert!(m.set_factors(vec![1.0], vec![true], vec![], vec![]).is_err());
}

/// The fast rank counts equal scoring every item, for every user, item, top_k and exclusion
/// (items beyond the rows score 0, like the zero row of item 5).
#[test]
fn fast_ranking_equals_brute_force() {
    for d in [3usize, 10] {
        let m = trained(d, 6, 40, 17 + d as i64);
        let env = env_with(7, 45);
        let known: crate::containers::train_matrix::Row = [1u32, 3, 8].into_iter().collect();
        for user in 0..7 {
            for item in 0..45 {
                let r = rec(user, item);
                let score = m.prediction(&r);
                if score == 0.0 {
                    continue; // never ranked (the rank computer's contract)
                }
                for top_k in [1usize, 5, 100] {
                    for exclude in [None, Some(&known)] {
                        let q = RankQuery { rec: &r, score, top_k, exclude, env: &env };
                        let fast = m.count_ranked(&q).unwrap();
                        let slow = exact_scan(&q, |i| m.prediction(&r.with_item(i)));
                        assert_eq!(fast, slow, "d={d} user={user} item={item} top_k={top_k}");
                        assert!(matches!(fast, RankCount::Counted { .. }));
                    }
                }
            }
        }
    }
}

#[test]
fn top_list_and_iterator_agree_with_the_predictions() {
    let m = trained(4, 3, 30, 5);
    for user in 0..3 {
        let mut all: Vec<(u32, f64)> = (0..30).map(|i| (i, m.prediction(&rec(user, i)))).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(m.top_list(user, 7, None), all[..7].to_vec());
        let mut it = m.ranking_iterator(user).unwrap();
        let mut served = Vec::new();
        while it.has_next(f64::MIN) {
            served.push(it.next());
        }
        served.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(served, all);
    }
    assert!(m.top_list(9, 5, None).is_empty());
    assert!(m.ranking_iterator(9).is_none());
}

#[test]
fn save_and_load_round_trip() {
    let mut m = trained(3, 4, 12, 8);
    m.resize(6, 14).unwrap();
    let mut buf = Vec::new();
    m.write(&mut buf).unwrap();
    let mut loaded = model(3);
    loaded.read(&mut buf.as_slice()).unwrap();
    for u in 0..7 {
        for i in 0..15 {
            assert_eq!(loaded.prediction(&rec(u, i)).to_bits(), m.prediction(&rec(u, i)).to_bits());
        }
    }
    assert_eq!(loaded.users().seen(), m.users().seen());
    assert_eq!(loaded.items().seen(), m.items().seen());
    assert_eq!(loaded.top_list(1, 5, None), m.top_list(1, 5, None));
    // The generators continue identically.
    m.resize(8, 15).unwrap();
    loaded.resize(8, 15).unwrap();
    assert_eq!(loaded.users().values(), m.users().values());
    assert_eq!(loaded.items().values(), m.items().values());

    let msg = |r: crate::Result<()>| r.err().map(|e| e.to_string()).unwrap_or_default();
    let mut fresh = model(3);
    for cut in [5, 40, buf.len() / 2, buf.len() - 1] {
        let e = msg(fresh.read(&mut &buf[..cut]));
        assert!(e.contains("truncated") || e.contains("not an alpenglow"), "cut {cut}: {e}");
    }
    assert_eq!(fresh.users().rows(), 0, "a failed read leaves the model unchanged");
    let mut longer = buf.clone();
    longer.push(0);
    assert!(msg(fresh.read(&mut longer.as_slice())).contains("unexpected data"));
    let e = msg(model(4).read(&mut buf.as_slice()));
    assert_eq!(e, "the saved EigenFactorModel has dimension 3, this model has dimension 4");
}

#[test]
fn bad_parameters_name_the_parameter() {
    for (name, value) in [
        ("dimension", Value::Int(0)),
        ("begin_min", Value::Float(f64::NAN)),
        ("begin_max", Value::Float(f64::INFINITY)),
        ("seed", Value::Int(0)),
        ("lemp_bucket_size", Value::Int(1)),
    ] {
        let e = Params::from_kwargs("EigenFactorModel", &[(name.to_string(), value.clone())]).unwrap_err().to_string();
        assert!(e.contains(&format!("parameter '{name}'")), "{name}={value}: {e}");
    }
    let e = EigenFactorModel::new(Params { begin_min: 1.0, begin_max: 0.0, ..Default::default() }).err().unwrap();
    assert!(e.to_string().contains("'begin_min'"), "{e}");
}
