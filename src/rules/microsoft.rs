//! Rules from Microsoft's table of required Platform SSO settings, checked on the
//! payload for the Microsoft Enterprise SSO plug-in.

use plist::Value;

use super::fix::{Fixer, Payload, platform_sso};
use super::{
    Applies, Context, Expect, PayloadKind, Rule, RuleId, RuleSource, Severity, Sink, SsoPayload,
    describe,
};
use crate::catalog::microsoft::{
    Cloud, DEVICE_REGISTRATION_PLACEHOLDER, EXTENSION_IDENTIFIER, NOT_MICROSOFT_PROFILE_URLS,
    REQUIRED, SCREEN_LOCKED_BEHAVIOR, SSO_TYPE, TEAM_IDENTIFIER, URLS, is_microsoft_url,
};
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::SsoExtensionIdentifier,
        severity: Severity::Error,
        summary: "A payload meant for the Microsoft plug-in spells `ExtensionIdentifier` `com.microsoft.CompanyPortalMac.ssoextension`.",
        rationale: "It names the Microsoft Enterprise SSO plug-in inside Company Portal; a payload that names Microsoft, Company Portal or Microsoft's team but another identifier configures no extension on macOS.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "set <key>ExtensionIdentifier</key><string>com.microsoft.CompanyPortalMac.ssoextension</string>",
        check: extension_identifier,
        repair: Some(fix_extension_identifier),
    },
    Rule {
        id: RuleId::SsoTeamIdentifier,
        severity: Severity::Error,
        summary: "`TeamIdentifier` of the Microsoft payload is `UBF8T346G9`.",
        rationale: "Microsoft's team identifier; Apple requires the key on macOS, together with the extension identifier.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "set <key>TeamIdentifier</key><string>UBF8T346G9</string>",
        check: team_identifier,
        repair: Some(fix_team_identifier),
    },
    Rule {
        id: RuleId::SsoType,
        severity: Severity::Error,
        summary: "`Type` of the Microsoft payload is `Redirect`.",
        rationale: "The Microsoft plug-in is a redirect extension; Platform SSO requires a redirect payload.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "set <key>Type</key><string>Redirect</string>",
        check: sso_type,
        repair: Some(fix_sso_type),
    },
    Rule {
        id: RuleId::SsoUrlsCommercial,
        severity: Severity::Error,
        summary: "`URLs` of the Microsoft payload holds `https://login.microsoftonline.com`, `https://login.microsoft.com` and `https://sts.windows.net`.",
        rationale: "Microsoft requires the three commercial sign-in URLs for every tenant; a redirect payload needs `URLs`.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "add the missing URLs to the `URLs` array",
        check: commercial_urls,
        repair: Some(fix_commercial_urls),
    },
    Rule {
        id: RuleId::SsoUrlsSovereign,
        severity: Severity::Warning,
        summary: "`URLs` of the Microsoft payload lists each sovereign cloud it names completely (both China URLs, both US Government URLs).",
        rationale: "Intune says to add the sovereign-cloud URLs when the tenant uses those clouds; a cloud listed with one of its two URLs is a common mistake (the profile meant to serve that cloud). A profile without sovereign URLs serves the commercial cloud, as most tenants need.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "add the missing URL of the cloud, or remove the cloud's other URL if the tenant does not use it",
        check: sovereign_urls,
        repair: None,
    },
    Rule {
        id: RuleId::SsoScreenLockedBehavior,
        severity: Severity::Error,
        summary: "`ScreenLockedBehavior` of a Microsoft Platform SSO payload is `DoNotHandle`.",
        rationale: "Microsoft's Platform SSO guides require `DoNotHandle`; when the key is absent Apple's default is `Cancel`, which cancels sign-ins while the screen is locked.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V13),
        fix: "set <key>ScreenLockedBehavior</key><string>DoNotHandle</string>",
        check: screen_locked_behavior,
        repair: Some(fix_screen_locked_behavior),
    },
    Rule {
        id: RuleId::SsoAuthMethod,
        severity: Severity::Error,
        summary: "`PlatformSSO.AuthenticationMethod` of a Microsoft Platform SSO payload is `Password`, `UserSecureEnclaveKey` or `SmartCard`.",
        rationale: "macOS 14 and later read the authentication method from the `PlatformSSO` dictionary only; without it Platform SSO does not register.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "set <key>AuthenticationMethod</key><string>UserSecureEnclaveKey</string> inside PlatformSSO (Microsoft's recommendation)",
        check: auth_method,
        repair: Some(fix_auth_method),
    },
    Rule {
        id: RuleId::SsoAuthMethodMacos13,
        severity: Severity::Error,
        summary: "For a fleet with macOS 13, a Microsoft Platform SSO payload has the deprecated top-level `AuthenticationMethod` (`Password` or `UserSecureEnclaveKey`) and does not use `SmartCard`.",
        rationale: "macOS 13 reads only the top-level key, and has no smart-card method; a fleet from 13 sets both keys.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::only(MacOs::V13),
        fix: "set the top-level <key>AuthenticationMethod</key> to the same value as PlatformSSO's, or raise the fleet's minimum to macOS 14",
        check: auth_method_macos13,
        repair: Some(fix_auth_method_macos13),
    },
    Rule {
        id: RuleId::SsoAuthMethodAgree,
        severity: Severity::Error,
        summary: "The top-level `AuthenticationMethod` and `PlatformSSO.AuthenticationMethod` of a Microsoft payload have the same value.",
        rationale: "A fleet on macOS 13 and 14+ sets both; different values register Macs differently, and the plug-in reports error 10001.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V13),
        fix: "give both keys the same value",
        check: auth_methods_agree,
        repair: None,
    },
    Rule {
        id: RuleId::SsoUseSharedDeviceKeys,
        severity: Severity::Error,
        summary: "`PlatformSSO.UseSharedDeviceKeys` of a Microsoft Platform SSO payload is `true`.",
        rationale: "Microsoft requires shared device keys for Platform SSO; turning them on later forces every user to register again.",
        source: RuleSource::MicrosoftRequiredTable,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "set <key>UseSharedDeviceKeys</key><true/> inside PlatformSSO",
        check: use_shared_device_keys,
        repair: Some(fix_use_shared_device_keys),
    },
    Rule {
        id: RuleId::SsoRegistrationTokenNeedsAuth,
        severity: Severity::Error,
        summary: "A `RegistrationToken` comes with an authentication method.",
        rationale: "Apple: the token \"requires that 'PlatformSSO.AuthenticationMethod' isn't empty\" (on macOS 13, the top-level key).",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::from(MacOs::V13),
        fix: "set the authentication method, or remove RegistrationToken",
        check: registration_token_needs_auth,
        repair: None,
    },
    Rule {
        id: RuleId::SsoUrlsNotMicrosoft,
        severity: Severity::Warning,
        summary: "`URLs` of the Microsoft SSO payload holds only the seven URLs Microsoft lists.",
        rationale: "Other hosts, such as `https://login.windows.net` or `https://enterpriseregistration.windows.net`, are not sign-in URL prefixes Microsoft documents for the payload.",
        source: RuleSource::DocumentedPitfall,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the URL",
        check: not_microsoft_urls,
        repair: None,
    },
    Rule {
        id: RuleId::SsoUrlsFormat,
        severity: Severity::Error,
        summary: "Every `URLs` entry starts with `http://` or `https://` and has no query or fragment.",
        rationale: "Apple: URL prefixes must begin with http:// or https://, and query parameters and fragments are not allowed.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::ALL,
        fix: "write the URL as `https://host` with an optional path",
        check: url_format,
        repair: None,
    },
    Rule {
        id: RuleId::SsoUrlsUnique,
        severity: Severity::Error,
        summary: "No URL or host is listed by two Extensible SSO payloads of the profile.",
        rationale: "Apple: URLs and hosts must be unique across all installed Extensible SSO payloads; an overlapping payload (an older \"SSO app extension\" payload) takes requests away from Platform SSO.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::ALL,
        fix: "keep each URL in one payload only, and remove the older SSO extension payload",
        check: unique_urls,
        repair: None,
    },
    Rule {
        id: RuleId::SsoTypeKeys,
        severity: Severity::Error,
        summary: "A Redirect payload has `URLs`; a Credential payload has `Hosts`.",
        rationale: "Apple: `URLs` is \"required for Redirect payloads\" and `Hosts` for Credential payloads; without them the extension handles no request. Apple's Kerberos schema makes `Hosts` optional for its own extension.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::ALL,
        fix: "add the identity provider's URL prefixes (Redirect) or host names (Credential)",
        check: type_keys,
        repair: None,
    },
    Rule {
        id: RuleId::SsoHostsWildcard,
        severity: Severity::Warning,
        summary: "`Hosts` entries use Apple's wildcard form, a leading `.` (`.contoso.com`), not `*.contoso.com`.",
        rationale: "Apple: host names that begin with a `.` match all subdomains; any other entry must match exactly, so `*.contoso.com` matches no host.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::ALL,
        fix: "write the entry with a leading dot, such as `.contoso.com`",
        check: hosts_wildcard,
        repair: None,
    },
    Rule {
        id: RuleId::SsoRedirectIgnores,
        severity: Severity::Info,
        summary: "A Redirect payload has no `Hosts` or `Realm`.",
        rationale: "Apple: `Hosts` and `Realm` are for Credential payloads and are ignored for Redirect: harmless, and profile editors often write an empty `Hosts`.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::ALL,
        fix: "remove the key",
        check: redirect_ignores,
        repair: None,
    },
    Rule {
        id: RuleId::SsoExpectedKind,
        severity: Severity::Error,
        summary: "When the Microsoft SSO extension without Platform SSO is expected, no Microsoft payload configures Platform SSO.",
        rationale: "A pipeline that expects the SSO extension alone must not ship Platform SSO: turning it on makes every user register, and the two kinds of profile must not be installed together (error 10002).",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Microsoft,
        macos: MacOsRange::ALL,
        fix: "remove PlatformSSO, the top-level AuthenticationMethod and RegistrationToken, or expect Platform SSO",
        check: expected_kind,
        repair: None,
    },
    Rule {
        id: RuleId::SsoRegistrationTokenAbsent,
        severity: Severity::Info,
        summary: "A Microsoft Platform SSO payload has a `RegistrationToken` for silent device registration.",
        rationale: "Intune requires `{{DEVICEREGISTRATION}}` and Microsoft's shared-Mac guide recommends it; without it users register interactively. Microsoft's MDM-vendor table does not list it, and other MDMs document no value of their own.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::MicrosoftPlatformSso,
        macos: MacOsRange::from(MacOs::V13),
        fix: "set <key>RegistrationToken</key><string>{{DEVICEREGISTRATION}}</string> if the MDM substitutes it",
        check: registration_token_absent,
        repair: None,
    },
];

