//! The live model: queries and training on the state a finished run left behind.
//!
//! A successful [`run`](super::run) keeps its environment in the experiment (the items and
//! users seen, the train matrix, the popularity containers): the components keep their own
//! state anyway. The calls here continue from that state:
//!
//! * [`recommend`] — the model's top list for a user ([`top_list`], the same fast ranking path
//!   as `calculate_toplists`);
//! * [`predict`] — the model's prediction for (user, item) pairs;
//! * [`learn`] — new records in order through the environment and the updaters, exactly as the
//!   run's training half (the loggers do not see them), so that run(A) + learn(B) leaves the
//!   same state as a run over A followed by B.
//!
//! Thread and in-use rules: every call claims the whole component graph of the experiment for
//! its duration, like a run; a call while a run or another call holds any of them fails with
//! `Error::InUse` instead of waiting. A new run replaces the kept environment. Records learned
//! here are not in the run's stream, so components that look back at the served stream (by
//! position) see only the run's records.

use std::sync::Arc;

use super::environment::Environment;
use super::online_experiment::OnlineExperiment;
use super::run::collect_graph;
use crate::component::{busy, Handle, Shared};
use crate::data::RecDat;
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::ranking::top_list;

/// Runs `f` with the experiment and its component graph, every component claimed (as a run
/// does); the claims are released when `f` returns.
fn with_claimed<R>(
    experiment: &Handle,
    f: impl FnOnce(&Arc<Shared<OnlineExperiment>>, &[Handle]) -> Result<R>,
) -> Result<R> {
    let shared = experiment
        .downcast::<OnlineExperiment>()
        .ok_or_else(|| Error::wiring(format!("{} is not an OnlineExperiment", experiment.name())))?;
    let graph = collect_graph(experiment)?;
    let mut claims = Vec::with_capacity(graph.len());
    for h in &graph {
        claims.push(h.node.try_claim().ok_or_else(|| busy(h.name()))?);
    }
    let out = f(&shared, &graph);
    drop(claims);
    out
}

/// Runs `f` with the experiment's kept environment and the model, every component claimed.
fn with_state<R>(
    experiment: &Handle,
    model: Option<&Handle>,
    f: impl FnOnce(&mut OnlineExperiment, Option<&Arc<Shared<dyn Model>>>) -> Result<R>,
) -> Result<R> {
    with_claimed(experiment, |shared, graph| {
        let model = match model {
            Some(m) => {
                if !graph.iter().any(|h| h.id() == m.id()) {
                    return Err(Error::wiring(format!("{} is not wired into this experiment", m.name())));
                }
                Some(m.require_role::<dyn Model>()?)
            }
            None => None,
        };
        let _ = crate::fault::take();
        let mut exp = shared.borrow_mut()?;
        f(&mut exp, model)
    })
}

fn no_state() -> Error {
    Error::wiring("the experiment has no state yet: run it first (the live model starts from a finished run)")
}

fn env_of(exp: &mut OnlineExperiment) -> Result<&mut Environment> {
    exp.last_env
        .as_mut()
        .ok_or_else(no_state)
}

/// The `k` best items for `user` (best first, ties: lower item code first), known items
/// skipped if `exclude_known`. A user the model never saw gets what the model predicts for
/// an unknown user.
pub fn recommend(experiment: &Handle, model: &Handle, user: u32, k: usize, exclude_known: bool) -> Result<Vec<(u32, f64)>> {
    with_state(experiment, Some(model), |exp, model| {
        let env = env_of(exp)?;
        let model = model.expect("model given").borrow()?;
        let rec = RecDat { time: env.time(), user, item: 0, score: 1.0, eval: true, ..RecDat::default() };
        let exclude = if exclude_known { env.train_matrix().row(user) } else { None };
        let list = match model_top_list(&*model, &rec, env, k, exclude) {
            Some(list) => list,
            None => top_list(&*model, &rec, env, k, exclude),
        };
        crate::fault::check()?;
        Ok(list)
    })
}

