//! `psso-profile generate`: golden files per method and target, exit codes and
//! messages, output files, and an independent checker.

use predicates::prelude::*;

use crate::golden::assert_golden;
use crate::support::{bin, have_tool, payload, shared_reference};

const METHODS: [&str; 3] = ["Password", "UserSecureEnclaveKey", "SmartCard"];
const TARGETS: [&str; 5] = ["13", "14", "15", "26", "27"];

fn generate(args: &[&str]) -> assert_cmd::assert::Assert {
    bin().arg("generate").args(args).assert()
}

fn stdout_of(args: &[&str]) -> Vec<u8> {
    generate(args).success().get_output().stdout.clone()
}

#[test]
fn golden_file_per_method_and_target() {
    for auth in METHODS {
        for min in TARGETS {
            if auth == "SmartCard" && min == "13" {
                continue;
            }
            let out = generate(&["--auth", auth, "--min-macos", min])
                .success()
                .stderr("")
                .get_output()
                .stdout
                .clone();
            assert_golden(&format!("generate-{auth}-macos{min}.mobileconfig"), &out);
        }
    }
}

#[test]
fn two_runs_give_identical_bytes() {
    let args = [
        "--auth",
        "Password",
        "--min-macos",
        "15",
        "--org",
        "Contoso",
        "--registration-token",
        "{{DEVICEREGISTRATION}}",
    ];
    assert_eq!(stdout_of(&args), stdout_of(&args));
}

#[test]
fn random_uuids_differ_between_runs() {
    assert_ne!(
        stdout_of(&["--uuid", "random"]),
        stdout_of(&["--uuid", "random"])
    );
}

#[test]
fn smart_card_on_macos_13_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.mobileconfig");
    generate(&["--auth", "SmartCard", "--min-macos", "13", "-o", out.to_str().unwrap()])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error[sso.auth-method.macos13] PayloadContent[0].PlatformSSO.AuthenticationMethod\n  is `SmartCard`, which macOS 13 does not have",
        ))
        .stderr(predicate::str::contains(
            "psso-profile: error: the profile has 2 error finding(s); nothing was written",
        ));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file is left"
    );
}

#[test]
fn unknown_auth_lists_the_choices() {
    generate(&["--auth", "UserSecureEnclave"])
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'UserSecureEnclave' for '--auth <METHOD>'",
        ))
        .stderr(predicate::str::contains(
            "[possible values: Password, UserSecureEnclaveKey, SmartCard, OpenID]",
        ));
}

#[test]
fn auth_is_case_insensitive_and_accepts_kebab_case() {
    let apple = stdout_of(&["--auth", "UserSecureEnclaveKey"]);
    assert_eq!(stdout_of(&["--auth", "usersecureenclavekey"]), apple);
    assert_eq!(stdout_of(&["--auth", "user-secure-enclave-key"]), apple);
    assert_eq!(stdout_of(&[]), apple, "UserSecureEnclaveKey is the default");
}

#[test]
fn unknown_min_macos_is_a_usage_error() {
    generate(&["--min-macos", "12"])
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '12' for '--min-macos <VERSION>': expected one of 13, 14, 15, 26, 27",
        ));
}

