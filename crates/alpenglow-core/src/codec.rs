//! Little-endian values for model files and checkpoints, with errors that name the model and the field, and
//! lengths bounded by the id limit (a corrupt length never allocates more than the file holds:
//! vectors grow as values are read).

use std::io::{Read, Write};

use crate::data::RecDat;
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::random::Random;

pub struct Encoder<'a> {
    pub kind: &'static str,
    pub out: &'a mut dyn Write,
}

impl Encoder<'_> {
    pub fn bytes(&mut self, b: &[u8]) -> Result<()> {
        self.out.write_all(b).map_err(|e| Error::io(self.kind, e))
    }
    pub fn u32(&mut self, v: u32) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    pub fn u64(&mut self, v: u64) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    pub fn i64(&mut self, v: i64) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    pub fn f64(&mut self, v: f64) -> Result<()> {
        self.bytes(&v.to_le_bytes())
    }
    /// A length (at most MAX_ID + 1, as every per-id table).
    pub fn len(&mut self, n: usize, what: &str) -> Result<()> {
        if n as i64 > MAX_ID + 1 {
            return Err(Error::data(format!("{}: {n} {what} is more than ids allow", self.kind)));
        }
        self.u32(n as u32)
    }
    pub fn bool(&mut self, v: bool) -> Result<()> {
        self.bytes(&[v as u8])
    }
    /// A random generator's state (read back with `Decoder::random`).
    pub fn random(&mut self, r: &Random) -> Result<()> {
        self.u64(r.state())
    }
    /// A length (u64), then the records (read back with `Decoder::records`).
    pub fn records<'r>(&mut self, records: impl ExactSizeIterator<Item = &'r RecDat>) -> Result<()> {
        self.u64(records.len() as u64)?;
        for r in records {
            self.i64(r.id)?;
            self.f64(r.time)?;
            self.u32(r.user)?;
            self.u32(r.item)?;
            self.f64(r.score)?;
            self.bool(r.eval)?;
            self.i64(r.category)?;
            self.u64(r.index as u64)?;
        }
        Ok(())
    }
    /// A length (u64), then the values (read back with `Decoder::f64s`).
    pub fn f64s(&mut self, values: &[f64]) -> Result<()> {
        self.u64(values.len() as u64)?;
        values.iter().try_for_each(|&v| self.f64(v))
    }
    /// A length, then the values (read back with `Decoder::ids` or `Decoder::u32s_at_most`).
    pub fn u32s(&mut self, values: &[u32], what: &str) -> Result<()> {
        self.len(values.len(), what)?;
        values.iter().try_for_each(|&v| self.u32(v))
    }
}

pub struct Decoder<'a> {
    pub kind: &'static str,
    pub input: &'a mut dyn Read,
}

impl Decoder<'_> {
    fn truncated(&self, what: &str) -> Error {
        Error::data(format!("{}: truncated file (while reading {what})", self.kind))
    }
    pub fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.input.read_exact(&mut b).map_err(|_| self.truncated(what))?;
        Ok(b)
    }
    pub fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    pub fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    pub fn i64(&mut self, what: &str) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }
    pub fn f64(&mut self, what: &str) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array(what)?))
    }
    pub fn bool(&mut self, what: &str) -> Result<bool> {
        match self.array::<1>(what)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(self.corrupt(&format!("{what}: {v} is not a boolean"))),
        }
    }
    /// A random generator written by `Encoder::random`.
    pub fn random(&mut self, what: &str) -> Result<Random> {
        let state = self.u64(what)?;
        Random::from_state(state).ok_or_else(|| self.corrupt(&format!("{what}: an unreachable random state")))
    }
    /// A u64 length (the vectors read after it grow as values are read, so a corrupt length
    /// ends in a "truncated" error, not in a large allocation).
    fn long_len(&mut self, what: &str) -> Result<usize> {
        let n = self.u64(what)?;
        usize::try_from(n).map_err(|_| self.corrupt(&format!("{n} {what} is too many")))
    }
    /// Records written by `Encoder::records` (user and item checked as ids).
    pub fn records(&mut self, what: &str) -> Result<Vec<RecDat>> {
        let n = self.long_len(what)?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(RecDat {
                id: self.i64(what)?,
                time: self.f64(what)?,
                user: self.id(what)?,
                item: self.id(what)?,
                score: self.f64(what)?,
                eval: self.bool(what)?,
                category: self.i64(what)?,
                index: usize::try_from(self.u64(what)?)
                    .map_err(|_| self.corrupt(&format!("{what}: a record index is too large")))?,
            });
        }
        Ok(out)
    }
    /// Values written by `Encoder::f64s`.
    pub fn f64s(&mut self, what: &str) -> Result<Vec<f64>> {
        let n = self.long_len(what)?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(self.f64(what)?);
        }
        Ok(out)
    }
    pub fn len(&mut self, what: &str) -> Result<usize> {
        let n = self.u32(what)? as usize;
        if n as i64 > MAX_ID + 1 {
            return Err(self.corrupt(&format!("{n} {what} is more than ids allow")));
        }
        Ok(n)
    }
    /// An id (at most MAX_ID).
    pub fn id(&mut self, what: &str) -> Result<u32> {
        let v = self.u32(what)?;
        if v as i64 > MAX_ID {
            return Err(self.corrupt(&format!("{what} {v} is not a valid id")));
        }
        Ok(v)
    }
    /// A length, then that many ids (written by `Encoder::u32s`).
    pub fn ids(&mut self, what: &str) -> Result<Vec<u32>> {
        let n = self.len(what)?;
        (0..n).map(|_| self.id(what)).collect()
    }
    /// A length, then that many values, each at most `max` (`one` names a value in errors).
    pub fn u32s_at_most(&mut self, what: &str, one: &str, max: u32) -> Result<Vec<u32>> {
        let n = self.len(what)?;
        (0..n)
            .map(|_| {
                let v = self.u32(one)?;
                if v > max { Err(self.corrupt(&format!("{one} {v} is too large"))) } else { Ok(v) }
            })
            .collect()
    }
    pub fn corrupt(&self, why: &str) -> Error {
        Error::data(format!("{}: corrupt file: {why}", self.kind))
    }
    /// Checks that nothing follows the state.
    pub fn end(&mut self) -> Result<()> {
        let mut b = [0u8; 1];
        match self.input.read(&mut b) {
            Ok(0) => Ok(()),
            _ => Err(self.corrupt("unexpected data after the end of the model")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_ids_out_of_range_are_refused() {
        let rec = RecDat { id: 7, time: 2.5, user: 3, item: 9, score: 1.0, eval: true, category: -1, index: 4 };
        let mut bytes = Vec::new();
        Encoder { kind: "test", out: &mut bytes }.records([rec].iter()).unwrap();
        let mut input = bytes.as_slice();
        assert_eq!(Decoder { kind: "test", input: &mut input }.records("records").unwrap(), vec![rec]);
        // The same record with a user id above MAX_ID (offset: length 8, id 8, time 8).
        bytes[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut input = bytes.as_slice();
        let error = Decoder { kind: "test", input: &mut input }.records("records").unwrap_err();
        assert!(error.to_string().contains("not a valid id"), "{error}");
    }
}
