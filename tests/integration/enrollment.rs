//! Platform SSO during Automated Device Enrollment: `validate --enrollment` and the
//! `enrollment` command.

use predicates::prelude::*;

use crate::support::bin;

const URLS: [&str; 6] = [
    "--profile-url",
    "https://mdm.contoso.com/psso/profile",
    "--manifest-url",
    "https://mdm.contoso.com/psso/company-portal.plist",
    "--auth-url",
    "https://mdm.contoso.com/psso/sign-in",
];

#[test]
fn validate_enrollment_passes_the_setup_assistant_template_and_fails_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup.mobileconfig");
    bin()
        .args(["generate", "--template", "setup-assistant", "-o"])
        .arg(&setup)
        .assert()
        .success();
    bin()
        .args(["validate", "--enrollment"])
        .arg(&setup)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 error(s), 0 warning(s)"));

    // Without EnableRegistrationDuringSetup.
    let plain = dir.path().join("plain.mobileconfig");
    bin()
        .args(["generate", "--min-macos", "26", "-o"])
        .arg(&plain)
        .assert()
        .success();
    bin()
        .args(["validate", "--enrollment"])
        .arg(&plain)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[enrollment.registration-during-setup] PayloadContent[0].PlatformSSO.EnableRegistrationDuringSetup\n  is missing, so Apple's default false applies",
        ));
    bin().arg("validate").arg(&plain).assert().success();

    // With a payload Apple does not allow before enrollment.
    let mut value = plist::Value::from_file(&setup).unwrap();
    let mut wifi = plist::Dictionary::new();
    for (k, v) in [
        ("PayloadType", "com.apple.wifi.managed"),
        ("PayloadIdentifier", "com.contoso.wifi"),
        ("PayloadUUID", "8C4E2A6B-1D3F-4A5B-9C7E-0F2A4B6C8D0E"),
    ] {
        wifi.insert(k.into(), v.into());
    }
    wifi.insert("PayloadVersion".into(), plist::Value::Integer(1.into()));
    value.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()
        .push(plist::Value::Dictionary(wifi));
    let mixed = dir.path().join("mixed.mobileconfig");
    value.to_file_xml(&mixed).unwrap();
    bin()
        .args(["validate", "--enrollment"])
        .arg(&mixed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[enrollment.payload-types] PayloadContent[1].PayloadType\n  is `com.apple.wifi.managed`",
        ));
    // A fleet that starts before macOS 26 never asks for it.
    bin()
        .args(["validate", "--enrollment", "--min-macos", "15"])
        .arg(&setup)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[enrollment.macos]"));
}

#[test]
fn the_enrollment_command_prints_the_403_body_as_a_plist_or_json() {
    let out = bin()
        .arg("enrollment")
        .args(URLS)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let value = plist::Value::from_reader(std::io::Cursor::new(&out)).unwrap();
    let root = value.as_dictionary().unwrap();
    assert_eq!(root["Code"].as_string(), Some("com.apple.psso.required"));
    let details = root["Details"].as_dictionary().unwrap();
    assert_eq!(
        details["ProfileURL"].as_string(),
        Some("https://mdm.contoso.com/psso/profile")
    );
    assert_eq!(
        details["Package"].as_dictionary().unwrap()["ManifestURL"].as_string(),
        Some("https://mdm.contoso.com/psso/company-portal.plist")
    );
    assert_eq!(
        details["AuthURL"].as_string(),
        Some("https://mdm.contoso.com/psso/sign-in")
    );
    let json = bin()
        .arg("enrollment")
        .args(URLS)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "Code": "com.apple.psso.required",
            "Details": {
                "AuthURL": "https://mdm.contoso.com/psso/sign-in",
                "Package": {"ManifestURL": "https://mdm.contoso.com/psso/company-portal.plist"},
                "ProfileURL": "https://mdm.contoso.com/psso/profile"
            }
        })
    );
    bin()
        .arg("enrollment")
        .args(["--profile-url", "http://mdm.contoso.com/p"])
        .args(&URLS[2..])
        .assert()
        .code(2)
        .stdout("")
        .stderr("psso-profile: error: invalid value `http://mdm.contoso.com/p` for `--profile-url`: expected an https URL such as `https://mdm.example.com/path` (it must start with `https://`)\n");
}
