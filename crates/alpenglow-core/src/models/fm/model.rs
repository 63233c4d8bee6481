//! A bilinear factorisation machine: users and items are sums of attribute factor vectors.

use std::io::{Read, Write};

use atomic_refcell::AtomicRef;

use super::SparseAttributeContainer;
use crate::component::Component;
use crate::data::columns::MAX_ID;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;
use crate::models::factor::factors::{dot, Factors};
use crate::models::serialization::{read_header, write_header};
use crate::models::Model;

crate::parameters! {
    /// Factorisation machine without bias or linear terms. The user vector is
    /// `Σ_a v_a·U[a]` over the user's attributes (a, v), the item vector `Σ_b v_b·I[b]`, and the
    /// prediction is their dot product; it is 0 until both the user and the item have been
    /// added by the updater. Without an attribute container (`set_user_attributes` /
    /// `set_item_attributes`) each id is its own one-hot feature; with one, only the file's
    /// attributes count. Trained by `FmModelUpdater`.
    ///
    /// User factors use the generator seeded by `seed`, item factors `seed + 1`. At the first
    /// run, the attribute factors of a container are initialised from its largest index down
    /// to 0; one-hot entity factors are initialised when the entity is first added. Later runs
    /// continue from the trained state. Saved and loaded with the factors and the seen sets
    /// (not the generator states).
    ///
    /// Fix: the original summed the attribute factors in hash-map order (implementation-defined
    /// floating-point order); here they are summed in ascending attribute index order.
    pub struct FmModelParameters {
        /// Length of the factor vectors.
        pub dimension: i64 = 10; where int(1..=MAX_DIMENSION),
        /// Lower end of the uniform initial factor values.
        pub begin_min: f64 = -0.01; where finite(),
        /// Upper end of the uniform initial factor values (>= begin_min).
        pub begin_max: f64 = 0.01; where finite(),
        /// Seed of the user factors; the item factors use seed + 1.
        pub seed: i64 = 745578; where seeds(2),
    }
}

crate::wiring! {
    pub struct FmModelWiring {
        /// Attributes of the users (optional; without it each user id is a one-hot feature).
        set_user_attributes => user_attributes: optional SparseAttributeContainer,
        /// Attributes of the items (optional; without it each item id is a one-hot feature).
        set_item_attributes => item_attributes: optional SparseAttributeContainer,
    }
}

const KIND: &str = "FmModel";
const VERSION: u32 = 1;
const MAX_DIMENSION: i64 = 100_000;
/// Vectors up to this length are summed in stack buffers during prediction.
const STACK_DIM: usize = 64;

pub struct FmModel {
    params: FmModelParameters,
    pub(super) wiring: FmModelWiring,
    pub(super) users: Factors,
    pub(super) items: Factors,
    user_seen: Vec<bool>,
    item_seen: Vec<bool>,
    initialized: bool,
}

/// The attributes of one entity: a container row, or the entity itself as a one-hot feature.
pub(super) enum Attrs<'a> {
    Row(&'a [(u32, f64)]),
    OneHot([(u32, f64); 1]),
}

impl Attrs<'_> {
    #[inline]
    pub(super) fn as_slice(&self) -> &[(u32, f64)] {
        match self {
            Attrs::Row(r) => r,
            Attrs::OneHot(a) => a,
        }
    }
}

#[inline]
pub(super) fn attrs<'a>(container: Option<&'a SparseAttributeContainer>, id: u32) -> Attrs<'a> {
    match container {
        Some(c) => Attrs::Row(c.get_attributes(id)),
        None => Attrs::OneHot([(id, 1.0)]),
    }
}

/// `out = Σ v·factors[a]` over `attrs` in their (ascending index) order; missing factors count 0.
#[inline]
pub(super) fn sum_into(out: &mut [f64], factors: &Factors, attrs: &[(u32, f64)]) {
    out.fill(0.0);
    for &(a, v) in attrs {
        if let Some(f) = factors.get(a) {
            for (o, x) in out.iter_mut().zip(f) {
                *o += v * x;
            }
        }
    }
}

