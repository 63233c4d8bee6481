//! Model unit tests with hand-computed values (core-components.md §2.3, decisions.md fixes).

mod common;

use alpenglow_core::data::RecDat;
use alpenglow_core::models::popularity::PopularityModel;
use alpenglow_core::params::Value;
use common::{build, env, rec, wire, Trained};

fn ln(x: f64) -> f64 {
    x.ln()
}

fn popularity(updater: &str, kwargs: Vec<(&str, Value)>) -> Trained {
    Trained::new("PopularityModel", &[(updater, kwargs)])
}

fn counts(t: &Trained, items: &[u32]) -> (Vec<u32>, u32) {
    let m = t.model.downcast::<PopularityModel>().unwrap();
    m.with(|m| (items.iter().map(|&i| m.count(i)).collect(), m.max_count())).unwrap()
}

/// Protects the popularity formula ln(c+1)/ln(max+1), 0 for uncounted items.
#[test]
fn popularity_prediction() {
    let t = popularity("PopularityModelUpdater", vec![]);
    let mut e = env(10, false);
    assert_eq!(t.predict(0.0, 0, 0), 0.0, "untrained model");
    for (n, item) in [3, 1, 3, 3, 7].into_iter().enumerate() {
        t.step(&rec(n as f64, n as u32 % 2, item, 1.0), &mut e);
    }
    assert_eq!(counts(&t, &[3, 1, 7, 0]), (vec![3, 1, 1, 0], 3));
    assert_close!(t.predict(9.0, 0, 3), 1.0); // ln 4 / ln 4
    assert_close!(t.predict(9.0, 5, 1), ln(2.0) / ln(4.0));
    assert_close!(t.predict(9.0, 1, 7), 0.5);
    assert_eq!(t.predict(9.0, 0, 0), 0.0, "never counted");
    assert_eq!(t.predict(9.0, 0, 1000), 0.0, "id beyond every container");
}

/// Window eviction happens at exactly `time - tau`: time < now - tau is removed, time ==
/// now - tau is kept; and the normaliser is the *current* window maximum (decisions.md fix).
#[test]
fn time_frame_eviction_boundary_and_normaliser() {
    let t = popularity("PopularityTimeFrameModelUpdater", vec![("tau", Value::Float(2.0))]);
    let mut e = env(10, false);
    t.step(&rec(0.0, 0, 0, 1.0), &mut e);
    t.step(&rec(0.0, 1, 0, 1.0), &mut e);
    t.step(&rec(1.0, 0, 1, 1.0), &mut e);
    assert_eq!(counts(&t, &[0, 1]), (vec![2, 1], 2));
    // now = 2: the records at time 0 == now - tau stay.
    t.step(&rec(2.0, 1, 1, 1.0), &mut e);
    assert_eq!(counts(&t, &[0, 1]), (vec![2, 2], 2));
    // now = 3: both records at time 0 < 1 leave; item 0 (one of the maxima) drops to 0.
    t.step(&rec(3.0, 2, 2, 1.0), &mut e);
    assert_eq!(counts(&t, &[0, 1, 2]), (vec![0, 2, 1], 2));
    assert_eq!(t.predict(3.0, 0, 0), 0.0);
    assert_close!(t.predict(3.0, 0, 2), ln(2.0) / ln(3.0));
    // now = 4.5: records at 1 and 2 (< 2.5) leave; only item 2 (count 1) and the new one stay.
    // The max item left the window, so the normaliser drops from ln 3 to ln 2.
    t.step(&rec(4.5, 0, 3, 1.0), &mut e);
    assert_eq!(counts(&t, &[0, 1, 2, 3]), (vec![0, 0, 1, 1], 1));
    assert_close!(t.predict(4.5, 0, 2), 1.0); // the original (quirk 8) would give ln 2 / ln 3
    assert_close!(t.predict(4.5, 0, 3), 1.0);
}

