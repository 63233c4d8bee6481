//! Negative sampling proportional to item popularity.

use super::below;
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};
use crate::random::Random;

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
        /// Negatives per record (a fractional rate rounds up). Must be given.
        pub negative_rate: f64 = -1.0; where finite_min(0.0),
        /// Seed of the generator's own random numbers (restarted at every run).
        pub seed: i64 = 745578; where seed(),
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
    /// Position + 1 of each item id in the environment's item list (0: not listed).
    position: Vec<u32>,
    /// Number of items of the environment's list already in `position`.
    synced: usize,
    weights: Fenwick,
    negatives: Vec<u32>,
    samples: Vec<RecDat>,
}

/// Prefix sums of the weights of the item positions (a Fenwick tree, 1-based). Finding the first
/// position whose running sum reaches t is exactly the original's linear scan, in O(log n).
#[derive(Default)]
struct Fenwick {
    tree: Vec<u64>,
}

impl Fenwick {
    /// Linear-time build from the weights already stored at `tree[1..]`.
    fn build(&mut self) {
        let n = self.tree.len().saturating_sub(1);
        for i in 1..=n {
            let j = i + (i & i.wrapping_neg());
            if j <= n {
                self.tree[j] += self.tree[i];
            }
        }
    }

    /// Subtracts `w` from the weight of 0-based position `k`.
    fn subtract(&mut self, k: usize, w: u64) {
        let mut i = k + 1;
        while let Some(t) = self.tree.get_mut(i) {
            *t -= w;
            i += i & i.wrapping_neg();
        }
    }

    /// The first 0-based position whose running sum reaches `target` (>= 1).
    fn find(&self, target: u64) -> Option<usize> {
        let n = self.tree.len().saturating_sub(1);
        let (mut pos, mut rest) = (0, target);
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            if let Some(&t) = self.tree.get(pos + step)
                && t < rest
            {
                pos += step;
                rest -= t;
            }
            step >>= 1;
        }
        (pos < n).then_some(pos)
    }
}

impl PopularityNegativeSampleGenerator {
    fn sync_positions(&mut self, items: &[u32]) {
        if self.synced > items.len() {
            // Another environment than the one the positions were taken from.
            self.position.clear();
            self.synced = 0;
        }
        for (k, &item) in items.iter().enumerate().skip(self.synced) {
            let i = item as usize;
            if i >= self.position.len() {
                self.position.resize(i + 1, 0);
            }
            self.position[i] = k as u32 + 1;
        }
        self.synced = items.len();
    }

    /// The negative items for `rec`, in the order they were drawn.
    pub fn generate(&mut self, rec: &RecDat, env: &Environment) -> &[u32] {
        self.negatives.clear();
        let items = env.items();
        let pop = env.popularity();
        self.sync_positions(items);
        let tree = &mut self.weights.tree;
        tree.clear();
        tree.push(0);
        tree.extend(items.iter().map(|&i| u64::from(pop.get(i))));
        for &known in env.train_matrix().row(rec.user).into_iter().flatten() {
            let p = self.position.get(known as usize).copied().unwrap_or(0) as usize;
            if let Some(w) = tree.get_mut(p).filter(|_| p > 0) {
                *w = 0;
            }
        }
        let mut total: u64 = tree.iter().sum();
        self.weights.build();
        while below(self.negatives.len(), self.params.negative_rate) && total > 0 {
            let target = self.rng.get_int(total as usize) as u64 + 1;
            let Some((k, &item)) = self.weights.find(target).and_then(|k| items.get(k).map(|i| (k, i))) else {
                break;
            };
            let w = u64::from(pop.get(item));
            self.weights.subtract(k, w);
            total -= w;
            self.negatives.push(item);
        }
        &self.negatives
    }
}

sample_generator_updater!(negatives PopularityNegativeSampleGenerator);

impl Component for PopularityNegativeSampleGenerator {
    const NAME: &'static str = "PopularityNegativeSampleGenerator";
    type Params = PopularityNegativeSampleGeneratorParameters;
    type Wiring = PopularityNegativeSampleGeneratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PopularityNegativeSampleGenerator {
            rng: Random::new(params.seed),
            params,
            wiring: Default::default(),
            position: Vec::new(),
            synced: 0,
            weights: Fenwick::default(),
            negatives: Vec::new(),
            samples: Vec::new(),
        })
    }
    crate::component_accessors!();
    /// The item positions are rebuilt from the environment at the next record.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.random(&self.rng)
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.rng = input.random("the random generator")?;
        Ok(())
    }
    /// Every run starts from the seed.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.rng = Random::new(self.params.seed);
        self.position.clear();
        self.synced = 0;
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

    /// The original's algorithm: a linear scan over the available items per draw.
    fn naive(rng: &mut Random, rate: usize, rec: &RecDat, env: &Environment) -> Vec<u32> {
        let items = env.items();
        let train = env.train_matrix();
        let pop = |i: u32| u64::from(env.popularity().get(i));
        let mut available: Vec<bool> = items.iter().map(|&i| !train.has(rec.user, i)).collect();
        let mut total: u64 = items.iter().map(|&i| pop(i)).sum();
        total -= train.row(rec.user).map_or(0, |r| r.iter().map(|&i| pop(i)).sum());
        let mut out = Vec::new();
        while out.len() < rate && total > 0 {
            let t = rng.get_int(total as usize) as u64 + 1;
            let mut sum = 0;
            for (k, &i) in items.iter().enumerate() {
                if available[k] {
                    sum += pop(i);
                    if sum >= t {
                        available[k] = false;
                        total -= pop(i);
                        out.push(i);
                        break;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn equals_the_linear_scan_of_the_original() {
        let mut data = Random::new(99);
        let mut e = env();
        let mut s = sampler(7.0);
        let mut reference = Random::new(745578);
        for n in 0..3000 {
            // Skewed items (ids up to 300, in scrambled first-occurrence order), 40 users.
            let item = (data.get_int(300) * data.get_int(300) / 300 * 7919 % 300) as u32;
            let r = rec(data.get_int(40) as u32, item);
            e.update(&r);
            let got = s.generate(&r, &e).to_vec();
            assert_eq!(got, naive(&mut reference, 7, &r, &e), "record {n}");
        }
        assert!(e.items().len() > 200);
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
