//! Personal popularity: the user's own consumption, with global popularity as tie-breaker.

use crate::component::{Component, NoWiring};
use crate::containers::fx::FxHashMap;
use crate::containers::PopContainer;
use crate::data::RecDat;
use crate::error::Result;
use crate::models::Model;

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

impl Model for PersonalPopularityModel {
    fn prediction(&self, rec: &RecDat) -> f64 {
        let count = self.global.get(rec.item);
        let g = if count == 0 { 0.0 } else { ((count + 1) as f64).ln() / ((self.highest_pop + 1) as f64).ln() };
        (self.personal(rec.user, rec.item) + g + 1.0).ln() / (self.top_value(rec.user) + 2.0).ln()
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
    fn params(&self) -> &Self::Params {
        &self.params
    }
    fn wiring(&self) -> &NoWiring {
        &self.wiring
    }
    fn wiring_mut(&mut self) -> &mut NoWiring {
        &mut self.wiring
    }
}
