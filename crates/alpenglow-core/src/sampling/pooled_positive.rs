//! Re-training on past positives drawn from a pool.

use super::below;
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};
use crate::random::Random;

crate::parameters! {
    /// Trains its sub-updaters on past positives: keeps a pool of up to `pool_size` earlier
    /// records and, for each record, sends `positive_rate` records drawn from the pool (one
    /// implicit update cycle: Start, the drawn records in order, End). The current record itself
    /// is not sent (train on it with another updater); it enters the pool instead: after each
    /// draw of position k it is appended while the pool is not full, otherwise it replaces the
    /// drawn entry k. When the pool is empty (the first record) nothing is sent and the record is
    /// put into the pool `positive_rate` times. The pool holds copies of the records.
    ///
    /// Fix: the original emitted nothing on its first call; here it emits from the pool as soon
    /// as the pool is non-empty, i.e. from the second record on.
    /// Fix: the first record never makes the pool larger than `pool_size`.
    pub struct PooledPositiveSampleGeneratorParameters {
        /// Maximum number of records in the pool. Must be given.
        pub pool_size: i64 = -1; where int(1..=i32::MAX as i64),
        /// Records drawn from the pool per record (a fractional rate rounds up). Must be given.
        pub positive_rate: f64 = -1.0; where finite_min(0.0),
        /// Seed of the generator's own random numbers (restarted at every run).
        pub seed: i64 = 134235; where seed(),
    }
}

crate::wiring! {
    pub struct PooledPositiveSampleGeneratorWiring {
        /// An updater to train on the samples (call it for each; they get samples in that order).
        add_updater => updaters: many dyn Updater,
    }
}

pub struct PooledPositiveSampleGenerator {
    params: PooledPositiveSampleGeneratorParameters,
    wiring: PooledPositiveSampleGeneratorWiring,
    rng: Random,
    pool_size: usize,
    pool: Vec<RecDat>,
    samples: Vec<RecDat>,
}

impl PooledPositiveSampleGenerator {
    /// The pool, in slot order.
    pub fn pool(&self) -> &[RecDat] {
        &self.pool
    }

    /// The records to send for `rec` (and the pool update).
    pub fn generate(&mut self, rec: &RecDat) -> &[RecDat] {
        self.samples.clear();
        let rate = self.params.positive_rate;
        if self.pool.is_empty() {
            let mut pushed = 0;
            while below(pushed, rate) && self.pool.len() < self.pool_size {
                self.pool.push(*rec);
                pushed += 1;
            }
            return &self.samples;
        }
        while below(self.samples.len(), rate) {
            let k = self.rng.get_int(self.pool.len());
            let Some(&drawn) = self.pool.get(k) else { break };
            self.samples.push(drawn);
            if self.pool.len() < self.pool_size {
                self.pool.push(*rec);
            } else if let Some(slot) = self.pool.get_mut(k) {
                *slot = *rec;
            }
        }
        &self.samples
    }
}

sample_generator_updater!(positives PooledPositiveSampleGenerator);

impl Component for PooledPositiveSampleGenerator {
    const NAME: &'static str = "PooledPositiveSampleGenerator";
    type Params = PooledPositiveSampleGeneratorParameters;
    type Wiring = PooledPositiveSampleGeneratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PooledPositiveSampleGenerator {
            rng: Random::new(params.seed),
            pool_size: params.pool_size as usize,
            params,
            wiring: Default::default(),
            pool: Vec::new(),
            samples: Vec::new(),
        })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.random(&self.rng)?;
        out.records(self.pool.iter())
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.rng = input.random("the random generator")?;
        self.pool = input.records("the pool")?;
        Ok(())
    }
    /// Every run starts from the seed and an empty pool.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.rng = Random::new(self.params.seed);
        self.pool.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::testing::{Event, env, rec, recorder, update};

    fn sampler(pool_size: i64, rate: f64) -> PooledPositiveSampleGenerator {
        let p = PooledPositiveSampleGeneratorParameters { pool_size, positive_rate: rate, ..Default::default() };
        PooledPositiveSampleGenerator::new(p).unwrap()
    }

    fn items(samples: &[RecDat]) -> Vec<u32> {
        samples.iter().map(|r| r.item).collect()
    }

    #[test]
    fn first_record_fills_the_pool_second_emits() {
        let mut s = sampler(3, 2.0);
        assert!(s.generate(&rec(0, 10)).is_empty());
        assert_eq!(items(s.pool()), vec![10, 10]);
        // Seed 134235: u = .0173 .3308 .5670 .4398. |pool| 2 -> k 0; 3 -> k 0 (pool now full).
        assert_eq!(items(s.generate(&rec(0, 11))), vec![10, 10]);
        assert_eq!(items(s.pool()), vec![11, 10, 11]);
        // |pool| 3: k = 1 (item 10, replaced by 12), k = 1 again (now item 12).
        assert_eq!(items(s.generate(&rec(0, 12))), vec![10, 12]);
        assert_eq!(items(s.pool()), vec![11, 12, 11]);
    }

    #[test]
    fn first_record_is_capped_by_the_pool_size() {
        let mut s = sampler(2, 5.0);
        s.generate(&rec(0, 1));
        assert_eq!(s.pool().len(), 2);
    }

    #[test]
    fn emits_full_copies_in_a_cycle() {
        let (r, log) = recorder();
        let kw = [
            ("pool_size".to_string(), crate::params::Value::Int(5)),
            ("positive_rate".to_string(), crate::params::Value::Int(1)),
        ];
        let s = crate::registry::build("PooledPositiveSampleGenerator", &kw).unwrap();
        s.node.wire("add_updater", &r).unwrap();
        let e = env();
        let first = RecDat { score: 3.5, time: 7.0, id: 42, ..rec(4, 9) };
        update(&s, &first, &e).unwrap();
        update(&s, &rec(0, 1), &e).unwrap();
        let log = log.lock().unwrap().clone();
        assert_eq!(log, vec![Event::Start, Event::End, Event::Start, Event::Sample(first), Event::End]);
    }

    #[test]
    fn bad_parameters() {
        let p = PooledPositiveSampleGeneratorParameters { positive_rate: 1.0, ..Default::default() };
        let e = PooledPositiveSampleGenerator::new(p).err().unwrap().to_string();
        assert_eq!(e, "PooledPositiveSampleGenerator: parameter 'pool_size' must be in 1..=2147483647, got -1");
        let p = PooledPositiveSampleGeneratorParameters { pool_size: 0, positive_rate: 1.0, ..Default::default() };
        assert!(PooledPositiveSampleGenerator::new(p).is_err());
        let p = PooledPositiveSampleGeneratorParameters { pool_size: 3, ..Default::default() };
        let e = PooledPositiveSampleGenerator::new(p).err().unwrap().to_string();
        assert!(e.contains("'positive_rate' must be a finite number >= 0"), "{e}");
    }
}
