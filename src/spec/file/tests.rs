use std::collections::BTreeMap;

use super::*;
use crate::model::{AuthMethod, MacOs, NewUserAuthorizationMode, Policy};
use crate::rules::{self, Severity};
use crate::spec::ExtensionValue;

fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn parses_the_option_names_and_apple_spellings_in_any_case() {
    let file = SpecFile::parse(
        "auth = \"password\"\nmin-macos = 15\norg = \"Contoso\"\n\
         new-user-authorization-mode = \"STANDARD\"\nfilevault-policy = [\"attemptauthentication\"]\n\
         enable-authorization = true\n[extension-data]\nbrowser_sso_interaction_enabled = 1\n",
        "spec.toml",
    )
    .unwrap();
    let spec = file.to_spec().unwrap();
    assert_eq!(spec.auth, Some(AuthMethod::Password));
    assert_eq!(spec.min_macos, Some(MacOs::V15));
    assert_eq!(spec.org.as_deref(), Some("Contoso"));
    assert_eq!(
        spec.new_user_authorization_mode,
        Some(NewUserAuthorizationMode::Standard)
    );
    assert_eq!(
        spec.filevault_policy,
        Some(vec![Policy::AttemptAuthentication])
    );
    assert_eq!(spec.enable_authorization, Some(true));
    assert_eq!(
        spec.extension_data
            .iter()
            .find(|e| e.key == "browser_sso_interaction_enabled")
            .unwrap()
            .value,
        ExtensionValue::Integer(1)
    );
    let upper = SpecFile::parse("auth = \"Password\"", "s")
        .unwrap()
        .to_spec()
        .unwrap();
    assert_eq!(upper.auth, Some(AuthMethod::Password));
}

#[test]
fn an_unknown_key_names_the_file_and_line() {
    let err = SpecFile::parse("auth = \"Password\"\n\norganisation = \"x\"\n", "spec.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("`spec.toml` line 3: unknown key `organisation`; expected one of `auth`, `min-macos`, `expect`, `org`,"),
        "{err}"
    );
}

#[test]
fn invalid_toml_names_the_file_and_line() {
    let err = SpecFile::parse("auth = \"Password\"\norg = \n", "spec.toml").unwrap_err();
    let Error::SpecFile { file, line, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((file.as_str(), *line), ("spec.toml", 2));
    assert!(err.to_string().starts_with("`spec.toml` line 2: "), "{err}");
}

#[test]
fn an_invalid_value_names_the_line_and_key() {
    let err = SpecFile::parse("org = \"x\"\nauth = \"Passkey\"\n", "spec.toml")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "`spec.toml` line 2: `auth`: invalid value `Passkey` for `AuthMethod`: expected one of `Password`, `UserSecureEnclaveKey`, `SmartCard`, `OpenID`"
    );
    let err = SpecFile::parse("min-macos = 12\n", "s.toml")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "`s.toml` line 1: `min-macos`: invalid value `12` for `min-macos`: expected one of 13, 14, 15, 26, 27, or a minor version such as 15.4"
    );
    let err = SpecFile::parse("org = \"a ${tenant\"\n", "s.toml")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "`s.toml` line 1: `org`: `a ${tenant` has a `${` without a name and a closing `}`; write `$${` for a literal `${`"
    );
}

#[test]
fn keys_are_the_spec_fields() {
    assert_eq!(keys().len(), crate::settings::SETTINGS.len());
    assert!(keys().contains(&"extension-data"));
    assert!(keys().contains(&"enable-create-first-user-during-setup"));
}

#[test]
fn later_layers_override_earlier_ones() {
    let mut file = SpecFile::parse(
        "auth = \"Password\"\norg = \"Template\"\n[extension-data]\nAppPrefixAllowList = \"com.microsoft.\"\nbrowser_sso_interaction_enabled = 1\n",
        "template t",
    )
    .unwrap();
    file.overlay(
        SpecFile::parse(
            "org = \"Spec\"\n[extension-data]\nbrowser_sso_interaction_enabled = 0\n",
            "spec.toml",
        )
        .unwrap(),
    );
    let mut spec = file.to_spec().unwrap();
    assert_eq!(spec.auth, Some(AuthMethod::Password));
    assert_eq!(spec.org.as_deref(), Some("Spec"));
    assert_eq!(spec.extension_data.len(), 2);
    assert_eq!(
        spec.extension_data
            .iter()
            .find(|e| e.key == "browser_sso_interaction_enabled")
            .unwrap()
            .value,
        ExtensionValue::Integer(0)
    );
    spec.overlay(Spec {
        org: Some("CLI".into()),
        ..Spec::default()
    });
    assert_eq!(spec.org.as_deref(), Some("CLI"));
    assert_eq!(spec.auth, Some(AuthMethod::Password));
}

