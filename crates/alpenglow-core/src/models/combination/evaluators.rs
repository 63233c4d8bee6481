//! Per-record losses of a model, used by the expert updater.

use crate::data::RecDat;
use crate::experiment::Environment;
use crate::models::Model;
use crate::ranking::RankComputer;

/// Seed of the DCG evaluator's tie-breaking generator (the original's).
pub const DCG_SEED: i64 = 19263435;

/// A loss of one model on one record.
pub enum Evaluator {
    /// |prediction − score|.
    AbsoluteError,
    /// loss = −DCG = −ln 2 / ln(rank + 2), with the 0-based raw rank code of the evaluator's own
    /// rank computer (codes >= top_k, "not in the top list", still give a small positive DCG).
    Dcg(RankComputer),
}

impl Evaluator {
    pub fn absolute_error() -> Self {
        Evaluator::AbsoluteError
    }

    pub fn dcg(top_k: usize, exclude_known: bool) -> Self {
        Evaluator::Dcg(RankComputer::new(top_k, exclude_known, DCG_SEED))
    }

    pub fn loss(&mut self, model: &dyn Model, rec: &RecDat, env: &Environment) -> f64 {
        match self {
            Evaluator::AbsoluteError => (model.prediction(rec) - rec.score).abs(),
            Evaluator::Dcg(rc) => {
                let rank = rc.rank(model, rec, env);
                -(std::f64::consts::LN_2 / ((rank + 2) as f64).ln())
            }
        }
    }
}
