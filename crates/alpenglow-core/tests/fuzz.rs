//! Fuzz targets (proptest, bounded: a few hundred cases each, seconds in `make test`): every
//! input-file format reader and the model file reader take arbitrary and mutated bytes without
//! panicking, and whatever they accept is usable.

mod common;

use alpenglow_core::data::formats::{read_bytes, FORMATS};
use alpenglow_core::data::RecommenderData;
use alpenglow_core::models::checksum::seal;
use alpenglow_core::role::Arg;
use proptest::prelude::*;

use alpenglow_core::params::Value;
use common::{build, env_all, rec, wire, Trained};

fn nearest_neighbor_params() -> Vec<(&'static str, Value)> {
    vec![("gamma", Value::Float(0.8)), ("gamma_threshold", Value::Float(0.0)), ("num_of_neighbors", Value::Int(3))]
}

const CASES: u32 = 200;

fn config() -> ProptestConfig {
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

/// A valid file of each format, as the starting point of mutations.
fn sample(format: &str) -> &'static str {
    match format {
        "online" | "online_attribute" => "0 1 2 1 1\n1 2 3 1.5 0\n2 1 3 1 1\n",
        "online_id" => "0 1 2 7 1 1\n1 2 3 8 1.5 0\n",
        "online_id_noeval" => "0 1 2 7 1\n1 2 3 8 1.5\n",
        "category" => "0 1 2 1 1 4\n1 2 3 1.5 0 5\n",
        "offline" => "1 2 1\n2 3 4.5\n",
        "offlineTimestamp" => "0 1 2 1\n1 2 3 4.5\n",
        "csv" => "time,user,item,score\n0,1,2,1\n1,2,3,1.5\n",
        other => panic!("no sample for format {other}"),
    }
}

/// Byte edits: (position, xor) pairs, then an optional truncation, then optional inserted bytes.
fn mutate(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>, insert: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for &(pos, x) in edits {
        if !b.is_empty() {
            let i = pos % b.len();
            b[i] ^= x;
        }
    }
    if let Some(c) = cut {
        b.truncate(c % (b.len() + 1));
    }
    if !insert.is_empty() {
        let at = edits.first().map_or(0, |e| e.0) % (b.len() + 1);
        b.splice(at..at, insert.iter().copied());
    }
    b
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read_any(bytes: &[u8], format: &str) {
    if let Ok(columns) = read_bytes(bytes, format, 0.0, "fuzz") {
        let _ = RecommenderData::from_owned(columns);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn file_formats_take_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200), f in 0..FORMATS.len()) {
        read_any(&bytes, FORMATS[f]);
    }

    #[test]
    fn file_formats_take_mutated_files(
        f in 0..FORMATS.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in proptest::option::of(any::<usize>()),
        insert in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b' '), Just(b','), Just(b'-'), Just(b'e'), any::<u8>()], 0..4),
        compressed in any::<bool>(),
    ) {
        let format = FORMATS[f];
        let mut bytes = mutate(sample(format).as_bytes(), &edits, cut, &insert);
        if compressed {
            let mut z = gzip(&bytes);
            if edits.len() > 3 { // sometimes damage the compressed stream too
                z = mutate(&z, &edits[3..], None, &[]);
            }
            bytes = z;
        }
        read_any(&bytes, format);
    }
}

/// The models that can be saved, each with some learned state.
fn trained_models() -> Vec<(&'static str, alpenglow_core::component::Handle)> {
    let mut out = Vec::new();
    for (model, updater) in [
        ("PopularityModel", "PopularityModelUpdater"),
        ("PersonalPopularityModel", "PersonalPopularityModelUpdater"),
        ("TransitionProbabilityModel", "TransitionProbabilityModelUpdater"),
    ] {
        let t = Trained::new(model, &[(updater, vec![])]);
        let mut env = common::env(10, false);
        for (k, (u, i)) in [(1, 2), (1, 3), (2, 3), (1, 2), (3, 0)].into_iter().enumerate() {
            t.step(&rec(k as f64, u, i, 1.0), &mut env);
        }
        out.push((model, t.model.clone()));
    }
    {
        let model = build("NearestNeighborModel", &nearest_neighbor_params());
        let updater = build("NearestNeighborModelUpdater", &[("compute_similarity_period", Value::Float(2.0))]);
        wire(&updater, "set_model", &model);
        let t = Trained { model, updaters: vec![updater] };
        let mut env = common::env(10, false);
        for (k, (u, i)) in [(1, 2), (1, 3), (2, 3), (1, 2), (3, 0), (2, 4), (1, 3)].into_iter().enumerate() {
            t.step(&rec(k as f64, u, i, 1.0), &mut env);
        }
        out.push(("NearestNeighborModel", t.model.clone()));
    }
    for model in ["FactorModel", "AsymmetricFactorModel", "SvdppModel", "FmModel"] {
        let h = build(model, &[("dimension", alpenglow_core::params::Value::Int(2))]);
        let _ = h.node.initialize(&env_all(2, 3));
        out.push((model, h));
    }
    out
}

/// An untrained model of the kind `name`, of the dimension of `trained_models`.
fn fresh_model(name: &str) -> alpenglow_core::component::Handle {
    if name == "NearestNeighborModel" {
        build(name, &nearest_neighbor_params())
    } else if name.contains("Popularity") || name.contains("Transition") {
        build(name, &[])
    } else {
        build(name, &[("dimension", alpenglow_core::params::Value::Int(2))])
    }
}

fn state(h: &alpenglow_core::component::Handle) -> Vec<u8> {
    match h.call("_state", &[]).expect("state") {
        Arg::Bytes(b) => b,
        _ => panic!("state is bytes"),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn model_reader_takes_mutated_files(
        m in 0..8usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in proptest::option::of(any::<usize>()),
        insert in proptest::collection::vec(any::<u8>(), 0..9),
        reseal in any::<bool>(),
    ) {
        let models = trained_models();
        let (name, model) = &models[m % models.len()];
        let sealed = state(model);
        let body = &sealed[..sealed.len() - 12];
        // Resealed mutations pass the checksum and reach the model's own parser.
        let bytes = if reseal {
            let mut b = mutate(body, &edits, cut, &insert);
            seal(&mut b);
            b
        } else {
            mutate(&sealed, &edits, cut, &insert)
        };
        let fresh = fresh_model(name);
        let loaded = fresh.call("_load_state", &[Arg::Bytes(bytes.clone())]);
        if !reseal && bytes != sealed {
            prop_assert!(loaded.is_err(), "{name}: a damaged file loaded");
        }
        if loaded.is_ok() {
            // Whatever loads is usable: it predicts and saves again.
            let predicted = fresh.call("prediction", &[Arg::Record(rec(9.0, 1, 2, 1.0))]);
            prop_assert!(predicted.is_ok());
            state(&fresh);
        }
    }
}

#[test]
fn unmutated_states_load() {
    for (name, model) in trained_models() {
        let fresh = fresh_model(name);
        fresh.call("_load_state", &[Arg::Bytes(state(&model))]).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(state(&fresh), state(&model), "{name}");
    }
}
