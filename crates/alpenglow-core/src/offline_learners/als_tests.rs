//! Unit tests of the ALS learner: the rating matrix, each half-sweep and whole fits against a
//! dense reference (normal equations built densely, solved by Gauss–Jordan elimination),
//! thread-count independence, copy-from/copy-to and parameter ranges.

use super::*;
use crate::component::{Component, Handle, Wiring};
use crate::models::eigen_factor::model::EigenFactorModelParameters;
use crate::models::factor::model::FactorModelParameters;
use crate::offline_learners::als_solve::{Solve, gram, solve_rows};
use crate::offline_learners::sparse::{Csr, rating_matrix};
use crate::params::{Parameters, Value};
use crate::random::Random;

type Params = OfflineEigenFactorModelALSLearnerParameters;

fn rec(user: u32, item: u32, score: f64) -> RecDat {
    RecDat { user, item, score, eval: true, ..Default::default() }
}

fn env() -> Environment {
    crate::sampling::testing::env()
}

/// A random stream: `n` records over `users` × `items`, scores 1..=5, with repeats.
fn stream(n: usize, users: u32, items: u32, seed: i64) -> Vec<RecDat> {
    let mut r = Random::new(seed);
    (0..n).map(|_| rec(r.get_int(users as usize) as u32, r.get_int(items as usize) as u32, 1.0 + r.get_int(5) as f64)).collect()
}

/// Solves `m x = b` (dense, n × n) by Gauss–Jordan elimination with partial pivoting.
fn gauss(mut m: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs())).unwrap();
        m.swap(c, p);
        b.swap(c, p);
        for r in 0..n {
            if r != c {
                let f = m[r][c] / m[c][c];
                for k in 0..n {
                    m[r][k] -= f * m[c][k];
                }
                b[r] -= f * b[c];
            }
        }
    }
    (0..n).map(|i| b[i] / m[i][i]).collect()
}

/// The dense reference of one half-sweep: `a[r][j]` is `Some(value)` for an entry.
fn reference_half_sweep(a: &[Vec<Option<f64>>], y: &[Vec<f64>], d: usize, s: Solve) -> Vec<Vec<f64>> {
    a.iter()
        .map(|row| {
            if row.iter().all(|e| e.is_none()) {
                return vec![0.0; d];
            }
            let mut m = vec![vec![0.0; d]; d];
            let mut b = vec![0.0; d];
            for (j, yj) in y.iter().enumerate() {
                let (w, c) = match (row[j], s.implicit) {
                    (Some(r), true) => (1.0 + s.alpha * r, 1.0 + s.alpha * r),
                    (None, true) => (1.0, 0.0),
                    (Some(r), false) => (1.0, r),
                    (None, false) => (0.0, 0.0),
                };
                for p in 0..d {
                    for q in 0..d {
                        m[p][q] += w * yj[p] * yj[q];
                    }
                    b[p] += c * yj[p];
                }
            }
            for (p, mp) in m.iter_mut().enumerate() {
                mp[p] += s.ridge;
            }
            gauss(m, b)
        })
        .collect()
}

fn dense_of(a: &Csr, cols: usize) -> Vec<Vec<Option<f64>>> {
    (0..a.rows())
        .map(|r| {
            let mut row = vec![None; cols];
            let (cs, vs) = a.row(r);
            for (&c, &v) in cs.iter().zip(vs) {
                row[c as usize] = Some(v);
            }
            row
        })
        .collect()
}

fn random_rows(n: usize, d: usize, seed: i64) -> Vec<f64> {
    let mut r = Random::new(seed);
    (0..n * d).map(|_| r.get() * 2.0 - 1.0).collect()
}

fn rows_of(flat: &[f64], d: usize) -> Vec<Vec<f64>> {
    flat.chunks_exact(d).map(|c| c.to_vec()).collect()
}

fn assert_close(got: &[f64], want: &[Vec<f64>], what: &str) {
    let want: Vec<f64> = want.concat();
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!((g - w).abs() <= 1e-9 * (1.0 + w.abs()), "{what}[{k}]: {g} vs {w}");
    }
}

