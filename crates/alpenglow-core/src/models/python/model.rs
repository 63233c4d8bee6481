//! Models written in another language, in three kinds that differ in their rank path.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};

use super::{state_epoch, ModelCallbacks};
use crate::component::{Component, NoWiring};
use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::fault;
use crate::models::{Model, RankPath};
use crate::params::Parameters;
use crate::ranking::walk::brute_force;
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator};

crate::parameters! {
    /// A model implemented in Python: subclass it and implement `prediction(rec)` (`rec` has
    /// `user`, `item`, `time`, `score`, `id`, `eval` and `category`), or, faster,
    /// `predict_all(user)` returning the scores of all items as a 1-d array indexed by item id
    /// (ids past its end score 0): then one Python call per evaluated record scores every
    /// item. Ranked by scoring items in popularity order (ties broken by the seeded tie
    /// generator). `write`/`read` are not supported: pickle the Python object instead;
    /// `clear` does nothing. An exception raised by a hook stops the run with that exception;
    /// the rows evaluated before stay readable.
    pub struct PythonModelParameters {}
}

crate::parameters! {
    /// A model implemented in Python that ranks by its own top list: subclass it and
    /// implement `prediction(rec)` and `get_top_list(user, k, exclude)`, returning up to `k`
    /// `(item, score)` pairs best first, without the items of the dict `exclude` (the user's
    /// known items when `exclude_known` is on, else empty). The rank of a record is the
    /// position of its item in the list; ties are the list's business.
    pub struct PythonToplistModelParameters {}
}

crate::parameters! {
    /// A model implemented in Python that ranks through a ranking-score iterator: subclass it
    /// and implement `prediction(rec)`, `iterator_has_next_(id, user, upper_bound)` (False
    /// only if no remaining item can score at least `upper_bound`) and
    /// `iterator_get_next_(id, user)` returning `(item, score)` pairs in roughly descending
    /// score order. A fresh `id` is used for every iterator. `alpenglow.SelfUpdatingModel`
    /// builds these hooks from a `prediction_iterator(user, bound)` generator.
    pub struct PythonRankingIteratorModelParameters {}
}

/// One kind of foreign model: its name, rank path and parameters.
pub trait Kind: Send + Sync + 'static {
    const NAME: &'static str;
    const PATH: RankPath;
    /// Which class to subclass and what to implement (for the missing-object error).
    const HOW: &'static str;
    type Params: Parameters;
}

pub struct Plain;
pub struct Toplist;
pub struct RankingIterator;

impl Kind for Plain {
    const NAME: &'static str = "PythonModel";
    const PATH: RankPath = RankPath::BruteForce;
    const HOW: &'static str = "subclass alpenglow.cpp.PythonModel and implement prediction(rec) or predict_all(user)";
    type Params = PythonModelParameters;
}

impl Kind for Toplist {
    const NAME: &'static str = "PythonToplistModel";
    const PATH: RankPath = RankPath::TopList;
    const HOW: &'static str = "subclass alpenglow.cpp.PythonToplistModel and implement get_top_list(user, k, exclude)";
    type Params = PythonToplistModelParameters;
}

impl Kind for RankingIterator {
    const NAME: &'static str = "PythonRankingIteratorModel";
    const PATH: RankPath = RankPath::Iterator;
    const HOW: &'static str =
        "subclass alpenglow.cpp.PythonRankingIteratorModel and implement iterator_has_next_ and iterator_get_next_";
    type Params = PythonRankingIteratorModelParameters;
}

pub type PythonModel = ForeignModel<Plain>;
pub type PythonToplistModel = ForeignModel<Toplist>;
pub type PythonRankingIteratorModel = ForeignModel<RankingIterator>;

/// Which evaluation the foreign object's kept `predict_all` scores belong to: one record of
/// one user (user, id, time bits) between two foreign updates (the state epoch). Every
/// candidate of the ranking reads them instead of calling out again.
type ScoresKey = (u32, i64, u64, u64);

#[inline]
fn score_of(scores: &[f64], item: u32) -> f64 {
    scores.get(item as usize).copied().unwrap_or(0.0)
}

pub struct ForeignModel<K: Kind> {
    params: K::Params,
    wiring: NoWiring,
    callbacks: Option<Arc<dyn ModelCallbacks>>,
    cache: Mutex<Option<ScoresKey>>,
    next_iterator: AtomicU64,
}

impl<K: Kind> ForeignModel<K> {
    /// Attaches the foreign object that implements the hooks.
    pub fn set_callbacks(&mut self, callbacks: Arc<dyn ModelCallbacks>) {
        self.callbacks = Some(callbacks);
        *self.cache.get_mut() = None;
    }

