use plist::{Dictionary, Value};

use super::*;
use crate::model::{MacOs, MacOsRange, Target};
use crate::spec::Spec;

fn valid() -> Value {
    Spec {
        registration_token: Some("{{DEVICEREGISTRATION}}".to_string()),
        ..Spec::default()
    }
    .to_profile()
    .unwrap()
    .to_value()
    .unwrap()
}

/// The container and last key of a path like `PayloadContent[0].PlatformSSO.X`.
fn parent<'a>(value: &'a mut Value, path: &str) -> (&'a mut Dictionary, String) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap().to_string();
    let mut cur = value;
    for part in parts {
        cur = match part.split_once('[') {
            Some((key, idx)) => {
                let i: usize = idx.trim_end_matches(']').parse().unwrap();
                &mut cur
                    .as_dictionary_mut()
                    .unwrap()
                    .get_mut(key)
                    .unwrap()
                    .as_array_mut()
                    .unwrap()[i]
            }
            None => cur.as_dictionary_mut().unwrap().get_mut(part).unwrap(),
        };
    }
    (cur.as_dictionary_mut().unwrap(), last)
}

fn set(value: &mut Value, path: &str, new: impl Into<Value>) {
    let (dict, key) = parent(value, path);
    dict.insert(key, new.into());
}

fn remove(value: &mut Value, path: &str) {
    let (dict, key) = parent(value, path);
    dict.remove(&key).unwrap();
}

fn strings(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.to_string())).collect())
}

fn check14(value: &Value) -> Report {
    check(value, &Target::new(MacOs::V14))
}

/// Rules that accompany many mutations of these tests, and have tests of their own.
const ADVISORY: [RuleId; 3] = [
    RuleId::PssoUndocumentedByMicrosoft,
    RuleId::PssoSetupCompanyPortal,
    RuleId::SsoRegistrationTokenAbsent,
];

/// Asserts that `report` has no findings besides [`ADVISORY`] ones.
#[track_caller]
fn assert_clean(report: &Report) {
    let rest: Vec<_> = report
        .findings
        .iter()
        .filter(|f| !ADVISORY.contains(&f.rule))
        .collect();
    assert!(rest.is_empty(), "{rest:#?}");
}

/// The only finding of `report` (besides [`ADVISORY`] ones), which must be of
/// `rule` at `path`.
#[track_caller]
fn only(report: &Report, rule: RuleId, path: &str) -> Finding {
    let findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule == rule || !ADVISORY.contains(&f.rule))
        .collect();
    assert_eq!(findings.len(), 1, "{report:#?}");
    let f = findings[0].clone();
    assert_eq!((f.rule, f.path.as_str()), (rule, path), "{f:#?}");
    f
}

const SSO: &str = "PayloadContent[0]";

#[test]
fn generated_profile_is_clean_for_every_target() {
    for min in [MacOs::V14, MacOs::V15, MacOs::V26, MacOs::V27] {
        assert_eq!(check(&valid(), &Target::new(min)).findings, vec![]);
    }
}

#[test]
fn rule_ids_are_unique_and_documented() {
    for (i, r) in RULES.iter().enumerate() {
        assert!(!RULES[..i].iter().any(|o| o.id == r.id), "{}", r.id);
        assert!(
            !r.summary.is_empty() && !r.rationale.is_empty() && !r.fix.is_empty(),
            "{}",
            r.id
        );
    }
    for row in crate::catalog::microsoft::REQUIRED {
        assert_eq!(
            row.macos,
            row.rule.rule().macos,
            "{}: the row of Microsoft's table and its rule apply to the same macOS",
            row.rule
        );
    }
    let ids: Vec<RuleId> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, RuleId::ALL, "one rule per id, in the order of the ids");
    for &id in RuleId::ALL {
        assert_eq!(id.rule().id, id);
    }
}

#[test]
fn root_must_be_a_dictionary_with_payloads() {
    let report = check14(&Value::Array(vec![]));
    only(&report, RuleId::ProfileRoot, "");
    assert_eq!(
        report.findings[0].message,
        "the profile's root is not a dictionary"
    );

    let mut v = valid();
    set(&mut v, "PayloadContent", "x");
    let r = check14(&v);
    assert!(r.findings.iter().any(|f| f.rule == RuleId::ProfileRoot
        && f.message == "is `x`; expected an array of payload dictionaries"));

    let mut v = valid();
    v.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()
        .push(Value::Boolean(true));
    only(&check14(&v), RuleId::ProfileRoot, "PayloadContent[1]");
}

#[test]
fn profile_type_and_version() {
    let mut v = valid();
    set(&mut v, "PayloadType", "Profile");
    let f = only(&check14(&v), RuleId::ProfilePayloadType, "PayloadType");
    assert_eq!(f.message, "is `Profile`; Apple allows only `Configuration`");

    let mut v = valid();
    set(&mut v, "PayloadVersion", "1");
    only(
        &check14(&v),
        RuleId::ProfilePayloadVersion,
        "PayloadVersion",
    );
    let mut v = valid();
    remove(&mut v, &format!("{SSO}.PayloadVersion"));
    only(
        &check14(&v),
        RuleId::ProfilePayloadVersion,
        "PayloadContent[0].PayloadVersion",
    );
}

#[test]
fn identifiers_and_uuids() {
    let mut v = valid();
    set(&mut v, "PayloadIdentifier", "com.contoso psso");
    only(&check14(&v), RuleId::ProfileIdentifier, "PayloadIdentifier");

    // Apple calls the content unimportant: a string that is not a UUID is a warning.
    let mut v = valid();
    set(&mut v, &format!("{SSO}.PayloadUUID"), "not-a-uuid");
    let f = only(
        &check14(&v),
        RuleId::ProfileUuidFormat,
        "PayloadContent[0].PayloadUUID",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.starts_with("`not-a-uuid` is not a UUID"),
        "{}",
        f.message
    );

    let mut v = valid();
    let top = v.as_dictionary().unwrap()["PayloadUUID"].clone();
    set(&mut v, &format!("{SSO}.PayloadUUID"), top.clone());
    let f = only(
        &check14(&v),
        RuleId::ProfileUuid,
        "PayloadContent[0].PayloadUUID",
    );
    assert_eq!(
        f.message,
        format!(
            "`{}` is also the UUID of the profile; every UUID must be unique",
            top.as_string().unwrap()
        )
    );
}

fn with_second_payload(edit: impl FnOnce(&mut Dictionary)) -> Value {
    let mut v = valid();
    let content = v.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap();
    let mut second = content[0].as_dictionary().unwrap().clone();
    second.insert(
        "PayloadUUID".into(),
        "0B5C6B9E-3A57-4E0C-9D3B-6A0D2B9F4C11".into(),
    );
    second.insert("PayloadIdentifier".into(), "com.contoso.second".into());
    edit(&mut second);
    content.push(Value::Dictionary(second));
    v
}

#[test]
fn two_microsoft_payloads_are_error_10002() {
    let v = with_second_payload(|d| {
        d.remove("URLs");
    });
    let r = check14(&v);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == RuleId::ProfileSsoPayloadCount)
        .unwrap();
    assert_eq!(f.path, "PayloadContent[1]");
    assert!(f.message.contains("10002"), "{}", f.message);
}

#[test]
fn urls_shared_with_another_sso_payload() {
    let v = with_second_payload(|d| {
        d.clear();
        d.insert("PayloadType".into(), "com.apple.extensiblesso".into());
        d.insert("PayloadIdentifier".into(), "com.contoso.okta".into());
        d.insert(
            "PayloadUUID".into(),
            "0B5C6B9E-3A57-4E0C-9D3B-6A0D2B9F4C11".into(),
        );
        d.insert("PayloadVersion".into(), Value::Integer(1.into()));
        d.insert(
            "ExtensionIdentifier".into(),
            "com.okta.mobile.auth-service-extension".into(),
        );
        d.insert("TeamIdentifier".into(), "B7F62B65BN".into());
        d.insert("Type".into(), "Redirect".into());
        d.insert(
            "URLs".into(),
            strings(&["https://LOGIN.microsoftonline.com/"]),
        );
    });
    let f = only(
        &check14(&v),
        RuleId::SsoUrlsUnique,
        "PayloadContent[1].URLs[0]",
    );
    assert_eq!(
        f.message,
        "`https://LOGIN.microsoftonline.com/` is also listed by PayloadContent[0].URLs; Apple requires each to be unique across Extensible SSO payloads"
    );
}

#[test]
fn duplicate_payload_identifiers() {
    let v = with_second_payload(|d| {
        d.insert("PayloadType".into(), "com.apple.security.scep".into());
        d.insert(
            "PayloadIdentifier".into(),
            "com.psso-profile.platformsso.sso".into(),
        );
    });
    let r = check14(&v);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == RuleId::ProfileIdentifier
                && f.path == "PayloadContent[1].PayloadIdentifier"),
        "{r:#?}"
    );
}

