//! What a user asks for, written down once: the settings of `generate` as one
//! validated [`Spec`], and how a spec becomes a [`Profile`].
//!
//! Field names are `generate`'s long option names (`auth`, `min-macos`,
//! `registration-token`...), so the command line and spec files mean the same.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::extension_data;
use crate::catalog::microsoft::{self, Cloud};
use crate::model::{
    AuthMethod, AuthorizationMode, ExtensibleSso, ExtensibleSsoType, Identifier, MacOs,
    PayloadScope, PayloadUuid, PayloadVersion, PlatformSso, Policy, Profile, ProfileType,
    ScreenLockedBehavior, SsoType, Target, TargetDeviceType, TokenToUserMapping, UnlockPolicy,
};
use crate::rules::{self, Report};
use crate::{Error, Result};

mod file;
mod lenient;
mod templates;
mod vars;

pub use file::{RowSpec, SpecFile};
pub use templates::{Template, template, templates};
pub use vars::{VarError, Vars, substitute};

/// The profile identifier used when none is given.
pub const DEFAULT_IDENTIFIER: &str = "com.psso-profile.platformsso";
/// The profile display name used when none is given.
pub const DEFAULT_DISPLAY_NAME: &str = "Microsoft Entra Platform SSO";
/// The profile description used when none is given.
pub const DEFAULT_DESCRIPTION: &str =
    "Turns on Platform SSO with Microsoft Entra ID through the Microsoft Enterprise SSO plug-in.";
/// The claim mapped to the local account name when none is given.
pub const DEFAULT_ACCOUNT_NAME_CLAIM: &str = "preferred_username";
/// The claim mapped to the local full name when none is given.
pub const DEFAULT_FULL_NAME_CLAIM: &str = "name";

/// How `PayloadUUID`s are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum UuidMode {
    /// v5 UUIDs derived from the payload identifiers: the same input gives the same bytes.
    #[default]
    Derived,
    /// Fresh random UUIDs on every run.
    Random,
}

impl std::str::FromStr for UuidMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "derived" => Ok(UuidMode::Derived),
            "random" => Ok(UuidMode::Random),
            _ => Err(Error::InvalidValue {
                key: "uuid".to_string(),
                value: s.to_string(),
                expected: "`derived` or `random`".to_string(),
            }),
        }
    }
}

/// An `ExtensionData` value as given in a spec or on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExtensionValue {
    /// A boolean.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A string; typed by the plug-in's catalog when the key is known.
    String(String),
}

impl std::fmt::Display for ExtensionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionValue::Boolean(b) => write!(f, "{b}"),
            ExtensionValue::Integer(i) => write!(f, "{i}"),
            ExtensionValue::String(s) => f.write_str(s),
        }
    }
}

