//! The factor model: user and item vectors, optional biases and recency weights.

use super::factors::{Factors, dot, sigmoid};
use super::lemp::LempContainer;
use crate::component::{Component, Link};
use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::models::recency::Recency;
use crate::models::{Model, RankPath};
use crate::params::{ParamType, Value};
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator};

/// An int parameter that also accepts a bool (Python passes `initialize_all=False`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct IntOrBool(pub i64);

impl ParamType for IntOrBool {
    const TYPE_NAME: &'static str = "int";
    fn from_value(v: &Value) -> std::result::Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(IntOrBool(i64::from(*b))),
            other => i64::from_value(other).map(IntOrBool),
        }
    }
    fn to_value(&self) -> Value {
        Value::Int(self.0)
    }
}

crate::parameters! {
    /// Matrix factorisation: `prediction = p_u·q_i + b_u + b_i` (the biases only when enabled),
    /// where the dot product and the user bias are multiplied by the user's recency weight and
    /// the dot product and the item bias by the item's (when `set_user_recency` /
    /// `set_item_recency` are wired), then passed through the sigmoid when `use_sigmoid`.
    /// A user or item without a vector contributes a dot product of 0.
    /// Trained by `FactorModelGradientUpdater` (vectors and biases, under a gradient computer)
    /// and `FactorModelUpdater` (the recencies). User vectors are drawn from seed+1, item vectors
    /// from seed+2, uniformly in [begin_min, begin_max), one draw per dimension.
    ///
    /// Without sigmoid, biases and recencies, ranks are computed exactly (ties included) from a
    /// LEMP index of the item vectors: buckets by vector length, pruned with the
    /// Cauchy–Schwarz bound. Their rank semantics is that of a walk in exact descending score
    /// order: with `better` items scoring above the evaluated one and `ties` equal to it (items
    /// without a vector score 0), the rank is `top_k` (not ranked, no tie draw) when
    /// `better >= top_k`, else `better` plus a uniform draw in `0..=ties` if `ties > 0`.
    ///
    /// Fix: the item bias is cleared on initialisation also when the user bias is off.
    /// Fix: a model that already holds factors keeps them when a run starts (train across runs).
    /// Fix: the LEMP bound is widened by the rounding error, scores are the exact predictions
    /// and items unknown to the model are counted exactly, so ranks are exact; the tie draw no
    /// longer depends on the bucket order (the original drew whenever ties were met before an
    /// early exit).
    /// Fix: ties in top lists are broken deterministically (higher score, then lower item id).
    pub struct FactorModelParameters {
        /// Length of the factor vectors.
        pub dimension: i64 = 10; where int(1..=1 << 20),
        /// Lower end of the uniform initial values.
        pub begin_min: f64 = -0.1; where finite(),
        /// Upper end of the uniform initial values (>= begin_min).
        pub begin_max: f64 = 0.1; where finite(),
        /// Pass the score through the logistic sigmoid.
        pub use_sigmoid: bool = false,
        /// Add a learned per-item bias.
        pub use_item_bias: bool = false,
        /// Add a learned per-user bias.
        pub use_user_bias: bool = false,
        /// Seed of the initial vectors (users use seed+1, items seed+2).
        pub seed: i64 = 745578; where seeds(3),
        /// Bucket size of the LEMP container used for exact fast ranking.
        pub lemp_bucket_size: i64 = 64; where int(2..=1 << 20),
        /// Initialise vectors for every id in 0..=max_user and 0..=max_item when the first run
        /// starts (1), or only on first sight (0); -1 takes the experiment's setting.
        pub initialize_all: IntOrBool = IntOrBool(-1); where int(0..=1).or(-1, "from the experiment"),
        /// Largest item id initialised with initialize_all (-1: from the data).
        pub max_item: i64 = -1; where int(0..=MAX_ID).or(-1, "from the data"),
        /// Largest user id initialised with initialize_all (-1: from the data).
        pub max_user: i64 = -1; where int(0..=MAX_ID).or(-1, "from the data"),
    }
}

