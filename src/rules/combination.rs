//! Rules on combinations of `PlatformSSO` keys, from the constraints Apple's schema
//! states in prose and Microsoft's notes on what it supports.

use plist::Value;

use super::fix::Fixer;
use super::{Applies, Context, Rule, RuleId, RuleSource, Severity, Sink, SsoPayload, microsoft};
use crate::catalog::microsoft::DOCUMENTED_PLATFORM_SSO_KEYS;
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::PssoSharedKeysRequired,
        severity: Severity::Error,
        summary: "`EnableAuthorization` and `EnableCreateUserAtLogin` come with `UseSharedDeviceKeys` true.",
        rationale: "Apple: both \"require\" shared device keys; without them the settings have no effect.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "set <key>UseSharedDeviceKeys</key><true/> inside PlatformSSO",
        check: shared_keys_required,
        repair: None,
    },
    Rule {
        id: RuleId::PssoGracePeriodRequired,
        severity: Severity::Error,
        summary: "`OfflineGracePeriod` is set when a policy has `AllowOfflineGracePeriod`; `AuthenticationGracePeriod` when one has `AllowAuthenticationGracePeriod`.",
        rationale: "Apple: each grace period is \"required when\" its policy value is set.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V15),
        fix: "set the grace period inside PlatformSSO, or remove the policy value",
        check: grace_period_required,
        repair: None,
    },
    Rule {
        id: RuleId::PssoTouchIdUnlockOnly,
        severity: Severity::Error,
        summary: "`AllowTouchIDOrWatchForUnlock` appears only in `UnlockPolicy`.",
        rationale: "Apple defines the value for screen unlock only; `FileVaultPolicy` and `LoginPolicy` do not accept it.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V15),
        fix: "move `AllowTouchIDOrWatchForUnlock` to UnlockPolicy",
        check: touch_id_unlock_only,
        repair: None,
    },
    Rule {
        id: RuleId::PssoPolicyNeedsPassword,
        severity: Severity::Warning,
        summary: "`FileVaultPolicy`, `LoginPolicy` and `UnlockPolicy` are set only with the `Password` method.",
        rationale: "Apple and Microsoft: the policies apply when the authentication method is `Password`; with another method they do nothing.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V15),
        fix: "remove the policy, or use the `Password` authentication method",
        check: policy_needs_password,
        repair: None,
    },
    Rule {
        id: RuleId::PssoGraceNeedsRequire,
        severity: Severity::Warning,
        summary: "`AllowOfflineGracePeriod` and `AllowAuthenticationGracePeriod` come with `RequireAuthentication` in the same policy.",
        rationale: "Apple: the grace periods only have an effect together with `RequireAuthentication`.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V15),
        fix: "add `RequireAuthentication` to the policy, or remove the grace-period value",
        check: grace_needs_require,
        repair: None,
    },
    Rule {
        id: RuleId::PssoGroupsModeNeedsGroups,
        severity: Severity::Warning,
        summary: "An authorization mode of `Groups` comes with `AdministratorGroups`, `AdditionalGroups` or `AuthorizationGroups`.",
        rationale: "Apple: `Groups` takes its permissions from those keys; without them no group grants anything. `Groups` is a value Apple lists, so this is a warning.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "add the groups, or use `Standard` or `Admin`",
        check: groups_mode_needs_groups,
        repair: None,
    },
    Rule {
        id: RuleId::PssoMicrosoftAuthorizationModes,
        severity: Severity::Warning,
        summary: "`NewUserAuthorizationMode` and `UserAuthorizationMode` are `Standard` or `Admin`.",
        rationale: "Microsoft: \"Currently, Standard and Admin values are supported\"; `Groups` and `Temporary` are not.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "use `Standard` or `Admin`",
        check: microsoft_authorization_modes,
        repair: None,
    },
    Rule {
        id: RuleId::PssoCreateFirstUserPassword,
        severity: Severity::Warning,
        summary: "`EnableCreateFirstUserDuringSetup` is on (set, or by Apple's default with registration in Setup Assistant) only with the `Password` method.",
        rationale: "Microsoft: create the first user during setup with Password only (\"If you're not using Password ... don't add or configure this setting\"); Apple's default is true on macOS 26, so registration in Setup Assistant with another method creates the first user unless the key is false.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V26),
        fix: "set <key>EnableCreateFirstUserDuringSetup</key><false/> inside PlatformSSO (Apple's default is true), or use the `Password` method",
        check: create_first_user_password,
        repair: None,
    },
    Rule {
        id: RuleId::PssoPasswordFilevaultPolicy,
        severity: Severity::Warning,
        summary: "With the `Password` method, `FileVaultPolicy` is set (`AttemptAuthentication`) for the fleet's Macs on macOS 15 and later.",
        rationale: "Microsoft's required table sets `FileVaultPolicy` to `AttemptAuthentication` for the Password method on macOS 15 and later; a fleet from macOS 13 or 14 has such Macs too, and older ones ignore the key.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V15),
        fix: "set <key>FileVaultPolicy</key><array><string>AttemptAuthentication</string></array> inside PlatformSSO",
        check: password_filevault_policy,
        repair: Some(fix_password_filevault_policy),
    },
    Rule {
        id: RuleId::PssoTokenToUserMapping,
        severity: Severity::Info,
        summary: "`PlatformSSO.TokenToUserMapping` maps the account name and the full name.",
        rationale: "Microsoft's table maps `AccountName` to `com.apple.PlatformSSO.AccountShortName` (or `preferred_username`) and `FullName` to `name`; local accounts made at login take these claims.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "set <key>TokenToUserMapping</key><dict><key>AccountName</key><string>preferred_username</string><key>FullName</key><string>name</string></dict> inside PlatformSSO",
        check: token_to_user_mapping,
        repair: None,
    },
    Rule {
        id: RuleId::PssoCreateUserMethod,
        severity: Severity::Warning,
        summary: "`EnableCreateUserAtLogin` comes with the `Password` or `SmartCard` method.",
        rationale: "Apple: new users are created at the login window when the method is `Password` or `SmartCard`.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "use the `Password` or `SmartCard` method, or remove EnableCreateUserAtLogin",
        check: create_user_method,
        repair: None,
    },
    Rule {
        id: RuleId::PssoUndocumentedByMicrosoft,
        severity: Severity::Warning,
        summary: "`PlatformSSO` holds only keys Microsoft documents for its plug-in.",
        rationale: "Microsoft: \"Any undocumented Platform SSO settings aren't supported.\" Apple keys such as `LoginPolicy`, `LoginFrequency` or `AdministratorGroups` are not in Microsoft's guides.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "remove the key unless Microsoft support asked for it",
        check: undocumented_by_microsoft,
        repair: None,
    },
    Rule {
        id: RuleId::PssoSetupCompanyPortal,
        severity: Severity::Info,
        summary: "Registration during Setup Assistant needs a recent Company Portal and a matching enrollment profile.",
        rationale: "Microsoft: Company Portal must be a required app, the enrollment uses Setup Assistant with modern authentication and \"Await final configuration\"; MDM vendors report Company Portal 5.2604 or later is needed.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V26),
        fix: "deploy Company Portal 5.2604 or later as a required app before enrollment",
        check: setup_company_portal,
        repair: None,
    },
];

