//! Tests of the LEMP container.

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
    assert!(length(&[1.0, f64::NAN]).is_nan());
    assert_eq!(length(&[1.0, f64::INFINITY]), f64::INFINITY);
}

/// Random updates, removals and re-syncs with a tiny bucket size (many splits and merges).
#[test]
fn invariants_hold_under_random_updates() {
    let mut rng = Random::new(99);
    for bucket_size in [2, 3, 4, 8, 64] {
        let mut factors = Factors::new(3, -1.0, 1.0, 5);
        let mut c = LempContainer::new(3, bucket_size);
        for step in 0..3000 {
            let id = rng.get_int(60) as u32;
            match rng.get_int(10) {
                0 => {
                    let mut f = Factors::new(3, -1.0, 1.0, 5);
                    for i in factors.ids().filter(|&i| i != id) {
                        f.set(i, factors.get(i).unwrap()).unwrap();
                    }
                    factors = f;
                }
                1 => factors.set(id, &[0.0, 0.0, 0.0]).unwrap(),
                2 => factors.set(id, &[0.5, 0.5, 0.5]).unwrap(),
                3 => factors.set(id, &[f64::NAN, 0.0, 0.0]).unwrap(),
                _ => {
                    factors.init(id);
                    let scale = 1.0 + (rng.get() - 0.5) * 0.1;
                    let v: Vec<f64> = factors.get(id).unwrap().iter().map(|x| x * scale).collect();
                    factors.set(id, &v).unwrap();
                }
            }
            c.schedule(id);
            if step % 7 == 0 || rng.get_int(3) == 0 {
                c.sync(&factors);
                assert!(c.is_synced());
                c.check(&factors).unwrap_or_else(|e| panic!("bucket size {bucket_size}, step {step}: {e}"));
                let nan = factors.ids().filter(|&i| factors.get(i).unwrap()[0].is_nan()).count();
                assert_eq!(c.non_finite(), nan);
                assert_eq!(c.len(), factors.len());
            }
        }
    }
}

#[test]
fn full_rebuild_chunks_by_half_the_bucket_size() {
    let mut factors = Factors::new(2, -1.0, 1.0, 5);
    for i in 0..100 {
        factors.init(i);
    }
    let mut c = LempContainer::new(2, 8);
    for i in 0..100 {
        c.schedule(i);
    }
    c.sync(&factors);
    assert_eq!(c.bucket_count(), 25);
    c.check(&factors).unwrap();
    let lens: Vec<f64> = c.buckets().map(|b| b.max_len).collect();
    assert!(lens.windows(2).all(|w| w[0] >= w[1]));
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
            let mut factors = Factors::new(d, 0.0, 0.0, 1);
            factors.set(0, &q).unwrap();
            let mut c = LempContainer::new(d, 4);
            c.schedule(0);
            c.sync(&factors);
            let b = Bounds::new(&u, &c).unwrap();
            assert!(dot(&u, &q) <= b.bound(length(&q)), "d={d} u={u:?} q={q:?}");
        }
    }
}

#[test]
fn overflowing_bounds_are_refused() {
    let mut factors = Factors::new(2, 0.0, 0.0, 1);
    factors.set(0, &[1e200, 1e200]).unwrap();
    let mut c = LempContainer::new(2, 4);
    c.schedule(0);
    c.sync(&factors);
    assert!(Bounds::new(&[1e200, 0.0], &c).is_none());
    assert!(Bounds::new(&[1.0, 0.0], &c).is_some());
    factors.set(1, &[f64::INFINITY, 0.0]).unwrap();
    c.schedule(1);
    c.sync(&factors);
    assert_eq!(c.non_finite(), 1);
    assert!(Bounds::new(&[1.0, 0.0], &c).is_none());
}
