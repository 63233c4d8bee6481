//! `InputLogger`: writes every record the run serves, in serving order.

use super::format::format_g;
use super::output::Output;
use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Logger};

crate::parameters! {
    /// Writes one line `int(time) user item id score` per record, in the order the run serves
    /// them (e.g. to save the order of a shuffling iterator).
    pub struct InputLoggerParameters {
        /// The output file (created at the start of every run; required).
        pub output_file: String = String::new(),
    }
}

pub struct InputLogger {
    params: InputLoggerParameters,
    wiring: NoWiring,
    out: Option<Output>,
}

impl Logger for InputLogger {
    fn run(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        if let Some(out) = &mut self.out {
            out.line(format_args!("{} {} {} {} {}", rec.time as i64, rec.user, rec.item, rec.id, format_g(rec.score)))?;
        }
        Ok(())
    }
    fn finish(&mut self, _env: &Environment) -> Result<()> {
        self.out.as_mut().map_or(Ok(()), Output::flush)
    }
}

impl Component for InputLogger {
    const NAME: &'static str = "InputLogger";
    type Params = InputLoggerParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(InputLogger { params, wiring: NoWiring, out: None })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.out = Some(Output::create(&self.params.output_file, Self::NAME, "output_file")?);
        Ok(())
    }
}
