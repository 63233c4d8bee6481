//! The rating matrix of an ALS fit, as compressed rows: one copy by user, one by item.

use crate::error::Result;
use crate::record::RecDat;

/// Compressed sparse rows: row `r` holds `cols[offsets[r]..offsets[r + 1]]` (ascending) with
/// their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csr {
    offsets: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f64>,
}

impl Csr {
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.cols.len()
    }

    /// The entries of row `r` (empty beyond the last row).
    #[inline]
    pub fn row(&self, r: usize) -> (&[u32], &[f64]) {
        match (self.offsets.get(r), self.offsets.get(r + 1)) {
            (Some(&a), Some(&b)) => (&self.cols[a..b], &self.vals[a..b]),
            _ => (&[], &[]),
        }
    }

    /// The transpose, with `cols` rows (at least one more than the largest column).
    pub fn transpose(&self, cols: usize) -> Result<Csr> {
        let what = "OfflineEigenFactorModelALSLearner: rating matrix";
        let mut counts = Vec::new();
        crate::alloc::reserve(&mut counts, cols + 1, what)?;
        counts.resize(cols + 1, 0usize);
        for &c in &self.cols {
            counts[c as usize + 1] += 1;
        }
        for k in 0..cols {
            counts[k + 1] += counts[k];
        }
        let offsets = counts.clone();
        let mut next = counts;
        let (mut t_cols, mut t_vals) = (vec![0u32; self.nnz()], vec![0.0; self.nnz()]);
        for r in 0..self.rows() {
            let (cs, vs) = self.row(r);
            for (&c, &v) in cs.iter().zip(vs) {
                let p = &mut next[c as usize];
                t_cols[*p] = r as u32;
                t_vals[*p] = v;
                *p += 1;
            }
        }
        Ok(Csr { offsets, cols: t_cols, vals: t_vals })
    }
}

/// The user × item matrix of `data` (oldest record first), with at least `users` rows.
/// Implicit: the scores of repeated (user, item) pairs are summed, in data order. Explicit:
/// the last (newest) score of a pair wins. Every distinct pair is an entry, even with score 0.
pub fn rating_matrix(data: &[RecDat], users: usize, implicit: bool) -> Result<Csr> {
    let what = "OfflineEigenFactorModelALSLearner: rating matrix";
    let mut triplets: Vec<(u32, u32, f64)> = Vec::new();
    crate::alloc::reserve(&mut triplets, data.len(), what)?;
    triplets.extend(data.iter().map(|r| (r.user, r.item, r.score)));
    // Stable: equal pairs stay in data order.
    triplets.sort_by_key(|&(u, i, _)| (u, i));
    let rows = users.max(data.iter().map(|r| r.user as usize + 1).max().unwrap_or(0));
    let mut offsets = Vec::new();
    crate::alloc::reserve(&mut offsets, rows + 1, what)?;
    offsets.push(0);
    let (mut cols, mut vals): (Vec<u32>, Vec<f64>) = (Vec::new(), Vec::new());
    crate::alloc::reserve(&mut cols, triplets.len(), what)?;
    crate::alloc::reserve(&mut vals, triplets.len(), what)?;
    let mut row = 0usize;
    for (k, &(u, i, s)) in triplets.iter().enumerate() {
        while row < u as usize {
            offsets.push(cols.len());
            row += 1;
        }
        let same = k > 0 && triplets[k - 1].0 == u && triplets[k - 1].1 == i;
        match (same, vals.last_mut()) {
            (true, Some(last)) if implicit => *last += s,
            (true, Some(last)) => *last = s,
            _ => {
                cols.push(i);
                vals.push(s);
            }
        }
    }
    while offsets.len() < rows + 1 {
        offsets.push(cols.len());
    }
    Ok(Csr { offsets, cols, vals })
}
