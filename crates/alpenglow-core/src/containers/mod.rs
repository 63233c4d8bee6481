//! Shared state containers: the train matrix and the popularity containers.

pub mod count_tree;
pub mod fx;
pub mod item_bits;
pub mod labels;
pub mod pop_container;
pub mod top_pop_container;
pub mod train_matrix;

pub use pop_container::PopContainer;
pub use top_pop_container::TopPopContainer;
pub use train_matrix::TrainMatrix;
