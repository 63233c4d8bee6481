//! Which (user, item) pairs occurred earlier in the stream. This is the one "user already
//! knows this item" test of the whole framework (the original had three, some depending on
//! the stored score; ours ignores the score, so only presence is stored).

use super::fx::FxHashSet;

/// The items one user has interacted with.
pub type Row = FxHashSet<u32>;

#[derive(Debug, Clone, Default)]
pub struct TrainMatrix {
    /// Boxed so that an id without a row costs one pointer.
    rows: Vec<Option<Box<Row>>>,
}

impl TrainMatrix {
    /// Records the pair; returns true if it is new.
    #[inline(always)]
    pub fn insert(&mut self, user: u32, item: u32) -> bool {
        let u = user as usize;
        if u >= self.rows.len() {
            self.rows.resize_with(u + 1, || None);
        }
        self.rows[u].get_or_insert_with(Default::default).insert(item)
    }

    #[inline]
    pub fn has(&self, user: u32, item: u32) -> bool {
        self.row(user).is_some_and(|r| r.contains(&item))
    }

    #[inline]
    pub fn row(&self, user: u32) -> Option<&Row> {
        self.rows.get(user as usize).and_then(|r| r.as_deref())
    }

    pub fn row_size(&self, user: u32) -> usize {
        self.row(user).map_or(0, |r| r.len())
    }

    pub fn clear(&mut self) {
        self.rows.clear();
    }
}