/// Whether the key at `path` of a Microsoft SSO payload (whose Platform SSO rows
/// apply when `platform_rows`) is checked by a rule of Microsoft's table, so the
/// generic schema rules leave its value alone.
pub(super) fn owns(path: &str, platform_rows: bool) -> bool {
    REQUIRED.iter().any(|row| {
        row.essential
            && row.key == path
            && (platform_rows || row.rule.rule().applies != Applies::MicrosoftPlatformSso)
    })
}

fn require_string(sink: &mut Sink<'_>, p: &SsoPayload<'_>, key: &str, expected: &str) {
    match p.get(key) {
        Some(Value::String(s)) if s == expected => {}
        Some(other) => sink.emit(
            p.path(key),
            format!("is {}; Microsoft requires `{expected}`", describe(other)),
        ),
        None => sink.emit(
            p.path(key),
            format!("is missing; Microsoft requires `{expected}`"),
        ),
    }
}

fn extension_identifier(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.string("ExtensionIdentifier") != Some(EXTENSION_IDENTIFIER) {
            require_string(sink, p, "ExtensionIdentifier", EXTENSION_IDENTIFIER);
        }
    }
}

fn team_identifier(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        require_string(sink, p, "TeamIdentifier", TEAM_IDENTIFIER);
    }
}

