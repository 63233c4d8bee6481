//! Models: the `Model` role and one folder per model family.

pub mod asymmetric;
pub mod factor;
pub mod fm;
pub mod checksum;
pub mod combination;
pub use crate::codec;
pub mod eigen_factor;
pub mod external;
pub mod nearest_neighbor;
pub mod methods;
pub mod popularity;
pub mod python;
pub mod recency;
pub mod serialization;
pub mod svdpp;
pub mod transition;

use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator};

/// How the rank of a record is computed for a model (see `ranking`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankPath {
    /// Score candidates in popularity order, stopping after `top_k` better ones.
    BruteForce,
    /// Walk the model's ranking-score iterator, stopping at the score bound.
    Iterator,
    /// Ask the model for its top list and find the item in it.
    TopList,
}

/// Scores (user, item) pairs. Implementations may offer faster exact rank computation.
pub trait Model: Send + Sync {
    fn prediction(&self, rec: &RecDat) -> f64;

    /// Prepares per-entity state before a training step (default: nothing).
    fn add(&mut self, _rec: &RecDat) {}

    /// Called with the environment before `rec`'s user is ranked or given a top list (by
    /// `RankComputer` and `ranking::top_list`), for models whose scores come from a
    /// computation over all items that needs the environment (default: nothing).
    fn prepare(&self, _rec: &RecDat, _env: &crate::experiment::Environment) {}

    fn rank_path(&self) -> RankPath {
        RankPath::BruteForce
    }

    /// Runs `burst`: many calls to this model in a row (one record's ranking or top list). A
    /// model whose calls cross into another runtime makes them cheaper here (a Python model
    /// holds the GIL for the whole burst instead of taking it for every call).
    fn in_burst(&self, burst: &mut dyn FnMut()) {
        burst()
    }

    /// An exact shortcut for the counts of the model's rank path (`None`: use the generic path).
    /// Must return exactly what the generic path would, including the early-exit tie count.
    fn count_ranked(&self, _query: &RankQuery<'_>) -> Option<RankCount> {
        None
    }

    /// The ranking-score iterator for `user` (for `RankPath::Iterator`).
    fn ranking_iterator(&self, _user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        None
    }

    /// True if `top_list` is exact over every item the model knows, whatever the rank path
    /// (used by the offline top lists; default: only for `RankPath::TopList`).
    fn has_top_list(&self) -> bool {
        self.rank_path() == RankPath::TopList
    }

    /// The top `k` items for `user`, best first (for `RankPath::TopList`).
    fn top_list(&self, _user: u32, _k: usize, _exclude: Option<&Row>) -> Vec<(u32, f64)> {
        Vec::new()
    }

    /// Saves the model's learned state (start with `serialization::write_header`).
    fn write(&self, _out: &mut dyn std::io::Write) -> crate::Result<()> {
        Err(crate::Error::parameter("this model cannot be saved"))
    }

    /// Forgets everything learned, as if newly constructed (periodic retraining with
    /// `clear_model`, offline learners that start from scratch).
    fn clear(&mut self) -> crate::Result<()> {
        Err(crate::Error::parameter("this model cannot be cleared"))
    }

    /// Loads state saved by `write` (check it with `serialization::read_header`).
    fn read(&mut self, _input: &mut dyn std::io::Read) -> crate::Result<()> {
        Err(crate::Error::parameter("this model cannot be loaded"))
    }
}

crate::role!(Model => "model", "a model", methods = methods::MODEL_METHODS);
