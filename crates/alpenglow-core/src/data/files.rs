//! Reading input files: only regular files (a FIFO would block forever, a device such as
//! /dev/zero never ends; both are an OSError in Python), read fallibly (a file too large for memory is an error naming it).

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The whole content of the regular file `path`; anything else is a clear error.
pub fn read_regular(path: &Path) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(name.as_str(), e))?;
    check_kind(&name, &meta)?;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(name.as_str(), e))?;
    // The path could have been replaced between the two calls: check what was opened.
    check_kind(&name, &file.metadata().map_err(|e| Error::io(name.as_str(), e))?)?;
    let mut bytes = Vec::new();
    crate::alloc::reserve(&mut bytes, meta.len() as usize, &format!("{name}: reading the file"))?;
    file.read_to_end(&mut bytes).map_err(|e| match e.kind() {
        std::io::ErrorKind::OutOfMemory => {
            crate::alloc::too_large(&format!("{name}: reading the file"), meta.len() as usize, 1)
        }
        _ => Error::io(name.as_str(), e),
    })?;
    Ok(bytes)
}

/// Creates (or truncates) the output file `path`. An existing FIFO or socket is refused
/// (opening it would block until a reader appears), as is a directory; devices such as
/// /dev/null are accepted.
pub fn create_output(path: &Path) -> Result<std::fs::File> {
    let name = path.display().to_string();
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !is_device(&meta) {
            check_kind(&name, &meta)?;
        }
    }
    std::fs::File::create(path).map_err(|e| Error::io(name.as_str(), e))
}

#[cfg(unix)]
fn is_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device() || meta.file_type().is_block_device()
}

#[cfg(not(unix))]
fn is_device(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Fails unless a file can be created at the path prefix `base` (`<base>_…` files), tried
/// before a run with a probe file removed at once; the error names the parameter `param`.
pub fn check_writable_prefix(base: &str, param: &str) -> Result<()> {
    let probe = std::path::PathBuf::from(format!("{base}_.alpenglow-write-check-{}", std::process::id()));
    let dir = probe.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::create(&probe)
        .map_err(|e| Error::io(format!("{}: {param} '{base}': its directory cannot be written", dir.display()), e))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Like [`read_regular`], as UTF-8 text.
pub fn read_regular_text(path: &Path) -> Result<String> {
    let bytes = read_regular(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::data(format!(
            "{}: the file is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

fn check_kind(name: &str, meta: &std::fs::Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() { "a directory" } else { kind_of_special(meta) };
    let why = format!("not a regular file ({kind}); give the path of a file (gzip accepted)");
    Err(Error::io(name, std::io::Error::new(std::io::ErrorKind::InvalidInput, why)))
}

#[cfg(unix)]
fn kind_of_special(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of_special(_meta: &std::fs::Metadata) -> &'static str {
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read() {
        let dir = std::env::temp_dir().join(format!("alpenglow-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.txt");
        std::fs::write(&f, b"1 2 3\n").unwrap();
        assert_eq!(read_regular(&f).unwrap(), b"1 2 3\n");
        assert_eq!(read_regular_text(&f).unwrap(), "1 2 3\n");
        let err = read_regular(&dir).unwrap_err().to_string();
        assert!(err.ends_with("not a regular file (a directory); give the path of a file (gzip accepted)"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn output_to_a_directory_is_refused_and_to_dev_null_accepted() {
        let err = create_output(&std::env::temp_dir()).unwrap_err().to_string();
        assert!(err.contains("not a regular file (a directory)"), "{err}");
        create_output(Path::new("/dev/null")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_without_reading() {
        let err = read_regular(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(err, "/dev/zero: not a regular file (a character device); give the path of a file (gzip accepted)");
    }
}
