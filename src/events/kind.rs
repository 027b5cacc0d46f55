//! The catalog of the nine notifications the Microsoft SSO extension posts
//! during Platform SSO registration: names, triggers, and what an MDM does.

use std::fmt;
use std::str::FromStr;

/// One of the nine Platform SSO registration notifications, spelled exactly as
/// the SSO extension posts it (`Microsoft.PlatformSSO.DeviceRegistration.Started`).
///
/// [`FromStr`], [`Display`](fmt::Display) and serde all use the exact name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// `Microsoft.PlatformSSO.DeviceRegistration.Started`
    DeviceRegistrationStarted,
    /// `Microsoft.PlatformSSO.DeviceRegistration.Succeeded`
    DeviceRegistrationSucceeded,
    /// `Microsoft.PlatformSSO.DeviceRegistration.Failed`
    DeviceRegistrationFailed,
    /// `Microsoft.PlatformSSO.UserRegistration.Started`
    UserRegistrationStarted,
    /// `Microsoft.PlatformSSO.UserRegistration.Succeeded`
    UserRegistrationSucceeded,
    /// `Microsoft.PlatformSSO.UserRegistration.Failed`
    UserRegistrationFailed,
    /// `Microsoft.PlatformSSO.Registration.Succeeded`
    RegistrationSucceeded,
    /// `Microsoft.PlatformSSO.Registration.Failed`
    RegistrationFailed,
    /// `Microsoft.PlatformSSO.Registration.Removed`
    RegistrationRemoved,
}

/// Which registration track an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Track {
    /// Device registration (`DeviceRegistration.*`).
    Device,
    /// User registration (`UserRegistration.*`).
    User,
    /// The registration as a whole (`Registration.*`): both tracks.
    Both,
}

/// What an event says happened, independent of its track. Declared in the
/// order that ranks events at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Registration started.
    Started = 0,
    /// Registration finished.
    Succeeded = 1,
    /// Registration failed.
    Failed = 2,
    /// Registration was removed.
    Removed = 3,
}

/// `name` did not match any of the nine notification names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown event `{name}`: expected one of the nine `Microsoft.PlatformSSO.*` registration notifications"
)]
pub struct UnknownEvent {
    /// The name that was given.
    pub name: String,
}

impl EventKind {
    /// All nine, in the order of Microsoft's table.
    pub const ALL: [EventKind; 9] = [
        Self::DeviceRegistrationStarted,
        Self::DeviceRegistrationSucceeded,
        Self::DeviceRegistrationFailed,
        Self::UserRegistrationStarted,
        Self::UserRegistrationSucceeded,
        Self::UserRegistrationFailed,
        Self::RegistrationSucceeded,
        Self::RegistrationFailed,
        Self::RegistrationRemoved,
    ];

