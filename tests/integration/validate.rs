//! `psso-profile validate`: the corpus of real-world mistakes and broken files,
//! output formats, autofix, signed input, and thousands of mutated profiles.

use std::path::PathBuf;
use std::time::Duration;

use predicates::prelude::*;
use serde::Deserialize;

use crate::support::{bin, generate, have_tool, payload};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

fn validate(args: &[&str]) -> assert_cmd::assert::Assert {
    bin()
        .arg("validate")
        .args(args)
        .timeout(Duration::from_secs(120))
        .assert()
}

fn validate_file(name: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let path = corpus(name);
    bin()
        .arg("validate")
        .arg(&path)
        .args(extra)
        .timeout(Duration::from_secs(60))
        .assert()
}

/// Each corpus profile with its exit code and findings (`rule path`) that must be reported.
const CASES: &[(&str, &[&str], i32, &[&str])] = &[
    ("clean.mobileconfig", &[], 0, &[]),
    (
        "e1-imazing-both-auth-keys.mobileconfig",
        &[],
        0,
        &[
            // The macOS 13 key means a fleet from macOS 13: the key is kept, no warning.
            "checked for a fleet from macOS 13 (the profile carries the macOS 13 AuthenticationMethod)",
            "info[sso.registration-token.absent] PayloadContent[0].RegistrationToken",
        ],
    ),
    (
        "e1-imazing-both-auth-keys.mobileconfig",
        &["--min-macos", "14"],
        0,
        &["warning[schema.deprecated-key] PayloadContent[0].AuthenticationMethod"],
    ),
    (
        "e1-imazing-both-auth-keys.mobileconfig",
        &["--min-macos", "14", "--strict"],
        1,
        &["warning[schema.deprecated-key]"],
    ),
    (
        "e3-password-without-filevault-policy.mobileconfig",
        &[],
        0,
        &[
            "warning[psso.password-filevault-policy] PayloadContent[0].PlatformSSO.FileVaultPolicy\n  is missing, so the fleet's Macs on macOS 15 and later get no FileVault policy",
        ],
    ),
    (
        "e3-password-without-filevault-policy.mobileconfig",
        &["--min-macos", "15"],
        0,
        &[
            "warning[psso.password-filevault-policy] PayloadContent[0].PlatformSSO.FileVaultPolicy\n  is missing, so the Macs get no FileVault policy",
        ],
    ),
    (
        "e4-partial-sovereign-urls.mobileconfig",
        &["--min-macos", "26"],
        0,
        &["warning[sso.urls.sovereign] PayloadContent[0].URLs"],
    ),
    (
        "e5-duplicate-payloads.mobileconfig",
        &[],
        1,
        &[
            "error[profile.sso-payload-count] PayloadContent[1]",
            "error[sso.screen-locked-behavior] PayloadContent[1].ScreenLockedBehavior",
            "error[sso.use-shared-device-keys] PayloadContent[1].PlatformSSO.UseSharedDeviceKeys",
            "error[schema.misplaced-key] PayloadContent[1].PlatformSSO.RegistrationToken",
            "error[psso.shared-keys-required] PayloadContent[1].PlatformSSO.EnableAuthorization",
            "warning[sso.urls.not-microsoft] PayloadContent[0].URLs[3]",
            "warning[ext.unknown-key] PayloadContent[0].ExtensionData.tenant_id",
        ],
    ),
    (
        "e6-psso-keys-in-extension-data.mobileconfig",
        &[],
        1,
        &[
            "error[ext.psso-key] PayloadContent[0].ExtensionData.authentication_method",
            "error[ext.psso-key] PayloadContent[0].ExtensionData.LoginFrequency",
            "error[ext.psso-key] PayloadContent[0].ExtensionData.RegistrationToken",
            "warning[ext.ios-only] PayloadContent[0].ExtensionData.device_registration",
            "warning[ext.unknown-key] PayloadContent[0].ExtensionData.platform_sso_enabled",
            "warning[sso.urls.not-microsoft] PayloadContent[0].URLs[7]",
        ],
    ),
    (
        "e6-psso-keys-in-extension-data.mobileconfig",
        &["--expect", "platform-sso"],
        1,
        &[
            "error[sso.auth-method] PayloadContent[0].PlatformSSO.AuthenticationMethod\n  is missing: the payload configures no Platform SSO, and Platform SSO is expected",
        ],
    ),
    (
        "urls-as-string.mobileconfig",
        &[],
        1,
        &[
            "error[sso.urls.commercial] PayloadContent[0].URLs\n  is `https://login.microsoftonline.com`; expected an array of URL strings",
        ],
    ),
    (
        "misspelt-method-and-modes.mobileconfig",
        &[],
        1,
        &[
            "error[sso.auth-method] PayloadContent[0].PlatformSSO.AuthenticationMethod",
            "error[schema.value] PayloadContent[0].PlatformSSO.NewUserAuthorizationMode",
            "error[schema.range] PayloadContent[0].PlatformSSO.LoginFrequency",
        ],
    ),
    (
        "shared-keys-string-binary.mobileconfig",
        &[],
        1,
        &[
            "error[sso.use-shared-device-keys] PayloadContent[0].PlatformSSO.UseSharedDeviceKeys\n  is `true`; Microsoft requires the boolean true",
        ],
    ),
    (
        "user-scope-shared-keys.mobileconfig",
        &[],
        1,
        &["error[profile.scope-user] PayloadScope"],
    ),
];

