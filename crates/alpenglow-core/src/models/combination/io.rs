//! Saving and loading the combination models' own state (their member models are saved on
//! their own). Format (little-endian, after the header of the model's kind, version 1,
//! dimension 0): length-prefixed f64 vectors and, per model, the u64 states it lists.

use crate::error::Result;
use crate::models::codec::{Decoder, Encoder};

pub fn write_f64s(e: &mut Encoder<'_>, values: &[f64], what: &str) -> Result<()> {
    e.len(values.len(), what)?;
    values.iter().try_for_each(|&v| e.f64(v))
}

pub fn read_f64s(d: &mut Decoder<'_>, what: &str) -> Result<Vec<f64>> {
    let n = d.len(what)?;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(d.f64(what)?);
    }
    Ok(out)
}

/// A saved MINSTD state, checked.
pub fn read_random(d: &mut Decoder<'_>) -> Result<crate::random::Random> {
    let state = d.u64("the random state")?;
    crate::random::Random::from_state(state).ok_or_else(|| d.corrupt("an unreachable random state"))
}
