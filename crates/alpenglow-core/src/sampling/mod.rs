//! Sample generators: negative samplers and the pooled positive sampler. Each is an updater
//! that turns a record into implicit training samples for its sub-updaters.

crate::component_list! {}