/// The model's own exact top list (e.g. the LEMP index of a factor model: no scan of the
/// catalogue), kept to the items of the stream, when the model has one; `None` otherwise.
/// It asks for more items until `k` of the stream's are found or the model has no more.
///
/// Only for models ranked by a score iterator, whose unlisted items score 0: the list is then
/// the scan's list when its `k`-th score is positive (an item of the stream without a vector,
/// which the model's list cannot contain, scores 0). Otherwise the scan decides.
fn model_top_list(model: &dyn Model, rec: &RecDat, env: &Environment, k: usize, exclude: Option<&crate::containers::train_matrix::Row>) -> Option<Vec<(u32, f64)>> {
    if !model.has_top_list() || model.rank_path() != crate::models::RankPath::Iterator || k == 0 {
        return None;
    }
    let mut asked = k;
    loop {
        let list = model.top_list(rec.user, asked, exclude);
        let exhausted = list.len() < asked;
        let got: Vec<(u32, f64)> = list.into_iter().filter(|&(i, s)| env.is_item_existent(i) && s.is_finite()).take(k).collect();
        if got.len() == k {
            return got.last().is_some_and(|&(_, s)| s > 0.0).then_some(got);
        }
        if exhausted {
            // Fewer known items than asked: items of the stream the model has no vector for
            // would be listed by the scan (with their prediction), so let it decide.
            return None;
        }
        asked = asked.saturating_mul(4);
    }
}

/// The model's prediction for every (users[i], items[i]) at the time of the last record.
pub fn predict(experiment: &Handle, model: &Handle, users: &[u32], items: &[u32]) -> Result<Vec<f64>> {
    if users.len() != items.len() {
        return Err(Error::data(format!("users has {} entries but items has {}", users.len(), items.len())));
    }
    with_state(experiment, Some(model), |exp, model| {
        let env = env_of(exp)?;
        let model = model.expect("model given").borrow()?;
        let mut rec = RecDat { time: env.time(), score: 1.0, eval: true, ..RecDat::default() };
        let mut out = Vec::with_capacity(users.len());
        model.in_burst(&mut || {
            for (&u, &i) in users.iter().zip(items) {
                rec.user = u;
                rec.item = i;
                out.push(model.prediction(&rec));
            }
        });
        crate::fault::check()?;
        Ok(out)
    })
}

/// Trains on `records` in order (environment first, then every updater), without evaluating
/// them; a NaN time means the last record's time. Returns the number of records learned; on an error the records before it stay learned.
pub fn learn(experiment: &Handle, records: &[RecDat]) -> Result<usize> {
    with_state(experiment, None, |exp, _| {
        env_of(exp)?;
        let mut updaters = Vec::with_capacity(exp.wiring.updaters.len());
        for u in &exp.wiring.updaters {
            updaters.push(u.clone());
        }
        exp.learned_after_run = true;
        let env = exp.last_env.as_mut().expect("checked");
        let mut guards = Vec::with_capacity(updaters.len());
        for u in &updaters {
            guards.push(u.borrow_mut()?);
        }
        for (n, rec) in records.iter().enumerate() {
            let mut rec = rec.clone();
            if rec.time.is_nan() {
                rec.time = env.time(); // no time given: at the last record's time
            }
            let rec = &rec;
            if rec.user as i64 > MAX_ID || rec.item as i64 > MAX_ID {
                return Err(Error::data(format!(
                    "record {n}: user {} or item {} is above the largest id ({MAX_ID})",
                    rec.user, rec.item
                )));
            }
            if rec.time < env.time() {
                return Err(Error::data(format!(
                    "record {n}: time {} is earlier than the last learned record's ({}); learn takes records in stream order",
                    rec.time,
                    env.time()
                )));
            }
            env.update(rec);
            for updater in guards.iter_mut() {
                updater.update(rec, env)?;
            }
            crate::fault::check()?;
        }
        Ok(records.len())
    })
}

/// Writes a checkpoint of the state the last run left behind (as the run's own last
/// checkpoint would be), so that a run over the same stream followed by new records can resume
/// from it (`run(more, continue_run=True)` in Python).
pub fn checkpoint(experiment: &Handle, path: &std::path::Path) -> Result<()> {
    with_claimed(experiment, |shared, graph| {
        // Borrowed for reading only: saving reads every component, this one included.
        let exp = shared.borrow()?;
        if exp.learned_after_run {
            return Err(Error::wiring(
                "the model learned records outside the run's stream (learn()); its state no longer matches a position in the stream",
            ));
        }
        let env = exp
            .last_env
            .as_ref()
            .ok_or_else(no_state)?;
        let stream = env.stream()?;
        let mut hash = super::checkpoint::StreamHash::default();
        for k in 0..exp.last_done {
            hash.add(&stream.record(k));
        }
        super::checkpoint::write(path, graph, exp.last_done, hash, env)
    })
}
