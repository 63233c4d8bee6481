//! A whole online run: a test-only sampler chain (what the negative sampler and the
//! gradient computer do) feeds the gradient updater; the history updater comes after it.

use super::*;
use alpenglow_core::component::{Component, Link, slot};
use alpenglow_core::data::{OwnedColumns, RecommenderData};
use alpenglow_core::experiment::Updater;
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::gradient::GradientUpdater;
use alpenglow_core::loggers::MemoryRankingLogger;
use alpenglow_core::models::Model;

alpenglow_core::parameters! {
    /// Test chain: positive plus two fixed negatives, MSE gradient.
    pub struct ChainParameters {}
}

alpenglow_core::wiring! {
    pub struct ChainWiring {
        /// The model.
        set_model => model: required dyn Model,
        /// The gradient updater.
        add_gradient_updater => gradient: required dyn GradientUpdater,
    }
}

pub struct Chain {
    params: ChainParameters,
    wiring: ChainWiring,
}

impl Updater for Chain {
    fn update(&mut self, r: &RecDat, env: &Environment) -> alpenglow_core::Result<()> {
        let model: &Link<dyn Model> = slot(&self.wiring.model, "Chain", "set_model")?;
        let gradient = slot(&self.wiring.gradient, "Chain", "add_gradient_updater")?;
        gradient.borrow_mut()?.message(UpdaterMessage::StartOfImplicitUpdateCycle)?;
        let samples = std::iter::once(*r).chain(negatives(r).into_iter().map(|i| RecDat { item: i, score: 0.0, ..*r }));
        for s in samples {
            model.borrow_mut()?.add(&s);
            let p = model.borrow()?.prediction(&s);
            gradient.borrow_mut()?.update(&s, p - s.score, env)?;
        }
        gradient.borrow_mut()?.message(UpdaterMessage::EndOfImplicitUpdateCycle)
    }
}

impl Component for Chain {
    const NAME: &'static str = "Chain";
    type Params = ChainParameters;
    type Wiring = ChainWiring;
    fn new(params: ChainParameters) -> alpenglow_core::Result<Self> {
        Ok(Chain { params, wiring: Default::default() })
    }
    alpenglow_core::component_accessors!();
}

fn run(model: &str, cumulative: bool) -> (Vec<u32>, Vec<f64>) {
    let f = Fixture::new(
        model,
        &[("norm_type", s("exponential")), ("begin_min", Value::Float(-0.3)), ("begin_max", Value::Float(0.3))],
        &[("learning_rate", Value::Float(0.05)), ("cumulative_item_updates", Value::Bool(cumulative))],
    );
    let mut c = OwnedColumns::default();
    for r in stream() {
        c.push(r.time, r.user as i64, r.item as i64, r.id, r.score, 1, 0);
    }
    let data = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let it = build("SimpleIterator", &[]);
    wire(&it, "set_recommender_data", &data);
    let exp = build("OnlineExperiment", &[("top_k", Value::Int(3)), ("exclude_known", Value::Bool(false))]);
    wire(&exp, "set_recommender_data_iterator", &it);
    let logger = build("MemoryRankingLogger", &[("random_seed", Value::Int(43211234))]);
    wire(&logger, "set_model", &f.model);
    let chain = registry::wrap(Chain::new(ChainParameters {}).unwrap(), |sh, roles| roles.add::<dyn Updater>(sh.clone()));
    wire(&chain, "set_model", &f.model);
    wire(&chain, "add_gradient_updater", &f.gradient);
    wire(&exp, "add_logger", &logger);
    wire(&exp, "add_updater", &chain);
    wire(&exp, "add_updater", &f.updater);
    alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
    let logs = logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().clone()).unwrap();
    (logs.rank, logs.prediction)
}

/// The logged predictions are those of the same training replayed by hand, record by record.
#[test]
fn whole_run_matches_a_manual_replay() {
    for model in ["AsymmetricFactorModel", "SvdppModel"] {
        for cumulative in [false, true] {
            let (ranks, predictions) = run(model, cumulative);
            assert_eq!((ranks.clone(), predictions.clone()), run(model, cumulative), "{model}: not deterministic");
            let f = Fixture::new(
                model,
                &[("norm_type", s("exponential")), ("begin_min", Value::Float(-0.3)), ("begin_max", Value::Float(0.3))],
                &[("learning_rate", Value::Float(0.05)), ("cumulative_item_updates", Value::Bool(cumulative))],
            );
            let mut e = env(3, false);
            let mut replay = Vec::new();
            for r in stream() {
                replay.push(f.predict(&r));
                f.train(&r, &negatives(&r), &mut e);
            }
            assert_eq!(predictions, replay, "{model} cumulative={cumulative}");
            assert_eq!(ranks[0], 3 + 5, "{model}: the first item is unseen");
            assert!(ranks.iter().filter(|&&r| r < 3).count() >= 5, "{model}: {ranks:?}");
        }
    }
}
