//! The outer configuration profile (Apple's `TopLevel`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    ExtensibleSso, Identifier, PayloadScope, PayloadUuid, PayloadVersion, TargetDeviceType,
};

/// The `PayloadType` of a configuration profile: always `Configuration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProfileType {
    /// `Configuration`, the only value Apple supports.
    #[default]
    Configuration,
}

/// A configuration profile carrying Extensible SSO payloads: every key of Apple's
/// `TopLevel` schema that a Platform SSO profile can use. (`IsEncrypted` and
/// `EncryptedPayloadContent` are left out: an encrypted profile has no readable
/// payload to check.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// `PayloadContent`: the payloads.
    #[serde(rename = "PayloadContent")]
    pub payload_content: Vec<ExtensibleSso>,
    /// `PayloadIdentifier`: decides whether an install replaces an existing profile.
    #[serde(rename = "PayloadIdentifier")]
    pub payload_identifier: Identifier,
    /// `PayloadUUID`.
    #[serde(rename = "PayloadUUID")]
    pub payload_uuid: PayloadUuid,
    /// `PayloadType`: `Configuration`.
    #[serde(rename = "PayloadType")]
    pub payload_type: ProfileType,
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
    /// `PayloadScope`: `System` for Platform SSO (shared device keys need the device channel).
    #[serde(
        rename = "PayloadScope",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub payload_scope: Option<PayloadScope>,
    /// `PayloadRemovalDisallowed`.
    #[serde(
        rename = "PayloadRemovalDisallowed",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub payload_removal_disallowed: Option<bool>,
    /// `HasRemovalPasscode`.
    #[serde(
        rename = "HasRemovalPasscode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub has_removal_passcode: Option<bool>,
    /// `TargetDeviceType`: `5` (Mac) for Platform SSO.
    #[serde(
        rename = "TargetDeviceType",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub target_device_type: Option<TargetDeviceType>,
    /// `RemovalDate`.
    #[serde(
        rename = "RemovalDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub removal_date: Option<plist::Date>,
    /// `DurationUntilRemoval`, in seconds.
    #[serde(
        rename = "DurationUntilRemoval",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub duration_until_removal: Option<f64>,
    /// `PayloadExpirationDate`.
    #[serde(
        rename = "PayloadExpirationDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub payload_expiration_date: Option<plist::Date>,
    /// `ConsentText`: BCP 47 language (or `default`) to agreement text.
    #[serde(
        rename = "ConsentText",
        skip_serializing_if = "BTreeMap::is_empty",
        default
    )]
    pub consent_text: BTreeMap<String, String>,
}

impl Profile {
    /// The profile as a property-list tree, ready for [`crate::rules::check`] and
    /// the codec.
    pub fn to_value(&self) -> crate::Result<plist::Value> {
        plist::to_value(self).map_err(|source| crate::Error::Encode {
            format: "a property list",
            source: Box::new(source),
        })
    }

    /// Reads a profile tree into the model. Fails where the tree holds something
    /// the model cannot express; use [`crate::rules::check`] for a full report.
    pub fn from_value(value: &plist::Value) -> crate::Result<Self> {
        plist::from_value(value).map_err(|source| crate::Error::Encode {
            format: "the typed profile model",
            source: Box::new(source),
        })
    }
}
