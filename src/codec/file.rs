//! Reading inputs (files or standard input) with a size limit, and writing outputs
//! atomically: a temporary file in the same folder, then a rename.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The largest input read, in bytes. A configuration profile is a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a whole file, or standard input when `path` is `-`, refusing anything
/// larger than [`MAX_INPUT_BYTES`].
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).map_err(read_err)?)
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`.
///
/// A file is written atomically: the bytes go to a temporary file in the same
/// folder, which is then renamed over `path`, so a reader never sees half a file
/// and a failure leaves nothing behind. Without `force`, an existing `path` is
/// refused with [`Error::OutputExists`].
pub fn write_output(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(write_err);
    }
    if !force && path.exists() {
        return Err(Error::OutputExists {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = temp_path(&dir, path);
    let result = std::fs::File::create_new(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| {
            if force {
                std::fs::rename(&tmp, path)
            } else {
                // `hard_link` fails when `path` appeared meanwhile, so a file
                // created between the check above and now is never replaced.
                std::fs::hard_link(&tmp, path).and_then(|()| std::fs::remove_file(&tmp))
            }
        });
    if let Err(source) = result {
        let _ = std::fs::remove_file(&tmp);
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            return Err(Error::OutputExists {
                path: path.to_path_buf(),
            });
        }
        return Err(write_err(source));
    }
    Ok(())
}

fn temp_path(dir: &Path, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mobileconfig");
        write_output(&path, b"one", false).unwrap();
        let err = write_output(&path, b"two", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` already exists; pass --force to overwrite it",
                path.display()
            )
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_output(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn missing_folder_is_a_write_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/out.mobileconfig");
        let err = write_output(&path, b"x", false).unwrap_err();
        assert!(matches!(err, Error::Write { .. }), "{err:?}");
    }

    #[test]
    fn refuses_oversized_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b' '; (MAX_INPUT_BYTES + 1) as usize]).unwrap();
        let err = read_input(&path).unwrap_err();
        assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn missing_input_names_the_file() {
        let err = read_input(Path::new("/nonexistent/p.mobileconfig")).unwrap_err();
        assert_eq!(err.to_string(), "cannot read `/nonexistent/p.mobileconfig`");
    }
}
