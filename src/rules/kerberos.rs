//! Rules on Apple's Kerberos SSO extension payloads: its own schema
//! (`com.apple.extensiblesso(kerberos).yaml`, from the Kerberos catalog) and
//! Microsoft's guidance for Kerberos with Platform SSO (microsoft-psso.md S10).
//! Microsoft's Platform SSO table never applies to them.

use plist::Value;

use super::placement::normalize;
use super::{Applies, Context, PayloadKind, Rule, RuleId, RuleSource, Severity, Sink, describe};
use crate::catalog::apple::Kind;
use crate::catalog::kerberos::{self, ENTRA_CLOUD_HOSTS, ENTRA_CLOUD_REALM, PINNED};
use crate::model::MacOsRange;

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::KerberosSchema,
        severity: Severity::Error,
        summary: "A Kerberos extension payload has the values Apple's Kerberos schema pins (`TeamIdentifier` `apple`, `Type` `Credential`), a `Realm`, and `ExtensionData` values of the schema's types.",
        rationale: "Apple's Kerberos schema requires these keys with exactly these values; the built-in extension does not load, or ignores a setting, otherwise.",
        source: RuleSource::AppleSchema,
        applies: Applies::Kerberos,
        macos: MacOsRange::ALL,
        fix: "set the value Apple's Kerberos schema gives",
        check: schema,
        repair: None,
    },
    Rule {
        id: RuleId::KerberosExtensionData,
        severity: Severity::Warning,
        summary: "The `ExtensionData` of a Kerberos extension payload holds only keys Apple's Kerberos schema defines, none of them deprecated.",
        rationale: "The Kerberos extension ignores keys it does not know (usually a typo) and the keys Apple deprecated.",
        source: RuleSource::AppleSchema,
        applies: Applies::Kerberos,
        macos: MacOsRange::ALL,
        fix: "remove the key, or correct its spelling",
        check: extension_data,
        repair: None,
    },
    Rule {
        id: RuleId::KerberosPasswordSync,
        severity: Severity::Warning,
        summary: "`syncLocalPassword` is not turned on together with `performKerberosOnly`.",
        rationale: "Apple: with `performKerberosOnly` the extension does not perform password sync, so the two settings contradict each other; Microsoft's current Kerberos profiles set `syncLocalPassword` false.",
        source: RuleSource::AppleSchema,
        applies: Applies::Kerberos,
        macos: MacOsRange::ALL,
        fix: "set syncLocalPassword to false (Platform SSO keeps the password in sync), or turn off performKerberosOnly",
        check: password_sync,
        repair: None,
    },
    Rule {
        id: RuleId::KerberosPlatformSsoTgt,
        severity: Severity::Warning,
        summary: "A Kerberos payload for Microsoft Entra ID's cloud realm (`KERBEROS.MICROSOFTONLINE.COM`) sets `usePlatformSSOTGT` true.",
        rationale: "Microsoft: the cloud Kerberos ticket-granting ticket comes from Platform SSO; without `usePlatformSSOTGT` the extension asks for a password against a realm that has no reachable KDC.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Kerberos,
        macos: MacOsRange::ALL,
        fix: "set <key>usePlatformSSOTGT</key><true/> in ExtensionData",
        check: platform_sso_tgt,
        repair: None,
    },
    Rule {
        id: RuleId::KerberosSeparateRealms,
        severity: Severity::Info,
        summary: "Microsoft's cloud realm and on-premises hosts are configured in separate Kerberos payloads.",
        rationale: "Microsoft: \"configure separate Kerberos SSO MDM profiles if you plan to use both\" the on-premises realm and the Entra ID cloud realm; one payload cannot serve both realms.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Kerberos,
        macos: MacOsRange::ALL,
        fix: "split the payload: one for the on-premises realm and its hosts, one for KERBEROS.MICROSOFTONLINE.COM with windows.net and .windows.net",
        check: separate_realms,
        repair: None,
    },
    Rule {
        id: RuleId::KerberosExtensionIdentifier,
        severity: Severity::Info,
        summary: "An `ExtensionIdentifier` in Apple's namespace names Apple's Kerberos extension.",
        rationale: "Apple's only built-in Extensible SSO extension is `com.apple.AppSSOKerberos.KerberosExtension` (team `apple`); another `com.apple.` identifier, or the team `apple`, is a placeholder that configures no extension.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::ALL,
        fix: "set <key>ExtensionIdentifier</key><string>com.apple.AppSSOKerberos.KerberosExtension</string> and <key>TeamIdentifier</key><string>apple</string>, or the identifiers of the extension meant",
        check: extension_identifier,
        repair: None,
    },
];

