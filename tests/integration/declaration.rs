//! The declaration form: `generate --format declaration`, `wrap --declaration legacy`,
//! and `validate`, `inspect`, `diff`, `explain` and `batch` with declarations; each
//! declaration checked by an independent checker against Apple's declaration schemas.

use std::path::Path;

use predicates::prelude::*;
use serde::Deserialize;

use crate::support::{bin, have_tool, shared_reference};

fn generate(args: &[&str]) -> assert_cmd::assert::Assert {
    bin().arg("generate").args(args).assert()
}

fn json_of(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

/// The shape of a declaration: the four keys of every declaration, nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
struct JsonDeclaration {
    Type: String,
    Identifier: String,
    ServerToken: String,
    Payload: serde_json::Map<String, serde_json::Value>,
}

const CONTOSO: [&str; 6] = [
    "--min-macos",
    "27",
    "--org",
    "Contoso",
    "--identifier",
    "com.contoso.platformsso",
];

#[test]
fn generate_writes_the_extensible_sso_declaration_deterministically() {
    let out = generate(&[&CONTOSO[..], &["--format", "declaration"]].concat())
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let d: JsonDeclaration = serde_json::from_slice(&out).unwrap();
    assert_eq!(d.Type, "com.apple.configuration.extensible-sso");
    assert_eq!(d.Identifier, "com.contoso.platformsso.extensible-sso");
    assert_eq!(
        uuid::Uuid::parse_str(&d.ServerToken)
            .unwrap()
            .get_version_num(),
        5
    );
    assert_eq!(
        d.Payload["ExtensionComposedIdentifier"],
        "com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)"
    );
    assert_eq!(d.Payload["PlatformSSO"]["UseSharedDeviceKeys"], true);
    assert_eq!(
        d.Payload["PlatformSSO"]["UserCreation"]["TokenToUserMapping"]["AccountName"],
        "preferred_username"
    );
    assert!(d.Payload.get("TeamIdentifier").is_none());
    let again = generate(&[&CONTOSO[..], &["--format", "declaration"]].concat())
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(out, again, "the same settings give the same bytes");

    // The identifier and the token can be given, on the command line or in a spec file.
    let given = generate(
        &[
            &CONTOSO[..],
            &[
                "--format",
                "declaration",
                "--declaration-identifier",
                "psso-1",
                "--server-token",
                "42",
            ],
        ]
        .concat(),
    )
    .success()
    .get_output()
    .stdout
    .clone();
    let d: JsonDeclaration = serde_json::from_slice(&given).unwrap();
    assert_eq!(
        (d.Identifier.as_str(), d.ServerToken.as_str()),
        ("psso-1", "42")
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.toml");
    std::fs::write(
        &spec,
        "min-macos = 27\norg = \"Contoso\"\nidentifier = \"com.contoso.platformsso\"\ndeclaration-identifier = \"psso-1\"\nserver-token = \"42\"\n",
    )
    .unwrap();
    let from_spec = generate(&["--spec", spec.to_str().unwrap(), "--format", "declaration"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(from_spec, given);
}

#[test]
fn a_fleet_before_27_is_refused_and_names_the_legacy_route() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.json");
    generate(&["--min-macos", "26", "--format", "declaration", "-o", out.to_str().unwrap()])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "psso-profile: error: the `com.apple.configuration.extensible-sso` declaration is read by macOS 27 and later, but the fleet starts at macOS 26",
        ))
        .stderr(predicate::str::contains(
            "`psso-profile wrap PROFILE --declaration legacy --profile-url URL`",
        ));
    assert!(!out.exists());
    generate(&[
        "--min-macos",
        "27",
        "--format",
        "declaration",
        "--mdm-command",
    ])
    .code(2)
    .stderr(predicate::str::contains(
        "not carried by an InstallProfile command; drop --mdm-command",
    ));
}

/// Writes `args`'s declaration into `dir` as `name` and returns its path.
fn declaration_file(dir: &Path, name: &str, args: &[&str]) -> std::path::PathBuf {
    let file = dir.join(name);
    let mut all = vec!["--format", "declaration", "-o", file.to_str().unwrap()];
    all.extend_from_slice(args);
    generate(&all).success();
    file
}

/// Rewrites the JSON file at `path` with `edit`.
fn edit(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut value = json_of(&std::fs::read(path).unwrap());
    edit(&mut value);
    std::fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
}

#[derive(Debug, Deserialize)]
struct JsonReport {
    files: Vec<JsonFile>,
}

#[derive(Debug, Deserialize)]
struct JsonFile {
    format: Option<String>,
    target: Option<JsonTarget>,
    findings: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct JsonTarget {
    min_macos: serde_json::Value,
    source: String,
}

#[test]
fn validate_reads_a_declaration_and_reports_at_its_own_paths() {
    let dir = tempfile::tempdir().unwrap();
    let file = declaration_file(
        dir.path(),
        "d.json",
        &[
            &CONTOSO[..],
            &["--registration-token", "{{DEVICEREGISTRATION}}"],
        ]
        .concat(),
    );
    bin()
        .args(["validate"])
        .arg(&file)
        .assert()
        .success()
        .stdout(format!(
            "{0}: checked for a fleet from macOS 27 (an extensible-sso declaration, which macOS 27 and later read)\n{0}: ok\n1 file(s): 0 error(s), 0 warning(s), 0 note(s)\n",
            file.display()
        ));

    edit(&file, |d| {
        d["Payload"]["ScreenLockedBehavior"] = "Cancel".into();
        d["Payload"]["PlatformSSO"]["EnableCreateUserAtLogin"] = true.into();
    });
    let out = bin().args(["validate"]).arg(&file).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("error[sso.screen-locked-behavior] Payload.ScreenLockedBehavior\n  is `Cancel`; Microsoft requires `DoNotHandle`\n  fix: set \"ScreenLockedBehavior\": \"DoNotHandle\"\n"),
        "{text}"
    );
    assert!(
        text.contains("warning[declaration.unknown-key] Payload.PlatformSSO.EnableCreateUserAtLogin\n  is not a key of the declaration here; the declaration has it as `Payload.PlatformSSO.UserCreation.EnableAtLogin`"),
        "{text}"
    );

    let json = bin()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: JsonReport = serde_json::from_slice(&json).unwrap();
    assert_eq!(report.files[0].format.as_deref(), Some("json"));
    let target = report.files[0].target.as_ref().unwrap();
    assert_eq!(
        (&target.min_macos, target.source.as_str()),
        (&27.into(), "profile"),
        "a declaration's fleet starts at 27"
    );
    assert_eq!(report.files[0].findings.len(), 2);

    // SARIF points at the key's line in the JSON.
    let sarif = bin()
        .args(["validate", "--format", "sarif"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let sarif = json_of(&sarif);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "sso.screen-locked-behavior");
    let line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("\"ScreenLockedBehavior\""),
        "line {line} of {text}"
    );

    // For a fleet from 26, the declaration itself is an error.
    bin()
        .args(["validate", "--min-macos", "26"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[declaration.macos] Type\n"));

    // --fix repairs it as it repairs a profile, and writes JSON.
    let fixed = dir.path().join("fixed.json");
    bin()
        .args(["validate", "--fix", "-o", fixed.to_str().unwrap()])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "fixed[sso.screen-locked-behavior] Payload.ScreenLockedBehavior: set to `DoNotHandle`",
        ));
    let repaired = json_of(&std::fs::read(&fixed).unwrap());
    assert_eq!(repaired["Payload"]["ScreenLockedBehavior"], "DoNotHandle");
    assert_eq!(
        repaired["Payload"]["PlatformSSO"]["EnableCreateUserAtLogin"], true,
        "keys it does not understand are kept"
    );
    assert_ne!(
        repaired["ServerToken"],
        json_of(&std::fs::read(&file).unwrap())["ServerToken"]
    );
}

#[test]
fn inspect_diff_and_explain_understand_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let declared = declaration_file(
        dir.path(),
        "d.json",
        &[
            &CONTOSO[..],
            &["--web-login-url-allow-list", "login.microsoftonline.com"],
        ]
        .concat(),
    );
    let profile = dir.path().join("p.mobileconfig");
    generate(
        &[
            &CONTOSO[..],
            &[
                "--web-login-url-allow-list",
                "login.microsoftonline.com",
                "-o",
            ],
            &[profile.to_str().unwrap()],
        ]
        .concat(),
    )
    .success();
    let text = bin()
        .args(["inspect"])
        .arg(&declared)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("(JSON declaration)\ntype:         com.apple.configuration.extensible-sso\nidentifier:   com.contoso.platformsso.extensible-sso\n"), "{text}");
    assert!(
        text.contains("single sign-on (Payload): Microsoft Platform SSO"),
        "{text}"
    );
    let json = bin()
        .args(["inspect", "--format", "json", "--min-macos", "26"])
        .arg(&declared)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json = json_of(&json);
    assert_eq!(json["encoding"], "JSON");
    assert_eq!(
        json["declaration"]["type"],
        "com.apple.configuration.extensible-sso"
    );
    assert_eq!(
        json["macos"]["newer_than_target"][0]["path"],
        "Payload.PlatformSSO.WebAuthentication.URLAllowList"
    );
    assert_eq!(json["macos"]["oldest"], "27.0");

    // The declaration says what the profile says.
    bin()
        .args(["diff"])
        .arg(&profile)
        .arg(&declared)
        .assert()
        .success()
        .stdout("no differences\n");
    let other = declaration_file(
        dir.path(),
        "password.json",
        &[
            &CONTOSO[..],
            &[
                "--auth",
                "Password",
                "--web-login-url-allow-list",
                "login.microsoftonline.com",
            ],
        ]
        .concat(),
    );
    bin()
        .args(["diff"])
        .arg(&declared)
        .arg(&other)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "~ Payload.PlatformSSO.AuthenticationMethod: \"UserSecureEnclaveKey\" -> \"Password\"\n+ Payload.PlatformSSO.Policies.FileVault: [\"AttemptAuthentication\"]\n~ ServerToken: ",
        ))
        .stdout(predicate::str::contains(
            "every user registers Platform SSO again after this change:\n  Payload.PlatformSSO.AuthenticationMethod: ",
        ));

    let json = bin()
        .args(["explain", "UserCreation.EnableAtLogin", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json = json_of(&json);
    assert_eq!(
        json["keys"][0]["path"],
        "PlatformSSO.EnableCreateUserAtLogin"
    );
    assert_eq!(
        json["keys"][0]["declaration"],
        "Payload.PlatformSSO.UserCreation.EnableAtLogin"
    );
}

#[test]
fn wrap_writes_the_legacy_declaration_for_an_https_url() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.mobileconfig");
    generate(&[
        "--identifier",
        "com.contoso.platformsso",
        "-o",
        profile.to_str().unwrap(),
    ])
    .success();
    let url = "https://mdm.contoso.com/profiles/psso.mobileconfig";
    let wrap = |extra: &[&str]| {
        bin()
            .arg("wrap")
            .arg(&profile)
            .args(["--declaration", "legacy", "--profile-url", url])
            .args(extra)
            .assert()
    };
    let out = wrap(&[]).success().get_output().stdout.clone();
    let d: JsonDeclaration = serde_json::from_slice(&out).unwrap();
    assert_eq!(d.Type, "com.apple.configuration.legacy");
    assert_eq!(d.Identifier, "com.contoso.platformsso.legacy");
    assert_eq!(d.Payload["ProfileURL"], url);
    assert_eq!(d.Payload.len(), 1);
    assert_eq!(
        wrap(&[]).success().get_output().stdout.clone(),
        out,
        "deterministic"
    );
    let given = wrap(&["--declaration-identifier", "x", "--server-token", "7"])
        .success()
        .get_output()
        .stdout
        .clone();
    let given: JsonDeclaration = serde_json::from_slice(&given).unwrap();
    assert_eq!(
        (given.Identifier.as_str(), given.ServerToken.as_str()),
        ("x", "7")
    );
    bin()
        .arg("wrap")
        .arg(&profile)
        .args(["--declaration", "legacy", "--profile-url", "http://mdm.contoso.com/p"])
        .assert()
        .code(2)
        .stderr("psso-profile: error: invalid value `http://mdm.contoso.com/p` for `--profile-url`: expected an https URL such as `https://mdm.example.com/path` (it must start with `https://`)\n");
    wrap(&["--format", "xml"])
        .code(2)
        .stderr(predicate::str::contains("a declaration is JSON"));
    // The InstallProfile command stays the default.
    let command = bin()
        .arg("wrap")
        .arg(&profile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&command).contains("<string>InstallProfile</string>"));
    // And `validate` reads the legacy declaration.
    let file = dir.path().join("legacy.json");
    std::fs::write(&file, &out).unwrap();
    bin().arg("validate").arg(&file).assert().success();
}

