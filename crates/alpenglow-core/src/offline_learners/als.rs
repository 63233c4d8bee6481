//! Offline training of an `EigenFactorModel` by (implicit) alternating least squares
//! (core-components.md §2.12).

use super::OfflineLearner;
use super::als_solve::{Solve, solve_rows};
use super::sparse::rating_matrix;
use crate::component::{Component, slot};
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::models::Model;
use crate::models::eigen_factor::EigenFactorModel;
use crate::models::factor::FactorModel;
use crate::record::RecDat;

crate::parameters! {
    /// Trains an `EigenFactorModel` on the training set by alternating least squares:
    /// `number_of_iterations` times, every user row is solved against the item rows, then
    /// every item row against the user rows. With A the user × item matrix of the training set
    /// (implicit: repeated pairs summed; explicit: the newest score of a pair wins) and
    /// Λ = regularization_lambda · nnz(A) · I (scaled by the global number of entries, as the
    /// original), a row with entries (j, r_j) solves
    /// implicit (iALS, c_j = 1 + alpha·r_j): `(YᵀY + Σ_j (c_j−1) y_j y_jᵀ + Λ) x = Σ_j c_j y_j`
    /// (YᵀY over every row of Y); explicit: `(Σ_j y_j y_jᵀ + Λ) x = Σ_j r_j y_j`; a row
    /// without entries gets 0. The systems are solved exactly (Cholesky; Gaussian elimination
    /// with partial pivoting if the matrix is not numerically positive definite; a singular
    /// system gives 0), rows in parallel with bit-identical results for any number of threads.
    ///
    /// Before solving, the model grows to the largest ids of the training set (new rows drawn
    /// from its generators), and rows of `set_copy_from_model`'s FactorModel replace the
    /// starting rows. After solving, the factors are copied into `set_copy_to_model`'s
    /// FactorModel (ids it has no slot for are random-initialised first, as the original).
    /// An empty training set changes nothing (apart from `clear_before_fit`).
    ///
    /// Fix: explicit duplicates keep the newest rating (the original's newest-first past data
    /// kept the oldest).
    pub struct OfflineEigenFactorModelALSLearnerParameters {
        /// Number of ALS sweeps (users, then items) per fit.
        pub number_of_iterations: i64 = 3; where int(0..=1 << 20),
        /// Ridge λ, multiplied by the number of entries of the rating matrix.
        pub regularization_lambda: f64 = 1e-5; where finite_min(0.0),
        /// Confidence slope of implicit ALS: c = 1 + alpha·score.
        pub alpha: f64 = 40.0; where finite_min(0.0),
        /// 1: implicit ALS (iALS); 0: explicit ALS on the scores.
        pub implicit: i64 = 1; where int(0..=1),
        /// 1: clear the model before every fit (its generators continue).
        pub clear_before_fit: i64 = 0; where int(0..=1),
    }
}

crate::wiring! {
    pub struct OfflineEigenFactorModelALSLearnerWiring {
        /// The model to train.
        set_model => model: required EigenFactorModel,
        /// A FactorModel whose vectors are the starting rows of each fit.
        set_copy_from_model => copy_from_model: optional FactorModel,
        /// A FactorModel that receives the trained factors after each fit.
        set_copy_to_model => copy_to_model: optional FactorModel,
    }
}

pub struct OfflineEigenFactorModelALSLearner {
    params: OfflineEigenFactorModelALSLearnerParameters,
    wiring: OfflineEigenFactorModelALSLearnerWiring,
}

const NAME: &str = "OfflineEigenFactorModelALSLearner";

/// Overwrites the rows of `dense` (row-major, `d` columns) that `get` has a vector for.
fn copy_rows<'a>(dense: &mut [f64], d: usize, get: impl Fn(u32) -> Option<&'a [f64]>) {
    for (id, row) in dense.chunks_exact_mut(d).enumerate() {
        if let Some(v) = get(id as u32) {
            row.copy_from_slice(v);
        }
    }
}

