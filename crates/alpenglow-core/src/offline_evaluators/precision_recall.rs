//! Precision and recall of a model's top lists against a test file.

use std::collections::BTreeMap;

use super::OfflineEvaluator;
use super::toplist_files::test_records;
use crate::component::{Component, slot};
use crate::data::{RecDat, RecommenderData};
use crate::error::Result;
use crate::models::Model;
use crate::toplists::{Candidates, best_items};

crate::parameters! {
    /// For every user of the test file: the model's top-`cutoff` list over the training items
    /// (the items of `set_train_data`; known items are not excluded), and
    /// `hits` = the number of listed items among the user's test items. `evaluate()` prints
    /// `precision_avg=` (mean hits / cutoff) and `recall_avg=` (mean hits / the user's number of
    /// distinct test items) to stdout.
    ///
    /// Fix: the original printed the two under swapped names. Lists follow the one tie order
    /// (higher score, then lower item id) and skip items with a non-finite or zero score.
    pub struct PrecisionRecallEvaluatorParameters {
        /// Length of the lists.
        pub cutoff: i64 = 10; where int(1..=i32::MAX as i64),
        /// The test file.
        pub test_file_name: String = String::new(),
        /// Its format (an experimentType, e.g. "online", "offline", or "csv").
        pub test_file_type: String = "online".to_string(),
        /// The time of the probe records the model scores.
        pub time: f64 = 0.0; where finite(),
    }
}

crate::wiring! {
    pub struct PrecisionRecallEvaluatorWiring {
        /// The evaluated model.
        set_model => model: required dyn Model,
        /// The training data (its items are the candidates).
        set_train_data => train: required RecommenderData,
    }
}

pub struct PrecisionRecallEvaluator {
    params: PrecisionRecallEvaluatorParameters,
    wiring: PrecisionRecallEvaluatorWiring,
}

impl PrecisionRecallEvaluator {
    /// (precision_avg, recall_avg) over the test users (0, 0 for an empty test file).
    pub fn scores(&self) -> Result<(f64, f64)> {
        let (test, _) = test_records(Self::NAME, &self.params.test_file_name, &self.params.test_file_type)?;
        let mut by_user: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for r in &test {
            by_user.entry(r.user).or_default().push(r.item);
        }
        let items: Vec<u32> = {
            let train = slot(&self.wiring.train, Self::NAME, "set_train_data")?.borrow()?;
            let v = train.view();
            (0..train.len()).map(|k| v.record(k).item).collect()
        };
        let candidates = Candidates::new(&items);
        let model = slot(&self.wiring.model, Self::NAME, "set_model")?.borrow()?;
        let cutoff = self.params.cutoff as usize;
        let (mut precision, mut recall) = (0.0, 0.0);
        for (&user, test_items) in by_user.iter_mut() {
            test_items.sort_unstable();
            test_items.dedup();
            let probe = RecDat { user, time: self.params.time, ..Default::default() };
            let list = best_items(&*model, &probe, cutoff, None, &candidates);
            let hits = list.iter().filter(|(i, _)| test_items.binary_search(i).is_ok()).count() as f64;
            precision += hits / cutoff as f64;
            recall += hits / test_items.len() as f64;
        }
        let n = by_user.len().max(1) as f64;
        Ok((precision / n, recall / n))
    }
}

impl OfflineEvaluator for PrecisionRecallEvaluator {
    fn evaluate(&mut self) -> Result<()> {
        let (p, r) = self.scores()?;
        println!("precision_avg={p}");
        println!("recall_avg={r}");
        Ok(())
    }
}

impl Component for PrecisionRecallEvaluator {
    const NAME: &'static str = "PrecisionRecallEvaluator";
    type Params = PrecisionRecallEvaluatorParameters;
    type Wiring = PrecisionRecallEvaluatorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PrecisionRecallEvaluator { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}
