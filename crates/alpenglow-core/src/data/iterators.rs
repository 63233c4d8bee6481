//! Orders in which a run serves the records of its data.

use super::recommender_data::RecommenderData;
use crate::component::{slot, Component, Link};
use crate::error::Result;
use crate::experiment::Environment;
use crate::random::Random;

/// Serves a data container's records in some order (computed at initialisation).
pub trait DataIterator: Send + Sync {
    fn data(&self) -> Result<&Link<RecommenderData>>;
    /// Record positions in serving order; `None` means file order.
    fn order(&self) -> Option<&[u32]>;
    /// The serving order, shared (for the run's [`crate::experiment::Stream`]).
    fn shared_order(&self) -> Option<std::sync::Arc<[u32]>> {
        None
    }
    /// True if the k-th served record takes the time of the stream's k-th record (the order
    /// changes, time still flows forward; see `RandomOnlineIterator`).
    fn retimed(&self) -> bool {
        false
    }
}

/// The `DataIterator` accessors of an iterator whose struct has an `IteratorWiring` field
/// `wiring` and its serving order in an `Arc<[u32]>` field `order`.
#[macro_export]
macro_rules! permuted_iterator_accessors {
    () => {
        fn data(&self) -> $crate::error::Result<&$crate::component::Link<$crate::data::recommender_data::RecommenderData>> {
            $crate::component::slot(&self.wiring.data, Self::NAME, "set_recommender_data")
        }
        fn order(&self) -> Option<&[u32]> {
            Some(&self.order)
        }
        fn shared_order(&self) -> Option<std::sync::Arc<[u32]>> {
            Some(self.order.clone())
        }
    };
}

crate::wiring! {
    pub struct IteratorWiring {
        /// The data to iterate over.
        set_recommender_data => data: required RecommenderData,
    }
}

crate::parameters! {
    /// Serves the records in file order.
    pub struct SimpleIteratorParameters {}
}

pub struct SimpleIterator {
    params: SimpleIteratorParameters,
    wiring: IteratorWiring,
}

impl Component for SimpleIterator {
    const NAME: &'static str = "SimpleIterator";
    type Params = SimpleIteratorParameters;
    type Wiring = IteratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(SimpleIterator { params, wiring: IteratorWiring::default() })
    }
    crate::component_accessors!();
}

impl DataIterator for SimpleIterator {
    fn data(&self) -> Result<&Link<RecommenderData>> {
        slot(&self.wiring.data, Self::NAME, "set_recommender_data")
    }
    fn order(&self) -> Option<&[u32]> {
        None
    }
}

crate::parameters! {
    /// Serves the records in time order, shuffling every run of equal timestamps with a
    /// seeded Fisher–Yates shuffle.
    ///
    /// Fix: the original never moved the first record of each equal-time run (an off-by-one);
    /// here every run, first record included, is shuffled.
    pub struct ShuffleIteratorParameters {
        /// Seed of the shuffle.
        pub seed: i64 = 745578; where seed(),
    }
}

pub struct ShuffleIterator {
    params: ShuffleIteratorParameters,
    wiring: IteratorWiring,
    order: std::sync::Arc<[u32]>,
}

/// Positions 0..n with every maximal run of equal times shuffled in place.
pub fn shuffle_equal_times(times: impl Fn(usize) -> f64, n: usize, seed: i64) -> Vec<u32> {
    let mut rng = Random::new(seed);
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut start = 0;
    while start < n {
        let t = times(start);
        let mut end = start + 1;
        while end < n && times(end) == t {
            end += 1;
        }
        rng.shuffle(&mut order[start..end]);
        start = end;
    }
    order
}

impl Component for ShuffleIterator {
    const NAME: &'static str = "ShuffleIterator";
    type Params = ShuffleIteratorParameters;
    type Wiring = IteratorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(ShuffleIterator { params, wiring: IteratorWiring::default(), order: Vec::new().into() })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        let data = self.data()?.borrow()?;
        let view = data.view();
        let order = shuffle_equal_times(|i| view.time.get(i), data.len(), self.params.seed);
        drop(data);
        self.order = order.into();
        Ok(())
    }
}

impl DataIterator for ShuffleIterator {
    crate::permuted_iterator_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffles_only_within_equal_time_runs() {
        let times = [10.0, 10.0, 10.0, 10.1, 10.2, 10.5, 10.5, 10.5, 10.5];
        let order = shuffle_equal_times(|i| times[i], times.len(), 1239);
        let mut first: Vec<u32> = order[..3].to_vec();
        first.sort();
        assert_eq!(first, vec![0, 1, 2]);
        assert_eq!(&order[3..5], &[3, 4]);
        let mut last: Vec<u32> = order[5..].to_vec();
        last.sort();
        assert_eq!(last, vec![5, 6, 7, 8]);
        // Each run is shuffled with the generator's Fisher–Yates, runs in stream order.
        let mut rng = Random::new(1239);
        let mut a = vec![0u32, 1, 2];
        rng.shuffle(&mut a);
        let mut b = vec![5u32, 6, 7, 8];
        rng.shuffle(&mut b);
        assert_eq!(&order[..3], &a[..]);
        assert_eq!(&order[5..], &b[..]);
    }

    #[test]
    fn every_position_of_a_run_can_come_first() {
        let times = [1.0; 4];
        let mut firsts = std::collections::HashSet::new();
        // MINSTD's first draws are tiny for small seeds, so spread the seeds out.
        for k in 1..200 {
            firsts.insert(shuffle_equal_times(|i| times[i], 4, k * 10_000_019)[0]);
        }
        assert_eq!(firsts.len(), 4, "the first record of a run must be movable (original's bug fixed)");
    }
}
