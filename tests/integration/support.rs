//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `psso-profile` binary built for this test run.
pub fn bin() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("psso-profile").expect("the psso-profile binary is built")
}

/// Whether tests that need outside tools or files must run rather than skip.
/// `.ci/run` sets `PSSO_REQUIRE_EXTERNAL=1`, so CI never skips them silently.
pub fn external_required() -> bool {
    std::env::var_os("PSSO_REQUIRE_EXTERNAL").is_some_and(|v| v == "1")
}

/// Whether `tool` can be run. When it cannot, prints why the calling test skips,
/// or panics when CI requires the tool.
pub fn have_tool(tool: &str, test: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
        || std::process::Command::new(tool)
            .arg("version")
            .output()
            .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            !external_required(),
            "{test}: `{tool}` is required in CI but was not found"
        );
        eprintln!("{test}: skipped, `{tool}` is not installed");
    }
    found
}

/// A file of `../shared/reference`, the reference material beside the checkout in CI.
/// Returns `None`, after printing why the calling test skips, when it is absent
/// (a user's clone); panics when CI requires it.
pub fn shared_reference(relative: &str, test: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(relative);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        !external_required(),
        "{test}: `{}` is required in CI but is absent",
        path.display()
    );
    eprintln!(
        "{test}: skipped, `{}` is absent (it sits beside the checkout in CI only)",
        path.display()
    );
    None
}

/// The signer of a signature in the JSON of `verify` and `inspect`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonSigner {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
}

/// The payload at `index` of a profile's `PayloadContent`.
pub fn payload(profile: &plist::Value, index: usize) -> plist::Dictionary {
    profile.as_dictionary().unwrap()["PayloadContent"]
        .as_array()
        .unwrap()[index]
        .as_dictionary()
        .unwrap()
        .clone()
}

/// Runs `generate` with `args` and writes the profile to `name` in `dir`.
pub fn generate(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(name);
    bin()
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(&path)
        .assert()
        .success();
    path
}