crate::wiring! {
    pub struct FactorModelWiring {
        /// Recency weight of users (e.g. `PowerLawRecency`), kept up to date by `FactorModelUpdater`.
        set_user_recency => user_recency: optional dyn Recency,
        /// Recency weight of items, kept up to date by `FactorModelUpdater`.
        set_item_recency => item_recency: optional dyn Recency,
    }
}

pub struct FactorModel {
    pub(super) params: FactorModelParameters,
    pub(super) wiring: FactorModelWiring,
    pub(super) dimension: usize,
    pub(super) users: Factors,
    pub(super) items: Factors,
    pub(super) user_bias: Vec<f64>,
    pub(super) item_bias: Vec<f64>,
    /// Updated with every change of an item vector, except while deferred (see
    /// [`FactorModel::defer_index_updates`]).
    pub(super) lemp: LempContainer,
    /// Depth of nested deferrals of LEMP updates (offline training).
    pub(super) deferred: u32,
    /// Items changed while deferred, each once (`stale_mark` flags them).
    stale: Vec<u32>,
    stale_mark: Vec<bool>,
}

/// The parts of a prediction the gradient needs.
pub(super) struct Parts {
    /// Recency weights (1 when no recency is wired).
    pub r_u: f64,
    pub r_i: f64,
    /// The score before the sigmoid.
    pub raw: f64,
}

fn recency(link: &Option<Link<dyn Recency>>, entity: u32, time: f64) -> Option<f64> {
    link.as_ref().map(|r| r.borrow().map_or(f64::NAN, |r| r.get(entity, time)))
}

fn bias(biases: &[f64], id: u32) -> f64 {
    biases.get(id as usize).copied().unwrap_or(0.0)
}

pub(super) fn init_bias(biases: &mut Vec<f64>, id: u32) {
    if id as usize >= biases.len() {
        biases.resize(id as usize + 1, 0.0);
    }
}

impl FactorModel {
    pub fn dimension(&self) -> usize {
        self.dimension
    }
    pub fn user_factors(&self) -> &Factors {
        &self.users
    }
    pub fn item_factors(&self) -> &Factors {
        &self.items
    }
    pub fn user_factor(&self, user: u32) -> Option<&[f64]> {
        self.users.get(user)
    }
    pub fn item_factor(&self, item: u32) -> Option<&[f64]> {
        self.items.get(item)
    }
    /// The user's bias (0 when unknown or when user biases are off).
    pub fn user_bias(&self, user: u32) -> f64 {
        if self.params.use_user_bias { bias(&self.user_bias, user) } else { 0.0 }
    }
    pub fn item_bias(&self, item: u32) -> f64 {
        if self.params.use_item_bias { bias(&self.item_bias, item) } else { 0.0 }
    }

    /// Sets a user vector (its length must be the dimension).
    pub fn set_user_factor(&mut self, user: u32, values: &[f64]) -> Result<()> {
        self.users.set(user, values)
    }

    /// Sets an item vector (its length must be the dimension).
    pub fn set_item_factor(&mut self, item: u32, values: &[f64]) -> Result<()> {
        self.items.set(item, values)?;
        self.item_changed(item);
        Ok(())
    }

    /// Overwrites the vectors of users `0..n_u` and items `0..n_i` with the rows of two dense
    /// row-major matrices of `dimension` columns (the ALS learner's copy-to path). As in the
    /// original, an id at or beyond the number of id slots is first random-initialised
    /// (consuming the generator), users before items, in increasing id order; the LEMP index
    /// is rebuilt once at the end.
    pub fn overwrite_from_dense(&mut self, users: &[f64], items: &[f64]) -> Result<()> {
        let d = self.dimension;
        if users.len() % d != 0 || items.len() % d != 0 {
            return Err(Error::data(format!("FactorModel: dense factors are not rows of the dimension {d}")));
        }
        for (factors, values) in [(&mut self.users, users), (&mut self.items, items)] {
            for (id, row) in values.chunks_exact(d).enumerate() {
                let id = id as u32;
                if id as usize >= factors.slots() {
                    factors.init(id);
                }
                factors.set(id, row)?;
            }
        }
        self.lemp.rebuild_from(&self.items);
        Ok(())
    }

