//! Uniform negative sampling over the items seen so far.

use super::below;
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};
use crate::containers::item_bits::ItemBits;
use crate::random::Random;

crate::parameters! {
    /// Trains its sub-updaters on implicit data: each record (the positive) followed by
    /// `negative_rate` negatives drawn uniformly from the items seen so far, among the items the
    /// user has not interacted with earlier (the environment is updated before the updaters,
    /// so the record's own item is known and never a negative). A negative is a copy of the
    /// record with the item replaced and score 0. Every record is sent to the sub-updaters as one
    /// implicit update cycle: StartOfImplicitUpdateCycle, the positive, the negatives in order,
    /// EndOfImplicitUpdateCycle.
    ///
    /// Without `filter_repeats`, items are drawn with replacement: each draw picks a position
    /// uniformly in the item list (one random number per draw, rejected draws included) and
    /// accepts the item if the user does not know it, so a negative may repeat. It stops after
    /// `negative_rate` accepted draws or when as many negatives as the user has unknown items
    /// were accepted. With `filter_repeats`, items are drawn without replacement by a partial
    /// Fisher–Yates over a permutation of the item positions that is kept from record to record;
    /// it stops after `negative_rate` negatives or when every item was drawn.
    pub struct UniformNegativeSampleGeneratorParameters {
        /// Negatives per record (a fractional rate rounds up). Must be given.
        pub negative_rate: f64 = -1.0; where finite_min(0.0),
        /// Draw without replacement (no repeated negatives within a record).
        pub filter_repeats: bool = false,
        /// Seed of the generator's own random numbers (restarted at every run).
        pub seed: i64 = 67439852; where seed(),
    }
}

crate::wiring! {
    pub struct UniformNegativeSampleGeneratorWiring {
        /// An updater to train on the samples (call it for each; they get samples in that order).
        add_updater => updaters: many dyn Updater,
    }
}

pub struct UniformNegativeSampleGenerator {
    params: UniformNegativeSampleGeneratorParameters,
    wiring: UniformNegativeSampleGeneratorWiring,
    rng: Random,
    /// Permutation of item positions for filter_repeats, kept across records.
    indices: Vec<usize>,
    negatives: Vec<u32>,
    samples: Vec<RecDat>,
    /// The current user's known items during a record's draws (empty between records).
    known_bits: ItemBits,
}

impl UniformNegativeSampleGenerator {
    /// The negative items for `rec`, in the order they were drawn.
    pub fn generate(&mut self, rec: &RecDat, env: &Environment) -> &[u32] {
        self.negatives.clear();
        if self.params.filter_repeats {
            self.generate_without_replacement(rec, env);
        } else {
            self.generate_with_replacement(rec, env);
        }
        &self.negatives
    }

    fn generate_with_replacement(&mut self, rec: &RecDat, env: &Environment) {
        let items = env.items();
        let known = env.train_matrix().row(rec.user);
        let limit = items.len().saturating_sub(known.map_or(0, |row| row.len()));
        // `below(n, rate)` is `n < ceil(rate)` for a whole n (the rate is finite and >= 0).
        let wanted = (self.params.negative_rate.ceil() as usize).min(limit);
        // The generator is a local, so that its state stays in a register across the draws
        // (the same draws as through `self`).
        let mut rng = self.rng.clone();
        // A short row is copied into a bit set (one bit test per draw instead of a hash
        // probe); a long one is probed, as copying it would cost more than the draws.
        let list = env.train_matrix().items_of(rec.user);
        match known {
            Some(row) if row.len() <= 4 * wanted && self.known_bits.fill(list) => {
                draw(&mut rng, items, wanted, &mut self.negatives, |item| self.known_bits.contains(item));
                self.known_bits.clear(list);
            }
            _ => draw(&mut rng, items, wanted, &mut self.negatives, |item| known.is_some_and(|row| row.contains(&item))),
        }
        self.rng = rng;
    }

    fn generate_without_replacement(&mut self, rec: &RecDat, env: &Environment) {
        let items = env.items();
        let train = env.train_matrix();
        if self.indices.len() > items.len() {
            // Another environment than the one the permutation was built for.
            self.indices.clear();
        }
        self.indices.extend(self.indices.len()..items.len());
        let mut available = items.len();
        while below(self.negatives.len(), self.params.negative_rate) && available > 0 {
            let k = self.rng.get_int(available).min(available - 1);
            if let Some(&item) = self.indices.get(k).and_then(|&i| items.get(i))
                && !train.has(rec.user, item)
            {
                self.negatives.push(item);
            }
            self.indices.swap(k, available - 1);
            available -= 1;
        }
    }
}