#[test]
fn no_sso_payload_at_all_is_a_note() {
    let mut v = valid();
    set(&mut v, "PayloadContent", Value::Array(vec![]));
    let f = only(
        &check14(&v),
        RuleId::ProfileMicrosoftPayload,
        "PayloadContent",
    );
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(
        f.message,
        "holds no payload for the Microsoft Enterprise SSO plug-in (`com.microsoft.CompanyPortalMac.ssoextension`); Apple's schema was checked, Microsoft's settings were not"
    );
}

#[test]
fn misspelt_extension_identifier_is_reported_on_the_payload() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.ExtensionIdentifier"),
        "com.microsoft.CompanyPortal.ssoextension",
    );
    let f = only(
        &check14(&v),
        RuleId::SsoExtensionIdentifier,
        "PayloadContent[0].ExtensionIdentifier",
    );
    assert_eq!(
        f.message,
        "is `com.microsoft.CompanyPortal.ssoextension`; Microsoft requires `com.microsoft.CompanyPortalMac.ssoextension`"
    );
}

/// A Kerberos extension payload for `realm` and `hosts`, as Apple's Kerberos
/// schema writes one.
fn kerberos_payload(realm: &str, hosts: &[&str]) -> Dictionary {
    let mut d = Dictionary::new();
    d.insert("PayloadType".into(), "com.apple.extensiblesso".into());
    d.insert("PayloadIdentifier".into(), "com.contoso.kerberos".into());
    d.insert(
        "PayloadUUID".into(),
        "0B5C6B9E-3A57-4E0C-9D3B-6A0D2B9F4C11".into(),
    );
    d.insert("PayloadVersion".into(), Value::Integer(1.into()));
    d.insert(
        "ExtensionIdentifier".into(),
        "com.apple.AppSSOKerberos.KerberosExtension".into(),
    );
    d.insert("TeamIdentifier".into(), "apple".into());
    d.insert("Type".into(), "Credential".into());
    d.insert("Realm".into(), realm.into());
    d.insert("Hosts".into(), strings(hosts));
    d
}

#[test]
fn kerberos_payload_beside_is_fine() {
    let v = with_second_payload(|d| *d = kerberos_payload("CONTOSO.COM", &["contoso.com"]));
    assert_eq!(check14(&v).findings, vec![]);
}

#[test]
fn kerberos_payloads_follow_their_own_schema_and_microsofts_guidance() {
    let kerberos = |edit: &dyn Fn(&mut Dictionary)| {
        let mut v = valid();
        let content = v.as_dictionary_mut().unwrap()["PayloadContent"]
            .as_array_mut()
            .unwrap();
        let mut d = kerberos_payload(
            "KERBEROS.MICROSOFTONLINE.COM",
            &["windows.net", ".windows.net"],
        );
        let mut ext = Dictionary::new();
        ext.insert("usePlatformSSOTGT".into(), Value::Boolean(true));
        ext.insert("performKerberosOnly".into(), Value::Boolean(true));
        d.insert("ExtensionData".into(), Value::Dictionary(ext));
        edit(&mut d);
        content[0] = Value::Dictionary(d);
        v
    };
    let ext = |d: &mut Dictionary, key: &str, value: Value| {
        d.get_mut("ExtensionData")
            .and_then(Value::as_dictionary_mut)
            .unwrap()
            .insert(key.into(), value);
    };
    // Microsoft's cloud Kerberos profile (S10): only the note that no Microsoft
    // payload is in the profile.
    only(
        &check14(&kerberos(&|_| {})),
        RuleId::ProfileMicrosoftPayload,
        "PayloadContent",
    );
    let r = check14(&kerberos(&|d| {
        d.insert("TeamIdentifier".into(), "UBF8T346G9".into());
        ext(d, "credentialUseMode", "sometimes".into());
        ext(d, "usePlatformSSOTGT", "yes".into());
        ext(d, "cacheName", "x".into());
        ext(d, "syncLocalPassword", Value::Boolean(true));
        ext(d, "useplatformssotgt", Value::Boolean(true));
        d.get_mut("Hosts")
            .unwrap()
            .as_array_mut()
            .unwrap()
            .push("*.contoso.com".into());
    }));
    let got: Vec<(RuleId, &str)> = r
        .findings
        .iter()
        .filter(|f| f.rule != RuleId::ProfileMicrosoftPayload)
        .map(|f| (f.rule, f.path.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (RuleId::SsoHostsWildcard, "PayloadContent[0].Hosts[2]"),
            (RuleId::KerberosSchema, "PayloadContent[0].TeamIdentifier"),
            (
                RuleId::KerberosSchema,
                "PayloadContent[0].ExtensionData.usePlatformSSOTGT"
            ),
            (
                RuleId::KerberosSchema,
                "PayloadContent[0].ExtensionData.credentialUseMode"
            ),
            (
                RuleId::KerberosExtensionData,
                "PayloadContent[0].ExtensionData.cacheName"
            ),
            (
                RuleId::KerberosExtensionData,
                "PayloadContent[0].ExtensionData.useplatformssotgt"
            ),
            (
                RuleId::KerberosPasswordSync,
                "PayloadContent[0].ExtensionData.syncLocalPassword"
            ),
            (
                RuleId::KerberosPlatformSsoTgt,
                "PayloadContent[0].ExtensionData.usePlatformSSOTGT"
            ),
            (RuleId::KerberosSeparateRealms, "PayloadContent[0].Realm"),
        ],
        "{r:#?}"
    );
    // No Microsoft rule reads a Kerberos payload.
    assert!(r.findings.iter().all(
        |f| f.rule.rule().applies != crate::rules::Applies::Microsoft
            && f.rule.rule().applies != crate::rules::Applies::MicrosoftPlatformSso
    ));
}

#[test]
fn non_microsoft_payload_missing_apple_required_keys() {
    let v = with_second_payload(|d| {
        d.clear();
        d.insert("PayloadType".into(), "com.apple.extensiblesso".into());
        d.insert("PayloadIdentifier".into(), "com.contoso.kerberos".into());
        d.insert(
            "PayloadUUID".into(),
            "0B5C6B9E-3A57-4E0C-9D3B-6A0D2B9F4C11".into(),
        );
        d.insert("PayloadVersion".into(), Value::Integer(1.into()));
        d.insert(
            "ExtensionIdentifier".into(),
            "com.apple.AppSSOKerberos.KerberosExtension".into(),
        );
    });
    let r = check14(&v);
    let got: Vec<(RuleId, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.path.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (RuleId::SchemaRequired, "PayloadContent[1].Type"),
            (RuleId::KerberosSchema, "PayloadContent[1].TeamIdentifier"),
            (RuleId::KerberosSchema, "PayloadContent[1].Realm"),
        ],
        "{r:#?}"
    );
    assert!(
        r.findings[0]
            .message
            .starts_with("is missing; Apple requires it"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn team_type_and_screen_locked_behavior() {
    let mut v = valid();
    set(&mut v, &format!("{SSO}.TeamIdentifier"), "ubf8t346g9");
    only(
        &check14(&v),
        RuleId::SsoTeamIdentifier,
        "PayloadContent[0].TeamIdentifier",
    );

    let mut v = valid();
    set(&mut v, &format!("{SSO}.Type"), "Credential");
    let f = only(&check14(&v), RuleId::SsoType, "PayloadContent[0].Type");
    assert_eq!(f.message, "is `Credential`; Microsoft requires `Redirect`");

    let mut v = valid();
    remove(&mut v, &format!("{SSO}.ScreenLockedBehavior"));
    let f = only(
        &check14(&v),
        RuleId::SsoScreenLockedBehavior,
        "PayloadContent[0].ScreenLockedBehavior",
    );
    assert_eq!(
        f.message,
        "is missing, so Apple's default `Cancel` applies; Microsoft requires `DoNotHandle`"
    );
    assert_eq!(
        f.fix,
        "set <key>ScreenLockedBehavior</key><string>DoNotHandle</string>"
    );
}

#[test]
fn urls_commercial_errors_and_sovereign_warning() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.URLs"),
        strings(&[
            "https://login.microsoftonline.com/",
            "https://LOGIN.microsoft.com",
        ]),
    );
    let r = check14(&v);
    let commercial: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::SsoUrlsCommercial)
        .collect();
    assert_eq!(commercial.len(), 1, "{r:#?}");
    assert_eq!(
        commercial[0].message,
        "lacks `https://sts.windows.net`; Microsoft requires the three commercial sign-in URLs"
    );
    assert_eq!(
        commercial[0].fix,
        "add <string>https://sts.windows.net</string> to URLs"
    );
    // Without sovereign URLs the profile serves the commercial cloud: no finding.
    assert!(!r.has(RuleId::SsoUrlsSovereign), "{r:#?}");

    // One of the two US Government URLs: the cloud is listed in part.
    let mut v = valid();
    let mut urls: Vec<&str> = crate::catalog::microsoft::Cloud::Commercial
        .urls()
        .collect();
    urls.push("https://login-us.microsoftonline.com");
    set(&mut v, &format!("{SSO}.URLs"), strings(&urls));
    let f = only(
        &check14(&v),
        RuleId::SsoUrlsSovereign,
        "PayloadContent[0].URLs",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.message,
        "lists `https://login-us.microsoftonline.com` of the us-government cloud but not `https://login.microsoftonline.us`; tenants in that cloud cannot sign in through the missing one"
    );

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.URLs"),
        "https://login.microsoftonline.com",
    );
    let f = only(
        &check14(&v),
        RuleId::SsoUrlsCommercial,
        "PayloadContent[0].URLs",
    );
    assert_eq!(
        f.message,
        "is `https://login.microsoftonline.com`; expected an array of URL strings"
    );

    let mut v = valid();
    remove(&mut v, &format!("{SSO}.URLs"));
    only(
        &check14(&v),
        RuleId::SsoUrlsCommercial,
        "PayloadContent[0].URLs",
    );
}

