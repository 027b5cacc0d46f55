//! What a profile does, at a glance: its identity, payloads, the Platform SSO
//! settings in plain words, the macOS versions its keys need, who signed it,
//! and a count of the linter's findings. [`inspect`] builds an [`Inspection`];
//! `psso-profile inspect` prints it for people or as JSON.
//!
//! Secrets are redacted ([`REDACTED`]) unless [`Options::show_secrets`]: the
//! `RegistrationToken`, and any string or data whose key names a token, a
//! secret, a password, a passphrase or a passcode. The value is never shown, an
//! MDM placeholder such as `{{DEVICEREGISTRATION}}` included; the plain-words
//! summary says whether the token is a placeholder the MDM fills per device.

mod declaration;

use std::path::Path;

pub use declaration::DeclarationSummary;
use plist::{Dictionary, Value};
use serde::Serialize;

use crate::catalog::apple::{self, Scope};
use crate::catalog::extension_data;
use crate::catalog::kerberos;
use crate::catalog::microsoft::{self, Cloud};
use crate::catalog::reregistration::{Change, Place, TRIGGERS};
use crate::codec::{Decoded, InputFormat, to_json_value};
use crate::lint;
use crate::model::MacOs;
use crate::rules::{Context, Expect, PayloadKind, Severity, SsoPayload, TargetReason};
use crate::sign::{SignerDetails, VerifyOptions};

/// What a redacted secret is shown as.
pub const REDACTED: &str = "<redacted>";

/// How to inspect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Show secrets instead of [`REDACTED`].
    pub show_secrets: bool,
    /// The fleet's oldest macOS; by default read from the profile as `validate`
    /// reads it ([`crate::rules::infer_target`]): 13 when the profile carries the
    /// top-level `AuthenticationMethod` only macOS 13 reads, else 14.
    pub min_macos: Option<MacOs>,
    /// What the Microsoft SSO payloads are meant to configure (for the findings).
    pub expect: Expect,
}

/// Everything `inspect` says about a profile. Serialized as the JSON of
/// `psso-profile inspect --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The file as given.
    pub file: String,
    /// The profile's own encoding: `XML` or `binary`; `JSON` for a declaration.
    pub encoding: &'static str,
    /// Whether it came wrapped in a CMS signature.
    pub signed: bool,
    /// The declaration's type, identifier and token, when a declaration was read.
    pub declaration: Option<DeclarationSummary>,
    /// The profile's identity (a declaration's `Identifier` only).
    pub identity: Identity,
    /// Every payload of `PayloadContent`.
    pub payloads: Vec<PayloadSummary>,
    /// The Extensible SSO payloads, read as Platform SSO settings.
    pub sso: Vec<SsoSettings>,
    /// The macOS versions the keys need.
    pub macos: MacOsCoverage,
    /// The signature, when the profile is signed.
    pub signature: Option<SignatureSummary>,
    /// The number of findings of `validate`'s rules.
    pub lint: LintSummary,
    /// The findings themselves (not in the JSON: `validate` prints them).
    #[serde(skip)]
    pub findings: crate::rules::Report,
}

/// The outer profile's identity.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
    /// `PayloadOrganization`.
    pub organization: Option<String>,
    /// `PayloadScope` (absent means `System` on macOS for an MDM profile).
    pub scope: Option<String>,
    /// `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// `PayloadDescription`.
    pub description: Option<String>,
}

/// One payload of `PayloadContent`.
#[derive(Debug, Clone, Serialize)]
pub struct PayloadSummary {
    /// Index in `PayloadContent`.
    pub index: usize,
    /// `PayloadType`.
    pub payload_type: Option<String>,
    /// `PayloadIdentifier`.
    pub identifier: Option<String>,
    /// `PayloadUUID`.
    pub uuid: Option<String>,
}

/// One sign-in URL of `URLs`, with the Microsoft cloud it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct UrlEntry {
    /// The URL as written.
    pub url: String,
    /// The cloud; `null` for a URL Microsoft does not list.
    pub cloud: Option<Cloud>,
}

/// `PlatformSSO.TokenToUserMapping`.
#[derive(Debug, Clone, Serialize)]
pub struct TokenMapping {
    /// The claim for the account name.
    pub account_name: Option<String>,
    /// The claim for the full name.
    pub full_name: Option<String>,
}

