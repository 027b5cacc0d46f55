use super::*;
use crate::model::{AuthMethod, NewUserAuthMethod, Policy, UnlockPolicy};
use crate::spec::Spec;

/// A profile for a fleet from macOS 27 with a value at every `PlatformSSO` key.
fn every_key() -> Spec {
    Spec {
        auth: Some(AuthMethod::Password),
        min_macos: Some(MacOs::V27),
        org: Some("Contoso".into()),
        identifier: Some("com.contoso.platformsso".into()),
        registration_token: Some("{{DEVICEREGISTRATION}}".into()),
        account_display_name: Some("Contoso".into()),
        extension_data: vec!["browser_sso_interaction_enabled=1".parse().unwrap()],
        enable_create_user_at_login: Some(true),
        enable_authorization: Some(true),
        new_user_authorization_mode: Some(crate::model::NewUserAuthorizationMode::Standard),
        user_authorization_mode: Some(crate::model::AuthorizationMode::Standard),
        administrator_groups: vec!["admins".into()],
        additional_groups: vec!["staff".into()],
        authorization_groups: vec!["system.preferences=admins".parse().unwrap()],
        login_frequency: crate::model::NonNegative::new(7200),
        filevault_policy: Some(vec![Policy::AttemptAuthentication, Policy::RequireTouchID]),
        login_policy: Some(vec![Policy::AttemptAuthentication]),
        unlock_policy: Some(vec![UnlockPolicy::AllowTouchIDOrWatchForUnlock]),
        offline_grace_period: crate::model::NonNegative::new(3600),
        authentication_grace_period: crate::model::NonNegative::new(3600),
        non_psso_accounts: vec!["localadmin".into()],
        allow_device_identifiers_in_attestation: Some(true),
        enable_registration_during_setup: Some(true),
        enable_create_first_user_during_setup: Some(true),
        new_user_authentication_methods: Some(vec![
            NewUserAuthMethod::Password,
            NewUserAuthMethod::AccessKey,
        ]),
        synchronize_profile_picture: Some(true),
        temporary_session_quick_login: Some(false),
        allow_access_key_express_mode: Some(true),
        access_key_reader_group_identifier: Some("AQID".parse().unwrap()),
        access_key_terminal_identity_uuid: Some("6F1A4C2E-3B5D-4E7F-8A9B-0C1D2E3F4A5B".into()),
        access_key_reader_issuer_certificate_uuid: Some(
            "7A2B5D3F-4C6E-4F80-9B1C-1D2E3F4A5B6C".into(),
        ),
        web_login_url_allow_list: vec!["login.microsoftonline.com".into()],
        allow_web_login_password_sync: Some(true),
        ..Spec::default()
    }
}

fn profile_of(spec: &Spec) -> Value {
    spec.to_profile().unwrap().to_value().unwrap()
}

fn get<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = value;
    for part in path.split('.') {
        cur = cur.as_dictionary()?.get(part)?;
    }
    Some(cur)
}

fn sso(profile: &Value) -> &Dictionary {
    get(profile, "PayloadContent")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_dictionary)
        .unwrap()
}

#[test]
fn every_platform_sso_key_of_the_profile_lands_at_its_declaration_key() {
    let profile = profile_of(&every_key());
    let platform = sso(&profile)["PlatformSSO"].as_dictionary().unwrap();
    for key in apple::children(Scope::ExtensibleSso, "PlatformSSO") {
        assert!(
            platform.contains_key(key.name()),
            "the test profile sets {}",
            key.path
        );
    }
    let declaration =
        from_profile(&profile, &Target::new(MacOs::V27), &Options::default()).unwrap();
    assert_eq!(declaration_type(&declaration), Some(EXTENSIBLE_SSO));
    let payload = get(&declaration, "Payload").unwrap();
    for (path, expected) in [
        (
            "ExtensionComposedIdentifier",
            Value::String("com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)".into()),
        ),
        ("Type", "Redirect".into()),
        ("ScreenLockedBehavior", "DoNotHandle".into()),
        (
            "PlatformSSO.RegistrationToken",
            "{{DEVICEREGISTRATION}}".into(),
        ),
        ("PlatformSSO.Account.DisplayName", "Contoso".into()),
        ("PlatformSSO.UserCreation.EnableAtLogin", true.into()),
        (
            "PlatformSSO.UserCreation.TokenToUserMapping.AccountName",
            "preferred_username".into(),
        ),
        (
            "PlatformSSO.Authorization.EnableIdentityProviderAccounts",
            true.into(),
        ),
        (
            "PlatformSSO.AccessKey.ReaderGroupIdentifier",
            Value::Data(vec![1, 2, 3]),
        ),
        (
            "PlatformSSO.Policies.FileVault",
            Value::Array(vec![
                "AttemptAuthentication".into(),
                "RequireTouchID".into(),
            ]),
        ),
        (
            "PlatformSSO.WebAuthentication.AllowPasswordSync",
            true.into(),
        ),
    ] {
        assert_eq!(get(payload, path), Some(&expected), "{path}");
    }
    for gone in [
        "PayloadUUID",
        "PayloadIdentifier",
        "TeamIdentifier",
        "ExtensionIdentifier",
    ] {
        assert!(get(payload, gone).is_none(), "{gone}");
    }
    assert_eq!(
        get(&declaration, "Identifier").and_then(Value::as_string),
        Some("com.contoso.platformsso.extensible-sso")
    );
}

