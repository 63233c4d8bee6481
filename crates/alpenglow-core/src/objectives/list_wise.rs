//! List-wise objectives.

use super::ListWiseObjective;
use crate::component::{Component, NoWiring};
use crate::error::Result;

crate::parameters! {
    /// ListRank: the cross-entropy between the softmax of the target scores and the softmax of
    /// the sigmoid of the predictions over one list (one implicit update cycle: the positive and
    /// its negatives). With a_i = exp(σ(p_i)) and b_i = exp(y_i), loss = −Σ (b_i/Σb)·ln(a_i/Σa)
    /// and gradient_i = (a_i/Σa − b_i/Σb)·σ'(p_i). Like in the original, no gradient computer
    /// uses it yet (see `ListWiseObjective`).
    pub struct ObjectiveListRankParameters {}
}

pub struct ObjectiveListRank {
    params: ObjectiveListRankParameters,
    wiring: NoWiring,
}

#[inline]
fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl ListWiseObjective for ObjectiveListRank {
    fn gradient(&self, list: &[(f64, f64)], gradients: &mut Vec<f64>) {
        gradients.clear();
        let sum_a: f64 = list.iter().map(|&(_, p)| sigmoid(p).exp()).sum();
        // Shifted by the largest target so that exp cannot overflow (the ratios are unchanged).
        let max_y = list.iter().map(|&(y, _)| y).fold(f64::NEG_INFINITY, f64::max);
        let sum_b: f64 = list.iter().map(|&(y, _)| (y - max_y).exp()).sum();
        gradients.extend(list.iter().map(|&(y, p)| {
            let s = sigmoid(p);
            (s.exp() / sum_a - (y - max_y).exp() / sum_b) * s * (1.0 - s)
        }));
    }
}

impl Component for ObjectiveListRank {
    const NAME: &'static str = "ObjectiveListRank";
    type Params = ObjectiveListRankParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ObjectiveListRank { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss(list: &[(f64, f64)]) -> f64 {
        let sum_a: f64 = list.iter().map(|&(_, p)| sigmoid(p).exp()).sum();
        let sum_b: f64 = list.iter().map(|&(y, _)| y.exp()).sum();
        -list.iter().map(|&(y, p)| y.exp() / sum_b * (sigmoid(p).exp() / sum_a).ln()).sum::<f64>()
    }

    #[test]
    fn list_rank_is_the_derivative_of_its_cross_entropy() {
        let o = ObjectiveListRank::new(ObjectiveListRankParameters {}).unwrap();
        let list = vec![(1.0, 0.4), (0.0, 1.2), (0.0, -0.7), (0.5, 0.0)];
        let mut g = Vec::new();
        o.gradient(&list, &mut g);
        assert_eq!(g.len(), 4);
        let h = 1e-6;
        for i in 0..list.len() {
            let (mut up, mut down) = (list.clone(), list.clone());
            up[i].1 += h;
            down[i].1 -= h;
            let d = (loss(&up) - loss(&down)) / (2.0 * h);
            assert!((g[i] - d).abs() < 1e-8, "{i}: {} vs {d}", g[i]);
        }
    }

    #[test]
    fn hand_computed_pair_and_large_targets() {
        let o = ObjectiveListRank::new(ObjectiveListRankParameters {}).unwrap();
        let mut g = Vec::new();
        // p = 0 for both: a ratios 1/2; targets 1 and 0: b = e/(e+1), 1/(e+1); σ' = 1/4.
        o.gradient(&[(1.0, 0.0), (0.0, 0.0)], &mut g);
        let e = std::f64::consts::E;
        assert!((g[0] - (0.5 - e / (e + 1.0)) * 0.25).abs() < 1e-15);
        assert!((g[1] - (0.5 - 1.0 / (e + 1.0)) * 0.25).abs() < 1e-15);
        o.gradient(&[(1000.0, 0.0), (0.0, 0.0)], &mut g);
        assert!(g.iter().all(|x| x.is_finite()));
        assert!((g[0] + 0.125).abs() < 1e-15);
        o.gradient(&[], &mut g);
        assert!(g.is_empty());
    }
}
