//! A whole online experiment: FactorModel trained by a test-local point-wise SGD updater
//! (positives target 1, three random negatives target 0) through FactorModelGradientUpdater,
//! evaluated by two ranking loggers on the model: one through LEMP, one scoring every item
//! (`reference_ranking`), with the same tie generator seed: every rank code is equal.

use alpenglow_core::component::{Component, Handle, Link, slot};
use alpenglow_core::data::{OwnedColumns, RecDat, RecommenderData};
use alpenglow_core::experiment::run::NoHooks;
use alpenglow_core::experiment::{Environment, Updater};
use alpenglow_core::gradient::GradientUpdater;
use alpenglow_core::loggers::MemoryRankingLogger;
use alpenglow_core::models::Model;
use alpenglow_core::params::Value;
use alpenglow_core::random::Random;
use alpenglow_core::{Result, registry};

use super::common::{build, wire};

alpenglow_core::parameters! {
    /// Test SGD.
    pub struct TestSgdParameters {}
}
alpenglow_core::wiring! {
    pub struct TestSgdWiring {
        /// Model.
        set_model => model: required dyn Model,
        /// Gradient updaters.
        add_gradient_updater => updaters: many dyn GradientUpdater,
    }
}
pub struct TestSgd {
    params: TestSgdParameters,
    wiring: TestSgdWiring,
    rng: Random,
}
impl TestSgd {
    fn train(&self, rec: &RecDat, target: f64, env: &Environment) -> Result<()> {
        let model: &Link<dyn Model> = slot(&self.wiring.model, "TestSgd", "set_model")?;
        let g = {
            let mut m = model.borrow_mut()?;
            m.add(rec);
            m.prediction(rec) - target
        };
        for u in &self.wiring.updaters {
            u.borrow_mut()?.update(rec, g, env)?;
        }
        Ok(())
    }
}
impl Updater for TestSgd {
    fn update(&mut self, rec: &RecDat, env: &Environment) -> Result<()> {
        self.train(rec, 1.0, env)?;
        for _ in 0..3 {
            let item = env.items()[self.rng.get_int(env.items().len())];
            self.train(&rec.with_item(item), 0.0, env)?;
        }
        Ok(())
    }
}
impl Component for TestSgd {
    const NAME: &'static str = "TestSgd";
    type Params = TestSgdParameters;
    type Wiring = TestSgdWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(TestSgd { params, wiring: Default::default(), rng: Random::new(99) })
    }
    alpenglow_core::component_accessors!();
}

fn ranks(logger: &Handle) -> Vec<u32> {
    logger.downcast::<MemoryRankingLogger>().unwrap().with(|l| l.logs().rank.clone()).unwrap()
}

#[test]
fn lemp_and_brute_force_loggers_agree_in_a_run() {
    let mut rng = Random::new(2024);
    let mut c = OwnedColumns::default();
    for n in 0..3000i64 {
        let item = (rng.get() * rng.get() * 80.0) as i64;
        c.push(n as f64, rng.get_int(40) as i64, item, n, 1.0, 1, 0);
    }
    let data = registry::wrap(RecommenderData::from_owned(c).unwrap(), |_, _| {});
    let it = build("SimpleIterator", &[]);
    wire(&it, "set_recommender_data", &data);
    let exp = build("OnlineExperiment", &[("top_k", Value::Int(10))]);
    wire(&exp, "set_recommender_data_iterator", &it);
    let model = build("FactorModel", &[("begin_min", Value::Float(-0.01)), ("begin_max", Value::Float(0.01))]);
    let gu = build("FactorModelGradientUpdater", &[("learning_rate", Value::Float(0.05))]);
    wire(&gu, "set_model", &model);
    let sgd = registry::wrap(TestSgd::new(TestSgdParameters {}).unwrap(), |s, r| r.add::<dyn Updater>(s.clone()));
    wire(&sgd, "set_model", &model);
    wire(&sgd, "add_gradient_updater", &gu);
    let fast = build("MemoryRankingLogger", &[("random_seed", Value::Int(43211234))]);
    wire(&fast, "set_model", &model);
    let slow = build(
        "MemoryRankingLogger",
        &[("random_seed", Value::Int(43211234)), ("reference_ranking", Value::Bool(true))],
    );
    wire(&slow, "set_model", &model);
    wire(&exp, "add_logger", &fast);
    wire(&exp, "add_logger", &slow);
    wire(&exp, "add_updater", &sgd);
    alpenglow_core::experiment::run(&exp, &mut NoHooks).unwrap();
    let (a, b) = (ranks(&fast), ranks(&slow));
    assert_eq!(a.len(), 3000);
    assert_eq!(a, b);
    let hits = a.iter().filter(|&&r| r < 10).count();
    assert!(hits > 300, "{hits} hits");
}
