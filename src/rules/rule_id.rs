//! [`RuleId`]: the stable id of every rule, as a type, so a misspelt id does not
//! compile.

use serde::{Deserialize, Serialize};

/// Declares [`RuleId`]: one variant per rule, in the order the rules run, with
/// its id text.
macro_rules! rule_ids {
    ($($variant:ident = $id:literal,)*) => {
        /// The stable id of a rule, such as `sso.screen-locked-behavior`.
        ///
        /// `Display`, `Serialize` and [`RuleId::as_str`] give the id text; `FromStr`
        /// reads it back. The variants are in the order the rules run and report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum RuleId {
            $(
                #[doc = concat!("`", $id, "`")]
                $variant,
            )*
        }

        impl RuleId {
            /// Every rule id, in the order the rules run.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The id text, such as `sso.screen-locked-behavior`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

rule_ids! {
    ProfileRoot = "profile.root",
    ProfilePayloadType = "profile.payload-type",
    ProfileNestedConfiguration = "profile.nested-configuration",
    ProfilePayloadVersion = "profile.payload-version",
    ProfileIdentifier = "profile.identifier",
    ProfileUuid = "profile.uuid",
    ProfileUuidFormat = "profile.uuid-format",
    ProfileSsoPayloadCount = "profile.sso-payload-count",
    ProfileMicrosoftPayload = "profile.microsoft-payload",
    ProfileScopeUser = "profile.scope-user",
    SsoExtensionIdentifier = "sso.extension-identifier",
    SsoTeamIdentifier = "sso.team-identifier",
    SsoType = "sso.type",
    SsoUrlsCommercial = "sso.urls.commercial",
    SsoUrlsSovereign = "sso.urls.sovereign",
    SsoScreenLockedBehavior = "sso.screen-locked-behavior",
    SsoAuthMethod = "sso.auth-method",
    SsoAuthMethodMacos13 = "sso.auth-method.macos13",
    SsoAuthMethodAgree = "sso.auth-method.agree",
    SsoUseSharedDeviceKeys = "sso.use-shared-device-keys",
    SsoRegistrationTokenNeedsAuth = "sso.registration-token.needs-auth",
    SsoUrlsNotMicrosoft = "sso.urls.not-microsoft",
    SsoUrlsFormat = "sso.urls.format",
    SsoUrlsUnique = "sso.urls.unique",
    SsoTypeKeys = "sso.type-keys",
    SsoHostsWildcard = "sso.hosts-wildcard",
    SsoRedirectIgnores = "sso.redirect-ignores",
    SsoExpectedKind = "sso.expected-kind",
    SsoRegistrationTokenAbsent = "sso.registration-token.absent",
    SchemaRequired = "schema.required",
    SchemaType = "schema.type",
    SchemaValue = "schema.value",
    SchemaRange = "schema.range",
    SchemaNewerThanTarget = "schema.newer-than-target",
    SchemaDeprecatedKey = "schema.deprecated-key",
    SchemaMisplacedKey = "schema.misplaced-key",
    SchemaUnknownKey = "schema.unknown-key",
    SchemaToolKey = "schema.tool-key",
    ExtPssoKey = "ext.psso-key",
    ExtType = "ext.type",
    ExtIosOnly = "ext.ios-only",
    ExtDeprecated = "ext.deprecated",
    ExtUnknownKey = "ext.unknown-key",
    PssoSharedKeysRequired = "psso.shared-keys-required",
    PssoGracePeriodRequired = "psso.grace-period-required",
    PssoTouchIdUnlockOnly = "psso.touch-id-unlock-only",
    PssoPolicyNeedsPassword = "psso.policy-needs-password",
    PssoGraceNeedsRequire = "psso.grace-needs-require",
    PssoGroupsModeNeedsGroups = "psso.groups-mode-needs-groups",
    PssoMicrosoftAuthorizationModes = "psso.microsoft-authorization-modes",
    PssoCreateFirstUserPassword = "psso.create-first-user-password",
    PssoPasswordFilevaultPolicy = "psso.password-filevault-policy",
    PssoTokenToUserMapping = "psso.token-to-user-mapping",
    PssoCreateUserMethod = "psso.create-user-method",
    PssoUndocumentedByMicrosoft = "psso.undocumented-by-microsoft",
    PssoSetupCompanyPortal = "psso.setup-company-portal",
    KerberosSchema = "kerberos.schema",
    KerberosExtensionData = "kerberos.extension-data",
    KerberosPasswordSync = "kerberos.password-sync",
    KerberosPlatformSsoTgt = "kerberos.platform-sso-tgt",
    KerberosSeparateRealms = "kerberos.separate-realms",
    KerberosExtensionIdentifier = "kerberos.extension-identifier",
    PssoOpenidAllowList = "psso.openid-allow-list",
    PssoOpenidMicrosoft = "psso.openid-microsoft",
    PssoAccessKeyRequired = "psso.access-key-required",
    PssoAccessKeyPayload = "psso.access-key-payload",
    PssoAccessKeyUnused = "psso.access-key-unused",
    EnrollmentPayloadTypes = "enrollment.payload-types",
    EnrollmentPlatformSso = "enrollment.platform-sso",
    EnrollmentRegistrationDuringSetup = "enrollment.registration-during-setup",
    EnrollmentMacos = "enrollment.macos",
    EnrollmentCreateFirstUser = "enrollment.create-first-user",
    EnrollmentSmartCard = "enrollment.smart-card",
    DeclarationStructure = "declaration.structure",
    DeclarationUnknownKey = "declaration.unknown-key",
    DeclarationMacos = "declaration.macos",
    DeclarationProfileUrl = "declaration.profile-url",
    SignatureInvalid = "signature.invalid",
    SignatureWarning = "signature.warning",
    SignatureCertificatePolicy = "signature.certificate-policy",
    SignatureWeakAlgorithm = "signature.weak-algorithm",
    SignaturePlaceholders = "signature.placeholders",
    FleetUrlsUnique = "fleet.urls-unique",
    FleetMicrosoftPayloads = "fleet.microsoft-payloads",
    FleetIdentifierUnique = "fleet.identifier-unique",
    FleetUuidUnique = "fleet.uuid-unique",
    FleetExpectedPayload = "fleet.expected-payload",
}

impl RuleId {
    /// The rule with this id.
    pub fn rule(self) -> &'static super::Rule {
        // `RULES` lists one rule per id, in the order of `RuleId::ALL` (a test
        // checks it), so the variant's index is the rule's.
        &super::RULES[self as usize]
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not the id of a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a rule id")]
pub struct UnknownRuleId(pub String);

impl std::str::FromStr for RuleId {
    type Err = UnknownRuleId;

    /// Reads an id exactly as [`RuleId::as_str`] writes it.
    fn from_str(s: &str) -> Result<Self, UnknownRuleId> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownRuleId(s.to_string()))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_text_and_json() {
        for &id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(id));
            assert_eq!(id.to_string(), id.as_str());
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), id);
        }
        assert_eq!(
            "sso.screen-locked"
                .parse::<RuleId>()
                .unwrap_err()
                .to_string(),
            "`sso.screen-locked` is not a rule id"
        );
        assert!("SSO.TYPE".parse::<RuleId>().is_err());
    }

    #[test]
    fn variant_names_spell_their_ids() {
        for &id in RuleId::ALL {
            let camel: String = id
                .as_str()
                .split(['.', '-'])
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_ascii_uppercase().to_string() + chars.as_str()
                    })
                })
                .collect();
            assert_eq!(format!("{id:?}"), camel);
        }
    }
}
