//! A dense, row-major factor matrix (one row per id) with `seen` flags and its own generator:
//! the storage of `EigenFactorModel` (the original's EigenFactors).

use crate::error::Result;
use crate::random::Random;

#[derive(Debug, Clone)]
pub struct DenseFactors {
    dimension: usize,
    begin_min: f64,
    begin_max: f64,
    rng: Random,
    /// `rows × dimension` values, row-major.
    values: Vec<f64>,
    /// Whether each row had observations in the last fit.
    seen: Vec<bool>,
}

impl DenseFactors {
    pub fn new(dimension: usize, begin_min: f64, begin_max: f64, seed: i64) -> Self {
        DenseFactors { dimension, begin_min, begin_max, rng: Random::new(seed), values: Vec::new(), seen: Vec::new() }
    }

    pub fn dimension(&self) -> usize {
        self.dimension
    }

    pub fn rows(&self) -> usize {
        self.seen.len()
    }

    /// The row of `id` (`None` beyond the last row).
    #[inline]
    pub fn row(&self, id: u32) -> Option<&[f64]> {
        let d = self.dimension;
        let i = id as usize;
        (i < self.rows()).then(|| &self.values[i * d..(i + 1) * d])
    }

    pub fn values(&self) -> &[f64] {
        &self.values
    }

    pub fn seen(&self) -> &[bool] {
        &self.seen
    }

    /// Grows to `rows` rows (never shrinks). The new rows are drawn uniformly in
    /// [begin_min, begin_max) column by column: for each dimension j, for each new row i
    /// (ascending), one draw. New rows are not seen.
    pub fn resize(&mut self, rows: usize, what: &str) -> Result<()> {
        let old = self.rows();
        if rows <= old {
            return Ok(());
        }
        let d = self.dimension;
        let added = (rows - old).checked_mul(d).ok_or_else(|| crate::alloc::too_large(what, usize::MAX, 8))?;
        crate::alloc::reserve(&mut self.values, added, what)?;
        crate::alloc::reserve(&mut self.seen, rows - old, what)?;
        self.values.resize(rows * d, 0.0);
        self.seen.resize(rows, false);
        let (min, max) = (self.begin_min, self.begin_max);
        for j in 0..d {
            for i in old..rows {
                self.values[i * d + j] = self.rng.get() * (max - min) + min;
            }
        }
        Ok(())
    }

    /// Replaces the matrix and the flags (`values.len() == seen.len() × dimension`).
    pub fn set(&mut self, values: Vec<f64>, seen: Vec<bool>) {
        debug_assert_eq!(values.len(), seen.len() * self.dimension);
        self.values = values;
        self.seen = seen;
    }

    /// Forgets every row (the generator continues where it was).
    pub fn clear(&mut self) {
        self.values = Vec::new();
        self.seen = Vec::new();
    }

    pub fn rng_state(&self) -> u64 {
        self.rng.state()
    }

    /// Restores a state from [`DenseFactors::rng_state`]; false if no seed leads to it.
    pub fn set_rng_state(&mut self, state: u64) -> bool {
        Random::from_state(state).map(|r| self.rng = r).is_some()
    }
}
