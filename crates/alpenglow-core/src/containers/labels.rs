//! Item labels read from a file of whitespace-separated "entity label" pairs.

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct LabelContainer {
    labels: Vec<i64>,
}

impl LabelContainer {
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::data::files::read_regular_text(path)?;
        let mut labels = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.is_empty() {
                continue;
            }
            let parsed = match fields.as_slice() {
                [e, l] => e.parse::<u32>().ok().zip(l.parse::<i64>().ok()),
                _ => None,
            };
            let Some((entity, label)) = parsed else {
                return Err(Error::data(format!(
                    "{}, line {}: expected \"entity label\" (two integers), found {line:?}",
                    path.display(),
                    n + 1
                )));
            };
            if entity as i64 > crate::data::columns::MAX_ID {
                return Err(Error::data(format!(
                    "{}, line {}: entity id {entity} is too large; ids must be integers in 0..={}",
                    path.display(),
                    n + 1,
                    crate::data::columns::MAX_ID
                )));
            }
            if entity as usize >= labels.len() {
                let more = entity as usize + 1 - labels.len();
                crate::alloc::reserve(&mut labels, more, "labels")?;
                labels.resize(entity as usize + 1, -1);
            }
            labels[entity as usize] = label;
        }
        Ok(LabelContainer { labels })
    }

    /// Every (entity, label) pair of the file, entities ascending (unlabeled ids skipped).
    pub fn iter(&self) -> impl Iterator<Item = (u32, i64)> + '_ {
        self.labels.iter().enumerate().filter(|&(_, &l)| l != -1).map(|(e, &l)| (e as u32, l))
    }

    /// The entity's label, or -1 if it has none.
    pub fn label(&self, entity: u32) -> i64 {
        self.labels.get(entity as usize).copied().unwrap_or(-1)
    }
}
