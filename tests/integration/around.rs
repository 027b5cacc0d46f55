//! Everything around the profile: `inspect`, `diff`, `explain`, `wrap`,
//! `completions`, `man`, help texts and the global flags, through the real binary.

use std::path::Path;

use predicates::prelude::*;
use serde::Deserialize;

use crate::golden::assert_golden;
use crate::support::{JsonSigner, bin, generate, have_tool};

/// Every command and subcommand.
const COMMANDS: &[&[&str]] = &[
    &["generate"],
    &["validate"],
    &["batch"],
    &["templates"],
    &["events"],
    &["events", "list"],
    &["events", "reduce"],
    &["sign"],
    &["verify"],
    &["inspect"],
    &["diff"],
    &["explain"],
    &["wrap"],
    &["completions"],
    &["man"],
];

fn sign(input: &Path, output: &Path, cert: &Path, key: &Path) {
    bin()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--cert")
        .arg(cert)
        .arg("--key")
        .arg(key)
        .args(["--signing-time", "2026-01-31T12:00:00Z", "-q"])
        .assert()
        .success();
}

// ---- help, completions, man ----

#[test]
fn every_command_answers_help_with_examples() {
    for command in COMMANDS {
        let out = bin().args(*command).arg("--help").assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(text.contains("Examples:"), "{command:?} has no examples");
        if command.len() == 1 {
            assert!(
                text.contains("Exit codes"),
                "{command:?} does not document its exit codes"
            );
        }
        assert!(
            text.contains("--quiet"),
            "{command:?} lacks the global flags"
        );
        let out = bin().arg("help").args(*command).assert().success();
        assert!(!out.get_output().stdout.is_empty());
    }
    bin()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"));
    // The commands of this area document their exit codes.
    for command in [
        "inspect",
        "diff",
        "explain",
        "wrap",
        "completions",
        "man",
        "verify",
    ] {
        bin()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Exit codes"));
    }
}

