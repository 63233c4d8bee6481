//! Time-decayed item-to-item nearest-neighbour model.

use atomic_refcell::AtomicRefCell;

use super::cooccurrence::{CoOccurrence, Norm, Weights};
use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::Result;
use crate::models::{Model, RankPath};
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator, SortedIterator};

crate::parameters! {
    /// Item-based nearest neighbours with time decay. The similarity of item `j` to a later
    /// item `i` is `sim(j→i) = Σ γ^(pos_i − pos_j − 1)` over the pairs of a user's history
    /// (repeats included) where `i` follows `j`, divided by the number of occurrences of `j`
    /// (`norm="num"`); `direction="both"` also counts `i` before `j`. Each item keeps its
    /// `num_of_neighbors` most similar items (ties: lower item id). The score of `(u, i)` is
    /// `Σ_k γ^k · sim(v_k→i)` over the user's history `v_0, v_1, …` from the newest event,
    /// stopping at the first `γ^k <= gamma_threshold`. Trained by `NearestNeighborModelUpdater`,
    /// which recomputes the neighbour lists once per period.
    ///
    /// Fix: `norm="sum"` was unimplemented in the original and acts as "num" here too.
    /// Similarity sums are accumulated as events arrive instead of being recomputed from the
    /// full histories each period (same sums, up to floating-point summation order).
    pub struct NearestNeighborModelParameters {
        /// Decay of the weights γ^k, in (0, 1].
        pub gamma: f64 = -1.0; where float(Bound::Excluded(0.0), Bound::Included(1.0), true),
        /// "num" (also "" and "sum") divides by the occurrences of the "from" item; "off" does not.
        pub norm: String = String::new(); where one_of(&["", "off", "num", "sum"]),
        /// "forward" (also "") counts items that follow; "both" also items that precede.
        pub direction: String = String::new(); where one_of(&["", "forward", "both"]),
        /// The user's history is read from the newest event until the weight is <= this.
        pub gamma_threshold: f64 = -1.0; where finite_min(0.0),
        /// Neighbours kept per item.
        pub num_of_neighbors: i64 = -1; where int(1..=1 << 20),
    }
}

/// The scores of every item for one user, kept from the prediction of a record to the count
/// of its rank.
#[derive(Default)]
struct Scratch {
    /// The user whose scores are held; `None` once the model changed.
    user: Option<u32>,
    /// Per item, 0 where nothing was added (so is a sum whose terms all underflowed).
    scores: Vec<f64>,
    /// The slots written since the last reset, unless `dense` (then any slot may be written).
    touched: Vec<u32>,
    dense: bool,
    /// Every slot is 0.
    clean: bool,
}

impl Scratch {
    /// Scores the items reached by `user`'s history, the same sums in the same order as
    /// `Model::prediction`'s walk.
    fn fill(&mut self, model: &NearestNeighborModel, user: u32) {
        if !self.clean {
            if self.dense {
                self.scores.fill(0.0);
            } else {
                for &j in &self.touched {
                    self.scores[j as usize] = 0.0;
                }
            }
        }
        self.touched.clear();
        self.clean = false;
        let items = model.items();
        if self.scores.len() < items {
            self.scores.resize(items, 0.0);
        }
        let walked = model.histories.get(user as usize).map_or(0, Vec::len);
        // A pass over every slot costs about as much as a few updates with a touched list.
        self.dense = walked.saturating_mul(model.params.num_of_neighbors as usize).saturating_mul(2) >= items;
        let scores = &mut self.scores;
        if self.dense {
            model.walk(user, |w, row| {
                for &(j, s) in row {
                    scores[j as usize] += w * s;
                }
            });
        } else {
            let touched = &mut self.touched;
            model.walk(user, |w, row| {
                for &(j, s) in row {
                    let slot = &mut scores[j as usize];
                    if *slot == 0.0 {
                        touched.push(j);
                    }
                    *slot += w * s;
                }
            });
        }
        self.user = Some(user);
    }

    fn fill_for(&mut self, model: &NearestNeighborModel, user: u32) {
        if self.user != Some(user) {
            self.fill(model, user);
        }
    }
}

pub struct NearestNeighborModel {
    params: NearestNeighborModelParameters,
    wiring: NoWiring,
    pub(super) norm: Norm,
    pub(super) both: bool,
    pub(super) histories: Vec<Vec<u32>>,
    pub(super) weights: Weights,
    pub(super) cooccurrence: CoOccurrence,
    /// Per item: (neighbour, similarity), best first, as of the last refresh.
    pub(super) neighbors: Vec<Vec<(u32, f64)>>,
    scratch: AtomicRefCell<Scratch>,
}

impl NearestNeighborModel {
    /// Appends the record to its user's history and adds its co-occurrence terms.
    pub fn add_event(&mut self, rec: &RecDat) -> Result<()> {
        self.scratch.get_mut().user = None;
        let u = rec.user as usize;
        if self.histories.len() <= u {
            let more = u + 1 - self.histories.len();
            crate::alloc::reserve(&mut self.histories, more, "NearestNeighborModel: user histories")?;
            self.histories.resize_with(u + 1, Vec::new);
        }
        let history = &mut self.histories[u];
        self.weights.extend_to(history.len() + 1);
        self.cooccurrence.add_event(history, rec.item, self.both, &self.weights)?;
        history.push(rec.item);
        Ok(())
    }

