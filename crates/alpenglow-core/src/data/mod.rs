//! Input streams: the record type, the columnar data container, file formats and iterators.

pub mod columns;
pub mod files;
pub mod formats;
mod csv_format;
pub mod iterators;
pub mod random_iterators;
pub mod recommender_data;

pub use columns::{Column, ColumnSource, OwnedColumns};
pub use iterators::{DataIterator, ShuffleIterator, SimpleIterator};
pub use random_iterators::{RandomIterator, RandomOnlineIterator, Reshuffle};
pub use crate::record::RecDat;
pub use recommender_data::RecommenderData;

/// A container of records, by position.
pub trait Records: Send + Sync {
    fn size(&self) -> usize;
}

fn size(h: &crate::component::Handle, _args: &[crate::role::Arg]) -> crate::Result<crate::role::Arg> {
    let n = h.require_role::<dyn Records>()?.with(|d| d.size())?;
    Ok(crate::role::Arg::Int(n as i64))
}

const RECORDS_METHODS: &[crate::role::Method] = &[crate::role::Method {
    name: "size",
    doc: "Number of records.",
    args: &[],
    returns: crate::role::ArgKind::Int,
    call: size,
}];

crate::role!(Records => "data", "recommender data", methods = RECORDS_METHODS);
crate::role!(DataIterator => "iterator", "a data iterator");

crate::component_list! {
    RecommenderData => [Records],
    SimpleIterator => [DataIterator],
    ShuffleIterator => [DataIterator],
    RandomIterator => [DataIterator, Reshuffle],
    RandomOnlineIterator => [DataIterator],
}