/// tau = 0 keeps only the records of the current timestamp (equal times included).
#[test]
fn time_frame_tau_zero() {
    let t = popularity("PopularityTimeFrameModelUpdater", vec![("tau", Value::Float(0.0))]);
    let mut e = env(10, false);
    t.step(&rec(1.0, 0, 0, 1.0), &mut e);
    t.step(&rec(1.0, 0, 0, 1.0), &mut e);
    t.step(&rec(1.0, 0, 1, 1.0), &mut e);
    assert_eq!(counts(&t, &[0, 1]), (vec![2, 1], 2));
    t.step(&rec(1.5, 0, 1, 1.0), &mut e);
    assert_eq!(counts(&t, &[0, 1]), (vec![0, 1], 1));
    assert_close!(t.predict(2.0, 0, 1), 1.0);
}

/// Invalid tau is rejected at construction (spec: must be >= 0; default -1 is "unset").
#[test]
fn time_frame_rejects_negative_tau() {
    let kw = vec![("tau".to_string(), Value::Float(-0.5))];
    let err = alpenglow_core::registry::build("PopularityTimeFrameModelUpdater", &kw).err().expect("must fail");
    assert!(err.to_string().contains("tau"), "{err}");
    assert!(alpenglow_core::registry::build("PopularityTimeFrameModelUpdater", &[]).is_err(), "default tau -1");
}

/// Personal popularity on a 3-record example:
/// (u0,i0,1), (u0,i1,2), (u1,i0,1) -> global i0=2, i1=1, highest 2; u0 = {i0:1, i1:2}, top i1;
/// u1 = {i0:1}, top i0.
#[test]
fn personal_popularity_formula() {
    let t = Trained::new("PersonalPopularityModel", &[("PersonalPopularityModelUpdater", vec![])]);
    let mut e = env(10, false);
    t.step(&rec(0.0, 0, 0, 1.0), &mut e);
    t.step(&rec(1.0, 0, 1, 2.0), &mut e);
    t.step(&rec(2.0, 1, 0, 1.0), &mut e);
    let g0 = ln(3.0) / ln(3.0);
    let g1 = ln(2.0) / ln(3.0);
    assert_close!(t.predict(3.0, 0, 0), ln(1.0 + g0 + 1.0) / ln(2.0 + 2.0));
    assert_close!(t.predict(3.0, 0, 1), ln(2.0 + g1 + 1.0) / ln(2.0 + 2.0));
    assert_close!(t.predict(3.0, 1, 0), ln(1.0 + g0 + 1.0) / ln(1.0 + 2.0));
    assert_close!(t.predict(3.0, 1, 1), ln(0.0 + g1 + 1.0) / ln(1.0 + 2.0));
    // Unknown user: no top item, denominator ln 2.
    assert_close!(t.predict(3.0, 7, 0), ln(g0 + 1.0) / ln(2.0));
    // Unknown item: ln(1) = 0.
    assert_eq!(t.predict(3.0, 0, 9), 0.0);
}

/// The top item changes only on a strictly greater sum (an equal one keeps the old top), and
/// it is compared after the write (re-consuming the top item keeps it).
#[test]
fn personal_popularity_top_item_rule() {
    let t = Trained::new("PersonalPopularityModel", &[("PersonalPopularityModelUpdater", vec![])]);
    let mut e = env(10, false);
    t.step(&rec(0.0, 0, 0, 1.0), &mut e); // top i0 (1)
    t.step(&rec(1.0, 0, 1, 1.0), &mut e); // i1 = 1, not > 1: top stays i0
    let g = ln(2.0) / ln(2.0);
    assert_close!(t.predict(2.0, 0, 5), ln(1.0) / ln(1.0 + 2.0)); // denominator uses top = 1
    assert_close!(t.predict(2.0, 0, 1), ln(1.0 + g + 1.0) / ln(3.0));
    t.step(&rec(2.0, 0, 0, 0.5), &mut e); // i0 = 1.5 > 1.5? no, but i0 already is the top
    t.step(&rec(3.0, 0, 1, 1.0), &mut e); // i1 = 2 > 1.5: top i1
    // global: i0 = 2, i1 = 2, highest 2.
    let g = ln(3.0) / ln(3.0);
    assert_close!(t.predict(4.0, 0, 0), ln(1.5 + g + 1.0) / ln(2.0 + 2.0));
    assert_close!(t.predict(4.0, 0, 1), ln(2.0 + g + 1.0) / ln(2.0 + 2.0));
}