fn schema(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        for (key, value) in PINNED {
            match p.get(key) {
                Some(Value::String(s)) if s == value => {}
                // `schema.required` reports the keys every Extensible SSO payload needs.
                None if *key != "TeamIdentifier" => {}
                None => sink.emit(
                    p.path(key),
                    format!("is missing; Apple's Kerberos schema requires `{value}`"),
                ),
                Some(other) => sink.emit(
                    p.path(key),
                    format!(
                        "is {}; Apple's Kerberos schema requires `{value}`",
                        describe(other)
                    ),
                ),
            }
        }
        if p.get("Realm").is_none() {
            sink.emit(
                p.path("Realm"),
                "is missing; Apple's Kerberos schema requires the realm (in capitals, as Active Directory writes it)",
            );
        }
        let Some(data) = p.get("ExtensionData").and_then(Value::as_dictionary) else {
            continue;
        };
        for (name, value) in data {
            let Some(key) = kerberos::lookup(name) else {
                continue;
            };
            let path = || p.path(&format!("ExtensionData.{name}"));
            let Some(kind) = Kind::of(value).filter(|k| key.kind.accepts(*k)) else {
                sink.emit(
                    path(),
                    format!(
                        "is {}; the Kerberos extension reads {}",
                        describe(value),
                        key.kind
                    ),
                );
                continue;
            };
            if let (Some(text), false) = (value.as_string(), key.allowed.is_empty())
                && !key.allowed.contains(&text)
            {
                let choices = key
                    .allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>();
                sink.emit(
                    path(),
                    format!("is `{text}`; Apple allows {}", choices.join(", ")),
                );
            }
            if let (Kind::Array, Some(item), Value::Array(items)) = (kind, key.item, value) {
                for (i, v) in items.iter().enumerate() {
                    if Kind::of(v).is_none_or(|k| !item.accepts(k)) {
                        sink.emit(
                            format!("{}[{i}]", path()),
                            format!("is {}; each item of `{name}` is {item}", describe(v)),
                        );
                    }
                }
            }
        }
    }
}

fn extension_data(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let Some(data) = p.get("ExtensionData").and_then(Value::as_dictionary) else {
            continue;
        };
        for name in data.keys() {
            let path = p.path(&format!("ExtensionData.{name}"));
            match kerberos::lookup(name) {
                Some(key) => {
                    if let Some(since) = key.deprecated {
                        sink.emit_fix(
                            path,
                            format!("is deprecated since macOS {since:#}; the Kerberos extension ignores it"),
                            "remove the key",
                        );
                    }
                }
                None => {
                    let wanted = normalize(name);
                    match kerberos::EXTENSION_DATA
                        .iter()
                        .find(|k| normalize(k.key) == wanted)
                    {
                        Some(k) => sink.emit_fix(
                            path,
                            format!("is not a key of the Kerberos extension; did you mean `{}`?", k.key),
                            format!("rename it to `{}`", k.key),
                        ),
                        None => sink.emit(
                            path,
                            "is not a key Apple's Kerberos schema defines; the extension ignores it",
                        ),
                    }
                }
            }
        }
    }
}

fn password_sync(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.boolean("ExtensionData.syncLocalPassword") == Some(true)
            && p.boolean("ExtensionData.performKerberosOnly") == Some(true)
        {
            sink.emit(
                p.path("ExtensionData.syncLocalPassword"),
                "is true, but performKerberosOnly is true too, and then the extension does not perform password sync",
            );
        }
    }
}

fn is_cloud_realm(realm: &str) -> bool {
    realm.eq_ignore_ascii_case(ENTRA_CLOUD_REALM)
}

fn platform_sso_tgt(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if p.string("Realm").is_some_and(is_cloud_realm)
            && p.boolean("ExtensionData.usePlatformSSOTGT") != Some(true)
        {
            sink.emit(
                p.path("ExtensionData.usePlatformSSOTGT"),
                format!("is not true, but the realm is `{ENTRA_CLOUD_REALM}`, whose tickets come from Platform SSO"),
            );
        }
    }
}

/// Whether a `Hosts` entry belongs to Microsoft Entra ID's cloud realm.
fn is_cloud_host(host: &str) -> bool {
    let host = host
        .trim_start_matches('*')
        .trim_start_matches('.')
        .to_ascii_lowercase();
    ENTRA_CLOUD_HOSTS
        .iter()
        .any(|h| h.trim_start_matches('.') == host)
        || host == "microsoftonline.com"
        || host.ends_with(".microsoftonline.com")
        || host.ends_with(".windows.net")
}

fn separate_realms(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let Some(realm) = p.string("Realm") else {
            continue;
        };
        let hosts = p.strings("Hosts");
        let cloud = is_cloud_realm(realm);
        let others: Vec<&str> = hosts
            .iter()
            .copied()
            .filter(|h| is_cloud_host(h) != cloud)
            .collect();
        if others.is_empty() {
            continue;
        }
        let listed = others
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if cloud {
            format!(
                "is Microsoft Entra ID's cloud realm, but Hosts also lists {listed}, hosts of an on-premises realm; Microsoft says to configure a separate Kerberos profile for each"
            )
        } else {
            format!(
                "is an on-premises realm, but Hosts also lists {listed}, hosts of Microsoft Entra ID's cloud realm; Microsoft says to configure a separate Kerberos profile for each"
            )
        };
        sink.emit(p.path("Realm"), message);
    }
}

fn extension_identifier(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets().filter(|p| p.kind == PayloadKind::OtherSso) {
        let id = p.string("ExtensionIdentifier");
        let apple_id = id.is_some_and(|id| id.to_ascii_lowercase().starts_with("com.apple."));
        let apple_team = p.string("TeamIdentifier") == Some(kerberos::TEAM_IDENTIFIER);
        if apple_id || apple_team {
            sink.emit(
                p.path("ExtensionIdentifier"),
                format!(
                    "is `{}`{}; Apple's only built-in Extensible SSO extension is `{}` (team `{}`), so this payload configures no extension",
                    id.unwrap_or_default(),
                    if apple_team { " with the team `apple`" } else { "" },
                    kerberos::EXTENSION_IDENTIFIER,
                    kerberos::TEAM_IDENTIFIER,
                ),
            );
        }
    }
}