#[test]
fn output_file_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("psso.mobileconfig");
    let path = out.to_str().unwrap();
    generate(&["-o", path]).success().stdout("");
    let first = std::fs::read(&out).unwrap();
    generate(&["--auth", "Password", "-o", path])
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{path}` already exists; pass --force to overwrite it\n"
        ));
    assert_eq!(std::fs::read(&out).unwrap(), first);
    generate(&["--auth", "Password", "-o", path, "--force"]).success();
    assert_ne!(std::fs::read(&out).unwrap(), first);
}

#[test]
fn output_into_a_missing_folder_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing/psso.mobileconfig");
    generate(&["-o", out.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::starts_with(format!(
            "psso-profile: error: cannot write `{}`: ",
            out.display()
        )));
}

#[test]
fn binary_and_json_formats() {
    let xml = stdout_of(&[]);
    let binary = stdout_of(&["--format", "binary"]);
    assert!(binary.starts_with(b"bplist00"));
    let from_xml = plist::Value::from_reader(std::io::Cursor::new(&xml)).unwrap();
    let from_binary = plist::Value::from_reader(std::io::Cursor::new(&binary)).unwrap();
    assert_eq!(from_xml, from_binary);
    assert_golden("generate-default.json", &stdout_of(&["--format", "json"]));
}

#[test]
fn registration_token_from_value_file_and_env() {
    let token = "{{DEVICEREGISTRATION}}";
    let direct = stdout_of(&["--registration-token", token]);
    assert!(
        String::from_utf8_lossy(&direct).contains(
            "<key>RegistrationToken</key>\n\t\t\t<string>{{DEVICEREGISTRATION}}</string>"
        )
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    assert_eq!(
        stdout_of(&["--registration-token-file", file.to_str().unwrap()]),
        direct
    );
    let from_env = bin()
        .args(["generate", "--registration-token-env", "PSSO_TEST_TOKEN"])
        .env("PSSO_TEST_TOKEN", token)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(from_env, direct);
    bin()
        .args(["generate", "--registration-token-env", "PSSO_TEST_TOKEN_UNSET"])
        .env_remove("PSSO_TEST_TOKEN_UNSET")
        .assert()
        .code(2)
        .stderr("psso-profile: error: invalid value `PSSO_TEST_TOKEN_UNSET` for `registration-token-env`: expected the name of a set environment variable holding UTF-8 text\n");
    generate(&["--registration-token-file", "/nonexistent/token"])
        .code(2)
        .stderr(predicate::str::starts_with(
            "psso-profile: error: cannot read `/nonexistent/token`: ",
        ));
    generate(&["--registration-token", "a", "--registration-token-env", "B"])
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn extension_data_is_typed() {
    let out = stdout_of(&[
        "--extension-data",
        "browser_sso_interaction_enabled=1",
        "--extension-data",
        "AppPrefixAllowList=com.microsoft.,com.apple.",
    ]);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("<key>browser_sso_interaction_enabled</key>\n\t\t\t\t<integer>1</integer>"),
        "{text}"
    );
    assert!(
        text.contains(
            "<key>AppPrefixAllowList</key>\n\t\t\t\t<string>com.microsoft.,com.apple.</string>"
        ),
        "{text}"
    );
    generate(&["--extension-data", "browser_sso_interaction_enabled=yes"]).code(2).stderr(
        "psso-profile: error: invalid value `yes` for `ExtensionData.browser_sso_interaction_enabled`: expected an integer, 0 or 1\n",
    );
    generate(&["--extension-data", "tenant_id=x"])
        .code(2)
        .stderr(predicate::str::contains(
            "or a type for another key, as in `tenant_id:string=VALUE`",
        ));
}

#[test]
fn shared_mac_settings_and_authorization_groups() {
    let out = stdout_of(&[
        "--auth",
        "Password",
        "--enable-authorization",
        "--enable-create-user-at-login",
        "--new-user-authorization-mode",
        "standard",
        "--user-authorization-mode",
        "Standard",
        "--authorization-group",
        "system.preferences=mac-admins",
    ]);
    let text = String::from_utf8(out).unwrap();
    for needle in [
        "<key>EnableAuthorization</key>\n\t\t\t\t<true/>",
        "<key>EnableCreateUserAtLogin</key>\n\t\t\t\t<true/>",
        "<key>NewUserAuthorizationMode</key>\n\t\t\t\t<string>Standard</string>",
        "<key>system.preferences</key>\n\t\t\t\t\t<string>mac-admins</string>",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    generate(&["--authorization-group", "nogroup"])
        .code(2)
        .stderr("psso-profile: error: invalid value `nogroup` for `authorization-group`: expected `RIGHT=GROUP`, such as `system.preferences=mac-admins`\n");
}

#[test]
fn warnings_are_printed_but_do_not_fail() {
    generate(&["--login-frequency", "7200"])
        .success()
        .stderr(predicate::str::contains(
            "<generated>: warning[psso.undocumented-by-microsoft] PayloadContent[0].PlatformSSO.LoginFrequency",
        ));
    // Notes are not printed: a key newer than the fleet is one.
    generate(&["--min-macos", "14", "--enable-registration-during-setup"])
        .success()
        .stderr("");
    // Only the commercial cloud: the profile serves commercial tenants, no finding.
    generate(&["--clouds", "commercial"])
        .success()
        .stderr(predicate::str::contains("sso.urls.sovereign").not());
}

#[test]
fn an_sso_extension_profile_has_no_platform_sso() {
    let out = generate(&["--expect", "sso-extension", "--min-macos", "13"])
        .success()
        .get_output()
        .stdout
        .clone();
    let value = plist::Value::from_reader_xml(&out[..]).unwrap();
    let payload = payload(&value, 0);
    for key in ["PlatformSSO", "AuthenticationMethod", "RegistrationToken"] {
        assert!(!payload.contains_key(key), "{key}");
    }
    assert_eq!(
        payload["ExtensionIdentifier"].as_string(),
        Some("com.microsoft.CompanyPortalMac.ssoextension")
    );
    assert_eq!(
        value.as_dictionary().unwrap()["PayloadDisplayName"].as_string(),
        Some("Microsoft Enterprise SSO plug-in")
    );
    generate(&["--expect", "sso-extension", "--auth", "Password"])
        .code(2)
        .stderr(
            "psso-profile: error: `auth` configures Platform SSO, but the spec expects the SSO extension without Platform SSO (`sso-extension`)\n",
        );
    generate(&["--expect", "sso-extension", "--login-frequency", "7200"])
        .code(2)
        .stderr(predicate::str::contains(
            "`login-frequency` configures Platform SSO",
        ));
    generate(&["--expect", "sideways"]).code(2);
}

#[test]
fn refused_settings_name_the_rule() {
    generate(&["--login-frequency", "60"])
        .code(2)
        .stderr(predicate::str::contains("error[schema.range] PayloadContent[0].PlatformSSO.LoginFrequency\n  is 60; Apple's minimum is 3600"));
    generate(&["--scope", "User"])
        .code(2)
        .stderr(predicate::str::contains(
            "error[profile.scope-user] PayloadScope",
        ));
    generate(&["--identifier", "com.contoso psso"])
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value `com.contoso psso` for `PayloadIdentifier`",
        ));
}

/// Apple's profile schemas at commit 97a11a8 (macOS 26 and 27), for the checker.
const SCHEMA_27: &str = "apple-device-management-27/mdm/profiles/com.apple.extensiblesso.yaml";

/// Runs the independent checker (tests/checker/psso_check.py) on `file` for a fleet
/// from `min`: its exit status and its problems, one per line.
fn independent_check(
    schema: &std::path::Path,
    min: &str,
    file: &std::path::Path,
) -> (bool, String) {
    let checker = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/checker/psso_check.py"
        ))
        .arg("--schema-dir")
        .arg(schema.parent().unwrap())
        .args(["--min-macos", min])
        .arg(file)
        .output()
        .unwrap();
    (
        checker.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&checker.stdout),
            String::from_utf8_lossy(&checker.stderr)
        ),
    )
}

/// Every generated profile passes an independent checker written in Python against
/// Apple's YAML schema (the 97a11a8 copy) and Microsoft's table
/// (tests/checker/psso_check.py).
#[test]
fn independent_checker_accepts_every_method_and_target() {
    let test = "independent_checker_accepts_every_method_and_target";
    let Some(schema) = shared_reference(SCHEMA_27, test) else {
        return;
    };
    if !have_tool("python3", test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for auth in METHODS {
        for min in TARGETS {
            if auth == "SmartCard" && min == "13" {
                continue;
            }
            let file = dir.path().join(format!("{auth}-{min}.mobileconfig"));
            generate(&[
                "--auth",
                auth,
                "--min-macos",
                min,
                "--registration-token",
                "{{DEVICEREGISTRATION}}",
                "-o",
                file.to_str().unwrap(),
            ])
            .success();
            let (ok, problems) = independent_check(&schema, min, &file);
            assert!(ok, "{auth} {min}: {problems}");
        }
    }
}

/// Every macOS 26 and 27 setting, for a fleet from macOS 27.
pub(crate) const EVERY_NEW_SETTING: &[&str] = &[
    "--auth",
    "Password",
    "--registration-token",
    "{{DEVICEREGISTRATION}}",
    "--filevault-policy",
    "AttemptAuthentication,RequireTouchID",
    "--login-policy",
    "AttemptAuthentication,RequireTouchIDOrWatch",
    "--unlock-policy",
    "AttemptAuthentication,AllowTouchIDOrWatchForUnlock,AllowOpenIDForTouchIDFallback",
    "--web-login-url-allow-list",
    "login.microsoftonline.com,login.microsoft.com",
    "--allow-web-login-password-sync",
    "--new-user-authentication-methods",
    "password,open-id",
    "--new-user-authorization-mode",
    "Temporary",
    "--enable-registration-during-setup",
    "--enable-create-first-user-during-setup",
    "true",
    "--synchronize-profile-picture",
    "--temporary-session-quick-login",
    "--allow-device-identifiers-in-attestation",
    "--allow-access-key-express-mode",
    "--access-key-reader-group-identifier",
    "AQID",
    "--access-key-terminal-identity-uuid",
    "6F1A4C2E-3B5D-4E7F-8A9B-0C1D2E3F4A5B",
    "--access-key-reader-issuer-certificate-uuid",
    "7A2B5D3F-4C6E-4F80-9B1C-1D2E3F4A5B6C",
];

/// `generate --min-macos 27` with every macOS 26 and 27 setting passes the checker
/// against the 97a11a8 schema; for a fleet from 15, the checker and `validate` find
/// the same keys and values newer than the fleet.
#[test]
fn independent_checker_accepts_the_macos_27_keys_and_agrees_on_what_is_newer_than_15() {
    let test = "independent_checker_accepts_the_macos_27_keys_and_agrees_on_what_is_newer_than_15";
    let Some(schema) = shared_reference(SCHEMA_27, test) else {
        return;
    };
    if !have_tool("python3", test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("every-27.mobileconfig");
    let mut args = vec!["--min-macos", "27", "-o", file.to_str().unwrap()];
    args.extend_from_slice(EVERY_NEW_SETTING);
    let out = generate(&args).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        !stderr.contains("schema."),
        "every key is known at 27: {stderr}"
    );
    let (ok, problems) = independent_check(&schema, "27", &file);
    assert!(ok, "{problems}");

    let (ok, problems) = independent_check(&schema, "15", &file);
    assert!(!ok);
    let mut theirs: Vec<String> = problems
        .lines()
        .filter(|l| l.contains("after the fleet's macOS 15.0"))
        .map(|l| l.split(": ").nth(1).unwrap().to_string())
        .collect();
    let json = bin()
        .args(["validate", "--min-macos", "15", "--format", "json"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let mut ours: Vec<String> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema.newer-than-target")
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 15, "{ours:?}");
}

#[test]
fn mdm_command_carries_the_profile() {
    let profile = stdout_of(&["--auth", "Password"]);
    let command = stdout_of(&["--auth", "Password", "--mdm-command"]);
    let value = plist::Value::from_reader(std::io::Cursor::new(&command)).unwrap();
    let dict = value.as_dictionary().unwrap();
    let inner = dict["Command"].as_dictionary().unwrap();
    assert_eq!(inner["RequestType"].as_string(), Some("InstallProfile"));
    assert_eq!(
        inner["Payload"].as_data(),
        Some(&profile[..]),
        "the payload is the profile, byte for byte"
    );
    let uuid = dict["CommandUUID"].as_string().unwrap();
    assert_eq!(uuid, uuid.to_uppercase());
    assert!(uuid::Uuid::try_parse(uuid).is_ok());
    assert_eq!(
        command,
        stdout_of(&["--auth", "Password", "--mdm-command"]),
        "deterministic"
    );

    // JSON: the same command with the payload in base64; the profile inside is XML.
    let json: serde_json::Value = serde_json::from_slice(&stdout_of(&[
        "--auth",
        "Password",
        "--mdm-command",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["Command"]["RequestType"], "InstallProfile");
    assert_eq!(json["CommandUUID"], uuid);
    let wrapped = bin()
        .args(["wrap", "-", "--format", "json"])
        .write_stdin(profile)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let wrapped: serde_json::Value = serde_json::from_slice(&wrapped).unwrap();
    assert_eq!(
        json["Command"]["Payload"], wrapped["Command"]["Payload"],
        "the same bytes as `wrap` of the XML profile"
    );
}

#[test]
fn mdm_command_with_a_signed_profile() {
    if !have_tool("openssl", "mdm_command_with_a_signed_profile") {
        return;
    }
    let dir = crate::selfsigned::dir();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("command.plist");
    generate(&[
        "--mdm-command",
        "--sign-cert",
        dir.join("rsa.pem").to_str().unwrap(),
        "--sign-key",
        dir.join("rsa.key").to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ])
    .success();
    let value = plist::Value::from_file(&file).unwrap();
    let payload = value.as_dictionary().unwrap()["Command"]
        .as_dictionary()
        .unwrap()["Payload"]
        .as_data()
        .unwrap()
        .to_vec();
    let signed = out.path().join("signed.mobileconfig");
    std::fs::write(&signed, &payload).unwrap();
    assert_eq!(
        crate::selfsigned::verify(&signed, "rsa"),
        stdout_of(&[]),
        "the payload is the signed profile"
    );
}

#[test]
fn every_platform_sso_key_is_a_setting_on_the_command_line_and_in_spec_files() {
    let args = [
        "--min-macos",
        "26",
        "--synchronize-profile-picture",
        "--temporary-session-quick-login=false",
        "--allow-access-key-express-mode",
        "--access-key-reader-group-identifier",
        "AQID",
        "--access-key-terminal-identity-uuid",
        "0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20",
        "--new-user-authentication-methods",
        "password,smart-card",
    ];
    let text = String::from_utf8(stdout_of(&args)).unwrap();
    for needle in [
        "<key>SynchronizeProfilePicture</key>\n\t\t\t\t<true/>",
        "<key>TemporarySessionQuickLogin</key>\n\t\t\t\t<false/>",
        "<key>AllowAccessKeyExpressMode</key>\n\t\t\t\t<true/>",
        "<key>AccessKeyReaderGroupIdentifier</key>\n\t\t\t\t<data>\n\t\t\t\tAQID\n\t\t\t\t</data>",
        "<key>AccessKeyTerminalIdentityUUID</key>\n\t\t\t\t<string>0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20</string>",
        "<key>NewUserAuthenticationMethods</key>\n\t\t\t\t<array>\n\t\t\t\t\t<string>Password</string>\n\t\t\t\t\t<string>SmartCard</string>",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.toml");
    std::fs::write(
        &spec,
        "min-macos = 26\nsynchronize-profile-picture = true\naccess-key-reader-group-identifier = \"AQID\"\n",
    )
    .unwrap();
    let from_file = String::from_utf8(stdout_of(&["--spec", spec.to_str().unwrap()])).unwrap();
    assert!(from_file.contains("<key>SynchronizeProfilePicture</key>\n\t\t\t\t<true/>"));
    generate(&["--access-key-reader-group-identifier", "!!"])
        .code(2)
        .stderr("psso-profile: error: invalid value `!!` for `base64 data`: expected base64 text of at least one byte\n");
}

/// The walk-through of ARCHITECTURE.md, step 3: the macOS 27 keys are settings on the
/// command line and in spec files, known at `--min-macos 27` and newer than a fleet
/// from macOS 15.
#[test]
fn the_macos_27_keys_are_settings_known_at_27_and_newer_than_15() {
    let args = [
        "--min-macos",
        "27",
        "--allow-web-login-password-sync",
        "--web-login-url-allow-list",
        "login.microsoftonline.com,login.microsoft.com",
    ];
    let out = generate(&args).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for needle in [
        "<key>AllowWebLoginPasswordSync</key>\n\t\t\t\t<true/>",
        "<key>WebLoginURLAllowList</key>\n\t\t\t\t<array>\n\t\t\t\t\t<string>login.microsoftonline.com</string>\n\t\t\t\t\t<string>login.microsoft.com</string>",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!stderr.contains("schema."), "known at 27: {stderr}");
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.toml");
    std::fs::write(
        &spec,
        "min-macos = 27\nallow-web-login-password-sync = true\nweb-login-url-allow-list = [\"login.microsoftonline.com\", \"login.microsoft.com\"]\n",
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(stdout_of(&["--spec", spec.to_str().unwrap()])).unwrap(),
        text,
        "the spec keys write the same profile"
    );
    generate(&[
        "-v",
        "--min-macos",
        "15",
        "--allow-web-login-password-sync",
        "--filevault-policy",
        "AttemptAuthentication,RequireTouchID",
        "--auth",
        "Password",
    ])
    .success()
    .stderr(predicate::str::contains(
        "info[schema.newer-than-target] PayloadContent[0].PlatformSSO.AllowWebLoginPasswordSync\n  was introduced in macOS 27.0; Macs of the fleet on macOS 15 ignore it",
    ))
    .stderr(predicate::str::contains(
        "info[schema.newer-than-target] PayloadContent[0].PlatformSSO.FileVaultPolicy[1]\n  is `RequireTouchID`, which macOS 27.0 introduced; Macs of the fleet on macOS 15 do not have it",
    ));
}

/// `--min-macos 27` (and a minor version such as 26.2) is taken wherever a target is:
/// generate, validate, inspect, sign, and spec files for batches.
#[test]
fn min_macos_27_and_minor_versions_are_taken_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.mobileconfig");
    generate(&["--min-macos", "27", "-o", file.to_str().unwrap()]).success();
    for min in ["27", "26.2"] {
        bin()
            .args(["validate", "--min-macos", min])
            .arg(&file)
            .assert()
            .success();
    }
    let json = bin()
        .args(["inspect", "--format", "json", "--min-macos", "27"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["macos"]["target"], 27);
    let spec = dir.path().join("s.toml");
    std::fs::write(
        &spec,
        "min-macos = \"26.2\"\nidentifier = \"com.${tenant}.psso\"\n",
    )
    .unwrap();
    let rows = dir.path().join("rows.csv");
    std::fs::write(&rows, "tenant\ncontoso\n").unwrap();
    bin()
        .args(["batch", "--spec"])
        .arg(&spec)
        .arg("--rows")
        .arg(&rows)
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    if !have_tool(
        "openssl",
        "min_macos_27_and_minor_versions_are_taken_everywhere",
    ) {
        return;
    }
    let certs = crate::selfsigned::dir();
    bin()
        .args(["sign", "--min-macos", "27"])
        .arg(&file)
        .arg("-o")
        .arg(dir.path().join("signed.mobileconfig"))
        .arg("--cert")
        .arg(certs.join("rsa.pem"))
        .arg("--key")
        .arg(certs.join("rsa.key"))
        .assert()
        .success();
}
