//! The environment shared (read-only) by every component of a run: parameters, the items and
//! users seen so far, the train matrix and the popularity containers.

use crate::containers::{PopContainer, TopPopContainer, TrainMatrix};
use crate::data::RecDat;

#[derive(Debug, Clone)]
pub struct EnvironmentParameters {
    pub top_k: usize,
    pub exclude_known: bool,
    pub initialize_all: bool,
    pub max_user: i64,
    pub max_item: i64,
    pub evaluation_start_time: f64,
    pub experiment_termination_time: f64,
    /// Rank records whose item or user is new (see `ranking`) instead of giving them no rank.
    pub evaluate_cold_start: bool,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub params: EnvironmentParameters,
    time: f64,
    items: Vec<u32>,
    users: Vec<u32>,
    item_seen: Vec<bool>,
    user_seen: Vec<bool>,
    train: TrainMatrix,
    popularity: PopContainer,
    popularity_sorted: TopPopContainer,
    first_occurrence_of_item: bool,
    first_occurrence_of_user: bool,
    item_new_for_user: bool,
    /// Number of records in the stream of the run (for progress and generators).
    pub stream_len: usize,
    /// The served records, for components that look back (set by the run).
    stream: Option<std::sync::Arc<super::Stream>>,
    /// Serving position of the current record (0-based).
    position: usize,
}

fn mark(seen: &mut Vec<bool>, id: u32) -> bool {
    let i = id as usize;
    if i >= seen.len() {
        seen.resize(i + 1, false);
    }
    !std::mem::replace(&mut seen[i], true)
}

impl Environment {
    /// A fresh environment. With `initialize_all`, every id in 0..=max exists from the start.
    ///
    /// Fix: the original pre-filled only when the max id was > 0, so a single-item stream
    /// (max id 0) never listed item 0; here max id >= 0 pre-fills.
    pub fn new(params: EnvironmentParameters, stream_len: usize) -> Self {
        let mut env = Environment {
            params,
            time: -1.0,
            items: Vec::new(),
            users: Vec::new(),
            item_seen: Vec::new(),
            user_seen: Vec::new(),
            train: TrainMatrix::default(),
            popularity: PopContainer::default(),
            popularity_sorted: TopPopContainer::default(),
            first_occurrence_of_item: true,
            first_occurrence_of_user: true,
            item_new_for_user: true,
            stream_len,
            stream: None,
            position: 0,
        };
        if env.params.initialize_all {
            if env.params.max_user >= 0 {
                env.users = (0..=env.params.max_user as u32).collect();
            }
            if env.params.max_item >= 0 {
                env.items = (0..=env.params.max_item as u32).collect();
                for i in 0..=env.params.max_item as u32 {
                    env.popularity_sorted.create(i);
                }
            }
        }
        env
    }

    /// Adds the record's statistics (called after the loggers, before the updaters).
    #[inline(always)]
    pub fn update(&mut self, rec: &RecDat) {
        self.time = rec.time;
        let prefilled_item = self.params.initialize_all && (rec.item as i64) <= self.params.max_item;
        self.first_occurrence_of_item = mark(&mut self.item_seen, rec.item);
        if self.first_occurrence_of_item && !prefilled_item {
            self.items.push(rec.item);
        }
        let prefilled_user = self.params.initialize_all && (rec.user as i64) <= self.params.max_user;
        self.first_occurrence_of_user = mark(&mut self.user_seen, rec.user);
        if self.first_occurrence_of_user && !prefilled_user {
            self.users.push(rec.user);
        }
        self.item_new_for_user = self.train.insert(rec.user, rec.item);
        self.popularity_sorted.increase(rec.item);
        self.popularity.increase(rec.item);
    }

    /// Gives the environment the run's served records (before components are initialised).
    pub fn set_stream(&mut self, stream: super::Stream) {
        self.stream_len = stream.len();
        self.stream = Some(std::sync::Arc::new(stream));
    }

    /// The run's served records, for components that look back at the past.
    pub fn stream(&self) -> crate::Result<&super::Stream> {
        self.stream
            .as_deref()
            .ok_or_else(|| crate::Error::wiring("this component needs the records of a run (the environment has no stream)"))
    }

    /// Sets the serving position of the record about to be processed.
    #[inline]
    pub fn set_position(&mut self, k: usize) {
        self.position = k;
    }

    /// Serving position (0-based) of the current record.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Time of the record served after the current one, `None` at the last record.
    pub fn following_time(&self) -> Option<f64> {
        let stream = self.stream.as_deref()?;
        (self.position + 1 < stream.len()).then(|| stream.time(self.position + 1))
    }

    pub fn time(&self) -> f64 {
        self.time
    }
    pub fn top_k(&self) -> usize {
        self.params.top_k
    }
    pub fn exclude_known(&self) -> bool {
        self.params.exclude_known
    }
    pub fn evaluate_cold_start(&self) -> bool {
        self.params.evaluate_cold_start
    }
    #[inline]
    pub fn is_item_existent(&self, item: u32) -> bool {
        (self.params.initialize_all && (item as i64) <= self.params.max_item)
            || self.item_seen.get(item as usize).copied().unwrap_or(false)
    }
    #[inline]
    pub fn is_user_existent(&self, user: u32) -> bool {
        (self.params.initialize_all && (user as i64) <= self.params.max_user)
            || self.user_seen.get(user as usize).copied().unwrap_or(false)
    }
    pub fn is_new_item(&self) -> bool {
        !self.params.initialize_all && self.first_occurrence_of_item
    }
    pub fn is_new_user(&self) -> bool {
        !self.params.initialize_all && self.first_occurrence_of_user
    }
    pub fn is_first_occurrence_of_item(&self) -> bool {
        self.first_occurrence_of_item
    }
    pub fn is_first_occurrence_of_user(&self) -> bool {
        self.first_occurrence_of_user
    }
    pub fn is_item_new_for_user(&self) -> bool {
        self.item_new_for_user
    }
    /// Items in order of first occurrence (or 0..=max_item when pre-filled).
    pub fn items(&self) -> &[u32] {
        &self.items
    }
    pub fn users(&self) -> &[u32] {
        &self.users
    }
    pub fn train_matrix(&self) -> &TrainMatrix {
        &self.train
    }
    pub fn popularity(&self) -> &PopContainer {
        &self.popularity
    }
    pub fn popularity_sorted(&self) -> &TopPopContainer {
        &self.popularity_sorted
    }
}
