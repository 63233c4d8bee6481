//! Ranks every evaluated record and keeps (or writes) the results.

use std::fs::File;
use std::io::{BufWriter, Write};

use super::format::format_g;
use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Logger};
use crate::models::Model;
use crate::ranking::RankComputer;

crate::parameters! {
    /// Evaluates the model before it trains on a record: computes the raw rank code of the
    /// record's item for its user (see `ranking`) and the model's prediction, for records with
    /// eval set and time >= evaluation_start_time. Keeps them in memory and/or writes lines
    /// `int(time) rank prediction user item score id` to `out_file`.
    pub struct MemoryRankingLoggerParameters {
        /// Text output file ("" for none).
        pub out_file: String = String::new(),
        /// Keep the results in memory.
        pub memory_log: bool = true,
        /// Records before this time are not evaluated (-1: the experiment's value).
        pub evaluation_start_time: f64 = -1.0,
        /// Length of the top list (-1: the experiment's value).
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
        /// Seed of the tie-breaking generator (the Python experiments use 43211234).
        pub random_seed: i64 = -1; where seed(),
        /// Rank by scoring every item (a slow reference with identical results, to check and
        /// benchmark the models' fast ranking paths).
        pub reference_ranking: bool = false,
        /// Rank records whose item or user is new (1), give them no rank (0), or the
        /// experiment's `evaluate_cold_start` (-1); see `ranking`.
        pub evaluate_cold_start: i64 = -1; where int(0..=1).or(-1, "from the experiment"),
    }
}

crate::wiring! {
    pub struct MemoryRankingLoggerWiring {
        /// The model to evaluate.
        set_model => model: required dyn Model,
    }
}

/// The in-memory log: one entry per evaluated record, in processing order.
#[derive(Debug, Clone, Default)]
pub struct RankingLogs {
    /// Position of the record in its data container (i64: numpy's index type, no conversion).
    pub record_index: Vec<i64>,
    /// Raw rank code (>= top_k: not ranked).
    pub rank: Vec<u32>,
    pub prediction: Vec<f64>,
    /// With cold-start evaluation only (else empty): per entry, bit 0 the user was new, bit 1
    /// the item was new (0 warm, 1 user, 2 item, 3 both).
    pub cold: Vec<u8>,
    pub top_k: usize,
}

pub struct MemoryRankingLogger {
    params: MemoryRankingLoggerParameters,
    wiring: MemoryRankingLoggerWiring,
    rank_computer: RankComputer,
    evaluation_start_time: f64,
    logs: RankingLogs,
    out: Option<BufWriter<File>>,
}

impl MemoryRankingLogger {
    pub fn logs(&self) -> &RankingLogs {
        &self.logs
    }
    pub fn take_logs(&mut self) -> RankingLogs {
        let top_k = self.logs.top_k;
        let mut logs = std::mem::take(&mut self.logs);
        self.logs.top_k = top_k;
        logs.top_k = top_k;
        logs
    }
}

impl Logger for MemoryRankingLogger {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        if !rec.eval || rec.time < self.evaluation_start_time {
            return Ok(());
        }
        let cold = if self.rank_computer.cold_start {
            u8::from(!env.is_user_existent(rec.user)) | (u8::from(!env.is_item_existent(rec.item)) << 1)
        } else {
            0
        };
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let (rank, prediction) = self.rank_computer.rank_and_prediction(&*model, rec, env);
        let prediction = prediction.unwrap_or_else(|| model.prediction(rec));
        drop(model);
        if crate::fault::pending() {
            return Ok(()); // the model failed on this record: the run stops without its row
        }
        if self.params.memory_log {
            self.logs.record_index.push(rec.index as i64);
            self.logs.rank.push(rank as u32);
            self.logs.prediction.push(prediction);
            if self.rank_computer.cold_start {
                self.logs.cold.push(cold);
            }
        }
        if let Some(out) = &mut self.out {
            writeln!(
                out,
                "{} {} {} {} {} {} {}",
                rec.time as i64,
                rank,
                format_g(prediction),
                rec.user,
                rec.item,
                format_g(rec.score),
                rec.id
            )
            .map_err(|e| Error::io(self.params.out_file.clone(), e))?;
        }
        Ok(())
    }

    fn finish(&mut self, _env: &Environment) -> Result<()> {
        if let Some(out) = &mut self.out {
            out.flush().map_err(|e| Error::io(self.params.out_file.clone(), e))?;
        }
        Ok(())
    }
}

impl Component for MemoryRankingLogger {
    const NAME: &'static str = "MemoryRankingLogger";
    type Params = MemoryRankingLoggerParameters;
    type Wiring = MemoryRankingLoggerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(MemoryRankingLogger {
            rank_computer: RankComputer::new(1, false, params.random_seed),
            evaluation_start_time: params.evaluation_start_time,
            params,
            wiring: Default::default(),
            logs: RankingLogs::default(),
            out: None,
        })
    }
    crate::component_accessors!();
    /// The tie-breaking generator; the logs are the run's results, not its state.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.random(self.rank_computer.rng())
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.rank_computer.set_rng(input.random("the tie-breaking generator")?);
        Ok(())
    }
    /// Every run starts a fresh log and a fresh tie-breaking generator.
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        let top_k = if self.params.top_k > 0 { self.params.top_k as usize } else { env.top_k() };
        self.rank_computer = RankComputer::new(top_k, env.exclude_known(), self.params.random_seed);
        self.rank_computer.reference = self.params.reference_ranking;
        self.rank_computer.cold_start = match self.params.evaluate_cold_start {
            -1 => env.evaluate_cold_start(),
            v => v == 1,
        };
        self.evaluation_start_time = if self.params.evaluation_start_time >= 0.0 {
            self.params.evaluation_start_time
        } else {
            env.params.evaluation_start_time
        };
        self.logs = RankingLogs { top_k, ..Default::default() };
        if self.params.memory_log {
            // One entry per record at most, reserved now: a stream too long for memory is an
            // error before the run, not an abort in the middle of it.
            let (n, what) = (env.stream_len, "MemoryRankingLogger: the ranking log of the stream's records");
            crate::alloc::reserve(&mut self.logs.record_index, n, what)?;
            crate::alloc::reserve(&mut self.logs.rank, n, what)?;
            crate::alloc::reserve(&mut self.logs.prediction, n, what)?;
            if self.rank_computer.cold_start {
                crate::alloc::reserve(&mut self.logs.cold, n, what)?;
            }
        }
        self.out = None;
        if !self.params.out_file.is_empty() {
            let f = crate::data::files::create_output(std::path::Path::new(&self.params.out_file))?;
            self.out = Some(BufWriter::new(f));
        }
        Ok(())
    }
}