/// Profile → declaration → profile is the identity on every mapped key, and
/// declaration → profile → declaration too.
#[test]
fn the_mapping_is_the_identity_both_ways() {
    let profile = profile_of(&every_key());
    let target = Target::new(MacOs::V27);
    let declaration = from_profile(&profile, &target, &Options::default()).unwrap();
    let back = to_profile(&declaration);
    let (original, recovered) = (sso(&profile), sso(&back));
    let mut compared = 0;
    for (name, value) in original {
        if apple::lookup(Scope::Payload, name).is_some() {
            continue; // the envelope is the declaration's Identifier, not the profile's
        }
        assert_eq!(recovered.get(name), Some(value), "{name}");
        compared += 1;
    }
    let recovered_settings = recovered
        .keys()
        .filter(|k| apple::lookup(Scope::Payload, k).is_none())
        .count();
    assert_eq!(recovered_settings, compared, "{recovered:#?}");
    assert_eq!(compared, 8, "the PlatformSSO dictionary is compared whole");

    let options = Options {
        identifier: Some("com.contoso.platformsso.extensible-sso"),
        server_token: get(&declaration, "ServerToken").and_then(Value::as_string),
    };
    let again = from_profile(&back, &target, &options).unwrap();
    assert_eq!(again, declaration);
}

#[test]
fn a_fleet_before_macos_27_is_refused_with_the_legacy_route() {
    let spec = Spec {
        min_macos: Some(MacOs::V26),
        ..Spec::default()
    };
    let err = from_profile(
        &profile_of(&spec),
        &Target::new(MacOs::V26),
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the `com.apple.configuration.extensible-sso` declaration is read by macOS 27 and later, but the fleet starts at macOS 26; deliver the profile itself to older Macs, or in a `com.apple.configuration.legacy` declaration that installs it from a URL"
    );
}

#[test]
fn identifier_and_server_token_are_derived_or_given() {
    let target = Target::new(MacOs::V27);
    let spec = Spec {
        min_macos: Some(MacOs::V27),
        ..Spec::default()
    };
    let a = from_profile(&profile_of(&spec), &target, &Options::default()).unwrap();
    let b = from_profile(&profile_of(&spec), &target, &Options::default()).unwrap();
    assert_eq!(a, b, "deterministic");
    let token = get(&a, "ServerToken").and_then(Value::as_string).unwrap();
    assert_eq!(Uuid::parse_str(token).unwrap().get_version_num(), 5);
    assert_eq!(token, token.to_uppercase());
    let changed = Spec {
        min_macos: Some(MacOs::V27),
        login_frequency: crate::model::NonNegative::new(7200),
        ..Spec::default()
    };
    let c = from_profile(&profile_of(&changed), &target, &Options::default()).unwrap();
    assert_eq!(get(&a, "Identifier"), get(&c, "Identifier"));
    assert_ne!(
        get(&a, "ServerToken"),
        get(&c, "ServerToken"),
        "new content, new token"
    );
    let given = from_profile(
        &profile_of(&spec),
        &target,
        &Options {
            identifier: Some("psso"),
            server_token: Some("7"),
        },
    )
    .unwrap();
    assert_eq!(
        get(&given, "Identifier"),
        Some(&Value::String("psso".into()))
    );
    assert_eq!(get(&given, "ServerToken"), Some(&Value::String("7".into())));
}

