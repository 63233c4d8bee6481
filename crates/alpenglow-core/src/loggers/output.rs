//! A text output file of a logger, opened at the start of a run.

use std::fs::File;
use std::io::{BufWriter, Write};

use crate::error::{Error, Result};

/// A buffered output file, named for error messages.
pub struct Output {
    name: String,
    out: BufWriter<File>,
}

impl Output {
    /// Creates (truncates) `path`; an empty path is an error naming the logger's parameter.
    pub fn create(path: &str, component: &str, param: &str) -> Result<Output> {
        if path.is_empty() {
            return Err(Error::parameter(format!("{component}: set '{param}' (the output file) before running")));
        }
        let f = crate::data::files::create_output(std::path::Path::new(path))?;
        Ok(Output { name: path.to_string(), out: BufWriter::new(f) })
    }

    pub fn line(&mut self, args: std::fmt::Arguments<'_>) -> Result<()> {
        self.out.write_fmt(args).and_then(|_| self.out.write_all(b"\n")).map_err(|e| Error::io(self.name.clone(), e))
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(self.name.clone(), e))
    }
}
