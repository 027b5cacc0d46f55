//! The typed model of a Platform SSO configuration profile: the outer profile, the
//! `com.apple.extensiblesso` payload and its `PlatformSSO` dictionary, with Apple's
//! exact key spellings and an enum for every Apple `rangelist`.
//!
//! The model is what the generator builds. It cannot express a value Apple does not
//! allow; it is turned into a [`plist::Value`] with [`Profile::to_value`] and checked
//! by [`crate::rules::check`] like any foreign profile.

mod enums;
mod ids;
mod number;
mod profile;
mod sso;
mod target;

pub use crate::settings::PlatformSso;
pub use enums::{
    AuthMethod, AuthorizationMode, LegacyAuthMethod, NewUserAuthMethod, NewUserAuthorizationMode,
    PayloadScope, Policy, ScreenLockedBehavior, SsoType, TargetDeviceType, UnlockPolicy,
};
pub use ids::{Base64Data, Identifier, PayloadUuid, PayloadVersion};
pub use number::{NonNegative, NonNegativeError};
pub use profile::{Profile, ProfileType};
pub use sso::{ExtensibleSso, ExtensibleSsoType, TokenToUserMapping};
#[cfg(feature = "cli")]
pub use target::parse_macos_arg;
pub use target::{MacOs, MacOsError, MacOsRange, Target};
