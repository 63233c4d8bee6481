//! SVD++: user factors plus the history factors of the user's items. Shares its machinery
//! with the asymmetric family (`models::asymmetric::shared`).

pub mod model;
pub mod updater;

pub use model::{SvdppModel, SvdppModelParameters};
pub use updater::{
    SvdppModelGradientUpdater, SvdppModelGradientUpdaterParameters, SvdppModelUpdater, SvdppModelUpdaterParameters,
};

use crate::experiment::Updater;
use crate::gradient::GradientUpdater;
use crate::models::Model;

crate::component_list! {
    SvdppModel => [Model],
    SvdppModelUpdater => [Updater],
    SvdppModelGradientUpdater => [GradientUpdater],
}
