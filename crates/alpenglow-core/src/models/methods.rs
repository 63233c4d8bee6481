//! The methods every model shows to front ends: `prediction`, `write`, `read`, and the state
//! used to pickle a model with what it learned.

use super::Model;
use crate::component::Handle;
use crate::error::{Error, Result};
use crate::role::{Arg, ArgKind, Method};

pub(super) const MODEL_METHODS: &[Method] = &[
    Method {
        name: "prediction",
        doc: "The model's prediction for a record (any object with ``user``, ``item``, ``time``...).",
        args: &[("rec_dat", ArgKind::Record)],
        returns: ArgKind::Float,
        call: prediction,
    },
    Method {
        name: "write",
        doc: "Save the model's learned state to ``file_name`` (load it with :meth:`read`).",
        args: &[("file_name", ArgKind::Path)],
        returns: ArgKind::None,
        call: write,
    },
    Method {
        name: "read",
        doc: "Load state saved by :meth:`write` into this model (same kind and dimension).",
        args: &[("file_name", ArgKind::Path)],
        returns: ArgKind::None,
        call: read,
    },
    Method {
        name: "_state",
        doc: "The learned state as bytes (the format of `write`).",
        args: &[],
        returns: ArgKind::Bytes,
        call: state,
    },
    Method {
        name: "_load_state",
        doc: "Restores state produced by `_state`.",
        args: &[("state", ArgKind::Bytes)],
        returns: ArgKind::None,
        call: load_state,
    },
];

fn prediction(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let [Arg::Record(rec)] = args else { return Err(Error::parameter("prediction(rec_dat) takes a record")) };
    // A model made of other components (a combination, a filtered model) names a missing call.
    h.node.check_wiring_now()?;
    Ok(Arg::Float(h.require_role::<dyn Model>()?.with(|m| m.prediction(rec))?))
}

/// The model's state followed by its checksum (see `checksum`).
pub fn sealed_state(model: &dyn Model) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    model.write(&mut buf)?;
    super::checksum::seal(&mut buf);
    Ok(buf)
}

/// Loads sealed state; `source` (a file name, or "pickled state") prefixes every error.
pub fn load_sealed(model: &mut dyn Model, bytes: &[u8], source: &str) -> Result<()> {
    let named = |e: Error| match e {
        Error::Data(m) => Error::data(format!("{source}: {m}")),
        other => other,
    };
    let mut input = super::checksum::open(bytes).map_err(named)?;
    model.read(&mut input).map_err(named)
}

/// Saves the model to the file `path` (the format of `write`).
pub fn write_file(model: &dyn Model, path: &std::path::Path) -> Result<()> {
    let bytes = sealed_state(model)?;
    let mut file = crate::data::files::create_output(path)?;
    std::io::Write::write_all(&mut file, &bytes).map_err(|e| Error::io(path.display().to_string(), e))
}

/// Loads the model from a file saved by [`write_file`].
pub fn read_file(model: &mut dyn Model, path: &std::path::Path) -> Result<()> {
    let bytes = crate::data::files::read_regular(path)?;
    load_sealed(model, &bytes, &path.display().to_string())
}

fn state_bytes(h: &Handle) -> Result<Vec<u8>> {
    h.require_role::<dyn Model>()?.with(|m| sealed_state(m))?
}

fn load(h: &Handle, bytes: &[u8], source: &str) -> Result<()> {
    h.require_role::<dyn Model>()?.with_mut(|m| load_sealed(m, bytes, source))?
}

fn path_arg(args: &[Arg]) -> Result<&str> {
    match args {
        [Arg::Str(path)] => Ok(path),
        _ => Err(Error::parameter("expected a file path")),
    }
}

fn write(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let path = std::path::Path::new(path_arg(args)?);
    h.require_role::<dyn Model>()?.with(|m| write_file(m, path))??;
    Ok(Arg::None)
}

fn read(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let path = std::path::Path::new(path_arg(args)?);
    h.require_role::<dyn Model>()?.with_mut(|m| read_file(m, path))??;
    Ok(Arg::None)
}

fn state(h: &Handle, _args: &[Arg]) -> Result<Arg> {
    Ok(Arg::Bytes(state_bytes(h)?))
}

fn load_state(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let [Arg::Bytes(bytes)] = args else { return Err(Error::parameter("_load_state(state) takes bytes")) };
    load(h, bytes, "pickled state")?;
    Ok(Arg::None)
}
