//! Tests of the LEMP index.

use super::*;
use crate::models::factor::factors::dot;
use crate::models::factor::ranking::Bounds;
use crate::random::Random;

#[test]
fn length_is_robust() {
    assert_eq!(length(&[3.0, 4.0]), 5.0);
    assert_eq!(length(&[0.0, -0.0]), 0.0);
    assert!((length(&[3e200, 4e200]) / 5e200 - 1.0).abs() < 1e-15);
    assert!((length(&[3e-200, 4e-200]) / 5e-200 - 1.0).abs() < 1e-15);
    assert!((length(&[3e-150, 4e-150]) / 5e-150 - 1.0).abs() < 1e-15);
    assert!(length(&[1.0, f64::NAN]).is_nan());
    assert_eq!(length(&[1.0, f64::INFINITY]), f64::INFINITY);
    assert_eq!(length(&[-2.0]), 2.0);
}

/// Random updates (growing, shrinking, zero, duplicate and non-finite vectors), clears and
/// rebuilds with tiny bucket sizes: the index always holds exactly the factors.
#[test]
fn invariants_hold_under_random_updates() {
    let mut rng = Random::new(99);
    for bucket_size in [2, 3, 4, 8, 64] {
        let mut factors = Factors::new(3, -1.0, 1.0, 5);
        let mut c = LempContainer::new(3, bucket_size);
        let mut rebuilds = 0;
        for step in 0..6000 {
            let id = rng.get_int(20) as u32;
            // A clear in 1 of 600 steps (it restarts the rebuild count).
            let r = rng.get_int(600);
            match if r == 0 { 0 } else { 1 + r % 11 } {
                0 => {
                    factors.clear();
                    for i in 0..rng.get_int(10) as u32 {
                        factors.init(i * 3);
                    }
                    c.rebuild_from(&factors);
                    c.check(&factors).unwrap_or_else(|e| panic!("bucket size {bucket_size}, step {step}: {e}"));
                    continue;
                }
                1 => factors.set(id, &[0.0, 0.0, 0.0]).unwrap(),
                2 => factors.set(id, &[0.5, 0.5, 0.5]).unwrap(),
                3 => factors.set(id, &[f64::NAN, 0.0, 0.0]).unwrap(),
                4 => factors.set(id, &[f64::INFINITY, 0.0, 0.0]).unwrap(),
                _ => {
                    factors.init(id);
                    let scale = 1.0 + (rng.get() - 0.5) * 0.2;
                    let v: Vec<f64> = factors.get(id).unwrap().iter().map(|x| x * scale).collect();
                    factors.set(id, &v).unwrap();
                }
            }
            let before = c.updates;
            c.set(id, factors.get(id).unwrap());
            rebuilds += usize::from(c.updates < before);
            c.check(&factors).unwrap_or_else(|e| panic!("bucket size {bucket_size}, step {step}: {e}"));
            let bad = factors.ids().filter(|&i| !factors.get(i).unwrap()[0].is_finite()).count();
            assert_eq!(c.non_finite(), bad);
            assert_eq!(c.len(), factors.len());
        }
        assert!(rebuilds > 5, "bucket size {bucket_size}: {rebuilds} rebuilds");
    }
}

/// After a rebuild the buckets hold `bucket_size / 2` items each, longest first, and their
/// bounds are their longest lengths; an update raises a bound and never lowers one.
#[test]
fn rebuild_sorts_and_updates_raise_bounds() {
    let mut factors = Factors::new(2, -1.0, 1.0, 5);
    for i in 0..100 {
        factors.init(i);
    }
    let mut c = LempContainer::new(2, 8);
    c.rebuild_from(&factors);
    c.check(&factors).unwrap();
    let sizes: Vec<usize> = c.buckets().iter().map(|b| b.ids().len()).collect();
    assert_eq!(sizes, [vec![4; 25], vec![0]].concat());
    let bounds: Vec<f64> = c.buckets().iter().map(|b| b.bound()).collect();
    assert!(bounds.windows(2).all(|w| w[0] >= w[1]));
    let shortest = c.buckets()[24].ids()[3];
    let old = c.buckets()[24].bound();
    c.set(shortest, &[3.0, 4.0]);
    assert_eq!(c.buckets()[24].bound(), 5.0);
    assert_eq!(c.max_len(), 5.0);
    c.set(shortest, &[0.0, 0.0]);
    assert_eq!(c.buckets()[24].bound(), 5.0, "bounds only grow");
    assert!(old < 5.0);
    factors.set(shortest, &[0.0, 0.0]).unwrap();
    c.check(&factors).unwrap();
    // A new item lands in the overflow bucket.
    factors.set(500, &[0.1, 0.1]).unwrap();
    c.set(500, factors.get(500).unwrap());
    assert_eq!(c.buckets().last().unwrap().ids(), &[500]);
    assert!(c.contains(500) && !c.contains(499));
    c.check(&factors).unwrap();
}

/// The widened bound is never below a computed dot product, even for parallel vectors.
#[test]
fn bound_covers_computed_scores() {
    let mut rng = Random::new(7);
    for d in [1, 2, 3, 10, 50] {
        for _ in 0..2000 {
            let scale = 10f64.powi(rng.get_int(40) as i32 - 20);
            let u: Vec<f64> = (0..d).map(|_| (rng.get() - 0.5) * scale).collect();
            let q: Vec<f64> =
                if rng.get_boolean(0.5) { u.iter().map(|x| x * (1.0 + rng.get() * 1e-3)).collect() } else { u.clone() };
            let mut c = LempContainer::new(d, 4);
            c.set(0, &q);
            let b = Bounds::new(&u, &c).unwrap();
            assert!(dot(&u, &q) <= b.bound(length(&q)), "d={d} u={u:?} q={q:?}");
        }
    }
}

#[test]
fn overflowing_bounds_are_refused() {
    let mut c = LempContainer::new(2, 4);
    c.set(0, &[1e200, 1e200]);
    assert!(Bounds::new(&[1e200, 0.0], &c).is_none());
    assert!(Bounds::new(&[1.0, 0.0], &c).is_some());
    c.set(1, &[f64::INFINITY, 0.0]);
    assert_eq!(c.non_finite(), 1);
    assert!(Bounds::new(&[1.0, 0.0], &c).is_none());
    c.set(1, &[1.0, 0.0]);
    assert_eq!(c.non_finite(), 0);
    assert!(Bounds::new(&[1.0, 0.0], &c).is_some());
}
