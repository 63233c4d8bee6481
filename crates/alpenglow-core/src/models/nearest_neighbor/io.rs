//! Saving and loading a `NearestNeighborModel`: histories, co-occurrence sums, counts, pending
//! terms and changes, and the neighbour lists, so a loaded model predicts and keeps learning
//! exactly as the saved one.
//!
//! Format (little-endian, after the header `NearestNeighborModel`, version 1, dimension 0):
//! gamma (f64), norm "num" and direction "both" (u32 flags); the histories (count; per user a
//! length and the items); per item its count, its sums (length; (item u32, sum f64) by item) and
//! its changed entries (length; items); the items to refresh; the pending terms (length; from,
//! to, w); the neighbour lists (count; per item a length and (item, similarity) pairs).

use std::io::{Read, Write};

use super::NearestNeighborModel;
use super::cooccurrence::{CoOccurrence, Norm, Term, Weights};
use crate::component::Component;
use crate::error::{Error, Result};
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};

const KIND: &str = "NearestNeighborModel";
const VERSION: u32 = 1;

fn write_pairs(e: &mut Encoder<'_>, row: &[(u32, f64)], what: &str) -> Result<()> {
    e.len(row.len(), what)?;
    row.iter().try_for_each(|&(j, s)| {
        e.u32(j)?;
        e.f64(s)
    })
}

fn read_pairs(d: &mut Decoder<'_>, what: &str) -> Result<Vec<(u32, f64)>> {
    let n = d.len(what)?;
    (0..n).map(|_| Ok((d.id(what)?, d.f64(what)?))).collect()
}

pub(super) fn write(m: &NearestNeighborModel, out: &mut dyn Write) -> Result<()> {
    write_header(out, KIND, VERSION, 0)?;
    let mut e = Encoder { kind: KIND, out };
    e.f64(m.params().gamma)?;
    e.u32(u32::from(m.norm == Norm::Num))?;
    e.u32(u32::from(m.both))?;
    e.len(m.histories.len(), "users")?;
    for h in &m.histories {
        e.u32s(h, "events of a history")?;
    }
    let co = &m.cooccurrence;
    e.len(co.sums.len(), "items")?;
    for i in 0..co.sums.len() {
        e.u32(co.counts[i])?;
        write_pairs(&mut e, &co.row(i as u32), "sums of a row")?;
        e.u32s(&co.changed[i], "changed entries of a row")?;
    }
    let mut dirty = co.dirty_items.clone();
    dirty.sort_unstable();
    dirty.dedup();
    e.u32s(&dirty, "items to refresh")?;
    e.len(co.pending.len(), "pending terms")?;
    for t in &co.pending {
        e.u32(t.from)?;
        e.u32(t.to)?;
        e.f64(t.w)?;
    }
    e.len(m.neighbors.len(), "neighbour lists")?;
    m.neighbors.iter().try_for_each(|row| write_pairs(&mut e, row, "neighbours"))
}

pub(super) fn read(m: &mut NearestNeighborModel, input: &mut dyn Read) -> Result<()> {
    read_header(input, KIND, VERSION, 0)?;
    let mut d = Decoder { kind: KIND, input };
    let gamma = d.f64("gamma")?;
    let num = d.u32("norm")? == 1;
    let both = d.u32("direction")? == 1;
    let p = m.params();
    if gamma != p.gamma || num != (m.norm == Norm::Num) || both != m.both {
        return Err(Error::data(format!(
            "the file holds a {KIND} with gamma={gamma}, norm={}, direction={}; this model has gamma={}, norm={}, direction={}",
            if num { "num" } else { "off" },
            if both { "both" } else { "forward" },
            p.gamma,
            p.norm,
            p.direction
        )));
    }
    let users = d.len("users")?;
    let histories = (0..users).map(|_| d.ids("events of a history")).collect::<Result<Vec<_>>>()?;
    let items = d.len("items")?;
    let (mut rows, mut counts, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..items {
        counts.push(d.u32("an occurrence count")?);
        rows.push(read_pairs(&mut d, "sums of a row")?);
        changed.push(d.ids("changed entries of a row")?);
    }
    let dirty = d.ids("items to refresh")?;
    let n = d.len("pending terms")?;
    let pending =
        (0..n).map(|_| Ok(Term { from: d.id("a term")?, to: d.id("a term")?, w: d.f64("a term")? })).collect::<Result<Vec<_>>>()?;
    let lists = d.len("neighbour lists")?;
    let neighbors = (0..lists).map(|_| read_pairs(&mut d, "neighbours")).collect::<Result<Vec<_>>>()?;
    d.end()?;
    let out_of_range = |i: &u32| *i as usize >= items;
    if histories.iter().flatten().any(out_of_range)
        || dirty.iter().chain(changed.iter().flatten()).any(out_of_range)
        || rows.iter().chain(&neighbors).flatten().any(|(j, _)| out_of_range(j))
        || pending.iter().any(|t| out_of_range(&t.from) || out_of_range(&t.to))
        || neighbors.len() > items
    {
        return Err(d.corrupt("an item id is out of range"));
    }
    let mut weights = Weights::new(gamma);
    weights.extend_to(histories.iter().map(Vec::len).max().unwrap_or(0) + 1);
    m.histories = histories;
    m.weights = weights;
    m.cooccurrence = CoOccurrence::restore(rows, counts, changed, dirty, pending);
    m.neighbors = neighbors;
    Ok(())
}
