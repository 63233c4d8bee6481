//! Counts transitions between consecutive records of each user.

use std::path::Path;

use super::TransitionProbabilityModel;
use crate::component::{slot, Component};
use crate::containers::labels::LabelContainer;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// Trains a `TransitionProbabilityModel`. A user's first record only sets the user's last
    /// item; every later record counts the transition last item -> item ("normal"), item ->
    /// last item ("inverted") or both ("symmetric").
    pub struct TransitionProbabilityModelUpdaterParameters {
        /// Count only records with eval set (the last item is updated on every record).
        pub filter_freq_updates: bool = false,
        /// "normal" (also ""), "inverted" or "symmetric".
        pub mode: String = String::new(); where one_of(&["", "normal", "inverted", "symmetric"]),
        /// Use item labels (from `label_file_name`) as the "from" side of transitions.
        pub label_transition_mode: bool = false,
        /// File of whitespace-separated "item label" pairs, for label mode.
        pub label_file_name: String = String::new(),
    }
}

crate::wiring! {
    pub struct TransitionProbabilityModelUpdaterWiring {
        /// The model to train.
        set_model => model: required TransitionProbabilityModel,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Inverted,
    Symmetric,
}

pub struct TransitionProbabilityModelUpdater {
    params: TransitionProbabilityModelUpdaterParameters,
    wiring: TransitionProbabilityModelUpdaterWiring,
    mode: Mode,
    labels: Option<LabelContainer>,
}

impl TransitionProbabilityModelUpdater {
    fn entity(&self, item: u32) -> i64 {
        match &self.labels {
            Some(l) => l.label(item),
            None => item as i64,
        }
    }
}

impl Updater for TransitionProbabilityModelUpdater {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow_mut()?;
        let u = rec.user as usize;
        if u >= model.last_entity.len() {
            model.last_entity.resize(u + 1, -1);
            model.last_raw_item.resize(u + 1, -1);
        }
        let entity = self.entity(rec.item);
        let last = model.last_entity[u];
        let first_record = last == -1 && model.last_raw_item[u] == -1;
        if !first_record && (!self.params.filter_freq_updates || rec.eval) {
            if self.mode != Mode::Inverted {
                model.increase(last, rec.item);
            }
            if self.mode != Mode::Normal {
                let previous = if self.labels.is_some() { model.last_raw_item[u] } else { last };
                if previous >= 0 {
                    model.increase(entity, previous as u32);
                }
            }
        }
        model.last_entity[u] = entity;
        model.last_raw_item[u] = rec.item as i64;
        Ok(())
    }
}

impl Component for TransitionProbabilityModelUpdater {
    const NAME: &'static str = "TransitionProbabilityModelUpdater";
    type Params = TransitionProbabilityModelUpdaterParameters;
    type Wiring = TransitionProbabilityModelUpdaterWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let mode = match params.mode.as_str() {
            "inverted" => Mode::Inverted,
            "symmetric" => Mode::Symmetric,
            _ => Mode::Normal, // "" or "normal": the constraint admits nothing else
        };
        let labels = if params.label_transition_mode {
            if params.label_file_name.is_empty() {
                return Err(Error::parameter(
                    "TransitionProbabilityModelUpdater: label_transition_mode needs label_file_name",
                ));
            }
            Some(LabelContainer::from_file(Path::new(&params.label_file_name))?)
        } else {
            None
        };
        Ok(TransitionProbabilityModelUpdater { params, wiring: Default::default(), mode, labels })
    }
    crate::component_accessors!();
}
