//! The dense factor model trained offline by ALS (core-components.md §2.4 EigenFactorModel).

use super::dense::DenseFactors;
use crate::component::{Component, NoWiring};
use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::models::factor::factors::dot;
use crate::models::factor::lemp::LempContainer;
use crate::models::factor::ranking::{FactorModelRankingScoreIterator, count_with_index, exact_scan, top_list_with_index};
use crate::models::{Model, RankPath};
use crate::ranking::{RankCount, RankQuery, RankingScoreIterator, TopList};

crate::parameters! {
    /// Matrix factorisation with dense user and item matrices, trained offline by
    /// `OfflineEigenFactorModelALSLearner`: `prediction = p_u·q_i` when both ids have a row,
    /// else 0. Rows are created by the learner (`resize`): the new rows of a matrix are drawn
    /// uniformly in [begin_min, begin_max) column by column (for each dimension, for each new
    /// row), users from `seed`, items from `seed+1`; the generators continue across fits and
    /// `clear` does not reseed them. `add` does nothing.
    ///
    /// Ranks are computed exactly (ties included) from a LEMP index of the item rows, with the
    /// rank semantics of `FactorModel` (an exact walk in descending score order).
    ///
    /// Fix: every item row is indexed, so ranks and top lists agree with the prediction (the
    /// original indexed only the items seen in the last fit; after a fit the others have zero
    /// rows, so the result is the same).
    /// Fix: ties in top lists are broken deterministically (higher score, then lower item id).
    /// Fix: the saved file also holds the `seen` flags and the generator states, and loading
    /// restores them (the original restored neither).
    pub struct EigenFactorModelParameters {
        /// Length of the factor vectors.
        pub dimension: i64 = 10; where int(1..=1 << 20),
        /// Lower end of the uniform initial values.
        pub begin_min: f64 = -0.01; where finite(),
        /// Upper end of the uniform initial values (>= begin_min).
        pub begin_max: f64 = 0.01; where finite(),
        /// Seed of the initial values (users use seed, items seed+1).
        pub seed: i64 = 745578; where seeds(2),
        /// Bucket size of the LEMP container used for exact fast ranking.
        pub lemp_bucket_size: i64 = 64; where int(2..=1 << 20),
    }
}

pub struct EigenFactorModel {
    pub(super) params: EigenFactorModelParameters,
    wiring: NoWiring,
    pub(super) dimension: usize,
    pub(super) users: DenseFactors,
    pub(super) items: DenseFactors,
    /// Every item row; rebuilt whenever the item matrix is replaced.
    pub(super) lemp: LempContainer,
}

impl EigenFactorModel {
    pub fn dimension(&self) -> usize {
        self.dimension
    }
    pub fn users(&self) -> &DenseFactors {
        &self.users
    }
    pub fn items(&self) -> &DenseFactors {
        &self.items
    }
    pub fn user_factor(&self, user: u32) -> Option<&[f64]> {
        self.users.row(user)
    }
    pub fn item_factor(&self, item: u32) -> Option<&[f64]> {
        self.items.row(item)
    }
    /// The LEMP index of the item rows.
    pub fn lemp(&self) -> &LempContainer {
        &self.lemp
    }

    /// Grows the matrices to at least `users` and `items` rows, drawing the new rows (users
    /// first, then items; column by column within each).
    pub fn resize(&mut self, users: usize, items: usize) -> Result<()> {
        self.users.resize(users, "EigenFactorModel: user factors")?;
        let before = self.items.rows();
        self.items.resize(items, "EigenFactorModel: item factors")?;
        if self.items.rows() != before {
            self.rebuild_index();
        }
        Ok(())
    }