    /// Recomputes the neighbour lists of the items whose similarities changed.
    pub fn update_neighbors(&mut self) -> Result<()> {
        self.scratch.get_mut().user = None;
        let n = self.params.num_of_neighbors as usize;
        self.cooccurrence.refresh(&mut self.neighbors, self.norm, n)
    }

    /// The neighbour list of `item` (best first).
    pub fn neighbors(&self, item: u32) -> &[(u32, f64)] {
        self.neighbors.get(item as usize).map_or(&[], Vec::as_slice)
    }

    /// Calls `f(weight, neighbours)` for the user's history from the newest event, while the
    /// weight is above the threshold: the order in which every score is summed.
    #[inline]
    fn walk(&self, user: u32, mut f: impl FnMut(f64, &[(u32, f64)])) {
        let Some(history) = self.histories.get(user as usize) else { return };
        // `add_event` extends the weights to cover every history.
        for (&v, &w) in history.iter().rev().zip(self.weights.values()) {
            if w <= self.params.gamma_threshold {
                break;
            }
            f(w, self.neighbors(v));
        }
    }

    /// Every item that received a contribution for `user`, with its score.
    pub fn scores(&self, user: u32) -> Vec<(u32, f64)> {
        let mut scores = vec![f64::NAN; self.items()];
        let mut touched = Vec::new();
        self.walk(user, |w, row| {
            for &(j, s) in row {
                let slot = &mut scores[j as usize];
                if slot.is_nan() {
                    *slot = 0.0;
                    touched.push(j);
                }
                *slot += w * s;
            }
        });
        touched.iter().map(|&j| (j, scores[j as usize])).collect()
    }

    /// Number of item ids the scores can reach (every neighbour id is below it).
    fn items(&self) -> usize {
        self.neighbors.len().max(self.cooccurrence.sums.len())
    }

    pub fn clear(&mut self) {
        self.scratch.get_mut().user = None;
        self.histories.clear();
        self.weights = Weights::new(self.params.gamma);
        self.cooccurrence = CoOccurrence::default();
        self.neighbors.clear();
    }
}

impl Model for NearestNeighborModel {
    /// From the scores of all the user's items (kept for the rank count that usually follows),
    /// or, if they are in use, from a walk that looks the item up in each neighbour list.
    fn prediction(&self, rec: &RecDat) -> f64 {
        if let Ok(mut scratch) = self.scratch.try_borrow_mut() {
            scratch.fill_for(self, rec.user);
            return scratch.scores.get(rec.item as usize).copied().unwrap_or(0.0);
        }
        let mut score = 0.0;
        self.walk(rec.user, |w, row| {
            if let Some(&(_, s)) = row.iter().find(|e| e.0 == rec.item) {
                score += w * s;
            }
        });
        score
    }

    fn rank_path(&self) -> RankPath {
        RankPath::Iterator
    }

    /// Scores every item the user's history reaches (the only items that can score above 0)
    /// and counts as the descending iterator walk would.
    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        if q.score <= 0.0 {
            return None;
        }
        let mut scratch = self.scratch.try_borrow_mut().ok()?;
        scratch.fill_for(self, q.rec.user);
        let scratch = &mut *scratch;
        let (mut better, mut ties) = (0, 0);
        if scratch.dense {
            // Every slot is counted without a branch (a vectorised pass), then the skipped
            // items are taken back out.
            let (mut skipped_better, mut skipped_ties) = (0, 0);
            let mut skip = |j: u32| {
                let s = scratch.scores.get(j as usize).copied().unwrap_or(0.0);
                skipped_better += usize::from(s > q.score);
                skipped_ties += usize::from(s == q.score);
            };
            skip(q.rec.item);
            if let Some(known) = q.exclude {
                known.iter().filter(|&&j| j != q.rec.item).for_each(|&j| skip(j));
            }
            // Reset in the same pass: the scores are then gone.
            for slot in scratch.scores.iter_mut() {
                better += usize::from(*slot > q.score);
                ties += usize::from(*slot == q.score);
                *slot = 0.0;
            }
            better -= skipped_better;
            ties -= skipped_ties;
        } else {
            // Each slot is reset as it is read, so that a slot listed twice (its first terms
            // underflowed to 0) counts once; the scores are then gone.
            for &j in &scratch.touched {
                let s = std::mem::replace(&mut scratch.scores[j as usize], 0.0);
                if s >= q.score && !q.is_skipped(j) {
                    if s > q.score {
                        better += 1;
                    } else {
                        ties += 1;
                    }
                }
            }
            scratch.touched.clear();
        }
        scratch.clean = true;
        scratch.user = None;
        if better >= q.top_k {
            return Some(RankCount::Counted { better: q.top_k, ties: 0 });
        }
        Some(RankCount::Counted { better, ties })
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        Some(Box::new(SortedIterator::new(self.scores(user))))
    }

    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        super::io::write(self, out)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        self.scratch.get_mut().user = None;
        super::io::read(self, input)
    }
}

impl Component for NearestNeighborModel {
    const NAME: &'static str = "NearestNeighborModel";
    type Params = NearestNeighborModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(NearestNeighborModel {
            norm: if params.norm == "off" { Norm::Off } else { Norm::Num },
            both: params.direction == "both",
            weights: Weights::new(params.gamma),
            params,
            wiring: NoWiring,
            histories: Vec::new(),
            cooccurrence: CoOccurrence::default(),
            neighbors: Vec::new(),
            scratch: AtomicRefCell::new(Scratch::default()),
        })
    }
    crate::component_accessors!();
}