fn sso_type(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        require_string(sink, p, "Type", SSO_TYPE);
    }
}

fn has_url(urls: &[&str], wanted: &str) -> bool {
    urls.iter()
        .any(|u| u.trim_end_matches('/').eq_ignore_ascii_case(wanted))
}

fn commercial_urls(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        match p.get("URLs") {
            None => sink.emit(
                p.path("URLs"),
                "is missing; a redirect payload needs the three commercial Microsoft sign-in URLs",
            ),
            Some(Value::Array(_)) => {
                let urls = p.strings("URLs");
                for wanted in Cloud::Commercial.urls().filter(|w| !has_url(&urls, w)) {
                    sink.emit_fix(
                        p.path("URLs"),
                        format!(
                            "lacks `{wanted}`; Microsoft requires the three commercial sign-in URLs"
                        ),
                        format!("add <string>{wanted}</string> to URLs"),
                    );
                }
            }
            Some(other) => sink.emit(
                p.path("URLs"),
                format!("is {}; expected an array of URL strings", describe(other)),
            ),
        }
    }
}

fn sovereign_urls(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.get("URLs").and_then(Value::as_array).is_none() {
            continue;
        }
        let urls = p.strings("URLs");
        for cloud in [Cloud::China, Cloud::UsGovernment] {
            let (listed, missing): (Vec<&str>, Vec<&str>) =
                cloud.urls().partition(|w| has_url(&urls, w));
            if listed.is_empty() || missing.is_empty() {
                continue;
            }
            let quote = |v: &[&str]| {
                v.iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            sink.emit(
                p.path("URLs"),
                format!(
                    "lists {} of the {cloud} cloud but not {}; tenants in that cloud cannot sign in through the missing one",
                    quote(&listed),
                    quote(&missing)
                ),
            );
        }
    }
}

