//! Top lists of many users in parallel (the offline API's `recommend`).

use rayon::prelude::*;

use crate::containers::TrainMatrix;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::toplists::{Candidates, best_items};

/// Flat top lists: one row per (user, position), users in the requested order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfflinePredictions {
    pub users: Vec<u32>,
    pub items: Vec<u32>,
    /// 1-based position in the user's list.
    pub ranks: Vec<u32>,
    pub scores: Vec<f64>,
}

/// Computes the top-`top_k` list of every user of `set_users` among the items of `set_items`
/// (skipping each user's pairs of `set_known` when `exclude_known`), best first: higher score,
/// then lower item id. Items with a non-finite score or a score of exactly 0 are not listed
/// (see `toplists::best`). Users are processed in parallel; the result is the same for any
/// number of threads.
#[derive(Debug, Clone, Default)]
pub struct OfflineRankingComputer {
    pub top_k: usize,
    pub exclude_known: bool,
    users: Vec<u32>,
    candidates: Candidates,
    known: TrainMatrix,
}

impl OfflineRankingComputer {
    pub fn new(top_k: usize, exclude_known: bool) -> Self {
        OfflineRankingComputer { top_k, exclude_known, ..Default::default() }
    }

    /// The users whose lists are computed, in output order.
    pub fn set_users(&mut self, users: Vec<u32>) {
        self.users = users;
    }

    /// The items that may be listed.
    pub fn set_items(&mut self, items: &[u32]) {
        self.candidates = Candidates::new(items);
    }

    /// The known (user, item) pairs, skipped with `exclude_known`.
    pub fn set_known(&mut self, users: &[u32], items: &[u32]) -> Result<()> {
        if users.len() != items.len() {
            return Err(Error::data(format!(
                "OfflineRankingComputer: {} known users but {} known items",
                users.len(),
                items.len()
            )));
        }
        self.known = TrainMatrix::default();
        for (&u, &i) in users.iter().zip(items) {
            self.known.insert(u, i);
        }
        Ok(())
    }

    /// The lists of every user, concatenated in user order.
    pub fn compute(&self, model: &dyn Model) -> Result<OfflinePredictions> {
        let lists: Vec<Vec<(u32, f64)>> = self
            .users
            .par_iter()
            .map(|&user| {
                let exclude = if self.exclude_known { self.known.row(user) } else { None };
                best_items(model, &RecDat { user, ..Default::default() }, self.top_k, exclude, &self.candidates)
            })
            .collect();
        let n: usize = lists.iter().map(Vec::len).sum();
        let mut out = OfflinePredictions::default();
        let what = "OfflineRankingComputer: the top lists (users x top_k)";
        crate::alloc::reserve(&mut out.users, n, what)?;
        crate::alloc::reserve(&mut out.items, n, what)?;
        crate::alloc::reserve(&mut out.ranks, n, what)?;
        crate::alloc::reserve(&mut out.scores, n, what)?;
        for (&user, list) in self.users.iter().zip(lists) {
            for (pos, (item, score)) in list.into_iter().enumerate() {
                out.users.push(user);
                out.items.push(item);
                out.ranks.push(pos as u32 + 1);
                out.scores.push(score);
            }
        }
        Ok(out)
    }
}

/// The model's prediction of every (user, item) pair, with the probe record `(user, item)`
/// (time 0, id 0), in order.
pub fn predict_pairs(model: &dyn Model, users: &[u32], items: &[u32]) -> Result<Vec<f64>> {
    if users.len() != items.len() {
        return Err(Error::data(format!("predict: {} users but {} items", users.len(), items.len())));
    }
    let mut out = Vec::new();
    crate::alloc::reserve(&mut out, users.len(), "predict: the predictions")?;
    out.extend(
        users.iter().zip(items).map(|(&user, &item)| model.prediction(&RecDat { user, item, ..Default::default() })),
    );
    Ok(out)
}