#[test]
fn completions_mention_the_binary_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        bin()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("psso-profile"))
            .stdout(predicate::str::contains("inspect"));
    }
    bin()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn man_prints_a_page_or_writes_one_per_command() {
    bin()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie \\n(.g .ds Aq"))
        .stdout(predicate::str::contains(".TH psso-profile 1"));
    let dir = tempfile::tempdir().unwrap();
    bin()
        .arg("man")
        .arg("-o")
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "psso-profile.1",
        "psso-profile-inspect.1",
        "psso-profile-events-reduce.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH psso-profile"), "{page}");
    }
    bin()
        .arg("man")
        .arg("-o")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
    bin()
        .args(["man", "--force", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    bin()
        .args(["man", "-o"])
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected an existing folder"));
}

#[test]
fn quiet_and_verbose_are_global_and_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("events.jsonl");
    std::fs::write(&log, "not json\n").unwrap();
    bin()
        .args(["events", "reduce"])
        .arg(&log)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("warning:"));
    let out = bin()
        .args(["-q", "events", "reduce"])
        .arg(&log)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(stderr.contains("1 line of"), "{stderr}");
    bin()
        .args(["inspect", "-q", "-v", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

// ---- explain ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRequired {
    intune_name: String,
    key: String,
    expected: serde_json::Value,
    from: u16,
    until: Option<u16>,
    rule: String,
    essential: bool,
    note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRuleLine {
    id: String,
    severity: String,
    applies: String,
    summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRule {
    id: String,
    severity: String,
    summary: String,
    rationale: String,
    source: String,
    applies: String,
    macos: String,
    fix: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonKey {
    scope: String,
    path: String,
    kind: String,
    item: Option<String>,
    required: bool,
    allowed: Vec<String>,
    values_introduced: std::collections::BTreeMap<String, String>,
    min: Option<i64>,
    default: Option<String>,
    introduced: String,
    deprecated: Option<String>,
    user_channel: bool,
    source: String,
    summary: String,
    microsoft: Vec<JsonRequired>,
    rules: Vec<String>,
    setting: Option<JsonSetting>,
    declaration: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSetting {
    key: String,
    option: String,
    help: String,
    default: Option<String>,
    place: serde_json::Value,
    macos: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonExtensionKey {
    key: String,
    value_type: serde_json::Value,
    default: Option<String>,
    recommended: Option<String>,
    platforms: String,
    deprecated: bool,
    summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum JsonExplanation {
    Overview {
        required: Vec<JsonRequired>,
        rules: Vec<JsonRuleLine>,
    },
    Rule {
        rule: JsonRule,
        required: Vec<JsonRequired>,
    },
    Key {
        keys: Vec<JsonKey>,
    },
    Setting {
        setting: JsonSetting,
        key: Option<Box<JsonKey>>,
    },
    ExtensionData {
        key: JsonExtensionKey,
        rules: Vec<String>,
    },
}

fn explain_json(args: &[&str]) -> JsonExplanation {
    let out = bin()
        .arg("explain")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn explain_prints_the_required_table_and_the_rules() {
    let out = bin().arg("explain").assert().success();
    assert_golden("explain.txt", &out.get_output().stdout);
    let text = String::from_utf8_lossy(&out.get_output().stdout);
    for needle in [
        "PlatformSSO.UseSharedDeviceKeys",
        "com.microsoft.CompanyPortalMac.ssoextension",
        "sso.screen-locked-behavior",
        "signature.invalid",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    let JsonExplanation::Overview { required, rules } = explain_json(&[]) else {
        panic!("not an overview")
    };
    let applies = |id: &str| {
        rules
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.applies.as_str())
    };
    assert_eq!(applies("schema.type"), Some("profile"));
    assert_eq!(applies("sso.team-identifier"), Some("microsoft"));
    assert_eq!(applies("kerberos.schema"), Some("kerberos"));
    assert_eq!(applies("fleet.urls-unique"), Some("fleet"));
    assert_eq!(required.len(), 13);
    assert_eq!(required.iter().filter(|r| r.essential).count(), 9);
    assert_eq!(required[8].key, "PlatformSSO.UseSharedDeviceKeys");
    assert_eq!(required[8].from, 14);
    assert_eq!(
        (
            required[9].key.as_str(),
            required[9].from,
            required[9].essential
        ),
        ("PlatformSSO.FileVaultPolicy", 15, false)
    );
    assert!(required[6].until == Some(13) && !required[6].note.is_empty());
    assert!(!required[0].intune_name.is_empty() && required[0].expected.is_object());
    assert!(
        rules
            .iter()
            .any(|r| r.id == "sso.type" && r.severity == "error")
    );
    assert!(rules.iter().all(|r| !r.summary.is_empty()));
}

#[test]
fn explain_a_setting_and_the_setting_of_a_key() {
    let JsonExplanation::Setting { setting, key } = explain_json(&["--auth"]) else {
        panic!("not a setting")
    };
    assert_eq!(
        (setting.key.as_str(), setting.option.as_str()),
        ("auth", "--auth")
    );
    assert_eq!(setting.default.as_deref(), Some("UserSecureEnclaveKey"));
    assert_eq!(setting.macos, "14+");
    assert!(setting.help.starts_with("Authentication method"));
    assert_eq!(
        setting.place,
        serde_json::json!({"scope": "payload", "key": "PlatformSSO.AuthenticationMethod"})
    );
    assert_eq!(key.unwrap().path, "PlatformSSO.AuthenticationMethod");
    let JsonExplanation::Setting { setting, key } = explain_json(&["min-macos"]) else {
        panic!("not a setting")
    };
    assert_eq!(setting.place, serde_json::json!({"scope": "none"}));
    assert!(key.is_none());
    let JsonExplanation::Key { keys } = explain_json(&["PlatformSSO.NonPlatformSSOAccounts"])
    else {
        panic!("not a key")
    };
    assert_eq!(
        keys[0].setting.as_ref().map(|s| s.option.as_str()),
        Some("--non-psso-account")
    );
    let text = bin()
        .args(["explain", "--non-psso-account"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.starts_with("--non-psso-account (a setting of `psso-profile generate` and of spec files)\n  what:      PlatformSSO.NonPlatformSSOAccounts: local accounts exempt from the policies (repeatable)\n  spec key:  non-psso-accounts\n"),
        "{text}"
    );
    assert!(text.contains("  generate:  --non-psso-account (spec key `non-psso-accounts`)\n"));
}

#[test]
fn explain_a_rule_a_key_and_an_extension_key() {
    let out = bin()
        .args(["explain", "sso.use-shared-device-keys"])
        .assert()
        .success();
    assert_golden(
        "explain-sso.use-shared-device-keys.txt",
        &out.get_output().stdout,
    );
    let JsonExplanation::Rule { rule, required } = explain_json(&["sso.use-shared-device-keys"])
    else {
        panic!("not a rule")
    };
    assert_eq!(rule.id, "sso.use-shared-device-keys");
    assert_eq!(rule.severity, "error");
    assert_eq!(rule.source, "microsoft-required-table");
    assert_eq!(rule.macos, "14+");
    assert_eq!(rule.applies, "microsoft-platform-sso");
    assert!(!rule.summary.is_empty() && !rule.rationale.is_empty() && !rule.fix.is_empty());
    assert_eq!(required.len(), 1);
    assert!(required[0].rule == rule.id);

    let out = bin()
        .args(["explain", "PlatformSSO.UseSharedDeviceKeys"])
        .assert()
        .success();
    assert_golden("explain-UseSharedDeviceKeys.txt", &out.get_output().stdout);
    for query in [
        "UseSharedDeviceKeys",
        "PlatformSSO.UseSharedDeviceKeys",
        "usesharedDEVICEkeys",
    ] {
        let JsonExplanation::Key { keys } = explain_json(&[query]) else {
            panic!("not a key")
        };
        assert_eq!(keys.len(), 1, "{query}");
        let key = &keys[0];
        assert_eq!(key.path, "PlatformSSO.UseSharedDeviceKeys");
        assert_eq!(key.scope, "ExtensibleSso");
        assert_eq!(key.kind, "boolean");
        assert_eq!(key.default.as_deref(), Some("false"));
        assert_eq!(key.introduced, "14.0");
        assert!(!key.user_channel && key.deprecated.is_none() && key.item.is_none());
        assert!(key.allowed.is_empty() && key.min.is_none() && !key.summary.is_empty());
        assert_eq!(key.source, "AppleSchema");
        assert_eq!(
            key.declaration.as_deref(),
            Some("Payload.PlatformSSO.UseSharedDeviceKeys")
        );
        assert!(
            key.rules
                .contains(&"sso.use-shared-device-keys".to_string())
        );
        assert_eq!(key.microsoft.len(), 1);
        assert!(!key.required);
    }
    let JsonExplanation::Key { keys } = explain_json(&["AuthenticationMethod"]) else {
        panic!("not a key")
    };
    assert_eq!(
        keys.len(),
        2,
        "the deprecated top-level key and PlatformSSO's"
    );
    // A value newer than its key carries its own version, in JSON and in text.
    for key in &keys {
        assert_eq!(key.allowed.last().map(String::as_str), Some("OpenID"));
        assert_eq!(
            key.values_introduced,
            [("OpenID".to_string(), "27.0".to_string())].into()
        );
    }
    let text = bin()
        .args(["explain", "PlatformSSO.AuthenticationMethod"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(text).unwrap().contains(
        "  allowed:   Password, UserSecureEnclaveKey, SmartCard, OpenID (macOS 27.0+)\n"
    ));
    let JsonExplanation::ExtensionData { key, rules } =
        explain_json(&["ExtensionData.browser_sso_interaction_enabled"])
    else {
        panic!("not an extension key")
    };
    assert_eq!(key.key, "browser_sso_interaction_enabled");
    assert_eq!(key.platforms, "both");
    assert!(!key.deprecated && key.default.is_some() && key.recommended.is_some());
    assert!(key.value_type.is_string() && !key.summary.is_empty());
    assert!(rules.contains(&"ext.type".to_string()));
}

#[test]
fn explain_unknown_topics_exit_2_with_a_suggestion() {
    bin()
        .args(["explain", "UseSharedDeviceKey"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("psso-profile: error: `UseSharedDeviceKey` is not a rule id or a key of the profile; did you mean `UseSharedDeviceKeys`?\n");
    bin()
        .args(["explain", "sso.screen-locked"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `sso.screen-locked-behavior`?",
        ));
    bin()
        .args(["explain", "qqqqqqqqqq"])
        .assert()
        .code(2)
        .stderr("psso-profile: error: `qqqqqqqqqq` is not a rule id or a key of the profile\n");
}

// ---- diff ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSide {
    file: String,
    signed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonChange {
    path: String,
    kind: String,
    old: serde_json::Value,
    new: serde_json::Value,
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
struct JsonKindChange {
    path: String,
    old: String,
    new: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDiff {
    old: JsonSide,
    new: JsonSide,
    same: bool,
    changes: Vec<JsonChange>,
    kinds: Vec<JsonKindChange>,
    reregistration: Vec<JsonReregistration>,
}

#[test]
fn diff_of_a_file_with_itself_is_0_and_in_other_encodings_too() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "a.mobileconfig", &[]);
    let binary = generate(dir.path(), "a.bin.mobileconfig", &["--format", "binary"]);
    bin()
        .arg("diff")
        .arg(&a)
        .arg(&a)
        .assert()
        .code(0)
        .stdout("no differences\n");
    bin()
        .arg("diff")
        .arg(&a)
        .arg(&binary)
        .assert()
        .code(0)
        .stdout("no differences\n");
    // Standard input for one side.
    bin()
        .args(["diff", "-"])
        .arg(&a)
        .pipe_stdin(&binary)
        .unwrap()
        .assert()
        .code(0);
    let out = bin()
        .arg("diff")
        .arg(&a)
        .arg(&a)
        .args(["--format", "json"])
        .assert()
        .code(0);
    let json: JsonDiff = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(json.same && json.changes.is_empty() && json.reregistration.is_empty());
    assert!(!json.old.signed && json.new.file.ends_with("a.mobileconfig"));
}

#[test]
fn diff_names_the_authentication_method_as_a_reregistration() {
    let dir = tempfile::tempdir().unwrap();
    let sek = generate(dir.path(), "sek.mobileconfig", &[]);
    let password = generate(dir.path(), "password.mobileconfig", &["--auth", "Password"]);
    bin()
        .arg("diff")
        .arg(&sek)
        .arg(&password)
        .assert()
        .code(1)
        .stdout(
            "~ PayloadContent[0].PlatformSSO.AuthenticationMethod: \"UserSecureEnclaveKey\" -> \"Password\"\n\
             + PayloadContent[0].PlatformSSO.FileVaultPolicy: [\"AttemptAuthentication\"]\n\
             2 difference(s)\n\
             \n\
             every user registers Platform SSO again after this change:\n  \
             PayloadContent[0].PlatformSSO.AuthenticationMethod: changing the authentication method of a deployed profile makes every Mac and user register again\n",
        );
    let out = bin()
        .arg("diff")
        .arg(&sek)
        .arg(&password)
        .args(["--format", "json"])
        .assert()
        .code(1);
    let json: JsonDiff = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(!json.same);
    assert_eq!(json.changes.len(), 2);
    let change = &json.changes[0];
    assert_eq!(
        change.path,
        "PayloadContent[0].PlatformSSO.AuthenticationMethod"
    );
    assert_eq!(change.kind, "changed");
    assert_eq!(change.old, "UserSecureEnclaveKey");
    assert_eq!(change.new, "Password");
    assert_eq!(json.reregistration.len(), 1);
    assert_eq!(json.reregistration[0].path, change.path);
    assert!(
        json.reregistration[0]
            .reason
            .contains("authentication method")
    );
    assert!(json.reregistration[0].source.contains("S2"));
    assert!(json.kinds.is_empty());
}

#[test]
fn diff_names_platform_sso_turned_on_and_not_the_macos_13_key_removed() {
    let dir = tempfile::tempdir().unwrap();
    let extension = generate(
        dir.path(),
        "ext.mobileconfig",
        &["--expect", "sso-extension"],
    );
    let psso = generate(dir.path(), "psso.mobileconfig", &[]);
    let out = bin()
        .arg("diff")
        .arg(&extension)
        .arg(&psso)
        .args(["--format", "json"])
        .assert()
        .code(1);
    let json: JsonDiff = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json.kinds.len(), 1);
    assert_eq!(json.kinds[0].path, "PayloadContent[0]");
    assert_eq!(
        (json.kinds[0].old.as_str(), json.kinds[0].new.as_str()),
        ("microsoft-sso-extension", "microsoft-platform-sso")
    );
    let reasons: Vec<(&str, &str)> = json
        .reregistration
        .iter()
        .map(|r| (r.path.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![(
            "PayloadContent[0].PlatformSSO",
            "turns Platform SSO on: every user of the Macs is asked to register"
        )]
    );
    bin()
        .arg("diff")
        .arg(&extension)
        .arg(&psso)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "PayloadContent[0] was Microsoft SSO extension without Platform SSO (single sign-on for apps and browsers) and is now Microsoft Platform SSO",
        ));
    // Dropping the macOS 13 key is not on Microsoft's list.
    let macos13 = generate(dir.path(), "13.mobileconfig", &["--min-macos", "13"]);
    let out = bin()
        .arg("diff")
        .arg(&macos13)
        .arg(&psso)
        .args(["--format", "json"])
        .assert()
        .code(1);
    let json: JsonDiff = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json.changes.len(), 1, "{:?}", json.changes);
    assert_eq!(
        json.changes[0].path,
        "PayloadContent[0].AuthenticationMethod"
    );
    assert!(json.reregistration.is_empty(), "{:?}", json.reregistration);
}

#[test]
fn diff_redacts_secrets_and_flags_a_new_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(
        dir.path(),
        "a.mobileconfig",
        &["--registration-token", "{{DEVICEREGISTRATION}}"],
    );
    let b = generate(
        dir.path(),
        "b.mobileconfig",
        &[
            "--registration-token",
            "s3cr3t-token",
            "--identifier",
            "com.contoso.psso",
        ],
    );
    let out = bin().arg("diff").arg(&a).arg(&b).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(
        text.contains("RegistrationToken: \"<redacted>\" -> \"<redacted>\""),
        "a changed token shows as a change, neither value: {text}"
    );
    assert!(
        text.contains("  PayloadIdentifier: a different profile identifier"),
        "{text}"
    );
    assert!(
        text.contains("  PayloadContent[0].PayloadUUID: macOS sees a different SSO payload"),
        "{text}"
    );
    bin()
        .args(["diff", "--show-secrets"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"s3cr3t-token\""));
}

#[test]
fn diff_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "a.mobileconfig", &[]);
    bin()
        .arg("diff")
        .arg(&a)
        .arg(dir.path().join("missing.mobileconfig"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    std::fs::write(dir.path().join("junk"), "junk").unwrap();
    bin()
        .arg("diff")
        .arg(dir.path().join("junk"))
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a property list"));
    bin().args(["diff", "-", "-"]).assert().code(2).stderr(
        "psso-profile: error: only one of the two profiles can be read from standard input (`-`)\n",
    );
}

// ---- inspect ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonIdentity {
    identifier: Option<String>,
    uuid: Option<String>,
    organization: Option<String>,
    scope: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPayload {
    index: usize,
    payload_type: Option<String>,
    identifier: Option<String>,
    uuid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonUrl {
    url: String,
    cloud: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonMapping {
    account_name: Option<String>,
    full_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPolicies {
    filevault: Vec<String>,
    login: Vec<String>,
    unlock: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonExtensionEntry {
    key: String,
    value: serde_json::Value,
    summary: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSso {
    index: usize,
    kind: String,
    microsoft: bool,
    extension_identifier: Option<String>,
    team_identifier: Option<String>,
    sso_type: Option<String>,
    authentication_method: Option<String>,
    legacy_authentication_method: Option<String>,
    use_shared_device_keys: Option<bool>,
    registration_token: Option<String>,
    screen_locked_behavior: Option<String>,
    urls: Vec<JsonUrl>,
    account_display_name: Option<String>,
    token_to_user_mapping: Option<JsonMapping>,
    policies: JsonPolicies,
    other_platform_sso: serde_json::Map<String, serde_json::Value>,
    extension_data: Vec<JsonExtensionEntry>,
    reregistration: Vec<String>,
    plain: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonKeyVersion {
    path: String,
    macos: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonMacOs {
    oldest: String,
    target: u16,
    target_reason: Option<String>,
    newer_than_target: Vec<JsonKeyVersion>,
    deprecated: Vec<JsonKeyVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSignature {
    valid: bool,
    signer: Option<JsonSigner>,
    signing_time: Option<String>,
    problems: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLint {
    errors: usize,
    warnings: usize,
    notes: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonInspection {
    file: String,
    encoding: String,
    signed: bool,
    declaration: Option<JsonDeclarationSummary>,
    identity: JsonIdentity,
    payloads: Vec<JsonPayload>,
    sso: Vec<JsonSso>,
    macos: JsonMacOs,
    signature: Option<JsonSignature>,
    lint: JsonLint,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDeclarationSummary {
    #[serde(rename = "type")]
    declaration_type: Option<String>,
    identifier: Option<String>,
    server_token: Option<String>,
    profile_url: Option<String>,
}

fn inspect_json(file: &Path, extra: &[&str]) -> JsonInspection {
    let out = bin()
        .arg("inspect")
        .arg(file)
        .args(["--format", "json"])
        .args(extra)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn inspect_words_another_vendors_and_kerberos_payloads_as_theirs() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld");
    let okta = inspect_json(
        &corpus.join("fleet-okta-psso-simplified-setup.mobileconfig"),
        &[],
    );
    let sso = &okta.sso[0];
    assert_eq!((sso.kind.as_str(), sso.microsoft), ("other-sso", false));
    assert!(sso.reregistration.is_empty());
    let plain = sso.plain.join("\n");
    assert!(
        plain.contains("their identity provider's password"),
        "{plain}"
    );
    assert!(
        !plain.contains("Entra") && !plain.contains("Microsoft requires"),
        "{plain}"
    );
    assert_eq!(okta.lint.errors, 0);
    let kerberos = inspect_json(
        &corpus.join("msdocs-kerberos-cloud-psso-tgt.mobileconfig"),
        &[],
    );
    let sso = &kerberos.sso[0];
    assert_eq!(sso.kind, "kerberos");
    assert!(
        sso.plain[0].starts_with(
            "Apple's Kerberos SSO extension for the realm KERBEROS.MICROSOFTONLINE.COM"
        ),
        "{:?}",
        sso.plain
    );
    assert!(sso.plain.iter().any(|p| p.contains("usePlatformSSOTGT")));
    let macos13 = inspect_json(&corpus.join("kandji-okta-psso-macos13.mobileconfig"), &[]);
    assert_eq!(macos13.macos.target, 13);
    assert_eq!(
        macos13.macos.target_reason.as_deref(),
        Some("the profile carries the macOS 13 AuthenticationMethod")
    );
}

#[test]
fn inspect_json_parses_and_hides_the_registration_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = generate(
        dir.path(),
        "p.mobileconfig",
        &[
            "--registration-token",
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret",
            "--org",
            "Contoso",
            "--auth",
            "Password",
            "--min-macos",
            "15",
            "--extension-data",
            "browser_sso_interaction_enabled=1",
        ],
    );
    let raw = bin()
        .args(["inspect", "--format", "json"])
        .arg(&path)
        .assert()
        .success();
    let text = String::from_utf8(raw.get_output().stdout.clone()).unwrap();
    assert!(!text.contains("eyJ0eX"), "the token leaked: {text}");
    let json = inspect_json(&path, &[]);
    assert_eq!(json.encoding, "XML");
    assert!(!json.signed && json.signature.is_none());
    assert!(json.declaration.is_none(), "a profile");
    assert!(json.file.ends_with("p.mobileconfig"));
    assert_eq!(
        json.identity.identifier.as_deref(),
        Some("com.psso-profile.platformsso")
    );
    assert_eq!(json.identity.organization.as_deref(), Some("Contoso"));
    assert_eq!(json.identity.scope.as_deref(), Some("System"));
    assert!(json.identity.uuid.is_some() && json.identity.display_name.is_some());
    assert!(json.identity.description.is_some());
    assert_eq!(json.payloads.len(), 1);
    assert_eq!(json.payloads[0].index, 0);
    assert_eq!(
        json.payloads[0].payload_type.as_deref(),
        Some("com.apple.extensiblesso")
    );
    assert!(json.payloads[0].identifier.is_some() && json.payloads[0].uuid.is_some());
    let sso = &json.sso[0];
    assert_eq!(sso.registration_token.as_deref(), Some("<redacted>"));
    assert!(sso.microsoft && sso.index == 0);
    assert_eq!(sso.authentication_method.as_deref(), Some("Password"));
    assert_eq!(sso.legacy_authentication_method, None);
    assert_eq!(sso.use_shared_device_keys, Some(true));
    assert_eq!(sso.screen_locked_behavior.as_deref(), Some("DoNotHandle"));
    assert_eq!(sso.team_identifier.as_deref(), Some("UBF8T346G9"));
    assert_eq!(sso.sso_type.as_deref(), Some("Redirect"));
    assert!(sso.extension_identifier.is_some() && sso.account_display_name.is_none());
    assert_eq!(sso.urls.len(), 7);
    assert_eq!(sso.urls[0].url, "https://login.microsoftonline.com");
    assert_eq!(sso.urls[0].cloud.as_deref(), Some("commercial"));
    assert_eq!(sso.urls[6].cloud.as_deref(), Some("us-government"));
    let mapping = sso.token_to_user_mapping.as_ref().unwrap();
    assert_eq!(mapping.account_name.as_deref(), Some("preferred_username"));
    assert_eq!(mapping.full_name.as_deref(), Some("name"));
    assert_eq!(sso.policies.filevault, ["AttemptAuthentication"]);
    assert!(sso.policies.login.is_empty() && sso.policies.unlock.is_empty());
    assert!(sso.other_platform_sso.is_empty());
    assert_eq!(sso.extension_data[0].key, "browser_sso_interaction_enabled");
    assert_eq!(sso.extension_data[0].value, 1);
    assert!(sso.extension_data[0].summary.is_some());
    assert!(sso.plain.iter().any(|s| s.contains("Entra ID password")));
    assert!(sso.plain.iter().any(|s| s.contains("redacted")));
    assert_eq!(json.macos.oldest, "15.0");
    assert_eq!(json.macos.target, 14);
    assert_eq!(
        json.macos.newer_than_target[0].path,
        "PayloadContent[0].PlatformSSO.FileVaultPolicy"
    );
    assert_eq!(json.macos.newer_than_target[0].macos, "15.0");
    assert!(json.macos.deprecated.is_empty());
    assert_eq!(
        json.macos.target_reason.as_deref(),
        Some("the profile carries no macOS 13 AuthenticationMethod")
    );
    assert_eq!(sso.kind, "microsoft-platform-sso");
    assert!(
        sso.reregistration
            .contains(&"PlatformSSO.AuthenticationMethod".to_string())
    );
    // FileVaultPolicy, Microsoft's setting for the fleet's macOS 15+ Macs, is no
    // finding for a fleet read from the profile.
    assert_eq!((json.lint.errors, json.lint.warnings), (0, 0));
    let _ = json.lint.notes;
    // With the fleet given, no key is newer than the target.
    let json = inspect_json(&path, &["--min-macos", "15"]);
    assert!(json.macos.newer_than_target.is_empty());
    // --show-secrets shows it.
    let json = inspect_json(&path, &["--show-secrets"]);
    assert_eq!(
        json.sso[0].registration_token.as_deref(),
        Some("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret")
    );
}

#[test]
fn inspect_redacts_placeholders_too_and_shows_the_macos_13_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = generate(
        dir.path(),
        "p.mobileconfig",
        &[
            "--min-macos",
            "13",
            "--registration-token",
            "{{DEVICEREGISTRATION}}",
        ],
    );
    let json = inspect_json(&path, &[]);
    assert_eq!(
        json.sso[0].registration_token.as_deref(),
        Some("<redacted>")
    );
    assert!(
        json.sso[0]
            .plain
            .iter()
            .any(|p| p.starts_with("Registration token: an MDM placeholder, replaced per device")),
        "{:?}",
        json.sso[0].plain
    );
    let shown = inspect_json(&path, &["--show-secrets"]);
    assert_eq!(
        shown.sso[0].registration_token.as_deref(),
        Some("{{DEVICEREGISTRATION}}")
    );
    assert_eq!(
        json.sso[0].legacy_authentication_method.as_deref(),
        Some("UserSecureEnclaveKey")
    );
    assert_eq!(json.macos.target, 13, "inferred from the top-level key");
    assert_eq!(
        json.macos.deprecated[0].path,
        "PayloadContent[0].AuthenticationMethod"
    );
    assert_eq!(json.macos.deprecated[0].macos, "14.0");
    assert_eq!(json.lint.errors + json.lint.warnings, 0);
}

#[test]
fn inspect_human_golden_and_stdin() {
    let golden = crate::golden::path("");
    let out = bin()
        .current_dir(&golden)
        .args([
            "inspect",
            "generate-Password-macos15.mobileconfig",
            "--min-macos",
            "15",
        ])
        .assert()
        .success();
    assert_golden("inspect-Password-macos15.txt", &out.get_output().stdout);
    let stdin = bin()
        .args(["inspect", "-", "--min-macos", "15"])
        .pipe_stdin(golden.join("generate-Password-macos15.mobileconfig"))
        .unwrap()
        .assert()
        .success();
    let text = String::from_utf8_lossy(&stdin.get_output().stdout).to_string();
    assert!(
        text.starts_with("file:         - (XML, unsigned)\n"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no color off a terminal");
}

#[test]
fn inspect_errors_exit_2_and_verbose_lists_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.plist"),
        "<plist version=\"1.0\"><array/></plist>",
    )
    .unwrap();
    bin()
        .arg("inspect")
        .arg(dir.path().join("a.plist"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "its root is an array, expected a dictionary",
        ));
    bin()
        .args(["inspect", "--min-macos", "12", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected one of 13, 14, 15, 26, 27",
        ));
    let path = generate(
        dir.path(),
        "p.mobileconfig",
        &[
            "--auth",
            "Password",
            "--min-macos",
            "26",
            "--enable-registration-during-setup",
        ],
    );
    // Keys newer than the fleet are noted against a fleet given, not one read
    // from the profile.
    bin()
        .args(["-v", "inspect", "--min-macos", "14"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("info[schema.newer-than-target]"));
    bin()
        .args(["-v", "inspect"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("schema.newer-than-target").not());
}

#[test]
fn inspect_and_diff_read_signed_profiles() {
    if !have_tool("openssl", "inspect_and_diff_read_signed_profiles") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let signer_dir = crate::selfsigned::dir();
    let (cert, key) = (signer_dir.join("rsa.pem"), signer_dir.join("rsa.key"));
    let plain = generate(dir.path(), "p.mobileconfig", &[]);
    let signed = dir.path().join("p.signed.mobileconfig");
    sign(&plain, &signed, &cert, &key);
    let json = inspect_json(&signed, &[]);
    assert!(json.signed);
    let signature = json.signature.unwrap();
    assert!(signature.valid, "{:?}", signature.problems);
    let signer = signature.signer.unwrap();
    assert_eq!(signer.subject, "CN=psso-test-rsa");
    assert_eq!(signer.issuer, signer.subject);
    assert!(
        !signer.serial.is_empty() && !signer.not_before.is_empty() && !signer.not_after.is_empty()
    );
    assert_eq!(
        signature.signing_time.as_deref(),
        Some("2026-01-31T12:00:00Z")
    );
    bin()
        .arg("inspect")
        .arg(&signed)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "signature:    valid (chain not checked)\n  signer:   CN=psso-test-rsa",
        ));
    let out = bin()
        .arg("diff")
        .arg(&plain)
        .arg(&signed)
        .args(["--format", "json"])
        .assert()
        .code(0);
    let json: JsonDiff = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(json.same && json.new.signed && !json.old.signed);
    // wrap keeps the signed bytes as they are.
    let command = dir.path().join("cmd.plist");
    bin()
        .arg("wrap")
        .arg(&signed)
        .arg("-o")
        .arg(&command)
        .assert()
        .success();
    let value = plist::Value::from_file(&command).unwrap();
    let payload = value.as_dictionary().unwrap()["Command"]
        .as_dictionary()
        .unwrap()["Payload"]
        .as_data()
        .unwrap()
        .to_vec();
    assert_eq!(payload, std::fs::read(&signed).unwrap());
}

// ---- wrap ----

#[test]
fn wrap_writes_an_install_profile_command_with_the_exact_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let profile = generate(dir.path(), "p.mobileconfig", &[]);
    let bytes = std::fs::read(&profile).unwrap();
    let out = bin().arg("wrap").arg(&profile).assert().success();
    let value = plist::Value::from_reader_xml(&out.get_output().stdout[..]).unwrap();
    let root = value.as_dictionary().unwrap();
    assert_eq!(root.len(), 2);
    let uuid = root["CommandUUID"].as_string().unwrap().to_string();
    assert_eq!(uuid, uuid.to_uppercase());
    assert_eq!(uuid::Uuid::parse_str(&uuid).unwrap().get_version_num(), 5);
    let command = root["Command"].as_dictionary().unwrap();
    assert_eq!(command["RequestType"].as_string(), Some("InstallProfile"));
    assert_eq!(command["Payload"].as_data().unwrap(), &bytes[..]);
    // The same bytes give the same command.
    let again = bin().arg("wrap").arg(&profile).assert().success();
    assert_eq!(again.get_output().stdout, out.get_output().stdout);

    let out = bin()
        .args([
            "wrap",
            "--format",
            "json",
            "--command-uuid",
            "0d5b2c84-8e0b-4b0b-9a44-3b2a8e7d1f20",
        ])
        .arg(&profile)
        .assert()
        .success();
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "PascalCase")]
    struct JsonInner {
        request_type: String,
        payload: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct JsonCommand {
        #[serde(rename = "CommandUUID")]
        command_uuid: String,
        #[serde(rename = "Command")]
        command: JsonInner,
    }
    let json: JsonCommand = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json.command_uuid, "0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20");
    assert_eq!(json.command.request_type, "InstallProfile");
    assert_eq!(base64_decode(&json.command.payload), bytes);

    // From standard input to a file; refuses to overwrite.
    let target = dir.path().join("cmd.plist");
    bin()
        .args(["wrap", "-", "-o"])
        .arg(&target)
        .pipe_stdin(&profile)
        .unwrap()
        .assert()
        .success()
        .stdout("");
    bin()
        .args(["wrap", "-o"])
        .arg(&target)
        .arg(&profile)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
}

#[test]
fn wrap_refuses_what_is_not_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.plist");
    std::fs::write(
        &other,
        "<plist version=\"1.0\"><dict><key>PayloadType</key><string>com.apple.mdm</string></dict></plist>",
    )
    .unwrap();
    bin()
        .arg("wrap")
        .arg(&other)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "psso-profile: error: `{}` is not a configuration profile: its `PayloadType` is `com.apple.mdm`, expected `Configuration`\n",
            other.display()
        ));
    bin()
        .args(["wrap", "--command-uuid", "nope", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a UUID"));
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        buffer = (buffer << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

#[test]
fn inspect_json_of_a_declaration_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = generate(
        dir.path(),
        "d.json",
        &[
            "--min-macos",
            "27",
            "--format",
            "declaration",
            "--registration-token",
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret",
        ],
    );
    let json = inspect_json(&path, &[]);
    assert_eq!((json.encoding.as_str(), json.signed), ("JSON", false));
    let d = json.declaration.expect("a declaration");
    assert_eq!(
        d.declaration_type.as_deref(),
        Some("com.apple.configuration.extensible-sso")
    );
    assert_eq!(
        d.identifier.as_deref(),
        Some("com.psso-profile.platformsso.extensible-sso")
    );
    assert!(d.server_token.is_some() && d.profile_url.is_none());
    assert!(json.payloads.is_empty());
    assert_eq!(
        json.sso[0].registration_token.as_deref(),
        Some("<redacted>"),
        "secrets stay redacted in a declaration"
    );
}
