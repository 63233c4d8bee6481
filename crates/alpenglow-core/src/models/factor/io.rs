//! Saving and loading a factor model (core-components.md §6, extended).
//!
//! Format (little-endian): the model header (`FactorModel`, version 1, dimension); the user
//! vectors and the item vectors in the `Factors` format (i32 count, then per vector u32 id and
//! `dimension` f64 values); the user biases and the item biases (u32 count, then the f64
//! values of ids 0..count); the states of the user and item initialisation generators (u64
//! each), so that a loaded model also initialises new entities like the saved one.
//! Recency weights belong to their own components and are not part of the file.

use std::io::{Read, Write};

use super::factors::Factors;
use super::model::FactorModel;
use crate::error::{Error, Result};
use crate::models::serialization::{read_header, write_header};

const KIND: &str = "FactorModel";
const VERSION: u32 = 1;

fn io_err(e: std::io::Error) -> Error {
    Error::io(KIND, e)
}

fn truncated(what: &str) -> Error {
    Error::data(format!("{KIND}: truncated file (while reading {what})"))
}

fn write_biases(out: &mut dyn Write, biases: &[f64]) -> Result<()> {
    let count = u32::try_from(biases.len()).map_err(|_| Error::data(format!("{KIND}: too many biases")))?;
    out.write_all(&count.to_le_bytes()).map_err(io_err)?;
    for b in biases {
        out.write_all(&b.to_le_bytes()).map_err(io_err)?;
    }
    Ok(())
}

fn read_u32(input: &mut dyn Read, what: &str) -> Result<u32> {
    let mut b = [0u8; 4];
    input.read_exact(&mut b).map_err(|_| truncated(what))?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(input: &mut dyn Read, what: &str) -> Result<u64> {
    let mut b = [0u8; 8];
    input.read_exact(&mut b).map_err(|_| truncated(what))?;
    Ok(u64::from_le_bytes(b))
}

fn read_biases(input: &mut dyn Read, what: &str, enabled: bool, flag: &str) -> Result<Vec<f64>> {
    let count = read_u32(input, what)? as usize;
    if count as i64 > crate::data::columns::MAX_ID + 1 {
        return Err(Error::data(format!("{KIND}: {count} {what} is more than ids allow (corrupt file?)")));
    }
    if count > 0 && !enabled {
        return Err(Error::data(format!(
            "{KIND}: the file holds {what} but this model has {flag}=False; create it with {flag}=True"
        )));
    }
    let mut biases = Vec::new();
    for _ in 0..count {
        biases.push(f64::from_bits(read_u64(input, what)?));
    }
    Ok(biases)
}

impl FactorModel {
    pub(super) fn write_state(&self, out: &mut dyn Write) -> Result<()> {
        write_header(out, KIND, VERSION, self.dimension as u32)?;
        self.users.write(out).map_err(io_err)?;
        self.items.write(out).map_err(io_err)?;
        write_biases(out, if self.params.use_user_bias { &self.user_bias } else { &[] })?;
        write_biases(out, if self.params.use_item_bias { &self.item_bias } else { &[] })?;
        out.write_all(&self.users.rng_state().to_le_bytes()).map_err(io_err)?;
        out.write_all(&self.items.rng_state().to_le_bytes()).map_err(io_err)?;
        Ok(())
    }

    /// Replaces the whole state by the file's; on any error the model is left unchanged.
    pub(super) fn read_state(&mut self, input: &mut dyn Read) -> Result<()> {
        read_header(input, KIND, VERSION, self.dimension as u32)?;
        let p = &self.params;
        let mut users = Factors::new(self.dimension, p.begin_min, p.begin_max, p.seed + 1);
        let mut items = Factors::new(self.dimension, p.begin_min, p.begin_max, p.seed + 2);
        users.read(input, "FactorModel user factors")?;
        items.read(input, "FactorModel item factors")?;
        let user_bias = read_biases(input, "user biases", p.use_user_bias, "use_user_bias")?;
        let item_bias = read_biases(input, "item biases", p.use_item_bias, "use_item_bias")?;
        for (factors, what) in [(&mut users, "user generator state"), (&mut items, "item generator state")] {
            let state = read_u64(input, what)?;
            if !factors.set_rng_state(state) {
                return Err(Error::data(format!("{KIND}: invalid {what} {state} (corrupt file?)")));
            }
        }
        self.users = users;
        self.items = items;
        self.user_bias = user_bias;
        self.item_bias = item_bias;
        self.lemp.rebuild_from(&self.items);
        Ok(())
    }
}
