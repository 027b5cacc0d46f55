//! macOS versions, the ranges of versions a key or rule applies to, and the fleet a
//! profile is for.
//!
//! [`MacOs::RELEASES`] is the one list of the macOS releases this crate knows: a new
//! release is one line there (and the catalog entries of the keys it brings).

use serde::{Deserialize, Serialize};

/// A macOS version, `major.minor`: 13, 14, 15.4, 26.2...
///
/// `Display` writes the short form a fleet's target is written in (`14`, `15.4`);
/// the alternate form (`{:#}`) always writes the minor version (`14.0`), as Apple's
/// schema writes when a key was introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacOs {
    major: u16,
    minor: u16,
}

impl MacOs {
    /// macOS 13 Ventura: reads the deprecated top-level `AuthenticationMethod`.
    pub const V13: MacOs = MacOs::new(13, 0);
    /// macOS 14 Sonoma: the `PlatformSSO` dictionary.
    pub const V14: MacOs = MacOs::new(14, 0);
    /// macOS 15 Sequoia: FileVault, login and unlock policies.
    pub const V15: MacOs = MacOs::new(15, 0);
    /// macOS 26 Tahoe: registration during Setup Assistant, access keys.
    pub const V26: MacOs = MacOs::new(26, 0);
    /// macOS 27: OpenID web login, Touch ID policies, the `extensible-sso` declaration.
    pub const V27: MacOs = MacOs::new(27, 0);

    /// The major releases a fleet's target can name, oldest first.
    pub const RELEASES: &'static [MacOs] =
        &[MacOs::V13, MacOs::V14, MacOs::V15, MacOs::V26, MacOs::V27];

    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// The major version number.
    pub const fn major(self) -> u16 {
        self.major
    }

    /// The minor version number.
    pub const fn minor(self) -> u16 {
        self.minor
    }

    /// The first release of this version's major version (`15.4` gives `15`).
    pub const fn release(self) -> MacOs {
        MacOs::new(self.major, 0)
    }

    /// The newest release this crate knows.
    pub const fn latest() -> MacOs {
        MacOs::RELEASES[MacOs::RELEASES.len() - 1]
    }

    /// The releases a target may name, for messages: `13, 14, 15, 26, 27`.
    pub fn releases_text() -> String {
        MacOs::RELEASES
            .iter()
            .map(|r| r.major.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Serializes the version as text with its minor version (`"15.0"`), as the
    /// catalogs write versions.
    pub fn serialize_full<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{self:#}"))
    }

    /// [`MacOs::serialize_full`] for an optional version.
    pub fn serialize_full_opt<S: serde::Serializer>(
        version: &Option<MacOs>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match version {
            Some(v) => v.serialize_full(serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl Default for MacOs {
    /// macOS 14, the oldest release Microsoft recommends for Platform SSO.
    fn default() -> Self {
        MacOs::V14
    }
}

impl std::fmt::Display for MacOs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.minor == 0 && !f.alternate() {
            write!(f, "{}", self.major)
        } else {
            write!(f, "{}.{}", self.major, self.minor)
        }
    }
}

/// Why a text is not a macOS version a fleet can start at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid value `{value}` for `min-macos`: expected one of {}, or a minor version such as 15.4",
    MacOs::releases_text()
)]
pub struct MacOsError {
    /// The text given.
    pub value: String,
}

impl std::str::FromStr for MacOs {
    type Err = MacOsError;

    /// Reads `14`, `15.4` or `26.2`; the major version must be one of
    /// [`MacOs::RELEASES`].
    fn from_str(s: &str) -> Result<Self, MacOsError> {
        let err = || MacOsError {
            value: s.to_string(),
        };
        let text = s.trim();
        let (major, minor) = match text.split_once('.') {
            Some((major, minor)) => (major, minor),
            None => (text, "0"),
        };
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return Err(err());
        }
        let version = MacOs::new(
            major.parse().map_err(|_| err())?,
            minor.parse().map_err(|_| err())?,
        );
        if MacOs::RELEASES.contains(&version.release()) {
            Ok(version)
        } else {
            Err(err())
        }
    }
}

/// Parses `--min-macos` for clap: the message lists the versions a target takes.
#[cfg(feature = "cli")]
pub fn parse_macos_arg(s: &str) -> Result<MacOs, String> {
    s.parse::<MacOs>().map_err(|_| {
        format!(
            "expected one of {}, or a minor version such as 15.4",
            MacOs::releases_text()
        )
    })
}

impl From<MacOsError> for crate::Error {
    fn from(e: MacOsError) -> Self {
        crate::Error::InvalidValue {
            key: "min-macos".to_string(),
            value: e.value,
            expected: format!(
                "one of {}, or a minor version such as 15.4",
                MacOs::releases_text()
            ),
        }
    }
}

/// A target is written as its major version (`14`) when it is a release, and as
/// text (`"15.4"`) otherwise.
impl Serialize for MacOs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.minor == 0 {
            serializer.serialize_u16(self.major)
        } else {
            serializer.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for MacOs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u16),
            Text(String),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Number(n) => n.to_string(),
            Raw::Text(t) => t,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The macOS versions a key or a rule applies to: from `since` (any version when
/// `None`) up to and including the major version `until` (every later one when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacOsRange {
    /// The first version.
    pub since: Option<MacOs>,
    /// The last major version.
    pub until: Option<MacOs>,
}

impl MacOsRange {
    /// Every version.
    pub const ALL: MacOsRange = MacOsRange {
        since: None,
        until: None,
    };

