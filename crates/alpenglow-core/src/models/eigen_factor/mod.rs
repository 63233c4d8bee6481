//! The dense factor model of the ALS experiments: user and item matrices trained offline by
//! `OfflineEigenFactorModelALSLearner`, ranked exactly through the factor family's LEMP index.

pub mod dense;
mod io;
pub mod model;

pub use dense::DenseFactors;
pub use model::EigenFactorModel;

use crate::models::Model;

crate::component_list! {
    EigenFactorModel => [Model],
}

#[cfg(test)]
mod tests;
