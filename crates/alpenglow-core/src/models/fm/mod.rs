//! Factorisation machine: users and items described by sparse attributes (or one-hot ids),
//! each attribute with a factor vector, trained online by SGD.

mod attributes;
mod model;
mod updater;

pub use attributes::SparseAttributeContainer;
pub use model::FmModel;
pub use updater::FmModelUpdater;

/// Sparse (index, value) attributes of users or items.
pub trait AttributeContainer: Send + Sync {
    fn get_attributes(&self, id: u32) -> &[(u32, f64)];
}

crate::role!(AttributeContainer => "attribute_container", "an attribute container");

use crate::experiment::Updater;
use crate::models::Model;

crate::component_list! {
    SparseAttributeContainer => [AttributeContainer],
    FmModel => [Model],
    FmModelUpdater => [Updater],
}
