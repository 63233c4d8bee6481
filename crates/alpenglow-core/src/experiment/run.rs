//! The evaluate-then-train loop.
//!
//! Before the first record: the component graph is walked from the experiment, every component
//! is claimed (once, for the whole run), its wiring is checked and it is initialised with a
//! fresh environment. Inside the loop only cheap borrow flags are touched.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::environment::Environment;
use super::online_experiment::OnlineExperiment;
use super::checkpoint::{self, RunOptions, StreamHash};
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
    run_with(handle, hooks, &RunOptions::default())
}

/// The `k`-th served record.
#[inline(always)]
fn served(view: &crate::data::recommender_data::DataView<'_>, order: Option<&[u32]>, retimed: bool, k: usize) -> crate::data::RecDat {
    let index = order.map_or(k, |o| o[k] as usize);
    let mut rec = view.record(index);
    if retimed {
        rec.time = view.time.get(k);
    }
    rec
}

/// The served records hashed so far (the stream's identity in a checkpoint), extended as the
/// run goes: each record is hashed once, when a checkpoint first needs it.
struct ServedHash {
    upto: usize,
    hash: StreamHash,
}

impl ServedHash {
    fn up_to(&mut self, done: usize, served_at: impl Fn(usize) -> crate::data::RecDat) -> StreamHash {
        for k in self.upto..done {
            self.hash.add(&served_at(k));
        }
        self.upto = self.upto.max(done);
        self.hash
    }
}

/// Writes a checkpoint between two records of a running loop: the loggers and updaters the loop
/// holds are released while the components are saved, then taken again.
#[cold]
#[inline(never)]
fn checkpoint_in_loop<'a>(
    write: impl FnOnce() -> Result<()>,
    loggers: &mut Vec<atomic_refcell::AtomicRefMut<'a, dyn super::Logger + 'static>>,
    updaters: &mut Vec<HeldUpdater<'a>>,
    exp: &'a OnlineExperiment,
) -> Result<()> {
    loggers.clear();
    updaters.clear();
    let written = write();
    for l in &exp.wiring.loggers {
        loggers.push(l.borrow_mut()?);
    }
    for u in &exp.wiring.updaters {
        updaters.push(HeldUpdater::new(u)?);
    }
    written
}

/// Runs the experiment behind `handle` over its stream, writing checkpoints and resuming
/// from one as `options` say (see `checkpoint`).
pub fn run_with(handle: &Handle, hooks: &mut dyn RunHooks, options: &RunOptions) -> Result<RunSummary> {
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
    // A checkpoint is checked against the graph before anything is initialised.
    let resume = match &options.resume {
        Some(path) => Some((path, checkpoint::read(path, &graph)?)),
        None => None,
    };
    for h in others {
        h.node.initialize(&env)?;
    }
    if let Some((path, ck)) = &resume {
        checkpoint::restore(path, &graph, ck)?;
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
    let served_at = |k: usize| served(&view, order, retimed, k);

    // Resuming (the components' states are loaded already): the environment is rebuilt from
    // the records before the checkpoint's position and checked against the checkpoint.
    let mut hashed = ServedHash { upto: 0, hash: StreamHash::default() };
    let start = match &resume {
        None => 0,
        Some((path, ck)) => {
            let served_len = env.stream()?.len();
            let name = path.display();
            if ck.position > served_len {
                return Err(Error::data(format!(
                    "{name}: the checkpoint is at record {} but this stream serves only {served_len}; resume it on the stream it was written on",
                    ck.position
                )));
            }
            for k in 0..ck.position {
                let rec = served_at(k);
                env.set_position(k);
                env.update(&rec);
                hashed.hash.add(&rec);
            }
            hashed.upto = ck.position;
            if hashed.hash != ck.stream_hash || env.popularity_sorted().fingerprint() != ck.env_fingerprint {
                return Err(Error::data(format!(
                    "{name}: this is not the stream the checkpoint was written on (its first {} records differ); \
                     resume it on the same data with the same shuffle seed",
                    ck.position
                )));
            }
            ck.position
        }
    };
    let spec = options.checkpoint.as_ref();
    let every = spec.map_or(0, |s| s.every);
    let mut next_checkpoint = if every > 0 { (start / every + 1) * every } else { usize::MAX };

    let mut done = start;
    // Set while a record is half-trained: a checkpoint then would not match any position.
    let mut mid_record = false;
    // A fault left over from a call outside any run must not stop this one.
    let _ = crate::fault::take();
    let outcome = (|| -> Result<()> {
        let mut ticker = Ticker::new(interval, period, hooks.now());
        for k in start..len {
            let rec = served_at(k);
            if termination > 0.0 && rec.time >= termination {
                break;
            }
            env.set_position(k);
            for logger in loggers.iter_mut() {
                logger.run(&rec, &env)?;
            }
            crate::fault::check()?;
            mid_record = true;
            env.update(&rec);
            for updater in updaters.iter_mut() {
                updater.update(&rec, &env)?;
            }
            crate::fault::check()?;
            mid_record = false;
            done = k + 1;
            if done == next_checkpoint {
                let path = &spec.expect("a checkpoint is due only when requested").path;
                let hash = hashed.up_to(done, served_at);
                checkpoint_in_loop(|| checkpoint::write(path, &graph, done, hash, &env), &mut loggers, &mut updaters, &exp)?;
                next_checkpoint += every;
            }
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
    drop(updaters);
    // The last checkpoint: whatever ended the run, unless it stopped inside a record's training.
    let mut checkpoint_result = Ok(());
    if let (Some(spec), false) = (spec, mid_record) {
        checkpoint_result = checkpoint::write(&spec.path, &graph, done, hashed.up_to(done, served_at), &env);
    }
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
    checkpoint_result?;
    hooks.progress(done, len)?;
    drop((iterator, data, exp));
    // Kept for the live model (`live.rs`): the state continues from the last record.
    {
        let mut exp = experiment.borrow_mut()?;
        exp.last_env = Some(env);
        exp.last_done = done;
        exp.learned_after_run = false;
    }
    drop(claims);
    Ok(RunSummary { records: done })
}