#[test]
fn auth_method_for_each_target() {
    let mut v = valid();
    remove(&mut v, &format!("{SSO}.RegistrationToken"));
    remove(&mut v, &format!("{SSO}.PlatformSSO.AuthenticationMethod"));
    only(
        &check14(&v),
        RuleId::SsoAuthMethod,
        "PayloadContent[0].PlatformSSO.AuthenticationMethod",
    );

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AuthenticationMethod"),
        "UserSecureEnclave",
    );
    let f = only(
        &check14(&v),
        RuleId::SsoAuthMethod,
        "PayloadContent[0].PlatformSSO.AuthenticationMethod",
    );
    assert_eq!(
        f.message,
        "is `UserSecureEnclave`; expected `Password`, `UserSecureEnclaveKey` or `SmartCard`"
    );

    // A macOS 13 fleet needs the deprecated key as well.
    let v = valid();
    let r = check(&v, &Target::new(MacOs::V13));
    let f = only(
        &r,
        RuleId::SsoAuthMethodMacos13,
        "PayloadContent[0].AuthenticationMethod",
    );
    assert_eq!(
        f.fix,
        "set the top-level <key>AuthenticationMethod</key><string>UserSecureEnclaveKey</string>"
    );

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AuthenticationMethod"),
        "SmartCard",
    );
    set(&mut v, &format!("{SSO}.AuthenticationMethod"), "Password");
    let r = check(&v, &Target::new(MacOs::V13));
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == RuleId::SsoAuthMethodMacos13
                && f.path.ends_with("PlatformSSO.AuthenticationMethod"))
    );
    assert!(r.has(RuleId::SsoAuthMethodAgree));
}

#[test]
fn rules_run_only_where_their_macos_range_applies() {
    // `sso.auth-method.macos13` is for macOS 13 only: a fleet from 13.4 still has
    // Macs on 13, a fleet from 14 has none.
    let v = valid();
    for (min, expected) in [
        (MacOs::V13, true),
        (MacOs::new(13, 4), true),
        (MacOs::V14, false),
        (MacOs::V26, false),
    ] {
        let r = check(&v, &Target::new(min));
        assert_eq!(r.has(RuleId::SsoAuthMethodMacos13), expected, "{min}");
    }
    assert_eq!(
        RuleId::SsoAuthMethodMacos13.rule().macos,
        MacOsRange::only(MacOs::V13)
    );
}

#[test]
fn auth_methods_must_agree_and_deprecated_key_warns_on_14() {
    let mut v = valid();
    set(&mut v, &format!("{SSO}.AuthenticationMethod"), "Password");
    let r = check14(&v);
    assert_eq!(r.findings.len(), 2, "{r:#?}");
    assert_eq!(r.findings[0].rule, RuleId::SsoAuthMethodAgree);
    assert_eq!(
        r.findings[0].message,
        "is `Password` but PlatformSSO.AuthenticationMethod is `UserSecureEnclaveKey`; Macs on macOS 13 and 14+ would register differently"
    );
    assert_eq!(r.findings[1].rule, RuleId::SchemaDeprecatedKey);
    assert_eq!(r.findings[1].severity, Severity::Warning);
    assert_eq!(
        r.findings[1].message,
        "is deprecated since macOS 14.0 and the fleet starts at macOS 14; macOS 14.0 and later read `PlatformSSO.AuthenticationMethod`"
    );
}

#[test]
fn use_shared_device_keys() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.UseSharedDeviceKeys"),
        false,
    );
    let f = only(
        &check14(&v),
        RuleId::SsoUseSharedDeviceKeys,
        "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys",
    );
    assert_eq!(
        f.message,
        "is false; Microsoft requires true (enabling it later forces every user to re-register)"
    );

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.UseSharedDeviceKeys"),
        "true",
    );
    let f = only(
        &check14(&v),
        RuleId::SsoUseSharedDeviceKeys,
        "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys",
    );
    assert_eq!(f.message, "is `true`; Microsoft requires the boolean true");
}

#[test]
fn registration_token_needs_a_method() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.RegistrationToken"),
        "{{DEVICEREGISTRATION}}",
    );
    remove(&mut v, &format!("{SSO}.PlatformSSO.AuthenticationMethod"));
    let r = check14(&v);
    assert!(r.has(RuleId::SsoRegistrationTokenNeedsAuth), "{r:#?}");
}

#[test]
fn user_scope_with_shared_device_keys() {
    let mut v = valid();
    set(&mut v, "PayloadScope", "User");
    only(&check14(&v), RuleId::ProfileScopeUser, "PayloadScope");
}

#[test]
fn schema_types_values_and_ranges() {
    let mut v = valid();
    set(&mut v, &format!("{SSO}.PlatformSSO.LoginFrequency"), "3600");
    let f = only(
        &check14(&v),
        RuleId::SchemaType,
        "PayloadContent[0].PlatformSSO.LoginFrequency",
    );
    assert_eq!(f.message, "is `3600`; expected an integer");
    assert_eq!(f.fix, "write `LoginFrequency` as <integer>");

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.LoginFrequency"),
        Value::Integer(600.into()),
    );
    let f = only(
        &check14(&v),
        RuleId::SchemaRange,
        "PayloadContent[0].PlatformSSO.LoginFrequency",
    );
    assert_eq!(f.message, "is 600; Apple's minimum is 3600");

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.NewUserAuthorizationMode"),
        "standard",
    );
    let f = only(
        &check14(&v),
        RuleId::SchemaValue,
        "PayloadContent[0].PlatformSSO.NewUserAuthorizationMode",
    );
    assert_eq!(
        f.message,
        "is `standard`; Apple allows `Standard`, `Admin`, `Groups`, `Temporary`"
    );
    assert_eq!(f.fix, "write it as Apple spells it: `Standard`");

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.TokenToUserMapping.AccountName"),
        Value::Integer(1.into()),
    );
    only(
        &check14(&v),
        RuleId::SchemaType,
        "PayloadContent[0].PlatformSSO.TokenToUserMapping.AccountName",
    );

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AdditionalGroups"),
        Value::Array(vec![Value::Integer(3.into())]),
    );
    only(
        &check14(&v),
        RuleId::SchemaType,
        "PayloadContent[0].PlatformSSO.AdditionalGroups[0]",
    );

    let mut v = valid();
    set(&mut v, "TargetDeviceType", Value::Integer(9.into()));
    only(&check14(&v), RuleId::SchemaValue, "TargetDeviceType");
}

#[test]
fn newer_keys_warn_for_older_fleets() {
    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableRegistrationDuringSetup"),
        true,
    );
    let f = only(
        &check(&v, &Target::new(MacOs::V15)),
        RuleId::SchemaNewerThanTarget,
        "PayloadContent[0].PlatformSSO.EnableRegistrationDuringSetup",
    );
    assert_eq!(
        f.message,
        "was introduced in macOS 26.0; Macs of the fleet on macOS 15 ignore it"
    );
    assert_clean(&check(&v, &Target::new(MacOs::V26)));
}

#[test]
fn newer_values_warn_for_older_fleets_as_newer_keys_do() {
    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.LoginPolicy"),
        strings(&["AttemptAuthentication", "RequireTouchIDOrWatch"]),
    );
    let f = only(
        &check15(&v),
        RuleId::SchemaNewerThanTarget,
        "PayloadContent[0].PlatformSSO.LoginPolicy[1]",
    );
    assert_eq!(
        f.message,
        "is `RequireTouchIDOrWatch`, which macOS 27.0 introduced; Macs of the fleet on macOS 15 do not have it"
    );
    assert_eq!(
        f.fix,
        "raise the fleet's minimum macOS to 27, or use a value older Macs have"
    );
    assert_clean(&check(&v, &Target::new(MacOs::V27)));

    // A minor version is a target too: 26.2 has the issuer certificate key, 26.0 not.
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AccessKeyReaderIssuerCertificateUUID"),
        "0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20",
    );
    let report = check(&v, &Target::new(MacOs::V26));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == RuleId::SchemaNewerThanTarget
                && f.message
                    == "was introduced in macOS 26.2; Macs of the fleet on macOS 26 ignore it")
    );
    let report = check(&v, &Target::new(MacOs::new(26, 2)));
    assert!(!report.has(RuleId::SchemaNewerThanTarget), "{report:#?}");
}

