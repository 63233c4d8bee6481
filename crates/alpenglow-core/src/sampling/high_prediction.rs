//! Negative sampling of the items the model currently scores highest (hard negatives).

use std::cmp::Ordering;

use super::below;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};
use crate::models::Model;
use crate::random::Random;

crate::parameters! {
    /// Trains its sub-updaters on implicit data: each record (the positive) followed by the
    /// `negative_rate` best-scored of `full_negative_rate` random candidates. The candidates are
    /// drawn without replacement by a partial Fisher–Yates (one random number per draw) over the
    /// generator's own copy of the item list, which stays permuted from record to record (new
    /// items are appended); a drawn item is a candidate if it is not the record's item and the
    /// user has not interacted with it earlier, and is then scored by the model. The candidates
    /// are sorted by score (higher first, ties by lower item id, NaN last) and the best
    /// `negative_rate` are sent, in that order, as copies of the record with the item replaced
    /// and score 0. The samples go to the sub-updaters as one implicit update cycle (Start,
    /// positive, negatives, End).
    ///
    /// Fix: the original tested the positive item instead of the candidate against the train
    /// matrix, so with the environment's train matrix (which already holds the record) it never
    /// accepted a candidate; here the candidate is tested.
    /// Fix: the original's unstable sort left the order of equal scores undefined; here ties go
    /// to the lower item id.
    pub struct HighPredictionNegativeSampleGeneratorParameters {
        /// Negatives per record: the best of the candidates (fractional rounds up). Must be given.
        pub negative_rate: f64 = -1.0; where finite_min(0.0),
        /// Candidates scored per record (fractional rounds up). Must be given.
        pub full_negative_rate: f64 = -1.0; where finite_min(0.0),
        /// Seed of the generator's own random numbers (restarted at every run).
        pub seed: i64 = 744478; where seed(),
    }
}

crate::wiring! {
    pub struct HighPredictionNegativeSampleGeneratorWiring {
        /// The model that scores the candidates.
        set_model => model: required dyn Model,
        /// An updater to train on the samples (call it for each; they get samples in that order).
        add_updater => updaters: many dyn Updater,
    }
}

pub struct HighPredictionNegativeSampleGenerator {
    params: HighPredictionNegativeSampleGeneratorParameters,
    wiring: HighPredictionNegativeSampleGeneratorWiring,
    rng: Random,
    /// Persistent, partially shuffled copy of the environment's items.
    items: Vec<u32>,
    candidates: Vec<(u32, f64)>,
    negatives: Vec<u32>,
    samples: Vec<RecDat>,
}

/// Higher score first, NaN last, then lower item id.
fn by_score(a: &(u32, f64), b: &(u32, f64)) -> Ordering {
    let scores = match (a.1.is_nan(), b.1.is_nan()) {
        (false, false) => b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal),
        (nan_a, nan_b) => nan_a.cmp(&nan_b),
    };
    scores.then(a.0.cmp(&b.0))
}

impl HighPredictionNegativeSampleGenerator {
    /// The negative items for `rec`, best first.
    pub fn generate(&mut self, rec: &RecDat, env: &Environment) -> Result<&[u32]> {
        let all = env.items();
        if self.items.len() > all.len() {
            // Another environment than the one the copy was made from.
            self.items.clear();
        }
        let have = self.items.len();
        self.items.extend_from_slice(all.get(have..).unwrap_or(&[]));

        self.candidates.clear();
        let train = env.train_matrix();
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let mut available = self.items.len();
        while below(self.candidates.len(), self.params.full_negative_rate) && available > 0 {
            let idx = self.rng.get_int(available).min(available - 1);
            if let Some(&item) = self.items.get(idx)
                && item != rec.item
                && !train.has(rec.user, item)
            {
                self.candidates.push((item, model.prediction(&rec.with_item(item))));
            }
            self.items.swap(idx, available - 1);
            available -= 1;
        }
        drop(model);

        self.candidates.sort_unstable_by(by_score);
        let rate = self.params.negative_rate;
        let keep = (0..self.candidates.len()).take_while(|&k| below(k, rate)).count();
        self.negatives.clear();
        self.negatives.extend(self.candidates.iter().take(keep).map(|c| c.0));
        Ok(&self.negatives)
    }
}

sample_generator_updater!(negatives HighPredictionNegativeSampleGenerator ?);

