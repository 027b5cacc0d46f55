//! Rules for the profile an MDM serves at `ProfileURL` after answering
//! `com.apple.psso.required` during Automated Device Enrollment (macOS 26): the payload
//! types Apple allows there, registration during Setup Assistant, the fleet, and
//! Microsoft's conditions for the flow. They run only when asked
//! ([`super::Options::enrollment`]).

use plist::Value;

use super::{Applies, Context, EXTENSIBLE_SSO, Rule, RuleId, RuleSource, Severity, Sink};
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::EnrollmentPayloadTypes,
        severity: Severity::Error,
        summary: "The enrollment profile holds only the payload types Apple allows before enrollment: Extensible SSO, certificates, identities (ACME, PKCS #12, SCEP), associated domains, certificate transparency, identity and certificate preferences, managed preferences.",
        rationale: "Apple: besides the ExtensibleSingleSignOn payload, the profile at `ProfileURL` may contain only ACMECertificate, AssociatedDomains, CertificatePEM, CertificatePKCS1, CertificatePKCS12, CertificatePreference, CertificateRoot, CertificateTransparency, IdentityPreference, ManagedPreferences and SCEP payloads.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "move the payload to a profile the MDM installs after enrollment",
        check: payload_types,
        applies: Applies::Profile,
        repair: None,
    },
    Rule {
        id: RuleId::EnrollmentPlatformSso,
        severity: Severity::Error,
        summary: "The enrollment profile has an Extensible SSO payload that configures Platform SSO.",
        rationale: "Apple: the profile at `ProfileURL` must contain an ExtensibleSingleSignOn payload configuring Platform SSO with the extension the package installs (for Microsoft, Company Portal's).",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "serve the Platform SSO profile (such as the `setup-assistant` template generates)",
        check: platform_sso,
        applies: Applies::Profile,
        repair: None,
    },
    Rule {
        id: RuleId::EnrollmentRegistrationDuringSetup,
        severity: Severity::Error,
        summary: "The enrollment profile sets `PlatformSSO.EnableRegistrationDuringSetup` to true.",
        rationale: "Apple: set `EnableRegistrationDuringSetup` to true when configuring Platform SSO before enrollment with the `com.apple.psso.required` answer; its default is false, and without it Setup Assistant does not register.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "set <key>EnableRegistrationDuringSetup</key><true/> inside PlatformSSO",
        check: registration_during_setup,
        applies: Applies::PlatformSso,
        repair: None,
    },
    Rule {
        id: RuleId::EnrollmentMacos,
        severity: Severity::Error,
        summary: "The enrollment profile is checked for a fleet from macOS 26.",
        rationale: "Only macOS 26 and later ask for Platform SSO during enrollment (`MDM_CAN_REQUEST_PSSO_CONFIG`); the profile served then is read by macOS 26 or later, and its setup keys are macOS 26 keys.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::from(MacOs::V26),
        fix: "check the enrollment profile for a fleet from macOS 26",
        check: macos,
        applies: Applies::Profile,
        repair: None,
    },
    Rule {
        id: RuleId::EnrollmentCreateFirstUser,
        severity: Severity::Warning,
        summary: "During enrollment, `EnableCreateFirstUserDuringSetup` is configured with the `Password` method only, and not turned off for it.",
        rationale: "Microsoft (Platform SSO during enrollment): enable `EnableCreateFirstUserDuringSetup` only with the Password method; \"if you're not using Password ... don't add or configure this setting\".",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V26),
        fix: "with Password, remove the key or set it true; with another method, remove it",
        check: create_first_user,
        applies: Applies::MicrosoftPlatformSso,
        repair: None,
    },
    Rule {
        id: RuleId::EnrollmentSmartCard,
        severity: Severity::Warning,
        summary: "The enrollment profile does not use the `SmartCard` method.",
        rationale: "Microsoft: \"Authenticating with Smart Card in Setup Assistant is not supported\"; users register after Setup Assistant instead.",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V26),
        fix: "use `Password` (or `UserSecureEnclaveKey`) for enrollment, and let smart-card users register after Setup Assistant",
        check: smart_card,
        applies: Applies::MicrosoftPlatformSso,
        repair: None,
    },
];