#[test]
fn corpus_is_judged_with_the_right_exit_code_and_key() {
    for (name, extra, code, expected) in CASES {
        let out = validate_file(name, extra).code(*code).get_output().clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        for needle in *expected {
            assert!(
                stdout.contains(&format!("{}: {needle}", corpus(name).display())),
                "{name} {extra:?}: `{needle}` not in\n{stdout}"
            );
        }
    }
}

/// Broken files: each exits 2 with a message naming the file and the problem.
const BROKEN: &[(&str, &str)] = &[
    (
        "empty.mobileconfig",
        "is empty; expected a configuration profile",
    ),
    (
        "truncated.mobileconfig",
        "is not a property list: an XML element is not closed (at line 33, column 26, byte 1008)",
    ),
    (
        "random-bytes.mobileconfig",
        "is not a property list: it is neither XML nor a binary property list (`bplist00`)",
    ),
    (
        "fake-der.mobileconfig",
        "is not a readable signed profile: not a CMS signed message",
    ),
    (
        "not-a-dictionary.mobileconfig",
        "is not a configuration profile: its root is an array, expected a dictionary",
    ),
    ("text-file.mobileconfig", "is not a property list"),
];

#[test]
fn broken_files_exit_2_with_a_message() {
    for (name, message) in BROKEN {
        validate_file(name, &[])
            .code(2)
            .stderr(predicate::str::contains(format!(
                "psso-profile: error: `{}` {message}",
                corpus(name).display()
            )));
    }
}

