//! Python bindings of alpenglow-core: the extension module `alpenglow._core`.
//! Thin on purpose: components are built from the core registry, the Python package supplies
//! the classes.

mod columns;
mod error;
mod handle;
mod logs;
mod run;

use alpenglow_core::data::RecommenderData;
use alpenglow_core::registry::wrap;
use pyo3::prelude::*;

use crate::error::PyResultA;
use crate::handle::PyHandle;

/// Wraps numpy columns (missing ones: the documented defaults) as a RecommenderData, zero-copy.
#[pyfunction]
#[pyo3(signature = (*, time = None, user = None, item = None, score = None, eval = None, id = None, category = None))]
#[allow(clippy::too_many_arguments)]
fn dataframe_data(
    time: Option<&Bound<'_, PyAny>>,
    user: Option<&Bound<'_, PyAny>>,
    item: Option<&Bound<'_, PyAny>>,
    score: Option<&Bound<'_, PyAny>>,
    eval: Option<&Bound<'_, PyAny>>,
    id: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
) -> PyResultA<PyHandle> {
    let cols = columns::column_set(time, user, item, score, eval, id, category)
        .map_err(|e| alpenglow_core::Error::data(e.to_string()))?;
    let data = RecommenderData::from_columns(cols)?;
    Ok(PyHandle { handle: wrap(data, |_, _| {}) })
}

/// Reads a stream file (an experimentType format or "csv"; gzip accepted) with the GIL released.
#[pyfunction]
#[pyo3(signature = (path, format = "online", experiment_termination_time = 0.0))]
fn read_file(py: Python<'_>, path: std::path::PathBuf, format: &str, experiment_termination_time: f64) -> PyResultA<PyHandle> {
    let format = format.to_string();
    let data = run::released(py, move || RecommenderData::from_file(&path, &format, experiment_termination_time))?;
    Ok(PyHandle { handle: wrap(data, |_, _| {}) })
}

/// Checks a value against the declared constraint of a component's parameter: None when it is
/// accepted, else why not ("must be <description>, got <value>"). The Python layer checks its
/// own keywords with the core's rules this way, naming them as the user wrote them.
#[pyfunction]
fn parameter_violation(component: &str, name: &str, value: &Bound<'_, PyAny>) -> PyResultA<Option<String>> {
    let spec = alpenglow_core::registry::find(component)
        .and_then(|info| info.params.iter().find(|s| s.name == name))
        .ok_or_else(|| alpenglow_core::Error::parameter(format!("{component} has no parameter '{name}'")))?;
    let value = handle::to_value(component, name, value)?;
    Ok(spec.constraint.filter(|c| !c.accepts(&value)).map(|c| format!("must be {c}, got {value}")))
}

/// The file formats `read_file` accepts.
#[pyfunction]
fn file_formats() -> Vec<&'static str> {
    alpenglow_core::data::formats::FORMATS.to_vec()
}

/// Columns of a data container as numpy arrays (copies), for building result frames.
#[pyfunction]
fn data_length(data: &PyHandle) -> PyResultA<usize> {
    let shared = data
        .handle
        .downcast::<RecommenderData>()
        .ok_or_else(|| alpenglow_core::Error::wiring(format!("{} is not a RecommenderData", data.handle.name())))?;
    Ok(shared.with(|d| d.len())?)
}

/// time, score, user, item and id of the given records of a data container (gathered copies).
#[pyfunction]
fn gather_columns<'py>(
    py: Python<'py>,
    data: &PyHandle,
    record_index: numpy::PyReadonlyArray1<'py, i64>,
) -> PyResultA<Bound<'py, pyo3::types::PyDict>> {
    use numpy::IntoPyArray;
    let shared = data
        .handle
        .downcast::<RecommenderData>()
        .ok_or_else(|| alpenglow_core::Error::wiring(format!("{} is not a RecommenderData", data.handle.name())))?;
    let idx = record_index.as_slice().map_err(|e| alpenglow_core::Error::data(e.to_string()))?;
    let gathered = shared.with(|d| {
        let v = d.view();
        let pick = |i: &i64| v.record((*i).clamp(0, d.len().saturating_sub(1) as i64) as usize);
        let recs: Vec<_> = idx.iter().map(pick).collect();
        (
            recs.iter().map(|r| r.time).collect::<Vec<f64>>(),
            recs.iter().map(|r| r.score).collect::<Vec<f64>>(),
            recs.iter().map(|r| r.user as i64).collect::<Vec<i64>>(),
            recs.iter().map(|r| r.item as i64).collect::<Vec<i64>>(),
            recs.iter().map(|r| r.id).collect::<Vec<i64>>(),
        )
    })?;
    let d = pyo3::types::PyDict::new(py);
    let err = |e: PyErr| alpenglow_core::Error::data(e.to_string());
    d.set_item("time", gathered.0.into_pyarray(py)).map_err(err)?;
    d.set_item("score", gathered.1.into_pyarray(py)).map_err(err)?;
    d.set_item("user", gathered.2.into_pyarray(py)).map_err(err)?;
    d.set_item("item", gathered.3.into_pyarray(py)).map_err(err)?;
    d.set_item("id", gathered.4.into_pyarray(py)).map_err(err)?;
    Ok(d)
}

#[pymodule(gil_used = false)]
mod _core {
    #[pymodule_export]
    use super::handle::{components, create, PyHandle};
    #[pymodule_export]
    use super::logs::{predictions, ranking_logs, set_should_run};
    #[pymodule_export]
    use super::run::run;
    #[pymodule_export]
    use super::{data_length, dataframe_data, file_formats, gather_columns, parameter_violation, read_file};
}