#[test]
fn batch_writes_one_declaration_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("t.toml");
    std::fs::write(
        &spec,
        "min-macos = 27\norg = \"${org}\"\nidentifier = \"com.${tenant}.psso\"\n",
    )
    .unwrap();
    let rows = dir.path().join("rows.csv");
    std::fs::write(&rows, "tenant,org\ncontoso,Contoso\nfabrikam,Fabrikam\n").unwrap();
    let out = dir.path().join("out");
    bin()
        .args(["batch", "--format", "declaration", "--spec"])
        .arg(&spec)
        .arg("--rows")
        .arg(&rows)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["com.contoso.psso.json", "com.fabrikam.psso.json"]);
    let d: JsonDeclaration =
        serde_json::from_slice(&std::fs::read(out.join("com.contoso.psso.json")).unwrap()).unwrap();
    assert_eq!(d.Identifier, "com.contoso.psso.extensible-sso");
}

/// Apple's declaration schemas, for the independent checker.
const DECLARATIONS: &str =
    "apple-device-management-27/declarative/declarations/configurations/extensible-sso.yaml";

fn declaration_check(schema: &Path, min: &str, files: &[&Path]) -> (bool, String) {
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/checker/declaration_check.py"
        ))
        .arg("--schema-dir")
        .arg(schema.parent().unwrap())
        .args(["--min-macos", min])
        .args(files)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The extensible-sso declaration (with every macOS 26 and 27 setting) and the legacy