#[test]
fn row_variables_fill_any_string_and_keep_mdm_placeholders() {
    let file = SpecFile::parse(
        "auth = \"${method}\"\nmin-macos = \"${macos}\"\norg = \"${org}\"\n\
         identifier = \"com.${tenant}.psso\"\nregistration-token = \"{{DEVICEREGISTRATION}}\"\n\
         description = \"$SERIALNUMBER $FLEET_VAR_X $${literal}\"\n\
         [extension-data]\nAppPrefixAllowList = \"com.microsoft.,${prefix}\"\n",
        "spec.toml",
    )
    .unwrap();
    assert_eq!(
        file.variables().into_iter().collect::<Vec<_>>(),
        ["macos", "method", "org", "prefix", "tenant"]
    );
    let prepared = file.row_spec().unwrap();
    assert_eq!(prepared.identifier_pattern(), "com.${tenant}.psso");
    let spec = prepared
        .render(&row(&[
            ("method", "password"),
            ("macos", "15"),
            ("org", "Fabrikam"),
            ("tenant", "fabrikam"),
            ("prefix", "com.fabrikam."),
        ]))
        .unwrap();
    assert_eq!(spec.auth, Some(AuthMethod::Password));
    assert_eq!(spec.min_macos, Some(MacOs::V15));
    assert_eq!(spec.identifier.as_deref(), Some("com.fabrikam.psso"));
    assert_eq!(
        spec.registration_token.as_deref(),
        Some("{{DEVICEREGISTRATION}}")
    );
    assert_eq!(
        spec.description.as_deref(),
        Some("$SERIALNUMBER $FLEET_VAR_X ${literal}")
    );
    assert_eq!(
        spec.extension_data
            .iter()
            .find(|e| e.key == "AppPrefixAllowList")
            .unwrap()
            .value,
        ExtensionValue::String("com.microsoft.,com.fabrikam.".into())
    );

    let err = prepared
        .render(&row(&[
            ("method", "Password"),
            ("macos", "15"),
            ("org", "x"),
            ("prefix", "p"),
        ]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no column `tenant` for `${tenant}` in `identifier`"
    );
    let err = prepared
        .render(&row(&[
            ("method", "Passkey"),
            ("macos", "15"),
            ("org", "x"),
            ("tenant", "t"),
            ("prefix", "p"),
        ]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`auth`: invalid value `Passkey` for `AuthMethod`: expected one of `Password`, `UserSecureEnclaveKey`, `SmartCard`, `OpenID`"
    );
}

#[test]
fn a_spec_with_variables_needs_rows() {
    let err = SpecFile::parse("org = \"${org}\"\n", "spec.toml")
        .unwrap()
        .to_spec()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`spec.toml` uses row variables (`${org}`); only a batch fills them from rows (write `$${` for a literal `${`)"
    );
    let escaped = SpecFile::parse("org = \"$${org}\"\n", "spec.toml").unwrap();
    assert_eq!(escaped.to_spec().unwrap().org.as_deref(), Some("${org}"));
}

#[test]
fn every_template_validates_clean_for_its_own_target() {
    assert_eq!(crate::spec::templates()[0].name, "secure-enclave");
    assert_eq!(crate::spec::templates().len(), 6);
    for template in crate::spec::templates() {
        assert!(template.text.starts_with("# "), "{}", template.name);
        assert!(!template.summary().is_empty());
        let spec = template.spec_file().unwrap().to_spec().unwrap();
        let generated = spec
            .generate()
            .unwrap_or_else(|e| panic!("{}: {e}", template.name));
        let report = rules::check(&generated.value, &spec.target());
        assert_eq!(
            report.count(Severity::Error),
            0,
            "{}: {report:?}",
            template.name
        );
        assert_eq!(
            report.count(Severity::Warning),
            0,
            "{}: {report:?}",
            template.name
        );
    }
    let err = crate::spec::template("kiosk").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid value `kiosk` for `template`: expected one of `secure-enclave`, `password-filevault`, `smart-card`, `shared-mac`, `setup-assistant`, `intune` (`psso-profile templates list`)"
    );
}
