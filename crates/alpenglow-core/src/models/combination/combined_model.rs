//! A weighted sum of models, with global and optionally per-user weights.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use atomic_refcell::AtomicRef;
use parking_lot::Mutex;

use crate::component::Component;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};
use crate::models::Model;
use crate::ranking::walk::brute_force;
use crate::ranking::{RankCount, RankQuery};

use super::io::{read_f64s, write_f64s};

const KIND: &str = "CombinedModel";

crate::parameters! {
    /// A linear combination of models (`add_model`, in order):
    /// prediction = Σ p_i·gw_i, or with `use_user_weights` Σ p_i·(uw_i + gw_i), where p_i is
    /// model i's prediction, gw_i its global weight and uw_i the user's own weight (0 until
    /// trained). With user weights, a user the model never saw in `add` gets prediction 0.
    /// `add_model` resets the global weights to 1/n each, n the number of models. Train the
    /// weights with `CombinedDoubleLayerModelGradientUpdater`; without it the model is a fixed
    /// equal-weight average. `add` is forwarded to every model, and creates the (zero) weight
    /// vector of a new user.
    ///
    /// With `log_file_name` and `log_frequency` k > 0, every k-th prediction (the k-th, 2k-th,
    /// ... call) writes a line "time w_1 ... w_n" of the global weights to the file, which is
    /// created (truncated) when a run starts. The original always opened the file; here an
    /// empty name means no log. A write error is reported when the next run starts.
    pub struct CombinedModelParameters {
        /// File the global weights are logged to ("": no log).
        pub log_file_name: String = String::new(),
        /// Log every `log_frequency`-th prediction (0: never).
        pub log_frequency: i64 = 0; where int_min(0),
        /// Learn a weight vector per user on top of the global weights.
        pub use_user_weights: bool = false,
    }
}

crate::wiring! {
    pub struct CombinedModelWiring {
        /// A model to combine (call it for each, at least once).
        add_model => models: one_or_more dyn Model,
    }
}

pub struct CombinedModel {
    params: CombinedModelParameters,
    wiring: CombinedModelWiring,
    pub(super) global_weights: Vec<f64>,
    /// Per-user weights; an empty vector: the user has none yet.
    pub(super) user_weights: Vec<Vec<f64>>,
    calls: AtomicU64,
    log: Mutex<Option<std::fs::File>>,
    log_error: Mutex<Option<Error>>,
}

impl CombinedModel {
    pub fn use_user_weights(&self) -> bool {
        self.params.use_user_weights
    }

    pub fn global_weights(&self) -> &[f64] {
        &self.global_weights
    }

    /// The user's own weights (empty if none yet).
    pub fn user_weights(&self, user: u32) -> &[f64] {
        self.user_weights.get(user as usize).map_or(&[], |w| w.as_slice())
    }

    /// Number of models combined.
    pub fn len(&self) -> usize {
        self.wiring.models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wiring.models.is_empty()
    }

    /// Every model's prediction into `out` (NaN for a model that cannot be read now).
    pub fn predictions_into(&self, rec: &RecDat, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.wiring.models.iter().map(|m| m.borrow().map_or(f64::NAN, |m| m.prediction(rec))));
    }

    /// Resets the global weights to 1/n (and forgets the user weights) when the number of
    /// models changed since they were set.
    pub(super) fn sync_weights(&mut self) {
        let n = self.wiring.models.len();
        if self.global_weights.len() != n {
            self.global_weights = vec![1.0 / n as f64; n];
            self.user_weights.clear();
        }
    }

    pub(super) fn ensure_user(&mut self, user: u32) {
        let n = self.global_weights.len();
        let u = user as usize;
        if self.user_weights.len() <= u {
            self.user_weights.resize(u + 1, Vec::new());
        }
        if self.user_weights[u].len() != n {
            self.user_weights[u] = vec![0.0; n];
        }
    }

    fn log_weights(&self, time: f64) {
        let mut log = self.log.lock();
        let Some(out) = log.as_mut() else { return };
        let mut line = format!("{time}");
        for w in &self.global_weights {
            line.push_str(&format!(" {w}"));
        }
        line.push('\n');
        if let Err(e) = out.write_all(line.as_bytes()) {
            *log = None;
            *self.log_error.lock() = Some(Error::io(self.params.log_file_name.as_str(), e));
        }
    }
}

