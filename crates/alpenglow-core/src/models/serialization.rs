//! The header of every saved model: magic, model kind, format version and dimension, so that
//! loading a file of the wrong kind, version or dimension fails with a clear error.

use std::io::{Read, Write};

use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"ALPNGLW\0";

/// Writes the header.
pub fn write_header(out: &mut dyn Write, kind: &str, version: u32, dimension: u32) -> Result<()> {
    let io = |e| Error::io(kind.to_string(), e);
    out.write_all(MAGIC).map_err(io)?;
    let name = kind.as_bytes();
    out.write_all(&(name.len() as u32).to_le_bytes()).map_err(io)?;
    out.write_all(name).map_err(io)?;
    out.write_all(&version.to_le_bytes()).map_err(io)?;
    out.write_all(&dimension.to_le_bytes()).map_err(io)?;
    Ok(())
}

/// Reads and checks the header written by [`write_header`].
pub fn read_header(input: &mut dyn Read, kind: &str, version: u32, dimension: u32) -> Result<()> {
    let mut magic = [0u8; 8];
    let not_ours = || Error::data(format!("not an alpenglow model file (expected a saved {kind})"));
    input.read_exact(&mut magic).map_err(|_| not_ours())?;
    if &magic != MAGIC {
        return Err(not_ours());
    }
    let mut b4 = [0u8; 4];
    let mut read_u32 = |input: &mut dyn Read| -> Result<u32> {
        input.read_exact(&mut b4).map_err(|_| Error::data(format!("truncated header of a saved {kind}")))?;
        Ok(u32::from_le_bytes(b4))
    };
    let len = read_u32(input)? as usize;
    if len > 256 {
        return Err(not_ours());
    }
    let mut name = vec![0u8; len];
    input.read_exact(&mut name).map_err(|_| not_ours())?;
    let found = String::from_utf8_lossy(&name).to_string();
    if found != kind {
        return Err(Error::data(format!("the file holds a saved {found}, not a {kind}")));
    }
    let v = read_u32(input)?;
    if v != version {
        return Err(Error::data(format!("{kind} file format version {v} is not supported (this version reads {version})")));
    }
    let d = read_u32(input)?;
    if d != dimension {
        return Err(Error::data(format!("the saved {kind} has dimension {d}, this model has dimension {dimension}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_mismatches() {
        let mut buf = Vec::new();
        write_header(&mut buf, "FactorModel", 1, 10).unwrap();
        read_header(&mut buf.as_slice(), "FactorModel", 1, 10).unwrap();
        let msg = |r: Result<()>| r.unwrap_err().to_string();
        assert_eq!(msg(read_header(&mut buf.as_slice(), "SvdppModel", 1, 10)), "the file holds a saved FactorModel, not a SvdppModel");
        assert!(msg(read_header(&mut buf.as_slice(), "FactorModel", 2, 10)).contains("version 1 is not supported"));
        assert!(msg(read_header(&mut buf.as_slice(), "FactorModel", 1, 5)).contains("has dimension 10"));
        assert!(msg(read_header(&mut &b"hello world, this is text"[..], "FactorModel", 1, 10)).contains("not an alpenglow model"));
    }
}
