//! Newtypes for payload identifiers, UUIDs and the payload version.

use serde::{Deserialize, Serialize};

/// A `PayloadIdentifier`: non-empty, no whitespace, reverse-DNS style by convention
/// (`com.contoso.platformsso`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Identifier(String);

impl Identifier {
    /// Checks and wraps an identifier.
    pub fn new(value: impl Into<String>) -> crate::Result<Self> {
        let value = value.into();
        if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(crate::Error::InvalidValue {
                key: "PayloadIdentifier".to_string(),
                value,
                expected: "a non-empty reverse-DNS identifier without spaces, such as \
                           `com.contoso.platformsso`"
                    .to_string(),
            });
        }
        Ok(Self(value))
    }

    /// The identifier of a payload inside this profile: `<profile>.<suffix>`.
    pub fn child(&self, suffix: &str) -> Self {
        Self(format!("{}.{suffix}", self.0))
    }

    /// The identifier as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Identifier {
    type Error = crate::Error;
    fn try_from(value: String) -> crate::Result<Self> {
        Self::new(value)
    }
}

impl From<Identifier> for String {
    fn from(id: Identifier) -> String {
        id.0
    }
}

impl std::fmt::Display for Identifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `PayloadUUID`, written uppercase as Apple writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayloadUuid(pub uuid::Uuid);

/// The namespace of the v5 UUIDs derived from payload identifiers.
const DERIVED_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x6f1b_2c9e_4a7d_5e3b_9c0a_8d2f_71e4_b5a6);

impl PayloadUuid {
    /// The v5 UUID derived from a payload identifier: the same identifier always
    /// gives the same UUID, so a regenerated profile does not churn devices.
    pub fn derived(identifier: &Identifier) -> Self {
        Self(uuid::Uuid::new_v5(
            &DERIVED_NAMESPACE,
            identifier.as_str().as_bytes(),
        ))
    }

    /// A random (v4) UUID.
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4())
    }
}

impl std::fmt::Display for PayloadUuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = uuid::Uuid::encode_buffer();
        f.write_str(self.0.hyphenated().encode_upper(&mut buf))
    }
}

impl Serialize for PayloadUuid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PayloadUuid {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        uuid::Uuid::parse_str(&s)
            .map(Self)
            .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a UUID")))
    }
}

/// `PayloadVersion`, which Apple allows only as `1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PayloadVersion;

impl Serialize for PayloadVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(1)
    }
}

impl<'de> Deserialize<'de> for PayloadVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u64::deserialize(deserializer)? {
            1 => Ok(PayloadVersion),
            other => Err(serde::de::Error::custom(format!(
                "PayloadVersion is `{other}`; Apple allows only 1"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_uuid_is_stable_uppercase_v5() {
        let id = Identifier::new("com.contoso.platformsso").unwrap();
        let a = PayloadUuid::derived(&id).to_string();
        assert_eq!(a, PayloadUuid::derived(&id).to_string());
        assert_eq!(a, a.to_uppercase());
        assert_eq!(PayloadUuid::derived(&id).0.get_version_num(), 5);
        assert_ne!(a, PayloadUuid::derived(&id.child("sso")).to_string());
    }

    #[test]
    fn identifier_refuses_blank_and_spaces() {
        assert!(Identifier::new("").is_err());
        let err = Identifier::new("com.contoso psso").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value `com.contoso psso` for `PayloadIdentifier`: expected a non-empty \
             reverse-DNS identifier without spaces, such as `com.contoso.platformsso`"
        );
    }
}

/// A `<data>` value given as base64 text (spec files, the command line), written
/// to the profile as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Base64Data(pub plist::Data);

impl std::str::FromStr for Base64Data {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        let text: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        plist::Data::from_xml_format(&text)
            .ok()
            .filter(|data| !AsRef::<[u8]>::as_ref(data).is_empty())
            .map(Base64Data)
            .ok_or_else(|| crate::Error::InvalidValue {
                key: "base64 data".to_string(),
                value: s.to_string(),
                expected: "base64 text of at least one byte".to_string(),
            })
    }
}

impl crate::settings::Unset for Base64Data {
    fn is_unset(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;

    #[test]
    fn base64_data_reads_text_and_refuses_garbage() {
        let data: Base64Data = "AQID BA==".parse().unwrap();
        assert_eq!(AsRef::<[u8]>::as_ref(&data.0), [1, 2, 3, 4]);
        assert!("!!".parse::<Base64Data>().is_err());
        assert!("".parse::<Base64Data>().is_err());
        let value = plist::to_value(&data).unwrap();
        assert_eq!(value.as_data(), Some(&[1u8, 2, 3, 4][..]));
    }
}
