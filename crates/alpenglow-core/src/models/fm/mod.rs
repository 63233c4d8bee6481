//! fm models.

crate::component_list! {}
