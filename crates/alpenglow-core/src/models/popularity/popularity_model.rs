//! Global popularity: score = ln(count+1) / ln(max count+1), 0 for items never counted.

use crate::component::{Component, NoWiring};
use crate::containers::top_pop_container::{fingerprint_step, MAX_LOADED_COUNT};
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};
use crate::containers::count_tree::CountTree;
use crate::containers::PopContainer;
use crate::data::RecDat;
use crate::error::Result;
use crate::models::Model;
use crate::ranking::walk::popularity_walk;
use crate::ranking::{RankCount, RankQuery};

crate::parameters! {
    /// Recommends by global popularity: `ln(count+1) / ln(max_count+1)`, or 0 for an item
    /// never counted. Trained by `PopularityModelUpdater` or `PopularityTimeFrameModelUpdater`.
    pub struct PopularityModelParameters {}
}

pub struct PopularityModel {
    params: PopularityModelParameters,
    wiring: NoWiring,
    freq: PopContainer,
    /// Number of items with each count, to keep the current maximum under decrements.
    count_hist: Vec<u32>,
    max_freq: u32,
    /// Fingerprint of the increments, comparable with the environment's popularity container.
    fingerprint: u64,
    decrements: u64,
    /// Items above each count, kept once the model has decremented (until then the
    /// environment's order is the model's order and answers the ranking).
    above: Option<CountTree>,
}

impl PopularityModel {
    pub fn count(&self, item: u32) -> u32 {
        self.freq.get(item)
    }
    pub fn max_count(&self) -> u32 {
        self.max_freq
    }

    #[inline]
    fn move_hist(&mut self, from: u32, to: u32) {
        let need = from.max(to) as usize + 1;
        if self.count_hist.len() < need {
            self.count_hist.resize(need, 0);
        }
        if from > 0 {
            self.count_hist[from as usize] -= 1;
        }
        if to > 0 {
            self.count_hist[to as usize] += 1;
        }
        if let Some(tree) = &mut self.above {
            tree.moved(from, to);
        }
    }

    pub fn increase(&mut self, item: u32) {
        let c = self.freq.increase(item);
        self.move_hist(c - 1, c);
        self.max_freq = self.max_freq.max(c);
        self.fingerprint = fingerprint_step(self.fingerprint, item);
    }

    /// Lowers the count of `item`; the normaliser follows the current maximum.
    pub fn decrease(&mut self, item: u32) {
        let before = self.freq.get(item);
        if before == 0 {
            return;
        }
        if self.above.is_none() {
            self.above = Some(CountTree::from_histogram(&self.count_hist));
        }
        self.freq.reduce(item);
        self.move_hist(before, before - 1);
        self.decrements += 1;
        // O(1): only a count equal to the maximum can empty its histogram bucket, and then the
        // decremented item sits in the bucket just below, so this loop steps at most once.
        while self.max_freq > 0 && self.count_hist[self.max_freq as usize] == 0 {
            self.max_freq -= 1;
        }
    }

