//! Lenient deserialization of spec values: Apple's enum spellings in any case
//! (as on the command line), and numbers or booleans written as strings, so a
//! `${column}` row variable can fill any key.

use std::str::FromStr;

use serde::{Deserialize, Deserializer, de::Error as _};

/// A scalar as a spec file or a row may write it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Text(s) => s,
        }
    }
}

/// One value parsed with `FromStr` (Apple's spelling, any case, kebab-case accepted).
fn parse<T: FromStr, E: serde::de::Error>(text: &str) -> Result<T, E>
where
    T::Err: std::fmt::Display,
{
    T::from_str(text.trim()).map_err(E::custom)
}

/// `Option<T>` from a string (or a number or boolean) through `T: FromStr`.
pub(crate) fn opt_from_str<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let raw = Option::<Scalar>::deserialize(deserializer)?;
    raw.map(|s| parse(&s.text())).transpose()
}

/// `Option<Vec<T>>` from an array of strings, or one comma-separated string.
pub(crate) fn opt_list_from_str<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: std::fmt::Display,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        Many(Vec<String>),
        One(String),
    }
    let Some(list) = Option::<List>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let items: Vec<String> = match list {
        List::Many(items) => items,
        List::One(text) if text.trim().is_empty() => Vec::new(),
        List::One(text) => text.split(',').map(str::to_string).collect(),
    };
    items
        .iter()
        .map(|s| parse(s))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// `Option<String>` that is not blank: a registration token, where an empty
/// value is a mistake (an MDM variable filled with nothing), not "none". What
/// is wrong is told without quoting the value: it is a secret.
pub(crate) fn opt_token<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let not_text = || D::Error::custom(super::TOKEN_NOT_TEXT);
    match Option::<Scalar>::deserialize(deserializer).map_err(|_| not_text())? {
        None => Ok(None),
        Some(Scalar::Text(s)) if s.trim().is_empty() => Err(D::Error::custom(super::EMPTY_TOKEN)),
        Some(Scalar::Text(s)) => Ok(Some(s)),
        Some(Scalar::Bool(_) | Scalar::Int(_)) => Err(not_text()),
    }
}

/// `Option<bool>` from a boolean or the strings `true`/`false` (any case), `1`/`0`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    match Option::<Scalar>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Scalar::Bool(b)) => Ok(Some(b)),
        Some(other) => {
            let text = other.text();
            match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(D::Error::custom(format!(
                    "expected `true` or `false`, found `{text}`"
                ))),
            }
        }
    }
}
