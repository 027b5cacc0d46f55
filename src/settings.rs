//! Every setting of `generate`, declared once.
//!
//! One entry below says everything about a setting: its help (the doc comment, which
//! is also the command-line help), its type, its command-line option (the `arg(...)`
//! attributes, read by clap behind the `cli` feature), how a spec file writes it (the
//! field name in kebab-case, and the `serde(...)` attributes), and where it lands in the
//! profile. From these entries come:
//!
//! - [`Spec`]: the settings as one struct, read from spec files (serde) and from the
//!   command line (`clap::Args`), with [`Spec::overlay`] to layer them;
//! - [`PlatformSso`]: the typed model's `PlatformSSO` dictionary, whose fields are
//!   the keys the generator builds itself and one per `PlatformSSO` setting (re-exported
//!   as [`crate::model::PlatformSso`]);
//! - [`SETTINGS`]: the table `explain` and the documentation read.
//!
//! An entry ends in where the setting lands: `platform_sso "Key"` copies the value to
//! `PlatformSSO.Key` with no code of its own; `=> payload "Key"`, `=> profile "Key"`
//! and `=> none ""` are mapped by hand in [`Spec::to_profile`](crate::spec::Spec::to_profile)
//! (defaults that depend on other settings, one value written to several keys);
//! `=> declaration "Key"` is a top-level key of the declaration that
//! [`Spec::declaration_options`](crate::spec::Spec::declaration_options) gives. A
//! key's macOS versions, type and allowed values come from the Apple catalog
//! ([`crate::catalog::apple`]), and a setting's default is the `[default: ...]` of its
//! help.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::apple::{self, AppleKey, Scope};
use crate::catalog::microsoft::Cloud;
use crate::model::{
    AuthMethod, AuthorizationMode, Base64Data, MacOs, MacOsRange, NewUserAuthMethod,
    NewUserAuthorizationMode, NonNegative, PayloadScope, Policy, TokenToUserMapping, UnlockPolicy,
};
use crate::rules::Expect;
use crate::spec::{AuthorizationGroup, ExtensionEntry, UuidMode, entries, lenient};

/// Where a setting lands in the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", content = "key", rename_all = "kebab-case")]
pub enum Place {
    /// A key of the outer profile.
    Profile(&'static str),
    /// A key path inside the Extensible SSO payload.
    Payload(&'static str),
    /// A top-level key of the `extensible-sso` declaration (`generate --format
    /// declaration`), such as `Identifier`.
    Declaration(&'static str),
    /// A key of the payload's `PlatformSSO` dictionary, copied as it is.
    PlatformSso(&'static str),
    /// No key of its own: it decides how others are written.
    None,
}

/// One setting of `generate`: what [`SETTINGS`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    field: &'static str,
    option: Option<&'static str>,
    doc: &'static str,
    /// Where the setting lands in the profile.
    pub place: Place,
}

impl Setting {
    /// The field name of [`Spec`] (`registration_token`).
    pub fn field_name(&self) -> &'static str {
        self.field
    }

    /// The spec-file key: the field name in kebab-case (`registration-token`).
    pub fn key(&self) -> String {
        self.field.replace('_', "-")
    }

    /// The command-line option's long name without dashes: the spec key, or the
    /// singular of a repeatable list (`administrator-group`).
    pub fn option(&self) -> String {
        self.option.map_or_else(|| self.key(), str::to_string)
    }

    /// The help text, on one line.
    pub fn help(&self) -> String {
        self.doc.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The default, as the help's `[default: ...]` says.
    pub fn default(&self) -> Option<&'static str> {
        let start = self.doc.find("[default: ")? + "[default: ".len();
        let end = start + self.doc[start..].find(']')?;
        Some(&self.doc[start..end])
    }

    /// The Apple key the setting writes, from the catalog.
    pub fn apple_key(&self) -> Option<&'static AppleKey> {
        match self.place {
            Place::Profile(key) => apple::lookup(Scope::Profile, key),
            Place::Payload(key) => apple::lookup(Scope::ExtensibleSso, key),
            Place::PlatformSso(key) => {
                apple::lookup(Scope::ExtensibleSso, &format!("PlatformSSO.{key}"))
            }
            Place::Declaration(_) | Place::None => None,
        }
    }

    /// The key path inside the Extensible SSO payload or the profile, as `explain`
    /// takes it (`PlatformSSO.LoginFrequency`, `PayloadOrganization`).
    pub fn key_path(&self) -> Option<String> {
        match self.place {
            Place::Profile(key) | Place::Payload(key) => Some(key.to_string()),
            Place::PlatformSso(key) => Some(format!("PlatformSSO.{key}")),
            Place::Declaration(_) | Place::None => None,
        }
    }

    /// The macOS versions that read the setting's key (every version for a
    /// setting without a key of its own; those that read the declaration for a
    /// declaration key).
    pub fn macos(&self) -> MacOsRange {
        if let Place::Declaration(_) = self.place {
            return MacOsRange::from(crate::declaration::EXTENSIBLE_SSO_MACOS);
        }
        self.apple_key().map_or(MacOsRange::ALL, |k| MacOsRange {
            since: Some(k.introduced),
            until: None,
        })
    }
}

impl Serialize for Setting {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Setting", 6)?;
        s.serialize_field("key", &self.key())?;
        s.serialize_field("option", &format!("--{}", self.option()))?;
        s.serialize_field("help", &self.help())?;
        s.serialize_field("default", &self.default())?;
        s.serialize_field("place", &self.place)?;
        s.serialize_field("macos", &self.macos())?;
        s.end()
    }
}