/// The settings of one generated profile. `None` means the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Spec {
    /// The authentication method (default `UserSecureEnclaveKey`, Microsoft's recommendation).
    #[serde(default, deserialize_with = "lenient::opt_from_str")]
    pub auth: Option<AuthMethod>,
    /// The oldest macOS of the fleet (default 14).
    #[serde(default, deserialize_with = "lenient::opt_from_str")]
    pub min_macos: Option<MacOs>,
    /// `PayloadOrganization`.
    pub org: Option<String>,
    /// The profile's `PayloadIdentifier`; the SSO payload's is `<identifier>.sso`.
    pub identifier: Option<String>,
    /// The profile's `PayloadDisplayName`.
    pub display_name: Option<String>,
    /// The profile's `PayloadDescription`.
    pub description: Option<String>,
    /// `RegistrationToken`, such as `{{DEVICEREGISTRATION}}` (kept literally).
    pub registration_token: Option<String>,
    /// `PlatformSSO.AccountDisplayName`.
    pub account_display_name: Option<String>,
    /// `PlatformSSO.TokenToUserMapping.AccountName` (default `preferred_username`).
    pub account_name_claim: Option<String>,
    /// `PlatformSSO.TokenToUserMapping.FullName` (default `name`).
    pub full_name_claim: Option<String>,
    /// The Microsoft clouds whose sign-in URLs the profile lists (default: all;
    /// the commercial URLs are always listed).
    #[serde(default, deserialize_with = "lenient::opt_list_from_str")]
    pub clouds: Option<Vec<Cloud>>,
    /// `PayloadScope` (default `System`: shared device keys need the device channel).
    #[serde(default, deserialize_with = "lenient::opt_from_str")]
    pub scope: Option<PayloadScope>,
    /// How UUIDs are chosen (default derived).
    #[serde(default, deserialize_with = "lenient::opt_from_str")]
    pub uuid: Option<UuidMode>,
    /// `PayloadRemovalDisallowed`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub removal_disallowed: Option<bool>,
    /// `ExtensionData` for the SSO plug-in, typed by its catalog.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extension_data: BTreeMap<String, ExtensionValue>,
    /// `PlatformSSO.EnableCreateUserAtLogin`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_create_user_at_login: Option<bool>,
    /// `PlatformSSO.EnableAuthorization`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_authorization: Option<bool>,
    /// `PlatformSSO.NewUserAuthorizationMode`.
    #[serde(default, deserialize_with = "lenient::opt_from_str")]
    pub new_user_authorization_mode: Option<AuthorizationMode>,
    /// `PlatformSSO.UserAuthorizationMode`.
    #[serde(default, deserialize_with = "lenient::opt_from_str")]
    pub user_authorization_mode: Option<AuthorizationMode>,
    /// `PlatformSSO.AdministratorGroups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub administrator_groups: Vec<String>,
    /// `PlatformSSO.AdditionalGroups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_groups: Vec<String>,
    /// `PlatformSSO.AuthorizationGroups`: authorization right to group.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorization_groups: BTreeMap<String, String>,
    /// `PlatformSSO.LoginFrequency` in seconds.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub login_frequency: Option<i64>,
    /// `PlatformSSO.FileVaultPolicy` (default `AttemptAuthentication` with
    /// `Password` on macOS 15+, as Microsoft's table says).
    #[serde(default, deserialize_with = "lenient::opt_list_from_str")]
    pub filevault_policy: Option<Vec<Policy>>,
    /// `PlatformSSO.LoginPolicy`.
    #[serde(default, deserialize_with = "lenient::opt_list_from_str")]
    pub login_policy: Option<Vec<Policy>>,
    /// `PlatformSSO.UnlockPolicy`.
    #[serde(default, deserialize_with = "lenient::opt_list_from_str")]
    pub unlock_policy: Option<Vec<UnlockPolicy>>,
    /// `PlatformSSO.OfflineGracePeriod`.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub offline_grace_period: Option<i64>,
    /// `PlatformSSO.AuthenticationGracePeriod`.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub authentication_grace_period: Option<i64>,
    /// `PlatformSSO.NonPlatformSSOAccounts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_psso_accounts: Vec<String>,
    /// `PlatformSSO.EnableRegistrationDuringSetup` (macOS 26+).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_registration_during_setup: Option<bool>,
    /// `PlatformSSO.EnableCreateFirstUserDuringSetup` (macOS 26+).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enable_create_first_user_during_setup: Option<bool>,
}

/// A generated profile and what the rules said of it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The profile tree.
    pub value: plist::Value,
    /// The findings (warnings and info only; errors refuse the profile).
    pub report: Report,
    /// The fleet it was checked for.
    pub target: Target,
}

impl Spec {
    /// Lays `other` over `self`: each setting `other` gives replaces this one.
    /// `extension-data` and `authorization-groups` merge key by key (the keys
    /// of `other` win); a list `other` gives (non-empty) replaces this one.
    /// This is how a template, a spec file and the command line combine.
    pub fn overlay(&mut self, other: Spec) {
        // Destructuring makes a new field a compile error here until it is placed.
        macro_rules! overlay {
            (options: $($o:ident),+; lists: $($l:ident),+; maps: $($m:ident),+) => {
                let Spec { $($o,)+ $($l,)+ $($m,)+ } = other;
                $(if $o.is_some() { self.$o = $o; })+
                $(if !$l.is_empty() { self.$l = $l; })+
                $(self.$m.extend($m);)+
            };
        }
        overlay!(
            options: auth, min_macos, org, identifier, display_name, description,
                registration_token, account_display_name, account_name_claim, full_name_claim,
                clouds, scope, uuid, removal_disallowed, enable_create_user_at_login,
                enable_authorization, new_user_authorization_mode, user_authorization_mode,
                login_frequency, filevault_policy, login_policy, unlock_policy,
                offline_grace_period, authentication_grace_period,
                enable_registration_during_setup, enable_create_first_user_during_setup;
            lists: administrator_groups, additional_groups, non_psso_accounts;
            maps: extension_data, authorization_groups
        );
    }

