//! Property tests: the rank codes of `RankComputer` (with the models' `count_ranked` fast
//! paths) and of the generic walks must equal an independent, deliberately naive reference
//! implementation of the spec (core-components.md §4.1 + decisions.md), record by record,
//! including the tie-breaking draws (the RNG states are compared after every record).
//! The models' predictions are also compared with independent re-implementations.

mod common;

use std::collections::{HashMap, VecDeque};

use alpenglow_core::data::RecDat;
use alpenglow_core::experiment::environment::EnvironmentParameters;
use alpenglow_core::experiment::Environment;
use alpenglow_core::models::{Model, RankPath};
use alpenglow_core::params::Value;
use alpenglow_core::random::Random;
use alpenglow_core::ranking::RankComputer;
use common::{close, Generic, Trained};
use proptest::prelude::*;

/// The spec's rank computation, written as plainly as possible.
/// `iterator_path`: walk the model's items (those with a non-zero score) in descending score
/// order instead of the environment's popularity order.
fn reference_rank(
    model: &dyn Model,
    rec: &RecDat,
    env: &Environment,
    top_k: usize,
    exclude_known: bool,
    iterator_path: bool,
    rng: &mut Random,
) -> usize {
    if !env.is_item_existent(rec.item) {
        return top_k + 5;
    }
    let s = model.prediction(rec);
    if !s.is_finite() {
        return top_k + 3;
    }
    if s == 0.0 {
        return top_k + 2;
    }
    let order: Vec<u32> = if iterator_path {
        let mut scored: Vec<(u32, f64)> = env
            .items()
            .iter()
            .map(|&j| (j, model.prediction(&rec.with_item(j))))
            .filter(|&(_, sj)| sj != 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.into_iter().map(|(j, _)| j).collect()
    } else {
        env.popularity_sorted().items().to_vec()
    };
    let (mut better, mut ties) = (0usize, 0usize);
    for j in order {
        if j == rec.item || (exclude_known && env.train_matrix().has(rec.user, j)) {
            continue;
        }
        let sj = model.prediction(&rec.with_item(j));
        if !sj.is_finite() {
            return top_k + 3;
        }
        if sj > s {
            better += 1;
            if better == top_k {
                break;
            }
        } else if sj == s {
            ties += 1;
        }
    }
    let mut rank = better;
    if ties > 0 {
        rank += (rng.get() * (ties + 1) as f64) as usize; // get(ties+1): divide, multiply, truncate
    }
    rank.min(top_k)
}

#[derive(Debug, Clone)]
enum Kind {
    /// A PopularityModel trained by these updaters in order: None = PopularityModelUpdater,
    /// Some(tau) = PopularityTimeFrameModelUpdater(tau).
    Popularity(Vec<Option<f64>>),
    Personal,
    Transition { mode: &'static str, filter: bool },
}

impl Kind {
    fn build(&self) -> Trained {
        match self {
            Kind::Popularity(ups) => {
                let ups: Vec<(&str, Vec<(&str, Value)>)> = ups
                    .iter()
                    .map(|u| match u {
                        None => ("PopularityModelUpdater", vec![]),
                        Some(tau) => ("PopularityTimeFrameModelUpdater", vec![("tau", Value::Float(*tau))]),
                    })
                    .collect();
                Trained::new("PopularityModel", &ups)
            }
            Kind::Personal => Trained::new("PersonalPopularityModel", &[("PersonalPopularityModelUpdater", vec![])]),
            Kind::Transition { mode, filter } => Trained::new(
                "TransitionProbabilityModel",
                &[(
                    "TransitionProbabilityModelUpdater",
                    vec![("mode", Value::Str(mode.to_string())), ("filter_freq_updates", Value::Bool(*filter))],
                )],
            ),
        }
    }
}

/// Independent re-implementation of the models' training and prediction.
#[derive(Default)]
struct RefModel {
    counts: HashMap<u32, u32>,
    windows: Vec<VecDeque<(f64, u32)>>,
    personal: HashMap<(u32, u32), f64>,
    top_item: HashMap<u32, u32>,
    transitions: HashMap<(u32, u32), u32>,
    last: HashMap<u32, u32>,
}

impl RefModel {
    fn train(&mut self, kind: &Kind, r: &RecDat) {
        match kind {
            Kind::Popularity(ups) => {
                self.windows.resize(ups.len(), VecDeque::new());
                for (k, up) in ups.iter().enumerate() {
                    *self.counts.entry(r.item).or_default() += 1;
                    if let Some(tau) = up {
                        self.windows[k].push_back((r.time, r.item));
                        while let Some(&(t, i)) = self.windows[k].front() {
                            if t < r.time - tau {
                                *self.counts.get_mut(&i).unwrap() -= 1;
                                self.windows[k].pop_front();
                            } else {
                                break;
                            }
                        }
                    }
                }
            }
            Kind::Personal => {
                *self.counts.entry(r.item).or_default() += 1;
                *self.personal.entry((r.user, r.item)).or_default() += r.score;
                let value = self.personal[&(r.user, r.item)];
                let top = self.top_item.get(&r.user).map_or(0.0, |&t| self.personal[&(r.user, t)]);
                if value > top {
                    self.top_item.insert(r.user, r.item);
                }
            }
            Kind::Transition { mode, filter } => {
                if let Some(&last) = self.last.get(&r.user)
                    && (!filter || r.eval)
                {
                    if *mode != "inverted" {
                        *self.transitions.entry((last, r.item)).or_default() += 1;
                    }
                    if *mode != "normal" {
                        *self.transitions.entry((r.item, last)).or_default() += 1;
                    }
                }
                self.last.insert(r.user, r.item);
            }
        }
    }

    fn prediction(&self, kind: &Kind, user: u32, item: u32) -> f64 {
        let global = |item: u32| {
            let c = self.counts.get(&item).copied().unwrap_or(0);
            let max = self.counts.values().copied().max().unwrap_or(0);
            if c == 0 { 0.0 } else { ((c + 1) as f64).ln() / ((max + 1) as f64).ln() }
        };
        match kind {
            Kind::Popularity(_) => global(item),
            Kind::Personal => {
                let own = self.personal.get(&(user, item)).copied().unwrap_or(0.0);
                let top = self.top_item.get(&user).map_or(0.0, |&t| self.personal[&(user, t)]);
                (own + global(item) + 1.0).ln() / (top + 2.0).ln()
            }
            Kind::Transition { .. } => match self.last.get(&user) {
                None => 0.0,
                Some(&last) => match self.transitions.get(&(last, item)).copied().unwrap_or(0) {
                    0 => 0.0,
                    c => ((c + 1) as f64).ln(),
                },
            },
        }
    }
}

#[derive(Debug, Clone)]
struct Setup {
    top_k: usize,
    exclude_known: bool,
    initialize_all: bool,
    /// Added to the data's max ids when pre-filling (ids that exist but never occur).
    extra_ids: u32,
    seed: i64,
}

#[derive(Debug, Clone)]
struct Ev {
    dt: u8,
    user: u32,
    item: u32,
    score: f64,
    eval: bool,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        prop_oneof![4 => 1usize..=5, 1 => Just(100usize)],
        any::<bool>(),
        any::<bool>(),
        0u32..3,
        prop::sample::select(vec![43211234i64, 12345, -1, 987654321]),
    )
        .prop_map(|(top_k, exclude_known, initialize_all, extra_ids, seed)| Setup {
            top_k,
            exclude_known,
            initialize_all,
            extra_ids,
            seed,
        })
}

/// Small id ranges so that ties, repeats and known items are frequent; equal times common.
/// Negative scores make personal popularity produce negative and non-finite predictions.
fn stream() -> impl Strategy<Value = Vec<Ev>> {
    stream_with_scores(vec![0.0, 0.5, 1.0, 1.0, 2.0, -0.5, -1.0])
}

fn stream_with_scores(scores: Vec<f64>) -> impl Strategy<Value = Vec<Ev>> {
    (1u32..=4, 1u32..=8).prop_flat_map(move |(users, items)| {
        prop::collection::vec(
            (0u8..3, 0..users, 0..items, prop::sample::select(scores.clone()), prop::bool::weighted(0.8))
                .prop_map(|(dt, user, item, score, eval)| Ev { dt, user, item, score, eval }),
            1..80,
        )
    })
}

fn records(events: &[Ev]) -> Vec<RecDat> {
    let mut time = 0.0;
    events
        .iter()
        .enumerate()
        .map(|(index, e)| {
            time += e.dt as f64;
            RecDat { id: index as i64, time, user: e.user, item: e.item, score: e.score, eval: e.eval, category: 0, index }
        })
        .collect()
}

/// `max_ids`: the (user, item) max ids given to a pre-filled environment; None = from the data.
fn check(kind: &Kind, s: &Setup, events: &[Ev], max_ids: Option<(i64, i64)>) -> Result<(), TestCaseError> {
    let recs = records(events);
    let max_user = recs.iter().map(|r| r.user).max().unwrap();
    let max_item = recs.iter().map(|r| r.item).max().unwrap();
    let (pre_user, pre_item) =
        max_ids.unwrap_or(((max_user + s.extra_ids) as i64, (max_item + s.extra_ids) as i64));
    let params = EnvironmentParameters {
        top_k: s.top_k,
        exclude_known: s.exclude_known,
        initialize_all: s.initialize_all,
        max_user: pre_user,
        max_item: pre_item,
        evaluation_start_time: 0.0,
        experiment_termination_time: 0.0,
        evaluate_cold_start: false,
    };
    let mut env = Environment::new(params, recs.len());
    let trained = kind.build();
    let mut reference = RefModel::default();
    let mut fast = RankComputer::new(s.top_k, s.exclude_known, s.seed);
    let mut generic = RankComputer::new(s.top_k, s.exclude_known, s.seed);
    let mut ref_rng = Random::new(s.seed);
    for (n, r) in recs.iter().enumerate() {
        trained.with_model(|m| -> Result<(), TestCaseError> {
            for u in 0..=max_user + 1 {
                for i in 0..=max_item + 1 {
                    let (got, want) = (m.prediction(&RecDat { user: u, item: i, ..*r }), reference.prediction(kind, u, i));
                    prop_assert!(close(got, want), "record {n}: prediction(u{u}, i{i}) = {got}, reference {want}");
                }
            }
            let iterator_path = m.rank_path() == RankPath::Iterator;
            let want = reference_rank(m, r, &env, s.top_k, s.exclude_known, iterator_path, &mut ref_rng);
            let got_fast = fast.rank(m, r, &env);
            let got_generic = generic.rank(&Generic(m), r, &env);
            prop_assert_eq!(got_fast, want, "fast path, record {} {:?}", n, r);
            prop_assert_eq!(got_generic, want, "generic path, record {} {:?}", n, r);
            let state = format!("{ref_rng:?}");
            prop_assert!(format!("{fast:?}").contains(&state), "fast path drew differently at record {n}: {fast:?} vs {state}");
            prop_assert!(
                format!("{generic:?}").contains(&state),
                "generic path drew differently at record {n}: {generic:?} vs {state}"
            );
            Ok(())
        })?;
        env.update(r);
        trained.train(r, &env);
        reference.train(kind, r);
    }
    Ok(())
}

/// Many cheap cases; no regression files (the failing input is printed instead).
fn config() -> ProptestConfig {
    ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() }
}