const POLICIES: [&str; 3] = ["FileVaultPolicy", "LoginPolicy", "UnlockPolicy"];

/// Each policy array present in the payload's `PlatformSSO`, with its values.
fn policies<'a>(p: &SsoPayload<'a>) -> impl Iterator<Item = (&'static str, Vec<&'a str>)> + 'a {
    let p = *p;
    POLICIES.into_iter().filter_map(move |name| {
        p.platform(name)
            .and_then(Value::as_array)
            .map(|items| (name, items.iter().filter_map(Value::as_string).collect()))
    })
}

fn shared_keys_required(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.platform("UseSharedDeviceKeys")
            .and_then(Value::as_boolean)
            == Some(true)
        {
            continue;
        }
        for key in ["EnableAuthorization", "EnableCreateUserAtLogin"] {
            if p.platform(key).and_then(Value::as_boolean) == Some(true) {
                sink.emit(p.path(&format!("PlatformSSO.{key}")), "is true, but UseSharedDeviceKeys is not; Apple requires shared device keys for it");
            }
        }
    }
}

fn grace_period_required(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (value, period) in [
            ("AllowOfflineGracePeriod", "OfflineGracePeriod"),
            (
                "AllowAuthenticationGracePeriod",
                "AuthenticationGracePeriod",
            ),
        ] {
            let Some((policy, _)) = policies(p).find(|(_, values)| values.contains(&value)) else {
                continue;
            };
            if p.platform(period).is_none() {
                sink.emit_fix(
                    p.path(&format!("PlatformSSO.{period}")),
                    format!(
                        "is missing, but PlatformSSO.{policy} has `{value}`; Apple requires it"
                    ),
                    format!("set <key>{period}</key><integer>...</integer> inside PlatformSSO"),
                );
            }
        }
    }
}

