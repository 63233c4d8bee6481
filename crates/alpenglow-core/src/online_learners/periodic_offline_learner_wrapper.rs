//! Periodic offline retraining inside an online experiment.

use std::path::PathBuf;

use super::PeriodComputer;
use crate::component::{Component, slot};
use crate::data_generators::DataGenerator;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Updater};
use crate::models::Model;
use crate::models::methods::{read_file, write_file};
use crate::offline_learners::OfflineLearner;
use crate::record::RecDat;

crate::parameters! {
    /// At the last record of every period (told by its period computer), in this order:
    /// clear the model (`clear_model`); read it from `<base_in_file_name>_<period>`
    /// (`read_model`); generate the training set with the data generator and fit every offline
    /// learner on it, in the order added (`learn`); write the model to
    /// `<base_out_file_name>_<period>` (`write_model`). Retraining happens after the
    /// environment was updated with the record, so the record is part of the training set; the
    /// new model serves the next period.
    ///
    /// Checked before the run: the wiring each option needs, that the output directory of
    /// `write_model` is writable and that the model can be saved. Fix: a model file that cannot
    /// be read is an error naming it (the original printed a message and went on).
    pub struct PeriodicOfflineLearnerWrapperParameters {
        /// Read the model at every period end.
        pub read_model: bool = false,
        /// Prefix of the model files read (`<prefix>_<period>`).
        pub base_in_file_name: String = String::new(),
        /// Write the model at every period end.
        pub write_model: bool = false,
        /// Prefix of the model files written (`<prefix>_<period>`); its directory must exist.
        pub base_out_file_name: String = String::new(),
        /// Clear the model before retraining.
        pub clear_model: bool = false,
        /// Fit the offline learners at every period end.
        pub learn: bool = true,
    }
}

crate::wiring! {
    pub struct PeriodicOfflineLearnerWrapperWiring {
        /// Tells when a period ends (this wrapper drives it).
        set_period_computer => period_computer: required PeriodComputer,
        /// Builds the training set (needed with `learn`).
        set_data_generator => data_generator: optional dyn DataGenerator,
        /// A learner to fit at every period end.
        add_offline_learner => learners: many dyn OfflineLearner,
        /// The model to clear, read and write (needed with those options).
        set_model => model: optional dyn Model,
    }
}

pub struct PeriodicOfflineLearnerWrapper {
    params: PeriodicOfflineLearnerWrapperParameters,
    wiring: PeriodicOfflineLearnerWrapperWiring,
    training_set: Vec<RecDat>,
}

fn model_file(base: &str, period: i64) -> PathBuf {
    PathBuf::from(format!("{base}_{period}"))
}

impl PeriodicOfflineLearnerWrapper {
    fn model(&self) -> Result<&crate::component::Link<dyn Model>> {
        slot(&self.wiring.model, Self::NAME, "set_model")
    }

    fn end_of_period(&mut self, rec: &RecDat, env: &Environment, period: i64) -> Result<()> {
        let p = &self.params;
        if p.clear_model {
            self.model()?.borrow_mut()?.clear()?;
        }
        if p.read_model {
            read_file(&mut *self.model()?.borrow_mut()?, &model_file(&p.base_in_file_name, period))?;
        }
        if p.learn && !self.wiring.learners.is_empty() {
            let generator = slot(&self.wiring.data_generator, Self::NAME, "set_data_generator")?;
            generator.borrow_mut()?.generate(rec, env, &mut self.training_set)?;
            for learner in &self.wiring.learners {
                learner.borrow_mut()?.fit(&self.training_set, env)?;
            }
        }
        if p.write_model {
            write_file(&*self.model()?.borrow()?, &model_file(&p.base_out_file_name, period))?;
        }
        Ok(())
    }
}

impl Component for PeriodicOfflineLearnerWrapper {
    const NAME: &'static str = "PeriodicOfflineLearnerWrapper";
    type Params = PeriodicOfflineLearnerWrapperParameters;
    type Wiring = PeriodicOfflineLearnerWrapperWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PeriodicOfflineLearnerWrapper { params, wiring: Default::default(), training_set: Vec::new() })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        let p = &self.params;
        if p.learn && !self.wiring.learners.is_empty() {
            slot(&self.wiring.data_generator, Self::NAME, "set_data_generator")?;
        }
        for (on, name) in [(p.clear_model, "clear_model"), (p.read_model, "read_model"), (p.write_model, "write_model")]
        {
            if on && self.wiring.model.is_none() {
                return Err(Error::wiring(format!("{}: {name} needs the model: call set_model", Self::NAME)));
            }
        }
        for (on, base, name) in [
            (p.read_model, &p.base_in_file_name, "base_in_file_name"),
            (p.write_model, &p.base_out_file_name, "base_out_file_name"),
        ] {
            if on && base.is_empty() {
                let option = if name == "base_in_file_name" { "read_model" } else { "write_model" };
                return Err(Error::parameter(format!("{}: {option} needs '{name}'", Self::NAME)));
            }
        }
        if p.write_model {
            crate::data::files::check_writable_prefix(&p.base_out_file_name, "base_out_file_name")?;
            let model = self.model()?.borrow()?;
            model
                .write(&mut std::io::sink())
                .map_err(|e| Error::parameter(format!("{}: write_model: {e}", Self::NAME)))?;
        }
        self.training_set.clear();
        Ok(())
    }
}

impl Updater for PeriodicOfflineLearnerWrapper {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        let period = {
            let mut computer = slot(&self.wiring.period_computer, Self::NAME, "set_period_computer")?.borrow_mut()?;
            computer.advance(env)?;
            computer.end_of_period().then(|| computer.period_num())
        };
        match period {
            Some(period) => self.end_of_period(rec, env, period),
            None => Ok(()),
        }
    }
}