/// The FileVault, login and unlock policies (macOS 15+).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Policies {
    /// `PlatformSSO.FileVaultPolicy`.
    pub filevault: Vec<String>,
    /// `PlatformSSO.LoginPolicy`.
    pub login: Vec<String>,
    /// `PlatformSSO.UnlockPolicy`.
    pub unlock: Vec<String>,
}

/// One `ExtensionData` entry.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionEntry {
    /// The key.
    pub key: String,
    /// The value (redacted when secret).
    pub value: serde_json::Value,
    /// What the plug-in does with it; `null` for a key Microsoft does not document.
    pub summary: Option<&'static str>,
}

/// The Platform SSO settings of one Extensible SSO payload.
#[derive(Debug, Clone, Serialize)]
pub struct SsoSettings {
    /// Index in `PayloadContent`.
    pub index: usize,
    /// What the payload is, as `validate` classifies it.
    pub kind: PayloadKind,
    /// Whether it is the Microsoft Enterprise SSO plug-in.
    pub microsoft: bool,
    /// `ExtensionIdentifier`.
    pub extension_identifier: Option<String>,
    /// `TeamIdentifier`.
    pub team_identifier: Option<String>,
    /// `Type`.
    pub sso_type: Option<String>,
    /// `PlatformSSO.AuthenticationMethod` (macOS 14+).
    pub authentication_method: Option<String>,
    /// The deprecated top-level `AuthenticationMethod` (macOS 13).
    pub legacy_authentication_method: Option<String>,
    /// `PlatformSSO.UseSharedDeviceKeys` (absent: Apple's default, false).
    pub use_shared_device_keys: Option<bool>,
    /// `RegistrationToken`: [`REDACTED`] unless secrets are shown.
    pub registration_token: Option<String>,
    /// Whether the registration token is an MDM placeholder (for the summary; the
    /// JSON leaves it out, so nothing of a redacted token shows there).
    #[serde(skip)]
    pub registration_token_is_placeholder: bool,
    /// `ScreenLockedBehavior` (absent: Apple's default, `Cancel`).
    pub screen_locked_behavior: Option<String>,
    /// `URLs`, each with its cloud.
    pub urls: Vec<UrlEntry>,
    /// `PlatformSSO.AccountDisplayName`.
    pub account_display_name: Option<String>,
    /// `PlatformSSO.TokenToUserMapping`.
    pub token_to_user_mapping: Option<TokenMapping>,
    /// The policies.
    pub policies: Policies,
    /// The other `PlatformSSO` keys, as JSON (secrets redacted).
    pub other_platform_sso: serde_json::Map<String, serde_json::Value>,
    /// `ExtensionData`.
    pub extension_data: Vec<ExtensionEntry>,
    /// The settings of the payload whose later change makes every user register
    /// Platform SSO again (Microsoft's list, as `diff` and `validate --fix` use it).
    pub reregistration: Vec<String>,
    /// The settings in plain words, one sentence each.
    pub plain: Vec<String>,
}

/// A key and the macOS version that introduced or deprecated it.
#[derive(Debug, Clone, Serialize)]
pub struct KeyVersion {
    /// The key path in the profile.
    pub path: String,
    /// The version.
    #[serde(serialize_with = "MacOs::serialize_full")]
    pub macos: MacOs,
}

/// The macOS versions the profile's keys need.
#[derive(Debug, Clone, Serialize)]
pub struct MacOsCoverage {
    /// The oldest macOS that reads every key and has every value present.
    #[serde(serialize_with = "MacOs::serialize_full")]
    pub oldest: MacOs,
    /// The fleet's oldest macOS the profile was checked for.
    pub target: MacOs,
    /// Why, when it was read from the profile (`null` when given).
    pub target_reason: Option<&'static str>,
    /// Keys, then values (`OpenID`...), that need a newer macOS than `target`
    /// (older Macs ignore the keys and lack the values).
    pub newer_than_target: Vec<KeyVersion>,
    /// Keys Apple deprecated, with the version that deprecated them.
    pub deprecated: Vec<KeyVersion>,
}

/// The signature of a signed profile.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureSummary {
    /// No problem at error level (the chain to a CA is not checked here).
    pub valid: bool,
    /// The signer certificate, when found.
    pub signer: Option<SignerDetails>,
    /// The signed signing time.
    pub signing_time: Option<String>,
    /// What is wrong, errors and warnings.
    pub problems: Vec<String>,
}

