//! How a profile is checked: the fleet it is for ([`Target`], given or read from
//! the profile by [`infer_target`]) and what it is meant to configure ([`Expect`]).

use plist::Value;
use serde::{Deserialize, Serialize};

use super::context::SsoPayload;
use super::kind::PayloadKind;
use crate::model::{MacOs, Target};

/// What the Microsoft SSO payloads of the checked profiles are meant to configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// Judge each payload by what it configures (the default).
    #[default]
    Any,
    /// Platform SSO: a Microsoft payload without it is judged as a Platform SSO
    /// payload, and the profiles checked together must hold one.
    PlatformSso,
    /// The Microsoft SSO extension without Platform SSO: a Microsoft payload that
    /// configures Platform SSO is a finding, and the profiles checked together must
    /// hold a Microsoft payload.
    SsoExtension,
}

impl Expect {
    /// Every expectation, in the order the options list them.
    pub const ALL: [Expect; 3] = [Expect::Any, Expect::PlatformSso, Expect::SsoExtension];

    /// The name spec files and the command line use: `any`, `platform-sso`, `sso-extension`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Expect::Any => "any",
            Expect::PlatformSso => "platform-sso",
            Expect::SsoExtension => "sso-extension",
        }
    }

    /// The payload kind the expectation asks for, when it asks for one.
    pub const fn kind(self) -> Option<PayloadKind> {
        match self {
            Expect::Any => None,
            Expect::PlatformSso => Some(PayloadKind::MicrosoftPlatformSso),
            Expect::SsoExtension => Some(PayloadKind::MicrosoftSsoExtension),
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Expect {
    type Err = crate::Error;

    /// Reads `any`, `platform-sso` or `sso-extension`, ignoring case.
    fn from_str(s: &str) -> crate::Result<Self> {
        Expect::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| crate::Error::InvalidValue {
                key: "expect".to_string(),
                value: s.to_string(),
                expected: "`any`, `platform-sso` or `sso-extension`".to_string(),
            })
    }
}

/// Why the fleet's oldest macOS was read from the profile as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetReason {
    /// An Extensible SSO payload carries the deprecated top-level
    /// `AuthenticationMethod`, which only macOS 13 reads: the fleet includes 13.
    Macos13Key,
    /// No payload carries the macOS 13 key: the fleet starts at macOS 14, where
    /// `PlatformSSO` starts (the oldest release Microsoft recommends).
    NoMacos13Key,
    /// An `extensible-sso` declaration, which only macOS 27 and later read.
    Declaration,
    /// A `legacy` declaration, which macOS 13 and later read.
    LegacyDeclaration,
    /// The profile served during enrollment, which only macOS 26 and later ask for.
    Enrollment,
}

impl TargetReason {
    /// The reason in words.
    pub const fn describe(self) -> &'static str {
        match self {
            TargetReason::Macos13Key => "the profile carries the macOS 13 AuthenticationMethod",
            TargetReason::NoMacos13Key => "the profile carries no macOS 13 AuthenticationMethod",
            TargetReason::Declaration => {
                "an extensible-sso declaration, which macOS 27 and later read"
            }
            TargetReason::LegacyDeclaration => {
                "a legacy declaration, which macOS 13 and later read"
            }
            TargetReason::Enrollment => {
                "the profile served during enrollment, which macOS 26 and later ask for"
            }
        }
    }
}

impl std::fmt::Display for TargetReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Where the target of a check came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TargetSource {
    /// Given by the caller (`--min-macos`, a spec's `min-macos`).
    #[default]
    Given,
    /// Read from the profile, for this reason.
    Profile(TargetReason),
}

impl TargetSource {
    /// The reason the target was read from the profile, when it was.
    pub const fn reason(self) -> Option<TargetReason> {
        match self {
            TargetSource::Given => None,
            TargetSource::Profile(r) => Some(r),
        }
    }
}

/// How [`super::check_with`] checks a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The fleet the profile is for.
    pub target: Target,
    /// Whether `target` was given or read from the profile. Keys newer than the
    /// fleet's oldest macOS are reported only against a given target: a profile
    /// read alone says nothing about which Macs it reaches.
    pub source: TargetSource,
    /// What the Microsoft SSO payloads are meant to configure.
    pub expect: Expect,
    /// The profile is the one an MDM serves at `ProfileURL` after answering
    /// `com.apple.psso.required` during Automated Device Enrollment: the
    /// `enrollment.*` rules check the payload types Apple allows there,
    /// `EnableRegistrationDuringSetup`, the fleet (macOS 26+) and Microsoft's
    /// conditions for the flow.
    pub enrollment: bool,
}

