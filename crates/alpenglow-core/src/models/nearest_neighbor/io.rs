//! Saving and loading a `NearestNeighborModel`: histories, co-occurrence sums, counts and the
//! neighbour lists, so a loaded model predicts and keeps learning exactly as the saved one.

use std::io::{Read, Write};

use super::NearestNeighborModel;
use super::cooccurrence::{CoOccurrence, Norm, Term, Weights};
use crate::component::Component;
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::models::serialization::{read_header, write_header};

const KIND: &str = "NearestNeighborModel";
const VERSION: u32 = 1;

struct Out<'a>(&'a mut dyn Write);

impl Out<'_> {
    fn bytes(&mut self, b: &[u8]) -> Result<()> {
        self.0.write_all(b).map_err(|e| Error::io(KIND, e))
    }
    fn u32(&mut self, v: u32) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    fn f64(&mut self, v: f64) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    fn len(&mut self, n: usize) -> Result<()> {
        self.u32(u32::try_from(n).map_err(|_| Error::data(format!("{KIND}: a list of {n} entries is too long to save")))?)
    }
    fn ids(&mut self, ids: &[u32]) -> Result<()> {
        self.len(ids.len())?;
        ids.iter().try_for_each(|&i| self.u32(i))
    }
    fn pairs(&mut self, row: &[(u32, f64)]) -> Result<()> {
        self.len(row.len())?;
        for &(j, s) in row {
            self.u32(j)?;
            self.f64(s)?;
        }
        Ok(())
    }
}

struct In<'a>(&'a mut dyn Read);

impl In<'_> {
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.0.read_exact(&mut b).map_err(|_| Error::data(format!("truncated {KIND} file")))?;
        Ok(b)
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }
    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.bytes()?))
    }
    fn id(&mut self) -> Result<u32> {
        let id = self.u32()?;
        if i64::from(id) > MAX_ID {
            return Err(Error::data(format!("{KIND} file: id {id} is out of range (corrupt file)")));
        }
        Ok(id)
    }
    /// A list length; the list is read entry by entry, so a corrupt length fails at the end of
    /// the file instead of allocating.
    fn len(&mut self) -> Result<usize> {
        Ok(self.u32()? as usize)
    }
    fn ids(&mut self) -> Result<Vec<u32>> {
        let n = self.len()?;
        let mut ids = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            ids.push(self.id()?);
        }
        Ok(ids)
    }
    fn pairs(&mut self) -> Result<Vec<(u32, f64)>> {
        let n = self.len()?;
        let mut row = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            row.push((self.id()?, self.f64()?));
        }
        Ok(row)
    }
}

pub(super) fn write(m: &NearestNeighborModel, out: &mut dyn Write) -> Result<()> {
    write_header(out, KIND, VERSION, 0)?;
    let mut o = Out(out);
    let p = m.params();
    o.f64(p.gamma)?;
    o.u32(u32::from(m.norm == Norm::Num))?;
    o.u32(u32::from(m.both))?;
    o.len(m.histories.len())?;
    for h in &m.histories {
        o.len(h.len())?;
        for &item in h {
            o.u32(item)?;
        }
    }
    let co = &m.cooccurrence;
    o.len(co.sums.len())?;
    for i in 0..co.sums.len() {
        o.u32(co.counts[i])?;
        o.pairs(&co.row(i as u32))?;
        o.ids(&co.changed[i])?;
    }
    let mut dirty = co.dirty_items.clone();
    dirty.sort_unstable();
    dirty.dedup();
    o.ids(&dirty)?;
    o.len(co.pending.len())?;
    for t in &co.pending {
        o.u32(t.from)?;
        o.u32(t.to)?;
        o.f64(t.w)?;
    }
    o.len(m.neighbors.len())?;
    for row in &m.neighbors {
        o.pairs(row)?;
    }
    Ok(())
}

pub(super) fn read(m: &mut NearestNeighborModel, input: &mut dyn Read) -> Result<()> {
    read_header(input, KIND, VERSION, 0)?;
    let mut r = In(input);
    let (gamma, num, both) = (r.f64()?, r.u32()? == 1, r.u32()? == 1);
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
    let mut histories = Vec::new();
    for _ in 0..r.len()? {
        let n = r.len()?;
        let mut h = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            h.push(r.id()?);
        }
        histories.push(h);
    }
    let (mut rows, mut counts, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..r.len()? {
        counts.push(r.u32()?);
        rows.push(r.pairs()?);
        changed.push(r.ids()?);
    }
    let dirty = r.ids()?;
    let mut pending = Vec::new();
    for _ in 0..r.len()? {
        pending.push(Term { from: r.id()?, to: r.id()?, w: r.f64()? });
    }
    let items = rows.len();
    let out_of_range = |i: &u32| *i as usize >= items;
    if dirty.iter().chain(changed.iter().flatten()).any(out_of_range)
        || rows.iter().flatten().any(|(j, _)| out_of_range(j))
        || pending.iter().any(|t| out_of_range(&t.from) || out_of_range(&t.to))
    {
        return Err(Error::data(format!("{KIND} file: an item id is out of range (corrupt file)")));
    }
    let co = CoOccurrence::restore(rows, counts, changed, dirty, pending);
    let mut neighbors = Vec::new();
    for _ in 0..r.len()? {
        neighbors.push(r.pairs()?);
    }
    let in_range = |row: &Vec<(u32, f64)>| row.iter().all(|&(j, _)| (j as usize) < items);
    if !histories.iter().flatten().all(|&i| (i as usize) < items)
        || !neighbors.iter().all(in_range)
        || neighbors.len() > items
    {
        return Err(Error::data(format!("{KIND} file: an item id is out of range (corrupt file)")));
    }
    let mut weights = Weights::new(gamma);
    weights.extend_to(histories.iter().map(Vec::len).max().unwrap_or(0) + 1);
    m.histories = histories;
    m.weights = weights;
    m.cooccurrence = co;
    m.neighbors = neighbors;
    Ok(())
}
