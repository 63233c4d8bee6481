use crate::component::Handle;
use crate::data::RecDat;
use crate::experiment::{Environment, Updater};
use crate::models::Model;
use crate::params::Value;
use crate::ranking::rank_computer::{NEW_ITEM, ZERO_PREDICTION};
use crate::ranking::RankComputer;
use crate::sampling::testing::env;

use super::{AvailabilityFilter, AvailabilityTable, WhitelistFilter};

fn build(name: &str, kw: &[(&str, Value)]) -> Handle {
    let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    crate::registry::build(name, &kw).unwrap()
}

fn rec(time: f64, user: u32, item: u32) -> RecDat {
    RecDat { time, user, item, score: 1.0, eval: true, ..RecDat::default() }
}

/// The same model, ranked by the popularity-ordered brute force.
struct Brute<'a>(&'a dyn Model);

impl Model for Brute<'_> {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.0.prediction(rec)
    }
}

/// Runs a tiny online experiment: ranks every record with the adapter (iterator path) and by
/// brute force (same seed), then trains `updaters`. Returns both rank lists.
fn ranks(adapter: &Handle, updaters: &[Handle], stream: &[RecDat]) -> (Vec<usize>, Vec<usize>) {
    let mut e: Environment = env();
    let model = adapter.role::<dyn Model>().unwrap().clone();
    let (mut fast, mut slow) = (RankComputer::new(10, false, 43211234), RankComputer::new(10, false, 43211234));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for r in stream {
        model
            .with(|m| {
                assert_eq!(m.rank_path(), crate::models::RankPath::Iterator);
                a.push(fast.rank(m, r, &e));
                b.push(slow.rank(&Brute(m), r, &e));
            })
            .unwrap();
        e.update(r);
        for u in updaters {
            u.role::<dyn Updater>().unwrap().with_mut(|u| u.update(r, &e)).unwrap().unwrap();
        }
    }
    (a, b)
}

fn popularity() -> (Handle, Handle) {
    let model = build("PopularityModel", &[]);
    let updater = build("PopularityModelUpdater", &[]);
    updater.wire("set_model", &model).unwrap();
    (model, updater)
}

fn adapter(model: &Handle, filter: &Handle) -> Handle {
    let a = build("WhitelistFilter2ModelAdapter", &[]);
    a.wire("set_model", model).unwrap();
    a.wire("set_whitelist_filter", filter).unwrap();
    a
}

const NEW: usize = 10 + NEW_ITEM;
const ZERO: usize = 10 + ZERO_PREDICTION;

