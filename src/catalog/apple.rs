//! Apple's keys: the outer profile (`TopLevel.yaml`), the keys common to every
//! payload (`CommonPayloadKeys.yaml`) and the `com.apple.extensiblesso` payload
//! (`com.apple.extensiblesso.yaml` at commit 97a11a8, which annotates the macOS 26
//! and 27 keys and values).
//!
//! A value newer than its key (`OpenID`, the Touch ID policies) carries its own
//! macOS version ([`AppleKey::value_introduced`]), taken from the model's enum.
//!
//! A test cross-checks this table, values' versions and defaults included, against
//! Apple's YAML where the reference copy is present.

use crate::model::{
    AuthMethod, AuthorizationMode, MacOs, NewUserAuthMethod, NewUserAuthorizationMode,
    PayloadScope, Policy, ScreenLockedBehavior, SsoType, UnlockPolicy,
};

/// The type of a property-list value, as Apple's schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `<string>`.
    String,
    /// `<integer>`.
    Integer,
    /// `<real>`.
    Real,
    /// `<boolean>`.
    Boolean,
    /// `<date>`.
    Date,
    /// `<data>`.
    Data,
    /// `<array>`.
    Array,
    /// `<dictionary>`.
    Dictionary,
    /// `<any>`.
    Any,
}

impl Kind {
    /// Apple's schema spelling, such as `<string>`.
    pub const fn schema_name(self) -> &'static str {
        match self {
            Kind::String => "<string>",
            Kind::Integer => "<integer>",
            Kind::Real => "<real>",
            Kind::Boolean => "<boolean>",
            Kind::Date => "<date>",
            Kind::Data => "<data>",
            Kind::Array => "<array>",
            Kind::Dictionary => "<dictionary>",
            Kind::Any => "<any>",
        }
    }

    /// The kind of a property-list value (`None` for `Uid`, which profiles never hold).
    pub fn of(value: &plist::Value) -> Option<Kind> {
        Some(match value {
            plist::Value::String(_) => Kind::String,
            plist::Value::Integer(_) => Kind::Integer,
            plist::Value::Real(_) => Kind::Real,
            plist::Value::Boolean(_) => Kind::Boolean,
            plist::Value::Date(_) => Kind::Date,
            plist::Value::Data(_) => Kind::Data,
            plist::Value::Array(_) => Kind::Array,
            plist::Value::Dictionary(_) => Kind::Dictionary,
            _ => return None,
        })
    }

    /// Whether a value of kind `actual` is acceptable where `self` is expected.
    pub fn accepts(self, actual: Kind) -> bool {
        self == Kind::Any || self == actual
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Real => "a real number",
            Kind::Boolean => "a boolean",
            Kind::Date => "a date",
            Kind::Data => "data",
            Kind::Array => "an array",
            Kind::Dictionary => "a dictionary",
            Kind::Any => "any value",
        })
    }
}

/// Which dictionary a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Scope {
    /// The outer profile (`TopLevel`).
    Profile,
    /// Every payload dictionary inside `PayloadContent` (common payload keys).
    Payload,
    /// The `com.apple.extensiblesso` payload; paths are relative to the payload.
    ExtensibleSso,
}

/// Where a fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Source {
    /// Apple's device-management YAML schema (commit 97a11a8: macOS 26 and 27).
    AppleSchema,
    /// Apple's developer documentation, newer than the schema snapshot.
    AppleDocumentation,
}

/// An Apple `rangelist` as the model's enum gives it: the values in Apple's order,
/// and the macOS version of each value newer than the keys that take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rangelist {
    /// Apple's spelling of every value, in Apple's order.
    pub names: &'static [&'static str],
    /// The values introduced after their key, with the version that introduced them.
    pub introduced: &'static [(&'static str, MacOs)],
}