impl Model for CombinedModel {
    fn prediction(&self, rec: &RecDat) -> f64 {
        let k = self.params.log_frequency as u64;
        if k > 0 {
            let call = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
            if call.is_multiple_of(k) {
                self.log_weights(rec.time);
            }
        }
        let n = self.wiring.models.len();
        let user = if self.params.use_user_weights {
            match self.user_weights.get(rec.user as usize) {
                Some(w) if w.len() == n && self.global_weights.len() == n => Some(w.as_slice()),
                _ => return 0.0,
            }
        } else {
            None
        };
        let mut sum = 0.0;
        for (i, m) in self.wiring.models.iter().enumerate() {
            let Ok(m) = m.borrow() else { return f64::NAN };
            // Before the first run or `add`, the weights of newly added models are 1/n.
            let gw = if self.global_weights.len() == n { self.global_weights[i] } else { 1.0 / n as f64 };
            let w = user.map_or(gw, |uw| uw[i] + gw);
            sum += m.prediction(rec) * w;
        }
        sum
    }

    fn prepare(&self, rec: &RecDat, env: &crate::experiment::Environment) {
        for m in &self.wiring.models {
            if let Ok(m) = m.borrow() {
                m.prepare(rec, env);
            }
        }
    }

    /// The brute-force walk with every member borrowed once per ranked record (not once per
    /// candidate); the same sums in the same order as `prediction`, so the same counts. Not
    /// used with a weight log (which counts prediction calls) or more than 8 members.
    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        const MAX: usize = 8;
        let n = self.wiring.models.len();
        if n > MAX || self.global_weights.len() != n || self.params.log_frequency > 0 {
            return None;
        }
        let mut weights = [0.0; MAX];
        weights[..n].copy_from_slice(&self.global_weights);
        if self.params.use_user_weights {
            let uw = self.user_weights.get(q.rec.user as usize).filter(|w| w.len() == n)?;
            for (w, u) in weights.iter_mut().zip(uw) {
                *w += u;
            }
            // prediction computes uw_i + gw_i: the same value (addition commutes exactly).
        }
        let mut guards: [Option<AtomicRef<'_, dyn Model>>; MAX] = std::array::from_fn(|_| None);
        for (g, m) in guards.iter_mut().zip(&self.wiring.models) {
            *g = Some(m.borrow().ok()?);
        }
        let members = &guards[..n];
        Some(brute_force(q, |item| {
            let r = q.rec.with_item(item);
            let mut sum = 0.0;
            for (m, &w) in members.iter().flatten().zip(&weights[..n]) {
                sum += m.prediction(&r) * w;
            }
            sum
        }))
    }

    /// Saves the weights (the member models are saved on their own).
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        write_header(out, KIND, 1, 0)?;
        let mut e = Encoder { kind: KIND, out };
        write_f64s(&mut e, &self.global_weights, "global weights")?;
        e.len(self.user_weights.len(), "users")?;
        self.user_weights.iter().try_for_each(|w| write_f64s(&mut e, w, "user weights"))
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        read_header(input, KIND, 1, 0)?;
        let mut d = Decoder { kind: KIND, input };
        let global = read_f64s(&mut d, "global weights")?;
        let users = d.len("users")?;
        let mut user_weights = Vec::new();
        for _ in 0..users {
            user_weights.push(read_f64s(&mut d, "user weights")?);
        }
        self.global_weights = global;
        self.user_weights = user_weights;
        Ok(())
    }

    fn add(&mut self, rec: &RecDat) {
        self.sync_weights();
        for m in &self.wiring.models {
            if let Ok(mut m) = m.borrow_mut() {
                m.add(rec);
            }
        }
        if self.params.use_user_weights {
            self.ensure_user(rec.user);
        }
    }
}

impl Component for CombinedModel {
    const NAME: &'static str = "CombinedModel";
    type Params = CombinedModelParameters;
    type Wiring = CombinedModelWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(CombinedModel {
            params,
            wiring: Default::default(),
            global_weights: Vec::new(),
            user_weights: Vec::new(),
            calls: AtomicU64::new(0),
            log: Mutex::new(None),
            log_error: Mutex::new(None),
        })
    }
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.sync_weights();
        if let Some(e) = self.log_error.get_mut().take() {
            return Err(e);
        }
        let log = self.log.get_mut();
        *log = None;
        if !self.params.log_file_name.is_empty() {
            // Unbuffered: a line every `log_frequency` predictions, complete when a run ends.
            *log = Some(crate::data::files::create_output(std::path::Path::new(&self.params.log_file_name))?);
        }
        self.calls.store(0, Ordering::Relaxed);
        Ok(())
    }
    crate::component_accessors!();
    /// The prediction-call counter of the weight log.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.calls.load(Ordering::Relaxed))
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        *self.calls.get_mut() = input.u64("the call counter")?;
        Ok(())
    }
}
