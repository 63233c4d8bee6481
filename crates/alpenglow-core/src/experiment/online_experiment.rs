//! The online experiment component: its parameters and wiring. The loop is in `run.rs`.

use super::environment::EnvironmentParameters;
use super::{Logger, Updater};
use crate::component::{Component, Link};
use crate::data::DataIterator;
use crate::error::{Error, Result};

crate::parameters! {
    /// Replays a stream: for every record, the loggers evaluate, then the environment and the
    /// updaters (in the order added) train.
    pub struct OnlineExperimentParameters {
        /// Length of the top list the rank is computed in; ranks >= top_k are misses.
        pub top_k: i64 = 100; where int(1..=i32::MAX as i64),
        /// Records earlier than this are not evaluated (they still train).
        pub evaluation_start_time: f64 = 0.0,
        /// When > 0, the run stops at the first record with time >= this value (any input).
        pub experiment_termination_time: f64 = 0.0,
        /// Skip the items the user has already interacted with when ranking.
        pub exclude_known: bool = true,
        /// Rank records whose item (or user) is new instead of giving them no rank: a new item is
        /// ranked with its prediction against every existing item as if it existed, and a zero
        /// prediction of a new item or user is ranked too (ties broken as usual); see `ranking`.
        pub evaluate_cold_start: bool = false,
        /// Treat every id in 0..=max_user / 0..=max_item as existing from the start.
        pub initialize_all: bool = false,
        /// Largest user id (-1: taken from the data).
        pub max_user: i64 = -1,
        /// Largest item id (-1: taken from the data).
        pub max_item: i64 = -1,
        /// Seed from which components without an explicit seed derive theirs.
        pub random_seed: i64 = 7992364; where seed(),
    }
}

crate::wiring! {
    pub struct OnlineExperimentWiring {
        /// The iterator that serves the records (it knows the data).
        set_recommender_data_iterator => iterator: required dyn DataIterator,
        /// Loggers run on every record before training, in the order added.
        add_logger => loggers: many dyn Logger,
        /// Loggers run once after the last record.
        add_end_logger => end_loggers: many dyn Logger,
        /// Updaters train on every record, in the order added.
        add_updater => updaters: many dyn Updater,
    }
}

pub struct OnlineExperiment {
    pub(crate) params: OnlineExperimentParameters,
    pub(crate) wiring: OnlineExperimentWiring,
    /// The environment of the last successful run, kept for the live model (`live.rs`).
    pub(crate) last_env: Option<super::Environment>,
    /// Records the last run served (its stream's first `last_done`), for `live::checkpoint`.
    pub(crate) last_done: usize,
    /// Set when `live::learn` trained on records outside the run's stream.
    pub(crate) learned_after_run: bool,
}

impl OnlineExperiment {
    pub(crate) fn iterator(&self) -> Result<&Link<dyn DataIterator>> {
        crate::component::slot(&self.wiring.iterator, Self::NAME, "set_recommender_data_iterator")
    }

    pub(crate) fn environment_parameters(&self, max_user: i64, max_item: i64) -> EnvironmentParameters {
        let p = &self.params;
        EnvironmentParameters {
            top_k: p.top_k as usize,
            exclude_known: p.exclude_known,
            initialize_all: p.initialize_all,
            max_user: if p.max_user >= 0 { p.max_user } else { max_user },
            max_item: if p.max_item >= 0 { p.max_item } else { max_item },
            evaluation_start_time: p.evaluation_start_time,
            experiment_termination_time: p.experiment_termination_time,
            evaluate_cold_start: p.evaluate_cold_start,
        }
    }
}

impl super::Experiment for OnlineExperiment {}

impl Component for OnlineExperiment {
    const NAME: &'static str = "OnlineExperiment";
    type Params = OnlineExperimentParameters;
    type Wiring = OnlineExperimentWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        if params.experiment_termination_time > 0.0
            && params.evaluation_start_time >= params.experiment_termination_time
        {
            return Err(Error::parameter(
                "OnlineExperiment: evaluation_start_time must be earlier than experiment_termination_time",
            ));
        }
        Ok(OnlineExperiment { params, wiring: OnlineExperimentWiring::default(), last_env: None, last_done: 0, learned_after_run: false })
    }
    crate::component_accessors!();
}