fn check_dimension(fm: &FactorModel, d: usize, call: &str) -> Result<()> {
    if fm.dimension() == d {
        return Ok(());
    }
    Err(Error::parameter(format!(
        "{NAME}.{call}: the FactorModel has dimension {}, the EigenFactorModel {d}; they must be equal",
        fm.dimension()
    )))
}

fn dense_copy(values: &[f64], what: &str) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    crate::alloc::reserve(&mut v, values.len(), what)?;
    v.extend_from_slice(values);
    Ok(v)
}

impl OfflineEigenFactorModelALSLearner {
    fn train(&self, model: &mut EigenFactorModel, data: &[RecDat]) -> Result<()> {
        let p = &self.params;
        let implicit = p.implicit == 1;
        let d = model.dimension();
        let by_user = rating_matrix(data, model.users().rows(), implicit)?;
        let items = data.iter().map(|r| r.item as usize + 1).max().unwrap_or(0);
        model.resize(by_user.rows(), items)?;
        let (n_users, n_items) = (model.users().rows(), model.items().rows());
        let by_item = by_user.transpose(n_items)?;
        let user_seen: Vec<bool> = (0..n_users).map(|u| !by_user.row(u).0.is_empty()).collect();
        let item_seen: Vec<bool> = (0..n_items).map(|i| !by_item.row(i).0.is_empty()).collect();
        let mut x = dense_copy(model.users().values(), "OfflineEigenFactorModelALSLearner: user factors")?;
        let mut y = dense_copy(model.items().values(), "OfflineEigenFactorModelALSLearner: item factors")?;
        if let Some(link) = &self.wiring.copy_from_model {
            let fm = link.borrow()?;
            check_dimension(&fm, d, "set_copy_from_model")?;
            copy_rows(&mut x, d, |u| fm.user_factor(u));
            copy_rows(&mut y, d, |i| fm.item_factor(i));
        }
        let solve = Solve { implicit, alpha: p.alpha, ridge: p.regularization_lambda * by_user.nnz() as f64 };
        for _ in 0..p.number_of_iterations {
            solve_rows(&mut x, &y, &by_user, d, solve);
            solve_rows(&mut y, &x, &by_item, d, solve);
            super::interrupt::check()?;
        }
        if let Some(link) = &self.wiring.copy_to_model {
            let mut fm = link.borrow_mut()?;
            check_dimension(&fm, d, "set_copy_to_model")?;
            fm.overwrite_from_dense(&x, &y)?;
        }
        model.set_factors(x, user_seen, y, item_seen)
    }
}

impl OfflineLearner for OfflineEigenFactorModelALSLearner {
    fn fit(&mut self, data: &[RecDat], _env: &Environment) -> Result<()> {
        let mut model = slot(&self.wiring.model, NAME, "set_model")?.borrow_mut()?;
        if self.params.clear_before_fit == 1 {
            model.clear()?;
        }
        if data.is_empty() {
            return Ok(());
        }
        self.train(&mut model, data)
    }
}

impl Component for OfflineEigenFactorModelALSLearner {
    const NAME: &'static str = NAME;
    type Params = OfflineEigenFactorModelALSLearnerParameters;
    type Wiring = OfflineEigenFactorModelALSLearnerWiring;

    fn new(params: Self::Params) -> Result<Self> {
        params.validate(NAME)?;
        Ok(OfflineEigenFactorModelALSLearner { params, wiring: Default::default() })
    }

    crate::component_accessors!();

    /// Checks before the run that the wired FactorModels have the model's dimension.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        let d = slot(&self.wiring.model, NAME, "set_model")?.borrow()?.dimension();
        for (link, call) in [(&self.wiring.copy_from_model, "set_copy_from_model"), (&self.wiring.copy_to_model, "set_copy_to_model")] {
            if let Some(link) = link {
                check_dimension(&*link.borrow()?, d, call)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "als_tests.rs"]
mod tests;
