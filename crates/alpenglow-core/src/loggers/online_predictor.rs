//! Writes the top list of a toplist creator once per time frame.

use std::fs::File;
use std::io::{BufWriter, Write};

use super::format::format_g;
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Logger};
use crate::toplists::ToplistCreator;

crate::parameters! {
    /// Once per time frame, runs the toplist creator on the first record of the frame and
    /// writes one line `frame user item score` per list entry to `file_name`. The frame of a
    /// record is `floor((time - evaluation_start_time) / time_frame)` (truncated toward zero,
    /// as in the original); only records with `time > evaluation_start_time` count.
    pub struct OnlinePredictorParameters {
        /// Start of the evaluation (-1: the experiment's evaluation_start_time).
        pub evaluation_start_time: f64 = -1.0; where finite(),
        /// Length of a frame, in time units (> 0; the original's default -1 is not accepted).
        pub time_frame: f64 = -1.0; where finite_above(0.0),
        /// Output file ("" for none: the lists are computed but not written).
        pub file_name: String = String::new(),
    }
}

crate::wiring! {
    pub struct OnlinePredictorWiring {
        /// The toplist creator run at every new frame.
        set_prediction_creator => creator: required dyn ToplistCreator,
    }
}

pub struct OnlinePredictor {
    params: OnlinePredictorParameters,
    wiring: OnlinePredictorWiring,
    start: f64,
    last_frame: Option<i64>,
    out: Option<BufWriter<File>>,
}

impl Logger for OnlinePredictor {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        if rec.time <= self.start {
            return Ok(());
        }
        let frame = ((rec.time - self.start) / self.params.time_frame) as i64;
        if self.last_frame == Some(frame) {
            return Ok(());
        }
        self.last_frame = Some(frame);
        let list = slot(&self.wiring.creator, Self::NAME, "set_prediction_creator")?.borrow_mut()?.run(rec, env)?;
        if let Some(out) = &mut self.out {
            for e in &list {
                writeln!(out, "{frame} {} {} {}", e.user, e.item, format_g(e.score))
                    .map_err(|err| Error::io(self.params.file_name.clone(), err))?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, _env: &Environment) -> Result<()> {
        if let Some(out) = &mut self.out {
            out.flush().map_err(|e| Error::io(self.params.file_name.clone(), e))?;
        }
        Ok(())
    }
}

impl Component for OnlinePredictor {
    const NAME: &'static str = "OnlinePredictor";
    type Params = OnlinePredictorParameters;
    type Wiring = OnlinePredictorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(OnlinePredictor { params, wiring: Default::default(), start: 0.0, last_frame: None, out: None })
    }
    crate::component_accessors!();
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.bool(self.last_frame.is_some())?;
        out.i64(self.last_frame.unwrap_or(0))
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let some = input.bool("the last time frame")?;
        let frame = input.i64("the last time frame")?;
        self.last_frame = some.then_some(frame);
        Ok(())
    }
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        self.start = if self.params.evaluation_start_time >= 0.0 {
            self.params.evaluation_start_time
        } else {
            env.params.evaluation_start_time
        };
        self.last_frame = None;
        self.out = None;
        if !self.params.file_name.is_empty() {
            let f = crate::data::files::create_output(std::path::Path::new(&self.params.file_name))?;
            self.out = Some(BufWriter::new(f));
        }
        Ok(())
    }
}
