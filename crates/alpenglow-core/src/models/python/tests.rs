use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::*;
use crate::component::Component;
use crate::containers::train_matrix::Row;
use crate::error::Error;
use crate::experiment::environment::EnvironmentParameters;
use crate::experiment::Environment;
use crate::fault;
use crate::models::RankPath;
use crate::params::Parameters;
use crate::ranking::RankComputer;

/// Scores from a formula; counts the calls; fails from call number `fail_at` on.
struct Table {
    vectorised: bool,
    calls: AtomicUsize,
    fail_at: usize,
    /// (iterator id) -> remaining (item, score) pairs, best first, and the pair served next.
    iterators: Mutex<std::collections::HashMap<u64, (Vec<(u32, f64)>, Option<(u32, f64)>)>>,
    scores: Mutex<Vec<f64>>,
}

const ITEMS: u32 = 12;

fn score(user: u32, item: u32) -> f64 {
    // Ties on purpose (the tie draws must match too); item 11 scores 0 (never ranked).
    [3.0, 1.0, 2.0, 2.0, 5.0, 1.0, 4.0, 2.0, 0.5, 3.0, 1.5, 0.0][((item + user) % ITEMS) as usize]
}

impl Table {
    fn new(vectorised: bool) -> Self {
        Table {
            vectorised,
            calls: AtomicUsize::new(0),
            fail_at: usize::MAX,
            iterators: Default::default(),
            scores: Default::default(),
        }
    }
    fn call(&self) -> crate::Result<()> {
        if self.calls.fetch_add(1, Ordering::Relaxed) >= self.fail_at {
            return Err(Error::data("the hook failed"));
        }
        Ok(())
    }
    fn sorted(user: u32) -> Vec<(u32, f64)> {
        let mut all: Vec<(u32, f64)> = (0..ITEMS).map(|i| (i, score(user, i))).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all
    }
}

impl ModelCallbacks for Table {
    fn prediction(&self, rec: &RecDat) -> crate::Result<f64> {
        self.call()?;
        Ok(score(rec.user, rec.item))
    }
    fn vectorised(&self) -> bool {
        self.vectorised
    }
    fn refresh_scores(&self, rec: &RecDat) -> crate::Result<()> {
        self.call()?;
        let mut scores = self.scores.lock().unwrap();
        scores.clear();
        // One short: the last item id is past the end and scores 0, like score(.., 11) for user 0.
        scores.extend((0..ITEMS - 1).map(|i| score(rec.user, i)));
        if rec.user % ITEMS != 0 {
            scores.push(score(rec.user, ITEMS - 1));
        }
        Ok(())
    }
    fn with_scores(&self, read: &mut dyn FnMut(&[f64])) -> crate::Result<()> {
        read(&self.scores.lock().unwrap());
        Ok(())
    }
    fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> crate::Result<Vec<(u32, f64)>> {
        self.call()?;
        Ok(Self::sorted(user).into_iter().filter(|(i, _)| !exclude.is_some_and(|r| r.contains(i))).take(k).collect())
    }
    fn iterator_has_next(&self, id: u64, user: u32, bound: f64) -> crate::Result<bool> {
        self.call()?;
        let mut its = self.iterators.lock().unwrap();
        let (rest, next) = its.entry(id).or_insert_with(|| (Self::sorted(user), None));
        if rest.is_empty() || rest[0].1 < bound {
            return Ok(false);
        }
        *next = Some(rest.remove(0));
        Ok(true)
    }
    fn iterator_get_next(&self, id: u64, _user: u32) -> crate::Result<(u32, f64)> {
        self.call()?;
        Ok(self.iterators.lock().unwrap().get(&id).and_then(|(_, n)| *n).expect("has_next first"))
    }
}