/// Draws positions in `items` until `wanted` unknown items were accepted (one generator step
/// per draw, rejected draws included), appending them to `negatives`.
#[inline(always)]
fn draw(rng: &mut Random, items: &[u32], wanted: usize, negatives: &mut Vec<u32>, is_known: impl Fn(u32) -> bool) {
    // Into a slice sized beforehand: the loop calls nothing, so its state stays in registers.
    let start = negatives.len();
    negatives.resize(start + wanted, 0);
    let out = &mut negatives[start..];
    let mut accepted = 0;
    while accepted < wanted {
        let idx = rng.get_int(items.len());
        if let Some(&item) = items.get(idx)
            && !is_known(item)
        {
            out[accepted] = item;
            accepted += 1;
        }
    }
}

sample_generator_updater!(negatives UniformNegativeSampleGenerator);

impl Component for UniformNegativeSampleGenerator {
    const NAME: &'static str = "UniformNegativeSampleGenerator";
    type Params = UniformNegativeSampleGeneratorParameters;
    type Wiring = UniformNegativeSampleGeneratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(UniformNegativeSampleGenerator {
            rng: Random::new(params.seed),
            params,
            wiring: Default::default(),
            indices: Vec::new(),
            negatives: Vec::new(),
            samples: Vec::new(),
            known_bits: ItemBits::default(),
        })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.random(&self.rng)?;
        out.u64(self.indices.len() as u64)?;
        self.indices.iter().try_for_each(|&i| out.u64(i as u64))
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.rng = input.random("the random generator")?;
        let n = input.u64("the permutation")?;
        self.indices.clear();
        for _ in 0..n {
            let i = input.u64("the permutation")?;
            self.indices.push(usize::try_from(i).map_err(|_| input.corrupt("a permutation index is too large"))?);
        }
        Ok(())
    }
    /// Every run starts from the seed and a fresh permutation.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.rng = Random::new(self.params.seed);
        self.indices.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::UpdaterMessage;
    use crate::params::Parameters;
    use crate::sampling::testing::{Event, env, message, rec, recorder, update};

    fn sampler(rate: f64, filter_repeats: bool) -> UniformNegativeSampleGenerator {
        let p = UniformNegativeSampleGeneratorParameters { negative_rate: rate, filter_repeats, ..Default::default() };
        UniformNegativeSampleGenerator::new(p).unwrap()
    }

    /// Items 0..=9 in order; user 0 knows item 7 (the current record).
    fn ten_items() -> Environment {
        let mut e = env();
        for i in 0..10 {
            e.update(&rec(1, i));
        }
        e.update(&rec(0, 7));
        e
    }

    #[test]
    fn with_replacement_follows_the_default_seed() {
        // Seed 67439852: u = .9087 .7854 .7024 .5675 .2834 -> positions 9 7 7 5 2; 7 is known.
        let e = ten_items();
        let mut s = sampler(3.0, false);
        assert_eq!(s.generate(&rec(0, 7), &e), &[9, 5, 2]);
    }

    #[test]
    fn without_replacement_follows_the_default_seed() {
        // k = trunc(u * available): 9 (item 9), 7 (item 7, known; swapped with 8),
        // 5 (item 5; swapped with 7), 3 (item 3; swapped with 6).
        let e = ten_items();
        let mut s = sampler(3.0, true);
        assert_eq!(s.generate(&rec(0, 7), &e), &[9, 5, 3]);
        assert_eq!(s.indices, vec![0, 1, 2, 6, 4, 8, 3, 5, 7, 9]);
    }

    /// The sampler (a bit set for short rows, the generator in a local) gives the negatives of
    /// the plain loop with a hash probe, for rows short and long, rates whole and fractional,
    /// one user after another with the generator carried over.
    #[test]
    fn the_negatives_are_those_of_the_plain_loop() {
        let mut e = env();
        for rate in [1.0, 7.5, 40.0, 300.0] {
            let mut s = sampler(rate, false);
            let mut reference_rng = Random::new(s.params.seed);
            for step in 0..400u32 {
                let (user, item) = (step % 13, (step * 37 + step / 7) % 151);
                e.update(&rec(user, item));
                let items = e.items();
                let row = e.train_matrix().row(user);
                let limit = items.len() - row.map_or(0, |r| r.len());
                let mut expected = Vec::new();
                while below(expected.len(), rate) && expected.len() < limit {
                    let idx = reference_rng.get_int(items.len());
                    if let Some(&i) = items.get(idx)
                        && !row.is_some_and(|r| r.contains(&i))
                    {
                        expected.push(i);
                    }
                }
                assert_eq!(s.generate(&rec(user, item), &e), &expected[..], "rate {rate}, step {step}");
            }
        }
    }

    #[test]
    fn fractional_rate_rounds_up_and_zero_gives_none() {
        let e = ten_items();
        assert_eq!(sampler(1.5, false).generate(&rec(0, 7), &e).len(), 2);
        assert!(sampler(0.0, false).generate(&rec(0, 7), &e).is_empty());
    }

    #[test]
    fn stops_when_every_item_is_known() {
        let mut e = env();
        for i in 0..4 {
            e.update(&rec(0, i));
        }
        for filter in [false, true] {
            let mut s = sampler(100.0, filter);
            assert!(s.generate(&rec(0, 3), &e).is_empty());
        }
        // One unknown item: it is the only negative, also with replacement (limit = unknown count).
        e.update(&rec(1, 9));
        assert_eq!(sampler(100.0, false).generate(&rec(0, 3), &e), &[9]);
        assert_eq!(sampler(100.0, true).generate(&rec(0, 3), &e), &[9]);
    }

    #[test]
    fn emits_positive_then_negatives_in_one_cycle() {
        let e = ten_items();
        let (h, log) = recorder();
        let s = crate::registry::build(
            "UniformNegativeSampleGenerator",
            &[("negative_rate".into(), crate::params::Value::Int(2))],
        )
        .unwrap();
        s.node.wire("add_updater", &h).unwrap();
        update(&s, &rec(0, 7), &e).unwrap();
        let log = log.lock().unwrap().clone();
        assert_eq!(log.len(), 5);
        assert_eq!(log[0], Event::Start);
        assert_eq!(log[1], Event::Sample(rec(0, 7)));
        assert_eq!(log[2], Event::Sample(RecDat { item: 9, score: 0.0, ..rec(0, 7) }));
        assert_eq!(log[3], Event::Sample(RecDat { item: 5, score: 0.0, ..rec(0, 7) }));
        assert_eq!(log[4], Event::End);
    }

    #[test]
    fn messages_are_forwarded_to_every_sub_updater() {
        let (a, log_a) = recorder();
        let (b, log_b) = recorder();
        let s = crate::registry::build(
            "UniformNegativeSampleGenerator",
            &[("negative_rate".into(), crate::params::Value::Int(0))],
        )
        .unwrap();
        s.node.wire("add_updater", &a).unwrap();
        s.node.wire("add_updater", &b).unwrap();
        message(&s, UpdaterMessage::StartOfOfflineUpdate).unwrap();
        let mut e = env();
        e.update(&rec(0, 1));
        update(&s, &rec(0, 1), &e).unwrap();
        let expected = vec![
            Event::Other(UpdaterMessage::StartOfOfflineUpdate),
            Event::Start,
            Event::Sample(rec(0, 1)),
            Event::End,
        ];
        assert_eq!(*log_a.lock().unwrap(), expected);
        assert_eq!(*log_b.lock().unwrap(), expected);
    }

    #[test]
    fn bad_parameters() {
        // Keyword construction (the registry's path) checks the declared constraints.
        let err = |kw: &[(&str, crate::params::Value)]| {
            let kw: Vec<_> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            UniformNegativeSampleGeneratorParameters::from_kwargs("UniformNegativeSampleGenerator", &kw)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        use crate::params::Value;
        assert_eq!(
            err(&[]),
            "UniformNegativeSampleGenerator: parameter 'negative_rate' must be a finite number >= 0, got -1.0"
        );
        assert!(err(&[("negative_rate", Value::Float(f64::NAN))]).contains("'negative_rate' must be"));
        assert_eq!(
            err(&[("negative_rate", Value::Int(1)), ("seed", Value::Int(0))]),
            "UniformNegativeSampleGenerator: parameter 'seed' must be a 32-bit seed, not 0, -4 or 2147483647, got 0"
        );
        assert_eq!(err(&[("negative_rate", Value::Int(1))]), "");
        // So does the constructor, for parameters built as struct literals.
        let p = UniformNegativeSampleGeneratorParameters { negative_rate: 1.0, seed: 1 << 31, ..Default::default() };
        let e = UniformNegativeSampleGenerator::new(p).err().unwrap().to_string();
        assert!(e.starts_with("UniformNegativeSampleGenerator: parameter 'seed' must be a 32-bit seed"), "{e}");
    }
}
