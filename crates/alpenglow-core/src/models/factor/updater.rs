//! Keeps a factor model's recency weights up to date.

use super::model::FactorModel;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// Updates the recencies wired into a `FactorModel` (`set_user_recency`,
    /// `set_item_recency`) with each training record's user, item and time. The vectors are
    /// trained by `FactorModelGradientUpdater`.
    pub struct FactorModelUpdaterParameters {}
}

crate::wiring! {
    pub struct FactorModelUpdaterWiring {
        /// The model whose recencies are updated.
        set_model => model: required FactorModel,
    }
}

pub struct FactorModelUpdater {
    params: FactorModelUpdaterParameters,
    wiring: FactorModelUpdaterWiring,
}

impl Updater for FactorModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        if let Some(r) = &model.wiring.user_recency {
            r.borrow_mut()?.update(rec.user, rec.time);
        }
        if let Some(r) = &model.wiring.item_recency {
            r.borrow_mut()?.update(rec.item, rec.time);
        }
        Ok(())
    }
}

impl Component for FactorModelUpdater {
    const NAME: &'static str = "FactorModelUpdater";
    type Params = FactorModelUpdaterParameters;
    type Wiring = FactorModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(FactorModelUpdater { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}
