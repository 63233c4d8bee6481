//! The columnar container of a stream. Built from shared columns (numpy arrays in Python,
//! without copying) or from a file; validated once at construction.

use std::path::Path;

use super::columns::{check_ids, check_times, Column, ColumnView, OwnedColumns};
use super::formats;
use crate::record::RecDat;
use crate::component::{Component, NoWiring};
use crate::error::{Error, Result};

crate::parameters! {
    /// A stream of events. In Python, build it with `DataframeData(df)` or
    /// `LegacyRecommenderData(file_name=..., type=..., experiment_termination_time=...)`.
    pub struct RecommenderDataParameters {
        /// File the data was read from ("" for in-memory columns).
        pub file_name: String = String::new(),
        /// File format (an `experimentType` value) of `file_name`.
        pub r#type: String = "online".to_string(),
        /// When > 0, reading stops at the first record with time >= this value.
        pub experiment_termination_time: f64 = 0.0,
    }
}

pub struct RecommenderData {
    params: RecommenderDataParameters,
    wiring: NoWiring,
    len: usize,
    pub time: Column<f64>,
    pub user: Column<i64>,
    pub item: Column<i64>,
    pub score: Column<f64>,
    pub eval: Column<i64>,
    pub id: Column<i64>,
    pub category: Column<i64>,
    max_user: i64,
    max_item: i64,
}

/// Checks an id column and returns its largest id (-1 if empty).
fn max_id(name: &str, col: &Column<i64>, len: usize) -> Result<i64> {
    match col.view() {
        ColumnView::Slice(s) => check_ids(name, s),
        ColumnView::Constant(c) => check_ids(name, &[c]),
        ColumnView::RowIndex => check_ids(name, &[len as i64 - 1]),
    }
}

/// All columns of a stream; missing ones are constants or the row index.
pub struct ColumnSet {
    pub time: Column<f64>,
    pub user: Column<i64>,
    pub item: Column<i64>,
    pub score: Column<f64>,
    pub eval: Column<i64>,
    pub id: Column<i64>,
    pub category: Column<i64>,
}

impl RecommenderData {
    /// Validates and wraps columns: equal lengths, dense ids, finite non-decreasing times.
    pub fn from_columns(cols: ColumnSet) -> Result<Self> {
        let named: [(&str, Option<usize>); 7] = [
            ("time", cols.time.len()),
            ("user", cols.user.len()),
            ("item", cols.item.len()),
            ("score", cols.score.len()),
            ("eval", cols.eval.len()),
            ("id", cols.id.len()),
            ("category", cols.category.len()),
        ];
        let len = named.iter().find_map(|(_, l)| *l).unwrap_or(0);
        for (name, l) in named {
            if let Some(l) = l.filter(|&l| l != len) {
                return Err(Error::data(format!("column '{name}' has {l} rows, expected {len}")));
            }
        }
        let max_user = max_id("user", &cols.user, len)?;
        let max_item = max_id("item", &cols.item, len)?;
        if let ColumnView::Slice(t) = cols.time.view() {
            check_times(t)?;
        }
        if let ColumnView::Slice(s) = cols.score.view() {
            if let Some(row) = s.iter().position(|v| v.is_nan()) {
                return Err(Error::data(format!("column 'score', row {row}: score is NaN")));
            }
            // Fix: an infinite score turned most factor predictions into NaN.
            if let Some(row) = s.iter().position(|v| !v.is_finite()) {
                return Err(Error::data(format!("column 'score', row {row}: score {} is not a finite number", s[row])));
            }
        }
        Ok(RecommenderData {
            params: RecommenderDataParameters::default(),
            wiring: NoWiring,
            len,
            time: cols.time,
            user: cols.user,
            item: cols.item,
            score: cols.score,
            eval: cols.eval,
            id: cols.id,
            category: cols.category,
            max_user,
            max_item,
        })
    }

    pub fn from_owned(c: OwnedColumns) -> Result<Self> {
        Self::from_columns(ColumnSet {
            time: Column::from_vec(c.time),
            user: Column::from_vec(c.user),
            item: Column::from_vec(c.item),
            score: Column::from_vec(c.score),
            eval: Column::from_vec(c.eval),
            id: Column::from_vec(c.id),
            category: Column::from_vec(c.category),
        })
    }

    /// Reads a file in one of the `experimentType` formats (or "csv"), gzip accepted.
    pub fn from_file(path: &Path, format: &str, termination_time: f64) -> Result<Self> {
        let mut data = Self::from_owned(formats::read_file(path, format, termination_time)?)?;
        data.params = RecommenderDataParameters {
            file_name: path.display().to_string(),
            r#type: format.to_string(),
            experiment_termination_time: termination_time,
        };
        Ok(data)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Re-checks ids and times before a run: shared columns could have been written to since
    /// construction (e.g. a numpy array modified in place), and ids index arrays.
    /// Returns the (max user, max item) ids.
    pub fn revalidate(&self) -> Result<(i64, i64)> {
        let maxes = (max_id("user", &self.user, self.len)?, max_id("item", &self.item, self.len)?);
        if let ColumnView::Slice(t) = self.time.view() {
            check_times(t)?;
        }
        Ok(maxes)
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Largest user id, or -1 when empty.
    pub fn max_user(&self) -> i64 {
        self.max_user
    }
    pub fn max_item(&self) -> i64 {
        self.max_item
    }

    /// Borrowed column views for fast record access during a run.
    pub fn view(&self) -> DataView<'_> {
        DataView {
            time: self.time.view(),
            user: self.user.view(),
            item: self.item.view(),
            score: self.score.view(),
            eval: self.eval.view(),
            id: self.id.view(),
            category: self.category.view(),
        }
    }
}

/// Column views of a stream; `record(i)` is a few indexed loads.
#[derive(Clone, Copy)]
pub struct DataView<'a> {
    pub time: ColumnView<'a, f64>,
    pub user: ColumnView<'a, i64>,
    pub item: ColumnView<'a, i64>,
    pub score: ColumnView<'a, f64>,
    pub eval: ColumnView<'a, i64>,
    pub id: ColumnView<'a, i64>,
    pub category: ColumnView<'a, i64>,
}

impl DataView<'_> {
    // Always inlined: the run loop reads one record per step, and a call costs a third of it.
    #[inline(always)]
    pub fn record(&self, i: usize) -> RecDat {
        RecDat {
            id: self.id.get(i),
            time: self.time.get(i),
            user: self.user.get(i) as u32,
            item: self.item.get(i) as u32,
            score: self.score.get(i),
            eval: self.eval.get(i) != 0,
            category: self.category.get(i),
            index: i,
        }
    }
}

impl super::Records for RecommenderData {
    fn size(&self) -> usize {
        self.len()
    }
}

impl Component for RecommenderData {
    const NAME: &'static str = "RecommenderData";
    type Params = RecommenderDataParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        if params.file_name.is_empty() {
            return Err(Error::parameter(
                "RecommenderData: give file_name (LegacyRecommenderData) or build it from a DataFrame (DataframeData)",
            ));
        }
        Self::from_file(Path::new(&params.file_name), &params.r#type, params.experiment_termination_time)
    }
    crate::component_accessors!();
}
