//! alpenglow-core: online evaluation and training of recommender models on event streams.
//!
//! An online experiment replays a time-ordered stream; for every record the loggers first
//! evaluate the current model (rank of the record's item for its user), then the environment
//! and the updaters train on it. Components are declared once (`parameters!` + `wiring!` +
//! trait impls) and listed per family with `component_list!`; the `registry` serves them to
//! front ends.

pub mod alloc;
pub mod codec;
pub mod component;
pub mod containers;
pub mod data;
pub mod data_generators;
pub mod error;
pub mod experiment;
pub mod families;
pub mod fault;
pub mod filters;
pub mod gradient;
pub mod loggers;
pub mod models;
pub mod objectives;
pub mod offline_evaluators;
pub mod offline_learners;
pub mod online_learners;
pub mod params;
pub mod prefetch;
pub mod random;
pub mod ranking;
pub mod record;
pub mod registry;
pub mod role;
pub mod sampling;
pub mod toplists;

pub use error::{Error, Result};