    fn callbacks(&self) -> Option<&dyn ModelCallbacks> {
        if fault::pending() {
            return None; // an earlier hook failed: the run stops after this record
        }
        self.callbacks.as_deref()
    }

    /// Calls `read` with the vectorised scores for `rec`'s evaluation, computed once per record
    /// and user (false: the hook failed; the error is reported).
    fn with_scores(&self, cb: &dyn ModelCallbacks, rec: &RecDat, read: &mut dyn FnMut(&[f64])) -> bool {
        let key = (rec.user, rec.id, rec.time.to_bits(), state_epoch());
        let mut cache: MutexGuard<'_, Option<ScoresKey>> = self.cache.lock();
        if *cache != Some(key) {
            *cache = None;
            if let Err(e) = cb.refresh_scores(rec) {
                fault::report(e);
                return false;
            }
            *cache = Some(key);
        }
        match cb.with_scores(read) {
            Ok(()) => true,
            Err(e) => {
                fault::report(e);
                false
            }
        }
    }

    fn failed<T>(&self, result: Result<T>, neutral: T) -> T {
        result.unwrap_or_else(|e| {
            fault::report(e);
            neutral
        })
    }
}

impl<K: Kind> Component for ForeignModel<K> {
    const NAME: &'static str = K::NAME;
    type Params = K::Params;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ForeignModel {
            params,
            wiring: NoWiring,
            callbacks: None,
            cache: Mutex::new(None),
            next_iterator: AtomicU64::new(0),
        })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        if self.callbacks.is_none() {
            return Err(Error::wiring(format!("{}: no Python object is attached; {}", K::NAME, K::HOW)));
        }
        *self.cache.get_mut() = None;
        Ok(())
    }
}

impl<K: Kind> Model for ForeignModel<K> {
    fn prediction(&self, rec: &RecDat) -> f64 {
        let Some(cb) = self.callbacks() else { return f64::NAN };
        if cb.vectorised() {
            let mut score = f64::NAN;
            self.with_scores(cb, rec, &mut |s| score = score_of(s, rec.item));
            return score;
        }
        self.failed(cb.prediction(rec), f64::NAN)
    }

    fn rank_path(&self) -> RankPath {
        K::PATH
    }

    fn in_burst(&self, burst: &mut dyn FnMut()) {
        match &self.callbacks {
            Some(cb) => cb.in_burst(burst),
            None => burst(),
        }
    }

    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        let cb = self.callbacks()?;
        if K::PATH != RankPath::BruteForce || !cb.vectorised() {
            return None;
        }
        let mut count = None;
        self.with_scores(cb, q.rec, &mut |s| count = Some(brute_force(q, |item| score_of(s, item))));
        Some(count.unwrap_or(RankCount::NonFinite))
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        let cb = self.callbacks()?;
        if K::PATH != RankPath::Iterator {
            return None;
        }
        let id = self.next_iterator.fetch_add(1, Ordering::Relaxed);
        Some(Box::new(ForeignIterator { cb, id, user }))
    }

    fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        match self.callbacks() {
            Some(cb) if K::PATH == RankPath::TopList => self.failed(cb.top_list(user, k, exclude), Vec::new()),
            _ => Vec::new(),
        }
    }

    /// Nothing to forget in the core: the state lives in the Python object.
    fn clear(&mut self) -> Result<()> {
        Ok(())
    }

    fn write(&self, _out: &mut dyn std::io::Write) -> Result<()> {
        Err(Error::parameter(format!("{}: a Python model cannot be saved by the core; pickle the Python object", K::NAME)))
    }

    fn read(&mut self, _input: &mut dyn std::io::Read) -> Result<()> {
        Err(Error::parameter(format!("{}: a Python model cannot be loaded by the core; unpickle the Python object", K::NAME)))
    }
}

/// Forwards `has_next`/`next` to the foreign hooks. Reports 0 known items (as the original).
struct ForeignIterator<'a> {
    cb: &'a dyn ModelCallbacks,
    id: u64,
    user: u32,
}

impl RankingScoreIterator for ForeignIterator<'_> {
    fn has_next(&mut self, bound: f64) -> bool {
        if fault::pending() {
            return false;
        }
        self.cb.iterator_has_next(self.id, self.user, bound).unwrap_or_else(|e| {
            fault::report(e);
            false
        })
    }

    fn next(&mut self) -> (u32, f64) {
        self.cb.iterator_get_next(self.id, self.user).unwrap_or_else(|e| {
            fault::report(e);
            (u32::MAX, f64::NAN)
        })
    }

    fn unique_items_num(&self) -> usize {
        0
    }
}
