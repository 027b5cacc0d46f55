//! Whether standard output can take data. A command run with standard output
//! closed (`>&-`) must not exit 0 having written nothing: Rust's standard
//! library puts `/dev/null` in place of a closed standard stream when the
//! program starts (and treats a write to a closed one as a success), so the
//! writes themselves never fail.

use crate::error::{Error, Result};

/// Checks that standard output is open for writing, before data is written
/// there.
///
/// Standard output counts as closed when its descriptor is closed, open for
/// reading only, or (on Linux) `/dev/null` opened for reading and writing,
/// which is what the standard library puts in place of a closed one at start;
/// a `> /dev/null` redirection opens it for writing only and passes.
///
/// # Errors
///
/// [`Error::StdoutClosed`].
pub fn check_stdout() -> Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write as _;
        use std::os::fd::AsFd;
        // Duplicating fails on a closed descriptor.
        let fd = std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|_| Error::StdoutClosed)?;
        #[cfg(target_os = "linux")]
        if is_substituted_null() {
            return Err(Error::StdoutClosed);
        }
        // An empty write fails (`EBADF`, checked before the length) on a
        // descriptor not open for writing; other errors are left to the write.
        if let Err(err) = std::fs::File::from(fd).write(&[])
            && err.raw_os_error() == Some(9)
        {
            return Err(Error::StdoutClosed);
        }
    }
    Ok(())
}

/// Whether descriptor 1 is `/dev/null` opened for reading and writing: the
/// standard library's stand-in for a closed standard output.
#[cfg(target_os = "linux")]
fn is_substituted_null() -> bool {
    let is_null =
        std::fs::read_link("/proc/self/fd/1").is_ok_and(|target| target.as_os_str() == "/dev/null");
    if !is_null {
        return false;
    }
    // `flags:` in octal; the access mode is its low two bits (2: O_RDWR).
    std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
        info.lines()
            .find_map(|line| line.strip_prefix("flags:"))
            .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
            .is_some_and(|flags| flags & 3 == 2)
    })
}
