//! The offline API's core calls: fit a learner on a training set, predict pairs, and compute
//! the top lists of many users in parallel, each with the GIL released.

use alpenglow_core::data::RecDat;
use alpenglow_core::models::Model;
use alpenglow_core::offline_evaluators::{OfflineRankingComputer, predict_pairs};
use alpenglow_core::offline_learners::interrupt::with_check;
use alpenglow_core::offline_learners::standalone::fit_standalone;
use alpenglow_core::{Error, Result};
use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::external;
use crate::guard::entry;
use crate::handle::PyHandle;
use crate::run::released;

/// Dense ids (0..=MAX_ID) of an int64 array named `name`.
fn ids(name: &str, arr: &PyReadonlyArray1<'_, i64>) -> Result<Vec<u32>> {
    let view = arr.as_array();
    let mut out = Vec::new();
    alpenglow_core::alloc::reserve(&mut out, view.len(), &format!("{name}: the ids"))?;
    for (row, &v) in view.iter().enumerate() {
        if !(0..=alpenglow_core::data::columns::MAX_ID).contains(&v) {
            return Err(Error::data(format!(
                "{name}, row {row}: id {v} is out of range 0..={}",
                alpenglow_core::data::columns::MAX_ID
            )));
        }
        out.push(v as u32);
    }
    Ok(out)
}

/// Fits the offline learner `learner` on the records (user, item, score), in the given order
/// (time and id: the row number).
#[pyfunction]
pub fn offline_fit(
    py: Python<'_>,
    learner: &PyHandle,
    user: PyReadonlyArray1<'_, i64>,
    item: PyReadonlyArray1<'_, i64>,
    score: PyReadonlyArray1<'_, f64>,
) -> PyResult<()> {
    let records = entry("offline_fit", || -> Result<Vec<RecDat>, crate::error::PyAlpenglowError> {
        let (users, items) = (ids("column 'user'", &user)?, ids("column 'item'", &item)?);
        let scores = score.as_array();
        if users.len() != items.len() || users.len() != scores.len() {
            return Err(Error::data("offline_fit: the user, item and score columns differ in length").into());
        }
        let mut recs = Vec::new();
        alpenglow_core::alloc::reserve(&mut recs, users.len(), "offline_fit: the training records")?;
        for (k, ((&u, &i), &s)) in users.iter().zip(&items).zip(scores.iter()).enumerate() {
            if !s.is_finite() {
                return Err(Error::data(format!("column 'score', row {k}: {s} is not a finite number")).into());
            }
            recs.push(RecDat {
                id: k as i64,
                time: k as f64,
                user: u,
                item: i,
                score: s,
                eval: true,
                category: 1,
                index: k,
            });
        }
        Ok(recs)
    })?;
    let handle = learner.handle.clone();
    // Ctrl-C stops the fit between passes (ALS: between sweeps).
    let check = || {
        Python::attach(|py| {
            py.check_signals().map_err(|e| {
                if e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                    Error::Interrupted
                } else {
                    external(e)
                }
            })
        })
    };
    released(py, "offline_fit", move || with_check(check, || fit_standalone(&handle, &records).map(|_| ())))
}

/// The model's predictions for the (user, item) pairs.
#[pyfunction]
pub fn offline_predict<'py>(
    py: Python<'py>,
    model: &PyHandle,
    user: PyReadonlyArray1<'py, i64>,
    item: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
    let (users, items) = entry("offline_predict", || -> Result<_, crate::error::PyAlpenglowError> {
        Ok((ids("user", &user)?, ids("item", &item)?))
    })?;
    let handle = model.handle.clone();
    let out = released(py, "offline_predict", move || {
        handle.require_role::<dyn Model>()?.with(|m| predict_pairs(m, &users, &items))?
    })?;
    Ok(out.into_pyarray(py))
}

/// The top-`k` lists of `users` among `items` (known pairs skipped with `exclude_known`),
/// computed in parallel: a dict of numpy arrays user, item, rank (1-based), score.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn offline_recommend<'py>(
    py: Python<'py>,
    model: &PyHandle,
    users: PyReadonlyArray1<'py, i64>,
    items: PyReadonlyArray1<'py, i64>,
    known_users: PyReadonlyArray1<'py, i64>,
    known_items: PyReadonlyArray1<'py, i64>,
    k: usize,
    exclude_known: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (users, items, known_users, known_items) =
        entry("offline_recommend", || -> Result<_, crate::error::PyAlpenglowError> {
            Ok((
                ids("users", &users)?,
                ids("items", &items)?,
                ids("known users", &known_users)?,
                ids("known items", &known_items)?,
            ))
        })?;
    let handle = model.handle.clone();
    let out = released(py, "offline_recommend", move || {
        let mut computer = OfflineRankingComputer::new(k, exclude_known);
        computer.set_users(users);
        computer.set_items(&items);
        if exclude_known {
            computer.set_known(&known_users, &known_items)?;
        }
        handle.require_role::<dyn Model>()?.with(|m| computer.compute(m))?
    })?;
    let d = PyDict::new(py);
    d.set_item("user", out.users.into_pyarray(py))?;
    d.set_item("item", out.items.into_pyarray(py))?;
    d.set_item("rank", out.ranks.into_pyarray(py))?;
    d.set_item("score", out.scores.into_pyarray(py))?;
    Ok(d)
}
