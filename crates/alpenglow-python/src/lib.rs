//! Python bindings of alpenglow-core: the extension module `alpenglow._core`.
//! Thin on purpose: components are built from the core registry, the Python package supplies
//! the classes.

mod build_info;
mod columns;
mod error;
mod guard;
mod handle;
mod live;
mod logs;
mod python_components;
mod offline;
mod run;
mod utils;

use alpenglow_core::data::RecommenderData;
use alpenglow_core::registry::wrap;
use pyo3::prelude::*;

use crate::guard::entry;
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
) -> PyResult<PyHandle> {
    entry("dataframe_data", || {
        let cols = columns::column_set(time, user, item, score, eval, id, category)?;
        let data = RecommenderData::from_columns(cols)?;
        Ok::<_, error::PyAlpenglowError>(PyHandle { handle: wrap(data, |_, _| {}) })
    })
}

/// Reads a stream file (an experimentType format or "csv"; gzip accepted) with the GIL released.
#[pyfunction]
#[pyo3(signature = (path, format = "online", experiment_termination_time = 0.0))]
fn read_file(py: Python<'_>, path: std::path::PathBuf, format: &str, experiment_termination_time: f64) -> PyResult<PyHandle> {
    let format = format.to_string();
    let data = run::released(py, "read_file", move || {
        RecommenderData::from_file(&path, &format, experiment_termination_time)
    })?;
    Ok(PyHandle { handle: wrap(data, |_, _| {}) })
}

/// Checks a value against the declared constraint of a component's parameter: None when it is
/// accepted, else why not ("must be <description>, got <value>"). The Python layer checks its
/// own keywords with the core's rules this way, naming them as the user wrote them.
#[pyfunction]
fn parameter_violation(component: &str, name: &str, value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    entry("parameter_violation", || -> Result<Option<String>, error::PyAlpenglowError> {
        let spec = alpenglow_core::registry::find(component)
            .and_then(|info| info.params.iter().find(|s| s.name == name))
            .ok_or_else(|| alpenglow_core::Error::parameter(format!("{component} has no parameter '{name}'")))?;
        let value = handle::to_value(component, name, value)?;
        Ok(spec.constraint.filter(|c| !c.accepts(&value)).map(|c| format!("must be {c}, got {value}")))
    })
}

/// The file formats `read_file` accepts.
#[pyfunction]
fn file_formats() -> Vec<&'static str> {
    alpenglow_core::data::formats::FORMATS.to_vec()
}

/// Columns of a data container as numpy arrays (copies), for building result frames.
#[pyfunction]
fn data_length(data: &PyHandle) -> PyResult<usize> {
    entry("data_length", || -> Result<usize, error::PyAlpenglowError> { Ok(recommender_data(data)?.with(|d| d.len())?) })
}

fn recommender_data(data: &PyHandle) -> alpenglow_core::Result<std::sync::Arc<alpenglow_core::component::Shared<RecommenderData>>> {
    data.handle
        .downcast::<RecommenderData>()
        .ok_or_else(|| alpenglow_core::Error::wiring(format!("{} is not a RecommenderData", data.handle.name())))
}

/// time, score, user, item and id of the given records of a data container (gathered copies).
/// Every index must be a record of the container (0 <= index < length).
#[pyfunction]
fn gather_columns<'py>(
    py: Python<'py>,
    data: &PyHandle,
    record_index: numpy::PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    entry("gather_columns", || gather(py, data, record_index))
}

fn gather<'py>(
    py: Python<'py>,
    data: &PyHandle,
    record_index: numpy::PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    use numpy::IntoPyArray;
    let shared = recommender_data(data).map_err(error::PyAlpenglowError)?;
    let idx: Vec<i64> = record_index.as_array().iter().copied().collect();
    let gathered = shared
        .with(|d| -> alpenglow_core::Result<_> {
            let v = d.view();
            let len = d.len();
            let mut recs = Vec::new();
            recs.try_reserve_exact(idx.len()).map_err(|_| alpenglow_core::Error::data(format!(
                "gather_columns: cannot allocate {} records", idx.len()
            )))?;
            for (position, &i) in idx.iter().enumerate() {
                if i < 0 || i as u64 >= len as u64 {
                    return Err(alpenglow_core::Error::data(format!(
                        "gather_columns: record index {i} (position {position}) is out of range: the stream has {len} records"
                    )));
                }
                recs.push(v.record(i as usize));
            }
            Ok((
                recs.iter().map(|r| r.time).collect::<Vec<f64>>(),
                recs.iter().map(|r| r.score).collect::<Vec<f64>>(),
                recs.iter().map(|r| r.user as i64).collect::<Vec<i64>>(),
                recs.iter().map(|r| r.item as i64).collect::<Vec<i64>>(),
                recs.iter().map(|r| r.id).collect::<Vec<i64>>(),
            ))
        })
        .and_then(|r| r)
        .map_err(error::PyAlpenglowError)?;
    let d = pyo3::types::PyDict::new(py);
    d.set_item("time", gathered.0.into_pyarray(py))?;
    d.set_item("score", gathered.1.into_pyarray(py))?;
    d.set_item("user", gathered.2.into_pyarray(py))?;
    d.set_item("item", gathered.3.into_pyarray(py))?;
    d.set_item("id", gathered.4.into_pyarray(py))?;
    Ok(d)
}

/// Panics on purpose, to test the panic barrier: raises `alpenglow.errors.InternalError`.
#[pyfunction]
fn _test_panic(message: &str) -> PyResult<()> {
    entry("_test_panic", || -> PyResult<()> { panic!("{message}") })
}

#[pymodule(gil_used = false)]
mod _core {
    #[pymodule_export]
    use super::handle::{components, create, PyHandle};
    #[pymodule_export]
    use super::logs::{predictions, ranking_logs, set_should_run};
    #[pymodule_export]
    use super::python_components::{attach_python, PyRecDat};
    #[pymodule_export]
    use super::run::run;
    #[pymodule_export]
    use super::live::{live_checkpoint, live_learn, live_predict, live_recommend};
    #[pymodule_export]
    use super::build_info::build_info;
    #[pymodule_export]
    use super::offline::{offline_fit, offline_predict, offline_recommend};
    #[pymodule_export]
    use super::{_test_panic, data_length, dataframe_data, file_formats, gather_columns, parameter_violation, read_file};
    #[pymodule_export]
    use super::utils::{ranking_logs_since, shuffle_order};
}
