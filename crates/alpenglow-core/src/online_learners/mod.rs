//! Online learners: updaters that wrap other learners (periodic offline retraining, delayed
//! and batched online training) and the period computer that drives them.

crate::component_list! {}