fn password_profile() -> Value {
    Spec {
        auth: Some(crate::model::AuthMethod::Password),
        min_macos: Some(MacOs::V15),
        registration_token: Some("{{DEVICEREGISTRATION}}".to_string()),
        ..Spec::default()
    }
    .to_profile()
    .unwrap()
    .to_value()
    .unwrap()
}

fn check15(value: &Value) -> Report {
    check(value, &Target::new(MacOs::V15))
}

#[test]
fn shared_keys_required_by_authorization() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableAuthorization"),
        true,
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.UseSharedDeviceKeys"),
        false,
    );
    let r = check14(&v);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == RuleId::PssoSharedKeysRequired
                && f.path.ends_with("EnableAuthorization")),
        "{r:#?}"
    );
}

#[test]
fn policies_and_grace_periods() {
    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.FileVaultPolicy"),
        strings(&["RequireAuthentication", "AllowOfflineGracePeriod"]),
    );
    let f = only(
        &check15(&v),
        RuleId::PssoGracePeriodRequired,
        "PayloadContent[0].PlatformSSO.OfflineGracePeriod",
    );
    assert_eq!(
        f.message,
        "is missing, but PlatformSSO.FileVaultPolicy has `AllowOfflineGracePeriod`; Apple requires it"
    );

    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.OfflineGracePeriod"),
        Value::Integer(7.into()),
    );
    assert_clean(&check15(&v));

    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.LoginPolicy"),
        strings(&["AllowAuthenticationGracePeriod"]),
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AuthenticationGracePeriod"),
        Value::Integer(7.into()),
    );
    only(
        &check15(&v),
        RuleId::PssoGraceNeedsRequire,
        "PayloadContent[0].PlatformSSO.LoginPolicy",
    );

    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.LoginPolicy"),
        strings(&["AllowTouchIDOrWatchForUnlock"]),
    );
    only(
        &check15(&v),
        RuleId::PssoTouchIdUnlockOnly,
        "PayloadContent[0].PlatformSSO.LoginPolicy[0]",
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.LoginPolicy"),
        strings(&["AttemptAuthentication"]),
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.UnlockPolicy"),
        strings(&["AllowTouchIDOrWatchForUnlock", "RequireAuthentication"]),
    );
    assert_clean(&check15(&v));

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.FileVaultPolicy"),
        strings(&["AttemptAuthentication"]),
    );
    let f = only(
        &check15(&v),
        RuleId::PssoPolicyNeedsPassword,
        "PayloadContent[0].PlatformSSO.FileVaultPolicy",
    );
    assert_eq!(
        f.message,
        "applies only with the `Password` method, but the method is `UserSecureEnclaveKey`"
    );
}

#[test]
fn authorization_modes() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.UserAuthorizationMode"),
        "Groups",
    );
    let r = check14(&v);
    assert_eq!(r.findings.len(), 2, "{r:#?}");
    assert_eq!(r.findings[0].rule, RuleId::PssoGroupsModeNeedsGroups);
    assert_eq!(r.findings[1].rule, RuleId::PssoMicrosoftAuthorizationModes);
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AdministratorGroups"),
        strings(&["mac-admins"]),
    );
    only(
        &check14(&v),
        RuleId::PssoMicrosoftAuthorizationModes,
        "PayloadContent[0].PlatformSSO.UserAuthorizationMode",
    );
}

#[test]
fn create_first_user_only_with_password() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableCreateFirstUserDuringSetup"),
        true,
    );
    let f = only(
        &check(&v, &Target::new(MacOs::V26)),
        RuleId::PssoCreateFirstUserPassword,
        "PayloadContent[0].PlatformSSO.EnableCreateFirstUserDuringSetup",
    );
    assert_eq!(f.severity, Severity::Warning);
    // Absent, Apple's default true applies once registration happens in Setup
    // Assistant; false, or the Password method, is what Microsoft supports.
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableRegistrationDuringSetup"),
        true,
    );
    let f = only(
        &check(&v, &Target::new(MacOs::V26)),
        RuleId::PssoCreateFirstUserPassword,
        "PayloadContent[0].PlatformSSO.EnableCreateFirstUserDuringSetup",
    );
    assert!(
        f.message
            .starts_with("is not set, so Apple's default true applies"),
        "{}",
        f.message
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableCreateFirstUserDuringSetup"),
        false,
    );
    assert!(!check(&v, &Target::new(MacOs::V26)).has(RuleId::PssoCreateFirstUserPassword));
    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableRegistrationDuringSetup"),
        true,
    );
    assert!(!check(&v, &Target::new(MacOs::V26)).has(RuleId::PssoCreateFirstUserPassword));
}

#[test]
fn report_fails_on_errors_and_on_warnings_when_strict() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.URLs"),
        strings(&[
            "https://login.microsoftonline.com",
            "https://login.microsoft.com",
            "https://sts.windows.net",
            "https://login.windows.net",
        ]),
    );
    let r = check14(&v);
    assert!(r.has(RuleId::SsoUrlsNotMicrosoft));
    assert!(!r.has_errors());
    assert!(!r.fails(false));
    assert!(r.fails(true));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(Value::Boolean),
            any::<i64>().prop_map(|i| Value::Integer(i.into())),
            any::<f64>().prop_map(Value::Real),
            prop_oneof![
                Just("Configuration".to_string()),
                Just("com.apple.extensiblesso".to_string()),
                Just(crate::catalog::microsoft::EXTENSION_IDENTIFIER.to_string()),
                Just("Groups".to_string()),
                Just("AllowOfflineGracePeriod".to_string()),
                Just("OpenID".to_string()),
                Just("AccessKey".to_string()),
                ".*"
            ]
            .prop_map(Value::String),
            prop::collection::vec(any::<u8>(), 0..8).prop_map(Value::Data),
        ];
        let keys = prop_oneof![
            Just("PayloadContent".to_string()),
            Just("PayloadType".to_string()),
            Just("PlatformSSO".to_string()),
            Just("ExtensionIdentifier".to_string()),
            Just("URLs".to_string()),
            Just("FileVaultPolicy".to_string()),
            Just("UnlockPolicy".to_string()),
            Just("AuthenticationMethod".to_string()),
            Just("UserAuthorizationMode".to_string()),
            Just("NewUserAuthenticationMethods".to_string()),
            Just("Payload".to_string()),
            Just("UserCreation".to_string()),
            Just("Policies".to_string()),
            Just("ExtensionComposedIdentifier".to_string()),
            Just("ReaderGroupIdentifier".to_string()),
            "[A-Za-z]{1,8}"
        ];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((keys.clone(), inner), 0..6)
                    .prop_map(|entries| Value::Dictionary(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn check_accepts_any_value(value in any_value(), min in 0usize..5) {
            let report = check(&value, &Target::new(MacOs::RELEASES[min]));
            for f in &report.findings {
                prop_assert!(!f.message.is_empty());
            }
        }

        #[test]
        fn check_declaration_accepts_any_value(value in any_value(), payload in any_value(), min in 0usize..5) {
            let target = Target::new(MacOs::RELEASES[min]);
            let _ = check_declaration(&value, &target);
            let _ = check_with(&value, &Options::new(target).with_enrollment(true), None);
            // A declaration's envelope around any payload.
            let mut d = Dictionary::new();
            d.insert("Type".into(), "com.apple.configuration.extensible-sso".into());
            d.insert("Identifier".into(), "x".into());
            d.insert("Payload".into(), payload);
            let declaration = Value::Dictionary(d);
            let report = check_declaration(&declaration, &target);
            for f in &report.findings {
                prop_assert!(!f.message.is_empty());
            }
            let _ = crate::declaration::fix(&declaration, &target);
        }

        #[test]
        fn check_accepts_any_payload_inside_a_profile(payload in any_value()) {
            let mut v = valid();
            v.as_dictionary_mut().unwrap()["PayloadContent"].as_array_mut().unwrap().push(payload);
            let _ = check14(&v);
        }
    }
}