fn screen_locked_behavior(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        match p.get("ScreenLockedBehavior") {
            Some(Value::String(s)) if s == SCREEN_LOCKED_BEHAVIOR => {}
            Some(other) => sink.emit(
                p.path("ScreenLockedBehavior"),
                format!("is {}; Microsoft requires `{SCREEN_LOCKED_BEHAVIOR}`", describe(other)),
            ),
            None => sink.emit(
                p.path("ScreenLockedBehavior"),
                format!("is missing, so Apple's default `Cancel` applies; Microsoft requires `{SCREEN_LOCKED_BEHAVIOR}`"),
            ),
        }
    }
}

const METHODS: [&str; 3] = ["Password", "UserSecureEnclaveKey", "SmartCard"];
const LEGACY_METHODS: [&str; 2] = ["Password", "UserSecureEnclaveKey"];

fn auth_method(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let path = p.path("PlatformSSO.AuthenticationMethod");
        match p.get("PlatformSSO.AuthenticationMethod") {
            Some(Value::String(s)) if METHODS.contains(&s.as_str()) => {}
            // Apple's macOS 27 web login; `psso.openid-microsoft` warns that
            // Microsoft does not document it.
            Some(Value::String(s)) if s == "OpenID" => {}
            Some(other) => sink.emit(
                path,
                format!("is {}; expected `Password`, `UserSecureEnclaveKey` or `SmartCard`", describe(other)),
            ),
            None if p.kind == PayloadKind::MicrosoftSsoExtension => sink.emit_fix(
                path,
                "is missing: the payload configures no Platform SSO, and Platform SSO is expected",
                "add a PlatformSSO dictionary with the authentication method, or expect the SSO extension without Platform SSO",
            ),
            None if p.get("PlatformSSO").is_none() => sink.emit(
                path,
                "is missing (the payload has no PlatformSSO dictionary); macOS 14 and later read the authentication method there",
            ),
            None => sink.emit(path, "is missing; macOS 14 and later need an authentication method"),
        }
    }
}

fn auth_method_macos13(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let modern = p.string("PlatformSSO.AuthenticationMethod");
        if modern == Some("SmartCard") {
            sink.emit_fix(
                p.path("PlatformSSO.AuthenticationMethod"),
                "is `SmartCard`, which macOS 13 does not have; the fleet includes macOS 13",
                "choose `Password` or `UserSecureEnclaveKey`, or raise the fleet's minimum to macOS 14",
            );
        }
        match p.get("AuthenticationMethod") {
            Some(Value::String(s)) if LEGACY_METHODS.contains(&s.as_str()) => {}
            Some(other) => sink.emit(
                p.path("AuthenticationMethod"),
                format!(
                    "is {}; macOS 13 accepts `Password` or `UserSecureEnclaveKey`",
                    describe(other)
                ),
            ),
            None => {
                let fix = match modern.filter(|m| LEGACY_METHODS.contains(m)) {
                    Some(m) => format!("set the top-level <key>AuthenticationMethod</key><string>{m}</string>"),
                    None => "set the top-level <key>AuthenticationMethod</key> to `Password` or `UserSecureEnclaveKey`".to_string(),
                };
                sink.emit_fix(
                    p.path("AuthenticationMethod"),
                    "is missing; macOS 13 reads the authentication method only from this deprecated top-level key",
                    fix,
                );
            }
        }
    }
}

