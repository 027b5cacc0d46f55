//! Reading inputs (files or standard input) with a size limit, and writing outputs
//! atomically: a temporary file in the same folder, then a rename.

use std::io::{Read, Write};
use std::path::Path;

use super::InputKind;
use crate::error::{Error, Result};

/// The largest input read, in bytes. A configuration profile is a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a whole file, or standard input when `path` is `-`, refusing anything
/// larger than [`MAX_INPUT_BYTES`]: a configuration profile
/// ([`InputKind::Profile`]).
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    read_input_as(path, InputKind::Profile)
}

/// Reads a whole file, or standard input when `path` is `-`, refusing anything
/// larger than the limit of `kind` ([`Error::TooLarge`] says what was expected).
pub fn read_input_as(path: &Path, kind: InputKind) -> Result<Vec<u8>> {
    let limit = kind.limit();
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
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit,
            kind,
        });
    }
    Ok(bytes)
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`
/// ([`Error::StdoutClosed`] when it is closed).
///
/// A file is written atomically: the bytes go to a temporary file in the same
/// folder, which is then renamed over `path`, so a reader never sees half a file
/// and a failure leaves nothing behind. Without `force`, an existing `path` is
/// refused with [`Error::OutputExists`], even one created while this one was
/// written (the rename itself refuses to replace a file).
pub fn write_output(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        super::check_stdout()?;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(write_err);
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The mode a plain `File::create` gives (0o666 less the umask), not the
    // owner-only mode of a temporary file: the output is a profile to share.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    // Dropping `tmp` on any error below removes the temporary file.
    let mut tmp = builder.tempfile_in(dir).map_err(write_err)?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(write_err)?;
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    match persisted {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::OutputExists {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(write_err(e.error)),
    }
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
            format!("`{}` already exists", path.display())
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_output(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn output_files_get_the_mode_of_a_plain_create() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let path = dir.path().join("out.mobileconfig");
        write_output(&path, b"one", false).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain));
        write_output(&path, b"two", true).unwrap();
        assert_eq!(mode(&path), mode(&plain));
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
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is larger than 16777216 bytes, too big for a configuration profile",
                path.display()
            )
        );
        let err = read_input_as(&path, InputKind::Secret).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is larger than 65536 bytes, too big for a registration token or a password",
                path.display()
            )
        );
    }

    #[test]
    fn missing_input_names_the_file() {
        let err = read_input(Path::new("/nonexistent/p.mobileconfig")).unwrap_err();
        assert_eq!(err.to_string(), "cannot read `/nonexistent/p.mobileconfig`");
    }
}
