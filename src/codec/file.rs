//! Reading inputs (files or standard input) with a size limit, and writing outputs
//! atomically: a temporary file in the same folder, then a rename, over nothing
//! but a regular file.

use std::io::{Read, Write};
use std::path::Path;

use super::InputKind;
use crate::error::{Error, FileKind, Result};

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

/// How [`write_output_with`] writes a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// Replace an existing regular file (its mode and owner are kept).
    pub overwrite: bool,
    /// Flush the file to the disk (`fsync`) before it takes its name. Without
    /// it, the caller flushes once for many files ([`sync_folder`]), as a batch
    /// does.
    pub sync: bool,
}

impl WriteOptions {
    /// Flushed to the disk, replacing an existing file when `overwrite`.
    pub fn new(overwrite: bool) -> WriteOptions {
        WriteOptions {
            overwrite,
            sync: true,
        }
    }
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`
/// ([`Error::StdoutClosed`] when it is closed), flushed to the disk: see
/// [`write_output_with`].
pub fn write_output(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    write_output_with(path, bytes, WriteOptions::new(force))
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`
/// ([`Error::StdoutClosed`] when it is closed).
///
/// A file is written atomically: the bytes go to a temporary file in the same
/// folder, which is then renamed over `path`, so a reader never sees half a file
/// and a failure leaves nothing behind. Without `overwrite`, an existing `path` is
/// refused with [`Error::OutputExists`], even one created while this one was
/// written (the rename itself refuses to replace a file).
///
/// Only a regular file is ever replaced ([`check_output`]):
/// - a folder, a device (`/dev/null`), a FIFO, a socket, or a symbolic link to
///   one or to nothing (`/dev/stdout`) is [`Error::NotRegularOutput`], with or
///   without `overwrite`; nothing is written into it;
/// - a symbolic link to a regular file is followed: the file it leads to is
///   replaced, in its own folder, and the link stays;
/// - a replaced file keeps its permission bits and, where the system allows
///   (as root, or a group of the caller's), its owner and group;
/// - a file with other hard links is [`Error::OutputHardLinked`]: a rename would
///   separate it from them, and writing into it would not be atomic.
///
/// A new file gets the mode a plain `File::create` gives (0o666 less the umask).
pub fn write_output_with(path: &Path, bytes: &[u8], options: WriteOptions) -> Result<()> {
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
    // Without `overwrite`, the rename refuses an existing name by itself: what
    // stands there is looked at only then, to say what it is.
    let existing = if options.overwrite {
        replaceable(path)?.map(|e| e.unlinked(path)).transpose()?
    } else {
        None
    };
    let destination = existing.as_ref().map_or(path, |e| e.target.as_path());
    let dir = match destination.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    let prefix = temp_prefix(destination);
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the mode a plain `File::create` gives (0o666 less the
    // umask), not the owner-only mode of a temporary file: the output is a
    // profile to share. A replaced file's mode is kept, and the temporary
    // file never has more permissions than it.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(
        existing.as_ref().map_or(0o666, |e| e.mode & 0o777),
    ));
    // Dropping `tmp` on any error below removes the temporary file.
    let mut tmp = builder.tempfile_in(dir).map_err(write_err)?;
    if let Some(existing) = &existing {
        existing.keep_on(tmp.as_file()).map_err(write_err)?;
    }
    tmp.write_all(bytes).map_err(write_err)?;
    if options.sync {
        tmp.as_file().sync_all().map_err(write_err)?;
    }
    let persisted = if options.overwrite {
        tmp.persist(destination)
    } else {
        tmp.persist_noclobber(destination)
    };
    match persisted {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            // A special file is told as such; a regular file (or a link to one)
            // already exists.
            replaceable(path)?;
            Err(Error::OutputExists {
                path: path.to_path_buf(),
            })
        }
        Err(e) => Err(write_err(e.error)),
    }
}

/// Checks that `path` can be written by [`write_output_with`] with `overwrite`,
/// without writing: `-`, a missing file, or (with `overwrite`) a regular file
/// with no other hard link, or a symbolic link to one.
///
/// # Errors
///
/// [`Error::NotRegularOutput`], [`Error::OutputHardLinked`],
/// [`Error::OutputExists`] (an existing file without `overwrite`), or
/// [`Error::Write`] when `path` cannot be looked at.
pub fn check_output(path: &Path, overwrite: bool) -> Result<()> {
    if path == Path::new("-") {
        return Ok(());
    }
    match replaceable(path)? {
        Some(_) if !overwrite => Err(Error::OutputExists {
            path: path.to_path_buf(),
        }),
        Some(existing) => existing.unlinked(path).map(drop),
        None => Ok(()),
    }
}

/// A regular file that stands where an output goes.
struct Existing {
    /// The file: the output path, or where its symbolic links lead.
    target: std::path::PathBuf,
    /// Its permission bits (and setuid, setgid, sticky).
    mode: u32,
    #[cfg(unix)]
    owner: (u32, u32),
    /// Its number of hard links.
    links: u64,
}