fn auth_methods_agree(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if let (Some(legacy), Some(modern)) = (
            p.string("AuthenticationMethod"),
            p.string("PlatformSSO.AuthenticationMethod"),
        ) && legacy != modern
        {
            sink.emit_fix(
                p.path("AuthenticationMethod"),
                format!("is `{legacy}` but PlatformSSO.AuthenticationMethod is `{modern}`; Macs on macOS 13 and 14+ would register differently"),
                format!("set both to `{modern}`"),
            );
        }
    }
}

fn use_shared_device_keys(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let path = p.path("PlatformSSO.UseSharedDeviceKeys");
        match p.get("PlatformSSO.UseSharedDeviceKeys") {
            Some(Value::Boolean(true)) => {}
            Some(Value::Boolean(false)) => sink.emit(
                path,
                "is false; Microsoft requires true (enabling it later forces every user to re-register)",
            ),
            Some(other) => sink.emit(path, format!("is {}; Microsoft requires the boolean true", describe(other))),
            None => sink.emit(
                path,
                "is missing, so Apple's default false applies; Microsoft requires true (enabling it later forces every user to re-register)",
            ),
        }
    }
}

fn registration_token_needs_auth(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.get("RegistrationToken").is_none() {
            continue;
        }
        let modern = p
            .string("PlatformSSO.AuthenticationMethod")
            .is_some_and(|m| !m.is_empty());
        let legacy = p
            .string("AuthenticationMethod")
            .is_some_and(|m| !m.is_empty());
        if !modern && !legacy {
            sink.emit(
                p.path("RegistrationToken"),
                "is set, but the payload has no authentication method; Apple requires PlatformSSO.AuthenticationMethod with a registration token",
            );
        }
    }
}

fn not_microsoft_urls(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (i, url) in p.strings("URLs").into_iter().enumerate() {
            if is_microsoft_url(url) {
                continue;
            }
            let why = NOT_MICROSOFT_PROFILE_URLS
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(url.trim_end_matches('/')))
                .map_or(
                    "it is not one of the seven sign-in URLs Microsoft lists",
                    |(_, why)| why,
                );
            sink.emit(p.path(&format!("URLs[{i}]")), format!("is `{url}`: {why}"));
        }
    }
}

fn url_format(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (i, url) in p.strings("URLs").into_iter().enumerate() {
            let lower = url.to_ascii_lowercase();
            let scheme = lower.starts_with("https://") || lower.starts_with("http://");
            let problem = if !scheme {
                Some("does not start with `http://` or `https://`")
            } else if url.contains('?') || url.contains('#') {
                Some("has a query or a fragment, which Apple does not allow")
            } else {
                None
            };
            if let Some(problem) = problem {
                sink.emit(p.path(&format!("URLs[{i}]")), format!("`{url}` {problem}"));
            }
        }
    }
}

fn unique_urls(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.targets().nth(1).is_none() {
        return; // one payload: repeats inside it are harmless
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for p in ctx.targets() {
        for key in ["URLs", "Hosts"] {
            let mut own: Vec<String> = Vec::new();
            for (i, entry) in p.strings(key).into_iter().enumerate() {
                let norm = entry.trim_end_matches('/').to_ascii_lowercase();
                if own.contains(&norm) {
                    continue;
                }
                let tagged = format!("{key}:{norm}");
                match seen.iter().find(|(k, _)| *k == tagged) {
                    Some((_, first)) => sink.emit(
                        p.path(&format!("{key}[{i}]")),
                        format!("`{entry}` is also listed by {first}; Apple requires each to be unique across Extensible SSO payloads"),
                    ),
                    None => seen.push((tagged, p.path(key))),
                }
                own.push(norm);
            }
        }
    }
}

fn type_keys(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        // Microsoft's payloads: `sso.type` and `sso.urls.commercial` say what they need.
        if p.is_microsoft() {
            continue;
        }
        let (key, needed) = match p.string("Type") {
            Some("Redirect") => ("URLs", "Redirect"),
            // Apple's Kerberos schema makes `Hosts` optional for its extension.
            Some("Credential") if p.kind != PayloadKind::Kerberos => ("Hosts", "Credential"),
            _ => continue,
        };
        let empty = match p.get(key) {
            None => true,
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false, // schema.type reports another type
        };
        if empty {
            sink.emit(
                p.path(key),
                format!("is missing or empty; Apple requires it for {needed} payloads, so the extension handles no request"),
            );
        }
    }
}

