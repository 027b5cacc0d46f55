//! The `com.apple.extensiblesso` payload and its `PlatformSSO` dictionary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    AuthMethod, AuthorizationMode, Identifier, LegacyAuthMethod, NewUserAuthMethod, PayloadUuid,
    PayloadVersion, Policy, ScreenLockedBehavior, SsoType, UnlockPolicy,
};

/// The `PayloadType` of an Extensible SSO payload, `com.apple.extensiblesso`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ExtensibleSsoType {
    /// `com.apple.extensiblesso`.
    #[default]
    #[serde(rename = "com.apple.extensiblesso")]
    ExtensibleSso,
}

/// A `com.apple.extensiblesso` payload: every key of Apple's schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtensibleSso {
    /// `PayloadIdentifier`, unique within the profile.
    #[serde(rename = "PayloadIdentifier")]
    pub payload_identifier: Identifier,
    /// `PayloadUUID`.
    #[serde(rename = "PayloadUUID")]
    pub payload_uuid: PayloadUuid,
    /// `PayloadType`: `com.apple.extensiblesso`.
    #[serde(rename = "PayloadType")]
    pub payload_type: ExtensibleSsoType,
    /// `PayloadVersion`: 1.
    #[serde(rename = "PayloadVersion")]
    pub payload_version: PayloadVersion,
    /// `PayloadDisplayName`.
    #[serde(
        rename = "PayloadDisplayName",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub payload_display_name: Option<String>,
    /// `PayloadDescription`.
    #[serde(
        rename = "PayloadDescription",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub payload_description: Option<String>,
    /// `PayloadOrganization`.
    #[serde(
        rename = "PayloadOrganization",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub payload_organization: Option<String>,
    /// `ExtensionIdentifier`: the SSO extension's bundle identifier.
    #[serde(rename = "ExtensionIdentifier")]
    pub extension_identifier: String,
    /// `TeamIdentifier`: required on macOS.
    #[serde(
        rename = "TeamIdentifier",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub team_identifier: Option<String>,
    /// `Type`.
    #[serde(rename = "Type")]
    pub sso_type: SsoType,
    /// `Realm` (Credential payloads only).
    #[serde(rename = "Realm", skip_serializing_if = "Option::is_none", default)]
    pub realm: Option<String>,
    /// `ExtensionData`: passed through to the extension.
    #[serde(
        rename = "ExtensionData",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub extension_data: Option<plist::Dictionary>,
    /// `URLs`: identity provider URL prefixes (Redirect payloads).
    #[serde(rename = "URLs", skip_serializing_if = "Vec::is_empty", default)]
    pub urls: Vec<String>,
    /// `Hosts` (Credential payloads).
    #[serde(rename = "Hosts", skip_serializing_if = "Vec::is_empty", default)]
    pub hosts: Vec<String>,
    /// `ScreenLockedBehavior` (macOS 12+).
    #[serde(
        rename = "ScreenLockedBehavior",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub screen_locked_behavior: Option<ScreenLockedBehavior>,
    /// `DeniedBundleIdentifiers` (macOS 12+).
    #[serde(
        rename = "DeniedBundleIdentifiers",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub denied_bundle_identifiers: Vec<String>,
    /// The deprecated top-level `AuthenticationMethod` that macOS 13 reads.
    #[serde(
        rename = "AuthenticationMethod",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub authentication_method: Option<LegacyAuthMethod>,
    /// `RegistrationToken` (macOS 13+), such as `{{DEVICEREGISTRATION}}`.
    #[serde(
        rename = "RegistrationToken",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub registration_token: Option<String>,
    /// `PlatformSSO` (macOS 14+).
    #[serde(
        rename = "PlatformSSO",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub platform_sso: Option<PlatformSso>,
}

/// `PlatformSSO.TokenToUserMapping`: which token claims fill the local account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenToUserMapping {
    /// `AccountName`: the claim for the account name.
    #[serde(
        rename = "AccountName",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub account_name: Option<String>,
    /// `FullName`: the claim for the full name.
    #[serde(rename = "FullName", skip_serializing_if = "Option::is_none", default)]
    pub full_name: Option<String>,
}