    pub fn set_user_bias(&mut self, user: u32, value: f64) {
        init_bias(&mut self.user_bias, user);
        if let Some(b) = self.user_bias.get_mut(user as usize) {
            *b = value;
        }
    }
    pub fn set_item_bias(&mut self, item: u32, value: f64) {
        init_bias(&mut self.item_bias, item);
        if let Some(b) = self.item_bias.get_mut(item as usize) {
            *b = value;
        }
    }

    /// Cosine similarity of two item vectors (0 if either is missing; NaN for a zero vector).
    pub fn similarity(&self, item1: u32, item2: u32) -> f64 {
        match (self.items.get(item1), self.items.get(item2)) {
            (Some(a), Some(b)) => dot(a, b) / (dot(a, a).sqrt() * dot(b, b).sqrt()),
            _ => 0.0,
        }
    }

    /// Brings the LEMP index up to date with an item vector (at once, or when the deferral ends).
    #[inline]
    pub(super) fn item_changed(&mut self, item: u32) {
        if self.deferred == 0 {
            if let Some(v) = self.items.get(item) {
                self.lemp.set(item, v);
            }
            return;
        }
        let i = item as usize;
        if i >= self.stale_mark.len() {
            self.stale_mark.resize(i + 1, false);
        }
        if !std::mem::replace(&mut self.stale_mark[i], true) {
            self.stale.push(item);
        }
    }

    /// One SGD step of a model whose score is the dot product alone (see
    /// [`lemp_usable`](Self::lemp_usable)), with `gradient(prediction)`: the arithmetic of
    /// `ensure` + `prediction` + `FactorModelGradientUpdater::step`, with the two vectors
    /// fetched once and the LEMP copy of the item vector changed in the same pass.
    #[cfg(test)]
    pub(super) fn plain_step(&mut self, rec: &RecDat, step: impl FnOnce(f64) -> (f64, f64), update_p: bool, update_q: bool) {
        if self.plain_step_index_later(rec, step, update_p, update_q) {
            self.lemp.updated(rec.item);
        }
    }

    /// [`plain_step`](Self::plain_step) without the LEMP bookkeeping of the item's changed
    /// copy: true when the caller must pass the item to
    /// [`index_updated`](Self::index_updated) before anything is ranked.
    #[inline]
    pub(super) fn plain_step_index_later(&mut self, rec: &RecDat, step: impl FnOnce(f64) -> (f64, f64), update_p: bool, update_q: bool) -> bool {
        self.ensure(rec);
        let FactorModel { users, items, lemp, deferred, .. } = self;
        let (Some(pu), Some(qi)) = (users.get_mut(rec.user), items.get_mut(rec.item)) else {
            return false; // a vector could not be created: nothing changes
        };
        let (step, shrink) = step(dot(pu, qi) + 0.0 + 0.0);
        // Both from the old values, each as `(x + step * other) + shrink * x`.
        let copy = if update_q && *deferred == 0 { lemp.stored_mut(rec.item) } else { None };
        let in_place = copy.is_some();
        match (copy, update_p) {
            (Some(copy), true) => {
                for ((a, b), c) in pu.iter_mut().zip(qi.iter_mut()).zip(copy.iter_mut()) {
                    let (pk, qk) = (*a, *b);
                    *a = pk + step * qk + shrink * pk;
                    *b = qk + step * pk + shrink * qk;
                    *c = *b;
                }
            }
            (Some(copy), false) => {
                for ((a, b), c) in pu.iter().zip(qi.iter_mut()).zip(copy.iter_mut()) {
                    let (pk, qk) = (*a, *b);
                    *b = qk + step * pk + shrink * qk;
                    *c = *b;
                }
            }
            (None, _) => {
                for (a, b) in pu.iter_mut().zip(qi.iter_mut()) {
                    let (pk, qk) = (*a, *b);
                    if update_p {
                        *a = pk + step * qk + shrink * pk;
                    }
                    if update_q {
                        *b = qk + step * pk + shrink * qk;
                    }
                }
            }
        }
        if !in_place && update_q {
            self.item_changed(rec.item);
        }
        in_place
    }