fn hosts_wildcard(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (i, host) in p.strings("Hosts").into_iter().enumerate() {
            if let Some(rest) = host.strip_prefix("*.") {
                sink.emit_fix(
                    p.path(&format!("Hosts[{i}]")),
                    format!("is `{host}`: Apple's wildcard is a leading `.`, so this entry must match a host literally named `{host}` and matches none"),
                    format!("write `.{rest}` (and `{rest}` for the domain itself)"),
                );
            } else if host.contains('*') {
                sink.emit(
                    p.path(&format!("Hosts[{i}]")),
                    format!("is `{host}`: Apple matches host names exactly or by a leading `.`, never by `*`"),
                );
            }
        }
    }
}

fn expected_kind(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.expect != Expect::SsoExtension {
        return;
    }
    for p in ctx
        .targets()
        .filter(|p| p.kind == PayloadKind::MicrosoftPlatformSso)
    {
        let key = ["PlatformSSO", "AuthenticationMethod", "RegistrationToken"]
            .into_iter()
            .find(|k| p.get(k).is_some())
            .unwrap_or("PlatformSSO");
        sink.emit(
            p.path(key),
            "configures Platform SSO, but the Microsoft SSO extension without Platform SSO is expected",
        );
    }
}

fn redirect_ignores(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets().filter(|p| p.string("Type") == Some(SSO_TYPE)) {
        for key in ["Hosts", "Realm"] {
            if p.get(key).is_some() {
                sink.emit(
                    p.path(key),
                    "is ignored in a Redirect payload; Apple uses it for Credential payloads only",
                );
            }
        }
    }
}

fn registration_token_absent(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let state = match p.get("RegistrationToken") {
            None => "is not set",
            // An MDM variable filled with nothing: as good as none.
            Some(plist::Value::String(s)) if s.trim().is_empty() => "is empty",
            Some(_) => continue,
        };
        sink.emit(
            p.path("RegistrationToken"),
            format!("{state}; Intune uses `{DEVICE_REGISTRATION_PLACEHOLDER}` for silent registration, other MDMs document their own value"),
        );
    }
}

fn fix_extension_identifier(fixer: &mut Fixer<'_>) {
    if let Some(mut p) = fixer.payload() {
        p.set_string(
            RuleId::SsoExtensionIdentifier,
            "ExtensionIdentifier",
            EXTENSION_IDENTIFIER,
            "macOS hands the payload to the Microsoft Enterprise SSO plug-in in Company Portal; before, it configured no extension",
        );
    }
}

fn fix_team_identifier(fixer: &mut Fixer<'_>) {
    if let Some(mut p) = fixer.payload() {
        p.set_string(
            RuleId::SsoTeamIdentifier,
            "TeamIdentifier",
            TEAM_IDENTIFIER,
            "macOS accepts the plug-in as Microsoft's; with another team it does not load it",
        );
    }
}

fn fix_sso_type(fixer: &mut Fixer<'_>) {
    if let Some(mut p) = fixer.payload() {
        p.set_string(
            RuleId::SsoType,
            "Type",
            SSO_TYPE,
            "the plug-in receives the sign-in requests to its URLs, as a redirect extension does",
        );
    }
}

fn fix_screen_locked_behavior(fixer: &mut Fixer<'_>) {
    if let Some(mut p) = fixer.payload() {
        p.set_string(
            RuleId::SsoScreenLockedBehavior,
            "ScreenLockedBehavior",
            SCREEN_LOCKED_BEHAVIOR,
            "sign-ins requested while the screen is locked go on without SSO instead of being cancelled",
        );
    }
}

/// Adds the three commercial URLs `URLs` lacks, in Microsoft's order; `URLs`
/// becomes an array first (a lone string becomes its first item). Sovereign-cloud
/// URLs are never added: which clouds a tenant uses is the admin's choice.
fn fix_commercial_urls(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    let path = p.path("URLs");
    let entry = p
        .dict
        .entry("URLs".to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !matches!(entry, Value::Array(_)) {
        let old = std::mem::replace(entry, Value::Array(Vec::new()));
        if let (Value::String(s), Value::Array(items)) = (old, &mut *entry) {
            items.push(Value::String(s));
        }
    }
    let Value::Array(items) = entry else { return };
    for url in URLS.iter().filter(|u| u.cloud == Cloud::Commercial) {
        let present = items
            .iter()
            .filter_map(Value::as_string)
            .any(|u| u.trim_end_matches('/').eq_ignore_ascii_case(url.url));
        if !present {
            items.push(url.url.into());
            p.notes.note(
                RuleId::SsoUrlsCommercial,
                path.clone(),
                format!("added `{}`", url.url),
                "sign-ins through this commercial URL reach the plug-in",
            );
        }
    }
}

/// The method Apple spells like `text` ignoring case.
fn canonical_method(text: &str) -> Option<&'static str> {
    METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(text))
}

