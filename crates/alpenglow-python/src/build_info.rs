//! How the extension was built (read by `alpenglow.cpp.__compiler` / `__stdlib`).

use pyo3::prelude::*;

/// `{"compiler": "rustc 1.95.0 (...)", "target": "x86_64-unknown-linux-gnu", "debug": bool}`,
/// captured at build time.
#[pyfunction]
pub fn build_info(py: Python<'_>) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let d = pyo3::types::PyDict::new(py);
    d.set_item("compiler", env!("ALPENGLOW_RUSTC_VERSION"))?;
    d.set_item("target", env!("ALPENGLOW_TARGET"))?;
    d.set_item("debug", cfg!(debug_assertions))?;
    Ok(d)
}
