//! Columnar input of an experiment. Columns are shared without copying: a column is either a
//! constant (the default of a missing column) or a slice owned by anything that can lend one
//! (a `Vec`, or in the binding crate a numpy array kept alive for the column's lifetime).

use std::sync::Arc;

use crate::error::{Error, Result};

/// Largest accepted user or item id (2^24 - 1). Ids are dense array indices, so per-id storage
/// grows with the largest id; sparse or larger ids must be recoded first (`recode=True`).
pub const MAX_ID: i64 = (1 << 24) - 1;

/// Anything that can lend a contiguous slice for as long as it lives.
pub trait ColumnSource<T>: Send + Sync {
    fn as_slice(&self) -> &[T];
}

impl<T: Send + Sync> ColumnSource<T> for Vec<T> {
    fn as_slice(&self) -> &[T] {
        self
    }
}

/// A value type of a column; `from_index` gives the value of the row-index column.
pub trait ColumnValue: Copy + Send + Sync + 'static {
    fn from_index(i: usize) -> Self;
}

impl ColumnValue for f64 {
    fn from_index(i: usize) -> Self {
        i as f64
    }
}

impl ColumnValue for i64 {
    fn from_index(i: usize) -> Self {
        i as i64
    }
}

/// One column: a shared slice, a constant, or the row index (the default of `time` and `id`).
#[derive(Clone)]
pub enum Column<T: ColumnValue> {
    Shared(Arc<dyn ColumnSource<T>>),
    Constant(T),
    RowIndex,
}

impl<T: ColumnValue> Column<T> {
    pub fn from_vec(v: Vec<T>) -> Self {
        Column::Shared(Arc::new(v))
    }
    pub fn view(&self) -> ColumnView<'_, T> {
        match self {
            Column::Shared(s) => ColumnView::Slice(s.as_slice()),
            Column::Constant(c) => ColumnView::Constant(*c),
            Column::RowIndex => ColumnView::RowIndex,
        }
    }
    /// Length of a shared column; `None` for a constant or the row index.
    pub fn len(&self) -> Option<usize> {
        match self {
            Column::Shared(s) => Some(s.as_slice().len()),
            Column::Constant(_) | Column::RowIndex => None,
        }
    }
}

/// A borrowed view of a column, resolved once per run so that the hot loop only indexes.
#[derive(Clone, Copy)]
pub enum ColumnView<'a, T: ColumnValue> {
    Slice(&'a [T]),
    Constant(T),
    RowIndex,
}

impl<T: ColumnValue> ColumnView<'_, T> {
    #[inline]
    pub fn get(&self, i: usize) -> T {
        match self {
            ColumnView::Slice(s) => s[i],
            ColumnView::Constant(c) => *c,
            ColumnView::RowIndex => T::from_index(i),
        }
    }
}

/// Owned columns as read from a file. `eval` and `category` are always filled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnedColumns {
    pub time: Vec<f64>,
    pub user: Vec<i64>,
    pub item: Vec<i64>,
    pub id: Vec<i64>,
    pub score: Vec<f64>,
    pub eval: Vec<i64>,
    pub category: Vec<i64>,
}

impl OwnedColumns {
    pub fn len(&self) -> usize {
        self.time.len()
    }
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }
    pub fn push(&mut self, time: f64, user: i64, item: i64, id: i64, score: f64, eval: i64, category: i64) {
        self.time.push(time);
        self.user.push(user);
        self.item.push(item);
        self.id.push(id);
        self.score.push(score);
        self.eval.push(eval);
        self.category.push(category);
    }
}

/// Checks that an id column holds valid dense ids; returns the largest id (or -1 if empty).
pub fn check_ids(name: &str, ids: &[i64]) -> Result<i64> {
    let mut max = -1;
    for (row, &id) in ids.iter().enumerate() {
        if !(0..=MAX_ID).contains(&id) {
            let why = if id < 0 { "is negative" } else { "is too large" };
            return Err(Error::data(format!(
                "column '{name}', row {row}: id {id} {why}; ids must be integers in 0..={MAX_ID} \
                 (pass recode=True to map arbitrary ids to dense codes)"
            )));
        }
        max = max.max(id);
    }
    Ok(max)
}

/// Checks that times are finite and non-decreasing.
pub fn check_times(times: &[f64]) -> Result<()> {
    let mut prev = f64::NEG_INFINITY;
    for (row, &t) in times.iter().enumerate() {
        if !t.is_finite() {
            return Err(Error::data(format!("column 'time', row {row}: time {t} is not a finite number")));
        }
        if t < prev {
            return Err(Error::data(format!(
                "column 'time', row {row}: time {t} is earlier than the previous row's {prev}; \
                 the stream must be sorted by time (e.g. df.sort_values('time', kind='stable'))"
            )));
        }
        prev = t;
    }
    Ok(())
}
