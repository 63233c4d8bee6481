//! The live model (`alpenglow_core::experiment::live`): recommend, predict and learn on the
//! state of an experiment's last run, with the GIL released. Arrays are copied in (the core
//! runs without the GIL, and a caller's array may change meanwhile) and moved out.

use alpenglow_core::data::RecDat;
use alpenglow_core::experiment::live;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::handle::PyHandle;
use crate::run::released;

fn to_vec<T: numpy::Element + Copy>(a: &PyReadonlyArray1<'_, T>) -> Vec<T> {
    a.as_array().iter().copied().collect()
}

/// The `k` best items (codes, uint32) and their scores for `user`, best first.
#[pyfunction]
#[pyo3(signature = (experiment, model, user, k, exclude_known = true))]
pub fn live_recommend<'py>(
    py: Python<'py>,
    experiment: &PyHandle,
    model: &PyHandle,
    user: u32,
    k: usize,
    exclude_known: bool,
) -> PyResult<(Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<f64>>)> {
    let (e, m) = (experiment.handle.clone(), model.handle.clone());
    let list = released(py, "live_recommend", move || live::recommend(&e, &m, user, k, exclude_known))?;
    let (items, scores): (Vec<u32>, Vec<f64>) = list.into_iter().unzip();
    Ok((items.into_pyarray(py), scores.into_pyarray(py)))
}

/// The model's predictions for the (user, item) code pairs.
#[pyfunction]
pub fn live_predict<'py>(
    py: Python<'py>,
    experiment: &PyHandle,
    model: &PyHandle,
    users: PyReadonlyArray1<'py, u32>,
    items: PyReadonlyArray1<'py, u32>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (e, m) = (experiment.handle.clone(), model.handle.clone());
    let (users, items) = (to_vec(&users), to_vec(&items));
    let out = released(py, "live_predict", move || live::predict(&e, &m, &users, &items))?;
    Ok(out.into_pyarray(py))
}

/// Trains the experiment's updaters on the records (in order, not evaluated).
#[pyfunction]
pub fn live_learn(
    py: Python<'_>,
    experiment: &PyHandle,
    time: PyReadonlyArray1<'_, f64>,
    user: PyReadonlyArray1<'_, u32>,
    item: PyReadonlyArray1<'_, u32>,
    score: PyReadonlyArray1<'_, f64>,
) -> PyResult<usize> {
    let (time, user, item, score) = (to_vec(&time), to_vec(&user), to_vec(&item), to_vec(&score));
    let n = time.len();
    if user.len() != n || item.len() != n || score.len() != n {
        return Err(pyo3::exceptions::PyValueError::new_err("live_learn: time, user, item and score must have the same length"));
    }
    let records: Vec<RecDat> = (0..n)
        .map(|k| RecDat { id: k as i64, time: time[k], user: user[k], item: item[k], score: score[k], eval: false, category: 0, index: k })
        .collect();
    let e = experiment.handle.clone();
    released(py, "live_learn", move || live::learn(&e, &records))
}

/// Writes a checkpoint of the state the experiment's last run left behind to `path` (the
/// start of `run(..., continue_run=True)`).
#[pyfunction]
pub fn live_checkpoint(py: Python<'_>, experiment: &PyHandle, path: std::path::PathBuf) -> PyResult<()> {
    let e = experiment.handle.clone();
    released(py, "live_checkpoint", move || live::checkpoint(&e, &path))
}
