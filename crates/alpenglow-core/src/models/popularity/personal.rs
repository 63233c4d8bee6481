//! Personal popularity: the user's own consumption, with global popularity as tie-breaker.

use std::cmp::Ordering;

use crate::component::{Component, NoWiring};
use crate::containers::fx::FxHashMap;
use crate::containers::PopContainer;
use crate::data::RecDat;
use crate::error::Result;
use crate::models::Model;
use crate::ranking::walk::{count_in_order, popularity_walk_by};
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
    /// Per user: item -> sum of scores (boxed: a user without events costs one pointer).
    pub(super) personal: Vec<Option<Box<FxHashMap<u32, f64>>>>,
    pub(super) global: PopContainer,
    pub(super) highest_pop: u32,
    pub(super) user_top_item: Vec<Option<u32>>,
    /// `ln_count[c] = ln(c + 1)` for every count reached so far (same bits as computing it).
    pub(super) ln_count: Vec<f64>,
}

impl PersonalPopularityModel {
    fn row(&self, user: u32) -> Option<&FxHashMap<u32, f64>> {
        self.personal.get(user as usize).and_then(|r| r.as_deref())
    }

    fn personal(&self, user: u32, item: u32) -> f64 {
        self.row(user).and_then(|r| r.get(&item)).copied().unwrap_or(0.0)
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
            self.personal.resize_with(u + 1, || None);
            self.user_top_item.resize(u + 1, None);
        }
        let g = self.global.increase(rec.item);
        self.highest_pop = self.highest_pop.max(g);
        while self.ln_count.len() <= self.highest_pop as usize {
            let c = self.ln_count.len();
            self.ln_count.push(((c + 1) as f64).ln());
        }
        let value = {
            let v = self.personal[u].get_or_insert_with(Default::default).entry(rec.item).or_insert(0.0);
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
        self.argument(own, count).ln() / denominator
    }
}

impl PersonalPopularityModel {
    /// When the evaluated item scores above `ln 2 / D`, the most any item the user never
    /// consumed can score (its global part is at most 1), only the user's own items can be
    /// better or tied, so the generic walk is replayed over those items alone, in the
    /// environment's popularity order.
    fn count_own_items_only(
        &self,
        q: &RankQuery<'_>,
        row: Option<&FxHashMap<u32, f64>>,
        denominator: f64,
    ) -> Option<RankCount> {
        if !(q.score > 2.0f64.ln() / denominator) {
            return None;
        }
        let order = q.env.popularity_sorted();
        let target = self.argument(self.personal(q.rec.user, q.rec.item), self.global.get(q.rec.item));
        let mut candidates: Vec<(u32, u32, f64)> = Vec::new();
        for (&item, &own) in row? {
            if own == 0.0 || q.is_skipped(item) {
                continue;
            }
            if let Some(position) = order.position(item) {
                candidates.push((position, item, own));
            }
        }
        let (mut better_total, mut ties_total, mut non_finite) = (0, 0, false);
        for &(_, item, own) in &candidates {
            match self.compare(own, item, target, q.score, denominator) {
                None => non_finite = true,
                Some(Ordering::Greater) => better_total += 1,
                Some(Ordering::Equal) => ties_total += 1,
                Some(Ordering::Less) => {}
            }
        }
        if better_total < q.top_k {
            // The walk visits every item: a non-finite score anywhere is reached.
            return Some(if non_finite {
                RankCount::NonFinite
            } else {
                RankCount::Counted { better: better_total, ties: ties_total }
            });
        }
        if ties_total == 0 && !non_finite {
            return Some(RankCount::Counted { better: q.top_k, ties: 0 });
        }
        // The walk stops at the top_k-th better item: only then does the order matter.
        candidates.sort_unstable_by_key(|&(position, _, _)| position);
        let comparisons = candidates.iter().map(|&(_, item, own)| self.compare(own, item, target, q.score, denominator));
        Some(count_in_order(comparisons, q.top_k))
    }

    /// The argument of the logarithm in the score: `own + g + 1`.
    #[inline]
    fn argument(&self, own: f64, count: u32) -> f64 {
        let g = match (self.ln_count.get(count as usize), count) {
            (_, 0) => 0.0,
            (Some(&l), _) => l / self.ln_count[self.highest_pop as usize],
            (None, _) => ((count + 1) as f64).ln() / ((self.highest_pop + 1) as f64).ln(),
        };
        own + g + 1.0
    }

    /// Compares a candidate's score with the target's exactly as the scores would compare
    /// (`None`: the candidate's score is not finite), computing the logarithm only when the
    /// arguments are too close to decide by themselves. Needs a positive denominator and a
    /// positive target argument (the target's score is finite and non-zero).
    #[inline]
    fn compare(&self, own: f64, item: u32, target: f64, target_score: f64, denominator: f64) -> Option<Ordering> {
        let x = self.argument(own, self.global.get(item));
        if x > 0.0 && (x - target).abs() > 1e-9 * target.abs() {
            return x.partial_cmp(&target);
        }
        let s = x.ln() / denominator;
        if s.is_finite() { s.partial_cmp(&target_score) } else { None }
    }
}

impl Model for PersonalPopularityModel {
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        super::personal_io::write(self, out)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        super::personal_io::read(self, input)
    }

    fn prediction(&self, rec: &RecDat) -> f64 {
        let denominator = (self.top_value(rec.user) + 2.0).ln();
        self.score(self.personal(rec.user, rec.item), self.global.get(rec.item), denominator)
    }

    /// The brute-force walk with the same comparisons, but the user's row and the denominator
    /// looked up once, and logarithms taken only where needed (see `compare`).
    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        let row = self.row(q.rec.user);
        let denominator = (self.top_value(q.rec.user) + 2.0).ln();
        if !(denominator > 0.0) {
            // Negative scores pushed the user's top sum below -1: scores decrease with the
            // argument, so the shortcuts below do not apply.
            return None;
        }
        if let Some(count) = self.count_own_items_only(q, row, denominator) {
            return Some(count);
        }
        let target = self.argument(self.personal(q.rec.user, q.rec.item), self.global.get(q.rec.item));
        Some(popularity_walk_by(q, |item| {
            let own = row.and_then(|r| r.get(&item)).copied().unwrap_or(0.0);
            self.compare(own, item, target, q.score, denominator)
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
            ln_count: vec![0.0],
        })
    }
    crate::component_accessors!();
}
