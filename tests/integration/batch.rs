//! `psso-profile batch`: CSV and JSON Lines rows, bad rows, colliding and
//! escaping names, deterministic bytes, and signed profiles OpenSSL verifies.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::selfsigned;
use crate::support::{bin, have_tool};

const SPEC: &str = "\
org = \"${org}\"
identifier = \"com.${tenant}.psso\"
account-display-name = \"${org}\"
registration-token = \"{{DEVICEREGISTRATION}}\"
description = \"Serial $SERIALNUMBER, host $FLEET_VAR_HOST_UUID\"
[extension-data]
AppPrefixAllowList = \"com.microsoft.,com.apple.,${prefix}\"
";

fn setup(rows_name: &str, rows: &str) -> (tempfile::TempDir, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("spec.toml"), SPEC).unwrap();
    fs::write(dir.path().join(rows_name), rows).unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (spec, rows, out) = (p("spec.toml"), p(rows_name), p("out"));
    (dir, spec, rows, out)
}

/// Runs `batch` on `spec` and `rows` into `out` with `extra`, expects exit 1
/// (some rows failed) and returns its standard error.
fn failing_batch(spec: &str, rows: &str, out: &str, extra: &[&str]) -> String {
    let assert = bin()
        .args(["batch", "--spec", spec, "--rows", rows, "--out-dir", out])
        .args(extra)
        .assert()
        .code(1);
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn csv_rows_give_one_profile_each_with_their_values() {
    let (_dir, spec, rows, out) = setup(
        "tenants.csv",
        "tenant,org,prefix\ncontoso,Contoso,com.contoso.\nfabrikam,\"Fabrikam, Inc.\",com.fabrikam.\n",
    );
    bin()
        .args([
            "batch",
            "--template",
            "intune",
            "--spec",
            &spec,
            "--rows",
            &rows,
            "--out-dir",
            &out,
        ])
        .assert()
        .success()
        .stderr(predicates::str::contains("written 2, failed 0, elapsed "));
    assert_eq!(
        files(Path::new(&out)),
        [
            "com.contoso.psso.mobileconfig",
            "com.fabrikam.psso.mobileconfig"
        ]
    );
    let text = fs::read_to_string(Path::new(&out).join("com.fabrikam.psso.mobileconfig")).unwrap();
    assert!(text.contains("<string>Fabrikam, Inc.</string>"));
    assert!(text.contains("<string>com.microsoft.,com.apple.,com.fabrikam.</string>"));
    assert!(text.contains("<string>{{DEVICEREGISTRATION}}</string>"));
    assert!(text.contains("Serial $SERIALNUMBER, host $FLEET_VAR_HOST_UUID"));
    assert!(
        text.contains("<key>browser_sso_interaction_enabled</key>"),
        "the template's ExtensionData merges"
    );
    // The same settings through generate give the same bytes.
    let generated = bin()
        .args([
            "generate",
            "--template",
            "intune",
            "--org",
            "Fabrikam, Inc.",
            "--account-display-name",
            "Fabrikam, Inc.",
            "--identifier",
            "com.fabrikam.psso",
            "--description",
            "Serial $SERIALNUMBER, host $FLEET_VAR_HOST_UUID",
            "--extension-data",
            "AppPrefixAllowList=com.microsoft.,com.apple.,com.fabrikam.",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(text.as_bytes(), generated);
}

#[test]
fn jsonl_rows_named_by_pattern_and_deterministic() {
    let rows = "{\"tenant\":\"contoso\",\"org\":\"Contoso\",\"prefix\":\"com.contoso.\"}\n\
                {\"tenant\":\"fabrikam\",\"org\":\"Fabrikam\",\"prefix\":\"com.fabrikam.\"}\n";
    let (dir, spec, rows, out) = setup("tenants.jsonl", rows);
    let run = |out: &str| {
        bin()
            .args(["batch", "--spec", &spec, "--rows", &rows, "--out-dir", out])
            .args(["--name", "${tenant}", "--format", "binary", "--jobs", "2"])
            .assert()
            .success();
    };
    run(&out);
    let again = dir.path().join("again");
    run(again.to_str().unwrap());
    assert_eq!(
        files(Path::new(&out)),
        ["contoso.mobileconfig", "fabrikam.mobileconfig"]
    );
    for name in files(Path::new(&out)) {
        let first = fs::read(Path::new(&out).join(&name)).unwrap();
        assert!(first.starts_with(b"bplist00"));
        assert_eq!(first, fs::read(again.join(&name)).unwrap(), "{name}");
    }
    // Existing files need --force.
    bin()
        .args([
            "batch",
            "--spec",
            &spec,
            "--rows",
            &rows,
            "--out-dir",
            &out,
            "--name",
            "${tenant}",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "already exists; pass --force to overwrite it",
        ));
}

#[test]
fn rows_from_stdin_need_a_format() {
    let (_dir, spec, _rows, out) = setup("t.csv", "");
    bin()
        .args([
            "batch",
            "--spec",
            &spec,
            "--rows",
            "-",
            "--out-dir",
            &out,
            "--rows-format",
            "csv",
        ])
        .write_stdin("tenant,org,prefix\ncontoso,Contoso,p\n")
        .assert()
        .success();
    assert_eq!(files(Path::new(&out)), ["com.contoso.psso.mobileconfig"]);
    bin()
        .args(["batch", "--spec", &spec, "--rows", "-", "--out-dir", &out])
        .assert()
        .code(2)
        .stderr("psso-profile: error: reading rows from standard input needs --rows-format csv or jsonl\n");
}

#[test]
fn a_bad_row_is_reported_with_its_line_and_the_others_complete() {
    let (_dir, spec, rows, out) = setup(
        "tenants.csv",
        "tenant,org,prefix\ncontoso,Contoso,p\nshort,row\nfabrikam,Fabrikam,p\n",
    );
    let missing = Path::new(&out).with_file_name("missing.toml");
    fs::write(
        &missing,
        "org = \"${organisation}\"\nidentifier = \"com.${tenant}.x\"\n",
    )
    .unwrap();
    let stderr = failing_batch(&spec, &rows, &out, &[]);
    assert!(
        stderr.contains(&format!(
            "psso-profile: error: `{rows}` line 3: 2 field(s), expected 3 as in the header\n"
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("written 2, failed 1, elapsed ")
            || stderr.contains("written 2, failed 1, elapsed "),
        "{stderr}"
    );
    assert_eq!(files(Path::new(&out)).len(), 2);

    let out2 = Path::new(&out).with_file_name("out2");
    let assert = bin()
        .args([
            "batch",
            "--spec",
            missing.to_str().unwrap(),
            "--rows",
            &rows,
            "--out-dir",
        ])
        .arg(&out2)
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(&format!("psso-profile: error: `{rows}` line 2: no column `organisation` for `${{organisation}}` in `org`\n")),
        "{stderr}"
    );
    assert!(files(&out2).is_empty());
}

#[test]
fn error_findings_fail_only_their_row() {
    let (dir, _spec, rows, out) = setup(
        "tenants.csv",
        "tenant,org,prefix,auth,macos\ncontoso,C,p,SmartCard,13\nfabrikam,F,p,SmartCard,14\n",
    );
    let spec = dir.path().join("auth.toml");
    fs::write(
        &spec,
        "auth = \"${auth}\"\nmin-macos = \"${macos}\"\nidentifier = \"com.${tenant}\"\n",
    )
    .unwrap();
    let assert = bin()
        .args([
            "batch",
            "--spec",
            spec.to_str().unwrap(),
            "--rows",
            &rows,
            "--out-dir",
            &out,
        ])
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("tenants.csv:2: error[sso.auth-method.macos13]"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("psso-profile: error: `{rows}` line 2: the profile has 2 error finding(s); nothing was written")),
        "{stderr}"
    );
    assert!(!stderr.contains("info["), "{stderr}");
    assert_eq!(files(Path::new(&out)), ["com.fabrikam.mobileconfig"]);
}

#[test]
fn colliding_names_stop_the_batch_before_anything_is_written() {
    let (_dir, spec, rows, out) = setup(
        "tenants.csv",
        "tenant,org,prefix\ncontoso,A,p\nfabrikam,B,p\nContoso,C,p\n",
    );
    bin()
        .args(["batch", "--spec", &spec, "--rows", &rows, "--out-dir", &out])
        .assert()
        .code(2)
        .stderr("psso-profile: error: rows at lines 2 and 4 would both write `com.Contoso.psso.mobileconfig`; nothing was written (make --name unique per row, such as `${tenant}`)\n");
    assert!(!Path::new(&out).exists());
}

#[test]
fn names_that_leave_the_folder_are_refused() {
    let (_dir, spec, rows, out) = setup("tenants.csv", "tenant,org,prefix\n..,A,p\nok,B,p\n");
    bin()
        .args([
            "batch",
            "--spec",
            &spec,
            "--rows",
            &rows,
            "--out-dir",
            &out,
            "--name",
            "../${tenant}",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value `../${tenant}` for `--name`",
        ));
    let assert = bin()
        .args([
            "batch",
            "--spec",
            &spec,
            "--rows",
            &rows,
            "--out-dir",
            &out,
            "--name",
            "${tenant}",
        ])
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(&format!(
            "psso-profile: error: `{rows}` line 2: invalid value `..` for `--name`"
        )),
        "{stderr}"
    );
    assert_eq!(files(Path::new(&out)), ["ok.mobileconfig"]);
}

#[test]
fn signed_batches_verify_with_openssl() {
    if !have_tool("openssl", "signed_batches_verify_with_openssl") {
        return;
    }
    let certs = selfsigned::dir();
    let mut rows = String::from("tenant,org,prefix\n");
    for i in 0..20 {
        rows.push_str(&format!("t{i},Tenant {i},com.t{i}.\n"));
    }
    let (dir, spec, rows, out) = setup("tenants.csv", &rows);
    for key in ["rsa", "p256"] {
        let signed = dir.path().join(format!("signed-{key}"));
        let assert = bin()
            .args(["batch", "--spec", &spec, "--rows", &rows, "--out-dir"])
            .arg(&signed)
            .arg("--sign-cert")
            .arg(certs.join(format!("{key}.pem")))
            .arg("--sign-key")
            .arg(certs.join(format!("{key}.key")))
            .args(["--signing-time", "2026-01-31T12:00:00Z"])
            .assert()
            .success();
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert_eq!(
            stderr
                .matches("holds the placeholder `{{DEVICEREGISTRATION}}`")
                .count(),
            1,
            "warned once: {stderr}"
        );
        assert_eq!(files(&signed).len(), 20);
        bin()
            .args([
                "batch",
                "--spec",
                &spec,
                "--rows",
                &rows,
                "--out-dir",
                &out,
                "--force",
            ])
            .assert()
            .success();
        for name in files(&signed) {
            let content = selfsigned::verify(&signed.join(&name), key);
            assert_eq!(
                content,
                fs::read(Path::new(&out).join(&name)).unwrap(),
                "{name}"
            );
        }
    }
}

/// Runs a batch reading rows from standard input with `TMPDIR` at `tmp`, feeds
/// it some rows without closing its input, and ends it with `signal`.
fn killed_while_spooling(tmp: &Path, spec: &str, out: &str, signal: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("psso-profile"))
        .args([
            "batch",
            "--spec",
            spec,
            "--rows",
            "-",
            "--rows-format",
            "csv",
            "--out-dir",
            out,
        ])
        .env("TMPDIR", tmp)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"tenant,org,prefix\n").unwrap();
    for i in 0..20_000 {
        writeln!(stdin, "t{i},Org {i},p").unwrap();
    }
    stdin.flush().unwrap();
    // The batch is copying its input: it has not seen its end.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(files(tmp), Vec::<String>::new(), "the spool has no name");
    assert!(child.try_wait().unwrap().is_none(), "still spooling");
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(
        files(tmp),
        Vec::<String>::new(),
        "{signal} left a file behind"
    );
    assert!(files(Path::new(out)).is_empty());
}

