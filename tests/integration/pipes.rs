//! A reader that goes away (`psso-profile ... | head -0`) is not an error: every
//! command that writes to standard output exits 0, quietly, when the pipe is closed
//! (`validate` and `diff` included: nobody reads their verdict).

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn corpus(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
        .display()
        .to_string()
}

/// Runs the binary with standard output a pipe whose reader is already closed.
fn into_closed_pipe(args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_psso-profile"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(bytes);
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_into_a_closed_pipe_exits_0_quietly() {
    let clean = corpus("clean.mobileconfig");
    let broken = corpus("e5-duplicate-payloads.mobileconfig");
    let events = b"{\"device\":\"d1\",\"event\":\"Microsoft.PlatformSSO.DeviceRegistration.Started\",\"time\":\"2026-01-01T00:00:00Z\"}\n";
    let cases: Vec<(Vec<&str>, Option<&[u8]>)> = vec![
        (vec!["--help"], None),
        (vec!["generate", "--help"], None),
        (vec!["--version"], None),
        (vec!["generate"], None),
        (vec!["generate", "--format", "json"], None),
        (vec!["generate", "--mdm-command"], None),
        (vec!["validate", &clean], None),
        (vec!["validate", &broken, "--format", "json"], None),
        (vec!["validate", &clean, "--format", "sarif"], None),
        (vec!["inspect", &clean], None),
        (vec!["inspect", &clean, "--format", "json"], None),
        (vec!["diff", &clean, &broken], None),
        (vec!["explain"], None),
        (vec!["explain", "sso.type"], None),
        (
            vec!["explain", "UseSharedDeviceKeys", "--format", "json"],
            None,
        ),
        (vec!["wrap", &clean], None),
        (vec!["events", "list"], None),
        (vec!["events", "list", "--format", "json"], None),
        (vec!["events", "reduce", "-"], Some(events)),
        (vec!["templates", "list"], None),
        (vec!["templates", "show", "shared-mac"], None),
        (vec!["completions", "bash"], None),
        (vec!["man"], None),
    ];
    for (args, stdin) in cases {
        let (code, stderr) = into_closed_pipe(&args, stdin);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("error") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}
