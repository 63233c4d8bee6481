//! Factorisation machine: users and items described by sparse attributes (or one-hot ids),
//! each attribute with a factor vector, trained online by SGD.

mod attributes;
mod model;
mod updater;

pub use attributes::SparseAttributeContainer;
pub use model::FmModel;
pub use updater::FmModelUpdater;

crate::component_list! {
    SparseAttributeContainer => [],
    FmModel => [model],
    FmModelUpdater => [updater],
}
