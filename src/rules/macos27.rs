//! Rules on the keys and values of macOS 26 and 27: OpenID web login and its allow
//! list, and access keys with the payloads they name.

use plist::Value;

use super::{Applies, Context, Rule, RuleId, RuleSource, Severity, Sink, SsoPayload};
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::PssoOpenidAllowList,
        severity: Severity::Error,
        summary: "The `OpenID` method (`AuthenticationMethod` or `NewUserAuthenticationMethods`) comes with `PlatformSSO.WebLoginURLAllowList`.",
        rationale: "Apple: `WebLoginURLAllowList`, the hosts the Platform SSO web view may load, is \"required if `AuthenticationMethod` is `OpenID`, or `NewUserAuthenticationMethods` contains `OpenID`\"; without it the web login cannot load the identity provider.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V27),
        fix: "set <key>WebLoginURLAllowList</key><array><string>login.example.com</string></array> inside PlatformSSO, with the identity provider's sign-in hosts",
        check: openid_allow_list,
        applies: Applies::PlatformSso,
        repair: None,
    },
    Rule {
        id: RuleId::PssoOpenidMicrosoft,
        severity: Severity::Warning,
        summary: "The Microsoft SSO payload does not use the `OpenID` method.",
        rationale: "Microsoft documents `Password`, `UserSecureEnclaveKey` and `SmartCard` for its plug-in and says \"any undocumented Platform SSO settings aren't supported\"; it does not document OpenID web login (macOS 27).",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V27),
        fix: "use `UserSecureEnclaveKey` (Microsoft's recommendation), `Password` or `SmartCard`, unless Microsoft documents OpenID for its plug-in",
        check: openid_microsoft,
        applies: Applies::MicrosoftPlatformSso,
        repair: None,
    },
    Rule {
        id: RuleId::PssoAccessKeyRequired,
        severity: Severity::Error,
        summary: "`AccessKey` in `NewUserAuthenticationMethods` comes with `AccessKeyReaderGroupIdentifier`, `AccessKeyTerminalIdentityUUID` and `AccessKeyReaderIssuerCertificateUUID`.",
        rationale: "Apple: each of the three keys is \"required if `NewUserAuthenticationMethods` contains `AccessKey`\": the reader group must match the access key, the terminal identity must be one the access key trusts, and its issuer's certificate must be named.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "set the missing AccessKey* key inside PlatformSSO, or remove `AccessKey` from NewUserAuthenticationMethods",
        check: access_key_required,
        applies: Applies::PlatformSso,
        repair: None,
    },
    Rule {
        id: RuleId::PssoAccessKeyPayload,
        severity: Severity::Error,
        summary: "`AccessKeyTerminalIdentityUUID` names an identity payload (PKCS #12, ACME or SCEP) and `AccessKeyReaderIssuerCertificateUUID` a certificate payload of the same profile.",
        rationale: "Apple: the terminal identity is \"the `PayloadUUID` of an identity payload\" of type `com.apple.security.pkcs12`, `com.apple.security.acme` or `com.apple.security.scep`, and the issuer is \"the `PayloadUUID` of a certificate payload\"; a UUID that names no such payload leaves the access key without its terminal.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "add the identity and certificate payloads to the profile and give their PayloadUUIDs",
        check: access_key_payload,
        applies: Applies::PlatformSso,
        repair: None,
    },
    Rule {
        id: RuleId::PssoAccessKeyUnused,
        severity: Severity::Warning,
        summary: "The `AccessKey*` keys are set only with `AccessKey` in `NewUserAuthenticationMethods`.",
        rationale: "Apple reads the access key settings for accounts that use an access key; without `AccessKey` among the new-user methods they do nothing.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "add `AccessKey` to NewUserAuthenticationMethods, or remove the AccessKey* keys",
        check: access_key_unused,
        applies: Applies::PlatformSso,
        repair: None,
    },
];

/// The three keys `AccessKey` requires.
const ACCESS_KEY_REQUIRED: [&str; 3] = [
    "AccessKeyReaderGroupIdentifier",
    "AccessKeyTerminalIdentityUUID",
    "AccessKeyReaderIssuerCertificateUUID",
];

/// Every `PlatformSSO` key of the access key.
const ACCESS_KEY_KEYS: [&str; 4] = [
    "AccessKeyReaderGroupIdentifier",
    "AccessKeyTerminalIdentityUUID",
    "AccessKeyReaderIssuerCertificateUUID",
    "AllowAccessKeyExpressMode",
];

