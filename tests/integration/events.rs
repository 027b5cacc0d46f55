//! `psso-profile events list` and `psso-profile events reduce`.

use std::io::Write as _;

use serde::Deserialize;

use crate::support::bin;

const PREFIX: &str = "Microsoft.PlatformSSO.";

/// A log with out-of-order lines, failures followed by retries, removals
/// followed by re-registration, equal times, an unknown event, a malformed
/// line and a blank line.
fn log() -> String {
    let lines = [
        // mac-a: lines out of time order; both tracks succeed.
        (
            "mac-a",
            "UserRegistration.Succeeded",
            "2026-11-02T09:32:00Z",
        ),
        (
            "mac-a",
            "DeviceRegistration.Succeeded",
            "2026-11-02T09:31:00Z",
        ),
        (
            "mac-a",
            "DeviceRegistration.Started",
            "2026-11-02T09:30:00Z",
        ),
        // mac-b: user registration fails, then a retry succeeds (offset times).
        (
            "mac-b",
            "DeviceRegistration.Succeeded",
            "2026-11-02T10:00:00+01:00",
        ),
        ("mac-b", "UserRegistration.Failed", "2026-11-02T09:01:00Z"),
        ("mac-b", "Registration.Failed", "2026-11-02T09:01:00Z"),
        (
            "mac-b",
            "UserRegistration.Succeeded",
            "2026-11-02T09:05:00Z",
        ),
        // mac-c: removed, then only the device track registers again.
        ("mac-c", "Registration.Succeeded", "2026-11-02T08:00:00Z"),
        (
            "mac-c",
            "DeviceRegistration.Succeeded",
            "2026-11-02T12:00:00Z",
        ),
        ("mac-c", "Registration.Removed", "2026-11-02T11:00:00Z"),
        // mac-d: removed, then registered again.
        ("mac-d", "Registration.Succeeded", "2026-11-02T08:00:00Z"),
        ("mac-d", "Registration.Removed", "2026-11-02T11:00:00Z"),
        ("mac-d", "Registration.Succeeded", "2026-11-02T11:30:00Z"),
        // mac-e: the newest event is a failure of the registration.
        ("mac-e", "Registration.Succeeded", "2026-11-02T08:00:00Z"),
        ("mac-e", "Registration.Failed", "2026-11-02T08:10:00Z"),
        // mac-f: success and failure at the same instant: the failure wins.
        (
            "mac-f",
            "DeviceRegistration.Succeeded",
            "2026-11-02T08:00:00Z",
        ),
        (
            "mac-f",
            "UserRegistration.Succeeded",
            "2026-11-02T08:05:00.250Z",
        ),
        (
            "mac-f",
            "UserRegistration.Failed",
            "2026-11-02T08:05:00.25Z",
        ),
    ];
    let mut out: Vec<String> = lines
        .iter()
        .map(|(device, event, time)| {
            format!(r#"{{"device":"{device}","event":"{PREFIX}{event}","time":"{time}","agent":{{"v":2}}}}"#)
        })
        .collect();
    // Line 5: an unknown event; line 9: not JSON; line 12: blank.
    out.insert(
        4,
        format!(r#"{{"device":"mac-a","event":"{PREFIX}Registration.Paused","time":"2026-11-02T09:40:00Z"}}"#),
    );
    out.insert(8, r#"{"device":"mac-c","event":"#.to_owned());
    out.insert(11, String::new());
    out.join("\n") + "\n"
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct State {
    device: String,
    device_registration: String,
    user_registration: String,
    registration_failed: bool,
    compliant: bool,
    last_change: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Transition {
    time: String,
    device: String,
    compliant: bool,
    event: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogEntry {
    name: String,
    track: String,
    trigger: String,
    mdm_action: String,
}

fn write_log(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile()
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn state(device: &str, dev: &str, user: &str, failed: bool, compliant: bool, last: &str) -> State {
    State {
        device: device.into(),
        device_registration: dev.into(),
        user_registration: user.into(),
        registration_failed: failed,
        compliant,
        last_change: last.into(),
    }
}

fn expected_states() -> Vec<State> {
    vec![
        state(
            "mac-a",
            "succeeded",
            "succeeded",
            false,
            true,
            "2026-11-02T09:32:00Z",
        ),
        state(
            "mac-b",
            "succeeded",
            "succeeded",
            false,
            true,
            "2026-11-02T09:05:00Z",
        ),
        state(
            "mac-c",
            "succeeded",
            "removed",
            false,
            false,
            "2026-11-02T12:00:00Z",
        ),
        state(
            "mac-d",
            "succeeded",
            "succeeded",
            false,
            true,
            "2026-11-02T11:30:00Z",
        ),
        state(
            "mac-e",
            "succeeded",
            "succeeded",
            true,
            false,
            "2026-11-02T08:10:00Z",
        ),
        state(
            "mac-f",
            "succeeded",
            "failed",
            false,
            false,
            "2026-11-02T08:05:00.250Z",
        ),
    ]
}

#[test]
fn list_prints_the_nine_notifications() {
    let out = bin().args(["events", "list"]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let names: Vec<&str> = stdout.lines().filter(|l| l.starts_with(PREFIX)).collect();
    assert_eq!(names.len(), 9, "{stdout}");
    assert!(stdout.starts_with(
        "Microsoft.PlatformSSO.DeviceRegistration.Started\n  track:   device\n  trigger: Device registration started\n"
    ));
    assert!(stdout.contains(
        "Microsoft.PlatformSSO.Registration.Succeeded\n  track:   both\n  trigger: Both device and user registration finished\n  MDM:     both tracks done: mark the device compliant through the compliance API\n"
    ));
}

#[test]
fn list_json_has_the_documented_shape() {
    let out = bin()
        .args(["events", "list", "--format", "json"])
        .assert()
        .success();
    let entries: Vec<CatalogEntry> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Microsoft.PlatformSSO.DeviceRegistration.Started",
            "Microsoft.PlatformSSO.DeviceRegistration.Succeeded",
            "Microsoft.PlatformSSO.DeviceRegistration.Failed",
            "Microsoft.PlatformSSO.UserRegistration.Started",
            "Microsoft.PlatformSSO.UserRegistration.Succeeded",
            "Microsoft.PlatformSSO.UserRegistration.Failed",
            "Microsoft.PlatformSSO.Registration.Succeeded",
            "Microsoft.PlatformSSO.Registration.Failed",
            "Microsoft.PlatformSSO.Registration.Removed",
        ]
    );
    let tracks: Vec<&str> = entries.iter().map(|e| e.track.as_str()).collect();
    assert_eq!(
        tracks,
        [
            "device", "device", "device", "user", "user", "user", "both", "both", "both"
        ]
    );
    assert_eq!(entries[8].trigger, "Platform SSO registration removed");
    assert!(entries.iter().all(|e| !e.mdm_action.is_empty()));
}

#[test]
fn reduce_gives_each_device_its_compliance_and_reports_bad_lines() {
    let file = write_log(&log());
    let path = file.path().display().to_string();
    let out = bin()
        .args(["events", "reduce", &path, "--format", "json"])
        .assert()
        .code(1);
    let states: Vec<State> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(states, expected_states());
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr,
        format!(
            "psso-profile: warning: `{path}` line 5: unknown event `Microsoft.PlatformSSO.Registration.Paused`: \
             expected one of the nine `Microsoft.PlatformSSO.*` registration notifications; line skipped\n\
             psso-profile: warning: `{path}` line 9: not valid JSON: EOF while parsing a value at column 26; line skipped\n\
             psso-profile: 2 lines of `{path}` skipped\n"
        )
    );
}

#[test]
fn reduce_human_output_is_a_table() {
    let file = write_log(&log());
    let out = bin()
        .args(["events", "reduce"])
        .arg(file.path())
        .assert()
        .code(1);
    assert_eq!(
        String::from_utf8(out.get_output().stdout.clone()).unwrap(),
        "\
DEVICE  DEVICE REGISTRATION  USER REGISTRATION  COMPLIANT                 LAST CHANGE
mac-a   succeeded            succeeded          yes                       2026-11-02T09:32:00Z
mac-b   succeeded            succeeded          yes                       2026-11-02T09:05:00Z
mac-c   succeeded            removed            no                        2026-11-02T12:00:00Z
mac-d   succeeded            succeeded          yes                       2026-11-02T11:30:00Z
mac-e   succeeded            succeeded          no (registration failed)  2026-11-02T08:10:00Z
mac-f   succeeded            failed             no                        2026-11-02T08:05:00.250Z
"
    );
}

#[test]
fn reduce_does_not_depend_on_line_order() {
    let log = log();
    let mut lines: Vec<&str> = log.lines().collect();
    lines.reverse();
    let reversed = lines.join("\n");
    for args in [
        &["--format", "json"][..],
        &["--transitions", "--format", "json"],
    ] {
        let one = bin()
            .args(["events", "reduce", "-"])
            .args(args)
            .write_stdin(log.clone())
            .assert()
            .code(1);
        let two = bin()
            .args(["events", "reduce", "-"])
            .args(args)
            .write_stdin(reversed.clone())
            .assert()
            .code(1);
        assert_eq!(one.get_output().stdout, two.get_output().stdout);
    }
}

#[test]
fn reduce_transitions_lists_changes_of_compliance_in_time_order() {
    let file = write_log(&log());
    let out = bin()
        .args(["events", "reduce", "--transitions", "--format", "json"])
        .arg(file.path())
        .assert()
        .code(1);
    let transitions: Vec<Transition> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let t = |time: &str, device: &str, compliant: bool, event: &str| Transition {
        time: time.into(),
        device: device.into(),
        compliant,
        event: format!("{PREFIX}{event}"),
    };
    assert_eq!(
        transitions,
        [
            t(
                "2026-11-02T08:00:00Z",
                "mac-c",
                true,
                "Registration.Succeeded"
            ),
            t(
                "2026-11-02T08:00:00Z",
                "mac-d",
                true,
                "Registration.Succeeded"
            ),
            t(
                "2026-11-02T08:00:00Z",
                "mac-e",
                true,
                "Registration.Succeeded"
            ),
            t(
                "2026-11-02T08:10:00Z",
                "mac-e",
                false,
                "Registration.Failed"
            ),
            t(
                "2026-11-02T09:05:00Z",
                "mac-b",
                true,
                "UserRegistration.Succeeded"
            ),
            t(
                "2026-11-02T09:32:00Z",
                "mac-a",
                true,
                "UserRegistration.Succeeded"
            ),
            t(
                "2026-11-02T11:00:00Z",
                "mac-c",
                false,
                "Registration.Removed"
            ),
            t(
                "2026-11-02T11:00:00Z",
                "mac-d",
                false,
                "Registration.Removed"
            ),
            t(
                "2026-11-02T11:30:00Z",
                "mac-d",
                true,
                "Registration.Succeeded"
            ),
        ]
    );
    let human = bin()
        .args(["events", "reduce", "--transitions"])
        .arg(file.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8(human.get_output().stdout.clone()).unwrap();
    assert!(stdout.starts_with(
        "TIME                  DEVICE  COMPLIANCE     EVENT\n\
         2026-11-02T08:00:00Z  mac-c   compliant      Microsoft.PlatformSSO.Registration.Succeeded\n"
    ));
    assert!(stdout.contains(
        "2026-11-02T08:10:00Z  mac-e   not compliant  Microsoft.PlatformSSO.Registration.Failed\n"
    ));
    assert_eq!(stdout.lines().count(), 10);
}

#[test]
fn reduce_reads_standard_input_and_exits_0_when_every_line_is_an_event() {
    let input = format!(
        "{{\"device\":\"m1\",\"event\":\"{PREFIX}Registration.Succeeded\",\"time\":\"2026-11-02T09:30:00Z\"}}\r\n"
    );
    for args in [
        &["events", "reduce", "-", "--format", "json"][..],
        &["events", "reduce", "--format", "json"],
    ] {
        let out = bin()
            .args(args)
            .write_stdin(input.clone())
            .assert()
            .success()
            .stderr("");
        let states: Vec<State> = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(
            states,
            [state(
                "m1",
                "succeeded",
                "succeeded",
                false,
                true,
                "2026-11-02T09:30:00Z"
            )]
        );
    }
    // Stdin is named as such in diagnostics.
    bin()
        .args(["events", "reduce", "-"])
        .write_stdin("{}\n")
        .assert()
        .code(1)
        .stderr(
            "psso-profile: warning: standard input line 1: not an event object with string fields \
             `device`, `event` and `time`: missing field `device` at column 2; line skipped\n\
             psso-profile: 1 line of standard input skipped\n",
        );
}

#[test]
fn reduce_of_an_empty_log_prints_no_device() {
    bin()
        .args(["events", "reduce", "-", "--format", "json"])
        .write_stdin("")
        .assert()
        .success()
        .stdout("[]\n");
    bin()
        .args(["events", "reduce", "--transitions", "-"])
        .write_stdin("\n")
        .assert()
        .success()
        .stdout("TIME  DEVICE  COMPLIANCE  EVENT\n");
}

#[test]
fn reduce_reports_bad_times_and_empty_devices() {
    let input = format!(
        "{{\"device\":\"m1\",\"event\":\"{PREFIX}Registration.Succeeded\",\"time\":\"2026-11-02\"}}\n\
         {{\"device\":\"\",\"event\":\"{PREFIX}Registration.Succeeded\",\"time\":\"2026-11-02T09:30:00Z\"}}\n"
    );
    bin()
        .args(["events", "reduce", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout("DEVICE  DEVICE REGISTRATION  USER REGISTRATION  COMPLIANT  LAST CHANGE\n")
        .stderr(
            "psso-profile: warning: standard input line 1: `time` `2026-11-02` is not an RFC 3339 date-time \
             (expected `T` after the date): expected e.g. `2026-11-02T09:30:00Z`; line skipped\n\
             psso-profile: warning: standard input line 2: `device` is empty: expected the device identifier; line skipped\n\
             psso-profile: 2 lines of standard input skipped\n",
        );
}

#[test]
fn reduce_of_a_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("events.jsonl");
    for transitions in [false, true] {
        let mut cmd = bin();
        cmd.args(["events", "reduce"]).arg(&missing);
        if transitions {
            cmd.arg("--transitions");
        }
        cmd.assert().code(2).stdout("").stderr(format!(
            "psso-profile: error: cannot read `{}`: No such file or directory (os error 2)\n",
            missing.display()
        ));
    }
}

#[test]
fn reduce_of_a_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["events", "reduce"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "psso-profile: error: cannot read `{}`: Is a directory (os error 21)\n",
            dir.path().display()
        ));
}

#[test]
fn help_shows_examples() {
    bin()
        .args(["events", "reduce", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "psso-profile events reduce --transitions events.jsonl",
        ));
    bin()
        .args(["events", "list", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "psso-profile events list --format json",
        ));
}

/// The console transcript in the README's MDM section is what the binary
/// prints: `cat events.jsonl` gives the log, each `psso-profile` command its
/// stderr then stdout (stdout only with `2>/dev/null`).
#[test]
fn readme_transcript_is_accurate() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme
        .find("## Registration events for MDM vendors")
        .expect("the README has the MDM section")..];
    let start = section.find("```console\n").expect("a console block") + "```console\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let mut commands: Vec<(&str, String)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => commands.push((command, String::new())),
            None => {
                let output = &mut commands.last_mut().expect("output follows a command").1;
                output.push_str(line);
                output.push('\n');
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(commands[0].0, "cat events.jsonl");
    std::fs::write(dir.path().join("events.jsonl"), &commands[0].1).unwrap();
    assert!(commands.len() >= 3);
    for (command, expected) in &commands[1..] {
        // `# exit N` marks the expected exit code for the README test (tests/integration/readme.rs).
        let command = command.split("  # exit").next().unwrap_or(command);
        let quiet = command.ends_with(" 2>/dev/null");
        let args: Vec<&str> = command
            .trim_end_matches(" 2>/dev/null")
            .split(' ')
            .collect();
        assert_eq!(args[0], "psso-profile");
        let out = bin()
            .current_dir(dir.path())
            .args(&args[1..])
            .output()
            .unwrap();
        let mut got = String::new();
        if !quiet {
            got.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        got.push_str(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(&got, expected, "{command}");
    }
}
