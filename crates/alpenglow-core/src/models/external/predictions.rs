//! The top lists an external tool computed: read from whitespace-separated `user item pos`
//! lines (no header), kept per user in position order.

use std::path::Path;

use crate::data::columns::MAX_ID;
use crate::data::formats::int_field;
use crate::error::{Error, Result};

/// Every user's list, best first, in one compact table (users ascending).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Predictions {
    users: Vec<u32>,
    /// `items[starts[k]..starts[k + 1]]` is the list of `users[k]`.
    starts: Vec<usize>,
    items: Vec<u32>,
}

/// One line of a predictions file.
#[derive(Clone, Copy)]
struct Entry {
    user: u32,
    item: u32,
    pos: i64,
    line: usize,
}

impl Predictions {
    /// The list of `user`, best first (empty for a user without predictions).
    pub fn list(&self, user: u32) -> &[u32] {
        match self.users.binary_search(&user) {
            Ok(k) => &self.items[self.starts[k]..self.starts[k + 1]],
            Err(_) => &[],
        }
    }

    /// The users with a list, ascending.
    pub fn users(&self) -> &[u32] {
        &self.users
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// Reads the predictions file `path`; errors name the file (and the line).
    pub fn read(path: &Path) -> Result<Predictions> {
        let bytes = crate::data::files::read_regular(path)?;
        Predictions::parse(&bytes, &path.display().to_string())
    }

    /// Parses `user item pos` lines; `source` names the file in errors. Blank lines are
    /// skipped. A user's list is ordered by `pos` (any integers: only their order matters),
    /// equal positions by item id. An item listed twice for one user is an error.
    pub fn parse(bytes: &[u8], source: &str) -> Result<Predictions> {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        let mut entries: Vec<Entry> = Vec::new();
        crate::alloc::reserve(&mut entries, lines, &format!("{source}: the predictions of {lines} lines"))?;
        for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_no = index + 1;
            let mut toks = [&[][..]; 3];
            let mut found = 0;
            for tok in line.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()) {
                if found < 3 {
                    toks[found] = tok;
                }
                found += 1;
            }
            if found == 0 {
                continue;
            }
            if found != 3 {
                return Err(Error::data(format!(
                    "{source}, line {line_no}: expected 3 fields (user item pos), found {found}"
                )));
            }
            let user = id_field(toks[0], "user", source, line_no)?;
            let item = id_field(toks[1], "item", source, line_no)?;
            let pos = int_field(toks[2], "pos", source, line_no)?;
            entries.push(Entry { user, item, pos, line: line_no });
        }
        entries.sort_unstable_by_key(|e| (e.user, e.item, e.line));
        if let Some(w) = entries.windows(2).find(|w| (w[0].user, w[0].item) == (w[1].user, w[1].item)) {
            return Err(Error::data(format!(
                "{source}, line {}: item {} is listed twice for user {} (first on line {})",
                w[1].line, w[1].item, w[1].user, w[0].line
            )));
        }
        entries.sort_unstable_by_key(|e| (e.user, e.pos, e.item));
        Predictions::from_sorted(entries.iter().map(|e| (e.user, e.item)))
    }

    /// Builds the table from (user, item) pairs grouped by ascending user, each list in order.
    pub(super) fn from_sorted(pairs: impl ExactSizeIterator<Item = (u32, u32)>) -> Result<Predictions> {
        let mut p = Predictions::default();
        crate::alloc::reserve(&mut p.items, pairs.len(), "ExternalModel: the predictions")?;
        for (user, item) in pairs {
            if p.users.last() != Some(&user) {
                crate::alloc::reserve(&mut p.users, 1, "ExternalModel: the predicted users")?;
                crate::alloc::reserve(&mut p.starts, 1, "ExternalModel: the predicted users")?;
                p.users.push(user);
                p.starts.push(p.items.len());
            }
            p.items.push(item);
        }
        p.starts.push(p.items.len());
        Ok(p)
    }
}

/// Parses an id (an integer in 0..=MAX_ID).
fn id_field(tok: &[u8], name: &str, source: &str, line: usize) -> Result<u32> {
    let id = int_field(tok, name, source, line)?;
    if !(0..=MAX_ID).contains(&id) {
        let why = if id < 0 { "is negative" } else { "is too large" };
        return Err(Error::data(format!(
            "{source}, line {line}, field '{name}': id {id} {why}; ids must be integers in 0..={MAX_ID}"
        )));
    }
    Ok(id as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Predictions> {
        Predictions::parse(text.as_bytes(), "p.dat")
    }

    #[test]
    fn lists_are_ordered_by_position_then_item() {
        let p = parse("3 94 9\n3 10 2\n\n1 5 0\n3 7 9\n  3\t8   -4  \n").unwrap();
        assert_eq!(p.list(3), &[8, 10, 7, 94]);
        assert_eq!(p.list(1), &[5]);
        assert_eq!(p.list(2), &[] as &[u32]);
        assert_eq!(p.users(), &[1, 3]);
    }

    #[test]
    fn an_empty_file_has_no_lists() {
        let p = parse("").unwrap();
        assert!(p.is_empty());
        assert_eq!(p.list(0), &[] as &[u32]);
        assert!(parse("\n\n").unwrap().is_empty());
    }

    #[test]
    fn malformed_lines_name_the_file_and_line() {
        let msg = |t: &str| parse(t).unwrap_err().to_string();
        assert_eq!(msg("1 2 3\n1 2\n"), "p.dat, line 2: expected 3 fields (user item pos), found 2");
        assert_eq!(msg("1 2 3 4\n"), "p.dat, line 1: expected 3 fields (user item pos), found 4");
        assert!(msg("user item pos\n").starts_with("p.dat, line 1, field 'user': "), "{}", msg("user item pos\n"));
        assert!(msg("1 2 3\n1 x 3\n").starts_with("p.dat, line 2, field 'item': "));
        assert!(msg("1 2 3.5\n").starts_with("p.dat, line 1, field 'pos': "));
        assert_eq!(
            msg("\n-1 2 3\n"),
            "p.dat, line 2, field 'user': id -1 is negative; ids must be integers in 0..=16777215"
        );
        assert_eq!(
            msg("1 16777216 3\n"),
            "p.dat, line 1, field 'item': id 16777216 is too large; ids must be integers in 0..=16777215"
        );
        assert_eq!(msg("1 2 3\n0 2 1\n1 2 4\n"), "p.dat, line 3: item 2 is listed twice for user 1 (first on line 1)");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let path = std::env::temp_dir().join(format!("alpenglow-no-such-predictions-{}.dat", std::process::id()));
        let msg = Predictions::read(&path).unwrap_err().to_string();
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    }
}
