//! Power-law recency weight: close to 1 right after an entity was seen, decaying towards 0.

use crate::component::{Component, NoWiring};
use crate::error::Result;
use crate::models::recency::Recency;

crate::parameters! {
    /// Recency weight `1 - (1 + delta_t/(t - t_last))^(-exponent)` of an entity last seen at
    /// `t_last` (by `update`), 0 for an entity never seen. Wire it into a `FactorModel` with
    /// `set_user_recency` / `set_item_recency`; `FactorModelUpdater` updates it.
    ///
    /// Fix: a time earlier than the last update counts as no time elapsed (weight 1); the
    /// original returned NaN or values outside [0, 1].
    pub struct PowerLawRecencyParameters {
        /// Time scale of the decay. Must be given.
        pub delta_t: f64 = -1.0; where finite_above(0.0),
        /// Exponent of the decay. Must be given.
        pub exponent: f64 = -1.0; where finite_above(0.0),
    }
}

pub struct PowerLawRecency {
    params: PowerLawRecencyParameters,
    wiring: NoWiring,
    /// Time of the last update per entity (NaN: never).
    last: Vec<f64>,
}

impl Recency for PowerLawRecency {
    fn get(&self, entity: u32, now: f64) -> f64 {
        let last = self.last.get(entity as usize).copied().unwrap_or(f64::NAN);
        if last.is_nan() {
            return 0.0;
        }
        let elapsed = (now - last).max(0.0);
        1.0 - (1.0 + self.params.delta_t / elapsed).powf(-self.params.exponent)
    }

    fn update(&mut self, entity: u32, now: f64) {
        let e = entity as usize;
        if e >= self.last.len() {
            self.last.resize(e + 1, f64::NAN);
        }
        self.last[e] = now;
    }
}

impl Component for PowerLawRecency {
    const NAME: &'static str = "PowerLawRecency";
    type Params = PowerLawRecencyParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        Ok(PowerLawRecency { params, wiring: NoWiring, last: Vec::new() })
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_and_unseen_entities() {
        let mut r = PowerLawRecency::new(PowerLawRecencyParameters { delta_t: 10.0, exponent: 2.0 }).unwrap();
        assert_eq!(r.get(3, 5.0), 0.0);
        r.update(3, 100.0);
        // 1 - (1 + 10/10)^-2 = 1 - 1/4
        assert_eq!(r.get(3, 110.0), 0.75);
        // 1 - (1 + 10/40)^-2 = 1 - 0.64
        assert!((r.get(3, 140.0) - 0.36).abs() < 1e-15);
        assert_eq!(r.get(3, 100.0), 1.0);
        assert_eq!(r.get(3, 90.0), 1.0);
        assert_eq!(r.get(2, 110.0), 0.0);
        assert_eq!(r.get(4, 110.0), 0.0);
    }

    #[test]
    fn parameters_are_validated() {
        let e = PowerLawRecency::new(PowerLawRecencyParameters::default()).err().unwrap().to_string();
        assert_eq!(e, "PowerLawRecency: parameter 'delta_t' must be a finite number > 0, got -1.0");
        let e =
            PowerLawRecency::new(PowerLawRecencyParameters { delta_t: 1.0, exponent: 0.0 }).err().unwrap().to_string();
        assert!(e.contains("'exponent'"), "{e}");
    }
}
