//! Training of the SVD++ model: history bookkeeping and the gradient step.

use super::SvdppModel;
use crate::component::Component;
use crate::models::asymmetric::updater::{HistoryGradientUpdater, HistoryModelUpdater};

crate::parameters! {
    /// History bookkeeping of an `SvdppModel`: creates the record's vectors and appends
    /// (item, time) to its user's history. In an experiment it comes after the negative
    /// sampler / gradient chain, so a gradient step sees the history without the record being
    /// learned.
    pub struct SvdppModelUpdaterParameters {}
}

pub type SvdppModelUpdater = HistoryModelUpdater<SvdppModel, SvdppModelUpdaterParameters>;

impl Component for SvdppModelUpdater {
    const NAME: &'static str = "SvdppModelUpdater";
    type Params = SvdppModelUpdaterParameters;
    crate::history_updater_items!(HistoryModelUpdater<SvdppModel>);
}

crate::history_gradient_updater_parameters! {
    /// Gradient step of an `SvdppModel`, fed by a gradient computer with g = dLoss/dPrediction
    /// for a (user, item) sample. With the user vector v (before the step), the weights w_k
    /// and norm of the user's history walk and lr = learning_rate, in this order:
    /// `p_user -= lr·g·user_vector_weight·q_item`;
    /// `h[item_k] -= lr·g·w_k·norm·history_weight·q_item` for each history event;
    /// `q_item -= lr·g·v`. With use_sigmoid, g is first multiplied by σ'(raw score).
    /// With cumulative_item_updates, inside an implicit update cycle (a negative sampler's
    /// positive and negatives) the history steps g·q_item are summed and applied once, with
    /// the weights of the cycle's first sample, at the end of the cycle.
    ///
    /// Fix: the sigmoid derivative is taken at the raw score (the original took it at the
    /// sigmoid output, i.e. σ'(σ(x))).
    /// Fix: the item step always uses the user vector from before the step (the original
    /// could recompute it after p_user had moved).
    /// Fix: in cumulative mode the user vector used by later samples of a cycle includes the
    /// p_user steps already made (the original kept a stale one), and a sample outside an
    /// update cycle is applied at once (the original accumulated it forever).
    pub struct SvdppModelGradientUpdaterParameters;
}

pub type SvdppModelGradientUpdater = HistoryGradientUpdater<SvdppModel, SvdppModelGradientUpdaterParameters>;

impl Component for SvdppModelGradientUpdater {
    const NAME: &'static str = "SvdppModelGradientUpdater";
    type Params = SvdppModelGradientUpdaterParameters;
    crate::history_updater_items!(HistoryGradientUpdater<SvdppModel>);
}
