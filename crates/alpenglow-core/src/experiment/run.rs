//! The evaluate-then-train loop.
//!
//! Before the first record: the component graph is walked from the experiment, every component
//! is claimed (once, for the whole run), its wiring is checked and it is initialised with a
//! fresh environment. Inside the loop only cheap borrow flags are touched.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::environment::Environment;
use super::online_experiment::OnlineExperiment;
use super::ticker::Ticker;
use crate::component::{busy, Handle, Shared};
use crate::error::{Error, Result};

/// Called by the loop every `interval()` records, at least every `period()` of work (so that
/// Ctrl-C is noticed quickly even when one record takes long), and at the end; an error (e.g.
/// Ctrl-C as `Error::Interrupted`) stops the run after the current record, keeping what was logged.
pub trait RunHooks {
    fn interval(&self) -> usize {
        65_536
    }
    fn period(&self) -> Duration {
        Duration::from_millis(50)
    }
    /// The clock the period is measured with (replaceable in tests).
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn progress(&mut self, done: usize, total: usize) -> Result<()>;
}

/// Hooks that do nothing (pure-Rust use and tests).
pub struct NoHooks;

impl RunHooks for NoHooks {
    fn progress(&mut self, _done: usize, _total: usize) -> Result<()> {
        Ok(())
    }
}

/// What a finished (or stopped) run reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    pub records: usize,
}

/// An updater of the run. Most are borrowed once for the whole run; one that also plays
/// another role (e.g. a filter that learns from the stream) is borrowed per record, so that
/// the components reading it in that other role (during evaluation) can do so.
enum HeldUpdater<'a> {
    Run(atomic_refcell::AtomicRefMut<'a, dyn super::Updater + 'static>),
    PerRecord(&'a crate::component::Link<dyn super::Updater>),
}

impl<'a> HeldUpdater<'a> {
    fn new(link: &'a crate::component::Link<dyn super::Updater>) -> Result<Self> {
        Ok(if link.handle.roles.infos().nth(1).is_some() {
            HeldUpdater::PerRecord(link)
        } else {
            HeldUpdater::Run(link.borrow_mut()?)
        })
    }

    #[inline]
    fn update(&mut self, rec: &crate::data::RecDat, env: &Environment) -> Result<()> {
        match self {
            HeldUpdater::Run(u) => u.update(rec, env),
            HeldUpdater::PerRecord(link) => link.borrow_mut()?.update(rec, env),
        }
    }
}

/// Calls the progress hook. The loggers are released while it runs, so that a hook may read a
/// logger's log so far (e.g. a parameter search reporting the running metric). Out of line:
/// the loop body stays small enough to keep its per-record calls inlined.
#[cold]
#[inline(never)]
fn report_progress<'a>(
    hooks: &mut dyn RunHooks,
    held: &mut Vec<atomic_refcell::AtomicRefMut<'a, dyn super::Logger + 'static>>,
    loggers: &'a [crate::component::Link<dyn super::Logger>],
    done: usize,
    len: usize,
) -> Result<()> {
    held.clear();
    hooks.progress(done, len)?;
    for l in loggers {
        held.push(l.borrow_mut()?);
    }
    Ok(())
}

/// Every component reachable from `root`, each once, root first (depth-first, wiring order).
pub fn collect_graph(root: &Handle) -> Result<Vec<Handle>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(h) = stack.pop() {
        if !seen.insert(h.id()) {
            continue;
        }
        // Read the wiring only under the claim, so that walking never disturbs a running
        // experiment that shares a component (its borrows would collide with ours).
        let claim = h.node.try_claim().ok_or_else(|| busy(h.name()))?;
        let mut children = h.node.children()?;
        drop(claim);
        children.reverse();
        stack.extend(children);
        out.push(h);
    }
    Ok(out)
}

