//! The one list of component families: every family's `component_list!` is reached from here.
//!
//! A family module that declares components must appear below; `tests/registry.rs` fails when a
//! component implemented in `src/` is missing from the registry.

use crate::registry::ComponentInfo;

/// The `components()` function of every family, in registry order.
pub const FAMILIES: &[fn() -> Vec<ComponentInfo>] = &[
    crate::data::components,
    crate::experiment::components,
    crate::models::popularity::components,
    crate::models::transition::components,
    crate::models::nearest_neighbor::components,
    crate::models::factor::components,
    crate::models::eigen_factor::components,
    crate::models::asymmetric::components,
    crate::models::svdpp::components,
    crate::models::fm::components,
    crate::models::external::components,
    crate::models::python::components,
    crate::models::combination::components,
    crate::filters::components,
    crate::gradient::components,
    crate::objectives::components,
    crate::sampling::components,
    crate::loggers::components,
    crate::data_generators::components,
    crate::offline_learners::components,
    crate::online_learners::components,
    crate::toplists::components,
    crate::offline_evaluators::components,
];
