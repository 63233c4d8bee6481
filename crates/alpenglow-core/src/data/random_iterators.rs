//! Iterators that serve the records in a random order: `RandomIterator` (a full permutation)
//! and `RandomOnlineIterator` (a full permutation that keeps the timestamps in stream order).

use super::iterators::{DataIterator, IteratorWiring};
use crate::component::Component;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::random::Random;

/// An iterator whose order can be reshuffled on demand (`shuffle()`).
pub trait Reshuffle: Send + Sync {
    fn shuffle(&mut self) -> Result<()>;
}

fn shuffle_method(h: &crate::component::Handle, _args: &[crate::role::Arg]) -> Result<crate::role::Arg> {
    h.require_role::<dyn Reshuffle>()?.with_mut(|it| it.shuffle())??;
    Ok(crate::role::Arg::None)
}

const RESHUFFLE_METHODS: &[crate::role::Method] = &[crate::role::Method {
    name: "shuffle",
    doc: "Reshuffles the serving order now (the next run serves the new order).",
    args: &[],
    returns: crate::role::ArgKind::None,
    call: shuffle_method,
}];

crate::role!(Reshuffle => "reshuffle", "a reshufflable iterator", methods = RESHUFFLE_METHODS);

/// A seeded Fisher–Yates permutation of 0..n (the generator's `shuffle`).
pub fn random_permutation(n: usize, rng: &mut Random) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    order
}

crate::parameters! {
    /// Serves the records in a random order (a full permutation: timestamps are no longer
    /// monotone). `auto_shuffle`: every run serves a fresh permutation drawn with a generator
    /// seeded with `seed` (so repeated runs serve the same order; the original continued one
    /// generator across restarts). `manual_shuffle`: the records are served in stream order
    /// until `shuffle()` is called; each call permutes the current order once more with one
    /// generator seeded with `seed` at construction.
    pub struct RandomIteratorParameters {
        /// Seed of the permutation.
        pub seed: i64 = 745578; where seed(),
        /// `auto_shuffle` (shuffled at every run) or `manual_shuffle` (on `shuffle()` only).
        pub shuffle_mode: String = "auto_shuffle".to_string(); where one_of(&["auto_shuffle", "manual_shuffle"]),
    }
}

pub struct RandomIterator {
    params: RandomIteratorParameters,
    wiring: IteratorWiring,
    order: std::sync::Arc<[u32]>,
    /// The generator of `shuffle()` (manual mode), created at construction.
    rng: Random,
}

impl RandomIterator {
    fn manual(&self) -> bool {
        self.params.shuffle_mode == "manual_shuffle"
    }
    fn data_len(&self) -> Result<usize> {
        Ok(self.data()?.borrow()?.len())
    }
}

impl Reshuffle for RandomIterator {
    fn shuffle(&mut self) -> Result<()> {
        let n = self.data_len()?;
        let mut order: Vec<u32> = if self.order.len() == n { self.order.to_vec() } else { (0..n as u32).collect() };
        self.rng.shuffle(&mut order);
        self.order = order.into();
        Ok(())
    }
}

impl Component for RandomIterator {
    const NAME: &'static str = "RandomIterator";
    type Params = RandomIteratorParameters;
    type Wiring = IteratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let rng = Random::new(params.seed);
        Ok(RandomIterator { params, wiring: IteratorWiring::default(), order: Vec::new().into(), rng })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        let n = self.data_len()?;
        if self.manual() {
            if self.order.len() != n {
                self.order = (0..n as u32).collect::<Vec<_>>().into();
            }
        } else {
            self.order = random_permutation(n, &mut Random::new(self.params.seed)).into();
        }
        Ok(())
    }
}

impl DataIterator for RandomIterator {
    crate::permuted_iterator_accessors!();
}

crate::parameters! {
    /// Serves the records in a random order (one full permutation drawn with a generator
    /// seeded with `seed` at every run) but keeps time flowing forward: the n-th served record
    /// gets the time of the n-th record of the stream. The data itself is not changed.
    pub struct RandomOnlineIteratorParameters {
        /// Seed of the permutation.
        pub seed: i64 = 745578; where seed(),
    }
}

pub struct RandomOnlineIterator {
    params: RandomOnlineIteratorParameters,
    wiring: IteratorWiring,
    order: std::sync::Arc<[u32]>,
}

impl Component for RandomOnlineIterator {
    const NAME: &'static str = "RandomOnlineIterator";
    type Params = RandomOnlineIteratorParameters;
    type Wiring = IteratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(RandomOnlineIterator { params, wiring: IteratorWiring::default(), order: Vec::new().into() })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        let data = self.data()?.borrow()?;
        let n = data.len();
        let view = data.view();
        if (1..n).any(|i| view.time.get(i) < view.time.get(i - 1)) {
            return Err(Error::data(
                "RandomOnlineIterator: the stream must be sorted by time (the n-th served record gets the n-th time)",
            ));
        }
        drop(data);
        self.order = random_permutation(n, &mut Random::new(self.params.seed)).into();
        Ok(())
    }
}

impl DataIterator for RandomOnlineIterator {
    crate::permuted_iterator_accessors!();
    fn retimed(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_the_generators_fisher_yates() {
        // Hand check of the first steps: for i = n-1 .. 1, j = get_int(i + 1), swap.
        let mut rng = Random::new(1239);
        let mut expected: Vec<u32> = (0..6).collect();
        for i in (1..6).rev() {
            let j = rng.get_int(i + 1);
            expected.swap(i, j);
        }
        assert_eq!(random_permutation(6, &mut Random::new(1239)), expected);
        let mut sorted = expected.clone();
        sorted.sort();
        assert_eq!(sorted, (0..6).collect::<Vec<u32>>());
        assert_ne!(expected, (0..6).collect::<Vec<u32>>());
    }
}
