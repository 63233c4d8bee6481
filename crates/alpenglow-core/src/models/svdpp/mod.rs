//! svdpp models.

crate::component_list! {}
