//! The whole past as the training set.

use super::DataGenerator;
use crate::component::{Component, NoWiring};
use crate::error::Result;
use crate::experiment::Environment;
use crate::record::RecDat;

crate::parameters! {
    /// Every record served so far, the current one included, oldest first.
    ///
    /// Fix: the original returned them newest first (decisions.md: past-data generators are
    /// chronological).
    pub struct CompletePastDataGeneratorParameters {}
}

pub struct CompletePastDataGenerator {
    params: CompletePastDataGeneratorParameters,
    wiring: NoWiring,
}

impl Component for CompletePastDataGenerator {
    const NAME: &'static str = "CompletePastDataGenerator";
    type Params = CompletePastDataGeneratorParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(CompletePastDataGenerator { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}

impl DataGenerator for CompletePastDataGenerator {
    fn generate(&mut self, _rec: &RecDat, env: &Environment, out: &mut Vec<RecDat>) -> Result<()> {
        env.stream()?.records_into(0..env.position() + 1, out)
    }
}
