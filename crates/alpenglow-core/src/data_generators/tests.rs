//! The generators' windows and order.

use super::sampling::SamplingDataGeneratorParameters;
use super::timeframe::TimeframeDataGeneratorParameters;
use super::*;
use crate::component::Component;
use crate::experiment::stream::{at_times, replay};

/// Ids of the generated set at every position.
fn generated(generator: &mut dyn DataGenerator, times: &[f64]) -> Vec<Vec<i64>> {
    let mut out = Vec::new();
    let mut sets = Vec::new();
    replay(&at_times(times), |_, rec, env| {
        generator.generate(rec, env, &mut out).unwrap();
        sets.push(out.iter().map(|r| r.id).collect());
    });
    sets
}

#[test]
fn complete_past_is_every_record_so_far_oldest_first() {
    let mut g = CompletePastDataGenerator::new(Default::default()).unwrap();
    assert_eq!(generated(&mut g, &[1.0, 2.0, 2.0]), vec![vec![0], vec![0, 1], vec![0, 1, 2]]);
}

#[test]
fn timeframe_keeps_times_after_now_minus_length() {
    let mut g = TimeframeDataGenerator::new(TimeframeDataGeneratorParameters { timeframe_length: 10.0 }).unwrap();
    let sets = generated(&mut g, &[0.0, 5.0, 10.0, 11.0, 30.0]);
    // at t=10 the window is (0, 10]: record 0 (t=0) is out.
    assert_eq!(sets, vec![vec![0], vec![0, 1], vec![1, 2], vec![1, 2, 3], vec![4]]);
}

#[test]
fn sampling_draws_from_the_past_with_the_generator_and_sorts() {
    for distribution in ["uniform", "linear", "arctg", "geometric"] {
        let params = SamplingDataGeneratorParameters {
            distribution: distribution.into(),
            number_of_samples: 50,
            seed: 12345,
            ..Default::default()
        };
        let mut g = SamplingDataGenerator::new(params).unwrap();
        let sets = generated(&mut g, &[0.0; 20]);
        // The draws of the last set, by the spec's formulas, continue the generator's stream.
        let mut rng = crate::random::Random::new(12345);
        let mut expected = Vec::new();
        for (k, set) in sets.iter().enumerate() {
            let n = k + 1;
            let mut draws: Vec<i64> = (0..50)
                .map(|_| {
                    let d = match distribution {
                        "uniform" => rng.get_int(n),
                        "linear" => rng.get_linear(n),
                        "arctg" => (n - 1).saturating_sub(rng.get_arctg(10.0, n)),
                        _ => (n - 1).saturating_sub(rng.get_geometric(0.5, n)),
                    };
                    d.min(n - 1) as i64
                })
                .collect();
            draws.sort_unstable();
            assert_eq!(set, &draws, "{distribution} at {k}");
            expected = draws;
        }
        assert!(expected.iter().all(|&i| (0..20).contains(&i)));
    }
}

#[test]
fn sampling_rejects_unknown_distributions() {
    let params = SamplingDataGeneratorParameters { distribution: "normal".into(), ..Default::default() };
    let e = SamplingDataGenerator::new(params).err().unwrap().to_string();
    assert!(e.contains("distribution") && e.contains("geometric"), "{e}");
}