/// One key of Apple's schema.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AppleKey {
    /// The dictionary the key belongs to.
    pub scope: Scope,
    /// The key's path inside its scope: nested dictionary keys are joined with
    /// `.`, such as `PlatformSSO.TokenToUserMapping.AccountName`.
    pub path: &'static str,
    /// The last component of `path` (see [`AppleKey::name`]).
    #[serde(skip)]
    name: &'static str,
    /// `path` without its last component (see [`AppleKey::parent`]).
    #[serde(skip)]
    parent: &'static str,
    /// The value's type.
    pub kind: Kind,
    /// For arrays, the type of each item; for dictionaries with free keys
    /// (`ExtensionData`, `AuthorizationGroups`), the type of each value.
    pub item: Option<Kind>,
    /// Whether the key is required in its dictionary.
    pub required: bool,
    /// Allowed values (`rangelist`) of the value or, for arrays, of each item.
    pub allowed: &'static [&'static str],
    /// The allowed values newer than the key, with the macOS version that
    /// introduced each (see [`AppleKey::value_introduced`]).
    #[serde(
        rename = "values_introduced",
        serialize_with = "serialize_value_versions"
    )]
    pub value_introduced: &'static [(&'static str, MacOs)],
    /// Smallest allowed integer (`range.min`).
    pub min: Option<i64>,
    /// Apple's default, as Apple writes it.
    pub default: Option<&'static str>,
    /// The macOS version that introduced the key.
    #[serde(serialize_with = "MacOs::serialize_full")]
    pub introduced: MacOs,
    /// The macOS version that deprecated the key.
    #[serde(serialize_with = "MacOs::serialize_full_opt")]
    pub deprecated: Option<MacOs>,
    /// `false` where Apple supports the key on the device channel only.
    pub user_channel: bool,
    /// Where the facts come from.
    pub source: Source,
    /// What the key does, in a sentence.
    pub summary: &'static str,
    /// The key's path in the `extensible-sso` declaration's `Payload`, when it has
    /// a key of its own there (Apple's declaration schema).
    #[serde(skip)]
    pub declaration: Option<&'static str>,
}

impl AppleKey {
    /// The key's own name: the last component of its path.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The path of the dictionary holding the key (empty for a key of the scope's root).
    pub fn parent(&self) -> &'static str {
        self.parent
    }

    /// The macOS version that introduced the allowed value `value`, when it is newer
    /// than the key (`OpenID` of `PlatformSSO.AuthenticationMethod`: 27.0).
    pub fn value_introduced(&self, value: &str) -> Option<MacOs> {
        self.value_introduced
            .iter()
            .find(|(name, _)| *name == value)
            .map(|&(_, version)| version)
            .filter(|version| *version > self.introduced)
    }
}

/// `values_introduced` is written as an object of value to version (`"27.0"`).
fn serialize_value_versions<S: serde::Serializer>(
    versions: &&'static [(&'static str, MacOs)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(versions.iter().map(|(v, m)| (v, format!("{m:#}"))))
}

/// Splits a key path at its last `.`: the parent's path and the key's name,
/// at compile time (the rules ask for names and parents on every check).
const fn split_path(path: &'static str) -> (&'static str, &'static str) {
    let bytes = path.as_bytes();
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if bytes[i] == b'.' {
            let (parent, dot_name) = path.split_at(i);
            return (parent, dot_name.split_at(1).1);
        }
    }
    ("", path)
}

const fn v(major: u16, minor: u16) -> MacOs {
    MacOs::new(major, minor)
}

/// A key with the usual defaults: optional, no rangelist, user channel allowed,
/// from Apple's schema.
const fn key(
    scope: Scope,
    path: &'static str,
    kind: Kind,
    introduced: MacOs,
    summary: &'static str,
) -> AppleKey {
    let (parent, name) = split_path(path);
    AppleKey {
        scope,
        path,
        name,
        parent,
        kind,
        item: None,
        required: false,
        allowed: &[],
        value_introduced: &[],
        min: None,
        default: None,
        introduced,
        deprecated: None,
        user_channel: true,
        source: Source::AppleSchema,
        summary,
        declaration: None,
    }
}