#[test]
fn broken_files_leave_no_output_with_fix() {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in BROKEN {
        let out = dir.path().join(name);
        validate_file(name, &["--fix", "-o", out.to_str().unwrap()]).code(2);
        assert!(
            !out.exists(),
            "{name}: nothing is written for unreadable input"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn fixed_corpus_validates_clean() {
    let dir = tempfile::tempdir().unwrap();
    // e6 puts Platform SSO settings into the ExtensionData of a payload without
    // Platform SSO: moving them would turn it on, so they stay findings
    // (`fix_never_turns_platform_sso_on`).
    for (name, extra, _, _) in CASES.iter().filter(|(name, ..)| !name.starts_with("e6-")) {
        let out = dir.path().join(format!("fixed-{name}"));
        let mut args: Vec<&str> = extra.iter().copied().filter(|a| *a != "--strict").collect();
        args.extend(["--fix", "--force", "-o", out.to_str().unwrap()]);
        validate_file(name, &args).code(0);
        let fixed = validate(&[out.to_str().unwrap()])
            .code(0)
            .get_output()
            .stdout
            .clone();
        let fixed = String::from_utf8(fixed).unwrap();
        assert!(fixed.contains(" 0 error(s)"), "{name}: {fixed}");
    }
}

#[test]
fn fix_keeps_identity_and_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e5.mobileconfig");
    validate_file("e5-duplicate-payloads.mobileconfig", &["--fix", "-o", out.to_str().unwrap()])
        .code(0)
        // The SSO extension payload goes into the Platform SSO one, whose identity
        // (and the Macs' registration) stays.
        .stdout(predicate::str::contains("fixed[profile.sso-payload-count] PayloadContent[0]: merged into PayloadContent[1] and removed"))
        .stdout(predicate::str::contains(
            "fixed[schema.misplaced-key] PayloadContent[0].PlatformSSO.RegistrationToken: moved to PayloadContent[0].RegistrationToken\n  for the Macs: macOS reads the setting where it now is",
        ))
        .stdout(predicate::str::contains(
            "warning: after these fixes every user registers Platform SSO again: PayloadContent[0].PlatformSSO.UseSharedDeviceKeys",
        ));
    let before = plist::Value::from_file(corpus("e5-duplicate-payloads.mobileconfig")).unwrap();
    let after = plist::Value::from_file(&out).unwrap();
    let (before, after) = (
        before.as_dictionary().unwrap(),
        after.as_dictionary().unwrap(),
    );
    for key in ["PayloadUUID", "PayloadIdentifier"] {
        assert_eq!(before[key], after[key]);
    }
    let payload = |d: &plist::Dictionary, i: usize| {
        d["PayloadContent"].as_array().unwrap()[i]
            .as_dictionary()
            .unwrap()
            .clone()
    };
    let payload = |d: &plist::Dictionary| payload(d, 0);
    assert_eq!(
        before["PayloadContent"].as_array().unwrap()[1]
            .as_dictionary()
            .unwrap()["PayloadUUID"],
        payload(after)["PayloadUUID"]
    );
    assert_eq!(
        payload(after)["RegistrationToken"].as_string(),
        Some("{{DEVICEREGISTRATION}}")
    );
    assert!(
        payload(after)["ExtensionData"]
            .as_dictionary()
            .unwrap()
            .contains_key("tenant_id"),
        "unknown keys are kept"
    );
}

#[test]
fn fix_in_place_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.mobileconfig");
    let b = dir.path().join("b.mobileconfig");
    std::fs::copy(corpus("urls-as-string.mobileconfig"), &a).unwrap();
    std::fs::copy(corpus("shared-keys-string-binary.mobileconfig"), &b).unwrap();
    // Two variants of one profile, not profiles installed together.
    validate(&[
        "--fix",
        "--in-place",
        "--no-fleet",
        dir.path().to_str().unwrap(),
    ])
    .code(0);
    validate(&["--no-fleet", dir.path().to_str().unwrap()]).code(0);
    // Installed together, they are two payloads for the Microsoft plug-in.
    validate(&[dir.path().to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains("error[fleet.microsoft-payloads]"));
    assert!(
        std::fs::read(&b).unwrap().starts_with(b"bplist00"),
        "binary stays binary"
    );

    validate(&["--fix", "-o", "x.mobileconfig", a.to_str().unwrap(), b.to_str().unwrap()])
        .code(2)
        .stderr("psso-profile: error: --fix -o writes one profile, but 2 inputs were given; use --in-place for several\n");
    validate(&["--fix", a.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::contains(
            "--fix needs -o FILE or --in-place",
        ));
    validate(&["--fix", "-o", b.to_str().unwrap(), a.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::contains(
            "already exists; pass --force to overwrite it",
        ));
    validate(&["-o", "x"])
        .code(2)
        .stderr(predicate::str::contains("--fix"));
}

#[test]
fn fix_to_stdout_puts_the_report_on_stderr() {
    let out = validate_file("urls-as-string.mobileconfig", &["--fix", "-o", "-"])
        .code(0)
        .get_output()
        .clone();
    assert!(out.stdout.starts_with(b"<?xml"), "the profile is on stdout");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed[sso.urls.commercial]"));
}

#[test]
fn folders_several_files_and_stdin() {
    // A folder: every *.mobileconfig below it; unreadable ones make the run exit 2.
    // The corpus holds variants, not profiles installed together: each alone.
    let out = validate(&["--no-fleet", corpus("").to_str().unwrap()])
        .code(2)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.ends_with("16 file(s): 16 error(s), 13 warning(s), 12 note(s), 6 unreadable\n"),
        "{text}"
    );
    validate(&[
        corpus("clean.mobileconfig").to_str().unwrap(),
        corpus("e5-duplicate-payloads.mobileconfig")
            .to_str()
            .unwrap(),
    ])
    .code(1);
    bin()
        .args(["validate", "-"])
        .pipe_stdin(corpus("clean.mobileconfig"))
        .unwrap()
        .assert()
        .code(0)
        .stdout("<stdin>: checked for a fleet from macOS 14 (the profile carries no macOS 13 AuthenticationMethod)\n<stdin>: ok\n1 file(s): 0 error(s), 0 warning(s), 0 note(s)\n");
    validate(&["/nonexistent/psso.mobileconfig"])
        .code(2)
        .stderr("psso-profile: error: cannot read `/nonexistent/psso.mobileconfig`: No such file or directory (os error 2)\n");
    let empty = tempfile::tempdir().unwrap();
    validate(&[empty.path().to_str().unwrap()])
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` holds no `*.mobileconfig` file\n",
            empty.path().display()
        ));
}

#[test]
fn oversized_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.mobileconfig");
    std::fs::write(&big, vec![b' '; 16 * 1024 * 1024 + 1]).unwrap();
    validate(&[big.to_str().unwrap()])
        .code(2)
        .stderr(format!("psso-profile: error: `{}` is larger than 16777216 bytes, too big for a configuration profile\n", big.display()));
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonReport {
    min_macos: Option<u16>,
    expect: String,
    strict: bool,
    files: Vec<JsonFile>,
    fleet: Vec<JsonFleetFinding>,
    summary: JsonSummary,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile {
    path: String,
    format: Option<String>,
    signature_valid: Option<bool>,
    error: Option<String>,
    target: Option<JsonTarget>,
    payloads: Vec<JsonPayloadKind>,
    findings: Vec<JsonFinding>,
    fixes: Vec<JsonFix>,
    reregistration: Vec<JsonReregistration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonTarget {
    min_macos: serde_json::Value,
    source: String,
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPayloadKind {
    index: usize,
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFinding {
    rule: String,
    severity: String,
    path: String,
    message: String,
    fix: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFix {
    rule: String,
    path: String,
    action: String,
    effect: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonReregistration {
    path: String,
    reason: String,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLocation {
    file: String,
    path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFleetFinding {
    rule: String,
    severity: String,
    file: String,
    path: String,
    message: String,
    fix: String,
    related: Option<JsonLocation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    unreadable: usize,
}

#[test]
fn json_report_has_the_documented_shape() {
    let out = validate(&[
        "--format",
        "json",
        "--min-macos",
        "15",
        corpus("e5-duplicate-payloads.mobileconfig")
            .to_str()
            .unwrap(),
        corpus("shared-keys-string-binary.mobileconfig")
            .to_str()
            .unwrap(),
        corpus("empty.mobileconfig").to_str().unwrap(),
    ])
    .code(2)
    .get_output()
    .stdout
    .clone();
    let report: JsonReport = serde_json::from_slice(&out).unwrap();
    assert_eq!((report.min_macos, report.strict), (Some(15), false));
    assert_eq!(report.expect, "any");
    let target = report.files[0].target.as_ref().unwrap();
    assert_eq!(
        (
            &target.min_macos,
            target.source.as_str(),
            target.reason.as_deref()
        ),
        (&15.into(), "given", None)
    );
    assert_eq!(
        report.files[0]
            .payloads
            .iter()
            .map(|p| (p.index, p.kind.as_str()))
            .collect::<Vec<_>>(),
        [
            (0, "microsoft-sso-extension"),
            (1, "microsoft-platform-sso")
        ]
    );
    assert!(report.files[2].target.is_none() && report.files[2].payloads.is_empty());
    // The files checked together: two Microsoft payloads, each profile's own one.
    assert!(
        report
            .fleet
            .iter()
            .any(|f| f.rule == "fleet.microsoft-payloads"),
        "{:?}",
        report.fleet
    );
    for f in &report.fleet {
        assert!(!f.message.is_empty() && !f.fix.is_empty() && !f.severity.is_empty());
        let related = f.related.as_ref().unwrap();
        assert_ne!(related.file, f.file);
        assert!(!f.path.is_empty() && !related.path.is_empty());
    }
    assert_eq!(report.files.len(), 3);
    let e5 = &report.files[0];
    assert_eq!(
        (
            e5.format.as_deref(),
            e5.signature_valid,
            e5.error.as_deref()
        ),
        (Some("xml"), None, None)
    );
    assert_eq!(
        e5.target.as_ref().map(|t| &t.min_macos),
        Some(&15.into()),
        "the fleet the file was checked for"
    );
    let first = &e5.findings[0];
    assert_eq!(
        (
            first.rule.as_str(),
            first.severity.as_str(),
            first.path.as_str()
        ),
        ("profile.sso-payload-count", "error", "PayloadContent[1]")
    );
    assert!(first.message.contains("10002") && !first.fix.is_empty());
    assert_eq!(report.files[1].format.as_deref(), Some("binary"));
    let empty = &report.files[2];
    assert!(empty.error.as_deref().unwrap().ends_with(
        "is empty; expected a configuration profile (an XML, binary or CMS-signed property list)"
    ));
    assert!(empty.findings.is_empty() && empty.format.is_none());
    assert_eq!(report.summary.files, 3);
    assert_eq!(report.summary.unreadable, 1);
    assert!(report.summary.errors > 0 && report.summary.warnings > 0 && report.summary.info > 0);
    assert_eq!(
        report
            .files
            .iter()
            .map(|f| f.path.clone())
            .filter(|p| p.ends_with("empty.mobileconfig"))
            .count(),
        1
    );
}

#[test]
fn json_report_lists_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.mobileconfig");
    let json = validate_file(
        "urls-as-string.mobileconfig",
        &["--format", "json", "--fix", "-o", out.to_str().unwrap()],
    )
    .code(0)
    .get_output()
    .stdout
    .clone();
    let report: JsonReport = serde_json::from_slice(&json).unwrap();
    let fix = &report.files[0].fixes[0];
    assert_eq!(
        (fix.rule.as_str(), fix.path.as_str(), fix.action.as_str()),
        (
            "sso.urls.commercial",
            "PayloadContent[0].URLs",
            "added `https://login.microsoft.com`"
        )
    );
    assert!(fix.effect.contains("commercial URL"), "{}", fix.effect);
    // A fix that re-registers users is named in the JSON too.
    let json = validate_file(
        "shared-keys-string-binary.mobileconfig",
        &[
            "--format",
            "json",
            "--fix",
            "--force",
            "-o",
            out.to_str().unwrap(),
        ],
    )
    .get_output()
    .stdout
    .clone();
    let shared: JsonReport = serde_json::from_slice(&json).unwrap();
    let r = &shared.files[0].reregistration[0];
    assert_eq!(r.path, "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys");
    assert!(
        r.reason.contains("every user register again") && r.source.contains("S7"),
        "{r:?}"
    );
    assert_eq!(report.min_macos, None);
    assert_eq!(report.files[0].target.as_ref().unwrap().source, "profile");
    assert!(report.files[0].reregistration.is_empty());
    assert!(
        report.files[0]
            .findings
            .iter()
            .all(|f| f.severity != "error")
    );
}

#[test]
fn the_fleet_view_names_both_files_and_both_key_paths() {
    let dir = tempfile::tempdir().unwrap();
    let ext = generate(
        dir.path(),
        "a-ext.mobileconfig",
        &[
            "--expect",
            "sso-extension",
            "--identifier",
            "com.contoso.sso",
        ],
    );
    let psso = generate(
        dir.path(),
        "b-psso.mobileconfig",
        &["--identifier", "com.contoso.psso"],
    );
    let (ext_name, psso_name) = (ext.display().to_string(), psso.display().to_string());
    // Each alone is fine.
    validate(&["--no-fleet", dir.path().to_str().unwrap()]).code(0);
    let out = validate(&[dir.path().to_str().unwrap()])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(&format!(
            "{psso_name}: error[fleet.microsoft-payloads] PayloadContent[0]\n  is a payload for the Microsoft SSO plug-in (with Platform SSO) besides {ext_name} PayloadContent[0] (without Platform SSO); installed together, the plug-in fails with error 10002 (multiple SSOe payloads)\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{psso_name}: error[fleet.urls-unique] PayloadContent[0].URLs\n  shares `https://login.microsoftonline.com`, `https://login.microsoft.com`, `https://sts.windows.net`, "
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("with {ext_name} PayloadContent[0].URLs; Apple requires the URLs of all installed Extensible SSO payloads to be unique")),
        "{text}"
    );
    assert!(
        text.contains(&format!("  also: {ext_name} PayloadContent[0].URLs\n")),
        "{text}"
    );
    assert!(
        text.ends_with("2 file(s): 2 error(s), 0 warning(s), 1 note(s)\n"),
        "{text}"
    );

    // JSON: both locations.
    let out = validate(&[
        "--format",
        "json",
        ext.to_str().unwrap(),
        psso.to_str().unwrap(),
    ])
    .code(1)
    .get_output()
    .stdout
    .clone();
    let report: JsonReport = serde_json::from_slice(&out).unwrap();
    let urls: Vec<&JsonFleetFinding> = report
        .fleet
        .iter()
        .filter(|f| f.rule == "fleet.urls-unique")
        .collect();
    assert_eq!(
        urls.len(),
        1,
        "one finding for the two payloads: {:?}",
        report.fleet
    );
    let first = urls[0];
    assert_eq!(
        (first.file.as_str(), first.path.as_str()),
        (psso_name.as_str(), "PayloadContent[0].URLs")
    );
    let related = first.related.as_ref().unwrap();
    assert_eq!(
        (related.file.as_str(), related.path.as_str()),
        (ext_name.as_str(), "PayloadContent[0].URLs")
    );
    assert_eq!(report.summary.errors, 2);

    // SARIF: the finding's location and its related location, each on its line.
    let out = validate(&[
        "--format",
        "sarif",
        ext.to_str().unwrap(),
        psso.to_str().unwrap(),
    ])
    .code(1)
    .get_output()
    .stdout
    .clone();
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let overlap = results
        .iter()
        .find(|r| r["ruleId"] == "fleet.urls-unique")
        .unwrap();
    let here = &overlap["locations"][0]["physicalLocation"];
    let there = &overlap["relatedLocations"][0]["physicalLocation"];
    assert_eq!(
        here["artifactLocation"]["uri"],
        psso_name.replace('\\', "/")
    );
    assert_eq!(
        there["artifactLocation"]["uri"],
        ext_name.replace('\\', "/")
    );
    for (loc, file) in [(here, &psso), (there, &ext)] {
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(file).unwrap();
        assert_eq!(
            text.lines().nth(line - 1).unwrap().trim(),
            "<key>URLs</key>"
        );
    }
    assert_eq!(
        overlap["relatedLocations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "PayloadContent[0].URLs"
    );

    // The same profile twice: one replaces the other.
    let copy = dir.path().join("c-copy.mobileconfig");
    std::fs::copy(&psso, &copy).unwrap();
    let out = validate(&[
        "--format",
        "json",
        psso.to_str().unwrap(),
        copy.to_str().unwrap(),
    ])
    .code(1)
    .get_output()
    .stdout
    .clone();
    let report: JsonReport = serde_json::from_slice(&out).unwrap();
    let rules: Vec<(&str, &str)> = report
        .fleet
        .iter()
        .filter(|f| f.rule != "fleet.urls-unique")
        .map(|f| (f.rule.as_str(), f.path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("fleet.microsoft-payloads", "PayloadContent[0]"),
            ("fleet.identifier-unique", "PayloadIdentifier"),
            ("fleet.uuid-unique", "PayloadUUID"),
            ("fleet.uuid-unique", "PayloadContent[0].PayloadUUID"),
        ]
    );
}

#[test]
fn expect_judges_the_payloads_and_checks_the_set() {
    let dir = tempfile::tempdir().unwrap();
    let ext = generate(
        dir.path(),
        "ext.mobileconfig",
        &["--expect", "sso-extension"],
    );
    let psso = generate(
        dir.path(),
        "psso.mobileconfig",
        &["--identifier", "com.contoso.psso"],
    );
    // An SSO extension profile is clean unless Platform SSO is expected.
    validate(&[ext.to_str().unwrap()]).code(0);
    validate(&["--expect", "sso-extension", ext.to_str().unwrap()]).code(0);
    validate(&["--expect", "platform-sso", ext.to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains(
            "error[sso.auth-method] PayloadContent[0].PlatformSSO.AuthenticationMethod\n  is missing: the payload configures no Platform SSO, and Platform SSO is expected",
        ))
        .stdout(predicate::str::contains(
            "error[fleet.expected-payload] PayloadContent\n  the profile checked holds no payload of the kind expected: Microsoft Platform SSO",
        ));
    validate(&["--expect", "sso-extension", psso.to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains(
            "error[sso.expected-kind] PayloadContent[0].PlatformSSO\n  configures Platform SSO, but the Microsoft SSO extension without Platform SSO is expected",
        ));
    // The expectation holds for the set: a Kerberos companion profile beside the
    // Platform SSO one is fine.
    let kerberos = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/realworld/msdocs-kerberos-cloud-psso-tgt.mobileconfig");
    validate(&["--expect", "platform-sso", kerberos.to_str().unwrap()])
        .stdout(predicate::str::contains("error[fleet.expected-payload]"));
    validate(&[
        "--expect",
        "platform-sso",
        kerberos.to_str().unwrap(),
        psso.to_str().unwrap(),
    ])
    .stdout(predicate::str::contains("fleet.expected-payload").not())
    .stdout(predicate::str::contains("error[sso.").not());
}

#[test]
fn fix_never_turns_platform_sso_on_nor_drops_macos_13() {
    let dir = tempfile::tempdir().unwrap();
    // Platform SSO settings in the ExtensionData of an SSO extension payload stay
    // findings: moving them would turn Platform SSO on.
    let out = dir.path().join("e6.mobileconfig");
    validate_file(
        "e6-psso-keys-in-extension-data.mobileconfig",
        &["--fix", "-o", out.to_str().unwrap()],
    )
    .code(1)
    .stdout(predicate::str::contains(
        "error[ext.psso-key] PayloadContent[0].ExtensionData.authentication_method",
    ));
    let fixed = plist::Value::from_file(&out).unwrap();
    let first = payload(&fixed, 0);
    for key in ["PlatformSSO", "AuthenticationMethod", "RegistrationToken"] {
        assert!(!first.contains_key(key), "{key} added");
    }
    // An SSO extension payload with Microsoft's mistakes gets Microsoft's fixes,
    // never a PlatformSSO dictionary, even when Platform SSO is expected.
    let ext = generate(
        dir.path(),
        "ext.mobileconfig",
        &["--expect", "sso-extension"],
    );
    let mut value = plist::Value::from_file(&ext).unwrap();
    let sso = value.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()[0]
        .as_dictionary_mut()
        .unwrap();
    sso.insert("TeamIdentifier".into(), "ubf8t346g9".into());
    sso.insert("UseSharedDeviceKeys".into(), true.into());
    value.to_file_xml(&ext).unwrap();
    let out = dir.path().join("ext-fixed.mobileconfig");
    validate(&[
        "--fix",
        "--expect",
        "platform-sso",
        "-o",
        out.to_str().unwrap(),
        ext.to_str().unwrap(),
    ])
    .stdout(predicate::str::contains(
        "fixed[sso.team-identifier] PayloadContent[0].TeamIdentifier: set to `UBF8T346G9`",
    ))
    .stdout(predicate::str::contains("after these fixes").not());
    let fixed = plist::Value::from_file(&out).unwrap();
    let second = payload(&fixed, 0);
    assert!(!second.contains_key("PlatformSSO"), "{second:?}");
    assert!(
        second.contains_key("UseSharedDeviceKeys"),
        "the misplaced key stays for the admin"
    );

    // The macOS 13 key stays while the fleet may include macOS 13, and goes only
    // when the fleet is given as starting at 14, saying what that does.
    let out = dir.path().join("e1.mobileconfig");
    validate_file(
        "e1-imazing-both-auth-keys.mobileconfig",
        &["--fix", "-o", out.to_str().unwrap()],
    )
    .code(0);
    let fixed = plist::Value::from_file(&out).unwrap();
    let top = |v: &plist::Value| {
        v.as_dictionary().unwrap()["PayloadContent"]
            .as_array()
            .unwrap()[0]
            .as_dictionary()
            .unwrap()
            .contains_key("AuthenticationMethod")
    };
    assert!(top(&fixed), "the macOS 13 key is kept");
    validate_file(
        "e1-imazing-both-auth-keys.mobileconfig",
        &["--fix", "--force", "--min-macos", "14", "-o", out.to_str().unwrap()],
    )
    .code(0)
    .stdout(predicate::str::contains(
        "fixed[schema.deprecated-key] PayloadContent[0].AuthenticationMethod: removed: deprecated since macOS 14, and the fleet starts at macOS 14\n  for the Macs: none on macOS 14 and later",
    ))
    .stdout(predicate::str::contains("after these fixes").not());
    assert!(!top(&plist::Value::from_file(&out).unwrap()));
}

#[test]
fn sarif_log_for_code_scanning() {
    let out = validate(&[
        "--format",
        "sarif",
        corpus("e5-duplicate-payloads.mobileconfig")
            .to_str()
            .unwrap(),
        corpus("empty.mobileconfig").to_str().unwrap(),
    ])
    .code(2)
    .get_output()
    .stdout
    .clone();
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "psso-profile");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "sso.use-shared-device-keys"
        && r["defaultConfiguration"]["level"] == "error"));
    let results = run["results"].as_array().unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
    }
    // The finding on the misplaced RegistrationToken points at its line.
    let misplaced = results
        .iter()
        .find(|r| r["ruleId"] == "schema.misplaced-key")
        .unwrap();
    let line = misplaced["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    let text = std::fs::read_to_string(corpus("e5-duplicate-payloads.mobileconfig")).unwrap();
    assert_eq!(
        text.lines().nth(line - 1).unwrap().trim(),
        "<key>RegistrationToken</key>"
    );
    assert_eq!(
        misplaced["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "PayloadContent[1].PlatformSSO.RegistrationToken"
    );
    assert!(results.iter().any(|r| r["ruleId"] == "input.unreadable"));
}

/// The RSA certificate and key of the shared test signer.
fn signer() -> (PathBuf, PathBuf) {
    let dir = crate::selfsigned::dir();
    (dir.join("rsa.pem"), dir.join("rsa.key"))
}

#[test]
fn signed_profiles_are_verified_and_tampering_is_an_error() {
    if !have_tool(
        "openssl",
        "signed_profiles_are_verified_and_tampering_is_an_error",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = signer();
    let signed = dir.path().join("signed.mobileconfig");
    bin()
        .args([
            "sign",
            corpus("clean.mobileconfig").to_str().unwrap(),
            "-o",
            signed.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
        .assert()
        .success();
    let s = signed.to_str().unwrap();
    validate(&[s])
        .code(0)
        .stdout(predicate::str::contains(format!(
            "{s}: signed by CN=psso-test-rsa (valid signature)"
        )));
    validate(&[s, "--ca", cert.to_str().unwrap()]).code(0);

    // One changed byte in the signed content.
    let mut bytes = std::fs::read(&signed).unwrap();
    let at = bytes.windows(8).position(|w| w == b"Redirect").unwrap();
    bytes[at] = b'r';
    let tampered = dir.path().join("tampered.mobileconfig");
    std::fs::write(&tampered, &bytes).unwrap();
    validate(&[tampered.to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains("INVALID signature"))
        .stdout(predicate::str::contains("error[signature.invalid] (profile)\n  the signature is invalid: the message digest does not match the content"));

    // A CA that did not issue the signer.
    let other_ca = crate::selfsigned::dir().join("p256.pem");
    validate(&[s, "--ca", other_ca.to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains("error[signature.invalid]"));

    // Fixing a signed profile writes it unsigned, with a warning.
    let out = dir.path().join("fixed.mobileconfig");
    validate(&[s, "--fix", "-o", out.to_str().unwrap()])
        .code(0)
        .stderr(predicate::str::contains(
            "was signed; the repaired profile is written unsigned and must be signed again",
        ));
    assert!(std::fs::read(&out).unwrap().starts_with(b"<?xml"));
}

/// Mutations of XML, binary and signed profiles: every run ends with exit 0, 1 or
/// 2, never a panic or a hang, and every unreadable file has a message.
#[test]
fn thousands_of_mutated_profiles_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut seeds: Vec<(String, Vec<u8>)> = [
        "clean.mobileconfig",
        "e5-duplicate-payloads.mobileconfig",
        "shared-keys-string-binary.mobileconfig",
    ]
    .iter()
    .map(|n| (n.to_string(), std::fs::read(corpus(n)).unwrap()))
    .collect();
    if have_tool(
        "openssl",
        "thousands_of_mutated_profiles_never_crash (signed seed)",
    ) {
        let (cert, key) = signer();
        let signed = dir.path().join("seed-signed");
        bin()
            .args([
                "sign",
                corpus("clean.mobileconfig").to_str().unwrap(),
                "-o",
                signed.to_str().unwrap(),
                "--cert",
                cert.to_str().unwrap(),
                "--key",
                key.to_str().unwrap(),
            ])
            .assert()
            .success();
        seeds.push(("signed".to_string(), std::fs::read(&signed).unwrap()));
    }
    let mutants = dir.path().join("mutants");
    std::fs::create_dir(&mutants).unwrap();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let tokens: [&[u8]; 16] = [
        b"<dict>",
        b"</array>",
        b"<true/>",
        b"<integer>99999999999999999999</integer>",
        b"<key>PlatformSSO</key>",
        b"&amp;",
        b"\x00",
        b"<![CDATA[",
        // Control characters, raw and as references, and byte order marks.
        b"\x1b[2J\x07",
        b"\r\n  signature: valid",
        b"&#27;",
        b"&#x0;",
        b"&#13;",
        b"\xEF\xBB\xBF",
        b"\xEF\xBF\xBE",
        b"</plist>",
    ];
    let mut count = 0;
    for (name, seed) in &seeds {
        for i in 0..800 {
            let mut m = seed.clone();
            for _ in 0..=next(4) {
                let at = next(m.len().max(1));
                match next(5) {
                    0 => {
                        let last = m.len() - 1;
                        m[at.min(last)] ^= 1 << next(8);
                    }
                    1 => m.truncate(at),
                    2 => m
                        .splice(at..at, tokens[next(tokens.len())].iter().copied())
                        .for_each(drop),
                    3 => {
                        let end = (at + next(64)).min(m.len());
                        m.drain(at..end);
                    }
                    _ => {
                        let end = (at + next(32)).min(m.len());
                        let copy: Vec<u8> = m[at..end].to_vec();
                        let to = next(m.len().max(1));
                        m.splice(to..to, copy).for_each(drop);
                    }
                }
                if m.is_empty() {
                    break;
                }
            }
            if i % 50 == 0 {
                // A byte order mark first.
                m.splice(0..0, *b"\xEF\xBB\xBF").for_each(drop);
            }
            std::fs::write(mutants.join(format!("{name}-{i}.mobileconfig")), &m).unwrap();
            count += 1;
        }
    }
    assert!(count >= 2400);
    let out = bin()
        .args(["validate", "--format", "json", "--min-macos", "13"])
        .arg(&mutants)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let code = out.status.code().expect("exited normally, not by a signal");
    assert!([0, 1, 2].contains(&code), "exit {code}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: JsonReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.files.len(), count);
    // Nothing of the mutants reaches the terminal raw: the human report and
    // the errors escape every control character.
    let human = bin()
        .args(["validate", "--min-macos", "13"])
        .arg(&mutants)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert!([0, 1, 2].contains(&human.status.code().expect("exited normally")));
    for stream in [&human.stdout, &human.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.chars().any(|c| c != '\n' && c.is_control()),
            "a control character reached the terminal"
        );
    }
    for f in &report.files {
        match &f.error {
            Some(message) => {
                assert!(
                    message.contains(&f.path) || message.contains("mobileconfig"),
                    "{message}"
                );
                assert!(f.findings.is_empty());
            }
            None => assert!(f.format.is_some()),
        }
    }
    // Each unreadable file also has its message on stderr.
    let unreadable = report.files.iter().filter(|f| f.error.is_some()).count();
    assert_eq!(stderr.matches("psso-profile: error: ").count(), unreadable);
    assert!(
        unreadable > 0 && unreadable < count,
        "the mutations exercise both paths ({unreadable} of {count} unreadable)"
    );
}

/// Colors on a terminal only, and never with `NO_COLOR` (runs the binary under a
/// pseudo-terminal with util-linux `script`).
#[test]
fn colors_on_a_terminal_unless_no_color() {
    if !have_tool("script", "colors_on_a_terminal_unless_no_color") {
        return;
    }
    let file = corpus("urls-as-string.mobileconfig");
    let command = format!(
        "{} validate {}",
        env!("CARGO_BIN_EXE_psso-profile"),
        file.display()
    );
    let run = |no_color: bool| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    assert!(run(false).contains("\x1b[1;31merror[sso.urls.commercial]\x1b[0m"));
    let plain = run(true);
    assert!(
        plain.contains("error[sso.urls.commercial] PayloadContent[0].URLs")
            && !plain.contains('\x1b')
    );
    // Not a terminal: no colors either.
    let piped = validate_file("urls-as-string.mobileconfig", &[])
        .get_output()
        .stdout
        .clone();
    assert!(!piped.contains(&0x1b));
}
