//! Saving and loading an `EigenFactorModel` (core-components.md §6, in the shared format).
//!
//! Format (little-endian, after the header `EigenFactorModel`, version 1, dimension): the
//! parameters the original stores (i64 seed, f64 begin_min, f64 begin_max: informative, the
//! loading model keeps its own); then for the user and the item matrix: u32 rows, rows ×
//! dimension f64 values (row-major), rows `seen` bytes (0 or 1) and the u64 state of the
//! matrix's generator.

use std::io::{Read, Write};

use super::dense::DenseFactors;
use super::model::EigenFactorModel;
use crate::error::Result;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};

const KIND: &str = "EigenFactorModel";
const VERSION: u32 = 1;

fn write_matrix(e: &mut Encoder<'_>, m: &DenseFactors) -> Result<()> {
    e.len(m.rows(), "rows")?;
    for &x in m.values() {
        e.f64(x)?;
    }
    let seen: Vec<u8> = m.seen().iter().map(|&s| u8::from(s)).collect();
    e.bytes(&seen)?;
    e.u64(m.rng_state())
}

pub fn write(m: &EigenFactorModel, out: &mut dyn Write) -> Result<()> {
    write_header(out, KIND, VERSION, m.dimension as u32)?;
    let mut e = Encoder { kind: KIND, out };
    e.i64(m.params.seed)?;
    e.f64(m.params.begin_min)?;
    e.f64(m.params.begin_max)?;
    write_matrix(&mut e, &m.users)?;
    write_matrix(&mut e, &m.items)
}

/// Reads one matrix into `m` (a fresh matrix with the model's own range).
fn read_matrix(d: &mut Decoder<'_>, m: &mut DenseFactors, what: &str) -> Result<()> {
    let rows = d.len(what)?;
    let dim = m.dimension();
    let mut values = Vec::new();
    for _ in 0..rows.saturating_mul(dim) {
        values.push(d.f64(what)?);
    }
    let mut seen = Vec::new();
    for _ in 0..rows {
        match d.array::<1>(what)?[0] {
            0 => seen.push(false),
            1 => seen.push(true),
            b => return Err(d.corrupt(&format!("seen flag {b} of the {what}"))),
        }
    }
    let state = d.u64(what)?;
    if !m.set_rng_state(state) {
        return Err(d.corrupt(&format!("invalid generator state {state} of the {what}")));
    }
    m.set(values, seen);
    Ok(())
}

/// Replaces the whole state by the file's; on any error the model is left unchanged.
pub fn read(m: &mut EigenFactorModel, input: &mut dyn Read) -> Result<()> {
    read_header(input, KIND, VERSION, m.dimension as u32)?;
    let mut d = Decoder { kind: KIND, input };
    let _seed = d.i64("the seed")?;
    let _begin_min = d.f64("begin_min")?;
    let _begin_max = d.f64("begin_max")?;
    let p = &m.params;
    let mut users = DenseFactors::new(m.dimension, p.begin_min, p.begin_max, p.seed);
    let mut items = DenseFactors::new(m.dimension, p.begin_min, p.begin_max, p.seed + 1);
    read_matrix(&mut d, &mut users, "user factors")?;
    read_matrix(&mut d, &mut items, "item factors")?;
    d.end()?;
    m.users = users;
    m.items = items;
    m.rebuild_index();
    Ok(())
}