    /// The fleet this spec is for.
    pub fn target(&self) -> Target {
        Target::new(self.min_macos.unwrap_or_default())
    }

    /// Builds the typed profile.
    pub fn to_profile(&self) -> Result<Profile> {
        let auth = self.auth.unwrap_or(AuthMethod::UserSecureEnclaveKey);
        let target = self.target();
        let identifier = Identifier::new(
            self.identifier
                .clone()
                .unwrap_or_else(|| DEFAULT_IDENTIFIER.to_string()),
        )?;
        let sso_identifier = identifier.child("sso");
        let uuid = |id: &Identifier| match self.uuid.unwrap_or_default() {
            UuidMode::Derived => PayloadUuid::derived(id),
            UuidMode::Random => PayloadUuid::random(),
        };
        let filevault_policy = match &self.filevault_policy {
            Some(policy) => policy.clone(),
            None if auth == AuthMethod::Password && target.min_macos >= MacOs::V15 => {
                vec![Policy::AttemptAuthentication]
            }
            None => Vec::new(),
        };
        let platform_sso = PlatformSso {
            authentication_method: Some(auth),
            use_shared_device_keys: Some(true),
            account_display_name: self.account_display_name.clone(),
            login_frequency: self.login_frequency,
            enable_create_user_at_login: self.enable_create_user_at_login,
            enable_authorization: self.enable_authorization,
            token_to_user_mapping: Some(TokenToUserMapping {
                account_name: Some(
                    self.account_name_claim
                        .clone()
                        .unwrap_or_else(|| DEFAULT_ACCOUNT_NAME_CLAIM.to_string()),
                ),
                full_name: Some(
                    self.full_name_claim
                        .clone()
                        .unwrap_or_else(|| DEFAULT_FULL_NAME_CLAIM.to_string()),
                ),
            }),
            new_user_authorization_mode: self.new_user_authorization_mode,
            user_authorization_mode: self.user_authorization_mode,
            administrator_groups: self.administrator_groups.clone(),
            additional_groups: self.additional_groups.clone(),
            authorization_groups: self.authorization_groups.clone(),
            file_vault_policy: filevault_policy,
            login_policy: self.login_policy.clone().unwrap_or_default(),
            unlock_policy: self.unlock_policy.clone().unwrap_or_default(),
            offline_grace_period: self.offline_grace_period,
            authentication_grace_period: self.authentication_grace_period,
            non_platform_sso_accounts: self.non_psso_accounts.clone(),
            enable_registration_during_setup: self.enable_registration_during_setup,
            enable_create_first_user_during_setup: self.enable_create_first_user_during_setup,
            ..PlatformSso::default()
        };
        let sso = ExtensibleSso {
            payload_uuid: uuid(&sso_identifier),
            payload_identifier: sso_identifier,
            payload_type: ExtensibleSsoType::ExtensibleSso,
            payload_version: PayloadVersion,
            payload_display_name: Some("Microsoft Enterprise SSO plug-in".to_string()),
            payload_description: None,
            payload_organization: self.org.clone(),
            extension_identifier: microsoft::EXTENSION_IDENTIFIER.to_string(),
            team_identifier: Some(microsoft::TEAM_IDENTIFIER.to_string()),
            sso_type: SsoType::Redirect,
            realm: None,
            extension_data: self.extension_data()?,
            urls: self.urls(),
            hosts: Vec::new(),
            screen_locked_behavior: Some(ScreenLockedBehavior::DoNotHandle),
            denied_bundle_identifiers: Vec::new(),
            authentication_method: if target.includes_macos_13() {
                auth.legacy()
            } else {
                None
            },
            registration_token: self.registration_token.clone(),
            platform_sso: Some(platform_sso),
        };
        Ok(Profile {
            payload_content: vec![sso],
            payload_uuid: uuid(&identifier),
            payload_identifier: identifier,
            payload_type: ProfileType::Configuration,
            payload_version: PayloadVersion,
            payload_display_name: Some(
                self.display_name
                    .clone()
                    .unwrap_or_else(|| DEFAULT_DISPLAY_NAME.to_string()),
            ),
            payload_description: Some(
                self.description
                    .clone()
                    .unwrap_or_else(|| DEFAULT_DESCRIPTION.to_string()),
            ),
            payload_organization: self.org.clone(),
            payload_scope: Some(self.scope.unwrap_or(PayloadScope::System)),
            payload_removal_disallowed: self.removal_disallowed,
            has_removal_passcode: None,
            target_device_type: Some(TargetDeviceType::Mac),
            removal_date: None,
            duration_until_removal: None,
            payload_expiration_date: None,
            consent_text: BTreeMap::new(),
        })
    }

