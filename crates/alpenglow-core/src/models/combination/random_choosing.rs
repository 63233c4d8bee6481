//! Exponentially weighted forecaster: each evaluated record is scored by one model, drawn
//! from a distribution that `RandomChoosingCombinedModelExpertUpdater` learns.

use parking_lot::Mutex;

use super::io::{read_f64s, read_random, write_f64s};
use super::RandomChoosingCombinedModelExpertUpdater;
use crate::component::Component;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};
use crate::models::{Model, RankPath};
use crate::random::Random;
use crate::ranking::walk::{brute_force, iterator_walk};
use crate::ranking::{RankCount, RankQuery};

crate::parameters! {
    /// Scores every evaluated record with one of its models (`add_model`), drawn at random from
    /// a distribution over the models: a new draw (one `get_discrete` step of the model's MINSTD
    /// generator) whenever the (id, user, time) of the scored record changes, so all the
    /// candidates of one evaluation are scored by the same model. The distribution starts
    /// uniform (1/n) and is learned by `RandomChoosingCombinedModelExpertUpdater` (wire it with
    /// `inject_wms_into(updater)` or `updater.set_model(model)`).
    ///
    /// Ranks are computed with the drawn model's own fast path (its iterator, or the
    /// popularity-ordered brute force). Saving stores the distribution and the generator; the
    /// member models are saved on their own.
    pub struct RandomChoosingCombinedModelParameters {
        /// Seed of the model draws.
        pub seed: i64 = 745578; where seed(),
    }
}

crate::wiring! {
    pub struct RandomChoosingCombinedModelWiring {
        /// A model to choose from (call it for each, at least once).
        add_model => models: one_or_more dyn Model,
    }
    reverse {
        /// Let an expert updater learn this model's distribution (same as `updater.set_model(model)`).
        inject_wms_into => set_model on RandomChoosingCombinedModelExpertUpdater,
    }
}

struct Choice {
    rng: Random,
    active: usize,
    /// (id, user, time bits) of the last scored record.
    key: Option<(i64, u32, u64)>,
}

pub struct RandomChoosingCombinedModel {
    params: RandomChoosingCombinedModelParameters,
    wiring: RandomChoosingCombinedModelWiring,
    /// The weight of each model (sums to 1 once initialised).
    pub(super) distribution: Vec<f64>,
    choice: Mutex<Choice>,
}

const KIND: &str = "RandomChoosingCombinedModel";

impl RandomChoosingCombinedModel {
    pub fn distribution(&self) -> &[f64] {
        &self.distribution
    }

    pub(super) fn models(&self) -> &[crate::component::Link<dyn Model>] {
        &self.wiring.models
    }

    /// Sets the uniform distribution if it does not match the models.
    pub(super) fn sync_distribution(&mut self) {
        let n = self.wiring.models.len();
        if self.distribution.len() != n {
            self.distribution = vec![1.0 / n as f64; n];
        }
    }

    /// The index of the model scoring `rec` (drawing a new one for a new record).
    fn active_for(&self, rec: &RecDat) -> usize {
        let mut c = self.choice.lock();
        let key = (rec.id, rec.user, rec.time.to_bits());
        if c.key != Some(key) {
            c.key = Some(key);
            let n = self.wiring.models.len();
            c.active = if self.distribution.len() == n {
                c.rng.get_discrete(&self.distribution)
            } else {
                // Not initialised yet: the uniform distribution.
                (c.rng.get() * n as f64) as usize
            };
        }
        c.active.min(self.wiring.models.len().saturating_sub(1))
    }
}

impl Model for RandomChoosingCombinedModel {
    fn prediction(&self, rec: &RecDat) -> f64 {
        if self.wiring.models.is_empty() {
            return f64::NAN;
        }
        let i = self.active_for(rec);
        self.wiring.models[i].borrow().map_or(f64::NAN, |m| m.prediction(rec))
    }

    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        let i = self.active_for(q.rec);
        let m = self.wiring.models.get(i)?.borrow().ok()?;
        if let Some(count) = m.count_ranked(q) {
            return Some(count);
        }
        let rec = q.rec;
        if let Some(mut it) = (m.rank_path() == RankPath::Iterator).then(|| m.ranking_iterator(rec.user)).flatten() {
            return Some(iterator_walk(q, it.as_mut()));
        }
        Some(brute_force(q, |item| m.prediction(&rec.with_item(item))))
    }

    fn prepare(&self, rec: &RecDat, env: &crate::experiment::Environment) {
        for m in &self.wiring.models {
            if let Ok(m) = m.borrow() {
                m.prepare(rec, env);
            }
        }
    }

    fn add(&mut self, rec: &RecDat) {
        for m in &self.wiring.models {
            if let Ok(mut m) = m.borrow_mut() {
                m.add(rec);
            }
        }
    }

    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        write_header(out, KIND, 1, 0)?;
        let mut e = Encoder { kind: KIND, out };
        write_f64s(&mut e, &self.distribution, "weights")?;
        let c = self.choice.lock();
        e.u64(c.rng.state())?;
        e.u32(c.active as u32)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        read_header(input, KIND, 1, 0)?;
        let mut d = Decoder { kind: KIND, input };
        let distribution = read_f64s(&mut d, "weights")?;
        let rng = read_random(&mut d)?;
        let active = d.u32("the active model")? as usize;
        self.distribution = distribution;
        *self.choice.get_mut() = Choice { rng, active, key: None };
        Ok(())
    }
}

impl Component for RandomChoosingCombinedModel {
    const NAME: &'static str = "RandomChoosingCombinedModel";
    type Params = RandomChoosingCombinedModelParameters;
    type Wiring = RandomChoosingCombinedModelWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let rng = Random::new(params.seed);
        Ok(RandomChoosingCombinedModel {
            params,
            wiring: Default::default(),
            distribution: Vec::new(),
            choice: Mutex::new(Choice { rng, active: 0, key: None }),
        })
    }
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.sync_distribution();
        Ok(())
    }
    crate::component_accessors!();
}
