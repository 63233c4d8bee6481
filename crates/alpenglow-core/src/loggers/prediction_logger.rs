//! Computes a top list for (selected) records: what the model would recommend at that moment.

use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Logger};
use crate::models::Model;
use crate::ranking::top_list;

crate::parameters! {
    /// Before training on a record, computes the model's top-`top_k` list for the record's user
    /// (known items excluded if `exclude_known`), best first; ties: lower item id first.
    /// Runs on every record, or only where `set_should_run` flags are set.
    pub struct PredictionLoggerParameters {
        /// Length of the lists (-1: the experiment's top_k).
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
        /// 1: exclude the user's known items, 0: keep them, -1: the experiment's setting.
        pub exclude_known: i64 = -1,
    }
}

crate::wiring! {
    pub struct PredictionLoggerWiring {
        /// The model whose top lists are logged.
        set_model => model: required dyn Model,
    }
}

/// Flat top lists: one row per (record, position).
#[derive(Debug, Clone, Default)]
pub struct Predictions {
    pub record_index: Vec<i64>,
    pub item: Vec<u32>,
    /// 1-based position in the list.
    pub rank: Vec<u32>,
    pub score: Vec<f64>,
}

pub struct PredictionLogger {
    params: PredictionLoggerParameters,
    wiring: PredictionLoggerWiring,
    should_run: Option<Vec<bool>>,
    counter: usize,
    top_k: usize,
    exclude_known: bool,
    predictions: Predictions,
}

impl PredictionLogger {
    /// Restricts the lists to records whose processing position has a true flag.
    pub fn set_should_run(&mut self, flags: Vec<bool>) {
        self.should_run = Some(flags);
    }
    pub fn predictions(&self) -> &Predictions {
        &self.predictions
    }
    pub fn take_predictions(&mut self) -> Predictions {
        std::mem::take(&mut self.predictions)
    }
}

impl Logger for PredictionLogger {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let position = self.counter;
        self.counter += 1;
        if let Some(flags) = &self.should_run {
            match flags.get(position) {
                Some(true) => {}
                Some(false) => return Ok(()),
                None => {
                    return Err(Error::data(format!(
                        "PredictionLogger: the should_run flags cover {} records, but record {position} was reached",
                        flags.len()
                    )));
                }
            }
        }
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let exclude = if self.exclude_known { env.train_matrix().row(rec.user) } else { None };
        let list = top_list(&*model, rec, env, self.top_k, exclude);
        // The top lists grow with top_k x records: grown fallibly, so that too many for memory
        // is an error (the lists so far stay readable), not an abort.
        let (p, n, what) = (&mut self.predictions, list.len(), "PredictionLogger: the top lists (top_k x records)");
        crate::alloc::reserve(&mut p.record_index, n, what)?;
        crate::alloc::reserve(&mut p.item, n, what)?;
        crate::alloc::reserve(&mut p.rank, n, what)?;
        crate::alloc::reserve(&mut p.score, n, what)?;
        for (pos, (item, score)) in list.into_iter().enumerate() {
            self.predictions.record_index.push(rec.index as i64);
            self.predictions.item.push(item);
            self.predictions.rank.push(pos as u32 + 1);
            self.predictions.score.push(score);
        }
        Ok(())
    }
}

impl Component for PredictionLogger {
    const NAME: &'static str = "PredictionLogger";
    type Params = PredictionLoggerParameters;
    type Wiring = PredictionLoggerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PredictionLogger {
            params,
            wiring: Default::default(),
            should_run: None,
            counter: 0,
            top_k: 0,
            exclude_known: false,
            predictions: Predictions::default(),
        })
    }
    crate::component_accessors!();
    /// The position counter that indexes `should_run`; the top lists are results, not state.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.counter as u64)
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let n = input.u64("the record counter")?;
        self.counter = usize::try_from(n).map_err(|_| input.corrupt("the record counter is too large"))?;
        Ok(())
    }
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        self.top_k = if self.params.top_k > 0 { self.params.top_k as usize } else { env.top_k() };
        self.exclude_known = match self.params.exclude_known {
            -1 => env.exclude_known(),
            v => v != 0,
        };
        self.counter = 0;
        self.predictions = Predictions::default();
        Ok(())
    }
}
