//! The state and arithmetic shared by `AsymmetricFactorModel` and `SvdppModel`: item factors
//! q, history factors h, optional user factors p (SVD++ only), the user histories and the
//! user-vector cache.
//!
//! user_vec(u, t) = history_weight·norm·Σ_k w_k·h[item_k] + user_vector_weight·p_u
//! prediction     = dot(user_vec, q_i), then the sigmoid if enabled; 0 for an item never added.
//! The asymmetric model is the case without p and with history_weight 1.
//!
//! The cache holds the user vector, weights and norm of the last (user, time, id) scored, so a
//! ranking scores all items with one history walk and the gradient step reuses the walk of the
//! prediction that produced its gradient. `prediction(&self)` fills it, so it sits behind a
//! `parking_lot::Mutex` (uncontended in a run; no poisoning). Every change of h, p or the
//! histories invalidates it; the key is exact (time compared by its bits, id as i64).

use std::io::{Read, Write};

use parking_lot::{Mutex, MutexGuard};

use super::history::{NormType, UserHistory, weighted_history_sum};
use crate::data::RecDat;
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::models::factor::factors::{Factors, dot, sigmoid};
use crate::models::factor::lemp::LempContainer;
use crate::models::serialization::{read_header, write_header};
use crate::random::Random;

/// Factor vectors with the generator that initialises them (kept outside `Factors` so that
/// its state is saved with the model and a loaded model continues exactly).
#[derive(Debug, Clone)]
pub struct FactorStore {
    pub factors: Factors,
    seed: i64,
    rng: Random,
    begin_min: f64,
    begin_max: f64,
}

impl FactorStore {
    fn new(dimension: usize, begin_min: f64, begin_max: f64, seed: i64) -> Self {
        FactorStore {
            factors: Factors::new(dimension, begin_min, begin_max, seed),
            seed,
            rng: Random::new(seed),
            begin_min,
            begin_max,
        }
    }

    /// Random-initialises the vector of `id` if absent: one draw per dimension, in order.
    /// Returns true if it was created.
    fn init(&mut self, id: u32) -> bool {
        if self.factors.get(id).is_some() {
            return false;
        }
        self.factors.init_zero(id);
        let (min, max) = (self.begin_min, self.begin_max);
        if let Some(v) = self.factors.get_mut(id) {
            for x in v.iter_mut() {
                *x = self.rng.get() * (max - min) + min;
            }
        }
        true
    }

    fn reset(&mut self) {
        self.factors.clear();
        self.rng = Random::new(self.seed);
    }
}

/// Settings of a core, from the model's parameters.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    pub kind: &'static str,
    pub dimension: usize,
    pub begin_min: f64,
    pub begin_max: f64,
    pub use_sigmoid: bool,
    pub norm_type: NormType,
    pub gamma: f64,
    pub user_vector_weight: f64,
    pub history_weight: f64,
    /// Seeds of (p, q, h); `None` for p: no user factors.
    pub user_seed: Option<i64>,
    pub item_seed: i64,
    pub history_seed: i64,
}

#[derive(Debug, Default)]
pub(super) struct Cache {
    pub(super) key: Option<(u32, u64, i64)>,
    pub(super) user_vec: Vec<f64>,
    /// Weights of the visited events, newest first.
    pub(super) weights: Vec<f64>,
    pub(super) norm: f64,
}

pub(super) fn key(rec: &RecDat) -> (u32, u64, i64) {
    (rec.user, rec.time.to_bits(), rec.id)
}

pub struct HistoryFactorCore {
    pub config: CoreConfig,
    pub(super) users: Option<FactorStore>,
    pub(super) items: FactorStore,
    pub(super) history_factors: FactorStore,
    pub(super) history: UserHistory,
    pub(super) cache: Mutex<Cache>,
    /// The item factors q, updated with every change of one (see `ranking`).
    pub(super) lemp: LempContainer,
    /// Inside a training cycle (`deferring`): items whose LEMP copies `gradient_step` changed
    /// in place and whose lengths are brought up to date at the end of the cycle
    /// (`index_pending`).
    pub(super) pending: Vec<u32>,
    pub(super) deferring: bool,
}

