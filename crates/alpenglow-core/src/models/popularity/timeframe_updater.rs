//! Counts only the records of a sliding time window.

use std::collections::VecDeque;

use super::PopularityModel;
use crate::component::{slot, Component};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// Trains a `PopularityModel` on a sliding window: after adding a record, records older
    /// than `time - tau` (time of the latest training record) are removed from the counts.
    ///
    /// Fix: the original never lowered the score normaliser (the maximum count); here it is
    /// the maximum count inside the current window.
    pub struct PopularityTimeFrameModelUpdaterParameters {
        /// Length of the window, in the time unit of the data (inf: no window). Must be given.
        pub tau: f64 = -1.0; where number_min(0.0),
    }
}

crate::wiring! {
    pub struct PopularityTimeFrameModelUpdaterWiring {
        /// The model to train.
        set_model => model: required PopularityModel,
    }
}

pub struct PopularityTimeFrameModelUpdater {
    params: PopularityTimeFrameModelUpdaterParameters,
    wiring: PopularityTimeFrameModelUpdaterWiring,
    window: VecDeque<(f64, u32)>,
}

impl Updater for PopularityTimeFrameModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        model.increase(rec.item);
        self.window.push_back((rec.time, rec.item));
        let oldest_kept = rec.time - self.params.tau;
        while let Some(&(t, item)) = self.window.front() {
            if t >= oldest_kept {
                break;
            }
            model.decrease(item);
            self.window.pop_front();
        }
        Ok(())
    }
}

impl Component for PopularityTimeFrameModelUpdater {
    const NAME: &'static str = "PopularityTimeFrameModelUpdater";
    type Params = PopularityTimeFrameModelUpdaterParameters;
    type Wiring = PopularityTimeFrameModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PopularityTimeFrameModelUpdater { params, wiring: Default::default(), window: VecDeque::new() })
    }
    crate::component_accessors!();
    /// The records of the current window, oldest first.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.window.len() as u64)?;
        self.window.iter().try_for_each(|&(t, item)| {
            out.f64(t)?;
            out.u32(item)
        })
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let n = input.u64("the window")?;
        self.window.clear();
        for _ in 0..n {
            let t = input.f64("the window")?;
            let item = input.id("the window")?;
            self.window.push_back((t, item));
        }
        Ok(())
    }
}
