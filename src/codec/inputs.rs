//! Turning the paths a user gives into the list of inputs to read: files as
//! given, `-` for standard input, folders expanded to the profiles below them.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The file extension of configuration profiles.
pub const PROFILE_EXTENSION: &str = "mobileconfig";

/// Expands `paths` in order: a file stays, `-` (standard input) stays, a folder
/// becomes every `*.mobileconfig` file below it (recursively, extension matched
/// case-insensitively, sorted by path so the order never depends on the file
/// system). Symbolic links to files are followed; links to folders are not, so
/// a link cycle cannot loop.
///
/// # Errors
///
/// [`Error::Read`] for a path that does not exist or a folder that cannot be
/// listed; [`Error::NoProfiles`] for a folder with no profile below it (a CI
/// job pointed at the wrong folder should fail, not pass on nothing).
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    expand_inputs_each(paths).into_iter().collect()
}

/// Like [`expand_inputs`], but a path that cannot be read does not stop the
/// others: each input is `Ok` (a file to read, or `-`) or the `Err` that
/// [`expand_inputs`] would have stopped at, in the place of the path (a
/// folder below a given folder that cannot be listed is an `Err` among that
/// folder's files, sorted by its path), so that a caller checks every input
/// it can and reports the others.
pub fn expand_inputs_each(paths: &[PathBuf]) -> Vec<Result<PathBuf>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Ok(path.clone()));
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(source) => {
                inputs.push(Err(Error::Read {
                    path: path.clone(),
                    source,
                }));
                continue;
            }
        };
        if !metadata.is_dir() {
            inputs.push(Ok(path.clone()));
            continue;
        }
        let mut found = Vec::new();
        collect_profiles(path, &mut found);
        if found.is_empty() {
            inputs.push(Err(Error::NoProfiles { path: path.clone() }));
            continue;
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        inputs.extend(found.into_iter().map(|(path, error)| match error {
            None => Ok(path),
            Some(error) => Err(error),
        }));
    }
    inputs
}

/// Collects the profiles below `dir`, and a read error for each folder that
/// cannot be listed (with that folder's path), going on with the others.
fn collect_profiles(dir: &Path, found: &mut Vec<(PathBuf, Option<Error>)>) {
    let read_err = |source| {
        (
            dir.to_path_buf(),
            Some(Error::Read {
                path: dir.to_path_buf(),
                source,
            }),
        )
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => return found.push(read_err(source)),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(source) => return found.push(read_err(source)),
        };
        let path = entry.path();
        let file_type = match entry.file_type() {
            Ok(file_type) => file_type,
            Err(source) => {
                found.push(read_err(source));
                continue;
            }
        };
        if file_type.is_dir() {
            collect_profiles(&path, found);
            continue;
        }
        let is_profile = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case(PROFILE_EXTENSION));
        // A symbolic link counts when it leads to a file.
        let is_file = file_type.is_file() || (file_type.is_symlink() && path.is_file());
        if is_profile && is_file {
            found.push((path, None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_sorted_profiles_and_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/deep")).unwrap();
        std::fs::create_dir_all(root.join("a")).unwrap();
        for file in [
            "b/deep/z.mobileconfig",
            "b/y.MOBILECONFIG",
            "a/x.mobileconfig",
            "a/notes.txt",
            "c.mobileconfig",
        ] {
            std::fs::write(root.join(file), b"").unwrap();
        }
        std::fs::create_dir(root.join("a/folder.mobileconfig")).unwrap();
        let other = root.join("a/notes.txt");
        let got = expand_inputs(&[other.clone(), PathBuf::from("-"), root.to_path_buf()]).unwrap();
        let expected = vec![
            other,
            PathBuf::from("-"),
            root.join("a/x.mobileconfig"),
            root.join("b/deep/z.mobileconfig"),
            root.join("b/y.MOBILECONFIG"),
            root.join("c.mobileconfig"),
        ];
        assert_eq!(got, expected);
    }

    #[cfg(unix)]
    #[test]
    fn links_to_files_count_and_links_to_folders_do_not_loop() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("real.mobileconfig"), b"").unwrap();
        std::os::unix::fs::symlink(
            root.join("real.mobileconfig"),
            root.join("link.mobileconfig"),
        )
        .unwrap();
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let got = expand_inputs(&[root.to_path_buf()]).unwrap();
        assert_eq!(
            got,
            vec![
                root.join("link.mobileconfig"),
                root.join("real.mobileconfig")
            ]
        );
    }

    #[test]
    fn a_missing_path_is_a_read_error() {
        let err = expand_inputs(&[PathBuf::from("/nonexistent/profiles")]).unwrap_err();
        assert!(matches!(err, Error::Read { .. }), "{err:?}");
        assert_eq!(err.to_string(), "cannot read `/nonexistent/profiles`");
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_folder_is_one_entry_and_the_others_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b-locked")).unwrap();
        std::fs::write(root.join("a.mobileconfig"), b"").unwrap();
        std::fs::write(root.join("b-locked/hidden.mobileconfig"), b"").unwrap();
        std::fs::write(root.join("c.mobileconfig"), b"").unwrap();
        let locked = root.join("b-locked");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&locked).is_ok() {
            // Run as root: permissions do not stop reading. The integration test
            // `an_unreadable_folder_is_reported_and_the_rest_is_checked` runs the
            // binary as an unprivileged user instead.
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
            eprintln!("skipped: run as root, a folder without permissions can still be listed");
            return;
        }
        let missing = root.join("missing");
        let got = expand_inputs_each(&[root.to_path_buf(), missing.clone()]);
        // The strict form stops at the first.
        let strict = expand_inputs(&[root.to_path_buf()]).unwrap_err();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(
            strict.to_string(),
            format!("cannot read `{}`", locked.display())
        );
        let shown: Vec<String> = got
            .iter()
            .map(|entry| match entry {
                Ok(path) => path.strip_prefix(root).unwrap().display().to_string(),
                Err(err) => format!("error: {err}"),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "a.mobileconfig".to_string(),
                format!("error: cannot read `{}`", locked.display()),
                "c.mobileconfig".to_string(),
                format!("error: cannot read `{}`", missing.display()),
            ]
        );
    }

    #[test]
    fn a_folder_without_profiles_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("readme.txt"), b"").unwrap();
        let err = expand_inputs(&[dir.path().to_path_buf()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("`{}` holds no `*.mobileconfig` file", dir.path().display())
        );
    }
}
