//! The `com.apple.extensiblesso` payload and its `PlatformSSO` dictionary.

use serde::{Deserialize, Serialize};

use crate::settings::PlatformSso;

use super::{
    Identifier, LegacyAuthMethod, PayloadUuid, PayloadVersion, ScreenLockedBehavior, SsoType,
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