#[test]
fn what_a_declaration_cannot_carry_is_refused() {
    let target = Target::new(MacOs::V27);
    let mut profile = profile_of(&Spec {
        min_macos: Some(MacOs::V27),
        ..Spec::default()
    });
    let payload = profile.as_dictionary_mut().unwrap()["PayloadContent"]
        .as_array_mut()
        .unwrap()[0]
        .as_dictionary_mut()
        .unwrap();
    payload["PlatformSSO"]
        .as_dictionary_mut()
        .unwrap()
        .insert("Unknown".into(), true.into());
    assert_eq!(
        from_profile(&profile, &target, &Options::default())
            .unwrap_err()
            .to_string(),
        "the profile cannot become a declaration: the declaration has no key for `PlatformSSO.Unknown`"
    );
    profile.as_dictionary_mut().unwrap()["PayloadContent"] = Value::Array(vec![]);
    assert_eq!(
        from_profile(&profile, &target, &Options::default())
            .unwrap_err()
            .to_string(),
        "the profile cannot become a declaration: it has 0 Extensible SSO payloads; a declaration carries one"
    );
}

#[test]
fn composed_identifiers_split_at_the_team() {
    assert_eq!(
        split_composed("com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)"),
        (
            "com.microsoft.CompanyPortalMac.ssoextension",
            Some("UBF8T346G9")
        )
    );
    assert_eq!(
        split_composed("com.example.sso.extension"),
        ("com.example.sso.extension", None)
    );
    assert_eq!(
        split_composed("com.example (x (y))"),
        ("com.example (x (y))", None)
    );
}

#[test]
fn json_base64_at_a_data_key_is_data_in_the_profile_tree() {
    let declaration = codec::parse_json(
        br#"{"Type": "com.apple.configuration.extensible-sso", "Identifier": "d", "ServerToken": "1",
             "Payload": {"ExtensionComposedIdentifier": "com.example.sso (ABCDE12345)", "Type": "Redirect",
                         "PlatformSSO": {"AccessKey": {"ReaderGroupIdentifier": "AQID"}, "Nope": 1}}}"#,
        Path::new("d.json"),
    )
    .unwrap();
    let profile = to_profile(&declaration);
    let payload = sso(&profile);
    assert_eq!(
        get(
            &Value::Dictionary(payload.clone()),
            "PlatformSSO.AccessKeyReaderGroupIdentifier"
        ),
        Some(&Value::Data(vec![1, 2, 3]))
    );
    assert_eq!(
        payload["TeamIdentifier"],
        Value::String("ABCDE12345".into())
    );
    assert!(get(&Value::Dictionary(payload.clone()), "PlatformSSO.Nope").is_none());
}

#[test]
fn the_legacy_declaration_names_the_profile_and_checks_its_url() {
    let profile = profile_of(&Spec::default());
    let bytes = codec::write(&profile, codec::Format::Xml).unwrap();
    let url = "https://mdm.example.com/profiles/psso.mobileconfig";
    let declaration = legacy(&profile, &bytes, url, &Options::default()).unwrap();
    assert_eq!(declaration_type(&declaration), Some(LEGACY));
    assert_eq!(
        get(&declaration, "Payload.ProfileURL"),
        Some(&Value::String(url.into()))
    );
    assert_eq!(
        get(&declaration, "Identifier"),
        Some(&Value::String("com.psso-profile.platformsso.legacy".into()))
    );
    let other = legacy(&profile, b"other bytes", url, &Options::default()).unwrap();
    assert_ne!(get(&declaration, "ServerToken"), get(&other, "ServerToken"));
    assert_eq!(
        legacy(
            &profile,
            &bytes,
            "http://mdm.example.com/p",
            &Options::default()
        )
        .unwrap_err()
        .to_string(),
        "invalid value `http://mdm.example.com/p` for `ProfileURL`: expected an https URL such as `https://mdm.example.com/path` (it must start with `https://`)"
    );
}

#[test]
fn parse_reads_declarations_by_their_type() {
    let ok = br#"{"Type": "com.apple.configuration.legacy", "Identifier": "x", "ServerToken": "1", "Payload": {}}"#;
    assert!(looks_like_json(ok) && looks_like_json(b"\xEF\xBB\xBF  {"));
    assert!(!looks_like_json(b"<?xml"));
    assert_eq!(
        parse(ok, Path::new("l.json")).unwrap().format,
        InputFormat::Json
    );
    assert_eq!(
        parse(
            br#"{"Type": "com.apple.configuration.passcode.settings"}"#,
            Path::new("p.json")
        )
        .unwrap_err()
        .to_string(),
        "`p.json` is not a declaration: its `Type` is `com.apple.configuration.passcode.settings`, expected `com.apple.configuration.extensible-sso` or `com.apple.configuration.legacy`"
    );
    assert_eq!(
        parse(br#"{"Payload": {}}"#, Path::new("-"))
            .unwrap_err()
            .to_string(),
        "`<stdin>` is not a declaration: it has no `Type` string, expected `com.apple.configuration.extensible-sso` or `com.apple.configuration.legacy`"
    );
}
