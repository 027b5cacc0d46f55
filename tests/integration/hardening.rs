//! Hostile and odd input through the real binary: tampered signatures, secrets in
//! every output, control characters aimed at the terminal, unreadable folders,
//! XML that Apple refuses, odd event logs, a closed standard output, oversized
//! inputs, empty tokens and negative numbers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use plist::{Dictionary, Value};
use predicates::prelude::*;

use crate::support::{bin, generate, have_tool};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

/// Signs `input` into `output` with the RSA test certificate, quietly.
fn sign(input: &Path, output: &Path) {
    sign_with(
        input,
        output,
        &["--signing-time", "2026-01-31T12:00:00Z", "-q"],
    );
}

/// Signs `input` into `output` with the RSA test certificate and `args`;
/// returns what `sign` wrote on standard error.
fn sign_with(input: &Path, output: &Path, args: &[&str]) -> String {
    let dir = crate::selfsigned::dir();
    let run = bin()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--cert")
        .arg(dir.join("rsa.pem"))
        .arg("--key")
        .arg(dir.join("rsa.key"))
        .args(args)
        .assert()
        .success();
    text(&run.get_output().stderr)
}

/// A signed profile whose content was changed after signing (one byte of
/// `DoNotHandle` in the signed XML), and the profile it was made from.
fn tampered(dir: &Path) -> PathBuf {
    let plain = generate(dir, "plain.mobileconfig", &[]);
    let signed = dir.join("signed.mobileconfig");
    sign(&plain, &signed);
    let mut bytes = std::fs::read(&signed).unwrap();
    let at = bytes
        .windows(11)
        .position(|w| w == b"DoNotHandle")
        .expect("the content is in the envelope");
    bytes[at + 10] = b'X';
    let path = dir.join("tampered.mobileconfig");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---- a tampered signature is never dropped silently ----

#[test]
fn fix_refuses_a_tampered_signature_unless_asked_to_drop_it() {
    if !have_tool("openssl", "fix_refuses_a_tampered_signature") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = tampered(dir.path());
    let out = dir.path().join("fixed.mobileconfig");
    let run = bin()
        .arg("validate")
        .arg(&input)
        .args(["--fix", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    let stdout = text(&run.get_output().stdout);
    let stderr = text(&run.get_output().stderr);
    assert!(stdout.contains("error[signature.invalid]"), "{stdout}");
    assert!(stdout.contains("(INVALID signature)"), "{stdout}");
    assert!(
        !stdout.contains("fixed["),
        "nothing is reported fixed: {stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "psso-profile: error: `{}` has an invalid signature (the message digest does not match the content",
            input.display()
        )) && stderr.contains("nothing was written: pass --drop-signature to write its content unsigned"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
    // JSON tells the same: the input's findings, the signature invalid.
    let run = bin()
        .arg("validate")
        .arg(&input)
        .args(["--fix", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    assert_eq!(json["files"][0]["signature_valid"], false);
    assert!(!out.exists());
    // In place, several files: the tampered one is left as it was, the others fixed.
    let other = dir.path().join("other.mobileconfig");
    std::fs::copy(corpus("urls-as-string.mobileconfig"), &other).unwrap();
    let before = std::fs::read(&input).unwrap();
    bin()
        .arg("validate")
        .arg(&input)
        .arg(&other)
        .args(["--fix", "--in-place"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("other.mobileconfig: fixed["));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // Asked for, the repaired content is written unsigned, with a warning.
    bin()
        .arg("validate")
        .arg(&input)
        .args(["--fix", "--drop-signature", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "has an invalid signature; the repaired profile is written unsigned because of --drop-signature",
        ));
    let written = std::fs::read(&out).unwrap();
    assert!(written.starts_with(b"<?xml"));
    assert!(text(&written).contains("<string>DoNotHandle</string>"));
    // The option is for --fix only.
    bin()
        .arg("validate")
        .arg(&input)
        .arg("--drop-signature")
        .assert()
        .code(2);
}

#[test]
fn wrap_refuses_a_tampered_signature_unless_asked_to_drop_it() {
    if !have_tool("openssl", "wrap_refuses_a_tampered_signature") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = tampered(dir.path());
    let out = dir.path().join("command.plist");
    bin()
        .arg("wrap")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("has an invalid signature (").and(
            predicate::str::contains("pass --drop-signature to write its content unsigned"),
        ));
    assert!(!out.exists());
    bin()
        .arg("wrap")
        .arg(&input)
        .args(["--drop-signature", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "its content is wrapped unsigned because of --drop-signature",
        ));
    let command = Value::from_file(&out).unwrap();
    let payload = command.as_dictionary().unwrap()["Command"]
        .as_dictionary()
        .unwrap()["Payload"]
        .as_data()
        .unwrap()
        .to_vec();
    assert!(payload.starts_with(b"<?xml"), "the content, unsigned");
    assert!(
        text(&payload).contains("DoNotHandlX"),
        "as it is, not repaired"
    );
    // A signature that verifies is wrapped as it is, signed.
    let signed = dir.path().join("signed.mobileconfig");
    bin()
        .arg("wrap")
        .arg(&signed)
        .args(["--drop-signature", "-o"])
        .arg(dir.path().join("ok.plist"))
        .assert()
        .success()
        .stderr("");
}

// ---- secrets ----

/// A profile's SSO payload, for editing.
fn sso(value: &mut Value) -> &mut Dictionary {
    value.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()[0]
        .as_dictionary_mut()
        .unwrap()
}

#[test]
fn secrets_never_appear_in_any_output() {
    if !have_tool("openssl", "secrets_never_appear_in_any_output") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A token holding a placeholder and more, and a Fleet variable and more.
    let token = "{{DEVICEREGISTRATION}}SECRETXYZ";
    let plain = generate(d, "token.mobileconfig", &["--registration-token", token]);
    let signed = d.join("token.signed.mobileconfig");
    let mut outputs = vec![("sign".to_string(), sign_with(&plain, &signed, &[]))];
    let fleet = generate(
        d,
        "fleet.mobileconfig",
        &["--registration-token", "$FLEET_VAR_X SECRETXYZ"],
    );
    let fleet_signed = d.join("fleet.signed.mobileconfig");
    let sign_warning = sign_with(&fleet, &fleet_signed, &[]);
    assert!(sign_warning.contains("<redacted>"), "{sign_warning}");
    outputs.push(("sign fleet".into(), sign_warning));
    let run = bin()
        .args(["generate", "--registration-token", token])
        .arg("--sign-cert")
        .arg(crate::selfsigned::dir().join("rsa.pem"))
        .arg("--sign-key")
        .arg(crate::selfsigned::dir().join("rsa.key"))
        .assert()
        .success();
    outputs.push(("generate --sign".into(), text(&run.get_output().stderr)));
    // A token written as a dictionary, and a password in a dictionary.
    let mut value = Value::from_file(&plain).unwrap();
    let mut inner = Dictionary::new();
    inner.insert("a".into(), Value::String("SECRETXYZ-in-a-dict".into()));
    inner.insert(
        "b".into(),
        Value::Array(vec![Value::String("SECRETXYZ-in-an-array".into())]),
    );
    sso(&mut value).insert("RegistrationToken".into(), Value::Dictionary(inner));
    let dict = d.join("dict.mobileconfig");
    value.to_file_xml(&dict).unwrap();
    let files = [&plain, &signed, &fleet_signed, &dict];
    for file in files {
        for args in [
            &["validate", "--format", "human"][..],
            &["validate", "--format", "json"],
            &["validate", "--format", "sarif"],
            &["-v", "inspect"],
            &["-v", "inspect", "--format", "json"],
            &["diff", "--format", "json"],
            &["diff"],
        ] {
            let mut cmd = bin();
            cmd.args(args);
            if args[0] == "diff" {
                cmd.arg(corpus("clean.mobileconfig"));
            }
            let out = cmd.arg(file).output().unwrap();
            assert!(matches!(out.status.code(), Some(0..=2)));
            outputs.push((
                format!("{args:?} {}", file.display()),
                text(&out.stdout) + &text(&out.stderr),
            ));
        }
    }
    let mut redacted = 0;
    for (what, output) in &outputs {
        assert!(
            !output.contains("SECRETXYZ"),
            "{what} shows a secret:\n{output}"
        );
        redacted += usize::from(output.contains("<redacted>"));
    }
    assert!(redacted > 10, "secrets are said to be redacted");
    // With --show-secrets they are shown, so the tests above are not vacuous.
    bin()
        .args(["inspect", "--show-secrets"])
        .arg(&dict)
        .assert()
        .success()
        .stdout(predicate::str::contains("SECRETXYZ-in-a-dict"));
}

// ---- control characters ----

/// The lines of `output` that could fool a reader: a raw control character
/// other than the line feeds between lines, or a line that forges one of ours.
fn forged(output: &str) -> Vec<String> {
    let mut bad: Vec<String> = output
        .chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control()
                    || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .map(|c| format!("raw {c:?}"))
        .collect();
    for line in output.lines() {
        let trimmed = line.trim_start();
        if trimmed == "signature: valid" || trimmed.starts_with("FAKE") {
            bad.push(format!("forged line {line:?}"));
        }
    }
    bad
}

const HOSTILE: &str = "x\n  signature: valid\r\u{1b}[2J\u{7}\u{9b}1m\u{202e}";

/// Every string of `value` (keys and values, at any depth) with one of them
/// made hostile: one profile per position.
fn hostile_variants(value: &Value) -> Vec<Value> {
    fn count(value: &Value) -> usize {
        match value {
            Value::String(_) => 1,
            Value::Array(items) => items.iter().map(count).sum(),
            Value::Dictionary(d) => d.iter().map(|(_, v)| 1 + count(v)).sum(),
            _ => 0,
        }
    }
    fn edit(value: &mut Value, target: usize, seen: &mut usize) {
        match value {
            Value::String(s) => {
                if *seen == target {
                    s.push_str(HOSTILE);
                }
                *seen += 1;
            }
            Value::Array(items) => items.iter_mut().for_each(|v| edit(v, target, seen)),
            Value::Dictionary(d) => {
                let entries: Vec<(String, Value)> = std::mem::take(d).into_iter().collect();
                for (mut k, mut v) in entries {
                    if *seen == target {
                        k.push_str(HOSTILE);
                    }
                    *seen += 1;
                    edit(&mut v, target, seen);
                    d.insert(k, v);
                }
            }
            _ => {}
        }
    }
    (0..count(value))
        .map(|target| {
            let mut copy = value.clone();
            edit(&mut copy, target, &mut 0);
            copy
        })
        .collect()
}

#[test]
fn control_characters_in_every_string_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let clean = Value::from_file(corpus("clean.mobileconfig")).unwrap();
    let folder = dir.path().join("hostile");
    std::fs::create_dir(&folder).unwrap();
    let variants = hostile_variants(&clean);
    assert!(variants.len() > 30, "{} positions", variants.len());
    for (i, variant) in variants.iter().enumerate() {
        // Binary carries every character; XML refuses most controls.
        variant
            .to_file_binary(folder.join(format!("{i:03}.mobileconfig")))
            .unwrap();
    }
    let check = |what: &str, out: &std::process::Output| {
        let code = out.status.code().expect("exited normally");
        assert!([0, 1, 2].contains(&code), "{what}: exit {code}");
        for stream in [&out.stdout, &out.stderr] {
            let shown = text(stream);
            let bad = forged(&shown);
            assert!(bad.is_empty(), "{what}: {bad:?}\n{shown}");
        }
    };
    let out = bin()
        .args(["validate", "--min-macos", "13"])
        .arg(&folder)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    check("validate", &out);
    assert!(
        text(&out.stdout).contains("\\n  signature: valid\\r\\u{1b}[2J\\u{7}\\u{9b}1m\\u{202e}"),
        "the hostile text is shown escaped"
    );
    for i in 0..variants.len() {
        let file = folder.join(format!("{i:03}.mobileconfig"));
        let out = bin().args(["-v", "inspect"]).arg(&file).output().unwrap();
        check(&format!("inspect {i}"), &out);
        let out = bin()
            .arg("diff")
            .arg(corpus("clean.mobileconfig"))
            .arg(&file)
            .output()
            .unwrap();
        check(&format!("diff {i}"), &out);
    }
    // A file name is shown escaped too.
    let named = dir
        .path()
        .join("evil\n  signature: valid\u{1b}[2J.mobileconfig");
    std::fs::copy(corpus("urls-as-string.mobileconfig"), &named).unwrap();
    for args in [&["validate"][..], &["inspect"]] {
        let out = bin().args(args).arg(&named).output().unwrap();
        check(&format!("{args:?} of a hostile name"), &out);
        assert!(text(&out.stdout).contains("evil\\n  signature: valid\\u{1b}[2J"));
    }
    // With the repaired profile on standard output, the report is on stderr.
    let out = bin()
        .args(["validate", "--fix", "-o", "-"])
        .arg(&named)
        .output()
        .unwrap();
    let report = text(&out.stderr);
    assert!(forged(&report).is_empty(), "{report}");
    assert!(
        report.contains("evil\\n  signature: valid\\u{1b}[2J"),
        "{report}"
    );
}

#[test]
fn a_crafted_event_log_cannot_forge_a_row() {
    let log = [
        r#"{"device":"C02\rFAKE  succeeded  succeeded  yes","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026-11-02T09:05:00Z"}"#,
        r#"{"device":"D\u001b[2K\u001b[1AFAKE","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T09:06:00Z"}"#,
        r#"{"device":"E\nFAKE compliant","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026-11-02T09:07:00Z"}"#,
        r#"{"device":"F","event":"Microsoft.PlatformSSO.\u001b[31mBogus","time":"2026-11-02T09:08:00Z"}"#,
        r#"{"device":"G","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026\r\nFAKE"}"#,
    ]
    .join("\n");
    for args in [
        &["events", "reduce", "-"][..],
        &["events", "reduce", "-", "--transitions"],
    ] {
        let out = bin().args(args).write_stdin(log.clone()).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: two lines are skipped"
        );
        for stream in [&out.stdout, &out.stderr] {
            let shown = text(stream);
            let bad = forged(&shown);
            assert!(bad.is_empty(), "{args:?}: {bad:?}\n{shown}");
        }
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("C02\\rFAKE  succeeded  succeeded  yes"),
            "{stdout}"
        );
        assert!(stdout.contains("E\\nFAKE compliant"), "{stdout}");
    }
    // JSON keeps the identifiers exactly, escaped the JSON way.
    let out = bin()
        .args(["events", "reduce", "-", "--format", "json"])
        .write_stdin(log)
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["device"], "C02\rFAKE  succeeded  succeeded  yes");
}

// ---- validate checks every input it can ----

/// Runs `psso-profile ARGS` as the unprivileged user `nobody` when this process
/// is root (root reads any folder), else as this user.
fn run_unprivileged(args: &[&std::ffi::OsStr], root: bool) -> std::process::Output {
    let binary = env!("CARGO_BIN_EXE_psso-profile");
    let mut cmd = if root {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        cmd
    } else {
        Command::new(binary)
    };
    cmd.args(args).output().unwrap()
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("profiles");
    let locked = root.join("b-locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::copy(corpus("clean.mobileconfig"), root.join("a.mobileconfig")).unwrap();
    std::fs::copy(
        corpus("clean.mobileconfig"),
        locked.join("hidden.mobileconfig"),
    )
    .unwrap();
    std::fs::copy(
        corpus("urls-as-string.mobileconfig"),
        root.join("c.mobileconfig"),
    )
    .unwrap();
    let other_locked = dir.path().join("locked-too");
    std::fs::create_dir(&other_locked).unwrap();
    std::fs::copy(
        corpus("clean.mobileconfig"),
        other_locked.join("x.mobileconfig"),
    )
    .unwrap();
    for (path, mode) in [
        (dir.path(), 0o755),
        (root.as_path(), 0o755),
        (locked.as_path(), 0o000),
        (other_locked.as_path(), 0o000),
    ] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let is_root = std::fs::read_dir(&locked).is_ok();
    if is_root && !have_tool("setpriv", "an_unreadable_folder_is_reported") {
        return;
    }
    let base = [root.as_os_str(), other_locked.as_os_str()];
    let with = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["validate".as_ref()];
        args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
        args.extend(base);
        run_unprivileged(&args, is_root)
    };
    let human = with(&[]);
    let json = with(&["--format", "json"]);
    let sarif = with(&["--format", "sarif"]);
    for path in [&locked, &other_locked] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(human.status.code(), Some(2));
    let stdout = text(&human.stdout);
    let stderr = text(&human.stderr);
    assert!(stdout.contains("a.mobileconfig: ok"), "{stdout}");
    assert!(
        stdout.contains("c.mobileconfig: error[sso.urls.commercial]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n4 file(s): ") && stdout.ends_with(", 2 unreadable\n"),
        "{stdout}"
    );
    for path in [&locked, &other_locked] {
        assert!(
            stderr.contains(&format!(
                "psso-profile: error: cannot read `{}`: ",
                path.display()
            )),
            "{stderr}"
        );
    }
    assert_eq!(json.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            root.join("a.mobileconfig").to_str().unwrap(),
            locked.to_str().unwrap(),
            root.join("c.mobileconfig").to_str().unwrap(),
            other_locked.to_str().unwrap(),
        ]
    );
    assert!(
        files[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot read")
    );
    assert!(files[0]["error"].is_null());
    assert_eq!(report["summary"]["unreadable"], 2);
    assert_eq!(sarif.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let unreadable = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "input.unreadable")
        .count();
    assert_eq!(unreadable, 2);
}

#[test]
fn a_missing_path_and_an_empty_folder_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = bin()
        .args(["validate", "--format", "json", "/nonexistent/profiles"])
        .arg(&empty)
        .arg(corpus("clean.mobileconfig"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["summary"]["unreadable"], 2);
    assert_eq!(
        report["files"][0]["error"],
        "cannot read `/nonexistent/profiles`: No such file or directory (os error 2)"
    );
    assert_eq!(
        report["files"][1]["error"],
        format!("`{}` holds no `*.mobileconfig` file", empty.display())
    );
    assert!(report["files"][2]["error"].is_null());
}

// ---- XML Apple refuses ----

#[test]
fn xml_apple_refuses_is_unreadable_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string(corpus("clean.mobileconfig")).unwrap();
    let cases = [
        (
            "no-end.mobileconfig",
            clean
                .trim_end()
                .strip_suffix("</plist>")
                .unwrap()
                .to_string(),
            "the `plist` element is not closed: the input ends before `</plist>` (a truncated file?) (at line ",
        ),
        (
            "nul.mobileconfig",
            clean.replacen("<string>Redirect", "<string>Red\u{0}irect", 1),
            "it holds U+0000, a character XML 1.0 does not allow (at line ",
        ),
        (
            "esc.mobileconfig",
            clean.replacen("<string>Redirect", "<string>Red&#27;irect", 1),
            "the character reference `&#27;` stands for U+001B, a character XML 1.0 does not allow (at line ",
        ),
    ];
    for (name, content, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let out = dir.path().join(format!("fixed-{name}"));
        for fix in [false, true] {
            let mut cmd = bin();
            cmd.arg("validate").arg(&path);
            if fix {
                cmd.args(["--fix", "-o"]).arg(&out);
            }
            cmd.assert()
                .code(2)
                .stderr(predicate::str::contains(format!(
                    "psso-profile: error: `{}` is not a property list: {message}",
                    path.display()
                )));
        }
        assert!(!out.exists());
        bin().arg("inspect").arg(&path).assert().code(2);
    }
}

// ---- event logs ----

#[test]
fn events_accept_a_byte_order_mark_and_refuse_a_blank_device() {
    let line = |device: &str| {
        format!(
            r#"{{"device":"{device}","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026-11-02T09:05:00Z"}}"#
        )
    };
    let log = format!("\u{FEFF}{}\n{}\n{}\n", line("C02"), line("   "), line("D"));
    bin()
        .args(["events", "reduce", "-"])
        .write_stdin(log)
        .assert()
        .code(1)
        .stdout(
            "DEVICE  DEVICE REGISTRATION  USER REGISTRATION  COMPLIANT  LAST CHANGE\n\
             C02     succeeded            succeeded          yes        2026-11-02T09:05:00Z\n\
             D       succeeded            succeeded          yes        2026-11-02T09:05:00Z\n",
        )
        .stderr(
            "psso-profile: warning: standard input line 2: `device` holds only white space: expected the device identifier; line skipped\n\
             psso-profile: 1 line of standard input skipped\n",
        );
}

// ---- a closed standard output ----

/// Runs `psso-profile ARGS` with standard output closed (`>&-`).
fn with_stdout_closed(args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(r#""$0" "$@" >&-"#)
        .arg(env!("CARGO_BIN_EXE_psso-profile"))
        .args(args)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_closed_standard_output_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let profile = generate(dir.path(), "p.mobileconfig", &[]);
    let p = profile.to_str().unwrap();
    let log = dir.path().join("events.jsonl");
    std::fs::write(&log, "").unwrap();
    let l = log.to_str().unwrap();
    let fixed = dir.path().join("never.mobileconfig");
    let commands: Vec<Vec<&str>> = vec![
        vec!["generate"],
        vec!["generate", "-o", "-"],
        vec!["generate", "--format", "json"],
        vec!["validate", p],
        vec!["validate", p, "--format", "json"],
        vec!["validate", "--fix", "-o", "-", p],
        vec!["inspect", p],
        vec!["diff", p, p],
        vec!["explain"],
        vec!["explain", "ScreenLockedBehavior"],
        vec!["wrap", p],
        vec!["events", "list"],
        vec!["events", "reduce", l],
        vec!["templates", "list"],
        vec!["templates", "show", "intune"],
        vec!["completions", "bash"],
        vec!["man"],
    ];
    for args in &commands {
        let out = with_stdout_closed(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr)
                .contains("psso-profile: error: standard output is closed; nothing was written"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // Writing to a file does not need standard output.
    let out = with_stdout_closed(&["generate", "-o", fixed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(fixed.exists());
    // `> /dev/null` is a place to write to, not a closed output.
    bin().arg("generate").assert().success();
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#""$0" generate > /dev/null"#)
        .arg(env!("CARGO_BIN_EXE_psso-profile"))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

// ---- oversized inputs say what they were expected to be ----

#[test]
fn oversized_inputs_name_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let big = |name: &str, size: usize| {
        let path = dir.path().join(name);
        std::fs::write(&path, vec![b'a'; size]).unwrap();
        path
    };
    let token = big("token.txt", 64 * 1024 + 1);
    let spec = big("spec.toml", 1024 * 1024 + 1);
    let pem = big("cert.pem", 4 * 1024 * 1024 + 1);
    let key = big("key.pem", 1024 * 1024 + 1);
    let small_pem = big("small.pem", 10);
    let profile = generate(dir.path(), "p.mobileconfig", &[]);
    let cases: Vec<(Vec<&std::ffi::OsStr>, String)> = vec![
        (
            vec![
                "generate".as_ref(),
                "--registration-token-file".as_ref(),
                token.as_os_str(),
            ],
            format!(
                "`{}` is larger than 65536 bytes, too big for a registration token or a password",
                token.display()
            ),
        ),
        (
            vec!["generate".as_ref(), "--spec".as_ref(), spec.as_os_str()],
            format!(
                "`{}` is larger than 1048576 bytes, too big for a spec file",
                spec.display()
            ),
        ),
        (
            vec![
                "sign".as_ref(),
                profile.as_os_str(),
                "-o".as_ref(),
                "-".as_ref(),
                "--cert".as_ref(),
                pem.as_os_str(),
                "--key".as_ref(),
                small_pem.as_os_str(),
            ],
            format!(
                "`{}` is larger than 4194304 bytes, too big for certificates (PEM)",
                pem.display()
            ),
        ),
        (
            vec![
                "sign".as_ref(),
                profile.as_os_str(),
                "-o".as_ref(),
                "-".as_ref(),
                "--cert".as_ref(),
                small_pem.as_os_str(),
                "--key".as_ref(),
                key.as_os_str(),
            ],
            format!(
                "`{}` is larger than 1048576 bytes, too big for a private key (PEM)",
                key.display()
            ),
        ),
        (
            vec![
                "validate".as_ref(),
                profile.as_os_str(),
                "--ca".as_ref(),
                pem.as_os_str(),
            ],
            format!(
                "`{}` is larger than 4194304 bytes, too big for certificates (PEM)",
                pem.display()
            ),
        ),
    ];
    for (args, message) in cases {
        bin()
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("psso-profile: error: {message}\n"));
    }
}

// ---- empty tokens and negative numbers ----

#[test]
fn an_empty_registration_token_is_refused_and_described() {
    let dir = tempfile::tempdir().unwrap();
    let expected = "psso-profile: error: `registration-token` is empty: expected a token, or an MDM placeholder such as `{{DEVICEREGISTRATION}}` (leave it out for none)\n";
    bin()
        .args(["generate", "--registration-token", ""])
        .assert()
        .code(2)
        .stdout("")
        .stderr(expected);
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    bin()
        .args(["generate", "--registration-token-file"])
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(expected);
    let spec = dir.path().join("spec.toml");
    std::fs::write(&spec, "org = \"Contoso\"\nregistration-token = \" \"\n").unwrap();
    bin()
        .args(["generate", "--spec"])
        .arg(&spec)
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` line 2: `registration-token`: expected a token, or an MDM placeholder such as `{{{{DEVICEREGISTRATION}}}}`, found an empty value (leave the key out for none)\n",
            spec.display()
        ));
    // A token that is not a string is refused without being quoted.
    std::fs::write(&spec, "registration-token = 912345\n").unwrap();
    bin()
        .args(["generate", "--spec"])
        .arg(&spec)
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` line 1: `registration-token`: expected a string: a token, or an MDM placeholder such as `{{{{DEVICEREGISTRATION}}}}`\n",
            spec.display()
        ));
    // A foreign profile with an empty token: a note, and inspect says so.
    let plain = generate(dir.path(), "p.mobileconfig", &[]);
    let mut value = Value::from_file(&plain).unwrap();
    sso(&mut value).insert("RegistrationToken".into(), Value::String(String::new()));
    let path = dir.path().join("empty-token.mobileconfig");
    value.to_file_xml(&path).unwrap();
    bin()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "info[sso.registration-token.absent] PayloadContent[0].RegistrationToken\n  is empty; Intune uses",
        ));
    bin()
        .arg("inspect")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  - Registration token: empty, so registration is not silent.\n",
        ));
}