/// With positive scores the top sum is simply the maximum; the tie rule and the read-after-write
/// comparison only show with a negative score: u0: i0 +2 (top), i1 +2 (equal: top stays i0),
/// i0 -1.5 (i0 = 0.5, still the top item) -> the denominator is ln(0.5 + 2), not ln(2 + 2).
#[test]
fn personal_popularity_top_item_with_negative_score() {
    let t = Trained::new("PersonalPopularityModel", &[("PersonalPopularityModelUpdater", vec![])]);
    let mut e = env(10, false);
    t.step(&rec(0.0, 0, 0, 2.0), &mut e);
    t.step(&rec(1.0, 0, 1, 2.0), &mut e);
    t.step(&rec(2.0, 0, 0, -1.5), &mut e);
    let g1 = ln(2.0) / ln(3.0); // global: i0 = 2, i1 = 1
    assert_close!(t.predict(3.0, 0, 1), ln(2.0 + g1 + 1.0) / ln(0.5 + 2.0));
}

fn transitions(mode: &str, filter: bool, stream: &[(u32, u32, bool)]) -> Trained {
    let t = Trained::new(
        "TransitionProbabilityModel",
        &[(
            "TransitionProbabilityModelUpdater",
            vec![("mode", Value::Str(mode.into())), ("filter_freq_updates", Value::Bool(filter))],
        )],
    );
    let mut e = env(10, false);
    for (n, &(user, item, eval)) in stream.iter().enumerate() {
        let r = RecDat { eval, ..rec(n as f64, user, item, 1.0) };
        t.step(&r, &mut e);
    }
    t
}

/// u0: 1 2 1 3, u1: 1 2, u2: 3 1 (interleaved). Last items: u0=3, u1=2, u2=1.
const SEQUENCE: [(u32, u32, bool); 8] =
    [(0, 1, true), (1, 1, true), (0, 2, true), (2, 3, true), (1, 2, true), (0, 1, true), (2, 1, true), (0, 3, true)];

/// normal: 1->2 (u0, u1) = 2, 2->1 = 1, 1->3 = 1, 3->1 (u2) = 1.
#[test]
fn transition_normal_counts() {
    let t = transitions("normal", false, &SEQUENCE);
    assert_close!(t.predict(9.0, 2, 2), ln(3.0)); // row 1: {2: 2, 3: 1}
    assert_close!(t.predict(9.0, 2, 3), ln(2.0));
    assert_eq!(t.predict(9.0, 2, 1), 0.0);
    assert_close!(t.predict(9.0, 1, 1), ln(2.0)); // row 2: {1: 1}
    assert_close!(t.predict(9.0, 0, 1), ln(2.0)); // row 3: {1: 1}
    assert_eq!(t.predict(9.0, 0, 3), 0.0);
    assert_eq!(t.predict(9.0, 5, 1), 0.0, "unknown user");
    // The empty-string mode is "normal" too.
    let t2 = transitions("", false, &SEQUENCE);
    assert_close!(t2.predict(9.0, 2, 2), ln(3.0));
}

/// inverted: item -> previous: 2->1 (u0, u1) = 2, 1->2 = 1, 3->1 = 1, 1->3 (u2) = 1.
#[test]
fn transition_inverted_counts() {
    let t = transitions("inverted", false, &SEQUENCE);
    assert_close!(t.predict(9.0, 1, 1), ln(3.0)); // row 2: {1: 2}
    assert_close!(t.predict(9.0, 2, 2), ln(2.0)); // row 1: {2: 1, 3: 1}
    assert_close!(t.predict(9.0, 2, 3), ln(2.0));
    assert_close!(t.predict(9.0, 0, 1), ln(2.0)); // row 3: {1: 1}
    assert_eq!(t.predict(9.0, 0, 2), 0.0);
}