type Guard<'a> = Option<AtomicRef<'a, SparseAttributeContainer>>;

/// Borrows the wired containers (they are never borrowed mutably during a run).
pub(super) fn borrow_containers(wiring: &FmModelWiring) -> Result<(Guard<'_>, Guard<'_>)> {
    let u = wiring.user_attributes.as_ref().map(|l| l.borrow()).transpose()?;
    let i = wiring.item_attributes.as_ref().map(|l| l.borrow()).transpose()?;
    Ok((u, i))
}

fn mark(seen: &mut Vec<bool>, id: u32) {
    let i = id as usize;
    if i >= seen.len() {
        seen.resize(i + 1, false);
    }
    seen[i] = true;
}

fn is_set(seen: &[bool], id: u32) -> bool {
    seen.get(id as usize).copied().unwrap_or(false)
}

impl FmModel {
    fn fresh_factors(&self) -> (Factors, Factors) {
        let p = &self.params;
        let d = p.dimension as usize;
        (Factors::new(d, p.begin_min, p.begin_max, p.seed), Factors::new(d, p.begin_min, p.begin_max, p.seed + 1))
    }

    /// Back to the freshly built state (fresh generators), then, for each wired container,
    /// random-initialises its attribute factors from the largest index down to 0.
    pub fn clear(&mut self) -> Result<()> {
        let (mut users, mut items) = self.fresh_factors();
        let (ua, ia) = borrow_containers(&self.wiring)?;
        let count = |max: Option<u32>| max.map_or(0, |m| m as i64 + 1);
        let vectors = count(ua.as_ref().and_then(|c| c.max_attribute_index()))
            + count(ia.as_ref().and_then(|c| c.max_attribute_index()));
        Factors::check_memory(Self::NAME, vectors, self.users.dimension())?;
        if let Some(max) = ua.as_ref().and_then(|c| c.max_attribute_index()) {
            for a in (0..=max).rev() {
                users.init(a);
            }
        }
        if let Some(max) = ia.as_ref().and_then(|c| c.max_attribute_index()) {
            for b in (0..=max).rev() {
                items.init(b);
            }
        }
        drop((ua, ia));
        self.users = users;
        self.items = items;
        self.user_seen.clear();
        self.item_seen.clear();
        Ok(())
    }

    pub fn dimension(&self) -> usize {
        self.users.dimension()
    }

    /// The factor vector of user attribute (or one-hot user id) `a`.
    pub fn user_factor(&self, a: u32) -> Option<&[f64]> {
        self.users.get(a)
    }

    pub fn item_factor(&self, b: u32) -> Option<&[f64]> {
        self.items.get(b)
    }

    /// Sets the factor vector of user attribute (or one-hot user id) `a`.
    pub fn set_user_factor(&mut self, a: u32, values: &[f64]) -> Result<()> {
        self.users.set(a, values)
    }

    pub fn set_item_factor(&mut self, b: u32, values: &[f64]) -> Result<()> {
        self.items.set(b, values)
    }

    pub fn is_user_seen(&self, user: u32) -> bool {
        is_set(&self.user_seen, user)
    }

    pub fn is_item_seen(&self, item: u32) -> bool {
        is_set(&self.item_seen, item)
    }
}

fn with_buffers<R>(d: usize, f: impl FnOnce(&mut [f64], &mut [f64]) -> R) -> R {
    if d <= STACK_DIM {
        let (mut a, mut b) = ([0.0; STACK_DIM], [0.0; STACK_DIM]);
        f(&mut a[..d], &mut b[..d])
    } else {
        f(&mut vec![0.0; d], &mut vec![0.0; d])
    }
}

