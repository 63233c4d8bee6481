//! Factor vectors of entities (users, items, attributes): a sparse vector of optional dense
//! vectors, random-initialised on demand with the component's own generator.

use std::io::{Read, Write};

use crate::error::{Error, Result};
use crate::random::Random;

#[derive(Debug, Clone)]
pub struct Factors {
    dimension: usize,
    begin_min: f64,
    begin_max: f64,
    rng: Random,
    vectors: Vec<Option<Box<[f64]>>>,
}

impl Factors {
    pub fn new(dimension: usize, begin_min: f64, begin_max: f64, seed: i64) -> Self {
        Factors { dimension, begin_min, begin_max, rng: Random::new(seed), vectors: Vec::new() }
    }

    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Checks before a run that `vectors` factor vectors of `dimension` values fit in memory
    /// (they are created one id at a time during the run, where a failure would abort).
    pub fn check_memory(component: &str, vectors: i64, dimension: usize) -> Result<()> {
        let vectors = vectors.max(0) as usize;
        crate::alloc::check_available(
            &format!("{component}: {vectors} factor vectors of dimension {dimension} (one per user, item or attribute)"),
            vectors,
            dimension.saturating_mul(8),
        )
    }

    /// Number of id slots (largest id with a vector + 1, or more).
    pub fn slots(&self) -> usize {
        self.vectors.len()
    }

    #[inline]
    pub fn get(&self, id: u32) -> Option<&[f64]> {
        self.vectors.get(id as usize).and_then(|v| v.as_deref())
    }

    /// Cache hint for the slot of `id` (first stage of [`Factors::prefetch_vector`]).
    #[inline(always)]
    pub fn prefetch_slot(&self, id: u32) {
        if let Some(slot) = self.vectors.get(id as usize) {
            crate::prefetch::prefetch(slot);
        }
    }

    /// Cache hint for the vector of `id` (reads its slot, best prefetched earlier).
    #[inline(always)]
    pub fn prefetch_vector(&self, id: u32) {
        if let Some(v) = self.get(id) {
            crate::prefetch::prefetch(v.as_ptr());
            crate::prefetch::prefetch(v.as_ptr().wrapping_add(v.len().saturating_sub(1)));
        }
    }

    #[inline]
    pub fn get_mut(&mut self, id: u32) -> Option<&mut [f64]> {
        self.vectors.get_mut(id as usize).and_then(|v| v.as_deref_mut())
    }

    fn slot(&mut self, id: u32) -> &mut Option<Box<[f64]>> {
        let i = id as usize;
        if i >= self.vectors.len() {
            self.vectors.resize_with(i + 1, || None);
        }
        &mut self.vectors[i]
    }

    /// Random-initialises the vector of `id` if it has none: one draw per dimension, in
    /// dimension order, `u * (max - min) + min`. Returns true if it was created.
    pub fn init(&mut self, id: u32) -> bool {
        if self.get(id).is_some() {
            return false;
        }
        let (min, max, d) = (self.begin_min, self.begin_max, self.dimension);
        let values: Box<[f64]> = (0..d).map(|_| self.rng.get() * (max - min) + min).collect();
        *self.slot(id) = Some(values);
        true
    }

    /// Zero-initialises the vector of `id` if it has none.
    pub fn init_zero(&mut self, id: u32) {
        let d = self.dimension;
        let slot = self.slot(id);
        if slot.is_none() {
            *slot = Some(vec![0.0; d].into_boxed_slice());
        }
    }

    /// Sets the vector of `id` (its length must be the dimension).
    pub fn set(&mut self, id: u32, values: &[f64]) -> Result<()> {
        if values.len() != self.dimension {
            return Err(Error::data(format!(
                "factor vector of length {} does not match the dimension {}",
                values.len(),
                self.dimension
            )));
        }
        *self.slot(id) = Some(values.into());
        Ok(())
    }

    /// `f[id] += coef * other` (random-initialising `id` first if it has no vector).
    pub fn add(&mut self, id: u32, other: &[f64], coef: f64) {
        self.init(id);
        if let Some(v) = self.get_mut(id) {
            for (a, b) in v.iter_mut().zip(other) {
                *a += coef * b;
            }
        }
    }