/// The payload types Apple allows in the profile at `ProfileURL`, besides Extensible SSO.
pub const ENROLLMENT_PAYLOAD_TYPES: &[&str] = &[
    "com.apple.security.acme",
    "com.apple.associated-domains",
    "com.apple.security.pem",
    "com.apple.security.pkcs1",
    "com.apple.security.pkcs12",
    "com.apple.security.certificatepreference",
    "com.apple.security.root",
    "com.apple.security.certificatetransparency",
    "com.apple.security.identitypreference",
    "com.apple.ManagedClient.preferences",
    "com.apple.security.scep",
];

fn payload_types(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if !ctx.enrollment {
        return;
    }
    for p in &ctx.payloads {
        match p.string("PayloadType") {
            Some(EXTENSIBLE_SSO) => {}
            Some(t) if ENROLLMENT_PAYLOAD_TYPES.contains(&t) => {}
            Some(t) => sink.emit(
                p.path("PayloadType"),
                format!("is `{t}`, which Apple does not allow in the profile served at ProfileURL during enrollment"),
            ),
            None => {} // profile.payload-type reports it
        }
    }
}

fn platform_sso(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if !ctx.enrollment {
        return;
    }
    if !ctx.extensible_sso().any(|p| p.get("PlatformSSO").is_some()) {
        sink.emit(
            "PayloadContent",
            "holds no Extensible SSO payload with PlatformSSO; the profile served at ProfileURL must configure Platform SSO",
        );
    }
}

fn registration_during_setup(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if !ctx.enrollment {
        return;
    }
    for p in ctx.targets() {
        let path = p.path("PlatformSSO.EnableRegistrationDuringSetup");
        match p.platform("EnableRegistrationDuringSetup") {
            Some(Value::Boolean(true)) => {}
            Some(Value::Boolean(false)) => sink.emit(
                path,
                "is false; Apple requires true in the profile served after `com.apple.psso.required`",
            ),
            Some(_) => {} // schema.type reports it
            None => sink.emit(
                path,
                "is missing, so Apple's default false applies; Apple requires true in the profile served after `com.apple.psso.required`",
            ),
        }
    }
}

fn macos(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.enrollment && ctx.target.min_macos < MacOs::V26 {
        sink.emit(
            "",
            format!(
                "is checked for a fleet from macOS {}, but only macOS 26 and later ask for Platform SSO during enrollment",
                ctx.target.min_macos
            ),
        );
    }
}

fn create_first_user(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if !ctx.enrollment {
        return;
    }
    for p in ctx.targets() {
        let method = p.string("PlatformSSO.AuthenticationMethod");
        let path = p.path("PlatformSSO.EnableCreateFirstUserDuringSetup");
        match (method, p.platform("EnableCreateFirstUserDuringSetup")) {
            (Some("Password"), Some(Value::Boolean(false))) => sink.emit(
                path,
                "is false with the `Password` method; Microsoft enables it for Password during enrollment (Apple's default is true)",
            ),
            // `true` with another method is psso.create-first-user-password's.
            (Some(m), Some(v)) if m != "Password" && v.as_boolean() != Some(true) => sink.emit(
                path,
                format!("is configured with the `{m}` method; Microsoft: if you're not using Password, don't add or configure it"),
            ),
            _ => {}
        }
    }
}

fn smart_card(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if !ctx.enrollment {
        return;
    }
    for p in ctx.targets() {
        if p.string("PlatformSSO.AuthenticationMethod") == Some("SmartCard") {
            sink.emit(
                p.path("PlatformSSO.AuthenticationMethod"),
                "is `SmartCard`; Microsoft does not support smart-card authentication in Setup Assistant",
            );
        }
    }
}
