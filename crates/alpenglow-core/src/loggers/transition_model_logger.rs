//! Statistics of a `TransitionProbabilityModel` during and after a run.

use super::format::format_g;
use super::output::Output;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Logger};
use crate::models::Model;
use crate::models::transition::{TransitionProbabilityModel, TransitionRow};

/// The (item, count) pairs of a row, count descending, then item ascending.
fn sorted_row(row: &TransitionRow) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = row.items().iter().copied().zip(row.counts().iter().copied()).collect();
    pairs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs
}

fn out_degree(model: &TransitionProbabilityModel, entity: u32) -> usize {
    model.row(entity).map_or(0, |r| r.len())
}

crate::parameters! {
    /// Logs a transition model during a run. (1) With `toplist_length_logfile_basename`:
    /// whenever `int(time) / period_length` changes, writes `<basename>_<previous period>`
    /// with one line `from_item out_degree` per from-item (0 .. largest), describing the model
    /// before the first record of the new period. (2) With `timeline_logfile_name`: for every
    /// record with eval set, takes the items that followed the user's last item that the user
    /// has not had yet, by count descending (ties: lower item id first), and writes
    /// `int(time) eval id item list_length sum_of_counts popularity(item) prediction count[0]
    /// count[1] last`, where last = count[top_k−1] if the list has more than top_k entries,
    /// else 0 (missing counts are 0).
    pub struct TransitionModelLoggerParameters {
        /// Prefix of the per-period out-degree files ("" for none).
        pub toplist_length_logfile_basename: String = String::new(),
        /// The per-record timeline file ("" for none).
        pub timeline_logfile_name: String = String::new(),
        /// Length of a period of the out-degree files.
        pub period_length: i64 = 86400; where int(1..=i64::MAX),
        /// The list position whose count ends each timeline line (-1: the experiment's top_k).
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
    }
}

crate::wiring! {
    pub struct TransitionModelLoggerWiring {
        /// The model to describe.
        set_model => model: required TransitionProbabilityModel,
    }
}

pub struct TransitionModelLogger {
    params: TransitionModelLoggerParameters,
    wiring: TransitionModelLoggerWiring,
    timeline: Option<Output>,
    period: Option<i64>,
    top_k: usize,
    candidates: Vec<(u32, u32)>,
}

impl TransitionModelLogger {
    fn write_degrees(&self, model: &TransitionProbabilityModel, period: i64) -> Result<()> {
        let name = format!("{}_{period}", self.params.toplist_length_logfile_basename);
        let mut out = Output::create(&name, Self::NAME, "toplist_length_logfile_basename")?;
        for entity in 0..model.entity_count() as u32 {
            out.line(format_args!("{entity} {}", out_degree(model, entity)))?;
        }
        out.flush()
    }
}

impl Logger for TransitionModelLogger {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        if !self.params.toplist_length_logfile_basename.is_empty() {
            let period = rec.time as i64 / self.params.period_length;
            if let Some(previous) = self.period.filter(|&p| p != period) {
                self.write_degrees(&model, previous)?;
            }
            self.period = Some(period);
        }
        if self.timeline.is_none() || !rec.eval {
            return Ok(());
        }
        self.candidates.clear();
        if let Some(row) = model.last_entity(rec.user).and_then(|e| model.row(e)) {
            let train = env.train_matrix();
            self.candidates.extend(sorted_row(row).into_iter().filter(|&(item, _)| !train.has(rec.user, item)));
        }
        let count = |k: usize| self.candidates.get(k).map_or(0, |c| c.1);
        let sum: u64 = self.candidates.iter().map(|c| c.1 as u64).sum();
        let last = if self.candidates.len() > self.top_k { count(self.top_k - 1) } else { 0 };
        let line = format!(
            "{} {} {} {} {} {} {} {} {} {} {}",
            rec.time as i64,
            rec.eval as i32,
            rec.id,
            rec.item,
            self.candidates.len(),
            sum,
            env.popularity().get(rec.item),
            format_g(model.prediction(rec)),
            count(0),
            count(1),
            last
        );
        drop(model);
        if let Some(out) = &mut self.timeline {
            out.line(format_args!("{line}"))?;
        }
        Ok(())
    }
    fn finish(&mut self, _env: &Environment) -> Result<()> {
        self.timeline.as_mut().map_or(Ok(()), Output::flush)
    }
}

impl Component for TransitionModelLogger {
    const NAME: &'static str = "TransitionModelLogger";
    type Params = TransitionModelLoggerParameters;
    type Wiring = TransitionModelLoggerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(TransitionModelLogger {
            params,
            wiring: Default::default(),
            timeline: None,
            period: None,
            top_k: 1,
            candidates: Vec::new(),
        })
    }
    crate::component_accessors!();
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        self.top_k = if self.params.top_k > 0 { self.params.top_k as usize } else { env.top_k().max(1) };
        self.period = None;
        self.timeline = None;
        if !self.params.timeline_logfile_name.is_empty() {
            self.timeline =
                Some(Output::create(&self.params.timeline_logfile_name, Self::NAME, "timeline_logfile_name")?);
        }
        Ok(())
    }
}

crate::parameters! {
    /// End logger (add it with `add_end_logger`): after the last record writes, for every
    /// from-item 0 .. largest, the line `item out_degree popularity` followed by up to
    /// `max_length` pairs ` to,count` (count descending, ties: lower item id first).
    pub struct TransitionModelEndLoggerParameters {
        /// The output file (required).
        pub log_file_name: String = String::new(),
        /// Most transitions listed per item.
        pub max_length: i64 = 10; where int(0..=i64::MAX),
    }
}

crate::wiring! {
    pub struct TransitionModelEndLoggerWiring {
        /// The model to describe.
        set_model => model: required TransitionProbabilityModel,
    }
}

pub struct TransitionModelEndLogger {
    params: TransitionModelEndLoggerParameters,
    wiring: TransitionModelEndLoggerWiring,
}

impl Logger for TransitionModelEndLogger {
    fn run(&mut self, _rec: &RecDat, env: &Environment) -> Result<()> {
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let mut out = Output::create(&self.params.log_file_name, Self::NAME, "log_file_name")?;
        for entity in 0..model.entity_count() as u32 {
            let mut line = format!("{entity} {} {}", out_degree(&model, entity), env.popularity().get(entity));
            if let Some(row) = model.row(entity) {
                for (to, count) in sorted_row(row).into_iter().take(self.params.max_length as usize) {
                    line.push_str(&format!(" {to},{count}"));
                }
            }
            out.line(format_args!("{line}"))?;
        }
        out.flush()
    }
}

impl Component for TransitionModelEndLogger {
    const NAME: &'static str = "TransitionModelEndLogger";
    type Params = TransitionModelEndLoggerParameters;
    type Wiring = TransitionModelEndLoggerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(TransitionModelEndLogger { params, wiring: Default::default() })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        if self.params.log_file_name.is_empty() {
            return Err(crate::error::Error::parameter(
                "TransitionModelEndLogger: set 'log_file_name' (the output file) before running",
            ));
        }
        Ok(())
    }
}
