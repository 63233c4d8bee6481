//! The training-set files given to external tools: CSV with the header
//! `time,user,item,id,score,category`, one record per line in the order given.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::record::RecDat;

pub const HEADER: &str = "time,user,item,id,score,category";

/// A float as text that reads back to the same value: integral values without a fraction
/// (`1000`, as the original printed typical times and scores), others in Rust's shortest
/// round-trip form (`0.1`, `1e-7`, `inf`).
pub fn number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:?}")
    }
}

/// Writes `records` to `path` (created or truncated); errors name the file.
pub fn write_train_file(path: &Path, records: &[RecDat]) -> Result<()> {
    let name = path.display().to_string();
    let io = |e| Error::io(name.as_str(), e);
    let mut out = std::io::BufWriter::new(crate::data::files::create_output(path)?);
    writeln!(out, "{HEADER}").map_err(io)?;
    for r in records {
        writeln!(out, "{},{},{},{},{},{}", number(r.time), r.user, r.item, r.id, number(r.score), r.category)
            .map_err(io)?;
    }
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        assert_eq!(number(1000.0), "1000");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(0.1), "0.1");
        for x in
            [0.1, 1.0 / 3.0, 1e-7, 1e300, -2.5e-300, 123456789.123, 1e15, 1e16 + 2.0, -0.0, f64::MAX, f64::MIN_POSITIVE]
        {
            let text = number(x);
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{x} -> {text}");
        }
        assert_eq!(number(f64::INFINITY).parse::<f64>().unwrap(), f64::INFINITY);
    }

    #[test]
    fn the_file_has_the_header_and_one_line_per_record_in_order() {
        let dir = std::env::temp_dir().join(format!("alpenglow-train-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        let records = [
            RecDat { time: 10.0, user: 1, item: 2, id: 0, score: 1.0, category: 1, ..Default::default() },
            RecDat { time: 12.25, user: 3, item: 0, id: 7, score: 0.1, category: 2, ..Default::default() },
        ];
        write_train_file(&path, &records).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "time,user,item,id,score,category\n10,1,2,0,1,1\n12.25,3,0,7,0.1,2\n");
        // Read back with the CSV reader: the same records.
        let cols = crate::data::formats::read_file(&path, "csv", 0.0).unwrap();
        assert_eq!(cols.time, vec![10.0, 12.25]);
        assert_eq!(cols.score, vec![1.0, 0.1]);
        assert_eq!(cols.id, vec![0, 7]);
        let err = write_train_file(&dir.join("no").join("t.csv"), &records).unwrap_err().to_string();
        assert!(err.contains("no/t.csv"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
