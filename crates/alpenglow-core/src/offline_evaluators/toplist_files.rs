//! The file-writing offline evaluators of a toplist creator: OfflineRankingEvaluator,
//! OfflineTopListEvaluator and OfflineUserToplistEvaluator.
//!
//! Outside a run there is no experiment environment, so each builds one from its training
//! data (`set_train_data`): the items and users in first-appearance order and the known
//! (user, item) pairs, with `top_k` 100 and `exclude_known` on as the creator's defaults
//! (its own parameters win). The creator is prepared with it before the lists are computed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::OfflineEvaluator;
use crate::component::{Component, Link, slot};
use crate::data::{RecDat, RecommenderData};
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::experiment::environment::EnvironmentParameters;
use crate::loggers::format_g;
use crate::toplists::ToplistCreator;

/// The environment of a whole training set (see the module doc).
pub fn train_environment(data: &RecommenderData) -> Environment {
    let view = data.view();
    let params = EnvironmentParameters {
        top_k: 100,
        exclude_known: true,
        initialize_all: false,
        max_user: data.max_user(),
        max_item: data.max_item(),
        evaluation_start_time: 0.0,
        experiment_termination_time: 0.0,
        evaluate_cold_start: false,
    };
    let mut env = Environment::new(params, data.len());
    for k in 0..data.len() {
        env.update(&view.record(k));
    }
    env
}

fn prepared(
    name: &str,
    creator: &Option<Link<dyn ToplistCreator>>,
    train: &Option<Link<RecommenderData>>,
) -> Result<(Environment, Link<dyn ToplistCreator>)> {
    let env = train_environment(&*slot(train, name, "set_train_data")?.borrow()?);
    let creator = slot(creator, name, "set_toplist_creator")?.clone();
    creator.borrow_mut()?.prepare(&env)?;
    Ok((env, creator))
}

fn output(name: &str, param: &str, path: &str) -> Result<BufWriter<File>> {
    if path.is_empty() {
        return Err(Error::parameter(format!("{name}: parameter '{param}' is required")));
    }
    Ok(BufWriter::new(crate::data::files::create_output(Path::new(path))?))
}

/// The test file's records, and its users in first-appearance order.
pub(super) fn test_records(name: &str, path: &str, format: &str) -> Result<(Vec<RecDat>, Vec<u32>)> {
    if path.is_empty() {
        return Err(Error::parameter(format!("{name}: parameter 'test_file_name' is required")));
    }
    let data = RecommenderData::from_file(Path::new(path), format, 0.0)?;
    let view = data.view();
    let records: Vec<RecDat> = (0..data.len()).map(|k| view.record(k)).collect();
    let mut seen = std::collections::HashSet::new();
    let users = records.iter().filter(|r| seen.insert(r.user)).map(|r| r.user).collect();
    Ok((records, users))
}

fn io(path: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path.to_string(), e)
}

crate::parameters! {
    /// For every record of the test file, the rank of its item in its user's top list (built
    /// once per test user by the toplist creator): writes `time user item rank prediction id`
    /// per record to `output_file_name`, with the 0-based position as rank and the listed
    /// score as prediction; an item missing from the list gets rank `top_k + 2` and
    /// prediction 0 (as in the original).
    pub struct OfflineRankingEvaluatorParameters {
        /// The test file.
        pub test_file_name: String = String::new(),
        /// Its format (an experimentType, or "csv").
        pub test_file_type: String = "online".to_string(),
        /// The output file.
        pub output_file_name: String = String::new(),
        /// The rank code of a missing item is `top_k + 2`.
        pub top_k: i64 = 100; where int(1..=i32::MAX as i64),
    }
}

crate::wiring! {
    pub struct OfflineRankingEvaluatorWiring {
        /// The toplist creator (with its model).
        set_toplist_creator => creator: required dyn ToplistCreator,
        /// The training data: the items, users and known pairs of the lists.
        set_train_data => train: required RecommenderData,
    }
}

pub struct OfflineRankingEvaluator {
    params: OfflineRankingEvaluatorParameters,
    wiring: OfflineRankingEvaluatorWiring,
}

impl OfflineEvaluator for OfflineRankingEvaluator {
    fn evaluate(&mut self) -> Result<()> {
        let p = &self.params;
        let (records, users) = test_records(Self::NAME, &p.test_file_name, &p.test_file_type)?;
        let mut out = output(Self::NAME, "output_file_name", &p.output_file_name)?;
        let (env, creator) = prepared(Self::NAME, &self.wiring.creator, &self.wiring.train)?;
        let mut creator = creator.borrow_mut()?;
        let mut lists = std::collections::HashMap::new();
        for &u in &users {
            let list = creator.run(&RecDat { user: u, ..Default::default() }, &env)?;
            lists.insert(u, list);
        }
        for r in &records {
            let list = &lists[&r.user];
            let (rank, prediction) = match list.iter().position(|e| e.item == r.item) {
                Some(pos) => (pos as i64, list[pos].score),
                None => (p.top_k + 2, 0.0),
            };
            writeln!(out, "{} {} {} {rank} {} {}", r.time as i64, r.user, r.item, format_g(prediction), r.id)
                .map_err(io(&p.output_file_name))?;
        }
        out.flush().map_err(io(&p.output_file_name))
    }
}

