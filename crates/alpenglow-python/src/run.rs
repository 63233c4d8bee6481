//! Long calls: released GIL, progress callback and Ctrl-C, errors converted on the way out.

use std::panic::{catch_unwind, AssertUnwindSafe};

use alpenglow_core::experiment::checkpoint::{CheckpointSpec, RunOptions};
use alpenglow_core::experiment::{run_with as core_run, RunHooks};
use alpenglow_core::{Error, Result};
use pyo3::prelude::*;

use crate::error::{external, PyAlpenglowError};
use crate::guard::internal_error;
use crate::handle::PyHandle;

struct PyHooks {
    callback: Option<Py<PyAny>>,
    interval: usize,
    period: std::time::Duration,
}

impl RunHooks for PyHooks {
    fn interval(&self) -> usize {
        self.interval
    }
    fn period(&self) -> std::time::Duration {
        self.period
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
                // A callback that raises KeyboardInterrupt stops the run as Ctrl-C does (used by
                // parameter searches to stop their workers and by Optuna pruning).
                cb.call1(py, (done, total)).map_err(|e| {
                    if e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                        Error::Interrupted
                    } else {
                        external(e)
                    }
                })?;
            }
            Ok(())
        })
    }
}

/// Runs `job` with the GIL released; a panic becomes an `InternalError` naming `entry` instead
/// of unwinding into Python.
pub fn released<T: Send>(py: Python<'_>, entry: &str, job: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(job)));
    match outcome {
        Ok(result) => result.map_err(|e| PyAlpenglowError(e).into()),
        Err(panic) => Err(PyAlpenglowError(internal_error(entry, &*panic)).into()),
    }
}

/// Runs an OnlineExperiment with the GIL released. `progress(done, total)` is called every
/// `interval` records and at least every `period_ms` milliseconds of work (signals are checked
/// then: Ctrl-C stops the run, keeping the results logged so far). With `checkpoint`, the whole
/// state is written to that file every `checkpoint_every` records (0: only at the end) and when
/// the run ends; with `resume`, the run continues from a checkpoint of the same experiment and
/// stream. Returns the number of records processed (counting those before a resumed position).
#[pyfunction]
#[pyo3(signature = (experiment, progress = None, interval = 16384, period_ms = 50.0, checkpoint = None, checkpoint_every = 0, resume = None))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    experiment: &PyHandle,
    progress: Option<Py<PyAny>>,
    interval: usize,
    period_ms: f64,
    checkpoint: Option<std::path::PathBuf>,
    checkpoint_every: usize,
    resume: Option<std::path::PathBuf>,
) -> PyResult<usize> {
    let handle = experiment.handle.clone();
    let period = std::time::Duration::try_from_secs_f64(period_ms.max(0.0) / 1000.0)
        .unwrap_or(std::time::Duration::from_millis(50));
    let mut hooks = PyHooks { callback: progress, interval: interval.max(1), period };
    let options = RunOptions { checkpoint: checkpoint.map(|path| CheckpointSpec { path, every: checkpoint_every }), resume };
    released(py, "run", move || core_run(&handle, &mut hooks, &options).map(|s| s.records))
}
