//! Memory whose size user input controls (ids, dimensions, attribute indices, numbers of
//! records) is reserved fallibly, so that a size too large for the machine (or for an
//! address-space limit) is an `Error::Memory` naming what needed it, not an abort.

use crate::error::{Error, Result};

/// The error for `count` values of `bytes_each` bytes that cannot be allocated.
pub fn too_large(what: &str, count: usize, bytes_each: usize) -> Error {
    let bytes = count as f64 * bytes_each as f64;
    Error::Memory(format!("{what}: cannot allocate {count} values of {bytes_each} bytes ({:.1} MB)", bytes / 1e6))
}

/// Checks that `count` values of `bytes_each` bytes can be allocated now, by reserving and
/// releasing that much (it is not kept: the caller allocates it piecewise, e.g. one factor
/// vector per id). Call it before filling per-id storage whose total size the input decides.
pub fn check_available(what: &str, count: usize, bytes_each: usize) -> Result<()> {
    let fits = count.checked_mul(bytes_each).is_some_and(|bytes| Vec::<u8>::new().try_reserve_exact(bytes).is_ok());
    if fits { Ok(()) } else { Err(too_large(what, count, bytes_each)) }
}

/// `v.try_reserve(additional)` with an `Error::Memory` naming `what`.
pub fn reserve<T>(v: &mut Vec<T>, additional: usize, what: &str) -> Result<()> {
    v.try_reserve(additional).map_err(|_| too_large(what, v.len().saturating_add(additional), std::mem::size_of::<T>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_sizes_are_errors_naming_what_needed_them() {
        let err = check_available("FactorModel: factors", usize::MAX / 4, 8).unwrap_err();
        assert!(matches!(err, Error::Memory(_)));
        assert!(err.to_string().starts_with("FactorModel: factors: cannot allocate"), "{err}");
        let mut v: Vec<u64> = Vec::new();
        assert!(
            matches!(reserve(&mut v, usize::MAX / 2, "log"), Err(Error::Memory(m)) if m.starts_with("log: cannot allocate"))
        );
        check_available("small", 10, 8).unwrap();
        reserve(&mut v, 10, "small").unwrap();
        assert!(v.capacity() >= 10);
    }
}
