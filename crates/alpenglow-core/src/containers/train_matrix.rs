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
    /// The same items per user as a list, in the order they came (walked much faster than
    /// the hash set; samplers copy a row into a bit set per record).
    lists: Vec<Vec<u32>>,
}

impl TrainMatrix {
    /// Records the pair; returns true if it is new.
    #[inline(always)]
    pub fn insert(&mut self, user: u32, item: u32) -> bool {
        let u = user as usize;
        if u >= self.rows.len() {
            self.rows.resize_with(u + 1, || None);
            self.lists.resize_with(u + 1, Vec::new);
        }
        let new = self.rows[u].get_or_insert_with(Default::default).insert(item);
        if new {
            self.lists[u].push(item);
        }
        new
    }

    /// The items of `user`'s row in the order they came (empty without a row).
    #[inline]
    pub fn items_of(&self, user: u32) -> &[u32] {
        self.lists.get(user as usize).map_or(&[], |l| l.as_slice())
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
        self.lists.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_item_list_holds_the_rows_items_once_in_the_order_they_came() {
        let mut m = TrainMatrix::default();
        for (user, item) in [(2, 5), (2, 1), (0, 9), (2, 5), (2, 7), (5, 1)] {
            m.insert(user, item);
        }
        assert_eq!(m.items_of(2), &[5, 1, 7]);
        assert_eq!(m.items_of(0), &[9]);
        assert!(m.items_of(1).is_empty() && m.items_of(99).is_empty());
        for user in 0..6 {
            let row = m.row(user);
            assert_eq!(m.items_of(user).len(), row.map_or(0, |r| r.len()));
            assert!(m.items_of(user).iter().all(|i| row.is_some_and(|r| r.contains(i))));
        }
        m.clear();
        assert!(m.items_of(2).is_empty());
    }
}
