//! Input streams: the record type, the columnar data container, file formats and iterators.

pub mod columns;
pub mod formats;
mod csv_format;
pub mod iterators;
pub mod record;
pub mod recommender_data;

pub use columns::{Column, ColumnSource, OwnedColumns};
pub use iterators::{DataIterator, ShuffleIterator, SimpleIterator};
pub use record::RecDat;
pub use recommender_data::RecommenderData;

crate::component_list! {
    RecommenderData => [],
    SimpleIterator => [iterator],
    ShuffleIterator => [iterator],
}