    /// Ids that have a vector, ascending.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.vectors.iter().enumerate().filter(|(_, v)| v.is_some()).map(|(i, _)| i as u32)
    }

    pub fn clear(&mut self) {
        self.vectors.clear();
    }

    /// Number of ids that have a vector.
    pub fn len(&self) -> usize {
        self.vectors.iter().filter(|v| v.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.vectors.iter().all(|v| v.is_none())
    }

    /// State of the initialisation generator (saved with the model, so that a loaded model
    /// initialises new entities exactly like the saved one would have).
    pub fn rng_state(&self) -> u64 {
        self.rng.state()
    }

    /// Restores a state from [`Factors::rng_state`]; false if no seed leads to it.
    pub fn set_rng_state(&mut self, state: u64) -> bool {
        Random::from_state(state).map(|r| self.rng = r).is_some()
    }

    /// Writes the original's binary format: i32 count, then per vector (ascending id) u32 id
    /// and `dimension` f64 values, little-endian.
    pub fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let ids: Vec<u32> = self.ids().collect();
        out.write_all(&(ids.len() as i32).to_le_bytes())?;
        for id in ids {
            out.write_all(&id.to_le_bytes())?;
            for x in self.get(id).unwrap_or(&[]) {
                out.write_all(&x.to_le_bytes())?;
            }
        }
        Ok(())
    }

    /// Reads vectors written by [`Factors::write`] with the same dimension; vectors not in the
    /// stream are kept.
    pub fn read(&mut self, input: &mut dyn Read, what: &str) -> Result<()> {
        let bad = |e: std::io::Error| Error::data(format!("{what}: truncated or unreadable factor block ({e})"));
        let mut b4 = [0u8; 4];
        input.read_exact(&mut b4).map_err(bad)?;
        let count = i32::from_le_bytes(b4);
        if count < 0 {
            return Err(Error::data(format!("{what}: negative vector count {count}")));
        }
        let mut values = vec![0.0; self.dimension];
        let mut b8 = [0u8; 8];
        for _ in 0..count {
            input.read_exact(&mut b4).map_err(bad)?;
            let id = u32::from_le_bytes(b4);
            if id as i64 > crate::data::columns::MAX_ID {
                return Err(Error::data(format!("{what}: entity id {id} out of range (wrong file or dimension?)")));
            }
            for v in values.iter_mut() {
                input.read_exact(&mut b8).map_err(bad)?;
                *v = f64::from_le_bytes(b8);
            }
            self.set(id, &values)?;
        }
        Ok(())
    }
}

/// Dot product of two equally long vectors (0 if the lengths differ).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialisation_follows_the_spec_vectors() {
        // FactorModel seed 745578: users use seed+1, items seed+2, range [-0.01, 0.01].
        let mut users = Factors::new(3, -0.01, 0.01, 745_579);
        users.init(0);
        let u = users.get(0).unwrap();
        assert!((u[0] - 0.005181541042402387).abs() < 1e-17);
        assert!((u[1] + 0.0018320009484887132).abs() < 1e-17);
        assert!((u[2] - 0.007482399092987179).abs() < 1e-17);
        let mut items = Factors::new(3, -0.01, 0.01, 745_580);
        items.init(0);
        let i = items.get(0).unwrap();
        assert!((i[0] - 0.00518199060112238).abs() < 1e-17);
        assert!((i[1] + 0.00013135196641087497).abs() < 1e-17);
        assert!((i[2] + 0.0004905487969517706).abs() < 1e-17);
    }

    #[test]
    fn write_read_round_trip_and_errors() {
        let mut f = Factors::new(4, -1.0, 1.0, 7);
        for id in [3, 0, 9] {
            f.init(id);
        }
        let mut buf = Vec::new();
        f.write(&mut buf).unwrap();
        let mut g = Factors::new(4, 0.0, 0.0, 1);
        g.read(&mut buf.as_slice(), "test").unwrap();
        for id in [0, 3, 9] {
            assert_eq!(f.get(id), g.get(id));
        }
        assert!(g.get(1).is_none());
        let err = Factors::new(4, 0.0, 0.0, 1).read(&mut &buf[..buf.len() - 3], "test").unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}
