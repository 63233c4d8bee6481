//! Parameter checks shared by the asymmetric and SVD++ models.

use super::history::NormType;
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::random::check_seed;

/// Upper bound of `dimension` (a vector per entity is allocated eagerly).
pub const MAX_DIMENSION: i64 = 1 << 20;

/// Checks the parameters shared by both models; `seeds` is how many consecutive seeds
/// (seed, seed+1, ...) the model uses.
#[allow(clippy::too_many_arguments)]
pub fn validate(
    component: &str,
    dimension: i64,
    begin_min: f64,
    begin_max: f64,
    norm_type: &str,
    gamma: f64,
    seed: i64,
    seeds: i64,
    initialize_all: i64,
    max_ids: &[(&str, i64)],
) -> Result<NormType> {
    let fail = |msg: String| Err(Error::parameter(format!("{component}: parameter {msg}")));
    if !(1..=MAX_DIMENSION).contains(&dimension) {
        return fail(format!("'dimension' must be between 1 and {MAX_DIMENSION}, got {dimension}"));
    }
    if !begin_min.is_finite() || !begin_max.is_finite() {
        return fail(format!("'begin_min' and 'begin_max' must be finite, got {begin_min} and {begin_max}"));
    }
    if begin_min > begin_max {
        return fail(format!("'begin_min' must be <= begin_max, got {begin_min} > {begin_max}"));
    }
    let norm = NormType::parse(component, norm_type)?;
    if !(gamma >= 0.0 && gamma.is_finite()) {
        return fail(format!("'gamma' must be a finite number >= 0, got {gamma}"));
    }
    for k in 0..seeds {
        let derived = seed.saturating_add(k);
        if check_seed(component, "seed", derived).is_err() {
            check_seed(component, "seed", seed)?;
            return fail(format!(
                "'seed' must leave seed..seed+{} valid 32-bit generator seeds (not 0 or a multiple of 2^31-1), got {seed}",
                seeds - 1
            ));
        }
    }
    if !(-1..=1).contains(&initialize_all) {
        return fail(format!("'initialize_all' must be -1 (from the experiment), 0 or 1, got {initialize_all}"));
    }
    for &(name, value) in max_ids {
        if !(-1..=MAX_ID).contains(&value) {
            return fail(format!("'{name}' must be -1 (from the experiment) or an id in 0..={MAX_ID}, got {value}"));
        }
    }
    Ok(norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages() {
        let v = |dimension, min, max, gamma, seed| {
            validate("M", dimension, min, max, "constant", gamma, seed, 3, -1, &[("max_item", -1)])
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert!(v(0, -0.1, 0.1, 0.8, 1).contains("'dimension'"));
        assert!(v(MAX_DIMENSION + 1, -0.1, 0.1, 0.8, 1).contains("'dimension'"));
        assert!(v(2, 0.2, 0.1, 0.8, 1).contains("'begin_min' must be <= begin_max"));
        assert!(v(2, f64::NAN, 0.1, 0.8, 1).contains("finite"));
        assert!(v(2, -0.1, 0.1, -1.0, 1).contains("'gamma'"));
        // seed + 1 = 2^31 - 1 would be degenerate.
        assert!(v(2, -0.1, 0.1, 0.8, 2_147_483_646).contains("'seed' must leave seed..seed+2"));
        assert!(v(2, -0.1, 0.1, 0.8, 0).contains("must not be 0"));
    }
}
