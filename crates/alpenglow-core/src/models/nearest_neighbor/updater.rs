//! Trains a `NearestNeighborModel` and recomputes its neighbour lists once per period.

use super::NearestNeighborModel;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Updater, UpdaterMessage};

crate::parameters! {
    /// Trains a `NearestNeighborModel`: appends each record to its user's history, then, when
    /// the record starts a new period (`floor(time / compute_similarity_period)` changed, or the
    /// record count with "samplenum-based"), recomputes the neighbour lists, so the record is
    /// included. The end of an offline update also recomputes them.
    ///
    /// Fix: "samplenum-based" counts records (the original warned that it was not implemented
    /// and used time).
    pub struct NearestNeighborModelUpdaterParameters {
        /// Length of a period, in time units (or records with "samplenum-based").
        pub compute_similarity_period: f64 = -1.0,
        /// "time-based" (also ""), "samplenum-based" or "off" (only at the end of an offline update).
        pub period_mode: String = String::new(); where one_of(&["", "time-based", "samplenum-based", "off"]),
    }
}

crate::wiring! {
    pub struct NearestNeighborModelUpdaterWiring {
        /// The model to train.
        set_model => model: required NearestNeighborModel,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodMode {
    Time,
    Samples,
    Off,
}

pub struct NearestNeighborModelUpdater {
    params: NearestNeighborModelUpdaterParameters,
    wiring: NearestNeighborModelUpdaterWiring,
    mode: PeriodMode,
    last_period: i64,
    records: u64,
}

impl NearestNeighborModelUpdater {
    fn period_of(&self, rec: &RecDat) -> i64 {
        let position = match self.mode {
            PeriodMode::Samples => self.records as f64,
            _ => rec.time,
        };
        (position / self.params.compute_similarity_period).trunc() as i64
    }
}

impl Updater for NearestNeighborModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        model.add_event(rec)?;
        self.records += 1;
        if self.mode != PeriodMode::Off {
            let period = self.period_of(rec);
            if period != self.last_period {
                model.update_neighbors()?;
                self.last_period = period;
            }
        }
        Ok(())
    }

    fn message(&mut self, message: UpdaterMessage) -> Result<()> {
        if message == UpdaterMessage::EndOfOfflineUpdate {
            slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?.update_neighbors()?;
        }
        Ok(())
    }
}

impl Component for NearestNeighborModelUpdater {
    const NAME: &'static str = "NearestNeighborModelUpdater";
    type Params = NearestNeighborModelUpdaterParameters;
    type Wiring = NearestNeighborModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let mode = match params.period_mode.as_str() {
            "off" => PeriodMode::Off,
            "samplenum-based" => PeriodMode::Samples,
            _ => PeriodMode::Time,
        };
        let period = params.compute_similarity_period;
        if mode != PeriodMode::Off && !(period.is_finite() && period > 0.0) {
            return Err(Error::parameter(format!(
                "{}: parameter 'compute_similarity_period' must be a finite number > 0 unless period_mode is \"off\", got {period}",
                Self::NAME
            )));
        }
        Ok(NearestNeighborModelUpdater { params, wiring: Default::default(), mode, last_period: 0, records: 0 })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.i64(self.last_period)?;
        out.u64(self.records)
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        self.last_period = input.i64("the last period")?;
        self.records = input.u64("the record count")?;
        Ok(())
    }
    /// Periods are counted from the start of every run (the first period starts at period 0).
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.last_period = 0;
        self.records = 0;
        Ok(())
    }
}
