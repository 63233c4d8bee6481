//! Pair-wise objectives.

use super::PairWiseObjective;
use crate::component::{Component, NoWiring};
use crate::error::Result;

crate::parameters! {
    /// Bayesian personalised ranking: loss −ln σ(p₁ − p₂) of a positive prediction p₁ against a
    /// negative prediction p₂. Gradient g = −1/(1 + exp(p₁ − p₂)) for the positive and −g for
    /// the negative. Use it with GradientComputerImplicitPairWise behind a negative sampler.
    ///
    /// Fix: the original had no pair-wise gradient computer, so this objective could not be
    /// used; GradientComputerImplicitPairWise makes it usable.
    pub struct ObjectiveBPRParameters {}
}

pub struct ObjectiveBPR {
    params: ObjectiveBPRParameters,
    wiring: NoWiring,
}

impl PairWiseObjective for ObjectiveBPR {
    #[inline]
    fn gradient(&self, positive: f64, negative: f64) -> (f64, f64) {
        let g = -1.0 / (1.0 + (positive - negative).exp());
        (g, -g)
    }
}

impl Component for ObjectiveBPR {
    const NAME: &'static str = "ObjectiveBPR";
    type Params = ObjectiveBPRParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ObjectiveBPR { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loss(p1: f64, p2: f64) -> f64 {
        -(1.0 / (1.0 + (-(p1 - p2)).exp())).ln()
    }

    #[test]
    fn bpr_is_the_derivative_of_minus_log_sigmoid() {
        let o = ObjectiveBPR::new(ObjectiveBPRParameters {}).unwrap();
        assert_eq!(o.gradient(0.0, 0.0), (-0.5, 0.5));
        let h = 1e-6;
        for (p1, p2) in [(0.3, 0.1), (-1.0, 2.0), (4.0, -3.0)] {
            let (g1, g2) = o.gradient(p1, p2);
            let d1 = (loss(p1 + h, p2) - loss(p1 - h, p2)) / (2.0 * h);
            let d2 = (loss(p1, p2 + h) - loss(p1, p2 - h)) / (2.0 * h);
            assert!((g1 - d1).abs() < 1e-7 && (g2 - d2).abs() < 1e-7, "{p1} {p2}");
            assert_eq!(g2, -g1);
        }
    }

    #[test]
    fn extreme_differences_stay_finite() {
        let o = ObjectiveBPR::new(ObjectiveBPRParameters {}).unwrap();
        assert_eq!(o.gradient(1000.0, 0.0).0, 0.0);
        assert_eq!(o.gradient(-1000.0, 0.0), (-1.0, 1.0));
    }
}