fn taus() -> impl Strategy<Value = f64> {
    prop::sample::select(vec![0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 1e9])
}

proptest! {
    #![proptest_config(config())]

    /// PopularityModel's fast path reads the ranks off the environment's run boundaries.
    #[test]
    fn popularity(s in setup(), events in stream()) {
        check(&Kind::Popularity(vec![None]), &s, &events, None)?;
    }

    /// Time-frame training decrements: the fast path must switch to its bounded walk and the
    /// normaliser must follow the window maximum.
    #[test]
    fn popularity_time_frame(tau in taus(), s in setup(), events in stream()) {
        check(&Kind::Popularity(vec![Some(tau)]), &s, &events, None)?;
    }

    /// One model trained by two updaters: its counts are not the environment's, so a shortcut
    /// that assumes the environment's history would be wrong.
    #[test]
    fn popularity_two_updaters(
        first in prop::option::of(taus()),
        second in prop::option::of(taus()),
        s in setup(),
        events in stream(),
    ) {
        check(&Kind::Popularity(vec![first, second]), &s, &events, None)?;
    }

    /// Non-negative scores: every prediction is finite and the denominator is >= ln 2.
    #[test]
    fn personal_popularity(s in setup(), events in stream_with_scores(vec![0.0, 0.5, 1.0, 2.0])) {
        check(&Kind::Personal, &s, &events, None)?;
    }

    /// Negative scores: non-finite candidates (argument <= 0) and a negative denominator
    /// (the top item's sum fell below -1).
    #[test]
    fn personal_popularity_negative_scores(s in setup(), events in stream()) {
        check(&Kind::Personal, &s, &events, None)?;
    }

    /// The transition fast path reads ranks off the row's run boundaries (iterator path).
    #[test]
    fn transition(
        mode in prop::sample::select(vec!["normal", "inverted", "symmetric"]),
        filter in any::<bool>(),
        s in setup(),
        events in stream(),
    ) {
        check(&Kind::Transition { mode, filter }, &s, &events, None)?;
    }
}

proptest! {
    #![proptest_config(config())]

    /// initialize_all with max ids *below* the data's: items beyond max_item meet 0-count
    /// pre-filled items in the popularity container (this used to panic in
    /// TopPopContainer::increase, see environment.rs).
    #[test]
    fn popularity_initialize_all_below_data_max(
        max_item in 0i64..3,
        s in setup(),
        events in stream(),
    ) {
        let s = Setup { initialize_all: true, ..s };
        check(&Kind::Popularity(vec![None]), &s, &events, Some((1, max_item)))?;
        check(&Kind::Personal, &s, &events, Some((1, max_item)))?;
    }
}
