//! Every saved model (file or pickled state) ends with a checksum, so that a damaged file is
//! refused instead of loading different numbers: the bytes written by the model, then the tag
//! `ALPCRC32` and the CRC-32 of those bytes (u32, little-endian). CRC-32 detects every error
//! confined to 32 consecutive bits, so every single flipped byte.

use crate::error::{Error, Result};

const TAG: &[u8; 8] = b"ALPCRC32";
const TRAILER: usize = TAG.len() + 4;

fn crc(bytes: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(bytes);
    c.sum()
}

/// Appends the checksum trailer.
pub fn seal(buf: &mut Vec<u8>) {
    let sum = crc(buf);
    buf.extend_from_slice(TAG);
    buf.extend_from_slice(&sum.to_le_bytes());
}

/// The model bytes of sealed `bytes`, if the checksum matches.
pub fn open(bytes: &[u8]) -> Result<&[u8]> {
    let damaged = |why: &str| Error::data(format!("damaged or not an alpenglow model file ({why}); it was not loaded"));
    if bytes.len() < TRAILER {
        return Err(damaged("too short"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - TRAILER);
    if &trailer[..TAG.len()] != TAG {
        return Err(damaged("no checksum at its end"));
    }
    let stored = u32::from_le_bytes(trailer[TAG.len()..].try_into().expect("4 bytes"));
    if stored != crc(body) {
        return Err(damaged("checksum mismatch"));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_byte_flip_is_detected() {
        let mut sealed = b"ALPNGLW\0 some model bytes 0123456789".to_vec();
        seal(&mut sealed);
        assert_eq!(open(&sealed).unwrap(), b"ALPNGLW\0 some model bytes 0123456789");
        for i in 0..sealed.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = sealed.clone();
                bad[i] ^= flip;
                assert!(open(&bad).is_err(), "flip {flip:#x} at {i} not detected");
            }
        }
        assert!(open(&sealed[..sealed.len() - 1]).unwrap_err().to_string().contains("damaged"));
        assert!(open(b"").is_err());
    }
}