#[test]
fn undocumented_platform_sso_keys_and_setup_note() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.LoginFrequency"),
        Value::Integer(7200.into()),
    );
    let f = only(
        &check14(&v),
        RuleId::PssoUndocumentedByMicrosoft,
        "PayloadContent[0].PlatformSSO.LoginFrequency",
    );
    assert_eq!(f.severity, Severity::Warning);

    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableRegistrationDuringSetup"),
        true,
    );
    let f = only(
        &check(&v, &Target::new(MacOs::V26)),
        RuleId::PssoSetupCompanyPortal,
        "PayloadContent[0].PlatformSSO.EnableRegistrationDuringSetup",
    );
    assert_eq!(f.severity, Severity::Info);
    assert!(
        !check(&v, &Target::new(MacOs::V26)).fails(true),
        "info never fails a run"
    );
}

#[test]
fn registration_token_absent_is_info() {
    let mut v = valid();
    remove(&mut v, &format!("{SSO}.RegistrationToken"));
    let f = only(
        &check14(&v),
        RuleId::SsoRegistrationTokenAbsent,
        "PayloadContent[0].RegistrationToken",
    );
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn misplaced_and_unknown_keys() {
    // RegistrationToken inside PlatformSSO (a documented public mistake).
    let mut v = valid();
    remove(&mut v, &format!("{SSO}.RegistrationToken"));
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.RegistrationToken"),
        "{{DEVICEREGISTRATION}}",
    );
    let f = only(
        &check14(&v),
        RuleId::SchemaMisplacedKey,
        "PayloadContent[0].PlatformSSO.RegistrationToken",
    );
    assert_eq!(
        f.message,
        "is not read here; Apple defines `RegistrationToken` at PayloadContent[0].RegistrationToken"
    );
    assert_eq!(
        f.fix,
        "move `RegistrationToken` to PayloadContent[0].RegistrationToken"
    );

    // A PlatformSSO key at the payload's top level.
    let mut v = valid();
    set(&mut v, &format!("{SSO}.UseSharedDeviceKeys"), true);
    let f = only(
        &check14(&v),
        RuleId::SchemaMisplacedKey,
        "PayloadContent[0].UseSharedDeviceKeys",
    );
    assert_eq!(
        f.fix,
        "move `UseSharedDeviceKeys` to PayloadContent[0].PlatformSSO.UseSharedDeviceKeys"
    );

    // A payload key at the profile's top level.
    let mut v = valid();
    set(&mut v, "ScreenLockedBehavior", "DoNotHandle");
    let f = only(
        &check14(&v),
        RuleId::SchemaMisplacedKey,
        "ScreenLockedBehavior",
    );
    assert!(
        f.message.ends_with(
            "at PayloadContent[n].ScreenLockedBehavior (the com.apple.extensiblesso payload)"
        ),
        "{}",
        f.message
    );

    // A typo and an unknown key.
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.useSharedDeviceKeys"),
        true,
    );
    let f = only(
        &check14(&v),
        RuleId::SchemaUnknownKey,
        "PayloadContent[0].PlatformSSO.useSharedDeviceKeys",
    );
    assert_eq!(
        f.message,
        "is not a key Apple defines here; did you mean `UseSharedDeviceKeys`?"
    );
    let mut v = valid();
    set(&mut v, &format!("{SSO}.Foo"), 1);
    let f = only(
        &check14(&v),
        RuleId::SchemaUnknownKey,
        "PayloadContent[0].Foo",
    );
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn extension_data_against_the_plugin_catalog() {
    let mut v = valid();
    let mut ext = Dictionary::new();
    ext.insert("browser_sso_interaction_enabled".into(), "1".into());
    ext.insert("AppCookieSSOAllowList".into(), "com.contoso.app".into());
    ext.insert("browser_sso_disable_mfa".into(), Value::Integer(1.into()));
    ext.insert("tenant_id".into(), "abc".into());
    ext.insert("authentication_method".into(), "SecureEnclave".into());
    ext.insert(
        "Disable_Explicit_App_Prompt".into(),
        Value::Integer(1.into()),
    );
    set(
        &mut v,
        &format!("{SSO}.ExtensionData"),
        Value::Dictionary(ext),
    );
    let r = check14(&v);
    let got: Vec<(RuleId, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.path.rsplit('.').next().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (RuleId::ExtPssoKey, "authentication_method"),
            (RuleId::ExtType, "browser_sso_interaction_enabled"),
            (RuleId::ExtIosOnly, "AppCookieSSOAllowList"),
            (RuleId::ExtDeprecated, "browser_sso_disable_mfa"),
            (RuleId::ExtUnknownKey, "tenant_id"),
            (RuleId::ExtUnknownKey, "Disable_Explicit_App_Prompt"),
        ]
    );
    assert_eq!(
        r.findings[0].fix,
        "move it to the payload's `AuthenticationMethod`"
    );
    assert_eq!(
        r.findings[1].message,
        "is `1`; the plug-in reads an integer, 0 or 1"
    );
    assert_eq!(
        r.findings[5].message,
        "is not a key of the Microsoft SSO plug-in; did you mean `disable_explicit_app_prompt`?"
    );
}

#[test]
fn urls_outside_microsofts_list_and_malformed() {
    let mut v = valid();
    let content = v.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()[0]
        .as_dictionary_mut()
        .unwrap()["URLs"]
        .as_array_mut()
        .unwrap();
    content.push("https://login.windows.net".into());
    content.push("login.contoso.com".into());
    content.push("https://login.contoso.com/?x=1".into());
    let r = check14(&v);
    let got: Vec<(RuleId, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (RuleId::SsoUrlsNotMicrosoft, "PayloadContent[0].URLs[7]"),
            (RuleId::SsoUrlsNotMicrosoft, "PayloadContent[0].URLs[8]"),
            (RuleId::SsoUrlsNotMicrosoft, "PayloadContent[0].URLs[9]"),
            (RuleId::SsoUrlsFormat, "PayloadContent[0].URLs[8]"),
            (RuleId::SsoUrlsFormat, "PayloadContent[0].URLs[9]"),
        ]
    );
    assert!(
        r.findings[0].message.contains("entra-docs#1688"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn redirect_payload_ignores_hosts_and_password_needs_filevault_policy() {
    let mut v = valid();
    set(&mut v, &format!("{SSO}.Hosts"), strings(&["contoso.com"]));
    only(
        &check14(&v),
        RuleId::SsoRedirectIgnores,
        "PayloadContent[0].Hosts",
    );

    // Password without FileVaultPolicy: for a fleet from 15, and for the macOS 15+
    // Macs of a fleet from 14 or 13.
    let mut v = password_profile();
    remove(&mut v, &format!("{SSO}.PlatformSSO.FileVaultPolicy"));
    let f = only(
        &check15(&v),
        RuleId::PssoPasswordFilevaultPolicy,
        "PayloadContent[0].PlatformSSO.FileVaultPolicy",
    );
    assert!(
        f.message
            .starts_with("is missing, so the Macs get no FileVault policy"),
        "{}",
        f.message
    );
    let f = only(
        &check14(&v),
        RuleId::PssoPasswordFilevaultPolicy,
        "PayloadContent[0].PlatformSSO.FileVaultPolicy",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.starts_with(
            "is missing, so the fleet's Macs on macOS 15 and later get no FileVault policy"
        ),
        "{}",
        f.message
    );

    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableCreateUserAtLogin"),
        true,
    );
    only(
        &check14(&v),
        RuleId::PssoCreateUserMethod,
        "PayloadContent[0].PlatformSSO.EnableCreateUserAtLogin",
    );
}

#[test]
fn token_to_user_mapping_is_a_note() {
    let mut v = valid();
    remove(&mut v, &format!("{SSO}.PlatformSSO.TokenToUserMapping"));
    let f = only(
        &check14(&v),
        RuleId::PssoTokenToUserMapping,
        "PayloadContent[0].PlatformSSO.TokenToUserMapping",
    );
    assert_eq!(f.severity, Severity::Info);
    let mut v = valid();
    remove(
        &mut v,
        &format!("{SSO}.PlatformSSO.TokenToUserMapping.FullName"),
    );
    only(
        &check14(&v),
        RuleId::PssoTokenToUserMapping,
        "PayloadContent[0].PlatformSSO.TokenToUserMapping.FullName",
    );
}

/// For each rule with a repair: a profile where the rule finds something, the
/// fleet to check it for, and the mutation that breaks it.
fn broken_for_each_repair() -> Vec<(RuleId, MacOs, Value)> {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = valid();
        f(&mut v);
        v
    };
    let platform = |key: &str| format!("{SSO}.PlatformSSO.{key}");
    let with_extension_data = |key: &str, value: Value| {
        edit(&|v| {
            let mut ext = Dictionary::new();
            ext.insert(key.to_string(), value.clone());
            set(v, &format!("{SSO}.ExtensionData"), Value::Dictionary(ext));
        })
    };
    vec![
        (
            RuleId::ProfilePayloadType,
            MacOs::V14,
            edit(&|v| set(v, "PayloadType", "Profile")),
        ),
        (
            RuleId::ProfilePayloadVersion,
            MacOs::V14,
            edit(&|v| set(v, &format!("{SSO}.PayloadVersion"), 2)),
        ),
        (
            RuleId::ProfileSsoPayloadCount,
            MacOs::V14,
            with_second_payload(|_| {}),
        ),
        (
            RuleId::ProfileScopeUser,
            MacOs::V14,
            edit(&|v| set(v, "PayloadScope", "User")),
        ),
        (
            RuleId::SsoExtensionIdentifier,
            MacOs::V14,
            edit(&|v| {
                set(
                    v,
                    &format!("{SSO}.ExtensionIdentifier"),
                    "com.microsoft.CompanyPortalMac.ssoextensio",
                )
            }),
        ),
        (
            RuleId::SsoTeamIdentifier,
            MacOs::V14,
            edit(&|v| set(v, &format!("{SSO}.TeamIdentifier"), "ABCDE12345")),
        ),
        (
            RuleId::SsoType,
            MacOs::V14,
            edit(&|v| set(v, &format!("{SSO}.Type"), "Credential")),
        ),
        (
            RuleId::SsoUrlsCommercial,
            MacOs::V14,
            edit(&|v| {
                set(
                    v,
                    &format!("{SSO}.URLs"),
                    strings(&["https://login.microsoftonline.com"]),
                )
            }),
        ),
        (
            RuleId::SsoScreenLockedBehavior,
            MacOs::V14,
            edit(&|v| remove(v, &format!("{SSO}.ScreenLockedBehavior"))),
        ),
        (
            RuleId::SsoAuthMethod,
            MacOs::V14,
            edit(&|v| remove(v, &platform("AuthenticationMethod"))),
        ),
        (RuleId::SsoAuthMethodMacos13, MacOs::V13, valid()),
        (
            RuleId::SsoUseSharedDeviceKeys,
            MacOs::V14,
            edit(&|v| set(v, &platform("UseSharedDeviceKeys"), false)),
        ),
        (
            RuleId::SchemaValue,
            MacOs::V14,
            edit(&|v| set(v, &platform("NewUserAuthorizationMode"), "standard")),
        ),
        (
            RuleId::SchemaRange,
            MacOs::V14,
            edit(&|v| set(v, &platform("LoginFrequency"), 60)),
        ),
        (
            RuleId::SchemaDeprecatedKey,
            MacOs::V14,
            edit(&|v| {
                set(
                    v,
                    &format!("{SSO}.AuthenticationMethod"),
                    "UserSecureEnclaveKey",
                )
            }),
        ),
        (
            RuleId::SchemaMisplacedKey,
            MacOs::V14,
            edit(&|v| {
                remove(v, &format!("{SSO}.RegistrationToken"));
                set(v, &platform("RegistrationToken"), "{{DEVICEREGISTRATION}}");
            }),
        ),
        (
            RuleId::ExtPssoKey,
            MacOs::V14,
            with_extension_data("AccountDisplayName", "Contoso".into()),
        ),
        (
            RuleId::ExtType,
            MacOs::V14,
            with_extension_data("browser_sso_interaction_enabled", "1".into()),
        ),
        (RuleId::PssoPasswordFilevaultPolicy, MacOs::V15, {
            let mut v = password_profile();
            remove(&mut v, &platform("FileVaultPolicy"));
            v
        }),
    ]
}

