//! Golden files: outputs compared byte for byte with `tests/golden/`.
//! `UPDATE_GOLDEN=1 cargo test` rewrites them; review the diff like code.

use std::path::PathBuf;

/// The path of a golden file.
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN=1`.
#[track_caller]
pub fn assert_golden(name: &str, actual: &[u8]) {
    let file = path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&file).unwrap_or_else(|e| {
        panic!(
            "cannot read golden file {}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            file.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from {}:\n--- expected\n{}\n--- actual\n{}",
            file.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        );
    }
}
