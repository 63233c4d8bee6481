//! Helpers of `alpenglow.utils`: the running ranking log for parameter-search hooks, and the
//! seeded record orders of `DataShuffler`.

use alpenglow_core::data::iterators::shuffle_equal_times;
use alpenglow_core::loggers::MemoryRankingLogger;
use alpenglow_core::random::{valid_seed, Random};
use alpenglow_core::Error;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::PyResultA;
use crate::guard::entry;
use crate::handle::PyHandle;

/// The entries of a MemoryRankingLogger's log from position `start` on (copies: record_index,
/// rank raw codes, prediction). Meant for a run's progress callback: the run releases its
/// loggers while the callback runs, so the log so far can be read then. Elsewhere during a
/// run it raises InUseError.
#[pyfunction]
#[pyo3(signature = (logger, start = 0))]
pub fn ranking_logs_since<'py>(py: Python<'py>, logger: &PyHandle, start: usize) -> PyResult<Bound<'py, PyDict>> {
    entry("ranking_logs_since", || -> PyResultA<Bound<'py, PyDict>> {
        let shared = logger
            .handle
            .downcast::<MemoryRankingLogger>()
            .ok_or_else(|| Error::wiring(format!("{} is not a MemoryRankingLogger", logger.handle.name())))?;
        let l = shared.borrow()?;
        let logs = l.logs();
        let from = start.min(logs.rank.len());
        let d = PyDict::new(py);
        let set = |k: &str, v: Bound<'py, PyAny>| d.set_item(k, v).map_err(|e| Error::data(e.to_string()));
        set("record_index", logs.record_index[from..].to_vec().into_pyarray(py).into_any())?;
        set("rank", logs.rank[from..].to_vec().into_pyarray(py).into_any())?;
        set("prediction", logs.prediction[from..].to_vec().into_pyarray(py).into_any())?;
        Ok(d)
    })
}

/// A seeded order of `len(time)` records (MINSTD Fisher–Yates): `"same_timestamp"` shuffles
/// every run of equal times (as the ShuffleIterator), any other mode is a full permutation.
#[pyfunction]
pub fn shuffle_order<'py>(
    py: Python<'py>,
    time: PyReadonlyArray1<'py, f64>,
    seed: i64,
    mode: &str,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    let order = entry("shuffle_order", || -> PyResultA<Vec<u32>> {
        if !valid_seed(seed) {
            let msg = format!("DataShuffler: seed must be a valid generator seed, got {seed}");
            return Err(Error::parameter(msg).into());
        }
        let t = time.as_slice().map_err(|e| Error::data(e.to_string()))?;
        let n = t.len();
        if n > u32::MAX as usize {
            return Err(Error::data(format!("DataShuffler: {n} records are too many")).into());
        }
        Ok(if mode == "same_timestamp" {
            shuffle_equal_times(|i| t[i], n, seed)
        } else {
            let mut order: Vec<u32> = (0..n as u32).collect();
            Random::new(seed).shuffle(&mut order);
            order
        })
    })?;
    Ok(order.into_pyarray(py))
}
