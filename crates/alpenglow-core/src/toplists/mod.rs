//! Top lists of a model: a user's best items (`ToplistCreatorPersonalized`) or the best
//! (user, item) pairs of all (`ToplistCreatorGlobal`), and the exact best-items search they
//! and the offline API share (`best`).

pub mod best;
pub mod global;
mod personalized;

pub use best::{Candidates, best_items};
pub use global::ToplistCreatorGlobal;
pub use personalized::ToplistCreatorPersonalized;

use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;

/// Creates a top list for a record (best first: higher score, then lower user, then lower
/// item id). Each entry is a record with the listed `user`, `item` and `score` (the model's
/// score) and the probe record's time.
pub trait ToplistCreator: Send + Sync {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<Vec<RecDat>>;
    /// Takes the environment's defaults (top_k, exclude_known), as the run's initialisation
    /// does; for use outside a run (the offline evaluators).
    fn prepare(&mut self, env: &Environment) -> Result<()>;
}

crate::role!(ToplistCreator => "toplist_creator", "a toplist creator");

crate::component_list! {
    ToplistCreatorPersonalized => [ToplistCreator],
    ToplistCreatorGlobal => [ToplistCreator],
}

#[cfg(test)]
mod tests;
