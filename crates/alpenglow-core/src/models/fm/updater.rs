//! One SGD step of the factorisation machine per sample.

use super::model::{attrs, borrow_containers, sum_into};
use super::FmModel;
use crate::component::{slot, Component};
use crate::data::columns::MAX_ID;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Updater};
use crate::models::factor::factors::dot;
use crate::models::Model;

crate::parameters! {
    /// Trains an `FmModel` by SGD on the squared error ½(score − prediction)². Per sample:
    /// the model adds the user and the item; with the user vector uv and item vector iv,
    /// `d = score − uv·iv`, and every user attribute (a, v) moves `U[a] += lr·d·v·iv`, every
    /// item attribute (b, v) `I[b] += lr·d·v·uv` (both from the vectors before the step;
    /// missing factors are random-initialised first, users' then items', in ascending
    /// attribute index order). In experiments it sits directly under a negative sampler.
    ///
    /// Fix: the original stepped by lr·d·|d| (a sign-preserving squared error); the step here
    /// is lr·d, the gradient of the squared error.
    pub struct FmModelUpdaterParameters {
        /// Step size.
        pub learning_rate: f64 = 0.1; where finite_min(0.0),
    }
}

crate::wiring! {
    pub struct FmModelUpdaterWiring {
        /// The model to train.
        set_model => model: required FmModel,
    }
}

pub struct FmModelUpdater {
    params: FmModelUpdaterParameters,
    wiring: FmModelUpdaterWiring,
    /// Reused buffers for the user and item vectors.
    uv: Vec<f64>,
    iv: Vec<f64>,
}

impl Updater for FmModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        if rec.user as i64 > MAX_ID || rec.item as i64 > MAX_ID {
            return Err(Error::data(format!(
                "FmModelUpdater: user {} / item {} out of range (ids are at most {MAX_ID})",
                rec.user, rec.item
            )));
        }
        let mut guard = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        let model: &mut FmModel = &mut guard;
        model.add(rec);
        let (ua, ia) = borrow_containers(&model.wiring)?;
        let (ur, ir) = (attrs(ua.as_deref(), rec.user), attrs(ia.as_deref(), rec.item));
        let d = model.users.dimension();
        self.uv.resize(d, 0.0);
        self.iv.resize(d, 0.0);
        sum_into(&mut self.uv, &model.users, ur.as_slice());
        sum_into(&mut self.iv, &model.items, ir.as_slice());
        let step = self.params.learning_rate * (rec.score - dot(&self.uv, &self.iv));
        for &(a, v) in ur.as_slice() {
            model.users.add(a, &self.iv, v * step);
        }
        for &(b, v) in ir.as_slice() {
            model.items.add(b, &self.uv, v * step);
        }
        Ok(())
    }
}

impl Component for FmModelUpdater {
    const NAME: &'static str = "FmModelUpdater";
    type Params = FmModelUpdaterParameters;
    type Wiring = FmModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(FmModelUpdater { params, wiring: Default::default(), uv: Vec::new(), iv: Vec::new() })
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Parameters;

    #[test]
    fn learning_rate_is_validated_and_documented() {
        assert_eq!(FmModelUpdaterParameters::default().learning_rate, 0.1);
        assert!(FmModelUpdaterParameters::DOC.contains("Fix: "));
        for lr in [-1e-9, f64::NAN, f64::INFINITY] {
            let err = FmModelUpdater::new(FmModelUpdaterParameters { learning_rate: lr }).err().unwrap();
            assert!(err.to_string().contains("'learning_rate'"), "{err}");
        }
        assert!(FmModelUpdater::new(FmModelUpdaterParameters { learning_rate: 0.0 }).is_ok());
    }

    #[test]
    fn unwired_update_names_set_model() {
        let mut u = FmModelUpdater::new(Default::default()).unwrap();
        let params = crate::experiment::environment::EnvironmentParameters {
            top_k: 10,
            exclude_known: false,
            initialize_all: false,
            max_user: -1,
            max_item: -1,
            evaluation_start_time: 0.0,
            experiment_termination_time: 0.0,
            evaluate_cold_start: false,
        };
        let env = Environment::new(params, 0);
        let err = u.update(&RecDat::default(), &env).unwrap_err().to_string();
        assert!(err.contains("FmModelUpdater.set_model"), "{err}");
    }
}
