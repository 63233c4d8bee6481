//! Zero-copy columns: a contiguous numpy array kept alive by the column that lends its buffer.

use std::sync::Arc;

use alpenglow_core::data::recommender_data::ColumnSet;
use alpenglow_core::data::columns::ColumnValue;
use alpenglow_core::data::{Column, ColumnSource};
use numpy::{Element, PyArray1, PyArrayMethods, PyUntypedArrayMethods};
use alpenglow_core::{Error, Result};
use pyo3::prelude::*;

struct NumpyColumn<T> {
    _owner: Py<PyArray1<T>>,
    ptr: *const T,
    len: usize,
}

// SAFETY: the buffer belongs to a numpy array that `_owner` keeps alive, is aligned, and is
// immutable: `column` borrows only arrays that are read-only down to the object that owns their
// memory (see `is_immutable`); anything else is copied. So no Python code can write the buffer
// while a run reads it without the GIL.
unsafe impl<T> Send for NumpyColumn<T> {}
unsafe impl<T> Sync for NumpyColumn<T> {}

impl<T: Send + Sync> ColumnSource<T> for NumpyColumn<T> {
    fn as_slice(&self) -> &[T] {
        // SAFETY: see the Send/Sync note; ptr/len come from a contiguous aligned array.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// True if no Python code can write the array's memory: the array and every array it is a view
/// of are read-only, and the chain ends at an array that owns its memory or at an immutable
/// `bytes` object. (A read-only view of a writeable array, or of a foreign buffer, can change.)
fn is_immutable(arr: &Bound<'_, PyAny>) -> bool {
    let mut current = arr.clone();
    for _ in 0..64 {
        let writeable = current
            .getattr("flags")
            .and_then(|f| f.getattr("writeable"))
            .and_then(|w| w.extract::<bool>())
            .unwrap_or(true);
        if writeable {
            return false;
        }
        let base = match current.getattr("base") {
            Ok(b) => b,
            Err(_) => return false,
        };
        if base.is_none() {
            return true; // a read-only array owning its memory
        }
        if base.is_exact_instance_of::<pyo3::types::PyBytes>() {
            return true;
        }
        if !base.hasattr("flags").unwrap_or(false) || !base.hasattr("base").unwrap_or(false) {
            return false; // a foreign buffer (mmap, bytearray, pyarrow, ...) may be writeable
        }
        current = base;
    }
    false
}

/// A column of a 1-d contiguous numpy array of the exact dtype: borrowed without copying when
/// its memory is immutable and aligned, copied otherwise (a writeable array could be changed by
/// Python code while a run reads it with the GIL released).
pub fn column<T: Element + ColumnValue>(
    name: &str,
    obj: Option<&Bound<'_, PyAny>>,
    default: Column<T>,
) -> Result<Column<T>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(default);
    };
    let arr = obj.cast::<PyArray1<T>>().map_err(|_| {
        Error::data(format!(
            "column '{name}': expected a 1-d numpy array of {}, got {}",
            std::any::type_name::<T>(),
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    if !arr.is_contiguous() {
        return Err(Error::data(format!("column '{name}': the array must be contiguous")));
    }
    let len = arr.len();
    let data = arr.data() as *const T;
    let aligned = len == 0 || (data as usize) % std::mem::align_of::<T>() == 0;
    if aligned && is_immutable(obj) {
        let ptr = if len == 0 { std::ptr::NonNull::<T>::dangling().as_ptr() as *const T } else { data };
        return Ok(Column::Shared(Arc::new(NumpyColumn { _owner: arr.clone().unbind(), ptr, len })));
    }
    let mut copy: Vec<T> = Vec::new();
    alpenglow_core::alloc::reserve(&mut copy, len, &format!("column '{name}': a copy of the writeable array"))?;
    // SAFETY: the GIL is held (no Python code runs meanwhile), the array is contiguous with
    // `len` elements of T; unaligned reads are allowed by read_unaligned.
    for i in 0..len {
        copy.push(unsafe { std::ptr::read_unaligned(data.add(i)) });
    }
    Ok(Column::from_vec(copy))
}

fn required<'a, 'py>(name: &str, obj: Option<&'a Bound<'py, PyAny>>) -> Result<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none()).ok_or_else(|| Error::data(format!("column '{name}' is required")))
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
) -> Result<ColumnSet> {
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