/// Bucket size of the LEMP index (as `FactorModel`'s default).
const LEMP_BUCKET_SIZE: usize = 64;

/// Fills `cache` for `rec` from the current state.
fn fill(
    config: &CoreConfig,
    history: &UserHistory,
    h: &Factors,
    users: Option<&Factors>,
    rec: &RecDat,
    cache: &mut Cache,
) {
    cache.user_vec.resize(config.dimension, 0.0);
    let events = history.get(rec.user);
    let norm = weighted_history_sum(
        events,
        rec.time,
        config.norm_type,
        config.gamma,
        h,
        &mut cache.user_vec,
        &mut cache.weights,
    );
    let coef = config.history_weight * norm;
    cache.user_vec.iter_mut().for_each(|x| *x *= coef);
    if let Some(p) = users.and_then(|u| u.get(rec.user)) {
        for (x, pk) in cache.user_vec.iter_mut().zip(p) {
            *x += config.user_vector_weight * pk;
        }
    }
    cache.norm = norm;
    cache.key = Some(key(rec));
}

impl HistoryFactorCore {
    pub fn new(config: CoreConfig) -> Self {
        let store = |seed| FactorStore::new(config.dimension, config.begin_min, config.begin_max, seed);
        HistoryFactorCore {
            users: config.user_seed.map(store),
            items: store(config.item_seed),
            history_factors: store(config.history_seed),
            history: UserHistory::default(),
            cache: Mutex::new(Cache::default()),
            lemp: LempContainer::new(config.dimension, LEMP_BUCKET_SIZE),
            pending: Vec::new(),
            deferring: false,
            config,
        }
    }

    /// From now until [`index_pending`](Self::index_pending), the LEMP lengths of changed item
    /// vectors are computed once, together, at the end (nothing is ranked meanwhile).
    pub(super) fn defer_lengths(&mut self) {
        self.pending.clear();
        self.deferring = true;
    }

    /// Brings the LEMP index up to date with the items changed since
    /// [`defer_lengths`](Self::defer_lengths), and stops deferring.
    pub(super) fn index_pending(&mut self) {
        self.lemp.updated_all(&self.pending);
        self.pending.clear();
        self.deferring = false;
    }

    fn invalidate(&mut self) {
        self.cache.get_mut().key = None;
    }

    pub(super) fn ensure_cache(&mut self, rec: &RecDat) {
        let cache = self.cache.get_mut();
        if cache.key != Some(key(rec)) {
            let users = self.users.as_ref().map(|s| &s.factors);
            fill(&self.config, &self.history, &self.history_factors.factors, users, rec, cache);
        }
    }

