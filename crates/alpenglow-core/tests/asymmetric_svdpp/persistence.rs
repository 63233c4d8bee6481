//! Save and load: round trip, continuation, wrong files.

use alpenglow_core::models::Model;
use super::*;

fn save(f: &Fixture) -> Vec<u8> {
    let mut buf = Vec::new();
    f.model.role::<dyn Model>().unwrap().with(|m| m.write(&mut buf)).unwrap().unwrap();
    buf
}

fn load(f: &Fixture, bytes: &[u8]) -> alpenglow_core::Result<()> {
    f.model.role::<dyn Model>().unwrap().with_mut(|m| m.read(&mut &bytes[..])).unwrap()
}

fn grid(f: &Fixture, time: f64) -> Vec<f64> {
    (0..4).flat_map(|u| (0..8).map(move |i| (u, i))).map(|(u, i)| f.predict(&rec(time, u, i, 1.0, 3))).collect()
}

#[test]
fn save_and_load_round_trip_and_continue_identically() {
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        let kw = [("norm_type", s("recency")), ("dimension", Value::Int(4))];
        let a = Fixture::new(model, &kw, &[("learning_rate", Value::Float(0.05))]);
        let mut ea = env(10, false);
        let all = stream();
        for r in &all[..25] {
            a.train(r, &negatives(r), &mut ea);
        }
        let bytes = save(&a);
        let b = Fixture::new(model, &kw, &[("learning_rate", Value::Float(0.05))]);
        b.train(&rec(1.0, 3, 7, 1.0, 0), &[], &mut env(10, false)); // state that the load replaces
        load(&b, &bytes).unwrap();
        assert_eq!(grid(&a, 1e5 + 0.5), grid(&b, 1e5 + 0.5), "{model}");
        assert_eq!(save(&b), bytes, "{model}: saving the loaded model gives the same file");
        // Continuing from the loaded state (new items 6 and 7 draw from the saved generators).
        let mut eb = ea.clone();
        for r in &all[25..] {
            let r = RecDat { item: r.item + 2, ..*r };
            a.train(&r, &negatives(&r), &mut ea);
            b.train(&r, &negatives(&r), &mut eb);
        }
        assert_eq!(grid(&a, 3e5), grid(&b, 3e5), "{model}");
    }
}

#[test]
fn load_rejects_wrong_files_and_keeps_the_model() {
    let a = Fixture::new("AsymmetricFactorModel", &[("dimension", Value::Int(3))], &[]);
    let mut e = env(10, false);
    for r in stream() {
        a.train(&r, &negatives(&r), &mut e);
    }
    let bytes = save(&a);
    let svd = Fixture::new("SvdppModel", &[("dimension", Value::Int(3))], &[]);
    let err = load(&svd, &bytes).unwrap_err().to_string();
    assert_eq!(err, "the file holds a saved AsymmetricFactorModel, not a SvdppModel");
    let other = Fixture::new("AsymmetricFactorModel", &[("dimension", Value::Int(5))], &[]);
    let err = load(&other, &bytes).unwrap_err().to_string();
    assert!(err.contains("has dimension 3"), "{err}");
    let b = Fixture::new("AsymmetricFactorModel", &[("dimension", Value::Int(3))], &[]);
    b.train(&rec(1.0, 0, 1, 1.0, 0), &[2], &mut env(10, false));
    let before = grid(&b, 5e4);
    for cut in [0, 10, 30, 40, 100, bytes.len() / 2, bytes.len() - 1] {
        let err = load(&b, &bytes[..cut]).unwrap_err().to_string();
        assert!(!err.is_empty());
        assert_eq!(grid(&b, 5e4), before, "a failed load changed the model (cut {cut})");
    }
    load(&b, &bytes).unwrap();
    assert_eq!(grid(&b, 5e4), grid(&a, 5e4));
}
