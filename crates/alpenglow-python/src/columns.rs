//! Zero-copy columns: a contiguous numpy array kept alive by the column that lends its buffer.

use std::sync::Arc;

use alpenglow_core::data::recommender_data::ColumnSet;
use alpenglow_core::data::columns::ColumnValue;
use alpenglow_core::data::{Column, ColumnSource};
use numpy::{Element, PyArray1, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

struct NumpyColumn<T> {
    _owner: Py<PyArray1<T>>,
    ptr: *const T,
    len: usize,
}

// SAFETY: the buffer belongs to a numpy array that `_owner` keeps alive; it is only read, and a
// run re-validates the id and time columns before using them, so a concurrent write from Python
// can give wrong values but never an out-of-bounds access.
unsafe impl<T> Send for NumpyColumn<T> {}
unsafe impl<T> Sync for NumpyColumn<T> {}

impl<T: Send + Sync> ColumnSource<T> for NumpyColumn<T> {
    fn as_slice(&self) -> &[T] {
        // SAFETY: see the Send/Sync note; ptr/len come from a contiguous array at construction.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// Borrows a 1-d contiguous numpy array of the exact dtype as a column, without copying.
pub fn column<T: Element + ColumnValue>(
    name: &str,
    obj: Option<&Bound<'_, PyAny>>,
    default: Column<T>,
) -> PyResult<Column<T>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(default);
    };
    let arr = obj.cast::<PyArray1<T>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "column '{name}': expected a 1-d numpy array of {}, got {}",
            std::any::type_name::<T>(),
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    if !arr.is_contiguous() {
        return Err(PyValueError::new_err(format!("column '{name}': the array must be contiguous")));
    }
    let len = arr.len();
    let ptr = if len == 0 { std::ptr::NonNull::<T>::dangling().as_ptr() as *const T } else { arr.data() as *const T };
    Ok(Column::Shared(Arc::new(NumpyColumn { _owner: arr.clone().unbind(), ptr, len })))
}

fn required<'a, 'py>(name: &str, obj: Option<&'a Bound<'py, PyAny>>) -> PyResult<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none()).ok_or_else(|| PyValueError::new_err(format!("column '{name}' is required")))
}

/// All seven columns from optional numpy arrays. Missing ones get the documented defaults:
/// time and id the row index, score 1, eval 1, category 1.
#[allow(clippy::too_many_arguments)]
pub fn column_set(
    time: Option<&Bound<'_, PyAny>>,
    user: Option<&Bound<'_, PyAny>>,
    item: Option<&Bound<'_, PyAny>>,
    score: Option<&Bound<'_, PyAny>>,
    eval: Option<&Bound<'_, PyAny>>,
    id: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
) -> PyResult<ColumnSet> {
    Ok(ColumnSet {
        time: column("time", time, Column::RowIndex)?,
        user: column("user", Some(required("user", user)?), Column::Constant(0))?,
        item: column("item", Some(required("item", item)?), Column::Constant(0))?,
        score: column("score", score, Column::Constant(1.0))?,
        eval: column("eval", eval, Column::Constant(1))?,
        id: column("id", id, Column::RowIndex)?,
        category: column("category", category, Column::Constant(1))?,
    })
}