    /// Exact counts for the brute-force path using integer counts as keys (the score is a
    /// strictly increasing function of the count). When the model has counted exactly the
    /// environment's increments, the environment's order is this model's order and the counts
    /// follow from the run boundaries; when it has also decremented, its counts are bounded by
    /// the environment's and the walk can stop at the first smaller environment count.
    fn count_by_keys(&self, q: &RankQuery<'_>) -> RankCount {
        let target = self.freq.get(q.rec.item);
        let order = q.env.popularity_sorted();
        let same_history = self.fingerprint == order.fingerprint();
        if same_history && self.decrements == 0 {
            let (Some(start), run) = (order.run_start(target), order.run_len(target)) else {
                return popularity_walk(q, target, |i| Some(self.freq.get(i)));
            };
            let (mut known_better, mut known_ties) = (0, 0);
            if let Some(row) = q.exclude {
                for &item in row.iter() {
                    if item == q.rec.item {
                        continue;
                    }
                    let c = order.count(item);
                    if c > target && order.position(item).is_some() {
                        known_better += 1;
                    } else if c == target && order.position(item).is_some() {
                        known_ties += 1;
                    }
                }
            }
            let better = start - known_better;
            if better >= q.top_k {
                return RankCount::Counted { better: q.top_k, ties: 0 };
            }
            return RankCount::Counted { better, ties: run - 1 - known_ties };
        }
        if same_history && let Some(tree) = &self.above {
            // Every counted item is in the environment (same increments), so when fewer than
            // top_k are better the walk would visit them all: count them directly.
            let (mut known_better, mut known_ties) = (0, 0);
            if let Some(row) = q.exclude {
                for &item in row.iter().filter(|&&i| i != q.rec.item) {
                    let c = self.freq.get(item);
                    known_better += (c > target) as usize;
                    known_ties += (c == target) as usize;
                }
            }
            let better = tree.above(target) as usize - known_better;
            let ties = self.count_hist.get(target as usize).map_or(0, |&n| n as usize) - 1 - known_ties;
            if better < q.top_k {
                return RankCount::Counted { better, ties };
            }
            if ties == 0 {
                // The walk would stop at the top_k-th better item without meeting a tie.
                return RankCount::Counted { better: q.top_k, ties: 0 };
            }
        }
        if same_history {
            let (mut better, mut ties) = (0, 0);
            for k in 0..order.len() {
                if order.count_at(k) < target {
                    break;
                }
                let item = order.item_at(k);
                if q.is_skipped(item) {
                    continue;
                }
                let c = self.freq.get(item);
                if c > target {
                    better += 1;
                    if better == q.top_k {
                        break;
                    }
                } else if c == target {
                    ties += 1;
                }
            }
            return RankCount::Counted { better, ties };
        }
        popularity_walk(q, target, |i| Some(self.freq.get(i)))
    }
}

impl Model for PopularityModel {
    #[inline]
    fn prediction(&self, rec: &RecDat) -> f64 {
        let f = self.freq.get(rec.item);
        if f == 0 {
            0.0
        } else {
            ((f + 1) as f64).ln() / ((self.max_freq + 1) as f64).ln()
        }
    }

    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        Some(self.count_by_keys(q))
    }

    /// Format (after the header, version 1): the item counts (u32 length, u32 each), the
    /// increment fingerprint and the number of decrements (u64 each).
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        write_header(out, KIND, 1, 0)?;
        let mut e = Encoder { kind: KIND, out };
        e.u32s(self.freq.counts(), "item counts")?;
        e.u64(self.fingerprint)?;
        e.u64(self.decrements)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        read_header(input, KIND, 1, 0)?;
        let mut d = Decoder { kind: KIND, input };
        let counts = d.u32s_at_most("item counts", "item count", MAX_LOADED_COUNT)?;
        let (fingerprint, decrements) = (d.u64("the fingerprint")?, d.u64("the decrements")?);
        d.end()?;
        let max_freq = counts.iter().copied().max().unwrap_or(0);
        let mut count_hist = vec![0u32; max_freq as usize + 1];
        for &c in &counts {
            if c > 0 {
                count_hist[c as usize] += 1;
            }
        }
        self.freq = PopContainer::from_counts(counts);
        self.max_freq = max_freq;
        self.above = (decrements > 0).then(|| CountTree::from_histogram(&count_hist));
        self.count_hist = count_hist;
        self.fingerprint = fingerprint;
        self.decrements = decrements;
        Ok(())
    }
}

const KIND: &str = "PopularityModel";

impl Component for PopularityModel {
    const NAME: &'static str = "PopularityModel";
    type Params = PopularityModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(PopularityModel {
            params,
            wiring: NoWiring,
            freq: PopContainer::default(),
            count_hist: Vec::new(),
            max_freq: 0,
            fingerprint: 0,
            decrements: 0,
            above: None,
        })
    }
    crate::component_accessors!();
}
