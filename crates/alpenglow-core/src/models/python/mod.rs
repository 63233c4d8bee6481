//! Models and updaters written in another language (Python): the core calls back into the
//! foreign object through [`ModelCallbacks`] / [`UpdaterCallbacks`], which the front end
//! attaches after construction. A call that fails reports its error to [`crate::fault`] and
//! answers neutrally, so the run stops after the current record with that error.

mod model;
mod updater;
#[cfg(test)]
mod tests;

pub use model::{ForeignModel, Kind, PythonModel, PythonRankingIteratorModel, PythonToplistModel};
pub use updater::PythonUpdater;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Updater;
use crate::models::Model;

/// What a foreign model answers. Only the hooks of the model's kind are called.
pub trait ModelCallbacks: Send + Sync {
    /// The score of the record's (user, item) pair.
    fn prediction(&self, rec: &RecDat) -> Result<f64>;
    /// Runs `burst` (many calls in a row) in one visit of the foreign runtime.
    fn in_burst(&self, burst: &mut dyn FnMut()) {
        burst()
    }
    /// True if [`predict_all`](Self::predict_all) is provided (it is then used for every score).
    fn vectorised(&self) -> bool {
        false
    }
    /// Computes and keeps the score of every item id for the record's user (`predict_all`).
    fn refresh_scores(&self, _rec: &RecDat) -> Result<()> {
        Ok(())
    }
    /// Calls `read` with the kept scores (index = item id; ids past the end score 0), without
    /// copying them.
    fn with_scores(&self, read: &mut dyn FnMut(&[f64])) -> Result<()> {
        read(&[]);
        Ok(())
    }
    /// The best `k` items of `user`, best first, skipping the items of `exclude`.
    fn top_list(&self, _user: u32, _k: usize, _exclude: Option<&Row>) -> Result<Vec<(u32, f64)>> {
        Ok(Vec::new())
    }
    /// Whether iterator `id` of `user` has an item that may score at least `bound`.
    fn iterator_has_next(&self, _id: u64, _user: u32, _bound: f64) -> Result<bool> {
        Ok(false)
    }
    /// The next (item, score) of iterator `id`.
    fn iterator_get_next(&self, _id: u64, _user: u32) -> Result<(u32, f64)> {
        Ok((u32::MAX, f64::NAN))
    }
}

/// What a foreign updater answers.
pub trait UpdaterCallbacks: Send + Sync {
    fn update(&self, rec: &RecDat) -> Result<()>;
}

/// Bumped whenever foreign code may have changed a foreign model's state (every foreign
/// update), so that cached vectorised scores are never served stale.
static STATE_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Marks every foreign model's cached scores as stale.
pub fn foreign_state_changed() {
    STATE_EPOCH.fetch_add(1, Ordering::Relaxed);
}

fn state_epoch() -> u64 {
    STATE_EPOCH.load(Ordering::Relaxed)
}

crate::component_list! {
    PythonModel => [Model],
    PythonToplistModel => [Model],
    PythonRankingIteratorModel => [Model],
    PythonUpdater => [Updater],
}