    /// `since` and every later version.
    pub const fn from(since: MacOs) -> Self {
        Self {
            since: Some(since),
            until: None,
        }
    }

    /// The one major version of `release`.
    pub const fn only(release: MacOs) -> Self {
        Self {
            since: Some(release),
            until: Some(release),
        }
    }

    /// Whether `version` is in the range.
    pub fn contains(&self, version: MacOs) -> bool {
        self.since.is_none_or(|s| version >= s)
            && self.until.is_none_or(|u| version.major() <= u.major())
    }

    /// Whether some Mac of the fleet runs a version in the range.
    pub fn applies_to(&self, target: &Target) -> bool {
        self.until
            .is_none_or(|u| target.min_macos.major() <= u.major())
    }
}

impl std::fmt::Display for MacOsRange {
    /// `all`, `14+`, `15.4+`, `13 only`, `14-15`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.since, self.until) {
            (None, None) => f.write_str("all"),
            (Some(s), None) => write!(f, "{s}+"),
            (Some(s), Some(u)) if s.release() == u.release() => write!(f, "{s} only"),
            (Some(s), Some(u)) => write!(f, "{s}-{}", u.major()),
            (None, Some(u)) => write!(f, "up to {}", u.major()),
        }
    }
}

impl Serialize for MacOsRange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What a profile is checked for: the oldest macOS the fleet runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Target {
    /// The oldest macOS in the fleet; every newer version is assumed present too.
    pub min_macos: MacOs,
}

impl Target {
    /// A fleet whose oldest Mac runs `min_macos`.
    pub const fn new(min_macos: MacOs) -> Self {
        Self { min_macos }
    }

    /// Whether some Macs of the fleet run macOS 13 (and read the deprecated key).
    pub fn includes_macos_13(&self) -> bool {
        self.min_macos.major() == 13
    }

    /// Whether some Macs of the fleet run a version before `version`.
    pub fn includes_before(&self, version: MacOs) -> bool {
        self.min_macos < version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_releases_and_minor_versions_and_refuses_others() {
        assert_eq!("15".parse::<MacOs>().unwrap(), MacOs::V15);
        assert_eq!("26".parse::<MacOs>().unwrap(), MacOs::V26);
        assert_eq!("27".parse::<MacOs>().unwrap(), MacOs::V27);
        assert_eq!("26.2".parse::<MacOs>().unwrap(), MacOs::new(26, 2));
        assert_eq!("15.4".parse::<MacOs>().unwrap(), MacOs::new(15, 4));
        assert_eq!(" 14.0 ".parse::<MacOs>().unwrap(), MacOs::V14);
        assert_eq!(
            "12".parse::<MacOs>().unwrap_err().to_string(),
            "invalid value `12` for `min-macos`: expected one of 13, 14, 15, 26, 27, or a minor version such as 15.4"
        );
        for bad in ["x", "", "15.", ".4", "15.4.1", "-14", "99999"] {
            assert!(bad.parse::<MacOs>().is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_short_and_full() {
        assert_eq!(MacOs::V14.to_string(), "14");
        assert_eq!(format!("{:#}", MacOs::V14), "14.0");
        assert_eq!(MacOs::new(26, 2).to_string(), "26.2");
        assert_eq!(format!("{:#}", MacOs::new(26, 2)), "26.2");
    }

    #[test]
    fn serializes_releases_as_numbers() {
        assert_eq!(serde_json::to_string(&MacOs::V15).unwrap(), "15");
        assert_eq!(
            serde_json::to_string(&MacOs::new(15, 4)).unwrap(),
            "\"15.4\""
        );
        assert_eq!(serde_json::from_str::<MacOs>("13").unwrap(), MacOs::V13);
        assert_eq!(
            serde_json::from_str::<MacOs>("\"26.2\"").unwrap(),
            MacOs::new(26, 2)
        );
        assert!(serde_json::from_str::<MacOs>("12").is_err());
    }

    #[test]
    fn ranges_contain_apply_and_display() {
        let only13 = MacOsRange::only(MacOs::V13);
        assert!(only13.contains(MacOs::V13) && !only13.contains(MacOs::V14));
        assert!(only13.applies_to(&Target::new(MacOs::V13)));
        assert!(!only13.applies_to(&Target::new(MacOs::V14)));
        assert!(MacOsRange::from(MacOs::V15).applies_to(&Target::new(MacOs::V13)));
        assert!(!MacOsRange::from(MacOs::new(15, 4)).contains(MacOs::V15));
        assert_eq!(only13.to_string(), "13 only");
        assert_eq!(MacOsRange::from(MacOs::V14).to_string(), "14+");
        assert_eq!(MacOsRange::ALL.to_string(), "all");
        assert_eq!(
            MacOsRange {
                since: Some(MacOs::V14),
                until: Some(MacOs::V15)
            }
            .to_string(),
            "14-15"
        );
    }
}