impl Existing {
    /// This file, when it has no other hard link ([`Error::OutputHardLinked`]
    /// naming `path` otherwise).
    fn unlinked(self, path: &Path) -> Result<Existing> {
        if self.links > 1 {
            return Err(Error::OutputHardLinked {
                path: path.to_path_buf(),
                links: self.links,
            });
        }
        Ok(self)
    }

    /// Gives `file` (the replacement) this file's owner, where allowed, and mode.
    fn keep_on(&self, file: &std::fs::File) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{PermissionsExt, fchown};
            let (uid, gid) = self.owner;
            if fchown(file, Some(uid), Some(gid)).is_err() {
                // Not root: the group may still be one of the caller's.
                let _ = fchown(file, None, Some(gid));
            }
            // After the owner: changing it clears setuid and setgid.
            file.set_permissions(std::fs::Permissions::from_mode(self.mode))?;
        }
        #[cfg(not(unix))]
        let _ = (file, self.mode);
        Ok(())
    }
}

/// What stands at `path`: nothing (`None`), or a regular file that may be
/// replaced; anything else is an error.
fn replaceable(path: &Path) -> Result<Option<Existing>> {
    let look_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let not_regular = |kind, link| Error::NotRegularOutput {
        path: path.to_path_buf(),
        kind,
        link,
    };
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(look_err(e)),
    };
    let (metadata, target) = if metadata.file_type().is_symlink() {
        let resolved = match std::fs::metadata(path) {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(not_regular(FileKind::Missing, true));
            }
            Err(e) => return Err(look_err(e)),
        };
        if let Some(kind) = FileKind::of(&resolved) {
            return Err(not_regular(kind, true));
        }
        (resolved, std::fs::canonicalize(path).map_err(look_err)?)
    } else {
        if let Some(kind) = FileKind::of(&metadata) {
            return Err(not_regular(kind, false));
        }
        (metadata, path.to_path_buf())
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(Some(Existing {
            target,
            mode: metadata.mode() & 0o7777,
            owner: (metadata.uid(), metadata.gid()),
            links: metadata.nlink(),
        }))
    }
    #[cfg(not(unix))]
    Ok(Some(Existing {
        target,
        mode: if metadata.permissions().readonly() {
            0o444
        } else {
            0o666
        },
        links: 1,
    }))
}

/// The temporary file's name before its random part: `.NAME.`, the name cut
/// short enough that the whole stays within the 255 bytes of a file name.
fn temp_prefix(destination: &Path) -> String {
    let name = destination
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let mut end = name.len().min(200);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.", &name[..end])
}

/// Flushes to the disk every file written into `dir` without
/// [`WriteOptions::sync`], and the folder's entries: on Linux the file system
/// holding `dir` (`syncfs`), elsewhere every file system (`sync`).
///
/// # Errors
///
/// [`Error::Write`] naming `dir`.
pub fn sync_folder(dir: &Path) -> Result<()> {
    let sync_err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    let folder = std::fs::File::open(dir).map_err(sync_err)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::fs::syncfs(&folder).map_err(|e| sync_err(e.into()))?;
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
    rustix::fs::sync();
    folder.sync_all().map_err(sync_err)
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

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_replaced_keeping_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.mobileconfig");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_output(&path, b"new", true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o600);

        let link = dir.path().join("link");
        std::os::unix::fs::symlink("token.mobileconfig", &link).unwrap();
        write_output(&link, b"through", true).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"through");

        let other = dir.path().join("other");
        std::fs::hard_link(&path, &other).unwrap();
        let err = write_output(&path, b"x", true).unwrap_err();
        assert!(
            matches!(err, Error::OutputHardLinked { links: 2, .. }),
            "{err:?}"
        );
        let err = write_output(&path, b"x", false).unwrap_err();
        assert!(matches!(err, Error::OutputExists { .. }), "{err:?}");
        assert!(matches!(
            check_output(&link, true),
            Err(Error::OutputHardLinked { .. })
        ));
        assert_eq!(std::fs::read(&other).unwrap(), b"through");

        for force in [true, false] {
            let err = write_output(dir.path(), b"x", force).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::NotRegularOutput {
                        kind: FileKind::Directory,
                        link: false,
                        ..
                    }
                ),
                "{err:?}"
            );
            let dangling = dir.path().join("dangling");
            let _ = std::os::unix::fs::symlink("nothing", &dangling);
            let err = write_output(&dangling, b"x", force).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "`{}` is a symbolic link to a missing file, not a regular file; nothing was written",
                    dangling.display()
                )
            );
        }
        let err = write_output(Path::new("/dev/null"), b"x", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`/dev/null` is a character device, not a regular file; nothing was written"
        );
        let names = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(names, 4, "no temporary file is left behind");
    }

    #[test]
    fn long_names_get_a_temporary_name_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("{}.mobileconfig", "é".repeat(120));
        let path = dir.path().join(&name);
        write_output_with(
            &path,
            b"x",
            WriteOptions {
                overwrite: false,
                sync: false,
            },
        )
        .unwrap();
        sync_folder(dir.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
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
