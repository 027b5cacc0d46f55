//! The macOS range a fleet runs, which decides which keys a profile needs.

use serde::{Deserialize, Serialize};

/// A macOS version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacOsVersion {
    /// Major version (13, 14, 15, 26...).
    pub major: u16,
    /// Minor version.
    pub minor: u16,
}

impl MacOsVersion {
    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }
}

impl std::fmt::Display for MacOsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl Serialize for MacOsVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The oldest macOS a fleet runs, as `--min-macos` takes it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(try_from = "u16", into = "u16")]
pub enum MacOs {
    /// macOS 13 Ventura: reads the deprecated top-level `AuthenticationMethod`.
    V13,
    /// macOS 14 Sonoma: the `PlatformSSO` dictionary.
    #[default]
    V14,
    /// macOS 15 Sequoia: FileVault, login and unlock policies.
    V15,
    /// macOS 26 Tahoe: registration during Setup Assistant.
    V26,
}

impl MacOs {
    /// Every supported major version, oldest first.
    pub const ALL: [MacOs; 4] = [MacOs::V13, MacOs::V14, MacOs::V15, MacOs::V26];

    /// The major version number.
    pub const fn major(self) -> u16 {
        match self {
            MacOs::V13 => 13,
            MacOs::V14 => 14,
            MacOs::V15 => 15,
            MacOs::V26 => 26,
        }
    }

    /// The first release of this major version.
    pub const fn version(self) -> MacOsVersion {
        MacOsVersion::new(self.major(), 0)
    }
}

impl TryFrom<u16> for MacOs {
    type Error = crate::Error;
    fn try_from(major: u16) -> crate::Result<Self> {
        MacOs::ALL
            .into_iter()
            .find(|m| m.major() == major)
            .ok_or_else(|| crate::Error::InvalidValue {
                key: "min-macos".to_string(),
                value: major.to_string(),
                expected: "one of 13, 14, 15, 26".to_string(),
            })
    }
}

impl From<MacOs> for u16 {
    fn from(m: MacOs) -> u16 {
        m.major()
    }
}

impl std::str::FromStr for MacOs {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        let major = s
            .trim()
            .split('.')
            .next()
            .and_then(|m| m.parse::<u16>().ok());
        match major {
            Some(major) => MacOs::try_from(major),
            None => Err(crate::Error::InvalidValue {
                key: "min-macos".to_string(),
                value: s.to_string(),
                expected: "one of 13, 14, 15, 26".to_string(),
            }),
        }
    }
}

impl std::fmt::Display for MacOs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.major())
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
        self.min_macos == MacOs::V13
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_majors_and_refuses_others() {
        assert_eq!("15".parse::<MacOs>().unwrap(), MacOs::V15);
        assert_eq!("26".parse::<MacOs>().unwrap(), MacOs::V26);
        assert_eq!(
            "12".parse::<MacOs>().unwrap_err().to_string(),
            "invalid value `12` for `min-macos`: expected one of 13, 14, 15, 26"
        );
        assert!("x".parse::<MacOs>().is_err());
    }
}