    /// Replaces both matrices (row-major, `dimension` values per row) and their `seen` flags.
    pub fn set_factors(&mut self, users: Vec<f64>, user_seen: Vec<bool>, items: Vec<f64>, item_seen: Vec<bool>) -> Result<()> {
        let d = self.dimension;
        if users.len() != user_seen.len() * d || items.len() != item_seen.len() * d {
            return Err(Error::data(format!(
                "EigenFactorModel: factor matrices of {} and {} values do not have {} and {} rows of dimension {d}",
                users.len(),
                items.len(),
                user_seen.len(),
                item_seen.len()
            )));
        }
        self.users.set(users, user_seen);
        self.items.set(items, item_seen);
        self.rebuild_index();
        Ok(())
    }

    pub(super) fn rebuild_index(&mut self) {
        let items = &self.items;
        self.lemp.rebuild_from_rows((0..items.rows() as u32).filter_map(|i| Some((i, items.row(i)?))));
    }

    /// Scores every item row (the path when the index cannot bound the scores).
    fn scan_top_list(&self, u: &[f64], k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        let mut heap = TopList::new(k);
        for item in 0..self.items.rows() as u32 {
            let score = self.items.row(item).map_or(0.0, |v| dot(u, v) + 0.0);
            if !exclude.is_some_and(|row| row.contains(&item)) && score.is_finite() {
                heap.insert(item, score);
            }
        }
        heap.into_sorted()
    }
}

impl Model for EigenFactorModel {
    #[inline]
    fn prediction(&self, rec: &RecDat) -> f64 {
        match (self.users.row(rec.user), self.items.row(rec.item)) {
            // `+ 0.0` turns a -0.0 into +0.0, as the index's scores.
            (Some(p), Some(q)) => dot(p, q) + 0.0,
            _ => 0.0,
        }
    }

    fn rank_path(&self) -> RankPath {
        RankPath::Iterator
    }

    fn count_ranked(&self, q: &RankQuery<'_>) -> Option<RankCount> {
        let rows = self.items.rows();
        let counted = self
            .users
            .row(q.rec.user)
            .and_then(|u| count_with_index(u, &self.lemp, q, |item| (item as usize) < rows));
        Some(counted.unwrap_or_else(|| exact_scan(q, |item| self.prediction(&q.rec.with_item(item)))))
    }

    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        let u = self.users.row(user)?;
        Some(Box::new(FactorModelRankingScoreIterator::new(&self.lemp, u)))
    }

    fn has_top_list(&self) -> bool {
        true
    }

    /// The best `k` items with a row, best first (higher score, then lower id).
    fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        let Some(u) = self.users.row(user).filter(|_| k > 0) else {
            return Vec::new();
        };
        top_list_with_index(u, &self.lemp, k, exclude).unwrap_or_else(|| self.scan_top_list(u, k, exclude))
    }

    fn write(&self, out: &mut dyn std::io::Write) -> Result<()> {
        super::io::write(self, out)
    }

    fn read(&mut self, input: &mut dyn std::io::Read) -> Result<()> {
        super::io::read(self, input)
    }

    /// Forgets both matrices (the generators continue where they were).
    fn clear(&mut self) -> Result<()> {
        self.users.clear();
        self.items.clear();
        self.lemp.clear();
        Ok(())
    }
}

impl Component for EigenFactorModel {
    const NAME: &'static str = "EigenFactorModel";
    type Params = EigenFactorModelParameters;
    type Wiring = NoWiring;

    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let p = &params;
        if p.begin_min > p.begin_max {
            return Err(Error::parameter(format!(
                "EigenFactorModel: parameter 'begin_min' must be <= begin_max ({}), got {}",
                p.begin_max, p.begin_min
            )));
        }
        let d = p.dimension as usize;
        Ok(EigenFactorModel {
            users: DenseFactors::new(d, p.begin_min, p.begin_max, p.seed),
            items: DenseFactors::new(d, p.begin_min, p.begin_max, p.seed + 1),
            lemp: LempContainer::new(d, p.lemp_bucket_size as usize),
            dimension: d,
            params,
            wiring: NoWiring,
        })
    }

    crate::component_accessors!();
}
