//! One event of the stream.

/// One (time, user, item, score) event plus its id, eval flag and category.
/// `user` and `item` are dense ids; `index` is the record's position in its data container.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RecDat {
    pub id: i64,
    pub time: f64,
    pub user: u32,
    pub item: u32,
    pub score: f64,
    pub eval: bool,
    pub category: i64,
    pub index: usize,
}

impl RecDat {
    /// A copy with another item (used to score candidates).
    #[inline]
    pub fn with_item(&self, item: u32) -> RecDat {
        RecDat { item, ..*self }
    }
}
