//! A model restricted to the items a whitelist filter lets through.

use atomic_refcell::AtomicRef;
use parking_lot::{Mutex, MutexGuard};

use super::WhitelistFilter;
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::models::{Model, RankPath};
use crate::ranking::walk::brute_force;
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator};

crate::parameters! {
    /// A model that scores like its inner model (`set_model`) the items its whitelist filter
    /// (`set_whitelist_filter`) lets through for the record's user and time, and 0 every other
    /// item (so those are never ranked: a prediction of exactly 0 is "not in the top list").
    ///
    /// Ranks are computed through a ranking-score iterator over the filter's whitelist (in the
    /// filter's order), which scores only whitelisted items: evaluation costs one inner
    /// prediction per whitelisted item, not one per item. The iterator scores each item on the
    /// evaluated record with only the item replaced (the original used time 0 and id -1, so
    /// for a time-aware inner model its iterator disagreed with its predictions). When the
    /// evaluated item's score is negative, every non-whitelisted item (score 0) ranks above
    /// it, and the rank is counted over all items instead (the iterator cannot know them).
    /// `add` is forwarded to the inner model.
    pub struct WhitelistFilter2ModelAdapterParameters {}
}

crate::wiring! {
    pub struct WhitelistFilter2ModelAdapterWiring {
        /// The model whose scores are filtered.
        set_model => model: required dyn Model,
        /// The filter deciding which items pass (AvailabilityFilter, LabelFilter).
        set_whitelist_filter => filter: required dyn WhitelistFilter,
    }
}

/// The last predicted record and the buffer the iterator serves the whitelist from.
#[derive(Default)]
struct Scratch {
    rec: RecDat,
    items: Vec<u32>,
}

pub struct WhitelistFilter2ModelAdapter {
    params: WhitelistFilter2ModelAdapterParameters,
    wiring: WhitelistFilter2ModelAdapterWiring,
    scratch: Mutex<Scratch>,
}

impl WhitelistFilter2ModelAdapter {
    fn parts(&self) -> Option<(AtomicRef<'_, dyn Model>, AtomicRef<'_, dyn WhitelistFilter>)> {
        let model = self.wiring.model.as_ref()?.borrow().ok()?;
        let filter = self.wiring.filter.as_ref()?.borrow().ok()?;
        Some((model, filter))
    }
}

/// Serves the whitelist, each item scored by the inner model.
struct WhitelistIterator<'a> {
    model: AtomicRef<'a, dyn Model>,
    scratch: MutexGuard<'a, Scratch>,
    next: usize,
}

impl RankingScoreIterator for WhitelistIterator<'_> {
    fn has_next(&mut self, _bound: f64) -> bool {
        self.next < self.scratch.items.len()
    }
    fn next(&mut self) -> (u32, f64) {
        let item = self.scratch.items[self.next];
        self.next += 1;
        (item, self.model.prediction(&self.scratch.rec.with_item(item)))
    }
    fn unique_items_num(&self) -> usize {
        self.scratch.items.len()
    }
}

impl Model for WhitelistFilter2ModelAdapter {
    /// NaN if a part is missing or busy (only possible outside a checked run).
    fn prediction(&self, rec: &RecDat) -> f64 {
        let Some((model, filter)) = self.parts() else { return f64::NAN };
        self.scratch.lock().rec = *rec;
        if filter.active(rec) {
            model.prediction(rec)
        } else {
            0.0
        }
    }

    fn prepare(&self, rec: &RecDat, env: &crate::experiment::Environment) {
        if let Some(Ok(m)) = self.wiring.model.as_ref().map(|m| m.borrow()) {
            m.prepare(rec, env);
        }
    }

    fn add(&mut self, rec: &RecDat) {
        if let Some(Ok(mut model)) = self.wiring.model.as_ref().map(|m| m.borrow_mut()) {
            model.add(rec);
        }
    }

    /// Nothing of its own to save (the inner model and the filter are saved on their own).
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        crate::models::serialization::write_header(out, Self::NAME, 1, 0)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        crate::models::serialization::read_header(input, Self::NAME, 1, 0)
    }

    fn rank_path(&self) -> RankPath {
        RankPath::Iterator
    }

    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        // Non-whitelisted items score 0 > a negative score: count over all items.
        (q.score < 0.0).then(|| brute_force(q, |item| self.prediction(&q.rec.with_item(item))))
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        let (model, filter) = self.parts()?;
        let mut scratch = self.scratch.lock();
        if scratch.rec.user != user {
            scratch.rec = RecDat { user, ..scratch.rec };
        }
        let Scratch { rec, items } = &mut *scratch;
        filter.whitelist_into(user, rec.time, items);
        drop(filter);
        Some(Box::new(WhitelistIterator { model, scratch, next: 0 }))
    }
}

impl Component for WhitelistFilter2ModelAdapter {
    const NAME: &'static str = "WhitelistFilter2ModelAdapter";
    type Params = WhitelistFilter2ModelAdapterParameters;
    type Wiring = WhitelistFilter2ModelAdapterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(WhitelistFilter2ModelAdapter { params, wiring: Default::default(), scratch: Mutex::new(Scratch::default()) })
    }
    crate::component_accessors!();
}
