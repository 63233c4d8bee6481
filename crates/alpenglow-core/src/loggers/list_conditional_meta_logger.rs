//! `ListConditionalMetaLogger`: runs another logger on the records selected by a list of flags.

use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Logger};

crate::parameters! {
    /// Runs the logger given with `set_logger` on the n-th served record iff the n-th flag of
    /// `should_run_vector` is non-zero (flags by serving position over all records, whatever
    /// their eval flag). A record beyond the end of the list stops the run with an error. The
    /// flags are given as the keyword `should_run_vector` (a sequence of ints or bools) or with
    /// `set_should_run_vector`; the inner logger is finished when the run ends.
    pub struct ListConditionalMetaLoggerParameters {}
}

crate::wiring! {
    pub struct ListConditionalMetaLoggerWiring {
        /// The logger to run on the selected records.
        set_logger => logger: required dyn Logger,
    }
}

pub struct ListConditionalMetaLogger {
    params: ListConditionalMetaLoggerParameters,
    wiring: ListConditionalMetaLoggerWiring,
    should_run: Vec<bool>,
    counter: usize,
}

impl ListConditionalMetaLogger {
    /// The flags (one per served record).
    pub fn set_should_run(&mut self, flags: Vec<bool>) {
        self.should_run = flags;
    }
    pub fn should_run(&self) -> &[bool] {
        &self.should_run
    }
}

impl Logger for ListConditionalMetaLogger {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let position = self.counter;
        self.counter += 1;
        match self.should_run.get(position) {
            Some(true) => slot(&self.wiring.logger, Self::NAME, "set_logger")?.borrow_mut()?.run(rec, env),
            Some(false) => Ok(()),
            None => Err(Error::data(format!(
                "ListConditionalMetaLogger: should_run_vector has {} flags, but record {position} was reached",
                self.should_run.len()
            ))),
        }
    }
    fn finish(&mut self, env: &Environment) -> Result<()> {
        slot(&self.wiring.logger, Self::NAME, "set_logger")?.borrow_mut()?.finish(env)
    }
}

impl Component for ListConditionalMetaLogger {
    const NAME: &'static str = "ListConditionalMetaLogger";
    type Params = ListConditionalMetaLoggerParameters;
    type Wiring = ListConditionalMetaLoggerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ListConditionalMetaLogger { params, wiring: Default::default(), should_run: Vec::new(), counter: 0 })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.counter = 0;
        Ok(())
    }
}
