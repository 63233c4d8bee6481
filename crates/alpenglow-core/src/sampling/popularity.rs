//! Negative sampling proportional to item popularity.

use super::{below, check_rate, emit_cycle, fill_implicit_samples, forward_message};
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater, UpdaterMessage};
use crate::random::{check_seed, Random};

crate::parameters! {
    /// Trains its sub-updaters on implicit data: each record (the positive) followed by up to
    /// `negative_rate` negatives drawn proportionally to their popularity (number of earlier
    /// records of the item, the environment's counts), without replacement, among the items the
    /// user has not interacted with earlier (so never the record's own item). A negative is a
    /// copy of the record with the item replaced and score 0; the samples go to the sub-updaters
    /// as one implicit update cycle (Start, positive, negatives in drawn order, End).
    ///
    /// Each draw takes t = get(S) + 1, S being the total popularity of the still available
    /// items, and picks the first item (in the environment's item order) at which the running
    /// popularity sum of the available items reaches t. Sampling stops early when S is 0.
    pub struct PopularityNegativeSampleGeneratorParameters {
        /// Negatives per record (>= 0; a fractional rate rounds up). Must be given.
        pub negative_rate: f64 = -1.0,
        /// Seed of the generator's own random numbers (restarted at every run).
        pub seed: i64 = 745578,
    }
}

crate::wiring! {
    pub struct PopularityNegativeSampleGeneratorWiring {
        /// An updater to train on the samples (call it for each; they get samples in that order).
        add_updater => updaters: many dyn Updater,
    }
}

pub struct PopularityNegativeSampleGenerator {
    params: PopularityNegativeSampleGeneratorParameters,
    wiring: PopularityNegativeSampleGeneratorWiring,
    rng: Random,
    /// Per position of the item list: still drawable for the current record.
    available: Vec<bool>,
    negatives: Vec<u32>,
    samples: Vec<RecDat>,
}

impl PopularityNegativeSampleGenerator {
    /// The negative items for `rec`, in the order they were drawn.
    pub fn generate(&mut self, rec: &RecDat, env: &Environment) -> &[u32] {
        self.negatives.clear();
        let items = env.items();
        let train = env.train_matrix();
        let pop = env.popularity();
        self.available.clear();
        self.available.extend(items.iter().map(|&i| !train.has(rec.user, i)));
        let mut total: u64 =
            items.iter().zip(&self.available).filter(|(_, a)| **a).map(|(&i, _)| u64::from(pop.get(i))).sum();
        while below(self.negatives.len(), self.params.negative_rate) && total > 0 {
            let target = self.rng.get_int(total as usize) as u64 + 1;
            let mut sum = 0u64;
            let mut chosen = None;
            for (k, (&item, &available)) in items.iter().zip(&self.available).enumerate() {
                if available {
                    sum += u64::from(pop.get(item));
                    if sum >= target {
                        chosen = Some((k, item));
                        break;
                    }
                }
            }
            let Some((k, item)) = chosen else { break };
            total -= u64::from(pop.get(item));
            if let Some(a) = self.available.get_mut(k) {
                *a = false;
            }
            self.negatives.push(item);
        }
        &self.negatives
    }
}

impl Updater for PopularityNegativeSampleGenerator {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        self.generate(rec, env);
        fill_implicit_samples(rec, &self.negatives, &mut self.samples);
        emit_cycle(&self.wiring.updaters, &self.samples, env)
    }

    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        forward_message(&self.wiring.updaters, message)
    }
}

impl Component for PopularityNegativeSampleGenerator {
    const NAME: &'static str = "PopularityNegativeSampleGenerator";
    type Params = PopularityNegativeSampleGeneratorParameters;
    type Wiring = PopularityNegativeSampleGeneratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        check_rate(Self::NAME, "negative_rate", params.negative_rate)?;
        check_seed(Self::NAME, "seed", params.seed)?;
        Ok(PopularityNegativeSampleGenerator {
            rng: Random::new(params.seed),
            params,
            wiring: Default::default(),
            available: Vec::new(),
            negatives: Vec::new(),
            samples: Vec::new(),
        })
    }
    crate::component_accessors!();
    /// Every run starts from the seed.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.rng = Random::new(self.params.seed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::testing::{env, rec};

    fn sampler(rate: f64) -> PopularityNegativeSampleGenerator {
        let p = PopularityNegativeSampleGeneratorParameters { negative_rate: rate, ..Default::default() };
        PopularityNegativeSampleGenerator::new(p).unwrap()
    }

    /// Items 0..=3 with popularity 1, 2, 3, 4; user 9 knows item 3 (its current record).
    fn popular() -> Environment {
        let mut e = env();
        for item in 0..4u32 {
            let others = if item == 3 { 3 } else { item + 1 };
            for user in 0..others {
                e.update(&rec(user + 10, item));
            }
        }
        e.update(&rec(9, 3));
        e
    }

    #[test]
    fn follows_the_default_seed() {
        // Seed 745578: u = .7591 .3234 .2728. S = 6: t = 5 -> item 2 (sums 1, 3, 6);
        // S = 3: t = 1 -> item 0; S = 2: t = 1 -> item 1; S = 0: stop.
        let e = popular();
        let mut s = sampler(10.0);
        assert_eq!(s.generate(&rec(9, 3), &e), &[2, 0, 1]);
        let mut s = sampler(1.0);
        assert_eq!(s.generate(&rec(9, 3), &e), &[2]);
    }

    #[test]
    fn nothing_when_every_item_is_known() {
        let mut e = env();
        e.update(&rec(0, 0));
        e.update(&rec(0, 1));
        assert!(sampler(5.0).generate(&rec(0, 1), &e).is_empty());
    }

    #[test]
    fn bad_parameters() {
        let p = PopularityNegativeSampleGeneratorParameters::default();
        let e = PopularityNegativeSampleGenerator::new(p).err().unwrap().to_string();
        assert!(e.contains("PopularityNegativeSampleGenerator: parameter 'negative_rate' must be"), "{e}");
        let p = PopularityNegativeSampleGeneratorParameters { negative_rate: 1.0, seed: 1 << 40 };
        assert!(PopularityNegativeSampleGenerator::new(p).is_err());
    }
}