#[test]
fn negative_periods_are_refused_on_the_command_line_in_spec_files_and_in_profiles() {
    let dir = tempfile::tempdir().unwrap();
    for option in [
        "--offline-grace-period",
        "--authentication-grace-period",
        "--login-frequency",
    ] {
        bin()
            .args(["generate", &format!("{option}=-5")])
            .assert()
            .code(2)
            .stdout("")
            .stderr(
                predicate::str::contains(format!("invalid value '-5' for '{option} <")).and(
                    predicate::str::contains("expected a whole number of 0 or more, found `-5`"),
                ),
            );
        let key = option.trim_start_matches('-');
        for value in ["-5", "\"-5\""] {
            let spec = dir.path().join("spec.toml");
            std::fs::write(&spec, format!("{key} = {value}\n")).unwrap();
            bin()
                .args(["generate", "--spec"])
                .arg(&spec)
                .assert()
                .code(2)
                .stderr(format!(
                    "psso-profile: error: `{}` line 1: `{key}`: expected a whole number of 0 or more, found `-5`\n",
                    spec.display()
                ));
        }
    }
    // 0 is a grace period.
    bin()
        .args(["generate", "--min-macos", "15", "--offline-grace-period=0"])
        .assert()
        .code(predicate::in_iter([0, 2]));
    // A foreign profile with negative periods: errors of schema.range.
    let plain = generate(dir.path(), "p.mobileconfig", &["--min-macos", "15"]);
    let mut value = Value::from_file(&plain).unwrap();
    let platform = sso(&mut value)["PlatformSSO"].as_dictionary_mut().unwrap();
    platform.insert("OfflineGracePeriod".into(), Value::Integer((-5).into()));
    platform.insert(
        "AuthenticationGracePeriod".into(),
        Value::Integer((-1).into()),
    );
    let path = dir.path().join("negative.mobileconfig");
    value.to_file_xml(&path).unwrap();
    bin()
        .args(["validate", "--min-macos", "15"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[schema.range] PayloadContent[0].PlatformSSO.OfflineGracePeriod\n  is -5; a length of time cannot be negative\n  fix: set 0 or more, or remove the key\n",
        ).and(predicate::str::contains(
            "error[schema.range] PayloadContent[0].PlatformSSO.AuthenticationGracePeriod\n  is -1; a length of time cannot be negative",
        )));
}

