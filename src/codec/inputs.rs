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
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(path.clone());
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if !metadata.is_dir() {
            inputs.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        collect_profiles(path, &mut found)?;
        if found.is_empty() {
            return Err(Error::NoProfiles { path: path.clone() });
        }
        found.sort();
        inputs.extend(found);
    }
    Ok(inputs)
}

fn collect_profiles(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let read_err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(read_err)?;
        if file_type.is_dir() {
            collect_profiles(&path, found)?;
            continue;
        }
        let is_profile = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case(PROFILE_EXTENSION));
        // A symbolic link counts when it leads to a file.
        let is_file = file_type.is_file() || (file_type.is_symlink() && path.is_file());
        if is_profile && is_file {
            found.push(path);
        }
    }
    Ok(())
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