/// symmetric = normal + inverted: row 1 {2: 3, 3: 2}, row 2 {1: 3}, row 3 {1: 2}.
#[test]
fn transition_symmetric_counts() {
    let t = transitions("symmetric", false, &SEQUENCE);
    assert_close!(t.predict(9.0, 2, 2), ln(4.0));
    assert_close!(t.predict(9.0, 2, 3), ln(3.0));
    assert_close!(t.predict(9.0, 1, 1), ln(4.0));
    assert_close!(t.predict(9.0, 0, 1), ln(3.0));
    assert_eq!(t.predict(9.0, 0, 2), 0.0);
}

/// A user's first record only sets the last item: no transition from another user's item,
/// and a repeat of the first item counts a self-transition.
#[test]
fn transition_first_record_only_sets_last_item() {
    let t = transitions("symmetric", false, &[(0, 4, true)]);
    assert_eq!(t.predict(1.0, 0, 4), 0.0);
    let t = transitions("normal", false, &[(0, 4, true), (1, 5, true)]);
    assert_eq!(t.predict(2.0, 1, 5), 0.0, "u1's first record must not count 4 -> 5");
    assert_eq!(t.predict(2.0, 0, 5), 0.0);
    let t = transitions("normal", false, &[(0, 4, true), (1, 5, true), (0, 4, true)]);
    assert_close!(t.predict(3.0, 0, 4), ln(2.0));
}

/// filter_freq_updates: a record with eval=false counts nothing but still becomes the last item.
#[test]
fn transition_filter_freq_updates() {
    let stream = [(0, 1, true), (0, 2, false), (0, 3, true), (1, 1, true), (2, 2, true)];
    let t = transitions("normal", true, &stream);
    assert_eq!(t.predict(9.0, 1, 2), 0.0, "1 -> 2 came from an eval=false record");
    assert_close!(t.predict(9.0, 2, 3), ln(2.0)); // 2 -> 3 counted (the target had eval)
    let t = transitions("normal", false, &stream);
    assert_close!(t.predict(9.0, 1, 2), ln(2.0));
    assert_close!(t.predict(9.0, 2, 3), ln(2.0));
}

/// The ranking iterator serves the row in descending score, ties by lower item id.
#[test]
fn transition_iterator_order() {
    let stream = [(0, 1, true), (0, 5, true), (0, 1, true), (0, 3, true), (0, 1, true), (0, 5, true), (0, 1, true), (0, 2, true), (0, 1, true)];
    let t = transitions("normal", false, &stream); // row 1: {5: 2, 3: 1, 2: 1}; last = 1
    let got: Vec<(u32, f64)> = t.with_model(|m| {
        let mut it = m.ranking_iterator(0).expect("an iterator for a user with a row");
        let mut v = Vec::new();
        while it.has_next(f64::MIN) {
            v.push(it.next());
        }
        v
    });
    assert_eq!(got, vec![(5, ln(3.0)), (2, ln(2.0)), (3, ln(2.0))]);
}

/// Bad updater parameters are errors naming the parameter.
#[test]
fn transition_rejects_bad_parameters() {
    let err = alpenglow_core::registry::build("TransitionProbabilityModelUpdater", &[("mode".into(), Value::Str("sideways".into()))])
        .err()
        .expect("bad mode");
    assert!(err.to_string().contains("mode"), "{err}");
    let err =
        alpenglow_core::registry::build("TransitionProbabilityModelUpdater", &[("label_transition_mode".into(), Value::Bool(true))])
            .err()
            .expect("label mode without file");
    assert!(err.to_string().contains("label_file_name"), "{err}");
}

/// The model is shared: a second updater on the same model adds to the same counts.
#[test]
fn one_model_two_updaters_share_state() {
    let model = build("PopularityModel", &[]);
    let a = build("PopularityModelUpdater", &[]);
    let b = build("PopularityModelUpdater", &[]);
    wire(&a, "set_model", &model);
    wire(&b, "set_model", &model);
    let t = Trained { model, updaters: vec![a, b] };
    let mut e = env(10, false);
    t.step(&rec(0.0, 0, 4, 1.0), &mut e);
    t.step(&rec(1.0, 0, 5, 1.0), &mut e);
    t.step(&rec(2.0, 0, 5, 1.0), &mut e);
    assert_eq!(counts(&t, &[4, 5]), (vec![2, 4], 4));
    assert_close!(t.predict(3.0, 0, 4), ln(3.0) / ln(5.0));
}