    /// The exact notification name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::DeviceRegistrationStarted => "Microsoft.PlatformSSO.DeviceRegistration.Started",
            Self::DeviceRegistrationSucceeded => {
                "Microsoft.PlatformSSO.DeviceRegistration.Succeeded"
            }
            Self::DeviceRegistrationFailed => "Microsoft.PlatformSSO.DeviceRegistration.Failed",
            Self::UserRegistrationStarted => "Microsoft.PlatformSSO.UserRegistration.Started",
            Self::UserRegistrationSucceeded => "Microsoft.PlatformSSO.UserRegistration.Succeeded",
            Self::UserRegistrationFailed => "Microsoft.PlatformSSO.UserRegistration.Failed",
            Self::RegistrationSucceeded => "Microsoft.PlatformSSO.Registration.Succeeded",
            Self::RegistrationFailed => "Microsoft.PlatformSSO.Registration.Failed",
            Self::RegistrationRemoved => "Microsoft.PlatformSSO.Registration.Removed",
        }
    }

    /// When the SSO extension posts it, in the words of Microsoft's guide
    /// ("Integrate macOS Platform SSO into your MDM solution", event table).
    pub const fn trigger(self) -> &'static str {
        match self {
            Self::DeviceRegistrationStarted => "Device registration started",
            Self::DeviceRegistrationSucceeded => "Device registration finished",
            Self::DeviceRegistrationFailed => "Device registration failed",
            Self::UserRegistrationStarted => "User registration started",
            Self::UserRegistrationSucceeded => "User registration finished",
            Self::UserRegistrationFailed => "User registration failed",
            Self::RegistrationSucceeded => "Both device and user registration finished",
            Self::RegistrationFailed => "Either device or user registration failed",
            Self::RegistrationRemoved => "Platform SSO registration removed",
        }
    }

    /// What an MDM should do when it receives it, following the rules of
    /// [`crate::events`].
    pub const fn mdm_action(self) -> &'static str {
        match self {
            Self::DeviceRegistrationStarted => {
                "device registration in progress: the device is not compliant until it succeeds"
            }
            Self::DeviceRegistrationSucceeded => {
                "device track done: mark the device compliant once user registration has also succeeded"
            }
            Self::DeviceRegistrationFailed => {
                "device track failed: the device is not compliant; alert and let the user retry"
            }
            Self::UserRegistrationStarted => {
                "user registration in progress: the device is not compliant until it succeeds"
            }
            Self::UserRegistrationSucceeded => {
                "user track done: mark the device compliant once device registration has also succeeded"
            }
            Self::UserRegistrationFailed => {
                "user track failed: the device is not compliant; alert and let the user retry"
            }
            Self::RegistrationSucceeded => {
                "both tracks done: mark the device compliant through the compliance API"
            }
            Self::RegistrationFailed => {
                "mark the device not compliant until a later success; alert the admin"
            }
            Self::RegistrationRemoved => {
                "mark the device not compliant; both registrations must succeed again"
            }
        }
    }

    /// The track the event is about.
    pub const fn track(self) -> Track {
        match self {
            Self::DeviceRegistrationStarted
            | Self::DeviceRegistrationSucceeded
            | Self::DeviceRegistrationFailed => Track::Device,
            Self::UserRegistrationStarted
            | Self::UserRegistrationSucceeded
            | Self::UserRegistrationFailed => Track::User,
            Self::RegistrationSucceeded | Self::RegistrationFailed | Self::RegistrationRemoved => {
                Track::Both
            }
        }
    }

    /// What the event says happened.
    pub const fn outcome(self) -> Outcome {
        match self {
            Self::DeviceRegistrationStarted | Self::UserRegistrationStarted => Outcome::Started,
            Self::DeviceRegistrationSucceeded
            | Self::UserRegistrationSucceeded
            | Self::RegistrationSucceeded => Outcome::Succeeded,
            Self::DeviceRegistrationFailed
            | Self::UserRegistrationFailed
            | Self::RegistrationFailed => Outcome::Failed,
            Self::RegistrationRemoved => Outcome::Removed,
        }
    }

    /// The kind named exactly `name`, or `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        let rest = name.strip_prefix("Microsoft.PlatformSSO.")?;
        Some(match rest {
            "DeviceRegistration.Started" => Self::DeviceRegistrationStarted,
            "DeviceRegistration.Succeeded" => Self::DeviceRegistrationSucceeded,
            "DeviceRegistration.Failed" => Self::DeviceRegistrationFailed,
            "UserRegistration.Started" => Self::UserRegistrationStarted,
            "UserRegistration.Succeeded" => Self::UserRegistrationSucceeded,
            "UserRegistration.Failed" => Self::UserRegistrationFailed,
            "Registration.Succeeded" => Self::RegistrationSucceeded,
            "Registration.Failed" => Self::RegistrationFailed,
            "Registration.Removed" => Self::RegistrationRemoved,
            _ => return None,
        })
    }
}

impl FromStr for EventKind {
    type Err = UnknownEvent;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::from_name(name).ok_or_else(|| UnknownEvent {
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <crate::events::event::Text<'de> as serde::Deserialize<'de>>::deserialize(
            deserializer,
        )?
        .0;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_kind() {
        for kind in EventKind::ALL {
            assert_eq!(kind.name().parse::<EventKind>().unwrap(), kind);
            assert_eq!(kind.to_string(), kind.name());
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn the_nine_exact_names() {
        let names: Vec<_> = EventKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(
            names,
            [
                "Microsoft.PlatformSSO.DeviceRegistration.Started",
                "Microsoft.PlatformSSO.DeviceRegistration.Succeeded",
                "Microsoft.PlatformSSO.DeviceRegistration.Failed",
                "Microsoft.PlatformSSO.UserRegistration.Started",
                "Microsoft.PlatformSSO.UserRegistration.Succeeded",
                "Microsoft.PlatformSSO.UserRegistration.Failed",
                "Microsoft.PlatformSSO.Registration.Succeeded",
                "Microsoft.PlatformSSO.Registration.Failed",
                "Microsoft.PlatformSSO.Registration.Removed",
            ]
        );
    }

    #[test]
    fn names_are_case_sensitive_and_exact() {
        for name in [
            "microsoft.platformsso.registration.removed",
            "Microsoft.PlatformSSO.Registration.Removed ",
            "Microsoft.PlatformSSO.Registration",
            "Microsoft.PlatformSSO.Registration.Started",
            "DeviceRegistration.Started",
            "",
        ] {
            let err = name.parse::<EventKind>().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "unknown event `{name}`: expected one of the nine `Microsoft.PlatformSSO.*` registration notifications"
                )
            );
        }
    }

    #[test]
    fn tracks_and_outcomes_follow_the_names() {
        for kind in EventKind::ALL {
            let name = kind.name();
            let track = match kind.track() {
                Track::Device => "DeviceRegistration.",
                Track::User => "UserRegistration.",
                Track::Both => "PlatformSSO.Registration.",
            };
            assert!(name.contains(track), "{name}");
            let outcome = format!("{:?}", kind.outcome());
            assert!(name.ends_with(&outcome), "{name}");
        }
    }
}