#[test]
fn each_repair_resolves_what_its_rule_finds() {
    let cases = broken_for_each_repair();
    let mut covered: Vec<RuleId> = cases.iter().map(|(id, _, _)| *id).collect();
    covered.sort();
    let mut with_repair: Vec<RuleId> = RULES
        .iter()
        .filter(|r| r.repair().is_some())
        .map(|r| r.id)
        .collect();
    with_repair.sort();
    assert_eq!(covered, with_repair, "one case for each rule with a repair");

    for (id, min, mut profile) in cases {
        let target = Target::new(min);
        assert!(
            check(&profile, &target).has(id),
            "{id}: the rule finds the mutation"
        );
        let applied = crate::lint::fix(&mut profile, &target);
        assert!(
            applied.iter().any(|a| a.rule == id),
            "{id}: its repair ran: {applied:#?}"
        );
        for a in &applied {
            assert!(
                a.rule.rule().repair().is_some(),
                "{id}: `{}` is noted by a rule without a repair",
                a.rule
            );
        }
        let after = check(&profile, &target);
        assert!(!after.has(id), "{id}: repaired: {after:#?}");
    }
}

#[test]
fn a_repair_runs_only_where_its_rule_applies() {
    // The macOS 13 key is set for a fleet from 13.0 or 13.4, and left out (and a
    // present one removed) from 14.
    for (min, expected) in [
        (MacOs::V13, Some("UserSecureEnclaveKey")),
        (MacOs::new(13, 4), Some("UserSecureEnclaveKey")),
        (MacOs::V14, None),
    ] {
        let mut v = valid();
        crate::lint::fix(&mut v, &Target::new(min));
        let top = v.as_dictionary().unwrap()["PayloadContent"]
            .as_array()
            .unwrap()[0]
            .as_dictionary()
            .unwrap()
            .get("AuthenticationMethod")
            .and_then(Value::as_string);
        assert_eq!(top, expected, "{min}");
        assert!(!check(&v, &Target::new(min)).has_errors(), "{min}");
    }
}

#[test]
fn another_vendors_payload_gets_only_apples_rules() {
    // Microsoft's profile as another vendor's: its team, URLs and Platform SSO rows
    // are Microsoft's, not Apple's, so nothing is reported against them.
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.ExtensionIdentifier"),
        "com.okta.mobile.auth-service-extension",
    );
    set(&mut v, &format!("{SSO}.TeamIdentifier"), "B7F62B65BN");
    set(
        &mut v,
        &format!("{SSO}.URLs"),
        strings(&["https://contoso.okta.com/oauth2/v1/token"]),
    );
    remove(&mut v, &format!("{SSO}.ScreenLockedBehavior"));
    set(&mut v, &platform_key("UseSharedDeviceKeys"), false);
    set(&mut v, &platform_key("NewUserAuthorizationMode"), "Groups");
    set(
        &mut v,
        &platform_key("AdministratorGroups"),
        strings(&["admins"]),
    );
    let r = check14(&v);
    for f in &r.findings {
        assert!(
            !matches!(
                f.rule.rule().applies,
                crate::rules::Applies::Microsoft | crate::rules::Applies::MicrosoftPlatformSso
            ),
            "{f:#?}"
        );
    }
    only(&r, RuleId::ProfileMicrosoftPayload, "PayloadContent");
    // Apple's rules still read it.
    set(&mut v, &platform_key("EnableAuthorization"), true);
    assert!(check14(&v).has(RuleId::PssoSharedKeysRequired));
}

/// The key path of `key` inside the first payload's `PlatformSSO`.
fn platform_key(key: &str) -> String {
    format!("{SSO}.PlatformSSO.{key}")
}

fn check27(value: &Value) -> Report {
    check(value, &Target::new(MacOs::V27))
}

#[test]
fn openid_needs_its_allow_list_and_is_not_microsofts() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AuthenticationMethod"),
        "OpenID",
    );
    let report = check27(&v);
    let missing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::PssoOpenidAllowList)
        .collect();
    assert_eq!(missing.len(), 1, "{report:#?}");
    assert_eq!(
        missing[0].path,
        "PayloadContent[0].PlatformSSO.WebLoginURLAllowList"
    );
    assert_eq!(
        missing[0].message,
        "is missing, but PlatformSSO.AuthenticationMethod is `OpenID`; Apple requires the hosts the web login may load"
    );
    let warning = report
        .findings
        .iter()
        .find(|f| f.rule == RuleId::PssoOpenidMicrosoft)
        .expect("OpenID is not Microsoft's");
    assert_eq!(
        (warning.severity, warning.path.as_str()),
        (
            Severity::Warning,
            "PayloadContent[0].PlatformSSO.AuthenticationMethod"
        )
    );
    assert!(
        !report.has(RuleId::SsoAuthMethod),
        "an Apple method: {report:#?}"
    );

    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.WebLoginURLAllowList"),
        strings(&["login.microsoftonline.com"]),
    );
    let report = check27(&v);
    assert!(
        !report.has(RuleId::PssoOpenidAllowList) && !report.has_errors(),
        "{report:#?}"
    );
    // For a fleet from 15, OpenID and its allow list are newer than the fleet.
    let report = check15(&v);
    let newer: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::SchemaNewerThanTarget)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        newer,
        [
            "is `OpenID`, which macOS 27.0 introduced; Macs of the fleet on macOS 15 do not have it",
            "was introduced in macOS 27.0; Macs of the fleet on macOS 15 ignore it",
        ]
    );

    // OpenID among the new-user methods needs the list too; an empty list is no list.
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.NewUserAuthenticationMethods"),
        strings(&["Password", "OpenID"]),
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.WebLoginURLAllowList"),
        strings(&[]),
    );
    let f = report_of(&check27(&v), RuleId::PssoOpenidAllowList);
    assert_eq!(
        f.message,
        "is empty, but PlatformSSO.NewUserAuthenticationMethods[1] is `OpenID`; Apple requires the hosts the web login may load"
    );
}

