//! The parameter rule shared by the asymmetric and SVD++ models that a field constraint cannot
//! say (the single-field ranges are declared with the fields).

use super::history::NormType;
use crate::error::{Error, Result};

/// Upper bound of `dimension` (a vector per entity is allocated eagerly).
pub const MAX_DIMENSION: i64 = 1 << 20;

/// Checks `begin_min <= begin_max` (each is finite by its constraint) and returns the norm type
/// (one of [`NormType::NAMES`] by its constraint). Call after `Parameters::validate`.
pub fn validate(component: &str, begin_min: f64, begin_max: f64, norm_type: &str) -> Result<NormType> {
    if begin_min > begin_max {
        return Err(Error::parameter(format!(
            "{component}: parameter 'begin_min' must be <= begin_max, got {begin_min} > {begin_max}"
        )));
    }
    NormType::parse(norm_type)
        .ok_or_else(|| Error::parameter(format!("{component}: parameter 'norm_type': unknown {norm_type:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::Component;
    use crate::models::asymmetric::AsymmetricFactorModel;
    use crate::models::asymmetric::model::AsymmetricFactorModelParameters as Asym;
    use crate::models::svdpp::model::{SvdppModel, SvdppModelParameters as Svdpp};

    fn asym(p: Asym) -> String {
        AsymmetricFactorModel::new(p).err().map(|e| e.to_string()).unwrap_or_default()
    }

    fn svdpp(p: Svdpp) -> String {
        SvdppModel::new(p).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn validation_messages() {
        let d = Asym::default;
        assert_eq!(asym(d()), "");
        assert_eq!(
            asym(Asym { dimension: 0, ..d() }),
            "AsymmetricFactorModel: parameter 'dimension' must be in 1..=1048576, got 0"
        );
        assert!(asym(Asym { dimension: MAX_DIMENSION + 1, ..d() }).contains("'dimension'"));
        assert!(asym(Asym { dimension: MAX_DIMENSION, ..d() }).is_empty());
        assert_eq!(
            asym(Asym { begin_min: 0.2, begin_max: 0.1, ..d() }),
            "AsymmetricFactorModel: parameter 'begin_min' must be <= begin_max, got 0.2 > 0.1"
        );
        assert_eq!(
            asym(Asym { begin_min: f64::NAN, ..d() }),
            "AsymmetricFactorModel: parameter 'begin_min' must be a finite number, got nan"
        );
        assert!(asym(Asym { begin_max: f64::INFINITY, ..d() }).contains("'begin_max' must be a finite number"));
        assert_eq!(
            asym(Asym { gamma: -1.0, ..d() }),
            "AsymmetricFactorModel: parameter 'gamma' must be a finite number >= 0, got -1.0"
        );
        assert!(asym(Asym { gamma: 0.0, ..d() }).is_empty());
        assert_eq!(
            asym(Asym { norm_type: "linear".into(), ..d() }),
            "AsymmetricFactorModel: parameter 'norm_type' must be one of 'disabled', 'constant', 'recency', \
             'exponential', 'youngest', got 'linear'"
        );
        // seed + 1 = 2^31 - 1 would be degenerate: the asymmetric model uses seed and seed + 1.
        assert_eq!(
            asym(Asym { seed: 2_147_483_646, ..d() }),
            "AsymmetricFactorModel: parameter 'seed' must be a 32-bit seed with seed..=seed+1 all valid seeds \
             (32-bit, not 0, -4 or 2147483647), got 2147483646"
        );
        assert!(asym(Asym { seed: 2_147_483_645, ..d() }).is_empty());
        assert!(asym(Asym { seed: 0, ..d() }).contains("'seed'"));
        assert!(asym(Asym { seed: -5, ..d() }).contains("'seed'"));
        assert_eq!(
            asym(Asym { initialize_all: 2, ..d() }),
            "AsymmetricFactorModel: parameter 'initialize_all' must be -1 (from the experiment), 0 or 1, got 2"
        );
        assert_eq!(
            asym(Asym { max_item: -2, ..d() }),
            "AsymmetricFactorModel: parameter 'max_item' must be -1 (from the experiment) or in 0..=16777215, got -2"
        );
        // SVD++ uses three seeds and also has max_user and the weights.
        assert!(svdpp(Svdpp::default()).is_empty());
        assert!(svdpp(Svdpp { seed: 2_147_483_645, ..Default::default() }).contains("seed..=seed+2"));
        assert!(svdpp(Svdpp { max_user: 16_777_216, ..Default::default() }).contains("'max_user'"));
        assert_eq!(
            svdpp(Svdpp { history_weight: f64::NEG_INFINITY, ..Default::default() }),
            "SvdppModel: parameter 'history_weight' must be a finite number, got -inf"
        );
    }
}
