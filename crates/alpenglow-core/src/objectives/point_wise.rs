//! Point-wise objectives.

use super::PointWiseObjective;
use crate::component::{Component, NoWiring};
use crate::error::Result;

crate::parameters! {
    /// Squared error: loss ½(p − y)² of prediction p against the record's score y; gradient
    /// p − y. Use it with GradientComputerPointWise.
    pub struct ObjectiveMSEParameters {}
}

pub struct ObjectiveMSE {
    params: ObjectiveMSEParameters,
    wiring: NoWiring,
}

impl PointWiseObjective for ObjectiveMSE {
    #[inline]
    fn gradient(&self, score: f64, prediction: f64) -> f64 {
        prediction - score
    }
    fn is_squared_error(&self) -> bool {
        true
    }
}

impl Component for ObjectiveMSE {
    const NAME: &'static str = "ObjectiveMSE";
    type Params = ObjectiveMSEParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ObjectiveMSE { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}

crate::parameters! {
    /// Squared error after a sigmoid, for models whose prediction p = σ(z) is already a
    /// sigmoid output: loss ½(σ(z) − y)²; the gradient (p − y)·p·(1 − p) is its derivative with
    /// respect to the logit z. Use it with GradientComputerPointWise.
    pub struct ObjectiveSigmoidMSEParameters {}
}

pub struct ObjectiveSigmoidMSE {
    params: ObjectiveSigmoidMSEParameters,
    wiring: NoWiring,
}

impl PointWiseObjective for ObjectiveSigmoidMSE {
    #[inline]
    fn gradient(&self, score: f64, prediction: f64) -> f64 {
        (prediction - score) * prediction * (1.0 - prediction)
    }
}

impl Component for ObjectiveSigmoidMSE {
    const NAME: &'static str = "ObjectiveSigmoidMSE";
    type Params = ObjectiveSigmoidMSEParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(ObjectiveSigmoidMSE { params, wiring: NoWiring })
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sigmoid(z: f64) -> f64 {
        1.0 / (1.0 + (-z).exp())
    }

    /// Central difference of `f` at `x`.
    fn numeric(f: impl Fn(f64) -> f64, x: f64) -> f64 {
        let h = 1e-6;
        (f(x + h) - f(x - h)) / (2.0 * h)
    }

    #[test]
    fn mse_is_the_derivative_of_half_squared_error() {
        let o = ObjectiveMSE::new(ObjectiveMSEParameters {}).unwrap();
        assert_eq!(o.gradient(1.0, 0.25), -0.75);
        assert_eq!(o.gradient(0.0, 0.5), 0.5);
        for (y, p) in [(1.0, 0.3), (0.0, -2.0), (5.0, 7.5)] {
            let d = numeric(|p| 0.5 * (p - y) * (p - y), p);
            assert!((o.gradient(y, p) - d).abs() < 1e-6, "{y} {p}");
        }
    }

    #[test]
    fn sigmoid_mse_is_the_derivative_with_respect_to_the_logit() {
        let o = ObjectiveSigmoidMSE::new(ObjectiveSigmoidMSEParameters {}).unwrap();
        assert_eq!(o.gradient(1.0, 0.5), -0.125);
        assert_eq!(o.gradient(0.0, 0.75), 0.75 * 0.75 * 0.25);
        for (y, z) in [(1.0, 0.3), (0.0, -2.0), (1.0, 3.0)] {
            let d = numeric(|z| 0.5 * (sigmoid(z) - y).powi(2), z);
            assert!((o.gradient(y, sigmoid(z)) - d).abs() < 1e-8, "{y} {z}");
        }
    }
}
