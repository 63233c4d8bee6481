//! Which (user, item) pairs occurred earlier in the stream, with the first score seen.
//! This is the one "user already knows this item" test of the whole framework.

use super::fx::FxHashMap;

pub type Row = FxHashMap<u32, f64>;

#[derive(Debug, Clone, Default)]
pub struct TrainMatrix {
    rows: Vec<Row>,
}

impl TrainMatrix {
    /// Records the pair; returns true if it is new. An existing pair keeps its first score.
    #[inline]
    pub fn insert(&mut self, user: u32, item: u32, score: f64) -> bool {
        let u = user as usize;
        if u >= self.rows.len() {
            self.rows.resize_with(u + 1, Row::default);
        }
        let row = &mut self.rows[u];
        if row.contains_key(&item) {
            false
        } else {
            row.insert(item, score);
            true
        }
    }

    #[inline]
    pub fn has(&self, user: u32, item: u32) -> bool {
        self.row(user).is_some_and(|r| r.contains_key(&item))
    }

    #[inline]
    pub fn get(&self, user: u32, item: u32) -> Option<f64> {
        self.row(user).and_then(|r| r.get(&item).copied())
    }

    #[inline]
    pub fn row(&self, user: u32) -> Option<&Row> {
        self.rows.get(user as usize)
    }

    pub fn row_size(&self, user: u32) -> usize {
        self.row(user).map_or(0, |r| r.len())
    }

    pub fn clear(&mut self) {
        self.rows.clear();
    }
}