/// The top-level (macOS 13) authentication method, when it is a string.
fn legacy_method(p: &Payload<'_>) -> Option<String> {
    p.dict
        .get("AuthenticationMethod")
        .and_then(Value::as_string)
        .map(str::to_string)
}

/// Sets `PlatformSSO.AuthenticationMethod`: kept when it names a method (in
/// Apple's spelling), else taken from the top-level key, else Microsoft's
/// recommendation `UserSecureEnclaveKey`. Only in a payload that configures
/// Platform SSO already: a repair never turns it on.
fn fix_auth_method(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    let legacy = legacy_method(&p);
    let path = p.path("PlatformSSO.AuthenticationMethod");
    let Some(platform) = platform_sso(p.dict) else {
        return;
    };
    let current = platform
        .get("AuthenticationMethod")
        .and_then(Value::as_string)
        .map(str::to_string);
    let method = match current.as_deref().and_then(canonical_method) {
        Some(m) => m,
        None => {
            let chosen = legacy
                .as_deref()
                .and_then(canonical_method)
                .unwrap_or("UserSecureEnclaveKey");
            platform.insert("AuthenticationMethod".into(), chosen.into());
            let (why, effect) = if legacy.is_some() {
                (
                    "from the top-level key",
                    "Macs on macOS 14 and later, which read only this key, use Platform SSO with the method macOS 13 uses",
                )
            } else {
                (
                    "Microsoft's recommendation",
                    "Platform SSO registers on macOS 14 and later; users sign in with a Secure Enclave key",
                )
            };
            p.notes.note(
                RuleId::SsoAuthMethod,
                path.clone(),
                format!("set to `{chosen}` ({why})"),
                effect,
            );
            chosen
        }
    };
    if current.as_deref().is_some_and(|c| c != method) {
        platform.insert("AuthenticationMethod".into(), method.into());
        p.notes.note(
            RuleId::SchemaValue,
            path,
            format!("written as Apple spells it: `{method}`"),
            "macOS reads the method, which it did not understand misspelt",
        );
    }
}

/// The method of `PlatformSSO`, as [`fix_auth_method`] left it.
pub(super) fn platform_method(p: &mut Payload<'_>) -> Option<String> {
    p.platform()?
        .get("AuthenticationMethod")
        .and_then(Value::as_string)
        .map(str::to_string)
}

/// Sets the top-level key macOS 13 reads to the method of `PlatformSSO`, which
/// macOS 13 has unless it is `SmartCard`.
fn fix_auth_method_macos13(fixer: &mut Fixer<'_>) {
    let Some(mut p) = fixer.payload() else { return };
    let Some(method) = platform_method(&mut p) else {
        return;
    };
    if method != "SmartCard" && legacy_method(&p).as_deref() != Some(method.as_str()) {
        let path = p.path("AuthenticationMethod");
        p.dict
            .insert("AuthenticationMethod".into(), method.as_str().into());
        p.notes.note(
            RuleId::SsoAuthMethodMacos13,
            path,
            format!("set to `{method}` for macOS 13, the same as PlatformSSO"),
            "Macs on macOS 13 configure Platform SSO with the same method as later releases",
        );
    }
}

fn fix_use_shared_device_keys(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    let path = p.path("PlatformSSO.UseSharedDeviceKeys");
    let Some(platform) = platform_sso(p.dict) else {
        return;
    };
    if platform
        .get("UseSharedDeviceKeys")
        .and_then(Value::as_boolean)
        != Some(true)
    {
        platform.insert("UseSharedDeviceKeys".into(), Value::Boolean(true));
        p.notes.note(
            RuleId::SsoUseSharedDeviceKeys,
            path,
            "set to true",
            "every user of a Mac shares one signing and encryption key, as Microsoft requires; on Macs already registered, every user registers again",
        );
    }
}