#[test]
fn a_signal_while_spooling_standard_input_leaves_nothing_behind() {
    let (dir, spec, _rows, out) = setup("t.csv", "");
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    for signal in ["KILL", "TERM", "INT"] {
        killed_while_spooling(&tmp, &spec, &out, signal);
    }
}

#[test]
fn oversized_standard_input_is_refused() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let (dir, spec, _rows, out) = setup("t.csv", "");
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("psso-profile"))
        .args([
            "batch",
            "--spec",
            &spec,
            "--rows",
            "-",
            "--rows-format",
            "csv",
            "--out-dir",
            &out,
        ])
        .env("TMPDIR", &tmp)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // 257 MiB of rows, or until the batch stops reading.
    let writer = std::thread::spawn(move || {
        let mut chunk = b"tenant,org,prefix\n".to_vec();
        chunk.resize(1024 * 1024, b'x');
        for _ in 0..257 {
            if stdin.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "psso-profile: error: `<stdin>` is larger than 268435456 bytes, too big for rows read from standard input; give --rows a file, which is read as it goes, with no limit\n"
    );
    assert!(files(Path::new(&out)).is_empty());
    assert!(files(&tmp).is_empty());
}

#[test]
fn names_collide_in_any_unicode_normalization_and_case() {
    // `Café` with a precomposed `é` (NFC), and with `e` and a combining acute
    // accent (NFD, as macOS writes names): one file on a Mac.
    let (_dir, spec, rows, out) = setup(
        "tenants.csv",
        "tenant,org,prefix\ncaf\u{e9},A,p\nother,B,p\nCAFE\u{301},C,p\n",
    );
    bin()
        .args(["batch", "--spec", &spec, "--rows", &rows, "--out-dir", &out])
        .args(["--name", "${tenant}"])
        .assert()
        .code(2)
        .stderr("psso-profile: error: rows at lines 2 and 4 would both write `CAFE\u{301}.mobileconfig`; nothing was written (make --name unique per row, such as `${tenant}`)\n");
    assert!(!Path::new(&out).exists());
}

#[test]
fn a_profile_too_large_to_read_back_fails_its_row() {
    // 9 MB, written three times (the organization, in the payload's and the
    // profile's, and the account display name): 28 MB.
    let big = "A".repeat(9 * 1024 * 1024);
    let (_dir, spec, rows, out) = setup(
        "tenants.csv",
        &format!("tenant,org,prefix\nbig,{big},p\nsmall,S,p\n"),
    );
    let stderr = failing_batch(&spec, &rows, &out, &[]);
    assert!(
        stderr.contains(&format!(
            "psso-profile: error: `{rows}` line 2: the profile is 28"
        )) && stderr.contains(
            " bytes, larger than the 16777216 bytes read as a configuration profile; nothing was written\n"
        ),
        "{stderr}"
    );
    assert_eq!(files(Path::new(&out)), ["com.small.psso.mobileconfig"]);
    bin()
        .arg("validate")
        .arg(Path::new(&out).join("com.small.psso.mobileconfig"))
        .assert()
        .success();
}

#[test]
fn row_errors_name_the_rows_file_in_row_order() {
    // Every third row fails; four threads finish chunks out of order.
    let mut text = String::from("tenant,org,prefix\n");
    for i in 0..2000 {
        if i % 3 == 0 {
            text.push_str(&format!("t{i},O{i}\n"));
        } else {
            text.push_str(&format!("t{i},O{i},p\n"));
        }
    }
    let (_dir, spec, rows, out) = setup("tenants.csv", &text);
    let stderr = failing_batch(&spec, &rows, &out, &["--jobs", "4"]);
    let prefix = format!("psso-profile: error: `{rows}` line ");
    let lines: Vec<u64> = stderr
        .lines()
        .filter(|l| l.starts_with("psso-profile: error:"))
        .map(|l| {
            let rest = l.strip_prefix(&prefix).unwrap_or_else(|| panic!("{l}"));
            rest.split(':').next().unwrap().parse().unwrap()
        })
        .collect();
    let expected: Vec<u64> = (0..2000).filter(|i| i % 3 == 0).map(|i| i + 2).collect();
    assert_eq!(lines, expected);
    assert!(stderr.contains("written 1333, failed 667"), "{stderr}");
}

#[test]
fn a_json_lines_key_given_twice_fails_its_row() {
    let (_dir, spec, rows, out) = setup(
        "tenants.jsonl",
        "{\"tenant\":\"a\",\"org\":\"A\",\"prefix\":\"p\"}\n\
         {\"tenant\":\"b\",\"org\":\"B\",\"prefix\":\"p\",\"tenant\":\"c\"}\n\
         {\"tenant\":\"d\",\"org\":\"D\",\"prefix\":\"p\",\"\\u0074enant\":\"e\"}\n",
    );
    let stderr = failing_batch(&spec, &rows, &out, &[]);
    for line in [2, 3] {
        assert!(
            stderr.contains(&format!(
                "psso-profile: error: `{rows}` line {line}: the key `tenant` is given twice; a row names each column once\n"
            )),
            "{stderr}"
        );
    }
    assert_eq!(files(Path::new(&out)), ["com.a.psso.mobileconfig"]);
}
