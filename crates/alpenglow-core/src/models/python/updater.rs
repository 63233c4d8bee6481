//! An updater written in another language.

use std::sync::Arc;

use super::{foreign_state_changed, UpdaterCallbacks};
use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// An updater implemented in Python: subclass it and implement `update(rec)` (`rec` has
    /// `user`, `item`, `time`, `score`, `id`, `eval` and `category`). It is called for every
    /// record after the environment is updated, in the order updaters were added. An exception
    /// raised by `update` stops the run with that exception; the rows evaluated before stay
    /// readable.
    pub struct PythonUpdaterParameters {}
}

pub struct PythonUpdater {
    params: PythonUpdaterParameters,
    wiring: NoWiring,
    callbacks: Option<Arc<dyn UpdaterCallbacks>>,
}

impl PythonUpdater {
    /// Attaches the foreign object that implements `update`.
    pub fn set_callbacks(&mut self, callbacks: Arc<dyn UpdaterCallbacks>) {
        self.callbacks = Some(callbacks);
    }
}

impl Component for PythonUpdater {
    const NAME: &'static str = "PythonUpdater";
    type Params = PythonUpdaterParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(PythonUpdater { params, wiring: NoWiring, callbacks: None })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        if self.callbacks.is_none() {
            return Err(Error::wiring(
                "PythonUpdater: no Python object is attached; subclass alpenglow.cpp.Updater and implement update(rec)",
            ));
        }
        Ok(())
    }
}

impl Updater for PythonUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        foreign_state_changed();
        match &self.callbacks {
            Some(cb) => cb.update(rec),
            None => Err(Error::wiring("PythonUpdater: no Python object is attached")),
        }
    }
}