/// Random event logs, with control characters, byte order marks, blank devices
/// and broken JSON in any field: `events reduce` exits 0 or 1, never panics,
/// prints no control character raw, and its JSON reads back.
#[test]
fn mutated_event_logs_never_crash_or_reach_the_terminal() {
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let devices = [
        "C02",
        "  ",
        "",
        "a\\r\\nFAKE",
        "\\u001b[2J",
        "\\u0007bell",
        "\\u202etxt",
        "é✓",
    ];
    let events = [
        "Microsoft.PlatformSSO.Registration.Succeeded",
        "Microsoft.PlatformSSO.Registration.Removed",
        "Microsoft.PlatformSSO.UserRegistration.Failed",
        "Microsoft.PlatformSSO.DeviceRegistration.Succeeded",
        "Microsoft.PlatformSSO.UserRegistration.Succeeded",
        "Bogus\\u001b[31m",
    ];
    let times = [
        "2026-11-02T09:05:00Z",
        "2026-11-02T09:05:00.5+01:00",
        "2026-11-02\\r09:05",
        "",
    ];
    for round in 0..20 {
        let mut log = String::new();
        if round % 2 == 0 {
            log.push('\u{FEFF}');
        }
        for _ in 0..200 {
            let mut line = format!(
                r#"{{"device":"{}","event":"{}","time":"{}"}}"#,
                devices[next(devices.len())],
                events[next(events.len())],
                times[next(times.len())]
            );
            let mut at = next(line.len().max(1));
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            match next(8) {
                0 => line.truncate(at),
                1 => line.insert(at, '\u{1b}'),
                2 => line.push('\r'),
                _ => {}
            }
            log.push_str(&line);
            log.push('\n');
        }
        for args in [
            &["events", "reduce", "-"][..],
            &["events", "reduce", "-", "--transitions"],
            &["events", "reduce", "-", "--format", "json"],
            &["events", "reduce", "-", "--transitions", "--format", "json"],
        ] {
            let out = bin()
                .args(args)
                .write_stdin(log.clone())
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            let code = out.status.code().expect("exited normally, not by a signal");
            assert!([0, 1].contains(&code), "{args:?}: exit {code}");
            let json = args.contains(&"json");
            for (stream, human) in [(&out.stdout, !json), (&out.stderr, true)] {
                let shown = text(stream);
                assert!(!shown.contains("panicked"), "{shown}");
                let bad = if human {
                    forged(&shown)
                } else {
                    // JSON escapes what it must (C0); the rest is data for programs.
                    shown
                        .chars()
                        .filter(|&c| c != '\n' && u32::from(c) < 0x20)
                        .map(|c| format!("raw {c:?}"))
                        .collect()
                };
                assert!(bad.is_empty(), "{args:?}: {bad:?}\n{shown}");
            }
            if json {
                let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            }
        }
    }
}

/// The transitions' JSON, written row by row, is the pretty-printed array.
#[test]
fn transitions_json_is_the_pretty_printed_array() {
    let log = (0..50)
        .map(|i| {
            format!(
                r#"{{"device":"d{}","event":"Microsoft.PlatformSSO.Registration.{}","time":"2026-11-02T09:{:02}:00Z"}}"#,
                i % 7,
                if i % 3 == 0 { "Removed" } else { "Succeeded" },
                i
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let out = bin()
        .args(["events", "reduce", "-", "--transitions", "--format", "json"])
        .write_stdin(log)
        .assert()
        .success();
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Row {
        time: String,
        device: String,
        compliant: bool,
        event: String,
    }
    let stdout = text(&out.get_output().stdout);
    let rows: Vec<Row> = serde_json::from_str(&stdout).unwrap();
    assert!(rows.len() > 10);
    assert_eq!(stdout, serde_json::to_string_pretty(&rows).unwrap() + "\n");
}
