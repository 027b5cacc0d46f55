//! Key paths into a `plist::Value` (`PayloadContent[0].PlatformSSO`), and the
//! encoding errors that name one.

use std::fmt;

use plist::Value;

/// Why a value could not be written in a format. Carried as the source of
/// [`Error::Encode`](crate::Error::Encode); each variant names the key path
/// (`PayloadContent[0].PayloadDisplayName`, empty for the root).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A string or key holds a character XML 1.0 cannot carry.
    #[error("{} holds U+{:04X}, which XML 1.0 cannot carry", KeyPath(path), u32::from(*character))]
    InvalidXmlChar {
        /// Where: the key path of the string, or of the key itself.
        path: String,
        /// The first such character.
        character: char,
    },
    /// A date lies outside the years 0000 to 9999, which an XML date cannot write.
    #[error("{} holds a date outside the years 0000 to 9999", KeyPath(path))]
    DateOutOfRange {
        /// Where.
        path: String,
    },
    /// A real is NaN or infinite, which JSON cannot carry.
    #[error("{} holds {value}, which JSON cannot carry", KeyPath(path))]
    NonFiniteReal {
        /// Where.
        path: String,
        /// The value.
        value: f64,
    },
    /// A kind of value this crate's writers do not know.
    #[error("{} holds a kind of value this writer does not know", KeyPath(path))]
    Unsupported {
        /// Where.
        path: String,
    },
}

/// Displays a key path in backticks, or `the root` when it is empty; control
/// characters in keys are shown escaped.
pub(crate) struct KeyPath<'a>(pub(crate) &'a str);

impl fmt::Display for KeyPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("the root");
        }
        write!(f, "`{}`", crate::text::Escaped(self.0))
    }
}

/// The key path of the first value, in document order (dictionary order, then
/// array order), for which `found(key, value)` holds; `key` is the dictionary key
/// the value sits under, `None` for the root and array items.
pub(crate) fn find_path(
    root: &Value,
    found: impl Fn(Option<&str>, &Value) -> bool,
) -> Option<String> {
    find(root, found).map(|(path, _)| path)
}

/// Like [`find_path`], returning the value found too.
pub(crate) fn find(
    root: &Value,
    found: impl Fn(Option<&str>, &Value) -> bool,
) -> Option<(String, &Value)> {
    fn walk<'a>(
        value: &'a Value,
        key: Option<&str>,
        path: &mut String,
        found: &dyn Fn(Option<&str>, &Value) -> bool,
    ) -> Option<&'a Value> {
        if found(key, value) {
            return Some(value);
        }
        match value {
            Value::Dictionary(dict) => {
                for (k, v) in dict {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    if let Some(hit) = walk(v, Some(k), path, found) {
                        return Some(hit);
                    }
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    if let Some(hit) = walk(v, None, path, found) {
                        return Some(hit);
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
        None
    }
    let mut path = String::new();
    walk(root, None, &mut path, &found).map(|hit| (path, hit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_keys_and_indexes() {
        let mut inner = plist::Dictionary::new();
        inner.insert("Target".into(), Value::Boolean(true));
        let mut root = plist::Dictionary::new();
        root.insert("A".into(), Value::Integer(1.into()));
        root.insert(
            "PayloadContent".into(),
            Value::Array(vec![Value::Boolean(false), Value::Dictionary(inner)]),
        );
        let root = Value::Dictionary(root);
        let path = find_path(&root, |k, _| k == Some("Target"));
        assert_eq!(path.as_deref(), Some("PayloadContent[1].Target"));
        assert_eq!(
            find_path(&root, |_, v| v == &Value::Boolean(false)).as_deref(),
            Some("PayloadContent[0]")
        );
        assert_eq!(find_path(&root, |k, _| k.is_none()).as_deref(), Some(""));
        assert_eq!(find_path(&root, |k, _| k == Some("Nope")), None);
    }

    #[test]
    fn key_paths_display() {
        assert_eq!(KeyPath("").to_string(), "the root");
        assert_eq!(KeyPath("A[0].B").to_string(), "`A[0].B`");
        assert_eq!(KeyPath("A\u{1}").to_string(), "`A\\u{1}`");
    }
}
