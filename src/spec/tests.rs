use super::*;
use crate::model::MacOs;
use crate::rules::{RuleId, Severity};

fn spec(auth: AuthMethod, min: MacOs) -> Spec {
    Spec {
        auth: Some(auth),
        min_macos: Some(min),
        ..Spec::default()
    }
}

#[test]
fn every_method_and_target_generates_without_errors_or_warnings() {
    for &min in MacOs::RELEASES {
        // OpenID needs its allow list and is not Microsoft's: tested on its own.
        for auth in AuthMethod::ALL
            .iter()
            .copied()
            .filter(|a| *a != AuthMethod::OpenID)
        {
            let generated = spec(auth, min)
                .generate()
                .unwrap_or_else(|e| panic!("{auth} {min}: {e}"));
            if auth == AuthMethod::SmartCard && min == MacOs::V13 {
                assert!(
                    generated.is_refused(),
                    "SmartCard on macOS 13 must be refused"
                );
                assert!(
                    generated.report.has(RuleId::SsoAuthMethodMacos13),
                    "{:?}",
                    generated.report
                );
                continue;
            }
            assert!(!generated.is_refused());
            assert!(
                generated
                    .report
                    .findings
                    .iter()
                    .all(|f| f.severity < Severity::Warning),
                "{auth} {min}: {:?}",
                generated.report
            );
        }
    }
}

#[test]
fn macos_13_gets_both_method_keys_and_14_only_the_new_one() {
    let v13 = spec(AuthMethod::Password, MacOs::V13).to_profile().unwrap();
    assert_eq!(
        v13.payload_content[0].authentication_method,
        Some(crate::model::LegacyAuthMethod::Password)
    );
    let v14 = spec(AuthMethod::Password, MacOs::V14).to_profile().unwrap();
    assert_eq!(v14.payload_content[0].authentication_method, None);
    let sso = v14.payload_content[0].platform_sso.as_ref().unwrap();
    assert_eq!(sso.authentication_method, Some(AuthMethod::Password));
    assert_eq!(sso.use_shared_device_keys, Some(true));
}

#[test]
fn password_on_15_gets_the_filevault_policy() {
    let p = spec(AuthMethod::Password, MacOs::V15).to_profile().unwrap();
    let sso = p.payload_content[0].platform_sso.as_ref().unwrap();
    assert_eq!(
        sso.filevault_policy,
        Some(vec![Policy::AttemptAuthentication])
    );
    let p = spec(AuthMethod::UserSecureEnclaveKey, MacOs::V15)
        .to_profile()
        .unwrap();
    assert!(
        p.payload_content[0]
            .platform_sso
            .as_ref()
            .unwrap()
            .filevault_policy
            .is_none()
    );
}

#[test]
fn seven_urls_by_default_and_commercial_always() {
    let all = Spec::default().to_profile().unwrap();
    assert_eq!(all.payload_content[0].urls.len(), 7);
    let narrowed = Spec {
        clouds: Some(vec![Cloud::UsGovernment]),
        ..Spec::default()
    }
    .to_profile()
    .unwrap();
    assert_eq!(
        narrowed.payload_content[0].urls,
        [
            "https://login.microsoftonline.com",
            "https://login.microsoft.com",
            "https://sts.windows.net",
            "https://login.microsoftonline.us",
            "https://login-us.microsoftonline.com"
        ]
    );
}

#[test]
fn derived_uuids_are_stable_and_random_ones_are_not() {
    let a = Spec::default().to_profile().unwrap();
    let b = Spec::default().to_profile().unwrap();
    assert_eq!(a.payload_uuid, b.payload_uuid);
    assert_ne!(a.payload_uuid, a.payload_content[0].payload_uuid);
    let random = Spec {
        uuid: Some(UuidMode::Random),
        ..Spec::default()
    };
    assert_ne!(random.to_profile().unwrap().payload_uuid, a.payload_uuid);
}

#[test]
fn registration_token_placeholder_passes_through() {
    let s = Spec {
        registration_token: Some("{{DEVICEREGISTRATION}}".to_string()),
        ..Spec::default()
    };
    let g = s.generate().unwrap();
    let payload = g.value.as_dictionary().unwrap()["PayloadContent"]
        .as_array()
        .unwrap()[0]
        .as_dictionary()
        .unwrap();
    assert_eq!(
        payload["RegistrationToken"].as_string(),
        Some("{{DEVICEREGISTRATION}}")
    );
}

#[test]
fn extension_data_is_typed_by_the_catalog() {
    let s = Spec {
        extension_data: vec!["browser_sso_interaction_enabled=1".parse().unwrap()],
        ..Spec::default()
    };
    let ext = s.to_profile().unwrap().payload_content[0]
        .extension_data
        .clone()
        .unwrap();
    assert_eq!(
        ext["browser_sso_interaction_enabled"],
        plist::Value::Integer(1.into())
    );

    let err = parse_extension_data("browser_sso_interaction_enabled=yes").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid value `yes` for `ExtensionData.browser_sso_interaction_enabled`: expected an integer, 0 or 1"
    );
    let err = parse_extension_data("tenant_id=abc")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("invalid value `tenant_id=abc` for `extension-data`: expected a key of the Microsoft SSO plug-in ("), "{err}");
    assert!(
        err.ends_with("or a type for another key, as in `tenant_id:string=VALUE`"),
        "{err}"
    );
    assert_eq!(
        parse_extension_data("tenant_id:string=abc").unwrap(),
        (
            "tenant_id".to_string(),
            ExtensionValue::String("abc".to_string())
        )
    );
    assert_eq!(
        parse_extension_data("n:integer=5").unwrap(),
        ("n".to_string(), ExtensionValue::Integer(5))
    );
    assert!(parse_extension_data("n:float=5").is_err());
    assert!(parse_extension_data("novalue").is_err());
}