/// Runs the experiment behind `handle` over its whole stream.
pub fn run(handle: &Handle, hooks: &mut dyn RunHooks) -> Result<RunSummary> {
    let experiment: std::sync::Arc<Shared<OnlineExperiment>> = handle
        .downcast::<OnlineExperiment>()
        .ok_or_else(|| Error::wiring(format!("{} is not an OnlineExperiment", handle.name())))?;
    let graph = collect_graph(handle)?;
    let mut claims = Vec::with_capacity(graph.len());
    for h in &graph {
        claims.push(h.node.try_claim().ok_or_else(|| busy(h.name()))?);
    }
    for h in &graph {
        h.node.check_wiring()?;
    }

    // The live model's state of the previous run is dropped now (memory), not at the end.
    experiment.borrow_mut()?.last_env = None;
    let (iterator_link, data_link, env_params) = {
        let exp = experiment.borrow()?;
        let iterator_link = exp.iterator()?.clone();
        let data_link = iterator_link.borrow()?.data()?.clone();
        let (max_user, max_item) = data_link.borrow()?.revalidate()?;
        let env_params = exp.environment_parameters(max_user, max_item);
        (iterator_link, data_link, env_params)
    };
    let len = data_link.borrow()?.len();
    if len == 0 {
        return Err(Error::data("the input stream is empty"));
    }
    let mut env = Environment::new(env_params, len);
    // Data and iterators first: the stream the other components may look at needs their order.
    let (sources, others): (Vec<&Handle>, Vec<&Handle>) = graph
        .iter()
        .partition(|h| h.role::<dyn crate::data::DataIterator>().is_some() || h.role::<dyn crate::data::Records>().is_some());
    for h in sources {
        h.node.initialize(&env)?;
    }
    {
        let (order, retimed) = {
            let iterator = iterator_link.borrow()?;
            (iterator.shared_order(), iterator.retimed())
        };
        let termination = experiment.borrow()?.params.experiment_termination_time;
        env.set_stream(super::Stream::with_times(&*data_link.borrow()?, order, retimed, termination));
    }
    for h in others {
        h.node.initialize(&env)?;
    }

    let exp = experiment.borrow()?;
    let data = data_link.borrow()?;
    let view = data.view();
    let iterator = iterator_link.borrow()?;
    let order = iterator.order();
    let retimed = iterator.retimed();
    let mut loggers = Vec::with_capacity(exp.wiring.loggers.len());
    for l in &exp.wiring.loggers {
        loggers.push(l.borrow_mut()?);
    }
    let mut updaters = Vec::with_capacity(exp.wiring.updaters.len());
    for u in &exp.wiring.updaters {
        updaters.push(HeldUpdater::new(u)?);
    }
    let termination = exp.params.experiment_termination_time;
    let (interval, period) = (hooks.interval().max(1), hooks.period());

    let mut done = 0;
    // A fault left over from a call outside any run must not stop this one.
    let _ = crate::fault::take();
    let outcome = (|| -> Result<()> {
        let mut ticker = Ticker::new(interval, period, hooks.now());
        for k in 0..len {
            let index = order.map_or(k, |o| o[k] as usize);
            let mut rec = view.record(index);
            if retimed {
                rec.time = view.time.get(k);
            }
            if termination > 0.0 && rec.time >= termination {
                break;
            }
            env.set_position(k);
            for logger in loggers.iter_mut() {
                logger.run(&rec, &env)?;
            }
            crate::fault::check()?;
            env.update(&rec);
            for updater in updaters.iter_mut() {
                updater.update(&rec, &env)?;
            }
            crate::fault::check()?;
            done = k + 1;
            if ticker.tick(|| hooks.now()) {
                report_progress(hooks, &mut loggers, &exp.wiring.loggers, done, len)?;
            }
        }
        Ok(())
    })();

    // Loggers are finished whatever happened, so partial results stay complete and files flushed.
    let mut finish_result = Ok(());
    for logger in loggers.iter_mut() {
        finish_result = finish_result.and(logger.finish(&env));
    }
    drop(loggers);
    if outcome.is_ok() {
        for l in &exp.wiring.end_loggers {
            let mut end_logger = l.borrow_mut()?;
            let rec = crate::data::RecDat::default();
            end_logger.run(&rec, &env)?;
            end_logger.finish(&env)?;
        }
    }
    outcome?;
    finish_result?;
    hooks.progress(done, len)?;
    drop(updaters);
    drop((iterator, data, exp));
    // Kept for the live model (`live.rs`): the state continues from the last record.
    experiment.borrow_mut()?.last_env = Some(env);
    drop(claims);
    Ok(RunSummary { records: done })
}
