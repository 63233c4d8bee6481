//! asymmetric models.

crate::component_list! {}