#[test]
fn rating_matrix_sums_implicit_repeats_and_keeps_the_newest_explicit_score() {
    let data = vec![rec(2, 1, 3.0), rec(0, 4, 1.0), rec(2, 1, 5.0), rec(0, 0, 2.0), rec(2, 3, 0.0)];
    let implicit = rating_matrix(&data, 0, true).unwrap();
    assert_eq!(implicit.rows(), 3);
    assert_eq!(implicit.nnz(), 4, "a zero score is an entry; a repeat is not");
    assert_eq!(implicit.row(0), (&[0u32, 4][..], &[2.0, 1.0][..]));
    assert_eq!(implicit.row(1), (&[][..], &[][..]));
    assert_eq!(implicit.row(2), (&[1u32, 3][..], &[8.0, 0.0][..]));
    let explicit = rating_matrix(&data, 5, false).unwrap();
    assert_eq!(explicit.rows(), 5);
    assert_eq!(explicit.row(2), (&[1u32, 3][..], &[5.0, 0.0][..]), "the newest (last) rating wins");
    let t = explicit.transpose(6).unwrap();
    assert_eq!(t.rows(), 6);
    assert_eq!(t.row(1), (&[2u32][..], &[5.0][..]));
    assert_eq!(t.row(4), (&[0u32][..], &[1.0][..]));
    assert_eq!(t.nnz(), explicit.nnz());
}

#[test]
fn half_sweeps_match_the_dense_reference() {
    let d = 4;
    for (implicit, alpha, ridge) in [(true, 40.0, 0.3), (true, 2.5, 1e-3), (false, 0.0, 0.5), (false, 0.0, 1e-2)] {
        let data = stream(60, 9, 7, 11);
        let a = rating_matrix(&data, 10, implicit).unwrap();
        let y = random_rows(7, d, 5);
        let s = Solve { implicit, alpha, ridge };
        let mut x = vec![f64::NAN; 10 * d];
        solve_rows(&mut x, &y, &a, d, s);
        let want = reference_half_sweep(&dense_of(&a, 7), &rows_of(&y, d), d, s);
        assert_close(&x, &want, &format!("implicit={implicit} ridge={ridge}"));
        assert!(x[9 * d..].iter().all(|&v| v == 0.0), "a row without entries is 0");
    }
}

/// Few entries against many fixed rows: the products are formed per entry instead of from
/// the precomputed table, with the same values.
#[test]
fn sparse_half_sweeps_match_the_dense_reference() {
    let d = 5;
    for implicit in [true, false] {
        let data = stream(8, 4, 40, 3);
        let a = rating_matrix(&data, 4, implicit).unwrap();
        let y = random_rows(40, d, 6);
        let s = Solve { implicit, alpha: 10.0, ridge: 0.1 };
        let mut x = vec![0.0; 4 * d];
        solve_rows(&mut x, &y, &a, d, s);
        let want = reference_half_sweep(&dense_of(&a, 40), &rows_of(&y, d), d, s);
        assert_close(&x, &want, &format!("implicit={implicit}"));
    }
}

#[test]
fn gram_is_y_transpose_y() {
    let y = random_rows(5, 3, 2);
    let g = gram(&y, 3);
    for p in 0..3 {
        for q in 0..3 {
            let want: f64 = y.chunks_exact(3).map(|r| r[p] * r[q]).sum();
            assert!((g[p * 3 + q] - want).abs() < 1e-12);
        }
    }
}

#[test]
fn singular_systems_fall_back_to_pivoting_or_zero() {
    // λ = 0 and one rating in dimension 3: explicit normal equations are singular.
    let a = rating_matrix(&[rec(0, 0, 2.0), rec(1, 0, 1.0), rec(1, 1, 1.0), rec(1, 2, 1.0)], 2, false).unwrap();
    let y = vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let mut x = vec![f64::NAN; 6];
    solve_rows(&mut x, &y, &a, 3, Solve { implicit: false, alpha: 0.0, ridge: 0.0 });
    assert_eq!(&x[..3], &[0.0, 0.0, 0.0], "singular: 0");
    assert_eq!(&x[3..], &[1.0, 1.0, 1.0], "regular: exact");
    // Not positive definite but regular: an indefinite implicit system (negative scores) is
    // solved by Gaussian elimination.
    let a = rating_matrix(&[rec(0, 0, -1.0), rec(0, 1, 1.0)], 1, true).unwrap();
    let y = random_rows(2, 2, 3);
    let s = Solve { implicit: true, alpha: 3.0, ridge: 0.0 };
    let mut x = vec![0.0; 2];
    solve_rows(&mut x, &y, &a, 2, s);
    assert_close(&x, &reference_half_sweep(&dense_of(&a, 2), &rows_of(&y, 2), 2, s), "indefinite");
}