    /// The cache, filled for `rec`'s (user, time, id).
    pub(super) fn cached(&self, rec: &RecDat) -> MutexGuard<'_, Cache> {
        let mut cache = self.cache.lock();
        if cache.key != Some(key(rec)) {
            let users = self.users.as_ref().map(|s| &s.factors);
            fill(&self.config, &self.history, &self.history_factors.factors, users, rec, &mut cache);
        }
        cache
    }

    pub fn prediction(&self, rec: &RecDat) -> f64 {
        let Some(q) = self.items.factors.get(rec.item) else {
            return 0.0;
        };
        let raw = dot(&self.cached(rec).user_vec, q);
        if self.config.use_sigmoid { sigmoid(raw) } else { raw }
    }

    /// The user vector for `rec`'s user at `rec`'s time, computed afresh (not cached).
    pub fn user_vector(&self, rec: &RecDat) -> Vec<f64> {
        let mut cache = Cache::default();
        fill(
            &self.config,
            &self.history,
            &self.history_factors.factors,
            self.users.as_ref().map(|s| &s.factors),
            rec,
            &mut cache,
        );
        cache.user_vec
    }

    /// Creates the missing vectors of the record: p_u (SVD++), q_i, h_i.
    /// Whether `add(rec)` would create a vector (and so invalidate the cached user vector).
    pub fn add_would_create(&self, rec: &RecDat) -> bool {
        self.users.as_ref().is_some_and(|u| u.factors.get(rec.user).is_none())
            || self.items.factors.get(rec.item).is_none()
            || self.history_factors.factors.get(rec.item).is_none()
    }

    pub fn add(&mut self, rec: &RecDat) {
        let mut created = self.users.as_mut().is_some_and(|u| u.init(rec.user));
        if self.items.init(rec.item) {
            self.index_item(rec.item);
        }
        created |= self.history_factors.init(rec.item);
        if created {
            self.invalidate();
        }
    }

    /// Appends the record to its user's history.
    pub fn push_history(&mut self, rec: &RecDat) {
        self.history.push(rec.user, rec.item, rec.time);
        self.invalidate();
    }

    /// With `initialize_all`: users 0..=max_user first, then for each item 0..=max_item q and h.
    pub fn initialize_all(&mut self, max_user: i64, max_item: i64) {
        if let Some(users) = self.users.as_mut() {
            for u in 0..=max_user.min(MAX_ID) {
                users.init(u as u32);
            }
        }
        for i in 0..=max_item.min(MAX_ID) {
            if self.items.init(i as u32) {
                self.index_item(i as u32);
            }
            self.history_factors.init(i as u32);
        }
        self.invalidate();
    }

    /// Forgets everything and reseeds the generators (a fresh model).
    pub fn clear(&mut self) {
        if let Some(u) = self.users.as_mut() {
            u.reset();
        }
        self.items.reset();
        self.history_factors.reset();
        self.history.clear();
        self.lemp.clear();
        self.invalidate();
    }

    pub fn history(&self, user: u32) -> &[(u32, f64)] {
        self.history.get(user)
    }
    pub fn user_factor(&self, user: u32) -> Option<&[f64]> {
        self.users.as_ref().and_then(|u| u.factors.get(user))
    }
    pub fn item_factor(&self, item: u32) -> Option<&[f64]> {
        self.items.factors.get(item)
    }
    pub fn history_factor(&self, item: u32) -> Option<&[f64]> {
        self.history_factors.factors.get(item)
    }

    /// Sets a factor vector: `which` is "user" (SVD++ only), "item" or "history".
    pub fn set_factor(&mut self, which: &str, id: u32, values: &[f64]) -> Result<()> {
        let store = match which {
            "user" => self.users.as_mut(),
            "item" => Some(&mut self.items),
            "history" => Some(&mut self.history_factors),
            _ => None,
        };
        let store = store.ok_or_else(|| Error::parameter(format!("{}: no {which} factors", self.config.kind)))?;
        store.factors.set(id, values)?;
        if which == "item" {
            self.index_item(id);
        }
        self.invalidate();
        Ok(())
    }

    fn stores(&self) -> impl Iterator<Item = &FactorStore> {
        self.users.iter().chain([&self.items, &self.history_factors])
    }

    /// Format: header (kind, version 1, dimension); u64 generator state of each factor set
    /// (p for SVD++, q, h); the factor blocks in the same order; the user histories.
    pub fn write(&self, out: &mut dyn Write) -> Result<()> {
        let kind = self.config.kind;
        write_header(out, kind, 1, self.config.dimension as u32)?;
        let io = |e| Error::io(kind.to_string(), e);
        for s in self.stores() {
            out.write_all(&s.rng.state().to_le_bytes()).map_err(io)?;
        }
        for s in self.stores() {
            s.factors.write(out).map_err(io)?;
        }
        self.history.write(out).map_err(io)
    }

    /// Replaces the state with one saved by [`HistoryFactorCore::write`]; on error the model
    /// is unchanged.
    pub fn read(&mut self, input: &mut dyn Read) -> Result<()> {
        let kind = self.config.kind;
        read_header(input, kind, 1, self.config.dimension as u32)?;
        let mut stores: Vec<FactorStore> =
            self.stores().map(|s| FactorStore::new(s.factors.dimension(), s.begin_min, s.begin_max, s.seed)).collect();
        for s in stores.iter_mut() {
            let mut b8 = [0u8; 8];
            input.read_exact(&mut b8).map_err(|e| Error::data(format!("{kind}: truncated file ({e})")))?;
            let state = u64::from_le_bytes(b8);
            s.rng = Random::new(state as i64);
            if s.rng.state() != state {
                return Err(Error::data(format!("{kind}: corrupt generator state {state}")));
            }
        }
        for s in stores.iter_mut() {
            s.factors.read(input, kind)?;
        }
        let history = UserHistory::read(input, kind)?;
        let mut stores = stores.into_iter();
        if self.users.is_some() {
            self.users = stores.next();
        }
        if let (Some(items), Some(h)) = (stores.next(), stores.next()) {
            self.items = items;
            self.history_factors = h;
        }
        self.history = history;
        self.lemp.rebuild_from(&self.items.factors);
        self.invalidate();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: f64 = 604_800.0;

    fn core(norm_type: NormType) -> HistoryFactorCore {
        HistoryFactorCore::new(CoreConfig {
            kind: "AsymmetricFactorModel",
            dimension: 1,
            begin_min: -0.1,
            begin_max: 0.1,
            use_sigmoid: false,
            norm_type,
            gamma: 0.8,
            user_vector_weight: 0.0,
            history_weight: 1.0,
            user_seed: None,
            item_seed: 5,
            history_seed: 6,
        })
    }

    fn rec(time: f64, user: u32, item: u32, id: i64) -> RecDat {
        RecDat { time, user, item, id, ..RecDat::default() }
    }

    #[test]
    fn cache_is_keyed_by_the_exact_time_and_invalidated_by_the_history() {
        let mut c = core(NormType::Recency);
        c.push_history(&rec(0.0, 0, 1, 0));
        c.set_factor("history", 1, &[1.0]).unwrap();
        c.set_factor("item", 2, &[1.0]).unwrap();
        let (a, b) = (rec(100_000.25, 0, 2, 4), rec(100_000.75, 0, 2, 4));
        let pa = c.prediction(&a);
        let pb = c.prediction(&b);
        assert_eq!(pa, WEEK / (WEEK + 100_000.25));
        assert_eq!(pb, WEEK / (WEEK + 100_000.75));
        assert_eq!(c.prediction(&a), pa);
        // A new history event with the same key values must not be hidden by the cache.
        c.push_history(&rec(100_000.75, 0, 1, 4));
        assert_eq!(c.prediction(&b), (1.0 + WEEK / (WEEK + 100_000.75)) * 2f64.powf(-0.5));
    }

    #[test]
    fn add_initialises_from_the_own_generators_and_clear_reseeds() {
        let mut c = core(NormType::Constant);
        c.add(&rec(0.0, 0, 3, 0));
        let draw = |seed: i64| Random::new(seed).get() * 0.2 - 0.1;
        assert_eq!(c.item_factor(3), Some(&[draw(5)][..]));
        assert_eq!(c.history_factor(3), Some(&[draw(6)][..]));
        assert!(c.user_factor(0).is_none());
        assert!(c.set_factor("user", 0, &[1.0]).is_err());
        c.add(&rec(0.0, 0, 4, 0));
        assert_ne!(c.item_factor(4), Some(&[draw(5)][..]));
        c.clear();
        assert!(c.item_factor(3).is_none());
        c.add(&rec(0.0, 0, 4, 0));
        assert_eq!(c.item_factor(4), Some(&[draw(5)][..]));
    }
}
