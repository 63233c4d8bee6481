//! The panic barrier: every entry point of the extension runs inside [`entry`], so a panic in
//! the core (a bug) becomes `alpenglow.errors.InternalError` naming the entry point, instead of
//! unwinding into Python as a `PanicException` (a `BaseException`).

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use alpenglow_core::error::{Error, ExternalError};
use pyo3::prelude::*;

use crate::error::PyAlpenglowError;

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".to_string())
}

/// The error a caught panic becomes: names where it happened.
pub fn internal_error(entry: &str, payload: &(dyn Any + Send)) -> Error {
    let msg = format!("internal error in alpenglow._core.{entry} (please report it): {}", panic_message(payload));
    Error::External(ExternalError(Box::new(Internal), msg))
}

/// Marker payload of an internal error (raised as `alpenglow.errors.InternalError`).
pub struct Internal;

/// Runs the body of the entry point `name`; a panic becomes an `InternalError`.
pub fn entry<T, E: Into<PyErr>>(name: &str, body: impl FnOnce() -> Result<T, E>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result.map_err(Into::into),
        Err(payload) => Err(PyAlpenglowError(internal_error(name, &*payload)).into()),
    }
}
