//! Whole numbers a setting takes: seconds and periods, never negative.

use serde::{Deserialize, Serialize};

/// A whole number of 0 or more, up to `i64::MAX` (what a property list
/// `<integer>` carries): a login frequency or a grace period. A negative value
/// cannot be written, on the command line or in a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct NonNegative(i64);

/// Why a text or a number is not a [`NonNegative`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a whole number of 0 or more, found `{0}`")]
pub struct NonNegativeError(String);

impl NonNegative {
    /// `value`, when it is 0 or more.
    pub fn new(value: i64) -> Option<Self> {
        (value >= 0).then_some(Self(value))
    }

    /// The number.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for NonNegative {
    type Error = NonNegativeError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value).ok_or_else(|| NonNegativeError(value.to_string()))
    }
}

impl From<NonNegative> for i64 {
    fn from(value: NonNegative) -> i64 {
        value.0
    }
}

impl std::str::FromStr for NonNegative {
    type Err = NonNegativeError;

    /// A decimal number of 0 or more (`+` and surrounding white space allowed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| NonNegativeError(s.to_string()))
    }
}

impl std::fmt::Display for NonNegative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl crate::settings::Unset for NonNegative {
    fn is_unset(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_negative_and_other_text() {
        assert_eq!("3600".parse::<NonNegative>().unwrap().get(), 3600);
        assert_eq!(" 0 ".parse::<NonNegative>().unwrap().get(), 0);
        for bad in ["-5", "-0x1", "1.5", "", "abc", "99999999999999999999"] {
            assert_eq!(
                bad.parse::<NonNegative>().unwrap_err().to_string(),
                format!("expected a whole number of 0 or more, found `{bad}`")
            );
        }
        assert_eq!(NonNegative::new(-1), None);
        assert!(NonNegative::try_from(-1).is_err());
        let value = plist::to_value(&NonNegative::new(7).unwrap()).unwrap();
        assert_eq!(value.as_signed_integer(), Some(7));
    }
}