/// The one finding of `rule` in `report`.
#[track_caller]
fn report_of(report: &Report, rule: RuleId) -> Finding {
    let found: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(found.len(), 1, "{report:#?}");
    found[0].clone()
}

/// A payload of `payload_type` with `uuid`, to name from the access key keys.
fn other_payload(payload_type: &str, uuid: &str, id: &str) -> Value {
    let mut d = Dictionary::new();
    d.insert("PayloadType".into(), payload_type.into());
    d.insert("PayloadUUID".into(), uuid.into());
    d.insert("PayloadIdentifier".into(), id.into());
    d.insert("PayloadVersion".into(), Value::Integer(1.into()));
    Value::Dictionary(d)
}

const TERMINAL: &str = "6F1A4C2E-3B5D-4E7F-8A9B-0C1D2E3F4A5B";
const ISSUER: &str = "7A2B5D3F-4C6E-4F80-9B1C-1D2E3F4A5B6C";

#[test]
fn access_keys_need_their_three_keys_and_name_payloads_of_the_profile() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.NewUserAuthenticationMethods"),
        strings(&["Password", "AccessKey"]),
    );
    let report = check(&v, &Target::new(MacOs::new(26, 2)));
    let missing: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::PssoAccessKeyRequired)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "PayloadContent[0].PlatformSSO.AccessKeyReaderGroupIdentifier",
            "PayloadContent[0].PlatformSSO.AccessKeyTerminalIdentityUUID",
            "PayloadContent[0].PlatformSSO.AccessKeyReaderIssuerCertificateUUID",
        ]
    );

    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AccessKeyReaderGroupIdentifier"),
        Value::Data(vec![1, 2, 3]),
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AccessKeyTerminalIdentityUUID"),
        TERMINAL,
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AccessKeyReaderIssuerCertificateUUID"),
        ISSUER,
    );
    let report = check(&v, &Target::new(MacOs::new(26, 2)));
    let named: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::PssoAccessKeyPayload)
        .map(|f| (f.path.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (
                "PayloadContent[0].PlatformSSO.AccessKeyTerminalIdentityUUID",
                "is `6F1A4C2E-3B5D-4E7F-8A9B-0C1D2E3F4A5B`, the PayloadUUID of no payload of the profile; Apple expects an identity payload (`com.apple.security.pkcs12`, `com.apple.security.acme`, `com.apple.security.scep`)"
            ),
            (
                "PayloadContent[0].PlatformSSO.AccessKeyReaderIssuerCertificateUUID",
                "is `7A2B5D3F-4C6E-4F80-9B1C-1D2E3F4A5B6C`, the PayloadUUID of no payload of the profile; Apple expects a certificate payload (`com.apple.security.root`, `com.apple.security.pem`, `com.apple.security.pkcs1`)"
            ),
        ]
    );

    // The issuer named as a SCEP payload: the wrong type; the terminal as one: right.
    let content = v.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap();
    content.push(other_payload(
        "com.apple.security.scep",
        TERMINAL,
        "com.contoso.terminal",
    ));
    let report = check(&v, &Target::new(MacOs::new(26, 2)));
    let f = report_of(&report, RuleId::PssoAccessKeyPayload);
    assert_eq!(
        f.path,
        "PayloadContent[0].PlatformSSO.AccessKeyReaderIssuerCertificateUUID"
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AccessKeyReaderIssuerCertificateUUID"),
        TERMINAL,
    );
    let f = report_of(
        &check(&v, &Target::new(MacOs::new(26, 2))),
        RuleId::PssoAccessKeyPayload,
    );
    assert_eq!(
        f.message,
        "names PayloadContent[1], whose PayloadType is `com.apple.security.scep`; Apple expects a certificate payload (`com.apple.security.root`, `com.apple.security.pem`, `com.apple.security.pkcs1`)"
    );
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AccessKeyReaderIssuerCertificateUUID"),
        ISSUER,
    );
    let content = v.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap();
    content.push(other_payload(
        "com.apple.security.root",
        ISSUER,
        "com.contoso.issuer",
    ));
    let report = check(&v, &Target::new(MacOs::new(26, 2)));
    for rule in [
        RuleId::PssoAccessKeyPayload,
        RuleId::PssoAccessKeyRequired,
        RuleId::PssoAccessKeyUnused,
    ] {
        assert!(!report.has(rule), "{rule}: {report:#?}");
    }
    assert!(!report.has_errors(), "{report:#?}");
}

#[test]
fn access_key_settings_without_the_access_key_method_do_nothing() {
    let mut v = valid();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AllowAccessKeyExpressMode"),
        true,
    );
    let f = report_of(
        &check(&v, &Target::new(MacOs::V26)),
        RuleId::PssoAccessKeyUnused,
    );
    assert_eq!(
        (f.path.as_str(), f.severity),
        (
            "PayloadContent[0].PlatformSSO.AllowAccessKeyExpressMode",
            Severity::Warning
        )
    );
}

#[test]
fn grace_periods_are_required_by_the_macos_27_policies_too() {
    let mut v = password_profile();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.UnlockPolicy"),
        strings(&[
            "RequireAuthentication",
            "AllowOfflineGracePeriod",
            "RequireTouchID",
        ]),
    );
    let f = report_of(&check27(&v), RuleId::PssoGracePeriodRequired);
    assert_eq!(f.path, "PayloadContent[0].PlatformSSO.OfflineGracePeriod");
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.OfflineGracePeriod"),
        Value::Integer(3600.into()),
    );
    assert!(!check27(&v).has_errors(), "{:#?}", check27(&v));
}

/// The declaration of a profile made for a fleet from macOS 27 by `spec`.
fn declaration_of(spec: Spec) -> Value {
    let profile = Spec {
        min_macos: Some(MacOs::V27),
        ..spec
    }
    .to_profile()
    .unwrap()
    .to_value()
    .unwrap();
    crate::declaration::from_profile(
        &profile,
        &Target::new(MacOs::V27),
        &crate::declaration::Options::default(),
    )
    .unwrap()
}

fn check_decl(value: &Value) -> Report {
    check_declaration(value, &Target::new(MacOs::V27))
}

#[test]
fn a_generated_declaration_is_clean() {
    let d = declaration_of(Spec {
        registration_token: Some("{{DEVICEREGISTRATION}}".into()),
        ..Spec::default()
    });
    assert_eq!(check_decl(&d).findings, vec![]);
    // Nothing of the made-up profile envelope is reported.
    let d = declaration_of(Spec {
        auth: Some(crate::model::AuthMethod::Password),
        ..Spec::default()
    });
    let report = check_decl(&d);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.path.starts_with("Payload.")),
        "{report:#?}"
    );
}

#[test]
fn declarations_meet_the_profile_rules_at_their_own_paths() {
    let mut d = declaration_of(Spec::default());
    set(&mut d, "Payload.ScreenLockedBehavior", "Cancel");
    set(&mut d, "Payload.PlatformSSO.UseSharedDeviceKeys", false);
    let report = check_decl(&d);
    let f = report_of(&report, RuleId::SsoScreenLockedBehavior);
    assert_eq!(f.path, "Payload.ScreenLockedBehavior");
    assert_eq!(f.message, "is `Cancel`; Microsoft requires `DoNotHandle`");
    assert_eq!(f.fix, "set \"ScreenLockedBehavior\": \"DoNotHandle\"");
    let f = report_of(&report, RuleId::SsoUseSharedDeviceKeys);
    assert_eq!(f.path, "Payload.PlatformSSO.UseSharedDeviceKeys");

    // The Password method without its FileVault policy: told in the declaration's names.
    let mut d = declaration_of(Spec {
        auth: Some(crate::model::AuthMethod::Password),
        registration_token: Some("{{DEVICEREGISTRATION}}".into()),
        ..Spec::default()
    });
    let (payload, _) = parent(&mut d, "Payload.PlatformSSO.Policies");
    payload.remove("Policies");
    let f = report_of(&check_decl(&d), RuleId::PssoPasswordFilevaultPolicy);
    assert_eq!(f.path, "Payload.PlatformSSO.Policies.FileVault");
    assert_eq!(
        f.fix,
        "set \"Policies.FileVault\": [\"AttemptAuthentication\"] inside PlatformSSO"
    );
    assert_eq!(
        f.message,
        "is missing, so the Macs get no FileVault policy; Microsoft's table sets `AttemptAuthentication` with the Password method on macOS 15+"
    );
}

