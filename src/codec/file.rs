//! Reading inputs (files or standard input) with a size limit, and writing outputs
//! atomically: a temporary file in the same folder, then a rename.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
/// refused with [`Error::OutputExists`].
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
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !force {
        #[cfg(target_os = "linux")]
        match write_unnamed(&dir, path, bytes) {
            Some(Ok(())) => return Ok(()),
            Some(Err(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::OutputExists {
                    path: path.to_path_buf(),
                });
            }
            Some(Err(e)) => return Err(write_err(e)),
            None => {} // no unnamed files here: a named temporary file below
        }
    }
    let (tmp, mut file) = create_temp(&dir, path).map_err(write_err)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            if force {
                std::fs::rename(&tmp, path)
            } else {
                rename_no_replace(&tmp, path)
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

/// Writes `bytes` into an unnamed file in `dir` (`O_TMPFILE`) and gives it the
/// name `path` only once complete (`linkat`, which never replaces a file): one
/// file-system entry made, none renamed or removed. `None` where the file
/// system or `/proc` cannot do it, for the caller to fall back.
#[cfg(target_os = "linux")]
fn write_unnamed(dir: &Path, path: &Path, bytes: &[u8]) -> Option<std::io::Result<()>> {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    let c_dir = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: `c_dir` is a NUL-terminated string that outlives the call.
    let fd = unsafe {
        libc::open(
            c_dir.as_ptr(),
            libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC,
            0o666 as libc::c_uint,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` was just opened and is owned by nothing else.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        return Some(Err(e));
    }
    let proc_path = std::ffi::CString::new(format!("/proc/self/fd/{fd}")).ok()?;
    // SAFETY: both paths are NUL-terminated strings that outlive the call, and
    // `fd` stays open (in `file`) until after it.
    let status = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            proc_path.as_ptr(),
            libc::AT_FDCWD,
            c_path.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if status == 0 {
        return Some(Ok(()));
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::ENOENT) if std::path::Path::new("/proc/self/fd").exists() => Some(Err(error)),
        Some(libc::ENOENT | libc::EPERM | libc::EXDEV) => None,
        _ => Some(Err(error)),
    }
}

/// Renames `from` to `to` unless `to` exists (`AlreadyExists` then), so an
/// existing file is never replaced, even one created while this one was written.
/// Linux does it in one call (`renameat2` with `RENAME_NOREPLACE`); elsewhere, or
/// on a file system without it, a hard link and an unlink do the same.
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c_from = std::ffi::CString::new(from.as_os_str().as_bytes())?;
        let c_to = std::ffi::CString::new(to.as_os_str().as_bytes())?;
        // SAFETY: both arguments are NUL-terminated strings that outlive the call;
        // `renameat2` only reads them.
        let status = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                c_from.as_ptr(),
                libc::AT_FDCWD,
                c_to.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if status == 0 {
            return Ok(());
        }
        let error = std::io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(error);
        }
    }
    std::fs::hard_link(from, to).and_then(|()| std::fs::remove_file(from))
}

/// This process's id, asked of the system once.
fn process_id() -> u32 {
    static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ID.get_or_init(std::process::id)
}

/// Creates a new temporary file beside `path`, named after it, the process id
/// and a counter (no random-number call per file: a batch writes thousands).
/// A name left by another process is skipped.
fn create_temp(dir: &Path, path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tries = 0;
    loop {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.tmp", process_id()));
        match std::fs::File::create_new(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(e),
        }
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
