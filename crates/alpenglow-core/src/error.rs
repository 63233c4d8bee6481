//! The one error type of the core. Every variant maps to its own Python exception class in
//! the binding crate (`alpenglow-python/src/error.rs`); messages name the component,
//! parameter, column, row or wiring call that is at fault.

use std::fmt;

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Unknown keyword, wrong type or invalid value of a component parameter.
    #[error("{0}")]
    Parameter(String),
    /// A component is used without a required `set_…`/`add_…` call, or wired to the wrong kind.
    #[error("{0}")]
    Wiring(String),
    /// Bad input data: names the column and row, or the file and line.
    #[error("{0}")]
    Data(String),
    /// A file could not be opened or read.
    #[error("{path}: {source}")]
    Io { path: String, #[source] source: std::io::Error },
    /// The run was stopped by the user (Ctrl-C); results gathered so far are kept.
    #[error("interrupted")]
    Interrupted,
    /// Memory of a size decided by the input (ids, dimension, records) cannot be allocated;
    /// names what needed it (see `alloc`). Becomes a `MemoryError` in Python.
    #[error("{0}")]
    Memory(String),
    /// A component is borrowed by a running experiment (or wired so that it is needed twice at once).
    #[error("{0}")]
    InUse(String),
    /// An error raised by user code (e.g. a Python component); the binding restores it.
    #[error("{0}")]
    External(ExternalError),
}

/// An opaque error from outside the core, carried through it unchanged.
pub struct ExternalError(pub Box<dyn std::any::Any + Send + Sync>, pub String);

impl fmt::Debug for ExternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExternalError({})", self.1)
    }
}
impl fmt::Display for ExternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.1)
    }
}

impl Error {
    pub fn parameter(msg: impl Into<String>) -> Self {
        Error::Parameter(msg.into())
    }
    pub fn wiring(msg: impl Into<String>) -> Self {
        Error::Wiring(msg.into())
    }
    pub fn data(msg: impl Into<String>) -> Self {
        Error::Data(msg.into())
    }
    pub fn io(path: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
