//! The best (user, item) pairs over all users.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::ToplistCreator;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;
use crate::models::Model;
use crate::ranking::GlobalRankingScoreIterator;

crate::parameters! {
    /// The global top-`top_k` (user, item) pairs by the model's score, best first (higher
    /// score, then lower user id, then lower item id); with `exclude_known` known pairs are
    /// skipped. The filter (a global ranking score iterator) gives every user's and item's
    /// upper bound; users and items are scanned in descending bound order and a scan stops as
    /// soon as no remaining pair can reach the list (exact, ties included).
    ///
    /// Difference from the original: its four-rectangle scan around `initial_threshold` is
    /// replaced by the bound-ordered scan above (the same exact list, with a deterministic tie
    /// order); `initial_threshold` is accepted and unused. Pairs with a non-finite score or a
    /// score of exactly 0 are not listed.
    pub struct ToplistCreatorGlobalParameters {
        /// Length of the list (-1: the experiment's top_k).
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
        /// 1: skip known pairs, 0: keep them, -1: the experiment's setting.
        pub exclude_known: i64 = -1; where int(-1..=1),
        /// The original's first rectangle size (accepted, unused: see above).
        pub initial_threshold: i64 = 0; where int(0..=i32::MAX as i64),
    }
}

crate::wiring! {
    pub struct ToplistCreatorGlobalWiring {
        /// The model whose pairs are listed.
        set_model => model: required dyn Model,
        /// The upper bounds of the users' and items' scores.
        set_filter => filter: required dyn GlobalRankingScoreIterator,
    }
}

pub struct ToplistCreatorGlobal {
    params: ToplistCreatorGlobalParameters,
    wiring: ToplistCreatorGlobalWiring,
    top_k: usize,
    exclude_known: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Pair {
    score: f64,
    user: u32,
    item: u32,
}

impl Eq for Pair {}

impl Ord for Pair {
    /// "Greater" means better: higher score, then lower user, then lower item.
    fn cmp(&self, o: &Self) -> Ordering {
        self.score.total_cmp(&o.score).then_with(|| o.user.cmp(&self.user)).then_with(|| o.item.cmp(&self.item))
    }
}

impl PartialOrd for Pair {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The best `k` pairs of `score` over `users` × `items` (each with its upper bound, sorted
/// descending), `score` returning None for a pair that is not listed.
pub fn global_top(
    users: &[(u32, f64)],
    items: &[(u32, f64)],
    k: usize,
    mut score: impl FnMut(u32, u32) -> Option<f64>,
) -> Vec<(u32, u32, f64)> {
    let mut heap: BinaryHeap<Reverse<Pair>> = BinaryHeap::new();
    if k == 0 {
        return Vec::new();
    }
    let min = |h: &BinaryHeap<Reverse<Pair>>| {
        if h.len() >= k { h.peek().map_or(f64::NEG_INFINITY, |p| p.0.score) } else { f64::NEG_INFINITY }
    };
    for &(u, ub) in users {
        if ub < min(&heap) {
            break;
        }
        for &(i, ib) in items {
            if ub.min(ib) < min(&heap) {
                break;
            }
            if let Some(s) = score(u, i) {
                let p = Pair { score: s, user: u, item: i };
                if heap.len() < k {
                    heap.push(Reverse(p));
                } else if heap.peek().is_some_and(|m| p > m.0) {
                    heap.pop();
                    heap.push(Reverse(p));
                }
            }
        }
    }
    let mut v: Vec<Pair> = heap.into_iter().map(|r| r.0).collect();
    v.sort_by(|a, b| b.cmp(a));
    v.into_iter().map(|p| (p.user, p.item, p.score)).collect()
}

impl ToplistCreator for ToplistCreatorGlobal {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<Vec<RecDat>> {
        let mut filter = slot(&self.wiring.filter, Self::NAME, "set_filter")?.borrow_mut()?;
        filter.run(rec, env)?;
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let train = env.train_matrix();
        let exclude = self.exclude_known;
        let list = global_top(filter.global_users(), filter.global_items(), self.top_k, |u, i| {
            if exclude && train.has(u, i) {
                return None;
            }
            let s = model.prediction(&RecDat { user: u, item: i, ..*rec });
            (s.is_finite() && s != 0.0).then_some(s)
        });
        Ok(list.into_iter().map(|(user, item, score)| RecDat { user, item, score, ..*rec }).collect())
    }

    fn prepare(&mut self, env: &Environment) -> Result<()> {
        self.top_k = if self.params.top_k > 0 { self.params.top_k as usize } else { env.top_k() };
        self.exclude_known = match self.params.exclude_known {
            -1 => env.exclude_known(),
            v => v != 0,
        };
        Ok(())
    }
}

impl Component for ToplistCreatorGlobal {
    const NAME: &'static str = "ToplistCreatorGlobal";
    type Params = ToplistCreatorGlobalParameters;
    type Wiring = ToplistCreatorGlobalWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(ToplistCreatorGlobal { params, wiring: Default::default(), top_k: 0, exclude_known: false })
    }
    crate::component_accessors!();
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        ToplistCreator::prepare(self, env)
    }
}