fn touch_id_unlock_only(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (policy, values) in policies(p).filter(|(name, _)| *name != "UnlockPolicy") {
            if let Some(i) = values
                .iter()
                .position(|v| *v == "AllowTouchIDOrWatchForUnlock")
            {
                sink.emit(
                    p.path(&format!("PlatformSSO.{policy}[{i}]")),
                    format!("is `AllowTouchIDOrWatchForUnlock`, which Apple allows only in UnlockPolicy, not {policy}"),
                );
            }
        }
    }
}

fn policy_needs_password(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let method = p.string("PlatformSSO.AuthenticationMethod");
        if method.is_none_or(|m| m == "Password") {
            continue;
        }
        for (policy, _) in policies(p) {
            sink.emit(
                p.path(&format!("PlatformSSO.{policy}")),
                format!(
                    "applies only with the `Password` method, but the method is `{}`",
                    method.unwrap_or_default()
                ),
            );
        }
    }
}

fn grace_needs_require(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (policy, values) in policies(p) {
            if values.contains(&"RequireAuthentication") {
                continue;
            }
            for grace in ["AllowOfflineGracePeriod", "AllowAuthenticationGracePeriod"] {
                if values.contains(&grace) {
                    sink.emit(
                        p.path(&format!("PlatformSSO.{policy}")),
                        format!("has `{grace}` without `RequireAuthentication`, so the grace period has no effect"),
                    );
                }
            }
        }
    }
}

fn groups_mode_needs_groups(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let has_groups = [
            "AdministratorGroups",
            "AdditionalGroups",
            "AuthorizationGroups",
        ]
        .into_iter()
        .any(|k| match p.platform(k) {
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Dictionary(d)) => !d.is_empty(),
            _ => false,
        });
        if has_groups {
            continue;
        }
        for mode in ["NewUserAuthorizationMode", "UserAuthorizationMode"] {
            if p.platform(mode).and_then(Value::as_string) == Some("Groups") {
                sink.emit(p.path(&format!("PlatformSSO.{mode}")), "is `Groups`, but no AdministratorGroups, AdditionalGroups or AuthorizationGroups are set");
            }
        }
    }
}

fn microsoft_authorization_modes(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for mode in ["NewUserAuthorizationMode", "UserAuthorizationMode"] {
            if let Some(value @ ("Groups" | "Temporary")) =
                p.platform(mode).and_then(Value::as_string)
            {
                sink.emit(
                    p.path(&format!("PlatformSSO.{mode}")),
                    format!("is `{value}`; Microsoft supports only `Standard` and `Admin`"),
                );
            }
        }
    }
}

fn create_first_user_password(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let Some(method) = p
            .string("PlatformSSO.AuthenticationMethod")
            .filter(|m| *m != "Password")
        else {
            continue;
        };
        let path = p.path("PlatformSSO.EnableCreateFirstUserDuringSetup");
        match p.boolean("PlatformSSO.EnableCreateFirstUserDuringSetup") {
            Some(true) => sink.emit(
                path,
                format!("is true with the `{method}` method; Microsoft supports it with `Password` only"),
            ),
            // Apple's default is true: with registration in Setup Assistant, the
            // first user is created through Platform SSO unless the key says no.
            None if p.boolean("PlatformSSO.EnableRegistrationDuringSetup") == Some(true) => sink.emit(
                path,
                format!("is not set, so Apple's default true applies in Setup Assistant with the `{method}` method; Microsoft supports creating the first user there with `Password` only"),
            ),
            _ => {}
        }
    }
}