impl Component for OfflineRankingEvaluator {
    const NAME: &'static str = "OfflineRankingEvaluator";
    type Params = OfflineRankingEvaluatorParameters;
    type Wiring = OfflineRankingEvaluatorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(OfflineRankingEvaluator { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}

crate::parameters! {
    /// Runs the toplist creator once on an empty record (intended for ToplistCreatorGlobal)
    /// and writes `user item score` per entry to `file_name`.
    pub struct OfflineTopListEvaluatorParameters {
        /// The output file.
        pub file_name: String = String::new(),
    }
}

crate::wiring! {
    pub struct OfflineTopListEvaluatorWiring {
        /// The toplist creator (with its model).
        set_toplist_creator => creator: required dyn ToplistCreator,
        /// The training data: the items, users and known pairs of the list.
        set_train_data => train: required RecommenderData,
    }
}

pub struct OfflineTopListEvaluator {
    params: OfflineTopListEvaluatorParameters,
    wiring: OfflineTopListEvaluatorWiring,
}

impl OfflineEvaluator for OfflineTopListEvaluator {
    fn evaluate(&mut self) -> Result<()> {
        let path = &self.params.file_name;
        let mut out = output(Self::NAME, "file_name", path)?;
        let (env, creator) = prepared(Self::NAME, &self.wiring.creator, &self.wiring.train)?;
        let list = creator.borrow_mut()?.run(&RecDat::default(), &env)?;
        for e in &list {
            writeln!(out, "{} {} {}", e.user, e.item, format_g(e.score)).map_err(io(path))?;
        }
        out.flush().map_err(io(path))
    }
}

impl Component for OfflineTopListEvaluator {
    const NAME: &'static str = "OfflineTopListEvaluator";
    type Params = OfflineTopListEvaluatorParameters;
    type Wiring = OfflineTopListEvaluatorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(OfflineTopListEvaluator { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}

crate::parameters! {
    /// For every user of the test file (in first-appearance order), writes the toplist
    /// creator's list as one line `user i1,s1 i2,s2 ...` to `output_file_name`.
    pub struct OfflineUserToplistEvaluatorParameters {
        /// The test file (only its users are used).
        pub test_file_name: String = String::new(),
        /// Its format (an experimentType, or "csv").
        pub test_file_type: String = "online".to_string(),
        /// The output file.
        pub output_file_name: String = String::new(),
    }
}

crate::wiring! {
    pub struct OfflineUserToplistEvaluatorWiring {
        /// The toplist creator (with its model).
        set_toplist_creator => creator: required dyn ToplistCreator,
        /// The training data: the items, users and known pairs of the lists.
        set_train_data => train: required RecommenderData,
    }
}

pub struct OfflineUserToplistEvaluator {
    params: OfflineUserToplistEvaluatorParameters,
    wiring: OfflineUserToplistEvaluatorWiring,
}

impl OfflineEvaluator for OfflineUserToplistEvaluator {
    fn evaluate(&mut self) -> Result<()> {
        let p = &self.params;
        let (_, users) = test_records(Self::NAME, &p.test_file_name, &p.test_file_type)?;
        let mut out = output(Self::NAME, "output_file_name", &p.output_file_name)?;
        let (env, creator) = prepared(Self::NAME, &self.wiring.creator, &self.wiring.train)?;
        let mut creator = creator.borrow_mut()?;
        for &u in &users {
            let list = creator.run(&RecDat { user: u, ..Default::default() }, &env)?;
            let mut line = u.to_string();
            for e in &list {
                line.push_str(&format!(" {},{}", e.item, format_g(e.score)));
            }
            writeln!(out, "{line}").map_err(io(&p.output_file_name))?;
        }
        out.flush().map_err(io(&p.output_file_name))
    }
}

impl Component for OfflineUserToplistEvaluator {
    const NAME: &'static str = "OfflineUserToplistEvaluator";
    type Params = OfflineUserToplistEvaluatorParameters;
    type Wiring = OfflineUserToplistEvaluatorWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(OfflineUserToplistEvaluator { params, wiring: Default::default() })
    }
    crate::component_accessors!();
}