/// The setting whose spec key or option is `name` (with or without the leading `--`).
pub fn setting(name: &str) -> Option<&'static Setting> {
    let name = name.strip_prefix("--").unwrap_or(name);
    SETTINGS
        .iter()
        .find(|s| s.key() == name || s.option() == name)
}

/// The setting that writes the Apple key at `path` of the Extensible SSO payload
/// (or of the profile).
pub fn setting_for_key(path: &str) -> Option<&'static Setting> {
    SETTINGS
        .iter()
        .find(|s| s.key_path().as_deref() == Some(path))
}

/// Whether a setting is left unset: `None`, or an empty list.
pub trait Unset {
    /// `true` when nothing was given.
    fn is_unset(&self) -> bool;
}

impl<T: Unset> Unset for Option<T> {
    fn is_unset(&self) -> bool {
        self.as_ref().is_none_or(Unset::is_unset)
    }
}

impl<T> Unset for Vec<T> {
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

macro_rules! never_unset {
    ($($ty:ty),+) => { $(impl Unset for $ty { fn is_unset(&self) -> bool { false } })+ };
}
never_unset!(String, bool, i64);

/// How a setting given later replaces one given earlier.
pub trait Overlay {
    /// Lays `other` over `self`.
    fn overlay(&mut self, other: Self);
}

impl<T> Overlay for Option<T> {
    /// A value given replaces this one.
    fn overlay(&mut self, other: Self) {
        if other.is_some() {
            *self = other;
        }
    }
}

impl Overlay for Vec<String> {
    /// A list given (non-empty) replaces this one.
    fn overlay(&mut self, other: Self) {
        if !other.is_empty() {
            *self = other;
        }
    }
}

/// The entries of a dictionary setting (`extension-data`, `authorization-groups`):
/// later entries replace earlier ones key by key.
pub trait Keyed {
    /// The entry's key.
    fn key(&self) -> &str;
}

impl<E: Keyed> Overlay for Vec<E> {
    fn overlay(&mut self, other: Self) {
        for entry in other {
            match self.iter_mut().find(|e| e.key() == entry.key()) {
                Some(existing) => *existing = entry,
                None => self.push(entry),
            }
        }
        self.sort_by(|a, b| a.key().cmp(b.key()));
    }
}

/// Declares the settings; see the module documentation. Entries are munched one by
/// one so that the `PlatformSSO` ones can also be gathered apart, in the same order.
macro_rules! settings {
    // An entry copied into `PlatformSSO`: into the spec, the model and the table.
    (@munch [$($spec:tt)*] [$($psso:tt)*]
        $(#[doc = $doc:literal])+
        $field:ident : $ty:ty, $(option $opt:literal,)? arg($($arg:tt)*) $(, serde($($serde:tt)*))?
        => platform_sso $key:literal;
        $($rest:tt)*
    ) => {
        settings!(@munch
            [$($spec)* {
                [$($doc)+] $field [$ty] [$($opt)?] [$($arg)*] [$($($serde)*)?]
                [Place::PlatformSso($key)]
            }]
            [$($psso)* { [$($doc)+] $field [$ty] $key }]
            $($rest)*
        );
    };
    // An entry mapped by hand: into the spec and the table.
    (@munch [$($spec:tt)*] [$($psso:tt)*]
        $(#[doc = $doc:literal])+
        $field:ident : $ty:ty, $(option $opt:literal,)? arg($($arg:tt)*) $(, serde($($serde:tt)*))?
        => $place:ident $key:literal;
        $($rest:tt)*
    ) => {
        settings!(@munch
            [$($spec)* {
                [$($doc)+] $field [$ty] [$($opt)?] [$($arg)*] [$($($serde)*)?]
                [settings!(@place $place $key)]
            }]
            [$($psso)*]
            $($rest)*
        );
    };
    (@place profile $key:literal) => { Place::Profile($key) };
    (@place payload $key:literal) => { Place::Payload($key) };
    (@place declaration $key:literal) => { Place::Declaration($key) };
    (@place none $key:literal) => { Place::None };
    (@munch
        [$({
            [$($doc:literal)+] $field:ident [$ty:ty] [$($opt:literal)?] [$($arg:tt)*] [$($serde:tt)*]
            [$place:expr]
        })*]
        [$({ [$($pdoc:literal)+] $pfield:ident [$pty:ty] $pkey:literal })*]
    ) => {
        /// The settings of one generated profile, from the command line, a spec file
        /// or a template. `None` (or an empty list) means the default.
        ///
        /// Field names are the spec-file keys (in kebab-case) and the long options
        /// of `generate`.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "cli", derive(clap::Args))]
        #[serde(rename_all = "kebab-case", deny_unknown_fields)]
        pub struct Spec {
            $(
                $(#[doc = $doc])+
                #[cfg_attr(feature = "cli", arg(long $(= $opt)?, $($arg)*))]
                #[serde($($serde)*)]
                pub $field: $ty,
            )*
        }

        impl Spec {
            /// Lays `other` over `self`: each setting `other` gives replaces this one.
            /// `extension-data` and `authorization-groups` merge key by key (the keys
            /// of `other` win); a list `other` gives (non-empty) replaces this one.
            /// This is how a template, a spec file and the command line combine.
            pub fn overlay(&mut self, other: Spec) {
                $(Overlay::overlay(&mut self.$field, other.$field);)*
            }

            /// The `PlatformSSO` dictionary with this spec's settings copied in; the
            /// keys the generator builds itself (the authentication method, shared
            /// device keys, the token-to-user mapping, authorization groups) are left
            /// unset.
            pub fn platform_sso(&self) -> PlatformSso {
                PlatformSso {
                    authentication_method: None,
                    use_shared_device_keys: None,
                    token_to_user_mapping: None,
                    authorization_groups: BTreeMap::new(),
                    $($pfield: self.$pfield.clone(),)*
                }
            }
        }

        /// The `PlatformSSO` dictionary of the typed model: the keys the generator
        /// builds itself, then one field per `PlatformSSO` setting, in its spec
        /// type. An unset value is left out of the profile.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct PlatformSso {
            /// `AuthenticationMethod`.
            #[serde(rename = "AuthenticationMethod", default, skip_serializing_if = "Option::is_none")]
            pub authentication_method: Option<AuthMethod>,
            /// `UseSharedDeviceKeys`: Microsoft requires `true`; device channel only.
            #[serde(rename = "UseSharedDeviceKeys", default, skip_serializing_if = "Option::is_none")]
            pub use_shared_device_keys: Option<bool>,
            /// `TokenToUserMapping`.
            #[serde(rename = "TokenToUserMapping", default, skip_serializing_if = "Option::is_none")]
            pub token_to_user_mapping: Option<TokenToUserMapping>,
            /// `AuthorizationGroups`: authorization right to group name.
            #[serde(rename = "AuthorizationGroups", default, skip_serializing_if = "BTreeMap::is_empty")]
            pub authorization_groups: BTreeMap<String, String>,
            $(
                $(#[doc = $pdoc])+
                #[serde(rename = $pkey, default, skip_serializing_if = "Unset::is_unset")]
                pub $pfield: $pty,
            )*
        }

        /// Every setting of `generate`, in the order of its options.
        pub static SETTINGS: &[Setting] = &[
            $(Setting {
                field: stringify!($field),
                option: settings!(@option $($opt)?),
                doc: concat!($($doc, "\n"),+),
                place: $place,
            },)*
        ];
    };
    (@option $opt:literal) => { Some($opt) };
    (@option) => { None };
    ($($entries:tt)*) => { settings!(@munch [] [] $($entries)*); };
}

settings! {
    /// Authentication method (Apple's spelling; case-insensitive, kebab-case accepted)
    /// [default: UserSecureEnclaveKey]
    auth: Option<AuthMethod>,
        arg(value_name = "METHOD", ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => payload "PlatformSSO.AuthenticationMethod";
    /// Oldest macOS of the fleet: 13 adds the deprecated top-level key macOS 13 reads
    /// [default: 14]
    min_macos: Option<MacOs>,
        arg(value_name = "VERSION", value_parser = crate::model::parse_macos_arg),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => none "";
    /// What the profile configures: `platform-sso`, or `sso-extension` for the Microsoft
    /// SSO extension without Platform SSO (no PlatformSSO, no macOS 13 key, no
    /// registration token); `any` is `platform-sso` here [default: platform-sso]
    expect: Option<Expect>,
        arg(value_name = "KIND", ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => none "";
    /// PayloadOrganization of the profile and its payload
    org: Option<String>,
        arg(value_name = "NAME")
        => profile "PayloadOrganization";
    /// PayloadIdentifier of the profile (the SSO payload gets `<identifier>.sso`)
    /// [default: com.psso-profile.platformsso]
    identifier: Option<String>,
        arg(value_name = "ID")
        => profile "PayloadIdentifier";
    /// PayloadDisplayName of the profile
    display_name: Option<String>,
        arg(value_name = "TEXT")
        => profile "PayloadDisplayName";
    /// PayloadDescription of the profile
    description: Option<String>,
        arg(value_name = "TEXT")
        => profile "PayloadDescription";
    /// RegistrationToken, such as `{{DEVICEREGISTRATION}}` (kept literally for the MDM to substitute)
    registration_token: Option<String>,
        arg(value_name = "TOKEN", group = "token"),
        serde(default, deserialize_with = "lenient::opt_token")
        => payload "RegistrationToken";
    /// PlatformSSO.AccountDisplayName: the organisation name in Platform SSO notifications
    account_display_name: Option<String>,
        arg(value_name = "TEXT")
        => platform_sso "AccountDisplayName";
    /// Token claim for the local account name (TokenToUserMapping.AccountName); Microsoft's
    /// 2026 guide recommends `com.apple.PlatformSSO.AccountShortName` [default: preferred_username]
    account_name_claim: Option<String>,
        arg(value_name = "CLAIM")
        => payload "PlatformSSO.TokenToUserMapping.AccountName";
    /// Token claim for the local full name (TokenToUserMapping.FullName) [default: name]
    full_name_claim: Option<String>,
        arg(value_name = "CLAIM")
        => payload "PlatformSSO.TokenToUserMapping.FullName";
    /// ExtensionData for the SSO plug-in, typed by its catalog; `KEY:TYPE=VALUE` (string,
    /// integer, boolean) passes a key the catalog does not know
    extension_data: Vec<ExtensionEntry>,
        arg(value_name = "KEY=VALUE"),
        serde(default, with = "entries", skip_serializing_if = "Vec::is_empty")
        => payload "ExtensionData";
    /// Microsoft clouds whose sign-in URLs to list; the commercial URLs are always listed
    /// [default: commercial,china,us-government]
    clouds: Option<Vec<Cloud>>,
        arg(value_name = "CLOUD", value_delimiter = ','),
        serde(default, deserialize_with = "lenient::opt_list_from_str")
        => payload "URLs";
    /// PayloadScope; shared device keys need `System` [default: System]
    scope: Option<PayloadScope>,
        arg(value_name = "SCOPE", ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => profile "PayloadScope";
    /// PayloadUUIDs: derived from the identifiers (same input, same bytes) or random
    /// [default: derived]
    uuid: Option<UuidMode>,
        arg(value_name = "MODE"),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => profile "PayloadUUID";
    /// Set PayloadRemovalDisallowed (`=false` turns off what a spec set)
    removal_disallowed: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => profile "PayloadRemovalDisallowed";
    /// PlatformSSO.EnableCreateUserAtLogin: create local accounts at the login window
    enable_create_user_at_login: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "EnableCreateUserAtLogin";
    /// PlatformSSO.EnableAuthorization: Entra accounts at authorization prompts (shared Macs)
    enable_authorization: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "EnableAuthorization";
    /// PlatformSSO.NewUserAuthorizationMode (Microsoft supports Standard and Admin)
    new_user_authorization_mode: Option<NewUserAuthorizationMode>,
        arg(value_name = "MODE", ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => platform_sso "NewUserAuthorizationMode";
    /// PlatformSSO.UserAuthorizationMode (Microsoft supports Standard and Admin)
    user_authorization_mode: Option<AuthorizationMode>,
        arg(value_name = "MODE", ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => platform_sso "UserAuthorizationMode";
    /// PlatformSSO.AdministratorGroups (repeatable)
    administrator_groups: Vec<String>,
        option "administrator-group",
        arg(value_name = "GROUP"),
        serde(default, skip_serializing_if = "Vec::is_empty")
        => platform_sso "AdministratorGroups";
    /// PlatformSSO.AdditionalGroups (repeatable)
    additional_groups: Vec<String>,
        option "additional-group",
        arg(value_name = "GROUP"),
        serde(default, skip_serializing_if = "Vec::is_empty")
        => platform_sso "AdditionalGroups";
    /// PlatformSSO.AuthorizationGroups entry (repeatable)
    authorization_groups: Vec<AuthorizationGroup>,
        option "authorization-group",
        arg(value_name = "RIGHT=GROUP"),
        serde(default, with = "entries", skip_serializing_if = "Vec::is_empty")
        => payload "PlatformSSO.AuthorizationGroups";
    /// PlatformSSO.LoginFrequency in seconds (at least 3600)
    login_frequency: Option<NonNegative>,
        arg(value_name = "SECONDS"),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => platform_sso "LoginFrequency";
    /// PlatformSSO.FileVaultPolicy, comma-separated (default with Password on macOS 15+:
    /// AttemptAuthentication)
    filevault_policy: Option<Vec<Policy>>,
        arg(value_name = "POLICY", value_delimiter = ',', ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_list_from_str")
        => platform_sso "FileVaultPolicy";
    /// PlatformSSO.LoginPolicy, comma-separated
    login_policy: Option<Vec<Policy>>,
        arg(value_name = "POLICY", value_delimiter = ',', ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_list_from_str")
        => platform_sso "LoginPolicy";
    /// PlatformSSO.UnlockPolicy, comma-separated
    unlock_policy: Option<Vec<UnlockPolicy>>,
        arg(value_name = "POLICY", value_delimiter = ',', ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_list_from_str")
        => platform_sso "UnlockPolicy";
    /// PlatformSSO.OfflineGracePeriod (0 or more)
    offline_grace_period: Option<NonNegative>,
        arg(value_name = "N"),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => platform_sso "OfflineGracePeriod";
    /// PlatformSSO.AuthenticationGracePeriod (0 or more)
    authentication_grace_period: Option<NonNegative>,
        arg(value_name = "N"),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => platform_sso "AuthenticationGracePeriod";
    /// PlatformSSO.NonPlatformSSOAccounts: local accounts exempt from the policies (repeatable)
    non_psso_accounts: Vec<String>,
        option "non-psso-account",
        arg(value_name = "USER"),
        serde(default, skip_serializing_if = "Vec::is_empty")
        => platform_sso "NonPlatformSSOAccounts";
    /// PlatformSSO.AllowDeviceIdentifiersInAttestation: device identifiers in attestations
    /// (macOS 15.4+)
    allow_device_identifiers_in_attestation: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "AllowDeviceIdentifiersInAttestation";
    /// PlatformSSO.EnableRegistrationDuringSetup: register in Setup Assistant (macOS 26+)
    enable_registration_during_setup: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "EnableRegistrationDuringSetup";
    /// PlatformSSO.EnableCreateFirstUserDuringSetup (macOS 26+; Microsoft: Password only;
    /// written false with another method and registration during setup, Apple's default
    /// being true)
    enable_create_first_user_during_setup: Option<bool>,
        arg(value_name = "BOOL"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "EnableCreateFirstUserDuringSetup";
    /// PlatformSSO.NewUserAuthenticationMethods, comma-separated (macOS 26+)
    new_user_authentication_methods: Option<Vec<NewUserAuthMethod>>,
        arg(value_name = "METHOD", value_delimiter = ',', ignore_case = true),
        serde(default, deserialize_with = "lenient::opt_list_from_str")
        => platform_sso "NewUserAuthenticationMethods";
    /// PlatformSSO.SynchronizeProfilePicture: the account picture from the identity provider
    /// (macOS 26+)
    synchronize_profile_picture: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "SynchronizeProfilePicture";
    /// PlatformSSO.TemporarySessionQuickLogin: quicker Authenticated Guest Mode sessions
    /// (macOS 26+)
    temporary_session_quick_login: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "TemporarySessionQuickLogin";
    /// PlatformSSO.AllowAccessKeyExpressMode: access keys without authentication before use
    /// (macOS 26+)
    allow_access_key_express_mode: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "AllowAccessKeyExpressMode";
    /// PlatformSSO.AccessKeyReaderGroupIdentifier, in base64: the access key's reader group
    /// (macOS 26+)
    access_key_reader_group_identifier: Option<Base64Data>,
        arg(value_name = "BASE64"),
        serde(default, deserialize_with = "lenient::opt_from_str")
        => platform_sso "AccessKeyReaderGroupIdentifier";
    /// PlatformSSO.AccessKeyTerminalIdentityUUID: the PayloadUUID of the access key's
    /// terminal identity payload (macOS 26+)
    access_key_terminal_identity_uuid: Option<String>,
        arg(value_name = "UUID")
        => platform_sso "AccessKeyTerminalIdentityUUID";
    /// PlatformSSO.AccessKeyReaderIssuerCertificateUUID: the PayloadUUID of the certificate
    /// payload that issued the terminal identity (macOS 26.2+)
    access_key_reader_issuer_certificate_uuid: Option<String>,
        arg(value_name = "UUID")
        => platform_sso "AccessKeyReaderIssuerCertificateUUID";
    /// PlatformSSO.WebLoginURLAllowList: hosts or host prefixes the web login may load,
    /// comma-separated or repeated; required with OpenID (macOS 27+)
    web_login_url_allow_list: Vec<String>,
        arg(value_name = "HOST", value_delimiter = ','),
        serde(default, skip_serializing_if = "Vec::is_empty")
        => platform_sso "WebLoginURLAllowList";
    /// PlatformSSO.AllowWebLoginPasswordSync: the password typed at web login becomes the
    /// local account's (macOS 27+)
    allow_web_login_password_sync: Option<bool>,
        arg(value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true"),
        serde(default, deserialize_with = "lenient::opt_bool")
        => platform_sso "AllowWebLoginPasswordSync";
    /// Identifier of the declaration (`--format declaration`)
    /// [default: the profile identifier with `.extensible-sso` appended]
    declaration_identifier: Option<String>,
        arg(value_name = "ID")
        => declaration "Identifier";
    /// ServerToken of the declaration (`--format declaration`)
    /// [default: a v5 UUID of its content, which changes when the content does]
    server_token: Option<String>,
        arg(value_name = "TOKEN")
        => declaration "ServerToken";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_with_a_key_names_an_apple_key() {
        for s in SETTINGS {
            match s.place {
                Place::None | Place::Declaration(_) => {}
                _ => assert!(s.apple_key().is_some(), "{}: {:?}", s.key(), s.place),
            }
        }
    }

    /// Adding a `PlatformSSO` key to the Apple catalog without a setting here fails
    /// this test: `generate` takes every key Apple defines.
    #[test]
    fn every_platform_sso_key_of_the_catalog_is_a_setting() {
        const BUILT_BY_THE_GENERATOR: &[&str] = &[
            "PlatformSSO.AuthenticationMethod",
            "PlatformSSO.UseSharedDeviceKeys",
            "PlatformSSO.TokenToUserMapping",
        ];
        for key in apple::children(Scope::ExtensibleSso, "PlatformSSO") {
            assert!(
                BUILT_BY_THE_GENERATOR.contains(&key.path) || setting_for_key(key.path).is_some(),
                "`{}` has no setting in src/settings.rs",
                key.path
            );
        }
    }

    #[test]
    fn the_table_follows_the_spec_fields() {
        let keys: Vec<String> = SETTINGS.iter().map(Setting::key).collect();
        assert_eq!(keys, crate::spec::keys());
    }

    #[test]
    fn settings_are_found_by_key_option_and_apple_key() {
        let s = setting("--administrator-group").unwrap();
        assert_eq!(s.key(), "administrator-groups");
        assert_eq!(setting("administrator-groups"), Some(s));
        assert_eq!(
            setting_for_key("PlatformSSO.AdministratorGroups").map(Setting::key),
            Some("administrator-groups".to_string())
        );
        let auth = setting("auth").unwrap();
        assert_eq!(auth.default(), Some("UserSecureEnclaveKey"));
        assert_eq!(
            auth.help(),
            "Authentication method (Apple's spelling; case-insensitive, kebab-case accepted) [default: UserSecureEnclaveKey]"
        );
        assert_eq!(setting("org").unwrap().default(), None);
        assert_eq!(
            setting("allow-device-identifiers-in-attestation")
                .unwrap()
                .macos()
                .to_string(),
            "15.4+"
        );
    }

    #[test]
    fn a_platform_sso_setting_needs_no_mapping_code() {
        let spec = Spec {
            login_frequency: NonNegative::new(7200),
            administrator_groups: vec!["admins".into()],
            ..Spec::default()
        };
        let value = plist::to_value(&spec.platform_sso()).unwrap();
        let dict = value.as_dictionary().unwrap();
        assert_eq!(
            dict.get("LoginFrequency")
                .and_then(plist::Value::as_signed_integer),
            Some(7200)
        );
        assert_eq!(dict.len(), 2, "{dict:?}");
    }

    #[test]
    fn overlays_replace_values_and_merge_dictionaries() {
        let mut base = Spec {
            org: Some("A".into()),
            additional_groups: vec!["x".into()],
            authorization_groups: vec!["b=1".parse().unwrap(), "a=1".parse().unwrap()],
            ..Spec::default()
        };
        base.overlay(Spec {
            org: Some("B".into()),
            authorization_groups: vec!["b=2".parse().unwrap()],
            ..Spec::default()
        });
        assert_eq!(base.org.as_deref(), Some("B"));
        assert_eq!(base.additional_groups, ["x"]);
        let groups: Vec<_> = base
            .authorization_groups
            .iter()
            .map(|g| format!("{}={}", g.right, g.group))
            .collect();
        assert_eq!(groups, ["a=1", "b=2"]);
    }
}