fn password_filevault_policy(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let which = if ctx.target.min_macos < MacOs::V15 {
        "the fleet's Macs on macOS 15 and later get"
    } else {
        "the Macs get"
    };
    for p in ctx.targets() {
        if p.string("PlatformSSO.AuthenticationMethod") == Some("Password")
            && p.get("PlatformSSO.FileVaultPolicy").is_none()
        {
            sink.emit(
                p.path("PlatformSSO.FileVaultPolicy"),
                format!("is missing, so {which} no FileVault policy; Microsoft's table sets `AttemptAuthentication` with the Password method on macOS 15+"),
            );
        }
    }
}

fn create_user_method(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.boolean("PlatformSSO.EnableCreateUserAtLogin") == Some(true)
            && p.string("PlatformSSO.AuthenticationMethod") == Some("UserSecureEnclaveKey")
        {
            sink.emit(
                p.path("PlatformSSO.EnableCreateUserAtLogin"),
                "is true with the `UserSecureEnclaveKey` method; Apple creates users at login with `Password` or `SmartCard`",
            );
        }
    }
}

fn undocumented_by_microsoft(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let Some(platform) = p.get("PlatformSSO").and_then(Value::as_dictionary) else {
            continue;
        };
        for key in platform.keys() {
            if DOCUMENTED_PLATFORM_SSO_KEYS.contains(&key.as_str()) {
                continue;
            }
            let apple_defines = crate::catalog::apple::lookup(
                crate::catalog::apple::Scope::ExtensibleSso,
                &format!("PlatformSSO.{key}"),
            )
            .is_some();
            if apple_defines {
                sink.emit(
                    p.path(&format!("PlatformSSO.{key}")),
                    "is an Apple setting Microsoft does not document for its plug-in; Microsoft does not support undocumented settings",
                );
            }
        }
    }
}

fn setup_company_portal(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.boolean("PlatformSSO.EnableRegistrationDuringSetup") == Some(true) {
            sink.emit(
                p.path("PlatformSSO.EnableRegistrationDuringSetup"),
                "registers in Setup Assistant: Company Portal (5.2604 or later) must arrive as a required app before the user signs in, or Setup Assistant reports the SSO application missing",
            );
        }
    }
}

fn token_to_user_mapping(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    const MESSAGE: &str =
        "Microsoft's table maps the account name and full name from the token's claims";
    for p in ctx.targets().filter(|p| p.has_platform_sso()) {
        let Some(mapping) = p
            .platform("TokenToUserMapping")
            .and_then(Value::as_dictionary)
        else {
            sink.emit(
                p.path("PlatformSSO.TokenToUserMapping"),
                format!("is not set; {MESSAGE}"),
            );
            continue;
        };
        for key in ["AccountName", "FullName"]
            .into_iter()
            .filter(|k| !mapping.contains_key(k))
        {
            sink.emit(
                p.path(&format!("PlatformSSO.TokenToUserMapping.{key}")),
                format!("is not set; {MESSAGE}"),
            );
        }
    }
}

/// Sets `FileVaultPolicy` to `AttemptAuthentication` for the `Password` method:
/// Macs on macOS 15 and later apply it, older ones ignore it.
fn fix_password_filevault_policy(fixer: &mut Fixer<'_>) {
    let Some(mut p) = fixer.payload() else { return };
    if microsoft::platform_method(&mut p).as_deref() != Some("Password") {
        return;
    }
    let path = p.path("PlatformSSO.FileVaultPolicy");
    let Some(platform) = p.platform() else { return };
    if !platform.contains_key("FileVaultPolicy") {
        platform.insert(
            "FileVaultPolicy".into(),
            Value::Array(vec!["AttemptAuthentication".into()]),
        );
        p.notes.note(
            RuleId::PssoPasswordFilevaultPolicy,
            path,
            "set to [`AttemptAuthentication`], as Microsoft's table says for Password on macOS 15+",
            "Macs on macOS 15 and later try Platform SSO at FileVault unlock, and accept the local password offline; older Macs ignore the key",
        );
    }
}