/// The payload types the terminal identity may be.
pub(crate) const TERMINAL_IDENTITY_TYPES: [&str; 3] = [
    "com.apple.security.pkcs12",
    "com.apple.security.acme",
    "com.apple.security.scep",
];

/// The certificate payload types the issuer certificate may be.
pub(crate) const CERTIFICATE_TYPES: [&str; 3] = [
    "com.apple.security.root",
    "com.apple.security.pem",
    "com.apple.security.pkcs1",
];

/// Where `method` is named: the payload's `PlatformSSO.AuthenticationMethod`, or an
/// item of `NewUserAuthenticationMethods`.
fn uses_method(p: &SsoPayload<'_>, method: &str) -> Option<String> {
    if p.platform("AuthenticationMethod")
        .and_then(Value::as_string)
        == Some(method)
    {
        return Some("PlatformSSO.AuthenticationMethod".to_string());
    }
    p.strings("PlatformSSO.NewUserAuthenticationMethods")
        .iter()
        .position(|m| *m == method)
        .map(|i| format!("PlatformSSO.NewUserAuthenticationMethods[{i}]"))
}

fn openid_allow_list(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        let Some(named) = uses_method(p, "OpenID") else {
            continue;
        };
        let listed = match p.platform("WebLoginURLAllowList") {
            Some(Value::Array(items)) => !items.is_empty(),
            _ => false,
        };
        if !listed {
            let state = if p.platform("WebLoginURLAllowList").is_some() {
                "is empty"
            } else {
                "is missing"
            };
            sink.emit(
                p.path("PlatformSSO.WebLoginURLAllowList"),
                format!(
                    "{state}, but {named} is `OpenID`; Apple requires the hosts the web login may load"
                ),
            );
        }
    }
}

fn openid_microsoft(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets() {
        if let Some(named) = uses_method(p, "OpenID") {
            sink.emit(
                p.path(&named),
                "is `OpenID`, which Microsoft does not document for its plug-in; Microsoft does not support undocumented settings",
            );
        }
    }
}

fn uses_access_key(p: &SsoPayload<'_>) -> bool {
    p.strings("PlatformSSO.NewUserAuthenticationMethods")
        .contains(&"AccessKey")
}

fn access_key_required(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets().filter(|p| uses_access_key(p)) {
        for key in ACCESS_KEY_REQUIRED {
            if p.platform(key).is_none() {
                sink.emit(
                    p.path(&format!("PlatformSSO.{key}")),
                    "is missing, but NewUserAuthenticationMethods contains `AccessKey`; Apple requires it",
                );
            }
        }
    }
}

fn access_key_payload(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets().filter(|p| uses_access_key(p)) {
        for (key, types, what) in [
            (
                "AccessKeyTerminalIdentityUUID",
                &TERMINAL_IDENTITY_TYPES,
                "an identity payload",
            ),
            (
                "AccessKeyReaderIssuerCertificateUUID",
                &CERTIFICATE_TYPES,
                "a certificate payload",
            ),
        ] {
            let Some(uuid) = p.platform(key).and_then(Value::as_string) else {
                continue; // psso.access-key-required or schema.type reports it
            };
            let named = ctx.payloads.iter().find(|o| {
                o.string("PayloadUUID")
                    .is_some_and(|u| u.eq_ignore_ascii_case(uuid))
            });
            let allowed = types
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let problem = match named.map(|o| (o.index, o.string("PayloadType"))) {
                None => format!("is `{uuid}`, the PayloadUUID of no payload of the profile"),
                Some((_, Some(t))) if types.contains(&t) => continue,
                Some((i, t)) => format!(
                    "names PayloadContent[{i}], whose PayloadType is {}",
                    t.map_or("missing".to_string(), |t| format!("`{t}`"))
                ),
            };
            sink.emit(
                p.path(&format!("PlatformSSO.{key}")),
                format!("{problem}; Apple expects {what} ({allowed})"),
            );
        }
    }
}

fn access_key_unused(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in ctx.targets().filter(|p| !uses_access_key(p)) {
        for key in ACCESS_KEY_KEYS {
            if p.platform(key).is_some() {
                sink.emit(
                    p.path(&format!("PlatformSSO.{key}")),
                    "is set, but NewUserAuthenticationMethods has no `AccessKey`: nothing reads it",
                );
            }
        }
    }
}