fn env() -> Environment {
    let p = EnvironmentParameters {
        top_k: 5,
        exclude_known: false,
        initialize_all: true,
        max_user: 3,
        max_item: ITEMS as i64 - 1,
        evaluation_start_time: 0.0,
        experiment_termination_time: 0.0,
        evaluate_cold_start: false,
    };
    Environment::new(p, 0)
}

fn model<K: Kind>(table: Arc<Table>) -> ForeignModel<K> {
    let mut m = ForeignModel::<K>::new(K::Params::from_kwargs(K::NAME, &[]).unwrap()).unwrap();
    m.set_callbacks(table);
    m
}

fn records() -> Vec<RecDat> {
    (0..40u32)
        .map(|k| RecDat { id: k as i64, time: k as f64, user: k % 4, item: (k * 7) % ITEMS, eval: true, ..Default::default() })
        .collect()
}

fn ranks(model: &dyn Model) -> Vec<usize> {
    let env = env();
    let mut rc = RankComputer::new(5, false, 43211234);
    records().iter().map(|r| rc.rank(model, r, &env)).collect()
}

#[test]
fn every_kind_ranks_like_the_reference() {
    let plain = ranks(&model::<model::Plain>(Arc::new(Table::new(false))));
    let mut reference = RankComputer::new(5, false, 43211234);
    reference.reference = true;
    let env = env();
    let m = model::<model::Plain>(Arc::new(Table::new(false)));
    let expected: Vec<usize> = records().iter().map(|r| reference.rank(&m, r, &env)).collect();
    assert_eq!(plain, expected);
    assert!(plain.iter().any(|&r| r < 5) && plain.iter().any(|&r| r >= 5), "{plain:?}");

    let table = Arc::new(Table::new(true));
    assert_eq!(ranks(&model::<model::Plain>(table.clone())), plain, "predict_all gives the same ranks");
    // One predict_all per evaluated record (the record's own prediction included).
    assert_eq!(table.calls.load(Ordering::Relaxed), records().len());

    let iterated = ranks(&model::<model::RankingIterator>(Arc::new(Table::new(false))));
    assert_eq!(iterated, plain, "the iterator path gives the same ranks");
}

#[test]
fn the_toplist_kind_ranks_by_list_position() {
    let m = model::<model::Toplist>(Arc::new(Table::new(false)));
    assert_eq!(m.rank_path(), RankPath::TopList);
    let got = ranks(&m);
    for (r, rank) in records().iter().zip(got) {
        let pos = Table::sorted(r.user).iter().take(5).position(|&(i, _)| i == r.item).unwrap_or(5);
        assert_eq!(rank, pos);
    }
}

#[test]
fn a_failing_hook_reports_once_and_stops_calling_out() {
    let _ = fault::take();
    for vectorised in [false, true] {
        let table = Arc::new(Table { fail_at: 3, ..Table::new(vectorised) });
        let m = model::<model::Plain>(table.clone());
        let env = env();
        let mut rc = RankComputer::new(5, false, 1);
        for r in records().iter().take(4) {
            rc.rank(&m, r, &env);
        }
        let calls = table.calls.load(Ordering::Relaxed);
        assert_eq!(calls, 4, "no call after the failing one (vectorised: {vectorised})");
        assert!(m.prediction(&records()[0]).is_nan());
        let e = fault::take().expect("the error is pending");
        assert!(e.to_string().contains("the hook failed"), "{e}");
    }
}

#[test]
fn a_model_without_its_object_is_a_wiring_error() {
    let mut m = PythonModel::new(model::PythonModelParameters::from_kwargs("PythonModel", &[]).unwrap()).unwrap();
    let e = m.initialize(&env()).unwrap_err().to_string();
    assert!(e.contains("PythonModel: no Python object is attached"), "{e}");
    let mut u = PythonUpdater::new(updater::PythonUpdaterParameters::from_kwargs("PythonUpdater", &[]).unwrap()).unwrap();
    let e = u.initialize(&env()).unwrap_err().to_string();
    assert!(e.contains("alpenglow.cpp.Updater"), "{e}");
}