/// The number of findings `validate` would report.
#[derive(Debug, Clone, Serialize)]
pub struct LintSummary {
    /// Findings at error level.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes (info level).
    pub notes: usize,
}

/// Reads `path` (`-` for standard input), a profile or a declaration, and
/// [`inspect`]s it.
///
/// # Errors
///
/// Those of [`crate::lint::read_file`].
pub fn inspect_file(path: &Path, options: &Options) -> crate::Result<Inspection> {
    let decoded = crate::lint::read_file(path)?;
    Ok(inspect(decoded, &path.display().to_string(), options))
}

/// Describes a decoded profile or declaration; `file` names it in the result.
pub fn inspect(decoded: Decoded, file: &str, options: &Options) -> Inspection {
    if decoded.format == InputFormat::Json {
        return declaration::inspect(decoded, file, options);
    }
    let check = lint::options_for(&decoded, options.min_macos, options.expect, false);
    let min_macos = check.target.min_macos;
    let linted = lint::lint_with(decoded, &check, &VerifyOptions::new());
    let value = &linted.decoded.value;
    let context = Context::new(value, &check);
    let root = context.root;
    let text = |key: &str| {
        root.and_then(|r| r.get(key))
            .and_then(Value::as_string)
            .map(str::to_string)
    };
    let identity = Identity {
        identifier: text("PayloadIdentifier"),
        uuid: text("PayloadUUID"),
        organization: text("PayloadOrganization"),
        scope: text("PayloadScope"),
        display_name: text("PayloadDisplayName"),
        description: text("PayloadDescription"),
    };
    let payloads = context
        .payloads
        .iter()
        .map(|p| PayloadSummary {
            index: p.index,
            payload_type: p.string("PayloadType").map(str::to_string),
            identifier: p.string("PayloadIdentifier").map(str::to_string),
            uuid: p.string("PayloadUUID").map(str::to_string),
        })
        .collect();
    let sso = context
        .extensible_sso()
        .map(|p| sso_settings(p, options.show_secrets))
        .collect();
    let signature = linted.verification.as_ref().map(|v| SignatureSummary {
        valid: v.is_valid(),
        signer: v.signer.clone(),
        signing_time: v.signing_time.clone(),
        problems: v.problems.iter().map(|p| p.message.clone()).collect(),
    });
    let report = &linted.report;
    Inspection {
        file: file.to_string(),
        encoding: match linted.decoded.content_format {
            InputFormat::Binary => "binary",
            _ => "XML",
        },
        signed: linted.decoded.signed.is_some(),
        declaration: None,
        identity,
        payloads,
        sso,
        macos: MacOsCoverage {
            target_reason: check.source.reason().map(TargetReason::describe),
            ..macos_range(&context, min_macos)
        },
        signature,
        lint: LintSummary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Info),
        },
        findings: linted.report.clone(),
    }
}

/// Whether a key's name says its value is a secret.
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    (lower.contains("token") && lower != "tokentousermapping" && lower != "servertoken")
        || ["secret", "password", "passphrase", "passcode", "privatekey"]
            .iter()
            .any(|w| lower.contains(w))
}

