//! Every program in `examples/` runs and does what it says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::have_tool;

/// Runs `cargo run --example NAME -- ARGS` with the cargo running the tests.
fn run_example(name: &str, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", name, "--"])
        .args(args)
        .output()
        .expect("cargo runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn every_example_is_tested_here() {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    names.sort();
    assert_eq!(
        names,
        ["build_and_sign.rs", "lint_folder.rs", "track_events.rs"]
    );
}

#[test]
fn track_events_reports_each_change_of_compliance() {
    let out = stdout(&run_example("track_events", &[]));
    assert_eq!(
        out,
        "C02XK1 compliant: true\nFVFZ9 compliant: true\nC02XK1 compliant: false\n\
         dropped: unknown event `Microsoft.PlatformSSO.Registration.Paused`: expected one of the nine `Microsoft.PlatformSSO.*` registration notifications\n\
         C02XK1: compliant false\nFVFZ9: compliant true\n"
    );
}

#[test]
fn lint_folder_lints_every_profile_and_fails_on_errors() {
    // The golden files are variants of one profile: alone, each is clean...
    let out = stdout(&run_example("lint_folder", &["tests/golden", "--no-fleet"]));
    assert!(out.ends_with("14 profile(s), 0 failed\n"), "{out}");
    // ...and installed together they would replace each other.
    let out = run_example("lint_folder", &["tests/golden"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[fleet.identifier-unique] PayloadIdentifier"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.mobileconfig"),
        "<plist version=\"1.0\"><dict><key>PayloadType</key><string>Configuration</string></dict></plist>",
    )
    .unwrap();
    let out = run_example("lint_folder", &[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[profile.root]"), "{text}");
    assert!(text.ends_with("1 profile(s), 1 failed\n"), "{text}");
}

#[test]
fn build_and_sign_signs_verifies_and_wraps() {
    if !have_tool("openssl", "build_and_sign_signs_verifies_and_wraps") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("openssl")
        .current_dir(dir.path())
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Example test",
        ])
        .output()
        .unwrap();
    assert!(status.status.success());
    let path = |name: &str| -> PathBuf { dir.path().join(name) };
    let out = stdout(&run_example(
        "build_and_sign",
        &[
            path("c.pem").to_str().unwrap(),
            path("k.pem").to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ],
    ));
    assert!(out.starts_with("signed by CN=Example test ("), "{out}");
    let signed = std::fs::read(path("psso.signed.mobileconfig")).unwrap();
    let command = plist::Value::from_file(path("install-command.plist")).unwrap();
    let payload = command.as_dictionary().unwrap()["Command"]
        .as_dictionary()
        .unwrap()["Payload"]
        .as_data()
        .unwrap()
        .to_vec();
    assert_eq!(payload, signed);
    // The CLI agrees that the signature is valid.
    crate::support::bin()
        .arg("verify")
        .arg(path("psso.signed.mobileconfig"))
        .assert()
        .success();
}