#[test]
fn label_filter_ranks_exactly_on_both_paths() {
    let dir = std::env::temp_dir().join(format!("alpenglow-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("labels.txt");
    // Item parity is the label.
    std::fs::write(&path, (0..8).map(|i| format!("{i} {}\n", i % 2)).collect::<String>()).unwrap();
    let filter = build("LabelFilter", &[("label_file_name", Value::Str(path.display().to_string()))]);
    let (model, pop_updater) = popularity();
    let a = adapter(&model, &filter);
    let s = [
        rec(1.0, 0, 0),  // new item
        rec(2.0, 1, 2),  // new item
        rec(3.0, 1, 2),  // user 1 label 0; items 0 and 2 both count 1: a tie
        rec(4.0, 0, 1),  // new item
        rec(5.0, 0, 2),  // user 0's last label is 1 (item 1); item 2 is even: filtered out
        rec(6.0, 2, 4),  // new item
        rec(7.0, 1, 4),  // label 0: item 2 (count 2) > item 4 = item 0 (count 1)
        rec(8.0, 0, 3),  // new item
        rec(9.0, 0, 1),  // label 1: items 1, 3 both count 1: a tie
        rec(10.0, 1, 0), // label 0: item 2 (2) > item 4 (2)? both 2 -> tie; item 0 (1) below
    ];
    let (fast, slow) = ranks(&a, &[pop_updater, filter.clone()], &s);
    assert_eq!(fast, slow);
    // Tie draws of seed 43211234 with get(2): 0 0 0 1 ... (one per ranked record with ties).
    // r2: tie with item 0 -> 0 + 0; r6: item 2 better, tie with item 0 -> 1 + 0;
    // r8: tie with item 3 -> 0 + 0; r9: items 2 and 4 count 2: item 2 better... see below.
    assert_eq!(&fast[..9], &[NEW, NEW, 0, NEW, ZERO, NEW, 1, NEW, 0]);
    // r9 (user 1, item 0, label 0): counts item 2: 2, item 4: 2, item 0: 1 -> 2 better.
    assert_eq!(fast[9], 2);
    let f = filter.downcast::<super::LabelFilter>().unwrap();
    assert_eq!(f.with(|f| (f.last_label(0), f.last_label(1), f.last_label(5))).unwrap(), (1, 0, -1));
    let mut wl = Vec::new();
    f.with(|f| f.whitelist_into(1, 0.0, &mut wl)).unwrap();
    assert_eq!(wl, vec![0, 2, 4, 6]);
    f.with(|f| f.whitelist_into(5, 0.0, &mut wl)).unwrap();
    assert!(wl.is_empty());
    // A missing label file is an error naming it.
    let e =
        crate::registry::build("LabelFilter", &[("label_file_name".into(), Value::Str("/nonexistent/l.txt".into()))])
            .err()
            .unwrap()
            .to_string();
    assert!(e.contains("/nonexistent/l.txt"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn availability(intervals: &[(f64, i64, f64)]) -> Handle {
    let f = build("AvailabilityFilter", &[]);
    for &(t, i, d) in intervals {
        f.role::<dyn AvailabilityTable>().unwrap().with_mut(|f| f.add_availability(t, i, d)).unwrap().unwrap();
    }
    f
}

#[test]
fn availability_follows_the_intervals() {
    let f = availability(&[(0.0, 0, 10.0), (5.0, 1, 10.0), (20.0, 2, 10.0), (0.0, 3, 3.0), (12.0, 0, 2.0)]);
    let f = f.downcast::<AvailabilityFilter>().unwrap();
    let at = |t: f64| f.with(|f| f.available_at(t)).unwrap();
    assert_eq!(at(0.0), vec![0, 3]);
    // Item 3 ended at 3 (the original kept it until the next time change).
    assert_eq!(at(5.0), vec![0, 1]);
    // Item 0 ends exactly at 10: removed first.
    assert_eq!(at(10.0), vec![1]);
    assert_eq!(at(13.0), vec![0, 1]);
    assert_eq!(at(25.0), vec![2]);
    // Back in time (a new run): replayed from the start.
    assert_eq!(at(2.0), vec![0, 3]);
    let active = |t: f64, item: u32| f.with(|f| f.active(&rec(t, 0, item))).unwrap();
    assert!(active(2.5, 3) && !active(3.0, 3) && !active(3.0, 2) && active(29.0, 2) && !active(30.0, 2));
    // Bad intervals are errors naming the argument.
    let h = build("AvailabilityFilter", &[]);
    let t = h.role::<dyn AvailabilityTable>().unwrap().clone();
    let e = t.with_mut(|f| f.add_availability(0.0, -1, 1.0)).unwrap().unwrap_err().to_string();
    assert!(e.contains("item"), "{e}");
    let e = t.with_mut(|f| f.add_availability(0.0, 1, -1.0)).unwrap().unwrap_err().to_string();
    assert!(e.contains("duration"), "{e}");
    let e = t.with_mut(|f| f.add_availability(f64::NAN, 1, 1.0)).unwrap().unwrap_err().to_string();
    assert!(e.contains("time"), "{e}");
}

#[test]
fn availability_filter_ranks_exactly_on_both_paths() {
    // Items 0..4 appear early; then only some are available.
    let f = availability(&[(0.0, 0, 100.0), (0.0, 1, 6.0), (0.0, 2, 100.0), (0.0, 3, 8.0), (7.0, 4, 100.0)]);
    let (model, pop_updater) = popularity();
    let a = adapter(&model, &f);
    let s = [
        rec(1.0, 0, 0),
        rec(2.0, 0, 1),
        rec(3.0, 0, 1),
        rec(4.0, 1, 2),
        rec(5.0, 1, 3),
        rec(6.0, 2, 0), // item 1 (count 2) ended at 6: items 0, 2, 3 tie (count 1)
        rec(7.0, 2, 1), // item 1 unavailable: 0
        rec(7.0, 3, 3), // item 0 (2) better; item 2 ties with 3
        rec(8.0, 3, 0), // item 3 gone; item 4 not seen yet: only item 0 (2) and 2 (1)
    ];
    let (fast, slow) = ranks(&a, &[pop_updater], &s);
    assert_eq!(fast, slow);
    // Tie draws of seed 43211234: r5 has 2 ties: get(3) with u = 0.299 -> 0; r7 has item 0
    // better and 1 tie: 1 + get(2) with u = 0.0575 -> 1.
    assert_eq!(fast, vec![NEW, NEW, 0, NEW, NEW, 0, ZERO, 1, 0]);
}

#[test]
fn adapter_counts_all_items_for_negative_scores() {
    // A model scoring every item -1: non-whitelisted items (0) rank above the evaluated one.
    let table = crate::sampling::testing::table_model(&[-1.0, -1.0, -1.0, -1.0]);
    let f = availability(&[(0.0, 0, 100.0), (0.0, 1, 100.0)]);
    let a = adapter(&table, &f);
    let mut e = env();
    for item in 0..4 {
        e.update(&rec(0.0, 9, item));
    }
    let mut rc = RankComputer::new(10, false, 1);
    let rank = a.role::<dyn Model>().unwrap().with(|m| rc.rank(m, &rec(1.0, 0, 0), &e)).unwrap();
    // Items 2 and 3 score 0 > -1; item 1 ties (one draw of seed 1 from [0, 1]).
    assert!((2..=3).contains(&rank), "{rank}");
    let mut slow = RankComputer::new(10, false, 1);
    let brute = a.role::<dyn Model>().unwrap().with(|m| slow.rank(&Brute(m), &rec(1.0, 0, 0), &e)).unwrap();
    assert_eq!(rank, brute);
}

#[test]
fn adapter_wiring_is_checked() {
    let a = build("WhitelistFilter2ModelAdapter", &[]);
    let e = a.node.check_wiring().unwrap_err().to_string();
    assert!(e.contains("WhitelistFilter2ModelAdapter.set_model(<a model>)"), "{e}");
    a.wire("set_model", &build("PopularityModel", &[])).unwrap();
    let e = a.node.check_wiring().unwrap_err().to_string();
    assert!(e.contains("set_whitelist_filter(<a whitelist filter>)"), "{e}");
    let e = a.wire("set_whitelist_filter", &build("PopularityModel", &[])).unwrap_err().to_string();
    assert!(e.contains("expected a whitelist filter"), "{e}");
}