#[test]
fn rejected_profile_reports_every_finding() {
    let s = Spec {
        login_frequency: crate::model::NonNegative::new(60),
        ..Spec::default()
    };
    let generated = s.generate().unwrap();
    assert!(
        generated.is_refused(),
        "a login frequency under 3600 must be refused"
    );
    let report = generated.report;
    assert_eq!(report.count(Severity::Error), 1);
    let rules: Vec<(RuleId, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                RuleId::SsoRegistrationTokenAbsent,
                "PayloadContent[0].RegistrationToken"
            ),
            (
                RuleId::SchemaRange,
                "PayloadContent[0].PlatformSSO.LoginFrequency"
            ),
            (
                RuleId::PssoUndocumentedByMicrosoft,
                "PayloadContent[0].PlatformSSO.LoginFrequency"
            ),
        ],
        "warnings and notes come with the error"
    );
}

mod round_trip {
    use super::*;
    use crate::codec::{self, Format};
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[ -~éü{}$]{0,24}")
    }

    /// A registration token: not blank (a blank one is refused).
    fn token() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[!-~éü{}$][ -~éü{}$]{0,23}")
    }

    fn any_spec() -> impl Strategy<Value = Spec> {
        (
            (0usize..3, 1usize..4, text(), token(), text(), text()),
            (
                proptest::option::of((3600i64..1_000_000).prop_map(|f| {
                    crate::model::NonNegative::new(f).expect("a positive frequency")
                })),
                proptest::sample::subsequence(Cloud::ALL.to_vec(), 0..=3),
                any::<bool>(),
                proptest::collection::vec("[a-z]{1,8}", 0..3),
                proptest::option::of(any::<bool>()),
            ),
        )
            .prop_map(
                |(
                    (auth, min, org, token, display, account),
                    (freq, clouds, authz, groups, first_user),
                )| Spec {
                    auth: Some(AuthMethod::ALL[auth]),
                    min_macos: Some(MacOs::RELEASES[min]),
                    org,
                    registration_token: token,
                    display_name: display,
                    account_display_name: account,
                    login_frequency: freq,
                    clouds: Some(clouds),
                    enable_authorization: authz.then_some(true),
                    additional_groups: groups,
                    enable_create_first_user_during_setup: first_user,
                    ..Spec::default()
                },
            )
    }

    proptest! {
        #[test]
        fn reading_what_was_written_gives_back_the_profile(spec in any_spec()) {
            let profile = spec.to_profile().unwrap();
            let value = profile.to_value().unwrap();
            for format in [Format::Xml, Format::Binary] {
                let bytes = codec::write(&value, format).unwrap();
                let read = codec::parse(&bytes, "p.mobileconfig".as_ref()).unwrap();
                prop_assert_eq!(&read.value, &value);
                prop_assert_eq!(Profile::from_value(&read.value).unwrap(), profile.clone());
            }
        }
    }
}

#[test]
fn registration_during_setup_without_password_turns_first_user_creation_off() {
    let generated = Spec {
        enable_registration_during_setup: Some(true),
        min_macos: Some(MacOs::V26),
        ..Spec::default()
    }
    .generate()
    .unwrap();
    let platform = generated.value.as_dictionary().unwrap()["PayloadContent"]
        .as_array()
        .unwrap()[0]
        .as_dictionary()
        .unwrap()["PlatformSSO"]
        .as_dictionary()
        .unwrap()
        .clone();
    assert_eq!(
        platform["EnableCreateFirstUserDuringSetup"].as_boolean(),
        Some(false)
    );
    assert!(!generated.report.has(RuleId::PssoCreateFirstUserPassword));
    // With Password, Apple's default (true) is what Microsoft asks for: left out.
    let generated = Spec {
        auth: Some(AuthMethod::Password),
        enable_registration_during_setup: Some(true),
        min_macos: Some(MacOs::V26),
        ..Spec::default()
    }
    .to_profile()
    .unwrap()
    .to_value()
    .unwrap();
    let text = format!("{generated:?}");
    assert!(!text.contains("EnableCreateFirstUserDuringSetup"), "{text}");
}

#[test]
fn openid_is_refused_without_its_allow_list_and_warned_with_it() {
    let mut s = spec(AuthMethod::OpenID, MacOs::V27);
    let generated = s.generate().unwrap();
    assert!(generated.is_refused());
    assert!(generated.report.has(RuleId::PssoOpenidAllowList));
    s.web_login_url_allow_list = vec!["login.microsoftonline.com".into()];
    let generated = s.generate().unwrap();
    assert!(!generated.is_refused(), "{:?}", generated.report);
    assert!(generated.report.has(RuleId::PssoOpenidMicrosoft));
    // macOS 13 has no OpenID: no top-level method can be written.
    let generated = spec(AuthMethod::OpenID, MacOs::V13).generate().unwrap();
    assert!(generated.report.has(RuleId::SsoAuthMethodMacos13));
}
