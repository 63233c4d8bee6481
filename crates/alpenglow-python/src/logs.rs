//! Results of loggers as numpy arrays (moved out of Rust without copying).

use alpenglow_core::loggers::{ListConditionalMetaLogger, MemoryRankingLogger, PredictionLogger};
use alpenglow_core::Error;
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::PyResultA;
use crate::handle::PyHandle;

/// The ranking log of a MemoryRankingLogger: record_index, rank (raw codes), prediction, cold
/// (uint8 bits user=1/item=2, empty unless cold-start evaluation is on), top_k.
/// With `take=True` the log is moved out (the logger keeps an empty one).
#[pyfunction]
#[pyo3(signature = (logger, take = false))]
pub fn ranking_logs<'py>(py: Python<'py>, logger: &PyHandle, take: bool) -> PyResult<Bound<'py, PyDict>> {
    crate::guard::entry("ranking_logs", || -> PyResultA<Bound<'py, PyDict>> {
        let shared = logger
            .handle
            .downcast::<MemoryRankingLogger>()
            .ok_or_else(|| Error::wiring(format!("{} is not a MemoryRankingLogger", logger.handle.name())))?;
        let logs = shared.with_mut(|l| if take { l.take_logs() } else { l.logs().clone() })?;
        let d = PyDict::new(py);
        let set = |k: &str, v: Bound<'py, PyAny>| d.set_item(k, v).map_err(|e| Error::data(e.to_string()));
        set("record_index", logs.record_index.into_pyarray(py).into_any())?;
        set("rank", logs.rank.into_pyarray(py).into_any())?;
        set("prediction", logs.prediction.into_pyarray(py).into_any())?;
        set("cold", logs.cold.into_pyarray(py).into_any())?;
        set("top_k", logs.top_k.into_pyobject(py).map_err(|e| Error::data(e.to_string()))?.into_any())?;
        Ok(d)
    })
}

/// The top lists of a PredictionLogger: record_index, item, rank (1-based), score.
#[pyfunction]
#[pyo3(signature = (logger, take = false))]
pub fn predictions<'py>(py: Python<'py>, logger: &PyHandle, take: bool) -> PyResult<Bound<'py, PyDict>> {
    crate::guard::entry("predictions", || -> PyResultA<Bound<'py, PyDict>> {
        let shared = logger
            .handle
            .downcast::<PredictionLogger>()
            .ok_or_else(|| Error::wiring(format!("{} is not a PredictionLogger", logger.handle.name())))?;
        let p = shared.with_mut(|l| if take { l.take_predictions() } else { l.predictions().clone() })?;
        let d = PyDict::new(py);
        let set = |k: &str, v: Bound<'py, PyAny>| d.set_item(k, v).map_err(|e| Error::data(e.to_string()));
        set("record_index", p.record_index.into_pyarray(py).into_any())?;
        set("item", p.item.into_pyarray(py).into_any())?;
        set("rank", p.rank.into_pyarray(py).into_any())?;
        set("score", p.score.into_pyarray(py).into_any())?;
        Ok(d)
    })
}

/// Restricts a PredictionLogger (or the inner logger of a ListConditionalMetaLogger) to the
/// records whose processing position has a true flag.
#[pyfunction]
pub fn set_should_run(logger: &PyHandle, flags: &Bound<'_, PyArray1<bool>>) -> PyResult<()> {
    crate::guard::entry("set_should_run", || -> PyResultA<()> {
        let flags: Vec<bool> = flags.readonly().as_slice().map(|s| s.to_vec()).unwrap_or_else(|_| {
            let ro = flags.readonly();
            (0..ro.len()).map(|i| *ro.get(i).unwrap_or(&false)).collect()
        });
        if let Some(shared) = logger.handle.downcast::<PredictionLogger>() {
            shared.with_mut(|l| l.set_should_run(flags))?;
        } else if let Some(shared) = logger.handle.downcast::<ListConditionalMetaLogger>() {
            shared.with_mut(|l| l.set_should_run(flags))?;
        } else {
            return Err(Error::wiring(format!(
                "{} is not a PredictionLogger or a ListConditionalMetaLogger (the loggers that take should_run flags)",
                logger.handle.name()
            ))
            .into());
        }
        Ok(())
    })
}