#[test]
fn solves_are_identical_for_any_number_of_threads() {
    let d = 10;
    let data = stream(5000, 300, 200, 21);
    let a = rating_matrix(&data, 0, true).unwrap();
    let y = random_rows(200, d, 8);
    let s = Solve { implicit: true, alpha: 40.0, ridge: 1e-3 * a.nnz() as f64 };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut x = vec![0.0; a.rows() * d];
        pool.install(|| solve_rows(&mut x, &y, &a, d, s));
        x.iter().map(|v| v.to_bits()).collect::<Vec<u64>>()
    };
    assert_eq!(run(1), run(2));
    assert_eq!(run(1), run(3));
}

fn handle_of<T: Component>(c: T) -> Handle {
    crate::registry::wrap(c, |_, _| {})
}

fn eigen(d: i64, seed: i64) -> Handle {
    let p = EigenFactorModelParameters { dimension: d, seed, ..Default::default() };
    handle_of(EigenFactorModel::new(p).unwrap())
}

fn factor_model(d: i64) -> Handle {
    let p = FactorModelParameters { dimension: d, begin_min: -0.01, begin_max: 0.01, ..Default::default() };
    handle_of(FactorModel::new(p).unwrap())
}

fn learner(p: Params, model: &Handle) -> OfflineEigenFactorModelALSLearner {
    let mut l = OfflineEigenFactorModelALSLearner::new(p).unwrap();
    l.wiring_mut().wire("set_model", model).unwrap();
    l
}

fn with_eigen<R>(h: &Handle, f: impl FnOnce(&EigenFactorModel) -> R) -> R {
    h.downcast::<EigenFactorModel>().unwrap().with(f).unwrap()
}

/// A whole fit (resize, then alternating sweeps) equals the dense reference started from the
/// same random rows, in both modes.
#[test]
fn fits_match_the_dense_reference() {
    let d = 3;
    for implicit in [1, 0] {
        let data = stream(80, 12, 9, 4);
        let model = eigen(d as i64, 99);
        let p = Params { number_of_iterations: 3, regularization_lambda: 1e-2, implicit, ..Default::default() };
        let mut l = learner(p.clone(), &model);
        // The starting rows: a fresh model of the same seed resized the same way.
        let start = eigen(d as i64, 99);
        let rows = |h: &Handle| with_eigen(h, |m| (m.users().values().to_vec(), m.items().values().to_vec()));
        start.downcast::<EigenFactorModel>().unwrap().with_mut(|m| m.resize(12, 9).unwrap()).unwrap();
        let (mut x, mut y) = rows(&start);
        l.fit(&data, &env()).unwrap();
        let a = rating_matrix(&data, 12, implicit == 1).unwrap();
        let at = a.transpose(9).unwrap();
        let s = Solve { implicit: implicit == 1, alpha: p.alpha, ridge: p.regularization_lambda * a.nnz() as f64 };
        for _ in 0..3 {
            x = reference_half_sweep(&dense_of(&a, 9), &rows_of(&y, d), d, s).concat();
            y = reference_half_sweep(&dense_of(&at, 12), &rows_of(&x, d), d, s).concat();
        }
        let (gx, gy) = rows(&model);
        assert_close(&gx, &rows_of(&x, d), "users");
        assert_close(&gy, &rows_of(&y, d), "items");
        with_eigen(&model, |m| {
            let seen_users: Vec<bool> = (0..12).map(|u| data.iter().any(|r| r.user == u)).collect();
            assert_eq!(m.users().seen(), &seen_users[..]);
            assert!(m.lemp().len() == 9);
        });
    }
}

