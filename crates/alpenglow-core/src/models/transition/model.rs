//! Score of an item = ln(1 + number of times it followed the user's last item).

use crate::component::{Component, NoWiring};
use crate::containers::top_pop_container::{SparseIndex, TopPopContainer};
use crate::data::RecDat;
use crate::error::Result;
use crate::models::{Model, RankPath};
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator, SortedIterator};

crate::parameters! {
    /// Scores `ln(count(last_item -> item) + 1)`, where `last_item` is the user's previous
    /// item (or its label in label mode); 0 for a user's first record. Trained by
    /// `TransitionProbabilityModelUpdater`.
    pub struct TransitionProbabilityModelParameters {}
}

/// Counts of the items that followed one entity, kept sorted for ranking.
pub type TransitionRow = TopPopContainer<SparseIndex>;

pub struct TransitionProbabilityModel {
    params: TransitionProbabilityModelParameters,
    wiring: NoWiring,
    /// Boxed so that an entity without transitions costs one pointer.
    pub(super) rows: Vec<Option<Box<TransitionRow>>>,
    /// The user's last entity, -1 before the user's first record.
    pub(super) last_entity: Vec<i64>,
    pub(super) last_raw_item: Vec<i64>,
}

impl TransitionProbabilityModel {
    fn row_of_user(&self, user: u32) -> Option<&TransitionRow> {
        let e = *self.last_entity.get(user as usize)?;
        if e < 0 { None } else { self.rows.get(e as usize).and_then(|r| r.as_deref()) }
    }

    pub(super) fn increase(&mut self, from: i64, to: u32) {
        if from < 0 {
            return;
        }
        let f = from as usize;
        if f >= self.rows.len() {
            self.rows.resize_with(f + 1, || None);
        }
        self.rows[f].get_or_insert_with(Default::default).increase(to);
    }

    /// The user's last entity (item, or label in label mode), if the user has a record.
    pub fn last_entity(&self, user: u32) -> Option<u32> {
        self.last_entity.get(user as usize).and_then(|&e| u32::try_from(e).ok())
    }

    /// The counts of the items that followed `entity`, if any did.
    pub fn row(&self, entity: u32) -> Option<&TransitionRow> {
        self.rows.get(entity as usize).and_then(|r| r.as_deref())
    }

    /// One past the largest entity that has (or had room for) a row.
    pub fn entity_count(&self) -> usize {
        self.rows.len()
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.last_entity.clear();
        self.last_raw_item.clear();
    }
}

fn score_of(count: u32) -> f64 {
    ((count + 1) as f64).ln()
}

impl Model for TransitionProbabilityModel {
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        super::io::write(self, out)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        super::io::read(self, input)
    }

    fn prediction(&self, rec: &RecDat) -> f64 {
        match self.row_of_user(rec.user) {
            Some(row) => {
                let c = row.count(rec.item);
                if c == 0 { 0.0 } else { score_of(c) }
            }
            None => 0.0,
        }
    }

    fn rank_path(&self) -> RankPath {
        RankPath::Iterator
    }

    /// The iterator walk visits the row in descending order and stops at `top_k` better items,
    /// so the counts follow from the row's run boundaries, corrected for the known items.
    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        let row = self.row_of_user(q.rec.user)?;
        let target = row.count(q.rec.item);
        let start = row.run_start(target)?;
        let run = row.run_len(target);
        let (mut known_better, mut known_ties) = (0, 0);
        if let Some(known) = q.exclude {
            let mut tally = |item: u32| {
                if item != q.rec.item && known.contains(&item) {
                    let c = row.count(item);
                    if c > target {
                        known_better += 1;
                    } else if c == target {
                        known_ties += 1;
                    }
                }
            };
            if known.len() < start + run {
                known.iter().filter(|&&i| row.position(i).is_some()).for_each(|&i| tally(i));
            } else {
                row.items()[..start + run].iter().for_each(|&i| tally(i));
            }
        }
        let better = start - known_better;
        if better >= q.top_k {
            return Some(RankCount::Counted { better: q.top_k, ties: 0 });
        }
        Some(RankCount::Counted { better, ties: run - 1 - known_ties })
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        let row = self.row_of_user(user)?;
        let entries = row.items().iter().zip(row.counts()).map(|(&i, &c)| (i, score_of(c))).collect();
        Some(Box::new(SortedIterator::new(entries)))
    }
}

impl Component for TransitionProbabilityModel {
    const NAME: &'static str = "TransitionProbabilityModel";
    type Params = TransitionProbabilityModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(TransitionProbabilityModel {
            params,
            wiring: NoWiring,
            rows: Vec::new(),
            last_entity: Vec::new(),
            last_raw_item: Vec::new(),
        })
    }
    crate::component_accessors!();
}