    /// Builds the profile tree and checks it; error findings refuse it with
    /// [`Error::Rejected`], so nothing wrong is ever written.
    pub fn generate(&self) -> Result<Generated> {
        let value = self.to_profile()?.to_value()?;
        let target = self.target();
        let report = rules::check(&value, &target);
        let errors = report.count(rules::Severity::Error);
        if errors > 0 {
            return Err(Error::Rejected {
                count: errors,
                report: Box::new(report),
            });
        }
        Ok(Generated {
            value,
            report,
            target,
        })
    }

    fn urls(&self) -> Vec<String> {
        let clouds = self.clouds.as_deref().unwrap_or(&Cloud::ALL);
        microsoft::URLS
            .iter()
            .filter(|u| u.cloud == Cloud::Commercial || clouds.contains(&u.cloud))
            .map(|u| u.url.to_string())
            .collect()
    }

    fn extension_data(&self) -> Result<Option<plist::Dictionary>> {
        if self.extension_data.is_empty() {
            return Ok(None);
        }
        let mut dict = plist::Dictionary::new();
        for (key, value) in &self.extension_data {
            dict.insert(key.clone(), typed_extension_value(key, value)?);
        }
        Ok(Some(dict))
    }
}

/// Types an `ExtensionData` value by the plug-in's catalog; a key the catalog does
/// not know keeps the type it was given.
fn typed_extension_value(key: &str, value: &ExtensionValue) -> Result<plist::Value> {
    match (extension_data::lookup(key), value) {
        (Some(entry), value) => entry.value_type.parse(key, &value.to_string()),
        (None, ExtensionValue::Boolean(b)) => Ok(plist::Value::Boolean(*b)),
        (None, ExtensionValue::Integer(i)) => Ok(plist::Value::Integer((*i).into())),
        (None, ExtensionValue::String(s)) => Ok(plist::Value::String(s.clone())),
    }
}

/// Parses a command-line `KEY=VALUE` (typed by the plug-in's catalog) or
/// `KEY:TYPE=VALUE` (TYPE is `string`, `integer` or `boolean`) into the spec's
/// `ExtensionData`. Known keys are checked at once.
pub fn parse_extension_data(arg: &str) -> Result<(String, ExtensionValue)> {
    let invalid = |expected: &str| Error::InvalidValue {
        key: "extension-data".to_string(),
        value: arg.to_string(),
        expected: expected.to_string(),
    };
    let (name, text) = arg
        .split_once('=')
        .ok_or_else(|| invalid("`KEY=VALUE` or `KEY:TYPE=VALUE`"))?;
    let (key, explicit) = match name.split_once(':') {
        Some((key, ty)) => (key, Some(ty)),
        None => (name, None),
    };
    if key.is_empty() {
        return Err(invalid("a key before `=`"));
    }
    let value = match explicit {
        None if extension_data::lookup(key).is_none() => {
            return Err(Error::InvalidValue {
                key: "extension-data".to_string(),
                value: arg.to_string(),
                expected: format!(
                    "a key of the Microsoft SSO plug-in ({}), or a type for another key, as in `{key}:string=VALUE`",
                    extension_data::KEYS
                        .iter()
                        .map(|k| format!("`{}`", k.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        None => {
            typed_extension_value(key, &ExtensionValue::String(text.to_string()))?;
            ExtensionValue::String(text.to_string())
        }
        Some("string") => ExtensionValue::String(text.to_string()),
        Some("integer") => ExtensionValue::Integer(
            text.trim()
                .parse()
                .map_err(|_| invalid("an integer after `=`"))?,
        ),
        Some("boolean") => ExtensionValue::Boolean(match text.trim() {
            "true" => true,
            "false" => false,
            _ => return Err(invalid("`true` or `false` after `=`")),
        }),
        Some(_) => return Err(invalid("a type of `string`, `integer` or `boolean`")),
    };
    Ok((key.to_string(), value))
}

#[cfg(test)]
mod tests;