const fn required(k: AppleKey) -> AppleKey {
    AppleKey {
        required: true,
        ..k
    }
}
const fn allowed(k: AppleKey, values: &'static [&'static str]) -> AppleKey {
    AppleKey {
        allowed: values,
        ..k
    }
}
/// The values of one of the model's enums, with their versions.
const fn rangelist(k: AppleKey, values: Rangelist) -> AppleKey {
    AppleKey {
        allowed: values.names,
        value_introduced: values.introduced,
        ..k
    }
}
const fn items(k: AppleKey, item: Kind) -> AppleKey {
    AppleKey {
        item: Some(item),
        ..k
    }
}
/// A key of the Extensible SSO payload with its name in the `extensible-sso`
/// declaration's `Payload` (`PlatformSSO.Policies.FileVault` for
/// `PlatformSSO.FileVaultPolicy`): [`crate::declaration::map`] reads it.
const fn declared(declaration: &'static str, k: AppleKey) -> AppleKey {
    AppleKey {
        declaration: Some(declaration),
        ..k
    }
}
const fn default(k: AppleKey, value: &'static str) -> AppleKey {
    AppleKey {
        default: Some(value),
        ..k
    }
}

use Kind::{Array, Boolean, Data, Date, Dictionary, Integer, Real, String as Str};
use Scope::{ExtensibleSso as Sso, Payload, Profile};

// The rangelists the model has enums for take their values (and the versions of
// values newer than their key) from the enum, so a value is added in one place.
const POLICIES: Rangelist = Policy::RANGELIST;
const UNLOCK_POLICIES: Rangelist = UnlockPolicy::RANGELIST;

