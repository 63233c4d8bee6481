//! One item's similarity sums: a hash map while the row is sparse, a dense array once it
//! holds a good part of the catalogue (popular items), where an update is a direct index.

use crate::containers::fx::FxHashMap;

/// A row turns dense once it holds more than this fraction of the catalogue.
const DENSE_FRACTION: usize = 4;
/// Rows of catalogues smaller than this stay sparse (a dense row would save nothing). Small
/// in unit tests, so that the property tests on small catalogues exercise dense rows too.
const MIN_DENSE: usize = if cfg!(test) { 4 } else { 64 };

/// The sums of one "from" item. Every term added is > 0, so in a dense row an entry exists
/// exactly when its value is > 0.
#[derive(Debug, Clone)]
pub enum Row {
    Sparse(FxHashMap<u32, f64>),
    Dense { sums: Vec<f64>, len: usize },
}

impl Default for Row {
    fn default() -> Self {
        Row::Sparse(FxHashMap::default())
    }
}

impl Row {
    /// Number of entries.
    pub fn len(&self) -> usize {
        match self {
            Row::Sparse(map) => map.len(),
            Row::Dense { len, .. } => *len,
        }
    }

    /// Number of slots a pass over every entry visits.
    pub fn scan_len(&self) -> usize {
        match self {
            Row::Sparse(map) => map.len(),
            Row::Dense { sums, .. } => sums.len(),
        }
    }

    #[inline]
    pub fn get(&self, j: u32) -> Option<f64> {
        match self {
            Row::Sparse(map) => map.get(&j).copied(),
            Row::Dense { sums, .. } => sums.get(j as usize).copied().filter(|&s| s > 0.0),
        }
    }

    /// Reads the sums of `entries`: lookups not followed by branches on their values overlap
    /// their cache misses, which a loop branching on each value would take one by one.
    #[inline]
    pub fn touch(&self, entries: impl Iterator<Item = u32>) {
        let seen = match self {
            Row::Dense { sums, .. } => entries.fold(0u64, |acc, j| acc | sums.get(j as usize).map_or(0, |s| s.to_bits())),
            Row::Sparse(map) => entries.fold(0u64, |acc, j| acc | map.get(&j).map_or(0, |s| s.to_bits())),
        };
        std::hint::black_box(seen);
    }

    /// Adds `w` (> 0) to the sum of `j` (a new entry starts at 0) and returns the sum.
    /// `universe` is the number of items, which decides when the row turns dense.
    #[inline]
    pub fn add(&mut self, j: u32, w: f64, universe: usize) -> f64 {
        match self {
            // The common case of the popular items, inlined.
            Row::Dense { sums, len } if (j as usize) < sums.len() => {
                let sum = &mut sums[j as usize];
                if *sum <= 0.0 {
                    *len += 1;
                    *sum = 0.0;
                }
                *sum += w;
                *sum
            }
            _ => self.add_slow(j, w, universe),
        }
    }

    #[inline(never)]
    fn add_slow(&mut self, j: u32, w: f64, universe: usize) -> f64 {
        if let Row::Sparse(map) = self
            && map.len() * DENSE_FRACTION > universe
            && universe >= MIN_DENSE
            && !map.contains_key(&j)
        {
            self.densify(universe);
        }
        match self {
            Row::Sparse(map) => {
                let sum = map.entry(j).or_insert(0.0);
                *sum += w;
                *sum
            }
            Row::Dense { sums, len } => {
                let k = j as usize;
                if k >= sums.len() {
                    sums.resize(k + 1, 0.0);
                }
                let sum = &mut sums[k];
                if *sum <= 0.0 {
                    *len += 1;
                    *sum = 0.0;
                }
                *sum += w;
                *sum
            }
        }
    }

    fn densify(&mut self, universe: usize) {
        if let Row::Sparse(map) = self {
            let mut sums = vec![0.0; universe];
            let len = map.len();
            for (&j, &s) in map.iter() {
                if j as usize >= sums.len() {
                    sums.resize(j as usize + 1, 0.0);
                }
                sums[j as usize] = s;
            }
            *self = Row::Dense { sums, len };
        }
    }

    /// Calls `f(j, sum)` for every entry (in no particular order).
    #[inline]
    pub fn for_each(&self, mut f: impl FnMut(u32, f64)) {
        match self {
            Row::Sparse(map) => map.iter().for_each(|(&j, &s)| f(j, s)),
            Row::Dense { sums, .. } => {
                sums.iter().enumerate().filter(|&(_, &s)| s > 0.0).for_each(|(j, &s)| f(j as u32, s))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_turns_dense_and_keeps_its_sums() {
        let mut row = Row::default();
        for j in 0..30u32 {
            row.add(j, 0.5, 100);
            row.add(j, 0.25, 100);
        }
        assert!(matches!(row, Row::Dense { .. }), "30 of 100 items: dense");
        assert_eq!(row.len(), 30);
        assert_eq!(row.get(7), Some(0.75));
        assert!(row.get(30).is_none() && row.get(1000).is_none());
        row.add(150, 1.0, 100); // beyond the universe it was made for
        assert_eq!(row.len(), 31);
        let mut seen = Vec::new();
        row.for_each(|j, s| seen.push((j, s)));
        seen.sort_by_key(|e| e.0);
        assert_eq!(seen.len(), 31);
        assert_eq!(seen[30], (150, 1.0));
    }

    #[test]
    fn small_catalogues_stay_sparse() {
        let mut row = Row::default();
        for j in 0..20u32 {
            row.add(j, 1.0, MIN_DENSE - 1);
        }
        assert!(matches!(row, Row::Sparse(_)));
    }
}
