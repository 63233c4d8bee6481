//! Merges the top lists of several models, position by position, each position taken from a
//! randomly drawn model.

use std::collections::{HashMap, HashSet};

use parking_lot::{Mutex, MutexGuard};

use super::io::{read_f64s, read_random, write_f64s};
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};
use crate::models::{Model, RankPath};
use crate::random::Random;
use crate::ranking::{top_list, RankingScoreIterator};

crate::parameters! {
    /// Interleaves the top lists of its models (`add_model`). For every evaluated record (a
    /// new (id, user, time)) it draws `top_k` model indices from the distribution over the
    /// models (uniform, `get_discrete` steps of its MINSTD generator), takes from each drawn
    /// model its top list (as long as the last position it was drawn for, + 1; known items
    /// excluded when the experiment excludes them), and fills position p with the best item of
    /// model index[p]'s list not placed yet. The item at position p scores 1/(p+1); every
    /// other item 0. Ranks are computed by iterating the merged list.
    ///
    /// Fixes: the original could read past the end of an exhausted list (here a position whose
    /// model has no unused item left stays empty), and it built the merged list only when some
    /// model ranked the evaluated item high enough, so its scores depended on the evaluated
    /// item; here the list is built for every evaluated record and does not depend on its item.
    /// Ties in the member lists: higher score first, then lower item id.
    ///
    /// At most as many positions as there are items are drawn (the others could not be filled).
    /// The list is built when the record is ranked (or given a top list); `prediction` for
    /// another record than the one last ranked is 0. Treat this component as experimental.
    pub struct ToplistCombinationModelParameters {
        /// Seed of the model draws.
        pub seed: i64 = 745578; where seed(),
        /// Length of the merged list.
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
    }
}

crate::wiring! {
    pub struct ToplistCombinationModelWiring {
        /// A model whose top lists are merged (call it for each, at least once).
        add_model => models: one_or_more dyn Model,
    }
}

#[derive(Default)]
struct Merged {
    key: Option<(i64, u32, u64)>,
    /// (item, 1/(p+1)), position order (descending scores).
    list: Vec<(u32, f64)>,
    score_of: HashMap<u32, f64>,
    // Buffers reused between records.
    draws: Vec<usize>,
    last_position: Vec<Option<usize>>,
    used: HashSet<u32>,
}

pub struct ToplistCombinationModel {
    params: ToplistCombinationModelParameters,
    wiring: ToplistCombinationModelWiring,
    distribution: Vec<f64>,
    rng: Mutex<Random>,
    merged: Mutex<Merged>,
}

const KIND: &str = "ToplistCombinationModel";

impl ToplistCombinationModel {
    /// The merged list of the last ranked record: (item, score), best first.
    pub fn merged_list(&self) -> Vec<(u32, f64)> {
        self.merged.lock().list.clone()
    }

    fn build(&self, rec: &RecDat, env: &Environment, m: &mut Merged) {
        let n = self.wiring.models.len();
        let top_k = if self.params.top_k == -1 { env.top_k() } else { self.params.top_k as usize };
        // Positions beyond the number of existing items can never be filled: no draws for them.
        let top_k = top_k.min(env.items().len());
        let uniform;
        let distribution = if self.distribution.len() == n {
            &self.distribution
        } else {
            uniform = vec![1.0 / n as f64; n];
            &uniform
        };
        m.draws.clear();
        m.last_position.clear();
        m.last_position.resize(n, None);
        {
            let mut rng = self.rng.lock();
            for p in 0..top_k {
                let j = rng.get_discrete(distribution).min(n - 1);
                m.draws.push(j);
                m.last_position[j] = Some(p);
            }
        }
        let exclude = if env.exclude_known() { env.train_matrix().row(rec.user) } else { None };
        let lists: Vec<Vec<(u32, f64)>> = self
            .wiring
            .models
            .iter()
            .zip(&m.last_position)
            .map(|(link, last)| match (last, link.borrow()) {
                (Some(last), Ok(model)) => top_list(&*model, rec, env, last + 1, exclude),
                _ => Vec::new(),
            })
            .collect();
        let mut cursor = vec![0usize; n];
        m.list.clear();
        m.score_of.clear();
        m.used.clear();
        for (p, &j) in m.draws.iter().enumerate() {
            let list = &lists[j];
            while cursor[j] < list.len() && m.used.contains(&list[cursor[j]].0) {
                cursor[j] += 1;
            }
            let Some(&(item, _)) = list.get(cursor[j]) else { continue };
            cursor[j] += 1;
            m.used.insert(item);
            let score = 1.0 / (p + 1) as f64;
            m.list.push((item, score));
            m.score_of.insert(item, score);
        }
    }
}

/// Serves the merged list.
struct MergedIterator<'a> {
    merged: MutexGuard<'a, Merged>,
    next: usize,
}

impl RankingScoreIterator for MergedIterator<'_> {
    fn has_next(&mut self, bound: f64) -> bool {
        self.merged.list.get(self.next).is_some_and(|&(_, s)| s >= bound)
    }
    fn next(&mut self) -> (u32, f64) {
        self.next += 1;
        self.merged.list[self.next - 1]
    }
    fn unique_items_num(&self) -> usize {
        self.merged.list.len()
    }
}

impl Model for ToplistCombinationModel {
    fn prepare(&self, rec: &RecDat, env: &Environment) {
        if self.wiring.models.is_empty() {
            return;
        }
        let mut m = self.merged.lock();
        let key = (rec.id, rec.user, rec.time.to_bits());
        if m.key == Some(key) {
            return;
        }
        m.key = Some(key);
        self.build(rec, env, &mut m);
    }

    fn prediction(&self, rec: &RecDat) -> f64 {
        let m = self.merged.lock();
        if m.key != Some((rec.id, rec.user, rec.time.to_bits())) {
            return 0.0;
        }
        m.score_of.get(&rec.item).copied().unwrap_or(0.0)
    }

    fn add(&mut self, rec: &RecDat) {
        for m in &self.wiring.models {
            if let Ok(mut m) = m.borrow_mut() {
                m.add(rec);
            }
        }
    }

    fn rank_path(&self) -> RankPath {
        RankPath::Iterator
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        let merged = self.merged.lock();
        if merged.key.is_none_or(|k| k.1 != user) {
            return None;
        }
        Some(Box::new(MergedIterator { merged, next: 0 }))
    }

    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        write_header(out, KIND, 1, 0)?;
        let mut e = Encoder { kind: KIND, out };
        write_f64s(&mut e, &self.distribution, "weights")?;
        e.u64(self.rng.lock().state())
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        read_header(input, KIND, 1, 0)?;
        let mut d = Decoder { kind: KIND, input };
        self.distribution = read_f64s(&mut d, "weights")?;
        *self.rng.get_mut() = read_random(&mut d)?;
        *self.merged.get_mut() = Merged::default();
        Ok(())
    }
}

impl Component for ToplistCombinationModel {
    const NAME: &'static str = "ToplistCombinationModel";
    type Params = ToplistCombinationModelParameters;
    type Wiring = ToplistCombinationModelWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let rng = Random::new(params.seed);
        Ok(ToplistCombinationModel {
            params,
            wiring: Default::default(),
            distribution: Vec::new(),
            rng: Mutex::new(rng),
            merged: Mutex::new(Merged::default()),
        })
    }
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        let n = self.wiring.models.len();
        if self.distribution.len() != n {
            self.distribution = vec![1.0 / n as f64; n];
        }
        *self.merged.get_mut() = Merged::default();
        Ok(())
    }
    crate::component_accessors!();
}