impl Options {
    /// Checks for the given fleet, judging each payload by what it configures.
    pub const fn new(target: Target) -> Self {
        Self {
            target,
            source: TargetSource::Given,
            expect: Expect::Any,
            enrollment: false,
        }
    }

    /// The same options, checking the profile served during enrollment when `on`
    /// ([`Options::enrollment`]).
    pub const fn with_enrollment(mut self, on: bool) -> Self {
        self.enrollment = on;
        self
    }

    /// Checks `profile` for the fleet from `min_macos` when given, else for the
    /// fleet [`infer_target`] reads from the profile (from macOS 26 for the profile
    /// served during enrollment, when `enrollment`), with the expectation `expect`.
    pub fn for_profile(
        profile: &Value,
        min_macos: Option<MacOs>,
        expect: Expect,
        enrollment: bool,
    ) -> Self {
        let (target, source) = match min_macos {
            Some(m) => (Target::new(m), TargetSource::Given),
            None if enrollment => (
                Target::new(MacOs::V26),
                TargetSource::Profile(TargetReason::Enrollment),
            ),
            None => {
                let (target, reason) = infer_target(profile);
                (target, TargetSource::Profile(reason))
            }
        };
        Self {
            target,
            source,
            expect,
            enrollment,
        }
    }
}

/// The fleet a profile is for, read from the profile: macOS 13 when an Extensible
/// SSO payload carries the deprecated top-level `AuthenticationMethod` (only
/// macOS 13 reads it, so the author meant to reach macOS 13 Macs), else macOS 14.
///
/// Keys newer than that do not raise the target: Macs that do not know a key
/// ignore it, and one profile often serves a fleet of several releases.
/// `validate` and `inspect` both read the target here.
pub fn infer_target(profile: &Value) -> (Target, TargetReason) {
    let macos13 = SsoPayload::all(profile, Expect::Any)
        .iter()
        .any(|p| p.kind.is_sso() && p.dict.contains_key("AuthenticationMethod"));
    if macos13 {
        (Target::new(MacOs::V13), TargetReason::Macos13Key)
    } else {
        (Target::new(MacOs::V14), TargetReason::NoMacos13Key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_names_round_trip() {
        for e in Expect::ALL {
            assert_eq!(e.as_str().parse::<Expect>().unwrap(), e);
        }
        assert_eq!(
            " Platform-SSO ".parse::<Expect>().unwrap(),
            Expect::PlatformSso
        );
        assert_eq!(
            "psso".parse::<Expect>().unwrap_err().to_string(),
            "invalid value `psso` for `expect`: expected `any`, `platform-sso` or `sso-extension`"
        );
    }

    use crate::rules::EXTENSIBLE_SSO;

    #[test]
    fn the_macos_13_key_means_a_fleet_from_13() {
        let mut sso = plist::Dictionary::new();
        sso.insert("PayloadType".into(), EXTENSIBLE_SSO.into());
        let profile = |sso: &plist::Dictionary| {
            let mut root = plist::Dictionary::new();
            root.insert(
                "PayloadContent".into(),
                Value::Array(vec![Value::Dictionary(sso.clone())]),
            );
            Value::Dictionary(root)
        };
        assert_eq!(
            infer_target(&profile(&sso)),
            (Target::new(MacOs::V14), TargetReason::NoMacos13Key)
        );
        sso.insert("AuthenticationMethod".into(), "Password".into());
        assert_eq!(
            infer_target(&profile(&sso)),
            (Target::new(MacOs::V13), TargetReason::Macos13Key)
        );
        let given = Options::for_profile(&profile(&sso), Some(MacOs::V15), Expect::Any, false);
        assert_eq!(
            (given.target.min_macos, given.source),
            (MacOs::V15, TargetSource::Given)
        );
        assert_eq!(
            infer_target(&Value::Boolean(true)).0,
            Target::new(MacOs::V14)
        );
    }
}