#[test]
fn copy_to_initialises_missing_vectors_then_overwrites() {
    let d = 2;
    let model = eigen(d, 5);
    let fm = factor_model(d);
    let mut l = learner(Params::default(), &model);
    l.wiring_mut().wire("set_copy_to_model", &fm).unwrap();
    fm.downcast::<FactorModel>().unwrap().with_mut(|f| f.set_user_factor(1, &[9.0, 9.0]).unwrap()).unwrap();
    let data = vec![rec(0, 0, 1.0), rec(2, 1, 1.0), rec(1, 3, 1.0)];
    l.fit(&data, &env()).unwrap();
    let fm = fm.downcast::<FactorModel>().unwrap();
    fm.with(|f| {
        with_eigen(&model, |m| {
            for u in 0..3 {
                assert_eq!(f.user_factor(u), m.user_factor(u));
            }
            for i in 0..4 {
                assert_eq!(f.item_factor(i), m.item_factor(i));
            }
        });
        // Users: slots 0..=1 existed, so only user 2 drew (d draws from seed+1); items 0..=3 drew.
        let mut users = Random::new(745_579);
        (0..d).for_each(|_| {
            users.get();
        });
        assert_eq!(f.user_factors().rng_state(), users.state());
        let mut items = Random::new(745_580);
        (0..4 * d).for_each(|_| {
            items.get();
        });
        assert_eq!(f.item_factors().rng_state(), items.state());
        assert_eq!(f.lemp().len(), 4);
    })
    .unwrap();
}

#[test]
fn copy_from_sets_the_starting_rows_and_clear_before_fit_forgets() {
    let d = 2;
    let model = eigen(d, 5);
    let fm = factor_model(d);
    fm.downcast::<FactorModel>()
        .unwrap()
        .with_mut(|f| {
            f.set_user_factor(0, &[0.5, -0.5]).unwrap();
            f.set_item_factor(1, &[0.25, 0.75]).unwrap();
        })
        .unwrap();
    let p = Params { number_of_iterations: 0, clear_before_fit: 1, ..Default::default() };
    let mut l = learner(p, &model);
    l.wiring_mut().wire("set_copy_from_model", &fm).unwrap();
    l.fit(&[rec(0, 0, 1.0), rec(0, 1, 1.0)], &env()).unwrap();
    with_eigen(&model, |m| {
        assert_eq!(m.user_factor(0), Some(&[0.5, -0.5][..]));
        assert_eq!(m.item_factor(1), Some(&[0.25, 0.75][..]));
        assert_ne!(m.item_factor(0), Some(&[0.0, 0.0][..]), "item 0 keeps its random row");
    });
    l.fit(&[rec(3, 0, 1.0)], &env()).unwrap();
    with_eigen(&model, |m| {
        assert_eq!(m.users().rows(), 4);
        assert_eq!(m.items().rows(), 1, "cleared before the fit");
    });
    l.fit(&[], &env()).unwrap();
    with_eigen(&model, |m| assert_eq!(m.users().rows(), 0));
}

#[test]
fn dimension_mismatch_is_an_error_naming_the_call() {
    let model = eigen(3, 5);
    let mut l = learner(Params::default(), &model);
    l.wiring_mut().wire("set_copy_to_model", &factor_model(4)).unwrap();
    let e = l.initialize(&env()).unwrap_err().to_string();
    assert!(e.contains("set_copy_to_model") && e.contains("dimension 4"), "{e}");
    let e = l.fit(&[rec(0, 0, 1.0)], &env()).unwrap_err().to_string();
    assert!(e.contains("set_copy_to_model"), "{e}");
    let e = OfflineEigenFactorModelALSLearner::new(Params::default()).unwrap().fit(&[], &env()).unwrap_err().to_string();
    assert!(e.contains("set_model"), "{e}");
}

#[test]
fn bad_parameters_name_the_parameter() {
    for (name, value) in [
        ("number_of_iterations", Value::Int(-1)),
        ("regularization_lambda", Value::Float(-1e-3)),
        ("regularization_lambda", Value::Float(f64::NAN)),
        ("alpha", Value::Float(-1.0)),
        ("alpha", Value::Float(f64::INFINITY)),
        ("implicit", Value::Int(2)),
        ("clear_before_fit", Value::Int(-1)),
    ] {
        let e = Params::from_kwargs(NAME, &[(name.to_string(), value.clone())]).unwrap_err().to_string();
        assert!(e.contains(&format!("parameter '{name}'")), "{name}={value}: {e}");
    }
    let ok = Params::from_kwargs(NAME, &[("implicit".to_string(), Value::Bool(false))]).unwrap();
    assert_eq!(ok.implicit, 0);
}