impl Component for HighPredictionNegativeSampleGenerator {
    const NAME: &'static str = "HighPredictionNegativeSampleGenerator";
    type Params = HighPredictionNegativeSampleGeneratorParameters;
    type Wiring = HighPredictionNegativeSampleGeneratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(HighPredictionNegativeSampleGenerator {
            rng: Random::new(params.seed),
            params,
            wiring: Default::default(),
            items: Vec::new(),
            candidates: Vec::new(),
            negatives: Vec::new(),
            samples: Vec::new(),
        })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.random(&self.rng)?;
        out.u32s(&self.items, "items")
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.rng = input.random("the random generator")?;
        self.items = input.ids("items")?;
        Ok(())
    }
    /// Every run starts from the seed and a fresh copy of the items.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.rng = Random::new(self.params.seed);
        self.items.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::Handle;
    use crate::params::Value;
    use crate::sampling::testing::{Event, env, rec, recorder, sample_items, table_model, update};

    fn build(rate: i64, full: i64) -> Handle {
        let kw =
            [("negative_rate".to_string(), Value::Int(rate)), ("full_negative_rate".to_string(), Value::Int(full))];
        crate::registry::build("HighPredictionNegativeSampleGenerator", &kw).unwrap()
    }

    /// Items 0..=9 in order (user 1); user 0 knows `known` and its current record is item 7.
    fn ten_items(known: &[u32]) -> Environment {
        let mut e = env();
        for i in 0..10 {
            e.update(&rec(1, i));
        }
        for &i in known {
            e.update(&rec(0, i));
        }
        e.update(&rec(0, 7));
        e
    }

    #[test]
    fn candidates_follow_the_seed_and_the_best_are_kept() {
        // Seed 744478: u = .7343 .7877 .7849 .9803 .7251. Draws over 10, 9, 8, 7, 6 positions:
        // item 7 (the positive: rejected), 9, 6, 8, 4.
        let e = ten_items(&[]);
        let scores = [0.0, 0.0, 0.0, 0.0, 0.9, 0.0, 0.9, 0.0, 0.1, 0.5];
        let s = build(2, 4);
        s.node.wire("set_model", &table_model(&scores)).unwrap();
        let (r, log) = recorder();
        s.node.wire("add_updater", &r).unwrap();
        update(&s, &rec(0, 7), &e).unwrap();
        // 4 and 6 tie at 0.9: the lower id first.
        assert_eq!(sample_items(&log), vec![7, 4, 6]);
        let log = log.lock().unwrap().clone();
        assert_eq!(log[0], Event::Start);
        assert_eq!(log[2], Event::Sample(RecDat { item: 4, score: 0.0, ..rec(0, 7) }));
        assert_eq!(log[4], Event::End);
        let g = s.downcast::<HighPredictionNegativeSampleGenerator>().unwrap();
        g.with(|g| assert_eq!(g.items, vec![0, 1, 2, 3, 5, 4, 8, 6, 9, 7])).unwrap();
    }

    #[test]
    fn tests_the_candidate_not_the_positive() {
        // The original rejected every candidate (the positive is always known). Here every
        // unknown item is a candidate and known ones never are.
        let e = ten_items(&[3]);
        let s = build(100, 100);
        let m = table_model(&[]);
        s.node.wire("set_model", &m).unwrap();
        let (r, log) = recorder();
        s.node.wire("add_updater", &r).unwrap();
        update(&s, &rec(0, 7), &e).unwrap();
        let mut items = sample_items(&log);
        assert_eq!(items.remove(0), 7);
        // All scores 0: sorted by item id.
        assert_eq!(items, vec![0, 1, 2, 4, 5, 6, 8, 9]);
        let calls = m.downcast::<crate::sampling::testing::TableModel>().unwrap();
        calls.with(|m| assert_eq!(m.calls.load(std::sync::atomic::Ordering::Relaxed), 8)).unwrap();
    }

    #[test]
    fn nan_scores_go_last() {
        let mut c = [(3, f64::NAN), (1, 0.5), (2, f64::NEG_INFINITY), (0, f64::NAN), (5, 0.5)];
        c.sort_unstable_by(by_score);
        let ids: Vec<u32> = c.iter().map(|x| x.0).collect();
        assert_eq!(ids, vec![1, 5, 2, 0, 3]);
    }

    #[test]
    fn needs_a_model_and_valid_rates() {
        let s = build(1, 1);
        assert!(s.node.check_wiring().unwrap_err().to_string().contains("set_model"));
        let e = HighPredictionNegativeSampleGenerator::new(HighPredictionNegativeSampleGeneratorParameters {
            negative_rate: 1.0,
            ..Default::default()
        });
        assert!(e.err().unwrap().to_string().contains("'full_negative_rate' must be a finite number >= 0, got -1"));
    }
}