    /// The LEMP bookkeeping of items whose stored copies [`plain_step_index_later`]
    /// changed, all at once (their lengths have no dependency on each other, unlike the steps).
    ///
    /// [`plain_step_index_later`]: Self::plain_step_index_later
    pub(super) fn index_updated(&mut self, items: &[u32]) {
        self.lemp.updated_all(items);
    }

    /// Defers (`true`) or resumes (`false`, after as many calls as deferred) the LEMP updates
    /// of changed item vectors. Offline training changes the same items many times and ranks
    /// nothing meanwhile, so each changed item is indexed once, when the training ends.
    pub fn defer_index_updates(&mut self, defer: bool) {
        if defer {
            self.deferred += 1;
            return;
        }
        self.deferred = self.deferred.saturating_sub(1);
        if self.deferred > 0 {
            return;
        }
        for item in std::mem::take(&mut self.stale) {
            self.stale_mark[item as usize] = false;
            if let Some(v) = self.items.get(item) {
                self.lemp.set(item, v);
            }
        }
    }

    /// Forgets every vector and bias (the generators continue where they were).
    pub fn clear(&mut self) {
        self.users.clear();
        self.items.clear();
        self.user_bias.clear();
        self.item_bias.clear();
        self.lemp.clear();
    }

    /// True when scores are raw dot products, which the LEMP container can rank.
    #[inline]
    pub fn lemp_usable(&self) -> bool {
        !self.params.use_sigmoid
            && !self.params.use_user_bias
            && !self.params.use_item_bias
            && self.wiring.user_recency.is_none()
            && self.wiring.item_recency.is_none()
    }

    /// The LEMP index of the item vectors.
    pub fn lemp(&self) -> &LempContainer {
        &self.lemp
    }

    #[inline]
    pub(super) fn parts(&self, rec: &RecDat) -> Parts {
        let mut d = match (self.users.get(rec.user), self.items.get(rec.item)) {
            (Some(p), Some(q)) => dot(p, q),
            _ => 0.0,
        };
        if self.lemp_usable() {
            // The general formula below with zero biases and no recency.
            return Parts { r_u: 1.0, r_i: 1.0, raw: d + 0.0 + 0.0 };
        }
        let mut ub = self.user_bias(rec.user);
        let mut ib = self.item_bias(rec.item);
        let r_u = recency(&self.wiring.user_recency, rec.user, rec.time);
        let r_i = recency(&self.wiring.item_recency, rec.item, rec.time);
        if let Some(r) = r_u {
            d *= r;
            ub *= r;
        }
        if let Some(r) = r_i {
            d *= r;
            ib *= r;
        }
        Parts { r_u: r_u.unwrap_or(1.0), r_i: r_i.unwrap_or(1.0), raw: d + ub + ib }
    }

    /// Creates the user's and the item's vectors (and biases) if missing; returns whether the
    /// item vector was created.
    #[inline]
    pub(super) fn ensure(&mut self, rec: &RecDat) -> bool {
        if self.users.get(rec.user).is_none() {
            self.users.init(rec.user);
        }
        let created = self.items.get(rec.item).is_none() && self.items.init(rec.item);
        if self.params.use_user_bias {
            init_bias(&mut self.user_bias, rec.user);
        }
        if self.params.use_item_bias {
            init_bias(&mut self.item_bias, rec.item);
        }
        if created {
            self.item_changed(rec.item);
        }
        created
    }

