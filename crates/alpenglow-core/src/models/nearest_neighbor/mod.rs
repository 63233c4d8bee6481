//! Item-based nearest neighbours with time decay: co-occurrence in user histories, top-N
//! neighbour lists recomputed per period.

pub mod cooccurrence;
mod io;
mod model;
mod row;
mod updater;

pub use model::{NearestNeighborModel, NearestNeighborModelParameters};
pub use updater::{NearestNeighborModelUpdater, NearestNeighborModelUpdaterParameters};

use crate::experiment::Updater;
use crate::models::Model;

crate::component_list! {
    NearestNeighborModel => [Model],
    NearestNeighborModelUpdater => [Updater],
}
