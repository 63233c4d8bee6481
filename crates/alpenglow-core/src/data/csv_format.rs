//! The `csv` file format: comma-separated values with a header line. Columns are matched by
//! exact name (surrounding spaces ignored); `user` and `item` are required, the others default:
//! `time` and `id` to the row index (0, 1, ...), `score` to 1.0, `eval` and `category` to 1.
//! Other columns are ignored. Line numbers in errors are 1-based physical lines (the header is
//! line 1).

use crate::data::columns::OwnedColumns;
use crate::data::formats::{check_record, float_field, int_field, quote, reserve, time_field};
use crate::error::{Error, Result};

const REQUIRED: &[&str] = &["user", "item"];
const OPTIONAL: &[&str] = &["time", "score", "eval", "id", "category"];

/// Reads CSV content (already decompressed); see the module documentation.
pub(crate) fn read_csv(bytes: &[u8], termination_time: f64, source: &str) -> Result<OwnedColumns> {
    // A UTF-8 byte order mark (written by some spreadsheet tools) is not part of the first name.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let csv_error = |e: csv::Error| Error::data(format!("{source}: {e}"));
    let header = reader.byte_headers().map_err(csv_error)?.clone();
    if header.iter().all(|h| h.trim_ascii().is_empty()) {
        return Ok(OwnedColumns::default());
    }
    let names: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h.trim_ascii()).into_owned()).collect();
    let find = |name: &str| -> Result<Option<usize>> {
        let mut hits = names.iter().enumerate().filter(|(_, n)| *n == name).map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(_), Some(_)) => Err(Error::data(format!(
                "{source}, line 1: column '{name}' appears more than once in the CSV header {}",
                quote(names.join(",").as_bytes())
            ))),
            (hit, _) => Ok(hit),
        }
    };
    let required = |name: &str| -> Result<usize> {
        find(name)?.ok_or_else(|| {
            Error::data(format!(
                "{source}, line 1: required column '{name}' is missing from the CSV header; header found: {} \
                 (columns are matched by exact name: {} required, {} optional)",
                quote(names.join(",").as_bytes()),
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            ))
        })
    };
    let (user_col, item_col) = (required("user")?, required("item")?);
    let (time_col, score_col, eval_col, id_col, category_col) =
        (find("time")?, find("score")?, find("eval")?, find("id")?, find("category")?);

    let mut out = OwnedColumns::default();
    reserve(&mut out, bytes, source)?;
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let line = lines.locate(bytes, start);
        if record.len() != header.len() {
            return Err(Error::data(format!(
                "{source}, line {line}: expected {} fields as in the CSV header, found {}: {}",
                header.len(),
                record.len(),
                quote(line_at(bytes, start))
            )));
        }
        let row = out.len() as i64;
        let field = |col: usize| record[col].trim_ascii();
        let time = match time_col {
            Some(c) => time_field(field(c), source, line)?,
            None => row as f64,
        };
        if termination_time > 0.0 && time >= termination_time {
            break;
        }
        let int_or = |col: Option<usize>, name: &str, default: i64| match col {
            Some(c) => int_field(field(c), name, source, line),
            None => Ok(default),
        };
        let user = int_field(field(user_col), "user", source, line)?;
        let item = int_field(field(item_col), "item", source, line)?;
        let id = int_or(id_col, "id", row)?;
        let score = match score_col {
            Some(c) => float_field(field(c), "score", source, line)?,
            None => 1.0,
        };
        let eval = int_or(eval_col, "eval", 1)?;
        let category = int_or(category_col, "category", 1)?;
        check_record(&out, (time, user, item, score), source, line)?;
        out.push(time, user, item, id, score, eval, category);
    }
    Ok(out)
}

/// Maps record start offsets to line numbers by counting newlines incrementally (records come
/// in increasing order, so the whole file is scanned once).
///
/// The reader's own `Position::line` is not used: it points before any blank lines it skipped.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    /// Returns the 1-based line of the record whose (reader) position is `start`.
    fn locate(&mut self, bytes: &[u8], start: usize) -> usize {
        let start = skip_blank(bytes, start);
        if start >= self.offset {
            self.line += bytes[self.offset..start].iter().filter(|&&b| b == b'\n').count();
            self.offset = start;
        }
        self.line + 1
    }
}

/// Skips the line ends that the reader skips before a record.
fn skip_blank(bytes: &[u8], mut start: usize) -> usize {
    start = start.min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    start
}