impl Model for FmModel {
    fn prediction(&self, rec: &RecDat) -> f64 {
        if !self.is_user_seen(rec.user) || !self.is_item_seen(rec.item) {
            return 0.0;
        }
        let Ok((ua, ia)) = borrow_containers(&self.wiring) else {
            return f64::NAN;
        };
        let (ur, ir) = (attrs(ua.as_deref(), rec.user), attrs(ia.as_deref(), rec.item));
        with_buffers(self.dimension(), |uv, iv| {
            sum_into(uv, &self.users, ur.as_slice());
            sum_into(iv, &self.items, ir.as_slice());
            dot(uv, iv)
        })
    }

    /// Marks the user and the item seen; without a container, initialises the entity factor.
    fn add(&mut self, rec: &RecDat) {
        if rec.user as i64 <= MAX_ID {
            mark(&mut self.user_seen, rec.user);
            if self.wiring.user_attributes.is_none() {
                self.users.init(rec.user);
            }
        }
        if rec.item as i64 <= MAX_ID {
            mark(&mut self.item_seen, rec.item);
            if self.wiring.item_attributes.is_none() {
                self.items.init(rec.item);
            }
        }
    }

    fn write(&self, out: &mut dyn Write) -> Result<()> {
        let io = |e| Error::io(KIND, e);
        write_header(out, KIND, VERSION, self.dimension() as u32)?;
        self.users.write(out).map_err(io)?;
        self.items.write(out).map_err(io)?;
        write_seen(out, &self.user_seen).map_err(io)?;
        write_seen(out, &self.item_seen).map_err(io)
    }

    /// Replaces the whole learned state; on error the model is left unchanged.
    fn read(&mut self, input: &mut dyn Read) -> Result<()> {
        read_header(input, KIND, VERSION, self.dimension() as u32)?;
        let (mut users, mut items) = self.fresh_factors();
        users.read(input, "FmModel user factors")?;
        items.read(input, "FmModel item factors")?;
        let user_seen = read_seen(input, "users")?;
        let item_seen = read_seen(input, "items")?;
        (self.users, self.items, self.user_seen, self.item_seen) = (users, items, user_seen, item_seen);
        self.initialized = true;
        Ok(())
    }
}

/// u32 count, then the seen ids ascending as u32.
fn write_seen(out: &mut dyn Write, seen: &[bool]) -> std::io::Result<()> {
    let count = seen.iter().filter(|&&s| s).count() as u32;
    out.write_all(&count.to_le_bytes())?;
    for (id, _) in seen.iter().enumerate().filter(|&(_, &s)| s) {
        out.write_all(&(id as u32).to_le_bytes())?;
    }
    Ok(())
}

fn read_seen(input: &mut dyn Read, what: &str) -> Result<Vec<bool>> {
    let truncated = |_| Error::data(format!("saved FmModel: truncated list of seen {what}"));
    let mut b4 = [0u8; 4];
    input.read_exact(&mut b4).map_err(truncated)?;
    let count = u32::from_le_bytes(b4);
    if count as i64 > MAX_ID + 1 {
        return Err(Error::data(format!("saved FmModel: implausible number of seen {what} ({count})")));
    }
    let mut seen = Vec::new();
    for _ in 0..count {
        input.read_exact(&mut b4).map_err(truncated)?;
        let id = u32::from_le_bytes(b4);
        if id as i64 > MAX_ID {
            return Err(Error::data(format!("saved FmModel: seen {what} id {id} out of range")));
        }
        mark(&mut seen, id);
    }
    Ok(seen)
}