/// declaration pass an independent checker against Apple's declaration schemas; a
/// declaration with `ScreenLockedBehavior` `Cancel` does not.
#[test]
fn independent_checker_accepts_both_declarations() {
    let test = "independent_checker_accepts_both_declarations";
    let Some(schema) = shared_reference(DECLARATIONS, test) else {
        return;
    };
    if !have_tool("python3", test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = declaration_file(dir.path(), "plain.json", &CONTOSO);
    let mut every = vec!["--min-macos", "27"];
    every.extend_from_slice(crate::generate::EVERY_NEW_SETTING);
    let every = declaration_file(dir.path(), "every.json", &every);
    let profile = dir.path().join("p.mobileconfig");
    generate(&["-o", profile.to_str().unwrap()]).success();
    let legacy = dir.path().join("legacy.json");
    bin()
        .arg("wrap")
        .arg(&profile)
        .args([
            "--declaration",
            "legacy",
            "--profile-url",
            "https://mdm.contoso.com/psso",
        ])
        .args(["-o", legacy.to_str().unwrap()])
        .assert()
        .success();
    let (ok, problems) = declaration_check(&schema, "27", &[&plain, &every, &legacy]);
    assert!(ok, "{problems}");
    // The legacy declaration is for Macs from macOS 13, the other not.
    let (ok, problems) = declaration_check(&schema, "14", &[&legacy]);
    assert!(ok, "{problems}");
    let (ok, _) = declaration_check(&schema, "26", &[&plain]);
    assert!(!ok);

    edit(&plain, |d| {
        d["Payload"]["ScreenLockedBehavior"] = "Cancel".into()
    });
    let (ok, problems) = declaration_check(&schema, "27", &[&plain]);
    assert!(!ok);
    assert!(
        problems.contains("Payload.ScreenLockedBehavior"),
        "{problems}"
    );
}
