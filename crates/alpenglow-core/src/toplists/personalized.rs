//! The best items of the record's user.

use super::ToplistCreator;
use super::best::{Candidates, best_items};
use crate::component::{Component, slot};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::Environment;
use crate::models::Model;

crate::parameters! {
    /// The model's top-`top_k` items for the record's user, best first (higher score, then
    /// lower item id), over the experiment's items; with `exclude_known` the user's known items
    /// (the pairs seen earlier in the stream) are skipped. Uses the model's exact top list or
    /// ranking-score iterator when it has one, else scores every item.
    ///
    /// Differences from the original: items with a non-finite score or a score of exactly 0
    /// are not listed (as in the rank semantics), ties have one deterministic order, and the
    /// train matrix and items always come from the experiment (no `set_train_matrix` /
    /// `set_items` calls).
    pub struct ToplistCreatorPersonalizedParameters {
        /// Length of the lists (-1: the experiment's top_k).
        pub top_k: i64 = -1; where int(1..=i32::MAX as i64).or(-1, "from the experiment"),
        /// 1: skip the user's known items, 0: keep them, -1: the experiment's setting.
        pub exclude_known: i64 = -1; where int(-1..=1),
    }
}

crate::wiring! {
    pub struct ToplistCreatorPersonalizedWiring {
        /// The model whose top lists are created.
        set_model => model: required dyn Model,
    }
}

pub struct ToplistCreatorPersonalized {
    params: ToplistCreatorPersonalizedParameters,
    wiring: ToplistCreatorPersonalizedWiring,
    top_k: usize,
    exclude_known: bool,
    candidates: Candidates,
    /// Number of experiment items when `candidates` was built.
    known_items: usize,
}

impl ToplistCreator for ToplistCreatorPersonalized {
    fn run(&mut self, rec: &RecDat, env: &Environment) -> Result<Vec<RecDat>> {
        if self.known_items != env.items().len() {
            self.candidates = Candidates::new(env.items());
            self.known_items = env.items().len();
        }
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let exclude = if self.exclude_known { env.train_matrix().row(rec.user) } else { None };
        let list = best_items(&*model, rec, self.top_k, exclude, &self.candidates);
        Ok(list.into_iter().map(|(item, score)| RecDat { item, score, ..*rec }).collect())
    }

    fn prepare(&mut self, env: &Environment) -> Result<()> {
        self.top_k = if self.params.top_k > 0 { self.params.top_k as usize } else { env.top_k() };
        self.exclude_known = match self.params.exclude_known {
            -1 => env.exclude_known(),
            v => v != 0,
        };
        self.known_items = usize::MAX;
        Ok(())
    }
}

impl Component for ToplistCreatorPersonalized {
    const NAME: &'static str = "ToplistCreatorPersonalized";
    type Params = ToplistCreatorPersonalizedParameters;
    type Wiring = ToplistCreatorPersonalizedWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(ToplistCreatorPersonalized {
            params,
            wiring: Default::default(),
            top_k: 0,
            exclude_known: false,
            candidates: Candidates::default(),
            known_items: usize::MAX,
        })
    }
    crate::component_accessors!();
    fn initialize(&mut self, env: &Environment) -> Result<()> {
        ToplistCreator::prepare(self, env)
    }
}
