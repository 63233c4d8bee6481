//! Upper bounds of every user's and every item's best score, for a global top list of
//! (user, item) pairs (core-components.md §2.4, FactorModelGlobalRankingScoreIterator).

use super::factors::{Factors, sigmoid};
use super::model::FactorModel;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;

crate::parameters! {
    /// For each user, an upper bound of its score with any item (and for each item, with any
    /// user), sorted descending (ties: lower id first): the dot-product bound
    /// `Σ_k max(f_k·U⁺_k, f_k·U⁻_k, 0)` from the per-dimension maximum U⁺ and minimum U⁻ over
    /// the other side's vectors, plus the entity's own bias and the other side's largest bias,
    /// times the entity's own recency weight, through the sigmoid when the model uses it.
    /// Users and items are the experiment's unless set with `set_users` / `set_items`.
    ///
    /// Fix: entities without a vector no longer crash it; their dot-product bound is 0 and
    /// they do not enter the other side's maxima.
    pub struct FactorModelGlobalRankingScoreIteratorParameters {}
}

crate::wiring! {
    pub struct FactorModelGlobalRankingScoreIteratorWiring {
        /// The model whose scores are bounded.
        set_model => model: required FactorModel,
    }
}

pub struct FactorModelGlobalRankingScoreIterator {
    params: FactorModelGlobalRankingScoreIteratorParameters,
    wiring: FactorModelGlobalRankingScoreIteratorWiring,
    users: Option<Vec<u32>>,
    items: Option<Vec<u32>>,
    user_bounds: Vec<(u32, f64)>,
    item_bounds: Vec<(u32, f64)>,
}

/// Per-dimension maximum and minimum over the vectors of `ids` (entities without one skipped).
fn extremes(ids: &[u32], factors: &Factors) -> (Vec<f64>, Vec<f64>) {
    let d = factors.dimension();
    let mut max = vec![f64::NEG_INFINITY; d];
    let mut min = vec![f64::INFINITY; d];
    for v in ids.iter().filter_map(|&id| factors.get(id)) {
        for ((hi, lo), &x) in max.iter_mut().zip(min.iter_mut()).zip(v) {
            *hi = hi.max(x);
            *lo = lo.min(x);
        }
    }
    (max, min)
}

fn dot_bound(f: &[f64], max: &[f64], min: &[f64]) -> f64 {
    let mut b = 0.0;
    for ((&x, &hi), &lo) in f.iter().zip(max).zip(min) {
        if x > 0.0 && hi > 0.0 {
            b += x * hi;
        } else if x < 0.0 && lo < 0.0 {
            b += x * lo;
        }
    }
    b
}

fn sort_descending(v: &mut [(u32, f64)]) {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
}

impl FactorModelGlobalRankingScoreIterator {
    /// Users to bound instead of the experiment's.
    pub fn set_users(&mut self, users: Vec<u32>) {
        self.users = Some(users);
    }
    /// Items to bound instead of the experiment's.
    pub fn set_items(&mut self, items: Vec<u32>) {
        self.items = Some(items);
    }
    /// (user, bound) sorted by bound descending, as of the last `run`.
    pub fn global_users(&self) -> &[(u32, f64)] {
        &self.user_bounds
    }
    /// (item, bound) sorted by bound descending, as of the last `run`.
    pub fn global_items(&self) -> &[(u32, f64)] {
        &self.item_bounds
    }

    /// Computes the bounds at the record's time.
    pub fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let users = self.users.as_deref().unwrap_or(env.users());
        let items = self.items.as_deref().unwrap_or(env.items());
        let (item_max, item_min) = extremes(items, model.item_factors());
        let (user_max, user_min) = extremes(users, model.user_factors());
        let max_bias =
            |ids: &[u32], bias: &dyn Fn(u32) -> f64| ids.iter().map(|&i| bias(i)).fold(f64::NEG_INFINITY, f64::max);
        let (mut best_user_bias, mut best_item_bias) = (0.0, 0.0);
        if model.params.use_user_bias && !users.is_empty() {
            best_user_bias = max_bias(users, &|u| model.user_bias(u));
        }
        if model.params.use_item_bias && !items.is_empty() {
            best_item_bias = max_bias(items, &|i| model.item_bias(i));
        }
        let time = rec.time;
        let finish = |b: f64, r: &Option<crate::component::Link<dyn crate::models::recency::Recency>>, id: u32| {
            let mut b = b;
            if let Some(r) = r {
                b *= r.borrow().map_or(f64::NAN, |r| r.get(id, time));
            }
            if model.params.use_sigmoid { sigmoid(b) } else { b }
        };
        self.user_bounds.clear();
        for &u in users {
            let dot = model.user_factor(u).map_or(0.0, |f| dot_bound(f, &item_max, &item_min));
            let b = dot + model.user_bias(u) + best_item_bias;
            self.user_bounds.push((u, finish(b, &model.wiring.user_recency, u)));
        }
        self.item_bounds.clear();
        for &i in items {
            let dot = model.item_factor(i).map_or(0.0, |f| dot_bound(f, &user_max, &user_min));
            let b = dot + model.item_bias(i) + best_user_bias;
            self.item_bounds.push((i, finish(b, &model.wiring.item_recency, i)));
        }
        sort_descending(&mut self.user_bounds);
        sort_descending(&mut self.item_bounds);
        Ok(())
    }
}

impl crate::ranking::GlobalRankingScoreIterator for FactorModelGlobalRankingScoreIterator {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        FactorModelGlobalRankingScoreIterator::run(self, rec, env)
    }
    fn global_users(&self) -> &[(u32, f64)] {
        FactorModelGlobalRankingScoreIterator::global_users(self)
    }
    fn global_items(&self) -> &[(u32, f64)] {
        FactorModelGlobalRankingScoreIterator::global_items(self)
    }
}

impl Component for FactorModelGlobalRankingScoreIterator {
    const NAME: &'static str = "FactorModelGlobalRankingScoreIterator";
    type Params = FactorModelGlobalRankingScoreIteratorParameters;
    type Wiring = FactorModelGlobalRankingScoreIteratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(FactorModelGlobalRankingScoreIterator {
            params,
            wiring: Default::default(),
            users: None,
            items: None,
            user_bounds: Vec::new(),
            item_bounds: Vec::new(),
        })
    }
    crate::component_accessors!();
}
