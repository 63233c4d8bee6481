//! Item filters: the whitelist-filter role, the filters, and the adapter that turns a filter
//! and a model into a filtered model.

mod adapter;
mod availability;
mod label;
#[cfg(test)]
mod tests;

pub use adapter::WhitelistFilter2ModelAdapter;
pub use availability::AvailabilityFilter;
pub use label::LabelFilter;

use crate::component::Handle;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Updater;
use crate::models::Model;
use crate::role::{Arg, ArgKind, Method};

/// Decides which items may be recommended to a user at a time.
pub trait WhitelistFilter: Send + Sync {
    /// Whether `rec.item` may be recommended to `rec.user` at `rec.time`.
    fn active(&self, rec: &RecDat) -> bool;
    /// Replaces `out` by the items that may be recommended to `user` at `time`, in the
    /// filter's order (the order the adapter's ranking-score iterator serves them in).
    fn whitelist_into(&self, user: u32, time: f64, out: &mut Vec<u32>);
}

crate::role!(WhitelistFilter => "whitelist_filter", "a whitelist filter");

/// A filter fed with availability intervals (shown to front ends as `add_availability`).
pub trait AvailabilityTable: Send + Sync {
    /// Item `item` is available from `time` (inclusive) to `time + duration` (exclusive).
    fn add_availability(&mut self, time: f64, item: i64, duration: f64) -> Result<()>;
}

fn add_availability(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let num = |a: &Arg| match a {
        Arg::Float(x) => Some(*x),
        Arg::Int(i) => Some(*i as f64),
        _ => None,
    };
    let (Some(time), Arg::Int(item), Some(duration)) = (num(&args[0]), &args[1], num(&args[2])) else {
        return Err(Error::parameter("add_availability(time, item, duration): expected a number, an int and a number"));
    };
    h.require_role::<dyn AvailabilityTable>()?.with_mut(|f| f.add_availability(time, *item, duration))??;
    Ok(Arg::None)
}

const AVAILABILITY_METHODS: &[Method] = &[Method {
    name: "add_availability",
    doc: "Make ``item`` available from ``time`` (inclusive) to ``time + duration`` (exclusive).",
    args: &[("time", ArgKind::Float), ("item", ArgKind::Int), ("duration", ArgKind::Float)],
    returns: ArgKind::None,
    call: add_availability,
}];

crate::role!(AvailabilityTable => "availability_table", "an availability filter", methods = AVAILABILITY_METHODS);

crate::component_list! {
    AvailabilityFilter => [WhitelistFilter, AvailabilityTable],
    LabelFilter => [WhitelistFilter, Updater],
    WhitelistFilter2ModelAdapter => [Model],
}
