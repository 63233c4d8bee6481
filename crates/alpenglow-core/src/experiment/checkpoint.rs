//! Checkpoints: the whole state of a run, written between two records, and runs resumed from one.
//!
//! A checkpoint holds, for every component of the experiment's graph (in graph order), the
//! model's learned state (`Model::write`) and the component's other run state
//! (`Component::write_state`: random generators, counters, queues), plus the position in the
//! stream. The environment (items and users seen, the train matrix, the popularity
//! containers) is a function of the records served so far, so a resumed run rebuilds it by
//! passing those records through `Environment::update` (no model, no logger: about 10 ms per
//! million records) and checks the rebuilt state against fingerprints stored in the file.
//!
//! File layout (little-endian), sealed with the CRC-32 trailer of `models::checksum`:
//! `ALPCKPT\0`, format version (u32), signature of the graph (u64), position (u64), hash of
//! the served records before it (u64), popularity fingerprint of the environment (u64),
//! number of components (u32), then per component its name (u32 length + UTF-8), the model
//! state and the component state (each u64 length + bytes).
//!
//! Files are written atomically: to a temporary file beside the target, flushed to disk, then
//! renamed over it, so a crash while writing leaves the previous checkpoint intact.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::environment::Environment;
use crate::component::Handle;
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::params::Value;

const MAGIC: &[u8; 8] = b"ALPCKPT\0";
/// Version of the file layout and of every component's state format.
pub const VERSION: u32 = 1;

/// Where and how often a run writes checkpoints.
#[derive(Debug, Clone)]
pub struct CheckpointSpec {
    pub path: PathBuf,
    /// Write after every `every` records (0: only when the run ends).
    pub every: usize,
}

/// What a run does with checkpoints.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub checkpoint: Option<CheckpointSpec>,
    /// Continue from this checkpoint of the same experiment over the same stream.
    pub resume: Option<PathBuf>,
}

/// Rolling hash of the served records (time, user, item, score), to recognise the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHash(pub u64);

impl Default for StreamHash {
    fn default() -> Self {
        StreamHash(0x6A09_E667_F3BC_C908)
    }
}

