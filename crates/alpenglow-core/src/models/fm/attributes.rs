//! Sparse attributes of entities (users or items), read from a file where line n (0-based)
//! lists the `index:value` pairs of entity n.

use std::path::Path;

use crate::component::{Component, NoWiring};
use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};

crate::parameters! {
    /// Sparse attributes of users or items for `FmModel`, loaded from `file_name` when the
    /// component is built. Line n (0-based) of the file lists the attributes of entity id n as
    /// `index:value` tokens separated by whitespace; an empty line (or an id beyond the last
    /// line) means no attributes. Indices are integers in 0..=16777215, values finite numbers.
    /// A repeated index on one line keeps the last value (as the original's map did).
    ///
    /// Tokens may be separated by any whitespace (the original required single spaces).
    /// A malformed token is an error naming the file, the 1-based line number and the token
    /// (the original aborted or silently misread).
    pub struct SparseAttributeContainerParameters {
        /// Path of the attribute file (lines of index:value tokens). Must be given.
        pub file_name: String = String::new(); where non_empty(),
    }
}

/// Attribute rows in compressed form: the pairs of entity n are `entries[offsets[n]..offsets[n + 1]]`,
/// sorted by index.
pub struct SparseAttributeContainer {
    params: SparseAttributeContainerParameters,
    wiring: NoWiring,
    offsets: Vec<usize>,
    entries: Vec<(u32, f64)>,
    max_index: Option<u32>,
}

impl SparseAttributeContainer {
    /// Reads an attribute file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::data::files::read_regular_text(path)?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses attribute text; `source` names it in error messages.
    pub fn parse(text: &str, source: &str) -> Result<Self> {
        let mut offsets = vec![0];
        let mut entries: Vec<(u32, f64)> = Vec::new();
        let mut max_index: Option<u32> = None;
        for (n, line) in text.lines().enumerate() {
            let start = entries.len();
            for token in line.split_whitespace() {
                let pair = parse_token(token)
                    .map_err(|why| Error::data(format!("{source}, line {}: token {token:?}: {why}", n + 1)))?;
                max_index = max_index.max(Some(pair.0));
                entries.push(pair);
            }
            let row = &mut entries[start..];
            row.sort_by_key(|p| p.0); // stable: equal indices keep their file order
            let kept = dedup_keep_last(row);
            entries.truncate(start + kept);
            offsets.push(entries.len());
        }
        Ok(SparseAttributeContainer {
            params: SparseAttributeContainerParameters { file_name: source.to_string() },
            wiring: NoWiring,
            offsets,
            entries,
            max_index,
        })
    }

    /// The attributes of `id`, sorted by index (empty if the file has no line for it).
    #[inline]
    pub fn get_attributes(&self, id: u32) -> &[(u32, f64)] {
        let i = id as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.entries.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The largest attribute index in the file (`None` if it has no attributes at all).
    pub fn max_attribute_index(&self) -> Option<u32> {
        self.max_index
    }

    /// Number of lines (entities) in the file.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn parse_token(token: &str) -> std::result::Result<(u32, f64), String> {
    let (index, value) = token.split_once(':').ok_or("expected index:value")?;
    let index: i64 = index.parse().map_err(|_| format!("attribute index {index:?} is not an integer"))?;
    if index < 0 {
        return Err(format!("attribute index {index} is negative"));
    }
    if index > MAX_ID {
        return Err(format!("attribute index {index} is too large (at most {MAX_ID})"));
    }
    let value: f64 = value.parse().map_err(|_| format!("attribute value {value:?} is not a number"))?;
    if !value.is_finite() {
        return Err(format!("attribute value {value} is not finite"));
    }
    Ok((index as u32, value))
}

/// Removes runs of equal indices from a sorted row, keeping the last of each run; returns the
/// new length.
fn dedup_keep_last(row: &mut [(u32, f64)]) -> usize {
    let mut kept = 0;
    for i in 0..row.len() {
        if kept > 0 && row[kept - 1].0 == row[i].0 {
            row[kept - 1] = row[i];
        } else {
            row[kept] = row[i];
            kept += 1;
        }
    }
    kept
}

impl super::AttributeContainer for SparseAttributeContainer {
    fn get_attributes(&self, id: u32) -> &[(u32, f64)] {
        SparseAttributeContainer::get_attributes(self, id)
    }
}

impl Component for SparseAttributeContainer {
    const NAME: &'static str = "SparseAttributeContainer";
    type Params = SparseAttributeContainerParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let mut container = Self::from_file(Path::new(&params.file_name))?;
        container.params = params;
        Ok(container)
    }
    crate::component_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_deduplicated_and_indexed_by_line() {
        let c = SparseAttributeContainer::parse("3:1 1:0.5\n\n2:1 2:4 0:-1.5\t7:2\n", "t").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get_attributes(0), &[(1, 0.5), (3, 1.0)]);
        assert_eq!(c.get_attributes(1), &[]);
        assert_eq!(c.get_attributes(2), &[(0, -1.5), (2, 4.0), (7, 2.0)]);
        assert_eq!(c.get_attributes(3), &[]);
        assert_eq!(c.get_attributes(u32::MAX), &[]);
        assert_eq!(c.max_attribute_index(), Some(7));
    }

    #[test]
    fn empty_text_has_no_attributes() {
        let c = SparseAttributeContainer::parse("", "t").unwrap();
        assert!(c.is_empty());
        assert_eq!(c.max_attribute_index(), None);
        assert_eq!(c.get_attributes(0), &[]);
    }

    #[test]
    fn bad_tokens_name_line_and_token() {
        let msg = |text: &str| SparseAttributeContainer::parse(text, "f.txt").err().unwrap().to_string();
        assert_eq!(msg("1:1\n\n2:1 x\n"), "f.txt, line 3: token \"x\": expected index:value");
        assert_eq!(msg("a:1"), "f.txt, line 1: token \"a:1\": attribute index \"a\" is not an integer");
        assert_eq!(msg("1:1\n-2:1"), "f.txt, line 2: token \"-2:1\": attribute index -2 is negative");
        assert_eq!(msg("1:b"), "f.txt, line 1: token \"1:b\": attribute value \"b\" is not a number");
        assert!(msg("1:nan").contains("not finite"));
        assert!(msg("16777216:1").contains("too large"));
        assert!(msg("1.5:1").contains("not an integer"));
    }
}
