//! An offline fit outside any experiment (the offline API's `fit`): the learner's component
//! graph is claimed, checked and initialised as by a run, the environment is built from the
//! whole training set, then the learner fits once.

use super::OfflineLearner;
use crate::component::{Handle, busy};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::experiment::environment::EnvironmentParameters;
use crate::experiment::run::collect_graph;

/// Fits `learner` (a component playing OfflineLearner) on `records` (in the given order).
///
/// The environment every component sees holds the whole training set: its items and users in
/// first-appearance order and its known (user, item) pairs. Returns that environment.
pub fn fit_standalone(learner: &Handle, records: &[RecDat]) -> Result<Environment> {
    let link = learner.require_role::<dyn OfflineLearner>()?.clone();
    if records.is_empty() {
        return Err(Error::data("the training data is empty"));
    }
    let graph = collect_graph(learner)?;
    let mut claims = Vec::with_capacity(graph.len());
    for h in &graph {
        claims.push(h.node.try_claim().ok_or_else(|| busy(h.name()))?);
    }
    for h in &graph {
        h.node.check_wiring()?;
    }
    let max_user = records.iter().map(|r| r.user).max().unwrap_or(0) as i64;
    let max_item = records.iter().map(|r| r.item).max().unwrap_or(0) as i64;
    let params = EnvironmentParameters {
        top_k: 100,
        exclude_known: true,
        initialize_all: false,
        max_user,
        max_item,
        evaluation_start_time: 0.0,
        experiment_termination_time: 0.0,
        evaluate_cold_start: false,
    };
    let mut env = Environment::new(params, records.len());
    env.set_stream(crate::experiment::Stream::from_records(records));
    for h in &graph {
        h.node.initialize(&env)?;
    }
    for rec in records {
        env.update(rec);
    }
    link.borrow_mut()?.fit(records, &env)?;
    drop(claims);
    Ok(env)
}
