//! Deterministic cases for PersonalPopularityModel's rank fast path (`count_ranked`), which
//! must give exactly the generic popularity-ordered walk's result (core-components.md §4.1).
//! Found by `rank_fast_paths::personal_popularity_negative_scores`. Every case is a stream of
//! user-0/1 records at time 0, then one evaluated record; the expected code is derived by hand.

mod common;

use alpenglow_core::models::Model;
use alpenglow_core::ranking::RankComputer;
use common::{env, rec, Generic, Trained};

const SEED: i64 = 43211234;

/// Trains on `stream` (user, item, score), then returns (fast path, generic path) codes for
/// evaluating (user, item).
fn ranks(top_k: usize, stream: &[(u32, u32, f64)], user: u32, item: u32) -> (usize, usize) {
    let t = Trained::new("PersonalPopularityModel", &[("PersonalPopularityModelUpdater", vec![])]);
    let mut e = env(top_k, false);
    for &(u, i, s) in stream {
        t.step(&rec(0.0, u, i, s), &mut e);
    }
    let r = rec(0.0, user, item, 1.0);
    t.with_model(|m: &dyn Model| {
        let fast = RankComputer::new(top_k, false, SEED).rank(m, &r, &e);
        let generic = RankComputer::new(top_k, false, SEED).rank(&Generic(m), &r, &e);
        (fast, generic)
    })
}

/// Positive scores only: the shortcut's own-item count is exact.
/// u0: i0 2, i1 1; u1: i2 x3. D = ln 4. Scores of u0: i0 = ln(3+g0)/D, i1 = ln(2+g1)/D,
/// i2 = ln(1+1)/D (g2 = 1). Evaluating i1: g0 = g1 = ln2/ln4 = 0.5, so i0 (ln 3.5) is better,
/// i2 (ln 2) is worse than i1 (ln 2.5): rank 1.
#[test]
fn own_items_only_positive() {
    let stream = [(0, 0, 2.0), (0, 1, 1.0), (1, 2, 1.0), (1, 2, 1.0), (1, 2, 1.0)];
    assert_eq!(ranks(5, &stream, 0, 1), (1, 1));
    assert_eq!(ranks(1, &stream, 0, 1), (1, 1), "top_k 1: not in the list");
}

/// A non-finite own item that the generic walk never reaches, because top_k better items
/// come first in popularity order.
/// Stream (u0): i0 -1, i1 0, i1 0.5, i0 -1, i2 0.5. Popularity order [i1, i0, i2].
/// u0: i0 = -2, i1 = 0.5 (top), i2 = 0.5; D = ln 2.5; global i0 = i1 = 2, i2 = 1.
/// Evaluating i2: s = ln(1.5 + ln2/ln3)/D. The walk: i1 scores ln 2.5 / D = 1 > s, better = 1
/// = top_k, stop. i0 (argument -2 + 1 + 1 = 0, score -inf) is never scored. Code = top_k = 1.
/// (An earlier version of the shortcut returned top_k+3 here.)
#[test]
fn unreached_non_finite_own_item_is_ignored() {
    let stream = [(0, 0, -1.0), (0, 1, 0.0), (0, 1, 0.5), (0, 0, -1.0), (0, 2, 0.5)];
    assert_eq!(ranks(1, &stream, 0, 2), (1, 1));
}

/// A non-finite own item that the generic walk does reach must give top_k+3.
/// Stream (u0): i0 0, i0 0.5, i1 -1, i1 -1. u0: i0 = 0.5 (top), i1 = -2; D = ln 2.5;
/// global 2 and 2, so g = 1. Evaluating i0: s = ln 2.5 / D = 1. The walk: [i0, i1]; i0 is the
/// target; i1 has argument -2 + 1 + 1 = 0, score ln 0 / D = -inf: code top_k + 3 = 5.
#[test]
fn reached_non_finite_own_item_gives_sentinel() {
    let stream = [(0, 0, 0.0), (0, 0, 0.5), (0, 1, -1.0), (0, 1, -1.0)];
    assert_eq!(ranks(2, &stream, 0, 0), (5, 5));
}

/// A negative denominator: the top item's sum fell below -1 (D = ln(top + 2) < 0), so the
/// score *decreases* with the argument and items the user never consumed can outscore the
/// target although the target is above ln 2 / D.
/// u0: i0 +0.5 (top), i0 -2 -> i0 = -1.5, still top: D = ln 0.5.
/// u1: i1 x3, i2 x2, i3 x1 -> global i0 2, i1 3, i2 2, i3 1; normaliser ln 4.
/// Scores of u0: i0 = ln(-0.5 + ln3/ln4)/D = 1.77, i1 = ln 2 / D = -1,
/// i2 = ln(1 + ln3/ln4)/D = -0.84 (target), i3 = ln 1.5 / D = -0.58.
/// Better than the target: i0 and i3 -> rank 2.
#[test]
fn negative_denominator() {
    let stream = [
        (0, 0, 0.5),
        (0, 0, -2.0),
        (1, 1, 1.0),
        (1, 1, 1.0),
        (1, 1, 1.0),
        (1, 2, 1.0),
        (1, 2, 1.0),
        (1, 3, 1.0),
    ];
    assert_eq!(ranks(5, &stream, 0, 2), (2, 2));
}
