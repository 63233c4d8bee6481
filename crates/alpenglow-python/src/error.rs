//! The only place core errors become Python exceptions. The exception classes live in
//! `alpenglow/errors.py` so that they can inherit from both `AlpenglowError` and the matching
//! builtin (TypeError, ValueError, …).

use alpenglow_core::error::{Error, ExternalError};
use pyo3::exceptions::{PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyPermissionError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// Newtype so that core errors convert with `?` (orphan rule).
pub struct PyAlpenglowError(pub Error);

impl From<Error> for PyAlpenglowError {
    fn from(e: Error) -> Self {
        PyAlpenglowError(e)
    }
}

fn class(py: Python<'_>, name: &str) -> PyResult<Py<PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || py.import("alpenglow.errors").map(Bound::unbind))?;
    Ok(module.bind(py).getattr(name)?.cast_into::<PyType>()?.unbind())
}

fn raise(py: Python<'_>, name: &str, msg: String) -> PyErr {
    match class(py, name) {
        Ok(cls) => PyErr::from_type(cls.into_bound(py), msg),
        Err(e) => e,
    }
}

impl From<PyAlpenglowError> for PyErr {
    fn from(e: PyAlpenglowError) -> PyErr {
        Python::attach(|py| match e.0 {
            Error::Parameter(m) => raise(py, "ParameterError", m),
            Error::Wiring(m) => raise(py, "WiringError", m),
            Error::Data(m) => raise(py, "DataError", m),
            Error::InUse(m) => raise(py, "InUseError", m),
            Error::Memory(m) => raise(py, "OutOfMemoryError", m),
            Error::Interrupted => PyKeyboardInterrupt::new_err("the run was interrupted"),
            Error::Io { path, source } => {
                let msg = format!("{path}: {source}");
                match source.kind() {
                    std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
                    std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(msg),
                    _ => PyOSError::new_err(msg),
                }
            }
            Error::External(ExternalError(payload, msg)) => match payload.downcast::<PyErr>() {
                Ok(err) => *err,
                Err(payload) if payload.is::<crate::guard::Internal>() => raise(py, "InternalError", msg),
                Err(_) => PyRuntimeError::new_err(msg),
            },
        })
    }
}

/// Carries a Python exception through the core (e.g. raised by a progress callback).
pub fn external(err: PyErr) -> Error {
    let msg = err.to_string();
    Error::External(ExternalError(Box::new(err), msg))
}

pub type PyResultA<T> = Result<T, PyAlpenglowError>;
