//! Saving and loading a transition model.
//!
//! Format (little-endian, after the header `TransitionProbabilityModel`, version 1, dimension
//! 0): the rows (u32 count; per row a u32 length, u32::MAX for no row, then the items and the
//! counts in the row's order, u32 each, and the row's u64 fingerprint); the users' last entity
//! and last raw item (u32 count, then i64 pairs).

use std::io::{Read, Write};

use super::model::{TransitionProbabilityModel, TransitionRow};
use crate::error::Result;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};

const KIND: &str = "TransitionProbabilityModel";
const NO_ROW: u32 = u32::MAX;

pub fn write(m: &TransitionProbabilityModel, out: &mut dyn Write) -> Result<()> {
    write_header(out, KIND, 1, 0)?;
    let mut e = Encoder { kind: KIND, out };
    e.len(m.rows.len(), "rows")?;
    for row in &m.rows {
        let Some(row) = row else {
            e.u32(NO_ROW)?;
            continue;
        };
        e.len(row.len(), "items of a row")?;
        for &item in row.items() {
            e.u32(item)?;
        }
        for &count in row.counts() {
            e.u32(count)?;
        }
        e.u64(row.fingerprint())?;
    }
    e.len(m.last_entity.len(), "users")?;
    for (&entity, &raw) in m.last_entity.iter().zip(&m.last_raw_item) {
        e.i64(entity)?;
        e.i64(raw)?;
    }
    Ok(())
}

pub fn read(m: &mut TransitionProbabilityModel, input: &mut dyn Read) -> Result<()> {
    read_header(input, KIND, 1, 0)?;
    let mut d = Decoder { kind: KIND, input };
    let n = d.len("rows")?;
    let mut rows = Vec::new();
    for _ in 0..n {
        let len = d.u32("the length of a row")?;
        if len == NO_ROW {
            rows.push(None);
            continue;
        }
        if len as i64 > crate::data::columns::MAX_ID + 1 {
            return Err(d.corrupt(&format!("a row of {len} items")));
        }
        let mut items = Vec::new();
        for _ in 0..len {
            items.push(d.id("an item")?);
        }
        let mut counts = Vec::new();
        for _ in 0..len {
            counts.push(d.u32("a count")?);
        }
        let fingerprint = d.u64("a fingerprint")?;
        let row = TransitionRow::from_parts(items, counts, fingerprint)
            .ok_or_else(|| d.corrupt("a row is not in count order, repeats an item or has too large a count"))?;
        rows.push(Some(Box::new(row)));
    }
    let users = d.len("users")?;
    let (mut last_entity, mut last_raw) = (Vec::new(), Vec::new());
    for _ in 0..users {
        let entity = d.i64("a last entity")?;
        let raw = d.i64("a last item")?;
        if !(-1..=crate::data::columns::MAX_ID).contains(&entity) || !(-1..=crate::data::columns::MAX_ID).contains(&raw)
        {
            return Err(d.corrupt(&format!("last entity {entity} / item {raw} is not an id")));
        }
        last_entity.push(entity);
        last_raw.push(raw);
    }
    d.end()?;
    m.rows = rows;
    m.last_entity = last_entity;
    m.last_raw_item = last_raw;
    Ok(())
}