/// The raw text of the line of the record whose (reader) position is `start`.
fn line_at(bytes: &[u8], start: usize) -> &[u8] {
    let start = skip_blank(bytes, start);
    let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| start + n);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::columns::MAX_ID;
    use proptest::prelude::*;

    fn read(text: &str) -> Result<OwnedColumns> {
        read_csv(text.as_bytes(), 0.0, "data.csv")
    }

    fn err(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    #[test]
    fn all_columns() {
        let c = read("time,user,item,score,eval,id,category\n5,1,2,3.5,0,70,4\n6.5,3,4,1,1,71,5\n").unwrap();
        let want = OwnedColumns {
            time: vec![5.0, 6.5],
            user: vec![1, 3],
            item: vec![2, 4],
            id: vec![70, 71],
            score: vec![3.5, 1.0],
            eval: vec![0, 1],
            category: vec![4, 5],
        };
        assert_eq!(c, want);
    }

    #[test]
    fn reordered_and_extra_columns() {
        let c = read("extra,item,score,user,time,note\nx,2,0.5,1,874724710,\"a, b\"\ny,4,5,3,874724711,\n").unwrap();
        assert_eq!((c.time, c.user, c.item), (vec![874724710.0, 874724711.0], vec![1, 3], vec![2, 4]));
        assert_eq!((c.score, c.id), (vec![0.5, 5.0], vec![0, 1]));
    }

    #[test]
    fn defaults() {
        let c = read("item,user\n7,1\n8,2\n9,3\n").unwrap();
        assert_eq!((c.time, c.id), (vec![0.0, 1.0, 2.0], vec![0, 1, 2]));
        assert_eq!((c.score, c.eval, c.category), (vec![1.0; 3], vec![1; 3], vec![1; 3]));
    }

    #[test]
    fn crlf_bom_spaces_and_blank_lines() {
        let c = read("\u{feff}time, user ,item\r\n1, 2 ,3\r\n\r\n4,5,6.0\r\n").unwrap();
        assert_eq!((c.time, c.user, c.item), (vec![1.0, 4.0], vec![2, 5], vec![3, 6]));
    }

    #[test]
    fn empty_input() {
        assert!(read("").unwrap().is_empty());
        assert!(read("\n\n").unwrap().is_empty());
        assert!(read("time,user,item\n").unwrap().is_empty());
    }

    #[test]
    fn termination_time() {
        let c = read_csv(b"time,user,item\n1,0,0\n2,0,0\n3,0,0\n", 2.0, "t").unwrap();
        assert_eq!(c.time, vec![1.0]);
        // Without a time column the time is the row index.
        assert_eq!(read_csv(b"user,item\n0,0\n0,0\n0,0\n", 2.0, "t").unwrap().len(), 2);
    }

    #[test]
    fn missing_column() {
        let e = err("time,uid,item\n1,2,3\n");
        assert!(e.starts_with("data.csv, line 1: required column 'user' is missing"), "{e}");
        assert!(e.contains("header found: \"time,uid,item\""), "{e}");
        let e = err("time,user,item,user\n1,2,3,4\n");
        assert!(e.contains("column 'user' appears more than once"), "{e}");
    }

    #[test]
    fn wrong_field_count() {
        let e = err("time,user,item,score\n1,2,3,4\n\n2,3,4\n");
        assert_eq!(e, "data.csv, line 4: expected 4 fields as in the CSV header, found 3: \"2,3,4\"");
        let e = err("user,item\r\n1,2\r\n1,2,3\r\n");
        assert!(e.starts_with("data.csv, line 3: expected 2 fields") && e.ends_with("found 3: \"1,2,3\""), "{e}");
    }

    #[test]
    fn bad_values() {
        let e = err("time,user,item,score\n1,2,3,4\n2,3,abc,4\n");
        assert_eq!(e, "data.csv, line 3, field 'item': \"abc\" is not an integer");
        assert!(err("user,item,score\n1,2,\n").contains("line 2, field 'score': \"\" is not a number"));
        assert!(err("time,user,item\nNaN,1,2\n").contains("field 'time': \"NaN\" is not a valid time"));
        assert!(err("user,item,eval\n1,2,0.5\n").contains("field 'eval': \"0.5\" is not an integer"));
    }

    proptest! {
        #[test]
        fn round_trip(
            with_optional in prop::collection::vec(any::<bool>(), OPTIONAL.len()),
            mut recs in prop::collection::vec(
                (-1e12..1e12f64, 0..=MAX_ID, 0..=MAX_ID, -1e6..1e6f64, 0..2i64, any::<i64>(), any::<i64>()),
                0..20,
            ),
        ) {
            recs.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Optional columns (time, score, eval, id, category) first, then user and item.
            let cols: Vec<&str> = OPTIONAL.iter().zip(&with_optional).filter(|(_, w)| **w).map(|(n, _)| *n)
                .chain(REQUIRED.iter().copied()).collect();
            let mut text = cols.join(",") + "\n";
            for &(time, user, item, score, eval, id, category) in &recs {
                let vals: Vec<String> = cols.iter().map(|c| match *c {
                    "time" => format!("{time:?}"),
                    "score" => format!("{score:?}"),
                    "eval" => eval.to_string(),
                    "id" => id.to_string(),
                    "category" => category.to_string(),
                    "user" => user.to_string(),
                    _ => item.to_string(),
                }).collect();
                text += &(vals.join(",") + "\n");
            }
            let c = read(&text).unwrap();
            prop_assert_eq!(c.len(), recs.len());
            let has = |name| cols.contains(&name);
            for (row, r) in recs.iter().enumerate() {
                prop_assert_eq!(c.time[row], if has("time") { r.0 } else { row as f64 });
                prop_assert_eq!((c.user[row], c.item[row]), (r.1, r.2));
                prop_assert_eq!(c.score[row], if has("score") { r.3 } else { 1.0 });
                prop_assert_eq!(c.eval[row], if has("eval") { r.4 } else { 1 });
                prop_assert_eq!(c.id[row], if has("id") { r.5 } else { row as i64 });
                prop_assert_eq!(c.category[row], if has("category") { r.6 } else { 1 });
            }
        }
    }
}
