//! `EvaluationLogger`: the model's average signed error around every record, in a time window.

use super::format::format_g;
use super::output::Output;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Logger};
use crate::models::Model;

crate::parameters! {
    /// For every record, walks the served records from the current one in the direction of
    /// the sign of `timeframe` (future records included) while the position is > 0 and inside
    /// the stream and |t − t_now| <= |timeframe|, and writes the line `time avg` where avg is
    /// the mean of `score − prediction` over them (a signed error, not squared) when
    /// error_type is "mse", 0 for any other error_type, and nan when no record was visited.
    /// As in the original, the record at position 0 is never included.
    pub struct EvaluationLoggerParameters {
        /// The output file (required).
        pub file_name: String = String::new(),
        /// Window length; negative: look back, positive (or 0): look ahead.
        pub timeframe: f64 = 0.0; where finite(),
        /// Unused (kept for compatibility).
        pub mode: String = String::new(),
        /// "mse" averages score − prediction; anything else gives 0.
        pub error_type: String = String::new(),
    }
}

crate::wiring! {
    pub struct EvaluationLoggerWiring {
        /// The model whose predictions are compared with the scores.
        set_model => model: required dyn Model,
    }
}

pub struct EvaluationLogger {
    params: EvaluationLoggerParameters,
    wiring: EvaluationLoggerWiring,
    out: Option<Output>,
}

impl EvaluationLogger {
    /// The average signed error around the current record (see the parameters' doc).
    pub fn window_error(&self, model: &dyn Model, rec: &RecDat, env: &Environment) -> Result<f64> {
        let stream = env.stream()?;
        let (size, now) = (stream.len() as i64, rec.time);
        let step: i64 = if self.params.timeframe < 0.0 { -1 } else { 1 };
        let width = self.params.timeframe.abs();
        let mse = self.params.error_type == "mse";
        let (mut sum, mut n) = (0.0, 0usize);
        let mut k = env.position() as i64;
        while k > 0 && k < size {
            let other = stream.record(k as usize);
            if (other.time - now).abs() > width {
                break;
            }
            if mse {
                sum += other.score - model.prediction(&other);
            }
            n += 1;
            k += step;
        }
        Ok(sum / n as f64)
    }
}

impl Logger for EvaluationLogger {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let avg = self.window_error(&*model, rec, env)?;
        drop(model);
        if let Some(out) = &mut self.out {
            out.line(format_args!("{} {}", format_g(rec.time), format_g(avg)))?;
        }
        Ok(())
    }
    fn finish(&mut self, _env: &Environment) -> Result<()> {
        self.out.as_mut().map_or(Ok(()), Output::flush)
    }
}

impl Component for EvaluationLogger {
    const NAME: &'static str = "EvaluationLogger";
    type Params = EvaluationLoggerParameters;
    type Wiring = EvaluationLoggerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(EvaluationLogger { params, wiring: Default::default(), out: None })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.out = Some(Output::create(&self.params.file_name, Self::NAME, "file_name")?);
        Ok(())
    }
}
