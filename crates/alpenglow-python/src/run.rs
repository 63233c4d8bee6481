//! Long calls: released GIL, progress callback and Ctrl-C, errors converted on the way out.

use std::panic::{catch_unwind, AssertUnwindSafe};

use alpenglow_core::experiment::{run as core_run, RunHooks};
use alpenglow_core::{Error, Result};
use pyo3::prelude::*;

use crate::error::{external, PyResultA};
use crate::handle::PyHandle;

struct PyHooks {
    callback: Option<Py<PyAny>>,
    interval: usize,
}

impl RunHooks for PyHooks {
    fn interval(&self) -> usize {
        self.interval
    }
    fn progress(&mut self, done: usize, total: usize) -> Result<()> {
        Python::attach(|py| {
            if let Err(e) = py.check_signals() {
                return Err(if e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                    Error::Interrupted
                } else {
                    external(e)
                });
            }
            if let Some(cb) = &self.callback {
                cb.call1(py, (done, total)).map_err(external)?;
            }
            Ok(())
        })
    }
}

/// Runs `job` with the GIL released; a panic becomes an error instead of unwinding into Python.
pub fn released<T: Send>(py: Python<'_>, job: impl FnOnce() -> Result<T> + Send) -> PyResultA<T> {
    let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(job)));
    match outcome {
        Ok(result) => result.map_err(Into::into),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let msg = format!("internal error in alpenglow (please report it): {msg}");
            Err(Error::External(alpenglow_core::error::ExternalError(Box::new(()), msg)).into())
        }
    }
}

/// Runs an OnlineExperiment with the GIL released. `progress(done, total)` is called every
/// `interval` records (and signals are checked then: Ctrl-C stops the run, keeping the results
/// logged so far). Returns the number of records processed.
#[pyfunction]
#[pyo3(signature = (experiment, progress = None, interval = 16384))]
pub fn run(py: Python<'_>, experiment: &PyHandle, progress: Option<Py<PyAny>>, interval: usize) -> PyResultA<usize> {
    let handle = experiment.handle.clone();
    let mut hooks = PyHooks { callback: progress, interval: interval.max(1) };
    released(py, move || core_run(&handle, &mut hooks).map(|s| s.records))
}
