//! Factor models: matrix factorisation trained online by SGD.

pub mod factors;

pub use factors::Factors;

crate::component_list! {}
