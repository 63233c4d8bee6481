//! A model whose top lists come from outside: it records who was evaluated (write mode) and
//! serves lists computed by an external tool (read mode).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use parking_lot::Mutex;

use super::predictions::Predictions;
use super::ExternalPredictions;
use crate::component::{Component, NoWiring};
use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};
use crate::models::{Model, RankPath};

crate::parameters! {
    /// Evaluates top lists computed by an external tool (see `OfflineExternalModelLearner` for
    /// the file protocol). The rank of a record is the position of its item in the user's list.
    ///
    /// * "write": every user whose top list is asked for (each evaluated record) is
    ///   remembered and gets an empty list (so every rank is NaN);
    ///   `write_requested_users(file)` writes them, ascending, and forgets them.
    /// * "read": the lists loaded by `read_predictions(file)` are served; the item at
    ///   position `i` (0-based) scores `1/(i+1)`.
    ///
    /// The prediction of any pair is 0. The lists are served as they are: `exclude_known` is
    /// not applied to them (as in the original). Fix: the original computed `1/(i+1)` in
    /// integer arithmetic (1, 0, 0, …); here it is a float (1, 0.5, 0.333…).
    pub struct ExternalModelParameters {
        /// "write" (record the evaluated users) or "read" (serve loaded predictions).
        pub mode: String = "write".to_string(); where one_of(&["write", "read"]),
    }
}

pub struct ExternalModel {
    params: ExternalModelParameters,
    wiring: NoWiring,
    predictions: Predictions,
    /// Users whose top list was asked for since the last `write_requested_users` (write mode).
    /// Behind a lock because top lists are asked for through `&self`.
    requested: Mutex<BTreeSet<u32>>,
}

impl ExternalModel {
    pub fn is_write_mode(&self) -> bool {
        self.params.mode == "write"
    }

    pub fn mode(&self) -> &str {
        &self.params.mode
    }

    /// The users asked for since the last `write_requested_users`, ascending.
    pub fn requested_users(&self) -> Vec<u32> {
        self.requested.lock().iter().copied().collect()
    }

    /// Replaces the served lists (read mode).
    pub fn set_predictions(&mut self, predictions: Predictions) {
        self.predictions = predictions;
    }
}

impl ExternalPredictions for ExternalModel {
    /// Replaces the served lists by those of `path` (`user item pos` lines).
    fn read_predictions(&mut self, path: &Path) -> Result<()> {
        self.predictions = Predictions::read(path)?;
        Ok(())
    }

    /// Writes `user` then the requested users, one per line in ascending id order, and forgets
    /// them (only once the file is complete).
    fn write_requested_users(&mut self, path: &Path) -> Result<()> {
        let name = path.display().to_string();
        let io = |e| Error::io(name.as_str(), e);
        let mut out = std::io::BufWriter::new(crate::data::files::create_output(path)?);
        let mut requested = self.requested.lock();
        out.write_all(b"user\n").map_err(io)?;
        for user in requested.iter() {
            writeln!(out, "{user}").map_err(io)?;
        }
        out.flush().map_err(io)?;
        requested.clear();
        Ok(())
    }
}

impl Model for ExternalModel {
    fn prediction(&self, _rec: &RecDat) -> f64 {
        0.0
    }

    fn rank_path(&self) -> RankPath {
        RankPath::TopList
    }

    /// Write mode: remembers `user`, returns no list. Read mode: the first `k` items of the
    /// user's list with scores `1/position`. `exclude` is ignored (see the parameters' doc).
    fn top_list(&self, user: u32, k: usize, _exclude: Option<&Row>) -> Vec<(u32, f64)> {
        if self.is_write_mode() {
            self.requested.lock().insert(user);
            return Vec::new();
        }
        let list = self.predictions.list(user);
        list.iter().take(k).enumerate().map(|(i, &item)| (item, 1.0 / (i + 1) as f64)).collect()
    }

    /// Forgets the loaded lists. The requested users are kept: they record the evaluation,
    /// not learned state, and the next `write_requested_users` still needs them.
    fn clear(&mut self) -> Result<()> {
        self.predictions = Predictions::default();
        Ok(())
    }

    /// Format (after the header, version 1): the number of users with a list, then for each
    /// its id and its items (length, ids); then the requested users (length, ids).
    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        write_header(out, KIND, 1, 0)?;
        let mut e = Encoder { kind: KIND, out };
        let users = self.predictions.users();
        e.len(users.len(), "users")?;
        for &user in users {
            e.u32(user)?;
            e.u32s(self.predictions.list(user), "items of a list")?;
        }
        e.u32s(&self.requested_users(), "requested users")
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        read_header(input, KIND, 1, 0)?;
        let mut d = Decoder { kind: KIND, input };
        let n = d.len("users")?;
        let mut pairs = Vec::new();
        let mut previous: Option<u32> = None;
        for _ in 0..n {
            let user = d.id("user")?;
            if previous.is_some_and(|p| p >= user) {
                return Err(d.corrupt("users are not in ascending order"));
            }
            previous = Some(user);
            for item in d.ids("items of a list")? {
                crate::alloc::reserve(&mut pairs, 1, "ExternalModel: the predictions")?;
                pairs.push((user, item));
            }
        }
        let requested = d.ids("requested users")?;
        d.end()?;
        self.predictions = Predictions::from_sorted(pairs.into_iter())?;
        *self.requested.lock() = requested.into_iter().collect();
        Ok(())
    }
}

const KIND: &str = "ExternalModel";

impl Component for ExternalModel {
    const NAME: &'static str = "ExternalModel";
    type Params = ExternalModelParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(ExternalModel {
            params,
            wiring: NoWiring,
            predictions: Predictions::default(),
            requested: Mutex::new(BTreeSet::new()),
        })
    }
    crate::component_accessors!();

    /// A run starts with no requested users (loaded predictions are kept).
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.requested.get_mut().clear();
        Ok(())
    }
}