/// The `PlatformSSO` dictionary: every key of Apple's schema, plus the macOS 15.4
/// and 26 keys Apple and Microsoft document after that schema snapshot.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlatformSso {
    /// `AuthenticationMethod`.
    #[serde(
        rename = "AuthenticationMethod",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub authentication_method: Option<AuthMethod>,
    /// `UseSharedDeviceKeys`: Microsoft requires `true`; device channel only.
    #[serde(
        rename = "UseSharedDeviceKeys",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub use_shared_device_keys: Option<bool>,
    /// `AccountDisplayName`: the organisation name in PSSO notifications.
    #[serde(
        rename = "AccountDisplayName",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub account_display_name: Option<String>,
    /// `LoginFrequency` in seconds, at least 3600.
    #[serde(
        rename = "LoginFrequency",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub login_frequency: Option<i64>,
    /// `EnableCreateUserAtLogin`.
    #[serde(
        rename = "EnableCreateUserAtLogin",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub enable_create_user_at_login: Option<bool>,
    /// `EnableAuthorization`.
    #[serde(
        rename = "EnableAuthorization",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub enable_authorization: Option<bool>,
    /// `TokenToUserMapping`.
    #[serde(
        rename = "TokenToUserMapping",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub token_to_user_mapping: Option<TokenToUserMapping>,
    /// `NewUserAuthorizationMode`.
    #[serde(
        rename = "NewUserAuthorizationMode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub new_user_authorization_mode: Option<AuthorizationMode>,
    /// `UserAuthorizationMode`.
    #[serde(
        rename = "UserAuthorizationMode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub user_authorization_mode: Option<AuthorizationMode>,
    /// `AdministratorGroups`.
    #[serde(
        rename = "AdministratorGroups",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub administrator_groups: Vec<String>,
    /// `AdditionalGroups`.
    #[serde(
        rename = "AdditionalGroups",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub additional_groups: Vec<String>,
    /// `AuthorizationGroups`: authorization right to group name.
    #[serde(
        rename = "AuthorizationGroups",
        skip_serializing_if = "BTreeMap::is_empty",
        default
    )]
    pub authorization_groups: BTreeMap<String, String>,
    /// `FileVaultPolicy` (macOS 15+).
    #[serde(
        rename = "FileVaultPolicy",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub file_vault_policy: Vec<Policy>,
    /// `LoginPolicy` (macOS 15+).
    #[serde(rename = "LoginPolicy", skip_serializing_if = "Vec::is_empty", default)]
    pub login_policy: Vec<Policy>,
    /// `UnlockPolicy` (macOS 15+).
    #[serde(
        rename = "UnlockPolicy",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub unlock_policy: Vec<UnlockPolicy>,
    /// `OfflineGracePeriod` (macOS 15+).
    #[serde(
        rename = "OfflineGracePeriod",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub offline_grace_period: Option<i64>,
    /// `AuthenticationGracePeriod` (macOS 15+).
    #[serde(
        rename = "AuthenticationGracePeriod",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub authentication_grace_period: Option<i64>,
    /// `NonPlatformSSOAccounts` (macOS 15+).
    #[serde(
        rename = "NonPlatformSSOAccounts",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub non_platform_sso_accounts: Vec<String>,
    /// `AllowDeviceIdentifiersInAttestation` (macOS 15.4+).
    #[serde(
        rename = "AllowDeviceIdentifiersInAttestation",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub allow_device_identifiers_in_attestation: Option<bool>,
    /// `EnableRegistrationDuringSetup` (macOS 26+).
    #[serde(
        rename = "EnableRegistrationDuringSetup",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub enable_registration_during_setup: Option<bool>,
    /// `EnableCreateFirstUserDuringSetup` (macOS 26+; Microsoft: Password only).
    #[serde(
        rename = "EnableCreateFirstUserDuringSetup",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub enable_create_first_user_during_setup: Option<bool>,
    /// `NewUserAuthenticationMethods` (macOS 26+).
    #[serde(
        rename = "NewUserAuthenticationMethods",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub new_user_authentication_methods: Vec<NewUserAuthMethod>,
}
