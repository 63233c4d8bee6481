//! Rank computation: where the evaluated item stands among all items for the user.
//!
//! Raw rank codes (0-based): `0..top_k` a hit, `top_k` not in the top list, `top_k+2` the
//! prediction is exactly 0, `top_k+3` a non-finite prediction, `top_k+5` the item does not
//! exist yet. Python shows every code >= top_k as NaN.
//!
//! Cold-start evaluation (`evaluate_cold_start`, off by default): a record is *cold* when its
//! item or its user does not exist yet (has no earlier record; never with `initialize_all` for
//! ids up to the maximum). A cold record is ranked instead of getting `top_k+5` / `top_k+2`:
//! its item is ranked with the model's prediction for it against every existing item (scored
//! with the model's prediction, in popularity order, known items skipped when excluding), as if
//! the item existed; a zero prediction is ranked like any other score (items tied with it are
//! broken with the usual draw), since a model that has never seen the item or user typically
//! predicts 0 for it. A non-finite prediction stays `top_k+3`; a top-list model still ranks by
//! its list. Warm records are ranked exactly as without the option.

pub mod rank_computer;
pub mod sorted;
pub mod toplist;
pub mod walk;

pub use rank_computer::RankComputer;
pub use sorted::SortedIterator;
pub use toplist::{top_list, TopList};

use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::experiment::Environment;

/// Upper bounds of every user's and every item's best score, for a global top list of
/// (user, item) pairs.
pub trait GlobalRankingScoreIterator: Send + Sync {
    /// Computes the bounds at the record's time.
    fn run(&mut self, rec: &RecDat, env: &Environment) -> crate::Result<()>;
    /// (user, bound) sorted by bound descending, as of the last `run`.
    fn global_users(&self) -> &[(u32, f64)];
    /// (item, bound) sorted by bound descending, as of the last `run`.
    fn global_items(&self) -> &[(u32, f64)];
}

crate::role!(GlobalRankingScoreIterator => "global_ranking_score_iterator", "a global ranking score iterator");

/// Everything a model needs to count better and tied items for one evaluated record.
pub struct RankQuery<'a> {
    pub rec: &'a RecDat,
    /// The model's prediction for the evaluated pair (finite, non-zero).
    pub score: f64,
    pub top_k: usize,
    /// The user's known items when `exclude_known` is on.
    pub exclude: Option<&'a Row>,
    pub env: &'a Environment,
}

impl RankQuery<'_> {
    /// Candidates skipped by every path: the evaluated item and, if excluding, known items.
    #[inline]
    pub fn is_skipped(&self, item: u32) -> bool {
        item == self.rec.item || self.exclude.is_some_and(|row| row.contains(&item))
    }
}

/// Result of counting: better and tied items seen before the walk stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankCount {
    Counted { better: usize, ties: usize },
    /// A candidate's score was NaN or infinite.
    NonFinite,
}

/// Serves (item, score) pairs in roughly descending score order.
pub trait RankingScoreIterator {
    /// False only if no remaining item can score >= `bound`.
    fn has_next(&mut self, bound: f64) -> bool;
    fn next(&mut self) -> (u32, f64);
    /// Number of items the model knows (a prefix of the environment's item list).
    fn unique_items_num(&self) -> usize;
}