/// Every key Apple defines for a Platform SSO profile.
pub static KEYS: &[AppleKey] = &[
    // The outer profile.
    required(key(
        Profile,
        "PayloadIdentifier",
        Str,
        v(10, 7),
        "Reverse-DNS identifier; decides whether an install replaces an existing profile.",
    )),
    required(key(
        Profile,
        "PayloadUUID",
        Str,
        v(10, 7),
        "Globally unique identifier of the profile.",
    )),
    required(allowed(
        key(
            Profile,
            "PayloadType",
            Str,
            v(10, 7),
            "The type of payload; only `Configuration`.",
        ),
        &["Configuration"],
    )),
    required(allowed(
        key(
            Profile,
            "PayloadVersion",
            Integer,
            v(10, 7),
            "The version of the profile format; only 1.",
        ),
        &["1"],
    )),
    default(
        key(
            Profile,
            "IsEncrypted",
            Boolean,
            v(10, 7),
            "Whether the payloads are encrypted.",
        ),
        "false",
    ),
    required(items(
        key(
            Profile,
            "PayloadContent",
            Array,
            v(10, 7),
            "The payload dictionaries.",
        ),
        Dictionary,
    )),
    key(
        Profile,
        "EncryptedPayloadContent",
        Data,
        v(10, 7),
        "The encrypted payloads, when `IsEncrypted` is true.",
    ),
    key(
        Profile,
        "PayloadDescription",
        Str,
        v(10, 7),
        "Description shown on the profile's detail screen.",
    ),
    key(
        Profile,
        "PayloadDisplayName",
        Str,
        v(10, 7),
        "Name shown on the profile's detail screen.",
    ),
    default(
        key(
            Profile,
            "HasRemovalPasscode",
            Boolean,
            v(10, 7),
            "Whether a removal passcode is present.",
        ),
        "false",
    ),
    key(
        Profile,
        "PayloadOrganization",
        Str,
        v(10, 7),
        "The organisation that issued the profile.",
    ),
    default(
        key(
            Profile,
            "PayloadRemovalDisallowed",
            Boolean,
            v(10, 7),
            "Prevents removal of a manually installed profile; MDM profiles are never removable by the user.",
        ),
        "false",
    ),
    allowed(
        key(
            Profile,
            "PayloadScope",
            Str,
            v(10, 8),
            "Whether the profile installs for the system (device channel) or a user.",
        ),
        PayloadScope::NAMES,
    ),
    key(
        Profile,
        "RemovalDate",
        Date,
        v(10, 7),
        "When the profile is removed automatically.",
    ),
    key(
        Profile,
        "DurationUntilRemoval",
        Real,
        v(10, 7),
        "Seconds until the profile is removed automatically.",
    ),
    key(
        Profile,
        "PayloadExpirationDate",
        Date,
        v(10, 7),
        "When the profile stops being valid.",
    ),
    default(
        allowed(
            key(
                Profile,
                "TargetDeviceType",
                Integer,
                v(10, 15),
                "The platform the profile is for; 5 is Mac.",
            ),
            &["0", "1", "2", "3", "4", "5", "6"],
        ),
        "0",
    ),
    items(
        key(
            Profile,
            "ConsentText",
            Dictionary,
            v(10, 7),
            "Agreement shown before installation, by BCP 47 language.",
        ),
        Str,
    ),
    // Keys common to every payload.
    required(key(
        Payload,
        "PayloadIdentifier",
        Str,
        v(10, 7),
        "Reverse-DNS identifier of the payload, unique within the profile.",
    )),
    required(key(
        Payload,
        "PayloadUUID",
        Str,
        v(10, 7),
        "Globally unique identifier of the payload.",
    )),
    required(key(
        Payload,
        "PayloadType",
        Str,
        v(10, 7),
        "The payload's type, here `com.apple.extensiblesso`.",
    )),
    required(allowed(
        key(
            Payload,
            "PayloadVersion",
            Integer,
            v(10, 7),
            "The payload's version; only 1.",
        ),
        &["1"],
    )),
    key(
        Payload,
        "PayloadDescription",
        Str,
        v(10, 7),
        "Description of the payload.",
    ),
    key(
        Payload,
        "PayloadDisplayName",
        Str,
        v(10, 7),
        "Name of the payload.",
    ),
    key(
        Payload,
        "PayloadOrganization",
        Str,
        v(10, 7),
        "The organisation that issued the payload.",
    ),
    // com.apple.extensiblesso.
    required(key(
        Sso,
        "ExtensionIdentifier",
        Str,
        v(10, 15),
        "Bundle identifier of the SSO app extension.",
    )),
    key(
        Sso,
        "TeamIdentifier",
        Str,
        v(10, 15),
        "Team identifier of the SSO app extension; required on macOS.",
    ),
    declared(
        "Type",
        required(allowed(
            key(
                Sso,
                "Type",
                Str,
                v(10, 15),
                "The type of SSO: `Redirect` (URLs) or `Credential` (hosts).",
            ),
            SsoType::NAMES,
        )),
    ),
    declared(
        "Realm",
        key(
            Sso,
            "Realm",
            Str,
            v(10, 15),
            "Realm name for Credential payloads; ignored for Redirect.",
        ),
    ),
    declared(
        "ExtensionData",
        items(
            key(
                Sso,
                "ExtensionData",
                Dictionary,
                v(10, 15),
                "Data passed through to the extension.",
            ),
            Kind::Any,
        ),
    ),
    declared(
        "URLs",
        items(
            key(
                Sso,
                "URLs",
                Array,
                v(10, 15),
                "Identity provider URL prefixes; required for Redirect payloads.",
            ),
            Str,
        ),
    ),
    declared(
        "Hosts",
        items(
            key(
                Sso,
                "Hosts",
                Array,
                v(10, 15),
                "Hosts or domains; required for Credential payloads.",
            ),
            Str,
        ),
    ),
    declared(
        "ScreenLockedBehavior",
        default(
            allowed(
                key(
                    Sso,
                    "ScreenLockedBehavior",
                    Str,
                    v(12, 0),
                    "Whether requests are cancelled (`Cancel`) or continue without SSO (`DoNotHandle`) while the screen is locked.",
                ),
                ScreenLockedBehavior::NAMES,
            ),
            "Cancel",
        ),
    ),
    declared(
        "DeniedBundleIdentifiers",
        items(
            key(
                Sso,
                "DeniedBundleIdentifiers",
                Array,
                v(12, 0),
                "Apps that must not use this extension's SSO.",
            ),
            Str,
        ),
    ),
    // Apple's rangelist for the deprecated key is that of `PlatformSSO`; macOS 13,
    // which alone reads it, has `Password` and `UserSecureEnclaveKey` only
    // (`sso.auth-method.macos13`).
    AppleKey {
        deprecated: Some(v(14, 0)),
        ..rangelist(
            key(
                Sso,
                "AuthenticationMethod",
                Str,
                v(13, 0),
                "The Platform SSO authentication method on macOS 13; deprecated in macOS 14 for `PlatformSSO.AuthenticationMethod`.",
            ),
            AuthMethod::RANGELIST,
        )
    },
    declared(
        "PlatformSSO.RegistrationToken",
        key(
            Sso,
            "RegistrationToken",
            Str,
            v(13, 0),
            "Token for silent device registration with the identity provider; needs an authentication method.",
        ),
    ),
    declared(
        "PlatformSSO",
        key(
            Sso,
            "PlatformSSO",
            Dictionary,
            v(14, 0),
            "The Platform SSO settings.",
        ),
    ),
    declared(
        "PlatformSSO.AuthenticationMethod",
        rangelist(
            key(
                Sso,
                "PlatformSSO.AuthenticationMethod",
                Str,
                v(14, 0),
                "The Platform SSO authentication method; `OpenID` (web login) from macOS 27.",
            ),
            AuthMethod::RANGELIST,
        ),
    ),
    declared(
        "PlatformSSO.UseSharedDeviceKeys",
        AppleKey {
            user_channel: false,
            ..default(
                key(
                    Sso,
                    "PlatformSSO.UseSharedDeviceKeys",
                    Boolean,
                    v(14, 0),
                    "Use the same signing and encryption keys for all users; device channel only.",
                ),
                "false",
            )
        },
    ),
    declared(
        "PlatformSSO.Account.DisplayName",
        key(
            Sso,
            "PlatformSSO.AccountDisplayName",
            Str,
            v(14, 0),
            "Name shown in Platform SSO notifications and prompts.",
        ),
    ),
    declared(
        "PlatformSSO.LoginFrequency",
        AppleKey {
            min: Some(3600),
            ..default(
                key(
                    Sso,
                    "PlatformSSO.LoginFrequency",
                    Integer,
                    v(14, 0),
                    "Seconds until a full login is required instead of a token refresh.",
                ),
                "64800",
            )
        },
    ),
    declared(
        "PlatformSSO.UserCreation.EnableAtLogin",
        default(
            key(
                Sso,
                "PlatformSSO.EnableCreateUserAtLogin",
                Boolean,
                v(14, 0),
                "Create new local users at the login window; needs shared device keys.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.Authorization.EnableIdentityProviderAccounts",
        default(
            key(
                Sso,
                "PlatformSSO.EnableAuthorization",
                Boolean,
                v(14, 0),
                "Use identity provider accounts at authorization prompts; needs shared device keys.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.TokenToUserMapping",
        key(
            Sso,
            "PlatformSSO.TokenToUserMapping",
            Dictionary,
            v(14, 0),
            "Which token claims fill the local account's attributes.",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.TokenToUserMapping.AccountName",
        key(
            Sso,
            "PlatformSSO.TokenToUserMapping.AccountName",
            Str,
            v(14, 0),
            "The claim used for the account name.",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.TokenToUserMapping.FullName",
        key(
            Sso,
            "PlatformSSO.TokenToUserMapping.FullName",
            Str,
            v(14, 0),
            "The claim used for the full name.",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.NewUserAuthorizationMode",
        rangelist(
            key(
                Sso,
                "PlatformSSO.NewUserAuthorizationMode",
                Str,
                v(14, 0),
                "Permission given to accounts created at login, or a temporary session.",
            ),
            NewUserAuthorizationMode::RANGELIST,
        ),
    ),
    declared(
        "PlatformSSO.Authorization.UserAuthorizationMode",
        rangelist(
            key(
                Sso,
                "PlatformSSO.UserAuthorizationMode",
                Str,
                v(14, 0),
                "Permission applied each time the user authenticates.",
            ),
            AuthorizationMode::RANGELIST,
        ),
    ),
    declared(
        "PlatformSSO.Authorization.AdministratorGroups",
        items(
            key(
                Sso,
                "PlatformSSO.AdministratorGroups",
                Array,
                v(14, 0),
                "Groups that grant administrator access.",
            ),
            Str,
        ),
    ),
    declared(
        "PlatformSSO.Authorization.AdditionalGroups",
        items(
            key(
                Sso,
                "PlatformSSO.AdditionalGroups",
                Array,
                v(14, 0),
                "Groups created without administrator access.",
            ),
            Str,
        ),
    ),
    declared(
        "PlatformSSO.Authorization.AuthorizationGroups",
        items(
            key(
                Sso,
                "PlatformSSO.AuthorizationGroups",
                Dictionary,
                v(14, 0),
                "Authorization right to group name.",
            ),
            Str,
        ),
    ),
    declared(
        "PlatformSSO.Policies.FileVault",
        rangelist(
            items(
                key(
                    Sso,
                    "PlatformSSO.FileVaultPolicy",
                    Array,
                    v(15, 0),
                    "Platform SSO at FileVault unlock (Apple silicon); applies with `Password`.",
                ),
                Str,
            ),
            POLICIES,
        ),
    ),
    declared(
        "PlatformSSO.Policies.Login",
        rangelist(
            items(
                key(
                    Sso,
                    "PlatformSSO.LoginPolicy",
                    Array,
                    v(15, 0),
                    "Platform SSO at the login window; applies with `Password`.",
                ),
                Str,
            ),
            POLICIES,
        ),
    ),
    declared(
        "PlatformSSO.Policies.Unlock",
        rangelist(
            items(
                key(
                    Sso,
                    "PlatformSSO.UnlockPolicy",
                    Array,
                    v(15, 0),
                    "Platform SSO at screen unlock; applies with `Password`.",
                ),
                Str,
            ),
            UNLOCK_POLICIES,
        ),
    ),
    declared(
        "PlatformSSO.Policies.OfflineGracePeriod",
        key(
            Sso,
            "PlatformSSO.OfflineGracePeriod",
            Integer,
            v(15, 0),
            "How long a local password works offline after the last Platform SSO login; needs `AllowOfflineGracePeriod`.",
        ),
    ),
    declared(
        "PlatformSSO.Policies.AuthenticationGracePeriod",
        key(
            Sso,
            "PlatformSSO.AuthenticationGracePeriod",
            Integer,
            v(15, 0),
            "How long unregistered local accounts keep working after a policy arrives; needs `AllowAuthenticationGracePeriod`.",
        ),
    ),
    declared(
        "PlatformSSO.Policies.NonPlatformSSOAccounts",
        items(
            key(
                Sso,
                "PlatformSSO.NonPlatformSSOAccounts",
                Array,
                v(15, 0),
                "Local accounts exempt from the policies and never asked to register.",
            ),
            Str,
        ),
    ),
    declared(
        "PlatformSSO.AllowDeviceIdentifiersInAttestation",
        default(
            key(
                Sso,
                "PlatformSSO.AllowDeviceIdentifiersInAttestation",
                Boolean,
                v(15, 4),
                "Include the UDID and serial number in Platform SSO attestations.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.EnableRegistrationDuringSetup",
        default(
            key(
                Sso,
                "PlatformSSO.EnableRegistrationDuringSetup",
                Boolean,
                v(26, 0),
                "Register Platform SSO during Setup Assistant; required for `com.apple.psso.required` enrollment.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.EnableFirstUserDuringSetup",
        default(
            key(
                Sso,
                "PlatformSSO.EnableCreateFirstUserDuringSetup",
                Boolean,
                v(26, 0),
                "Create the first user through Platform SSO during Setup Assistant.",
            ),
            "true",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.NewUserAuthenticationMethods",
        rangelist(
            items(
                key(
                    Sso,
                    "PlatformSSO.NewUserAuthenticationMethods",
                    Array,
                    v(26, 0),
                    "Methods for accounts created at login or in Setup Assistant; `Password` and `SmartCard` when absent.",
                ),
                Str,
            ),
            NewUserAuthMethod::RANGELIST,
        ),
    ),
    declared(
        "PlatformSSO.Account.SynchronizeProfilePicture",
        default(
            key(
                Sso,
                "PlatformSSO.SynchronizeProfilePicture",
                Boolean,
                v(26, 0),
                "Request the user's profile picture from the SSO extension.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.UserCreation.TemporarySessionQuickLogin",
        default(
            key(
                Sso,
                "PlatformSSO.TemporarySessionQuickLogin",
                Boolean,
                v(26, 0),
                "Quicker Authenticated Guest Mode logins for temporary sessions.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.AccessKey.AllowExpressMode",
        default(
            key(
                Sso,
                "PlatformSSO.AllowAccessKeyExpressMode",
                Boolean,
                v(26, 0),
                "Use the access key in express mode, without authentication before use.",
            ),
            "false",
        ),
    ),
    declared(
        "PlatformSSO.AccessKey.ReaderGroupIdentifier",
        key(
            Sso,
            "PlatformSSO.AccessKeyReaderGroupIdentifier",
            Data,
            v(26, 0),
            "Reader group identifier of the access key; required with the `AccessKey` method.",
        ),
    ),
    key(
        Sso,
        "PlatformSSO.AccessKeyTerminalIdentityUUID",
        Str,
        v(26, 0),
        "PayloadUUID of the identity payload (PKCS #12, ACME or SCEP) of the access key's terminal; required with `AccessKey`.",
    ),
    key(
        Sso,
        "PlatformSSO.AccessKeyReaderIssuerCertificateUUID",
        Str,
        v(26, 2),
        "PayloadUUID of the certificate payload that issued the terminal identity; required with `AccessKey`.",
    ),
    declared(
        "PlatformSSO.WebAuthentication.URLAllowList",
        items(
            key(
                Sso,
                "PlatformSSO.WebLoginURLAllowList",
                Array,
                v(27, 0),
                "Hosts or host prefixes the Platform SSO web view may load; required with `OpenID`.",
            ),
            Str,
        ),
    ),
    declared(
        "PlatformSSO.WebAuthentication.AllowPasswordSync",
        default(
            key(
                Sso,
                "PlatformSSO.AllowWebLoginPasswordSync",
                Boolean,
                v(27, 0),
                "Synchronise the password typed at web login to the local account.",
            ),
            "false",
        ),
    ),
];

/// The key at `path` in `scope`, if Apple defines one.
pub fn lookup(scope: Scope, path: &str) -> Option<&'static AppleKey> {
    index().by_path.get(&(scope, path)).map(|&i| &KEYS[i])
}

/// Every key defined directly inside the dictionary at `parent` in `scope`.
pub fn children(scope: Scope, parent: &str) -> impl Iterator<Item = &'static AppleKey> + '_ {
    index()
        .children
        .get(&(scope, parent))
        .into_iter()
        .flatten()
        .map(|&i| &KEYS[i])
}

/// The keys named `name` anywhere in the Extensible SSO payload (to suggest where a
/// misplaced key belongs).
pub fn sso_keys_named(name: &str) -> impl Iterator<Item = &'static AppleKey> + '_ {
    index()
        .sso_by_name
        .get(name)
        .into_iter()
        .flatten()
        .map(|&i| &KEYS[i])
}

/// [`KEYS`] indexed by path, by parent and by name (built once), so that the
/// rules look keys up in constant time: a batch checks thousands of profiles.
/// Each list keeps the order of [`KEYS`].
struct Index {
    by_path: HashMap<(Scope, &'static str), usize>,
    children: HashMap<(Scope, &'static str), Vec<usize>>,
    sso_by_name: HashMap<&'static str, Vec<usize>>,
}

/// The index's maps, built once from the catalog: lookups cannot make them grow,
/// so a fast multiplicative hash (FxHash, from `rustc-hash`) serves instead of SipHash.
type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index {
            by_path: Default::default(),
            children: Default::default(),
            sso_by_name: Default::default(),
        };
        for (i, k) in KEYS.iter().enumerate() {
            index.by_path.entry((k.scope, k.path)).or_insert(i);
            index
                .children
                .entry((k.scope, k.parent()))
                .or_default()
                .push(i);
            if k.scope == Scope::ExtensibleSso {
                index.sso_by_name.entry(k.name()).or_default().push(i);
            }
        }
        index
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_per_scope_and_parents_exist() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(
                !KEYS[..i]
                    .iter()
                    .any(|o| o.scope == k.scope && o.path == k.path),
                "{} appears twice",
                k.path
            );
            if !k.parent().is_empty() {
                let parent = lookup(k.scope, k.parent()).expect("parent is in the catalog");
                assert_eq!(parent.kind, Kind::Dictionary, "{}", k.path);
                assert!(parent.introduced <= k.introduced, "{}", k.path);
            }
        }
    }

    #[test]
    fn children_of_platform_sso() {
        let names: Vec<_> = children(Scope::ExtensibleSso, "PlatformSSO")
            .map(AppleKey::name)
            .collect();
        assert!(names.contains(&"UseSharedDeviceKeys"));
        assert!(!names.contains(&"AccountName"));
    }
}