impl Component for FmModel {
    const NAME: &'static str = "FmModel";
    type Params = FmModelParameters;
    type Wiring = FmModelWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let p = &params;
        if p.begin_min > p.begin_max {
            return Err(Error::parameter(format!(
                "FmModel: parameter 'begin_min' must be <= begin_max, got {} > {}",
                p.begin_min, p.begin_max
            )));
        }
        let mut model = FmModel {
            params,
            wiring: FmModelWiring::default(),
            users: Factors::new(0, 0.0, 0.0, 1),
            items: Factors::new(0, 0.0, 0.0, 1),
            user_seen: Vec::new(),
            item_seen: Vec::new(),
            initialized: false,
        };
        (model.users, model.items) = model.fresh_factors();
        Ok(model)
    }

    /// Clears the model and initialises the attribute factors, once: later runs continue
    /// training (as the original's one-time initialisation); a loaded model is not cleared.
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        if !self.initialized {
            self.clear()?;
            self.initialized = true;
        }
        Ok(())
    }
    crate::component_accessors!();
    /// The factor generators (the model file, `Model::write`, has the factors but not these).
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.users.rng_state())?;
        out.u64(self.items.rng_state())
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        for (factors, what) in [(&mut self.users, "the user factor generator"), (&mut self.items, "the item factor generator")] {
            let state = input.u64(what)?;
            if !factors.set_rng_state(state) {
                return Err(input.corrupt(&format!("{what}: an unreachable random state")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Parameters;

    fn model(dimension: i64) -> FmModel {
        let params = FmModelParameters { dimension, ..Default::default() };
        FmModel::new(params).unwrap()
    }

    #[test]
    fn sum_skips_missing_factors_and_weights_values() {
        let mut f = Factors::new(2, 0.0, 0.0, 1);
        f.set(1, &[1.0, 2.0]).unwrap();
        f.set(4, &[-1.0, 0.5]).unwrap();
        let mut out = [9.0; 2];
        sum_into(&mut out, &f, &[(0, 3.0), (1, 2.0), (4, 4.0)]);
        assert_eq!(out, [2.0 - 4.0, 4.0 + 2.0]);
        sum_into(&mut out, &f, &[]);
        assert_eq!(out, [0.0, 0.0]);
    }

    #[test]
    fn prediction_beyond_the_stack_buffer() {
        let mut m = model(100);
        m.add(&RecDat { user: 2, item: 3, ..Default::default() });
        let u: Vec<f64> = (0..100).map(|k| k as f64).collect();
        let i: Vec<f64> = (0..100).map(|k| if k % 2 == 0 { 1.0 } else { -0.5 }).collect();
        m.set_user_factor(2, &u).unwrap();
        m.set_item_factor(3, &i).unwrap();
        assert_eq!(m.prediction(&RecDat { user: 2, item: 3, ..Default::default() }), dot(&u, &i));
    }

    #[test]
    fn defaults_and_seen_list_errors() {
        let p = FmModelParameters::default();
        assert_eq!((p.dimension, p.begin_min, p.begin_max, p.seed), (10, -0.01, 0.01, 745578));
        assert!(FmModelParameters::DOC.contains("Fix: "));
        let mut bad = Vec::new();
        bad.extend_from_slice(&1u32.to_le_bytes());
        bad.extend_from_slice(&(1u32 << 30).to_le_bytes());
        assert!(read_seen(&mut bad.as_slice(), "users").unwrap_err().to_string().contains("out of range"));
        let huge = u32::MAX.to_le_bytes();
        assert!(read_seen(&mut &huge[..], "users").unwrap_err().to_string().contains("implausible"));
        let mut ok = Vec::new();
        write_seen(&mut ok, &[false, true, false, true]).unwrap();
        assert_eq!(read_seen(&mut ok.as_slice(), "users").unwrap(), vec![false, true, false, true]);
    }

    #[test]
    fn add_ignores_ids_beyond_the_id_range() {
        let mut m = model(2);
        m.add(&RecDat { user: u32::MAX, item: 1 << 25, ..Default::default() });
        assert!(m.user_seen.is_empty() && m.item_seen.is_empty());
        assert_eq!(m.prediction(&RecDat { user: u32::MAX, item: 1 << 25, ..Default::default() }), 0.0);
    }
}
