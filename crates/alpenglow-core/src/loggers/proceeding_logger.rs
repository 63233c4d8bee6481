//! Text progress on stderr, as the original's ProceedingLogger (the Python API shows a
//! progress bar instead).

use std::io::Write;

use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Logger};

crate::parameters! {
    /// Prints the percentage of records processed to stderr (`0%-1%-...-OK`), about every 1%.
    pub struct ProceedingLoggerParameters {}
}

pub struct ProceedingLogger {
    params: ProceedingLoggerParameters,
    wiring: NoWiring,
    counter: usize,
}

impl Logger for ProceedingLogger {
    fn run(&mut self, _rec: &RecDat, env: &Environment) -> Result<()> {
        let size = env.stream_len.max(1);
        let freq = size / 100 + 1;
        let mut err = std::io::stderr().lock();
        if self.counter % freq == 0 {
            let _ = write!(err, "{}%-", self.counter * 100 / size);
        }
        self.counter += 1;
        if self.counter == size {
            let _ = writeln!(err, "OK");
        }
        Ok(())
    }
}

impl Component for ProceedingLogger {
    const NAME: &'static str = "ProceedingLogger";
    type Params = ProceedingLoggerParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ProceedingLogger { params, wiring: NoWiring, counter: 0 })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.counter = 0;
        Ok(())
    }
}
