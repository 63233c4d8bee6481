//! The offline side of an external model: exchanges files with an external tool at every
//! period end (see `models::external`).

use std::path::PathBuf;

use super::train_csv::write_train_file;
use super::OfflineLearner;
use crate::component::{slot, Component};
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::models::external::{ExternalModel, ExternalPredictions};
use crate::record::RecDat;

crate::parameters! {
    /// Exchanges files with an external recommender at every period end (inside a
    /// `PeriodicOfflineLearnerWrapper`). Fit number `n` (1, 2, … in every run):
    ///
    /// * "write": writes the users evaluated since the previous fit to
    ///   `<out_name_base>_<n-1>_test.dat` (header `user`, one id per line, ascending) and the
    ///   training set to `<out_name_base>_<n>_train.dat` (CSV, header
    ///   `time,user,item,id,score,category`, oldest record first; floats as the shortest text
    ///   that reads back to the same value, integral ones without a fraction).
    /// * "read": loads `<in_name_base>_<n>_predictions.dat` (whitespace-separated
    ///   `user item pos` lines, no header) into the model; those lists serve the next period.
    ///
    /// The model's mode must be the same. Ids in the files are the run's internal ids (recoded
    /// ones when the input was recoded). Checked before the run: in write mode, that the
    /// directory of `out_name_base` can be written. A missing or malformed predictions file is
    /// an error naming the file (and the line). Fix: the original wrote the training set
    /// newest first; it is chronological here.
    pub struct OfflineExternalModelLearnerParameters {
        /// "write" (write the files for the external tool) or "read" (load its predictions).
        pub mode: String = "write".to_string(); where one_of(&["write", "read"]),
        /// Path prefix of the files written in write mode (its directory must exist).
        pub out_name_base: String = "batch".to_string(),
        /// Path prefix of the predictions files read in read mode.
        pub in_name_base: String = String::new(),
    }
}

crate::wiring! {
    pub struct OfflineExternalModelLearnerWiring {
        /// The external model whose files are exchanged.
        set_model => model: required ExternalModel,
    }
}

pub struct OfflineExternalModelLearner {
    params: OfflineExternalModelLearnerParameters,
    wiring: OfflineExternalModelLearnerWiring,
    /// Number of the next fit (1 at the start of every run).
    counter: i64,
}

impl OfflineExternalModelLearner {
    fn is_write_mode(&self) -> bool {
        self.params.mode == "write"
    }

    fn file(base: &str, n: i64, suffix: &str) -> PathBuf {
        PathBuf::from(format!("{base}_{n}_{suffix}.dat"))
    }
}

impl Component for OfflineExternalModelLearner {
    const NAME: &'static str = "OfflineExternalModelLearner";
    type Params = OfflineExternalModelLearnerParameters;
    type Wiring = OfflineExternalModelLearnerWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let (name, value) = if params.mode == "write" {
            ("out_name_base", &params.out_name_base)
        } else {
            ("in_name_base", &params.in_name_base)
        };
        if value.is_empty() {
            return Err(Error::parameter(format!(
                "{}: parameter '{name}' must be a non-empty path prefix in mode '{}'",
                Self::NAME,
                params.mode
            )));
        }
        Ok(OfflineExternalModelLearner { params, wiring: Default::default(), counter: 1 })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.i64(self.counter)
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.counter = input.i64("the file counter")?;
        Ok(())
    }

    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.counter = 1;
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        if model.mode() != self.params.mode {
            return Err(Error::parameter(format!(
                "{}: parameter 'mode' is '{}' but its ExternalModel's mode is '{}'; give both the same mode",
                Self::NAME,
                self.params.mode,
                model.mode()
            )));
        }
        if self.is_write_mode() {
            crate::data::files::check_writable_prefix(&self.params.out_name_base, "out_name_base")?;
        }
        Ok(())
    }
}

impl OfflineLearner for OfflineExternalModelLearner {
    fn fit(&mut self, data: &[RecDat], _env: &Environment) -> Result<()> {
        let n = self.counter;
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        if self.is_write_mode() {
            let base = &self.params.out_name_base;
            model.write_requested_users(&Self::file(base, n - 1, "test"))?;
            write_train_file(&Self::file(base, n, "train"), data)?;
        } else {
            model.read_predictions(&Self::file(&self.params.in_name_base, n, "predictions"))?;
        }
        self.counter += 1;
        Ok(())
    }
}