#[test]
fn declaration_keys_without_a_profile_equivalent_get_the_declaration_checks() {
    let mut d = declaration_of(Spec {
        registration_token: Some("{{DEVICEREGISTRATION}}".into()),
        ..Spec::default()
    });
    set(
        &mut d,
        "Payload.ExtensionComposedIdentifier",
        "com.microsoft.CompanyPortalMac.ssoextension",
    );
    set(&mut d, "Payload.PlatformSSO.EnableCreateUserAtLogin", true);
    set(
        &mut d,
        "Payload.PlatformSSO.Policies",
        "AttemptAuthentication",
    );
    set(&mut d, "Identifier", "");
    remove(&mut d, "ServerToken");
    set(&mut d, "Extra", true);
    let report = check_decl(&d);
    let got: Vec<(RuleId, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                RuleId::SsoTeamIdentifier,
                "Payload.ExtensionComposedIdentifier"
            ),
            (RuleId::DeclarationStructure, "Identifier"),
            (RuleId::DeclarationStructure, "ServerToken"),
            (
                RuleId::DeclarationStructure,
                "Payload.ExtensionComposedIdentifier"
            ),
            (RuleId::DeclarationStructure, "Payload.PlatformSSO.Policies"),
            (RuleId::DeclarationUnknownKey, "Extra"),
            (
                RuleId::DeclarationUnknownKey,
                "Payload.PlatformSSO.EnableCreateUserAtLogin"
            ),
        ]
    );
    let f = report_of(&report, RuleId::SsoTeamIdentifier);
    assert_eq!(
        f.fix,
        "set `ExtensionComposedIdentifier` to `com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)`"
    );
    let unknown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.path == "Payload.PlatformSSO.EnableCreateUserAtLogin")
        .collect();
    assert_eq!(
        unknown[0].message,
        "is not a key of the declaration here; the declaration has it as `Payload.PlatformSSO.UserCreation.EnableAtLogin`"
    );
}

#[test]
fn a_declaration_for_macs_before_27_and_a_legacy_declaration_with_a_bad_url() {
    let d = declaration_of(Spec::default());
    let f = report_of(
        &check_declaration(&d, &Target::new(MacOs::V26)),
        RuleId::DeclarationMacos,
    );
    assert_eq!(
        (f.path.as_str(), f.message.as_str()),
        (
            "Type",
            "is `com.apple.configuration.extensible-sso`, which macOS 27 and later read, but the fleet starts at macOS 26: older Macs get no single sign-on from it"
        )
    );
    let mut legacy = Dictionary::new();
    legacy.insert("Type".into(), "com.apple.configuration.legacy".into());
    legacy.insert("Identifier".into(), "com.contoso.psso.legacy".into());
    legacy.insert("ServerToken".into(), "1".into());
    let mut payload = Dictionary::new();
    payload.insert("ProfileURL".into(), "http://mdm.contoso.com/psso".into());
    legacy.insert("Payload".into(), Value::Dictionary(payload));
    let legacy = Value::Dictionary(legacy);
    let report = check_declaration(&legacy, &Target::new(MacOs::V14));
    let f = report_of(&report, RuleId::DeclarationProfileUrl);
    assert_eq!(f.path, "Payload.ProfileURL");
    assert_eq!(report.findings.len(), 1, "{report:#?}");
    let mut fine = legacy.clone();
    set(
        &mut fine,
        "Payload.ProfileURL",
        "https://mdm.contoso.com/psso",
    );
    assert_eq!(
        check_declaration(&fine, &Target::new(MacOs::V14)).findings,
        vec![]
    );
}

#[test]
fn checking_a_declaration_never_panics_on_odd_trees() {
    for value in [
        Value::Array(vec![]),
        Value::String("x".into()),
        Value::Dictionary(Dictionary::new()),
    ] {
        let _ = check_declaration(&value, &Target::new(MacOs::V27));
    }
    let mut d = Dictionary::new();
    d.insert(
        "Type".into(),
        "com.apple.configuration.extensible-sso".into(),
    );
    d.insert("Payload".into(), Value::Array(vec![]));
    let report = check_declaration(&Value::Dictionary(d), &Target::new(MacOs::V27));
    assert!(report.has(RuleId::DeclarationStructure));
}

fn check_enrollment(value: &Value, min: MacOs) -> Report {
    check_with(
        value,
        &Options::new(Target::new(min)).with_enrollment(true),
        None,
    )
}

fn setup_assistant() -> Value {
    crate::spec::template("setup-assistant")
        .unwrap()
        .spec_file()
        .unwrap()
        .to_spec()
        .unwrap()
        .to_profile()
        .unwrap()
        .to_value()
        .unwrap()
}

#[test]
fn the_setup_assistant_template_passes_the_enrollment_checks() {
    let report = check_enrollment(&setup_assistant(), MacOs::V26);
    assert!(
        report.findings.iter().all(|f| f.severity == Severity::Info),
        "{report:#?}"
    );
    // Without the option, no enrollment rule runs.
    let mut v = valid();
    set(
        &mut v,
        "PayloadContent",
        Value::Array(vec![other_payload("com.apple.wifi.managed", TERMINAL, "w")]),
    );
    assert!(
        !check(&v, &Target::new(MacOs::V26))
            .findings
            .iter()
            .any(|f| f.rule.as_str().starts_with("enrollment."))
    );
}

#[test]
fn enrollment_profiles_hold_allowed_payloads_and_register_during_setup() {
    let mut v = setup_assistant();
    v.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()
        .extend([
            other_payload("com.apple.security.scep", TERMINAL, "com.contoso.scep"),
            other_payload("com.apple.wifi.managed", ISSUER, "com.contoso.wifi"),
        ]);
    let f = report_of(
        &check_enrollment(&v, MacOs::V26),
        RuleId::EnrollmentPayloadTypes,
    );
    assert_eq!(f.path, "PayloadContent[2].PayloadType");
    assert_eq!(
        f.message,
        "is `com.apple.wifi.managed`, which Apple does not allow in the profile served at ProfileURL during enrollment"
    );

    let mut v = setup_assistant();
    remove(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableRegistrationDuringSetup"),
    );
    let f = report_of(
        &check_enrollment(&v, MacOs::V26),
        RuleId::EnrollmentRegistrationDuringSetup,
    );
    assert_eq!(
        f.path,
        "PayloadContent[0].PlatformSSO.EnableRegistrationDuringSetup"
    );
    let f = report_of(
        &check_enrollment(&setup_assistant(), MacOs::V15),
        RuleId::EnrollmentMacos,
    );
    assert_eq!(f.path, "");

    let mut v = setup_assistant();
    remove(&mut v, &format!("{SSO}.PlatformSSO"));
    assert!(check_enrollment(&v, MacOs::V26).has(RuleId::EnrollmentPlatformSso));
}

#[test]
fn microsofts_conditions_for_enrollment() {
    let mut v = setup_assistant();
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.EnableCreateFirstUserDuringSetup"),
        false,
    );
    let f = report_of(
        &check_enrollment(&v, MacOs::V26),
        RuleId::EnrollmentCreateFirstUser,
    );
    assert!(f.message.starts_with("is false with the `Password` method"));
    set(
        &mut v,
        &format!("{SSO}.PlatformSSO.AuthenticationMethod"),
        "SmartCard",
    );
    let report = check_enrollment(&v, MacOs::V26);
    let f = report_of(&report, RuleId::EnrollmentCreateFirstUser);
    assert_eq!(
        f.message,
        "is configured with the `SmartCard` method; Microsoft: if you're not using Password, don't add or configure it"
    );
    let f = report_of(&report, RuleId::EnrollmentSmartCard);
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn a_profile_key_in_a_declaration_is_pointed_to_its_declaration_key() {
    let mut d = declaration_of(Spec {
        registration_token: Some("{{DEVICEREGISTRATION}}".into()),
        ..Spec::default()
    });
    set(&mut d, "Payload.TeamIdentifier", "UBF8T346G9");
    set(
        &mut d,
        "Payload.PlatformSSO.FileVaultPolicy",
        strings(&["AttemptAuthentication"]),
    );
    let report = check_decl(&d);
    let hints: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::DeclarationUnknownKey)
        .map(|f| (f.path.as_str(), f.fix.as_str()))
        .collect();
    assert_eq!(
        hints,
        [
            (
                "Payload.PlatformSSO.FileVaultPolicy",
                "move it to `Payload.PlatformSSO.Policies.FileVault`"
            ),
            (
                "Payload.TeamIdentifier",
                "write `Payload.ExtensionComposedIdentifier` as `Bundle-ID (Team-ID)` and remove this key"
            ),
        ]
    );
}

/// A vendor embedding the library has no command line: no rule's text names an option.
#[test]
fn no_rule_names_a_command_line_option() {
    for rule in RULES.iter() {
        for text in [rule.summary, rule.rationale, rule.fix] {
            let names_option = text
                .match_indices("--")
                .any(|(at, _)| text[at + 2..].starts_with(|c: char| c.is_ascii_lowercase()));
            assert!(!names_option, "{}: {text}", rule.id);
        }
    }
}
