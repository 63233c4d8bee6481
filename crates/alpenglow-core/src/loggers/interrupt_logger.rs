//! `InterruptLogger`: kept so that code written for the original runs unchanged.

use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Logger};

crate::parameters! {
    /// Does nothing: every run already stops cleanly on Ctrl-C (the loop polls for interrupts
    /// between records and keeps the results logged so far). The original needed this logger
    /// to poll Python signals; here it exists so that code adding it runs unchanged.
    pub struct InterruptLoggerParameters {}
}

pub struct InterruptLogger {
    params: InterruptLoggerParameters,
    wiring: NoWiring,
}

impl Logger for InterruptLogger {
    fn run(&mut self, _rec: &RecDat, _env: &Environment) -> Result<()> {
        Ok(())
    }
}

impl Component for InterruptLogger {
    const NAME: &'static str = "InterruptLogger";
    type Params = InterruptLoggerParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(InterruptLogger { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}
