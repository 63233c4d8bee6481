//! Trains the personal popularity model.

use super::PersonalPopularityModel;
use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// Trains a `PersonalPopularityModel`: adds the record's score to the user's own sum for
    /// the item and one to the item's global count.
    pub struct PersonalPopularityModelUpdaterParameters {}
}

crate::wiring! {
    pub struct PersonalPopularityModelUpdaterWiring {
        /// The model to train.
        set_model => model: required PersonalPopularityModel,
    }
}

pub struct PersonalPopularityModelUpdater {
    params: PersonalPopularityModelUpdaterParameters,
    wiring: PersonalPopularityModelUpdaterWiring,
}

impl Updater for PersonalPopularityModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?.add_event(rec);
        Ok(())
    }
}

impl Component for PersonalPopularityModelUpdater {
    const NAME: &'static str = "PersonalPopularityModelUpdater";
    type Params = PersonalPopularityModelUpdaterParameters;
    type Wiring = PersonalPopularityModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(PersonalPopularityModelUpdater { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}
