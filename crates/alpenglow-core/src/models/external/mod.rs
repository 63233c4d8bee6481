//! External models: top lists computed outside alpenglow, exchanged through files (trained by
//! `offline_learners::OfflineExternalModelLearner`).

mod model;
pub mod predictions;
#[cfg(test)]
mod tests;

pub use model::ExternalModel;
pub use predictions::Predictions;

use std::path::Path;

use crate::component::Handle;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::role::{Arg, ArgKind, Method};

/// The file exchange of an external model (shown to front ends as methods).
pub trait ExternalPredictions: Send + Sync {
    /// Replaces the served lists by those of the predictions file `path`.
    fn read_predictions(&mut self, path: &Path) -> Result<()>;
    /// Writes the requested users to `path` (header `user`) and forgets them.
    fn write_requested_users(&mut self, path: &Path) -> Result<()>;
}

const EXTERNAL_METHODS: &[Method] = &[
    Method {
        name: "read_predictions",
        doc: "Load the top lists of ``file_name``: whitespace-separated ``user item pos`` lines, \
              no header; a user's list is ordered by ``pos``. Replaces the lists loaded before.",
        args: &[("file_name", ArgKind::Path)],
        returns: ArgKind::None,
        call: read_predictions,
    },
    Method {
        name: "write_requested_users",
        doc: "Write the users whose top list was asked for (write mode) to ``file_name``: a \
              ``user`` header, then one id per line, ascending; then forget them.",
        args: &[("file_name", ArgKind::Path)],
        returns: ArgKind::None,
        call: write_requested_users,
    },
];

fn path_arg(args: &[Arg]) -> Result<&Path> {
    match args {
        [Arg::Str(path)] => Ok(Path::new(path.as_str())),
        _ => Err(Error::parameter("expected a file path")),
    }
}

fn read_predictions(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let path = path_arg(args)?;
    h.require_role::<dyn ExternalPredictions>()?.with_mut(|m| m.read_predictions(path))??;
    Ok(Arg::None)
}

fn write_requested_users(h: &Handle, args: &[Arg]) -> Result<Arg> {
    let path = path_arg(args)?;
    h.require_role::<dyn ExternalPredictions>()?.with_mut(|m| m.write_requested_users(path))??;
    Ok(Arg::None)
}

crate::role!(ExternalPredictions => "external_model", "an external model", methods = EXTERNAL_METHODS);

crate::component_list! {
    ExternalModel => [Model, ExternalPredictions],
}