    fn resolve(param: i64, from_env: i64) -> i64 {
        if param >= 0 { param } else { from_env }
    }
}

impl Model for FactorModel {
    #[inline]
    fn prediction(&self, rec: &RecDat) -> f64 {
        let raw = self.parts(rec).raw;
        if self.params.use_sigmoid { sigmoid(raw) } else { raw }
    }

    /// Creates the user vector, then the item vector, then the biases (zero) if missing, and
    /// adds a new item vector to the LEMP index.
    fn add(&mut self, rec: &RecDat) {
        self.ensure(rec);
    }

    fn rank_path(&self) -> RankPath {
        if self.lemp_usable() { RankPath::Iterator } else { RankPath::BruteForce }
    }

    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        self.lemp_usable().then(|| self.count_with_lemp(q))
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        self.lemp_iterator(user).map(|it| Box::new(it) as Box<dyn RankingScoreIterator + '_>)
    }

    fn has_top_list(&self) -> bool {
        self.wiring.user_recency.is_none() && self.wiring.item_recency.is_none()
    }

    fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        self.lemp_top_list(user, k, exclude)
    }

    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        self.write_state(out)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        self.read_state(input)
    }

    /// Forgets every vector and bias (vectors are created again, from the generators' current
    /// state, as they are needed).
    fn clear(&mut self) -> Result<()> {
        FactorModel::clear(self);
        Ok(())
    }
}

impl Component for FactorModel {
    const NAME: &'static str = "FactorModel";
    type Params = FactorModelParameters;
    type Wiring = FactorModelWiring;

    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let p = &params;
        if p.begin_min > p.begin_max {
            return Err(Error::parameter(format!(
                "FactorModel: parameter 'begin_min' must be <= begin_max ({}), got {}",
                p.begin_max, p.begin_min
            )));
        }
        let d = p.dimension as usize;
        Ok(FactorModel {
            users: Factors::new(d, p.begin_min, p.begin_max, p.seed + 1),
            items: Factors::new(d, p.begin_min, p.begin_max, p.seed + 2),
            user_bias: Vec::new(),
            item_bias: Vec::new(),
            lemp: LempContainer::new(d, p.lemp_bucket_size as usize),
            deferred: 0,
            stale: Vec::new(),
            stale_mark: Vec::new(),
            dimension: d,
            params,
            wiring: Default::default(),
        })
    }

    crate::component_accessors!();

    /// On the first run (no vectors yet): with initialize_all, vectors for users
    /// 0..=max_user in increasing order, then items 0..=max_item, then zero biases.
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        if self.deferred > 0 {
            // A run stopped inside offline training: index what it changed.
            self.deferred = 1;
            self.defer_index_updates(false);
        }
        let (users, items) = (Self::resolve(self.params.max_user, env.params.max_user), Self::resolve(self.params.max_item, env.params.max_item));
        Factors::check_memory(Self::NAME, users.max(env.params.max_user) + items.max(env.params.max_item) + 2, self.dimension)?;
        if !self.users.is_empty() || !self.items.is_empty() {
            return Ok(());
        }
        self.clear();
        let all = match self.params.initialize_all.0 {
            -1 => env.params.initialize_all,
            v => v == 1,
        };
        if !all {
            return Ok(());
        }
        let max_user = Self::resolve(self.params.max_user, env.params.max_user);
        let max_item = Self::resolve(self.params.max_item, env.params.max_item);
        for u in 0..=max_user {
            self.users.init(u as u32);
        }
        for i in 0..=max_item {
            self.items.init(i as u32);
        }
        self.lemp.rebuild_from(&self.items);
        if self.params.use_user_bias && max_user >= 0 {
            init_bias(&mut self.user_bias, max_user as u32);
        }
        if self.params.use_item_bias && max_item >= 0 {
            init_bias(&mut self.item_bias, max_item as u32);
        }
        Ok(())
    }
}