/// Every string held by a secret key of `value` ([`is_secret_key`]), at any
/// depth: a secret's own string, or the strings of a dictionary or array a
/// secret key holds (a `RegistrationToken` written as a dictionary), longest
/// first. Blank strings are left out: there is nothing to hide in them.
pub fn secret_strings(value: &Value) -> Vec<&str> {
    fn all<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::String(s) if !s.trim().is_empty() => out.push(s),
            Value::Dictionary(d) => d.values().for_each(|v| all(v, out)),
            Value::Array(items) => items.iter().for_each(|v| all(v, out)),
            _ => {}
        }
    }
    fn walk<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Dictionary(d) => {
                for (k, v) in d {
                    if is_secret_key(k) {
                        all(v, out);
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    // Longest first, so that a secret holding another is replaced whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// `text` with `secret` replaced by [`REDACTED`]: wherever it is quoted in
/// backticks (`` `secret` `` becomes `<redacted>`, as messages quote values),
/// and anywhere for a secret of six characters or more.
pub fn redact(text: &str, secret: &str) -> String {
    let quoted = format!("`{secret}`");
    let mut out = text.replace(&quoted, REDACTED);
    if secret.chars().count() >= 6 {
        out = out.replace(secret, REDACTED);
    }
    out
}

/// Redacts the secrets of `profile` ([`secret_strings`]) from the messages and
/// fix hints of `findings` ([`redact`]): a finding never quotes a registration
/// token or a password, wherever the rule found it. A secret that is exactly an
/// MDM placeholder (`{{DEVICEREGISTRATION}}`) is the MDM's name for one, which
/// the advice of other findings quotes too: it is not redacted here (`inspect`
/// and `diff` show it as [`REDACTED`] all the same).
pub fn redact_findings(profile: &Value, findings: &mut [crate::rules::Finding]) {
    if findings.is_empty() {
        return;
    }
    let mut secrets = secret_strings(profile);
    secrets.retain(|s| !is_placeholder(s));
    for finding in findings {
        for secret in &secrets {
            if finding.message.contains(secret) {
                finding.message = redact(&finding.message, secret);
            }
            if finding.fix.contains(secret) {
                finding.fix = redact(&finding.fix, secret);
            }
        }
    }
}

/// Whether `text` is exactly one MDM placeholder, such as `{{DEVICEREGISTRATION}}`.
pub fn is_placeholder(text: &str) -> bool {
    crate::sign::create::scan_placeholders(text) == [text]
}

/// The JSON of `value` at `key` (mapped as [`crate::codec::to_json`] does),
/// with secrets redacted as [`REDACTED`] unless `show`.
///
/// Whatever a secret key holds is redacted whole (a dictionary or an array
/// included), except a boolean (`HasRemovalPasscode`) and a blank string, which
/// say nothing secret.
pub fn shown(key: &str, value: &Value, show: bool) -> serde_json::Value {
    match value {
        Value::Boolean(_) => to_json_value(value),
        Value::String(s) if s.trim().is_empty() => to_json_value(value),
        _ if !show && is_secret_key(key) => REDACTED.into(),
        Value::Dictionary(d) => serde_json::Value::Object(
            d.iter()
                .map(|(k, v)| (k.clone(), shown(k, v, show)))
                .collect(),
        ),
        Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(|v| shown(key, v, show)).collect())
        }
        other => to_json_value(other),
    }
}

fn strings(p: &SsoPayload<'_>, key: &str) -> Vec<String> {
    p.strings(key).into_iter().map(str::to_string).collect()
}

fn sso_settings(p: &SsoPayload<'_>, show: bool) -> SsoSettings {
    let owned = |key: &str| p.string(key).map(str::to_string);
    let registration_token =
        p.get("RegistrationToken")
            .map(|v| match shown("RegistrationToken", v, show) {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
    let urls = p
        .strings("URLs")
        .into_iter()
        .map(|url| UrlEntry {
            url: url.to_string(),
            cloud: microsoft::URLS
                .iter()
                .find(|u| u.url.eq_ignore_ascii_case(url.trim_end_matches('/')))
                .map(|u| u.cloud),
        })
        .collect();
    let token_to_user_mapping = p
        .get("PlatformSSO.TokenToUserMapping")
        .and_then(Value::as_dictionary)
        .map(|d| TokenMapping {
            account_name: d
                .get("AccountName")
                .and_then(Value::as_string)
                .map(str::to_string),
            full_name: d
                .get("FullName")
                .and_then(Value::as_string)
                .map(str::to_string),
        });
    const SHOWN: &[&str] = &[
        "AuthenticationMethod",
        "UseSharedDeviceKeys",
        "AccountDisplayName",
        "TokenToUserMapping",
        "FileVaultPolicy",
        "LoginPolicy",
        "UnlockPolicy",
    ];
    let other_platform_sso = p
        .get("PlatformSSO")
        .and_then(Value::as_dictionary)
        .map(|d| {
            d.iter()
                .filter(|(k, _)| !SHOWN.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), shown(k, v, show)))
                .collect()
        })
        .unwrap_or_default();
    let extension_data = p
        .get("ExtensionData")
        .and_then(Value::as_dictionary)
        .map(|d| {
            d.iter()
                .map(|(k, v)| ExtensionEntry {
                    key: k.clone(),
                    value: shown(k, v, show),
                    summary: extension_data::lookup(k).map(|e| e.summary),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut settings = SsoSettings {
        index: p.index,
        kind: p.kind,
        microsoft: p.is_microsoft(),
        extension_identifier: owned("ExtensionIdentifier"),
        team_identifier: owned("TeamIdentifier"),
        sso_type: owned("Type"),
        authentication_method: owned("PlatformSSO.AuthenticationMethod"),
        legacy_authentication_method: owned("AuthenticationMethod"),
        use_shared_device_keys: p.boolean("PlatformSSO.UseSharedDeviceKeys"),
        registration_token,
        registration_token_is_placeholder: p
            .string("RegistrationToken")
            .is_some_and(is_placeholder),
        screen_locked_behavior: owned("ScreenLockedBehavior"),
        urls,
        account_display_name: owned("PlatformSSO.AccountDisplayName"),
        token_to_user_mapping,
        policies: Policies {
            filevault: strings(p, "PlatformSSO.FileVaultPolicy"),
            login: strings(p, "PlatformSSO.LoginPolicy"),
            unlock: strings(p, "PlatformSSO.UnlockPolicy"),
        },
        other_platform_sso,
        extension_data,
        reregistration: reregistration_keys(p.kind),
        plain: Vec::new(),
    };
    settings.plain = plain_words(&settings, p);
    settings
}

/// The settings of a payload of `kind` whose later change makes every user
/// register again, from the catalog `diff` reads.
fn reregistration_keys(kind: PayloadKind) -> Vec<String> {
    match kind {
        PayloadKind::MicrosoftPlatformSso => TRIGGERS
            .iter()
            .filter(|t| t.place == Place::Payload && !t.key.is_empty() && t.key != "PlatformSSO")
            .map(|t| t.key.to_string())
            .fold(Vec::new(), |mut keys, k| {
                if !keys.contains(&k) {
                    keys.push(k);
                }
                keys
            }),
        PayloadKind::MicrosoftSsoExtension => TRIGGERS
            .iter()
            .filter(|t| t.key == "PlatformSSO" && t.change == Change::Added)
            .map(|t| t.key.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn method_words(method: &str, microsoft: bool) -> String {
    match (method, microsoft) {
        ("UserSecureEnclaveKey", true) => {
            "a Secure Enclave key (phishing-resistant, Microsoft's recommendation)".into()
        }
        ("UserSecureEnclaveKey", false) => "a Secure Enclave key (phishing-resistant)".into(),
        ("Password", true) => "their Entra ID password, synchronised to the local account".into(),
        ("Password", false) => {
            "their identity provider's password, synchronised to the local account".into()
        }
        ("SmartCard", _) => "a smart card".into(),
        ("OpenID", _) => "web login with OpenID (macOS 27+)".into(),
        (other, _) => format!("`{other}`, which is not a method Apple defines"),
    }
}

fn plain_words(s: &SsoSettings, p: &SsoPayload<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let microsoft = s.microsoft;
    let extension = s
        .extension_identifier
        .as_deref()
        .unwrap_or("(no ExtensionIdentifier)");
    let team = s.team_identifier.as_deref().unwrap_or("missing");
    let sso_type = s.sso_type.as_deref().unwrap_or("missing");
    out.push(match s.kind {
        PayloadKind::MicrosoftPlatformSso | PayloadKind::MicrosoftSsoExtension => format!(
            "Single sign-on through the Microsoft Enterprise SSO plug-in ({extension}, team {team}), type {sso_type}."
        ),
        PayloadKind::Kerberos => {
            let hosts = p.strings("Hosts");
            format!(
                "Apple's Kerberos SSO extension for the realm {}{}.",
                p.string("Realm").unwrap_or("(no Realm)"),
                if hosts.is_empty() {
                    String::new()
                } else {
                    format!(", hosts {}", hosts.join(", "))
                }
            )
        }
        _ => format!(
            "Another vendor's Extensible SSO payload, for `{extension}` (team {team}), type {sso_type}: only Apple's schema applies."
        ),
    });
    if s.kind == PayloadKind::Kerberos {
        if p.boolean("ExtensionData.usePlatformSSOTGT") == Some(true) {
            out.push("Kerberos tickets come from Platform SSO (usePlatformSSOTGT).".into());
        }
        if p.boolean("ExtensionData.performKerberosOnly") == Some(true) {
            out.push("The extension handles Kerberos requests only: no password expiry checks or password sync (performKerberosOnly).".into());
        }
        if p.string("ExtensionIdentifier") != Some(kerberos::EXTENSION_IDENTIFIER) {
            out.push("The extension identifier is not Apple's Kerberos extension.".into());
        }
        return out;
    }
    let platform = crate::rules::configures_platform_sso(p.dict);
    match (&s.authentication_method, &s.legacy_authentication_method) {
        (Some(m), legacy) => {
            out.push(format!("Platform SSO (macOS 14+): users sign in with {}.", method_words(m, microsoft)));
            if let Some(l) = legacy {
                out.push(format!("macOS 13 reads the deprecated top-level method: {}.", method_words(l, microsoft)));
            }
        }
        (None, Some(l)) => out.push(format!(
            "Platform SSO on macOS 13 only: users sign in with {}; macOS 14 and later need PlatformSSO.AuthenticationMethod.",
            method_words(l, microsoft)
        )),
        (None, None) if platform => out.push("Platform SSO has no authentication method: it does nothing.".into()),
        (None, None) if s.kind == PayloadKind::MicrosoftSsoExtension => out.push(
            "No Platform SSO: single sign-on for apps and browsers only (the Microsoft SSO extension, a supported deployment).".into(),
        ),
        (None, None) => out.push("No Platform SSO: single sign-on for apps and browsers only.".into()),
    }
    if platform {
        out.push(match (s.use_shared_device_keys, microsoft) {
            (Some(true), true) => "Shared device keys: on, one signing and encryption key for every user of the Mac (Microsoft requires it).".into(),
            (Some(true), false) => "Shared device keys: on, one signing and encryption key for every user of the Mac.".into(),
            (_, true) => format!(
                "Shared device keys: off{}; Microsoft requires them, and turning them on later makes every user register again.",
                if s.use_shared_device_keys.is_none() { " (absent)" } else { "" }
            ),
            (_, false) => format!(
                "Shared device keys: off{}.",
                if s.use_shared_device_keys.is_none() { " (absent, Apple's default)" } else { "" }
            ),
        });
        out.push(match s.registration_token.as_deref() {
            Some(t) if t.trim().is_empty() => {
                "Registration token: empty, so registration is not silent.".into()
            }
            Some(t) if is_placeholder(t) => {
                format!("Registration token: the MDM placeholder {t}, replaced per device by the MDM.")
            }
            Some(REDACTED) if s.registration_token_is_placeholder => {
                "Registration token: an MDM placeholder, replaced per device by the MDM (redacted; --show-secrets shows it).".into()
            }
            Some(REDACTED) => "Registration token: set (redacted; --show-secrets shows it).".into(),
            Some(t) => format!("Registration token: {t}."),
            None => "Registration token: none, so registration is not silent.".into(),
        });
    }
    if microsoft {
        let mut clouds: Vec<String> = Vec::new();
        for cloud in Cloud::ALL {
            let total = cloud.urls().count();
            let listed = s.urls.iter().filter(|u| u.cloud == Some(cloud)).count();
            if listed > 0 {
                clouds.push(format!("{cloud} ({listed} of {total})"));
            }
        }
        let others: Vec<&str> = s
            .urls
            .iter()
            .filter(|u| u.cloud.is_none())
            .map(|u| u.url.as_str())
            .collect();
        if !others.is_empty() {
            clouds.push(format!("not Microsoft's: {}", others.join(", ")));
        }
        out.push(if clouds.is_empty() {
            "Sign-in URLs: none.".into()
        } else {
            format!("Sign-in URLs: {}.", clouds.join("; "))
        });
    } else if !s.urls.is_empty() {
        let urls: Vec<&str> = s.urls.iter().map(|u| u.url.as_str()).collect();
        out.push(format!("Sign-in URLs: {}.", urls.join(", ")));
    }
    let requires = s.kind == PayloadKind::MicrosoftPlatformSso;
    out.push(match (s.screen_locked_behavior.as_deref(), requires) {
        (Some("DoNotHandle"), true) => "Screen locked: requests go on without SSO (DoNotHandle, as Microsoft requires).".into(),
        (Some("DoNotHandle"), false) => "Screen locked: requests go on without SSO (DoNotHandle).".into(),
        (Some("Cancel"), true) => "Screen locked: requests are cancelled (Cancel); Microsoft requires DoNotHandle.".into(),
        (Some("Cancel"), false) => "Screen locked: requests are cancelled (Cancel).".into(),
        (Some(other), _) => format!("Screen locked: `{other}`, which Apple does not define."),
        (None, true) => "Screen locked: absent, so Apple's default Cancel applies; Microsoft requires DoNotHandle.".into(),
        (None, false) => "Screen locked: absent, so Apple's default Cancel applies.".into(),
    });
    if let Some(m) = &s.token_to_user_mapping {
        out.push(format!(
            "Local account name from the token claim `{}`, full name from `{}`.",
            m.account_name.as_deref().unwrap_or("(unset)"),
            m.full_name.as_deref().unwrap_or("(unset)")
        ));
    }
    if let Some(name) = &s.account_display_name {
        out.push(format!("Notifications name the organisation \"{name}\"."));
    }
    for (label, list) in [
        ("FileVault unlock", &s.policies.filevault),
        ("Login window", &s.policies.login),
        ("Screen unlock", &s.policies.unlock),
    ] {
        if !list.is_empty() {
            out.push(format!("{label} policy: {}.", list.join(", ")));
        }
    }
    if !s.other_platform_sso.is_empty() {
        let pairs: Vec<String> = s
            .other_platform_sso
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        out.push(format!(
            "Other Platform SSO settings: {}.",
            pairs.join(", ")
        ));
    }
    if !s.extension_data.is_empty() {
        let pairs: Vec<String> = s
            .extension_data
            .iter()
            .map(|e| format!("{} = {}", e.key, e.value))
            .collect();
        out.push(format!(
            "ExtensionData for the {}: {}.",
            if microsoft { "plug-in" } else { "extension" },
            pairs.join(", ")
        ));
    }
    match s.kind {
        PayloadKind::MicrosoftPlatformSso => out.push(format!(
            "Changing these later makes every user register again (Microsoft): {}.",
            s.reregistration.join(", ")
        )),
        PayloadKind::MicrosoftSsoExtension => out.push(
            "Adding Platform SSO to this payload later makes every user register (Microsoft)."
                .into(),
        ),
        _ => {}
    }
    out
}

/// Walks a dictionary of `scope`, collecting the catalog entry of every key present.
fn walk_keys(
    dict: &Dictionary,
    scope: Scope,
    parent: &str,
    prefix: &str,
    out: &mut Vec<(String, &'static apple::AppleKey)>,
    values: &mut Vec<KeyVersion>,
) {
    for (k, v) in dict {
        let path = if parent.is_empty() {
            k.clone()
        } else {
            format!("{parent}.{k}")
        };
        let Some(key) = apple::lookup(scope, &path).or_else(|| {
            // Common payload keys live in their own scope.
            (scope == Scope::ExtensibleSso && parent.is_empty())
                .then(|| apple::lookup(Scope::Payload, k))
                .flatten()
        }) else {
            continue;
        };
        out.push((format!("{prefix}{path}"), key));
        newer_values(v, key, &format!("{prefix}{path}"), values);
        if let Value::Dictionary(inner) = v
            && key.item.is_none()
        {
            walk_keys(inner, scope, &path, prefix, out, values);
        }
    }
}

/// The values of `key` (or of its items) newer than the key, such as `OpenID`
/// (macOS 27), with their paths.
fn newer_values(value: &Value, key: &apple::AppleKey, path: &str, out: &mut Vec<KeyVersion>) {
    let mut one = |path: String, v: &Value| {
        if let Some(macos) = v.as_string().and_then(|t| key.value_introduced(t)) {
            out.push(KeyVersion { path, macos });
        }
    };
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                one(format!("{path}[{i}]"), item);
            }
        }
        other => one(path.to_string(), other),
    }
}

fn macos_range(context: &Context<'_>, target: MacOs) -> MacOsCoverage {
    let mut keys = Vec::new();
    let mut values = Vec::new();
    if let Some(root) = context.root {
        for (k, _) in root {
            if let Some(key) = apple::lookup(Scope::Profile, k) {
                keys.push((k.clone(), key));
            }
        }
    }
    for p in &context.payloads {
        let scope = if p.kind.is_sso() {
            Scope::ExtensibleSso
        } else {
            Scope::Payload
        };
        walk_keys(
            p.dict,
            scope,
            "",
            &format!("PayloadContent[{}].", p.index),
            &mut keys,
            &mut values,
        );
    }
    let oldest = keys
        .iter()
        .map(|(_, k)| k.introduced)
        .chain(values.iter().map(|v| v.macos))
        .max()
        .unwrap_or(MacOs::new(10, 7));
    let newer_than_target = keys
        .iter()
        .filter(|(_, k)| k.introduced > target)
        .map(|(path, k)| KeyVersion {
            path: path.clone(),
            macos: k.introduced,
        })
        .chain(values.into_iter().filter(|v| v.macos > target))
        .collect();
    let deprecated = keys
        .iter()
        .filter_map(|(path, k)| {
            k.deprecated.map(|d| KeyVersion {
                path: path.clone(),
                macos: d,
            })
        })
        .collect();
    MacOsCoverage {
        oldest,
        target,
        target_reason: None,
        newer_than_target,
        deprecated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_and_placeholders() {
        for key in [
            "RegistrationToken",
            "client_secret",
            "PayloadRemovalPassword",
            "refresh_token",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "TokenToUserMapping",
            "AuthenticationMethod",
            "UseSharedDeviceKeys",
            "URLs",
            "ServerToken",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
        assert!(is_placeholder("{{DEVICEREGISTRATION}}"));
        assert!(is_placeholder("$FLEET_VAR_HOST_UUID"));
        assert!(!is_placeholder("abc{{DEVICEREGISTRATION}}"));
        assert!(!is_placeholder("eyJ0eXAi"));
        assert_eq!(
            shown("RegistrationToken", &Value::String("eyJ".into()), false),
            REDACTED
        );
        assert_eq!(
            shown("RegistrationToken", &Value::String("eyJ".into()), true),
            "eyJ"
        );
        assert_eq!(
            shown("HasRemovalPasscode", &Value::Boolean(true), false),
            true
        );
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    fn dict(entries: Vec<(&str, Value)>) -> Value {
        Value::Dictionary(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    #[test]
    fn whatever_a_secret_key_holds_is_redacted_whole() {
        let token = dict(vec![
            ("a", Value::String("SECRET-a".into())),
            ("b", Value::Array(vec![Value::String("SECRET-b".into())])),
        ]);
        assert_eq!(shown("RegistrationToken", &token, false), REDACTED);
        assert_eq!(
            shown("RegistrationToken", &Value::Integer(12345.into()), false),
            REDACTED
        );
        assert_eq!(
            shown("RegistrationToken", &Value::String(String::new()), false),
            ""
        );
        let profile = dict(vec![(
            "PayloadContent",
            Value::Array(vec![dict(vec![
                ("RegistrationToken", token),
                ("PayloadDisplayName", Value::String("SECRET-not".into())),
            ])]),
        )]);
        assert_eq!(secret_strings(&profile), ["SECRET-a", "SECRET-b"]);
    }

    #[test]
    fn findings_never_quote_a_secret() {
        let profile = dict(vec![
            (
                "RegistrationToken",
                Value::String("{{DEVICEREGISTRATION}}eyJhbGci".into()),
            ),
            ("PayloadRemovalPassword", Value::String("abc".into())),
            ("Other", Value::String("{{DEVICEREGISTRATION}}".into())),
        ]);
        let mut findings = vec![crate::rules::Finding {
            rule: crate::rules::RuleId::SignaturePlaceholders,
            severity: crate::rules::Severity::Warning,
            path: "RegistrationToken".into(),
            message: "holds `{{DEVICEREGISTRATION}}eyJhbGci`; and {{DEVICEREGISTRATION}}eyJhbGci raw; `abc` quoted, abc not".into(),
            fix: "use `{{DEVICEREGISTRATION}}`".into(),
        }];
        redact_findings(&profile, &mut findings);
        assert_eq!(
            findings[0].message,
            "holds <redacted>; and <redacted> raw; <redacted> quoted, abc not"
        );
        assert_eq!(findings[0].fix, "use `{{DEVICEREGISTRATION}}`");
    }
}