impl StreamHash {
    #[inline]
    pub fn add(&mut self, rec: &RecDat) {
        for word in [rec.time.to_bits(), rec.user as u64, rec.item as u64, rec.score.to_bits()] {
            self.0 = (self.0 ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(31);
        }
    }
}

/// The graph's identity: every component's name and parameters in graph order. File names
/// (string parameters) and the experiment's termination time may differ between the run that
/// wrote a checkpoint and the one that resumes it.
pub fn signature(graph: &[Handle]) -> Result<u64> {
    let mut text = String::new();
    for h in graph {
        text.push_str(h.name());
        text.push('(');
        for (name, value) in h.node.param_values()? {
            if matches!(value, Value::Str(_))
                || (h.name() == "OnlineExperiment" && name == "experiment_termination_time")
            {
                continue;
            }
            text.push_str(&format!("{name}={value:?},"));
        }
        text.push(')');
    }
    let mut crc = flate2::Crc::new();
    crc.update(text.as_bytes());
    let mut h = StreamHash::default();
    h.0 ^= crc.sum() as u64 | ((text.len() as u64) << 32);
    Ok(h.0.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The position a checkpoint was written at and what it must match.
pub struct Checkpoint {
    pub position: usize,
    pub stream_hash: StreamHash,
    pub env_fingerprint: u64,
    states: Vec<(String, Vec<u8>, Vec<u8>)>,
}

fn put_blob(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn model_of(h: &Handle) -> Option<&std::sync::Arc<crate::component::Shared<dyn Model>>> {
    h.role::<dyn Model>()
}

/// Writes the checkpoint of `graph` at `position` to `path` (atomically). The caller holds
/// every component's claim and no borrow that `write`/`write_state` needs.
pub fn write(path: &Path, graph: &[Handle], position: usize, stream_hash: StreamHash, env: &Environment) -> Result<()> {
    let mut body = Vec::new();
    body.extend_from_slice(MAGIC);
    body.extend_from_slice(&VERSION.to_le_bytes());
    body.extend_from_slice(&signature(graph)?.to_le_bytes());
    body.extend_from_slice(&(position as u64).to_le_bytes());
    body.extend_from_slice(&stream_hash.0.to_le_bytes());
    body.extend_from_slice(&env.popularity_sorted().fingerprint().to_le_bytes());
    body.extend_from_slice(&(graph.len() as u32).to_le_bytes());
    let mut scratch = Vec::new();
    for h in graph {
        let name = h.name();
        body.extend_from_slice(&(name.len() as u32).to_le_bytes());
        body.extend_from_slice(name.as_bytes());
        scratch.clear();
        if let Some(model) = model_of(h) {
            model.borrow()?.write(&mut scratch).map_err(|e| cannot_checkpoint(name, e))?;
        }
        put_blob(&mut body, &scratch);
        scratch.clear();
        h.node.write_state(&mut scratch).map_err(|e| cannot_checkpoint(name, e))?;
        put_blob(&mut body, &scratch);
    }
    crate::models::checksum::seal(&mut body);
    write_atomically(path, &body)
}

fn cannot_checkpoint(name: &str, e: Error) -> Error {
    match e {
        Error::Parameter(m) => Error::parameter(format!("the run cannot be checkpointed: {name}: {m}")),
        other => other,
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let file_name =
        path.file_name().ok_or_else(|| Error::parameter(format!("checkpoint: {name} is not a file name")))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| {
        let mut file = crate::data::files::create_output(&tmp)?;
        file.write_all(bytes).map_err(|e| Error::io(name.as_str(), e))?;
        file.sync_all().map_err(|e| Error::io(name.as_str(), e))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| Error::io(name.as_str(), e))?;
        // The rename itself reaches the disk with the folder's entry (best effort: not every
        // platform can open a folder).
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(folder) = std::fs::File::open(folder)
        {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

struct Reader<'a> {
    bytes: &'a [u8],
    name: String,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(Error::data(format!("{}: damaged checkpoint (truncated while reading {what})", self.name)));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }
    fn blob(&mut self, what: &str) -> Result<&'a [u8]> {
        let n = self.u64(what)?;
        self.take(usize::try_from(n).unwrap_or(usize::MAX), what)
    }
}

/// Reads and checks the checkpoint at `path` against `graph` (the experiment about to resume).
pub fn read(path: &Path, graph: &[Handle]) -> Result<Checkpoint> {
    let name = path.display().to_string();
    let bytes = crate::data::files::read_regular(path)?;
    if !bytes.starts_with(MAGIC) {
        return Err(Error::data(format!("{name}: not an alpenglow checkpoint")));
    }
    let body = crate::models::checksum::open(&bytes)
        .map_err(|_| Error::data(format!("{name}: damaged checkpoint (checksum mismatch); it was not loaded")))?;
    let mut r = Reader { bytes: &body[MAGIC.len()..], name: name.clone() };
    let version = r.u32("the version")?;
    if version != VERSION {
        return Err(Error::data(format!(
            "{name}: checkpoint format version {version}, but this alpenglow reads version {VERSION}"
        )));
    }
    if r.u64("the signature")? != signature(graph)? {
        return Err(Error::data(format!(
            "{name}: the checkpoint was written by a different experiment (other components or parameters); \
             resume it with the experiment and parameters that wrote it"
        )));
    }
    let position = usize::try_from(r.u64("the position")?).unwrap_or(usize::MAX);
    let stream_hash = StreamHash(r.u64("the stream hash")?);
    let env_fingerprint = r.u64("the environment")?;
    let n = r.u32("the component count")? as usize;
    if n != graph.len() {
        return Err(Error::data(format!("{name}: the checkpoint has {n} components, the experiment {}", graph.len())));
    }
    let mut states = Vec::with_capacity(n);
    for h in graph {
        let len = r.u32("a component name")? as usize;
        let stored = String::from_utf8_lossy(r.take(len, "a component name")?).into_owned();
        if stored != h.name() {
            return Err(Error::data(format!(
                "{name}: the checkpoint has {stored} where the experiment has {}",
                h.name()
            )));
        }
        let model = r.blob("a model state")?.to_vec();
        let own = r.blob("a component state")?.to_vec();
        states.push((stored, model, own));
    }
    if !r.bytes.is_empty() {
        return Err(Error::data(format!("{name}: damaged checkpoint (unexpected data after the last component)")));
    }
    Ok(Checkpoint { position, stream_hash, env_fingerprint, states })
}

/// Loads every component's state from `checkpoint` (after `initialize`).
pub fn restore(path: &Path, graph: &[Handle], checkpoint: &Checkpoint) -> Result<()> {
    let file = path.display().to_string();
    let named = |component: &str, e: Error| match e {
        Error::Data(m) => Error::data(format!("{file}: {component}: {m}")),
        other => other,
    };
    for (h, (name, model, own)) in graph.iter().zip(&checkpoint.states) {
        if let Some(m) = model_of(h) {
            m.borrow_mut()?.read(&mut model.as_slice()).map_err(|e| named(name, e))?;
        }
        h.node.read_state(own).map_err(|e| named(name, e))?;
    }
    Ok(())
}
