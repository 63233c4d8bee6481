//! Personal popularity: the user's own consumption, with global popularity as tie-breaker.

use crate::component::{Component, NoWiring};
use crate::containers::fx::FxHashMap;
use crate::containers::PopContainer;
use crate::data::RecDat;
use crate::error::Result;
use crate::models::Model;
use crate::ranking::walk::popularity_walk;
use crate::ranking::{RankCount, RankQuery};

crate::parameters! {
    /// Scores `ln(own(u,i) + g(i) + 1) / ln(own(u,top) + 2)`, where `own` sums the user's
    /// scores for the item, `top` is the user's most consumed item and
    /// `g(i) = ln(count(i)+1) / ln(max_count+1)` is global popularity. Avoid `exclude_known=True`:
    /// it removes exactly the items this model ranks first.
    pub struct PersonalPopularityModelParameters {}
}

pub struct PersonalPopularityModel {
    params: PersonalPopularityModelParameters,
    wiring: NoWiring,
    personal: Vec<FxHashMap<u32, f64>>,
    global: PopContainer,
    highest_pop: u32,
    user_top_item: Vec<Option<u32>>,
}

impl PersonalPopularityModel {
    fn personal(&self, user: u32, item: u32) -> f64 {
        self.personal.get(user as usize).and_then(|r| r.get(&item)).copied().unwrap_or(0.0)
    }

    fn top_value(&self, user: u32) -> f64 {
        match self.user_top_item.get(user as usize).copied().flatten() {
            Some(top) => self.personal(user, top),
            None => 0.0,
        }
    }

    pub(super) fn add_event(&mut self, rec: &RecDat) {
        let u = rec.user as usize;
        if u >= self.personal.len() {
            self.personal.resize_with(u + 1, Default::default);
            self.user_top_item.resize(u + 1, None);
        }
        let g = self.global.increase(rec.item);
        self.highest_pop = self.highest_pop.max(g);
        let value = {
            let v = self.personal[u].entry(rec.item).or_insert(0.0);
            *v += rec.score;
            *v
        };
        if value > self.top_value(rec.user) {
            self.user_top_item[u] = Some(rec.item);
        }
    }
}

impl PersonalPopularityModel {
    #[inline]
    fn score(&self, own: f64, count: u32, denominator: f64) -> f64 {
        let g = if count == 0 { 0.0 } else { ((count + 1) as f64).ln() / ((self.highest_pop + 1) as f64).ln() };
        (own + g + 1.0).ln() / denominator
    }
}

impl Model for PersonalPopularityModel {
    fn prediction(&self, rec: &RecDat) -> f64 {
        let denominator = (self.top_value(rec.user) + 2.0).ln();
        self.score(self.personal(rec.user, rec.item), self.global.get(rec.item), denominator)
    }

    /// The brute-force walk with the same formula, but the user's row and the denominator
    /// looked up once, and the score of items the user never consumed memoised per global
    /// count (consecutive candidates in popularity order mostly share their count).
    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        let row = self.personal.get(q.rec.user as usize);
        let denominator = (self.top_value(q.rec.user) + 2.0).ln();
        let mut memo: Option<(u32, f64)> = None;
        Some(popularity_walk(q, q.score, |item| {
            let count = self.global.get(item);
            let own = row.and_then(|r| r.get(&item)).copied().unwrap_or(0.0);
            let s = if own == 0.0 {
                match memo {
                    Some((c, s)) if c == count => s,
                    _ => {
                        let s = self.score(0.0, count, denominator);
                        memo = Some((count, s));
                        s
                    }
                }
            } else {
                self.score(own, count, denominator)
            };
            s.is_finite().then_some(s)
        }))
    }
}

impl Component for PersonalPopularityModel {
    const NAME: &'static str = "PersonalPopularityModel";
    type Params = PersonalPopularityModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(PersonalPopularityModel {
            params,
            wiring: NoWiring,
            personal: Vec::new(),
            global: PopContainer::default(),
            highest_pop: 0,
            user_top_item: Vec::new(),
        })
    }
    crate::component_accessors!();
}
