//! Counts every training record's item.

use super::PopularityModel;
use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// Trains a `PopularityModel`: every record adds one to its item's count.
    pub struct PopularityModelUpdaterParameters {}
}

crate::wiring! {
    pub struct PopularityModelUpdaterWiring {
        /// The model to train.
        set_model => model: required PopularityModel,
    }
}

pub struct PopularityModelUpdater {
    params: PopularityModelUpdaterParameters,
    wiring: PopularityModelUpdaterWiring,
}

impl Updater for PopularityModelUpdater {
    #[inline]
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?.increase(rec.item);
        Ok(())
    }
}

impl Component for PopularityModelUpdater {
    const NAME: &'static str = "PopularityModelUpdater";
    type Params = PopularityModelUpdaterParameters;
    type Wiring = PopularityModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(PopularityModelUpdater { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}
