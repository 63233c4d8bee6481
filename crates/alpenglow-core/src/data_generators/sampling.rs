//! A random sample of the past as the training set.

use super::DataGenerator;
use crate::component::{Component, NoWiring};
use crate::error::Result;
use crate::experiment::Environment;
use crate::random::Random;
use crate::record::RecDat;

crate::parameters! {
    /// `number_of_samples` records drawn with replacement from the records served so far
    /// (N of them, the current one included), returned oldest first (repeats kept).
    ///
    /// The distributions of the drawn position: "uniform" `get(N)`; "linear" `get_linear(N)`,
    /// which favours recent records; "arctg" `N-1-get_arctg(y, N)` and "geometric"
    /// `N-1-get_geometric(geometric_param, N)`, which favour the newest records. One random
    /// number per draw, in draw order; the generator restarts from `seed` at every run.
    ///
    /// Fix: the original returned the sample in draw order (newest-first generators);
    /// here it is chronological like the other generators.
    pub struct SamplingDataGeneratorParameters {
        /// "uniform", "linear", "arctg" or "geometric".
        pub distribution: String = "uniform".to_string(); where one_of(&["uniform", "linear", "arctg", "geometric"]),
        /// Records per generated set.
        pub number_of_samples: i64 = 1000; where int(0..=1 << 30),
        /// Shape of the "arctg" distribution.
        pub y: f64 = 10.0; where finite_above(0.0),
        /// Ratio of the "geometric" distribution, in (0, 1).
        pub geometric_param: f64 = 0.5; where float(crate::params::Bound::Excluded(0.0), crate::params::Bound::Excluded(1.0), true),
        /// Seed of the draws.
        pub seed: i64 = 745578; where seed(),
    }
}

pub struct SamplingDataGenerator {
    params: SamplingDataGeneratorParameters,
    wiring: NoWiring,
    rng: Random,
    positions: Vec<usize>,
}

impl SamplingDataGenerator {
    /// A position in 0..n (n > 0) drawn from the distribution.
    fn draw(&mut self, n: usize) -> usize {
        let last = n - 1;
        let k = match self.params.distribution.as_str() {
            "linear" => self.rng.get_linear(n),
            "arctg" => last.saturating_sub(self.rng.get_arctg(self.params.y, n)),
            "geometric" => last.saturating_sub(self.rng.get_geometric(self.params.geometric_param, n)),
            _ => self.rng.get_int(n),
        };
        k.min(last)
    }
}

impl Component for SamplingDataGenerator {
    const NAME: &'static str = "SamplingDataGenerator";
    type Params = SamplingDataGeneratorParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(SamplingDataGenerator { rng: Random::new(params.seed), params, wiring: NoWiring, positions: Vec::new() })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.random(&self.rng)
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.rng = input.random("the random generator")?;
        Ok(())
    }
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.rng = Random::new(self.params.seed);
        Ok(())
    }
}

impl DataGenerator for SamplingDataGenerator {
    fn generate(&mut self, _rec: &RecDat, env: &Environment, out: &mut Vec<RecDat>) -> Result<()> {
        let stream = env.stream()?;
        let n = env.position() + 1;
        let count = self.params.number_of_samples as usize;
        self.positions.clear();
        crate::alloc::reserve(&mut self.positions, count, "SamplingDataGenerator: number_of_samples")?;
        for _ in 0..count {
            let k = self.draw(n);
            self.positions.push(k);
        }
        self.positions.sort_unstable();
        out.clear();
        crate::alloc::reserve(out, count, "SamplingDataGenerator: number_of_samples")?;
        out.extend(self.positions.iter().map(|&k| stream.record(k)));
        Ok(())
    }
}
