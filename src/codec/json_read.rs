//! Reading JSON (a Declarative Device Management declaration) into a `plist::Value`,
//! so that declarations meet profiles in the same tree type.

use std::path::Path;

use plist::{Dictionary, Value};

use crate::error::{Error, Result};

/// Parses a JSON document whose root is an object into a [`plist::Value`]: objects
/// become dictionaries, arrays arrays, strings strings, integers integers (signed or
/// unsigned 64-bit), other numbers reals, booleans booleans. Base64 text stays a
/// string (the reader of a key knows whether it holds data). `origin` names the
/// input in messages.
///
/// # Errors
///
/// [`Error::EmptyInput`] for blank input; [`Error::NotJson`] for text that is not
/// JSON (with its line and column), a root that is not an object, or nesting deeper
/// than `serde_json`'s limit of 128 levels; [`Error::NotADeclaration`] for a `null`
/// (no declaration key takes one), naming its path. Never panics, whatever the bytes.
pub fn parse_json(bytes: &[u8], origin: &Path) -> Result<Value> {
    let origin = if origin == Path::new("-") {
        Path::new("<stdin>")
    } else {
        origin
    };
    let not_json = |detail: String| Error::NotJson {
        path: origin.to_path_buf(),
        detail,
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::EmptyInput {
            path: origin.to_path_buf(),
        });
    }
    let json: serde_json::Value = serde_json::from_slice(text).map_err(|e| {
        not_json(format!(
            "{} (at line {}, column {})",
            strip_position(&e.to_string()),
            e.line(),
            e.column()
        ))
    })?;
    if !json.is_object() {
        return Err(not_json(format!(
            "its root is {}, expected an object",
            json_kind(&json)
        )));
    }
    convert(&json, String::new()).map_err(|path| Error::NotADeclaration {
        path: origin.to_path_buf(),
        detail: format!("`{path}` is null, which no declaration key takes"),
    })
}

/// serde_json's message without its own ` at line L column C` suffix.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The plist value of `v`, or the path of the first `null`.
fn convert(v: &serde_json::Value, path: String) -> std::result::Result<Value, String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    Ok(match v {
        serde_json::Value::Null => return Err(path),
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::Integer(i.into()),
            (None, Some(u), _) => Value::Integer(u.into()),
            (None, None, Some(f)) => Value::Real(f),
            (None, None, None) => return Err(path),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| convert(item, format!("{path}[{i}]")))
                .collect::<std::result::Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut dict = Dictionary::new();
            for (k, item) in map {
                dict.insert(k.clone(), convert(item, join(k))?);
            }
            Value::Dictionary(dict)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value> {
        parse_json(text.as_bytes(), Path::new("d.json"))
    }

    #[test]
    fn maps_every_kind() {
        let v = parse(
            r#"{"s": "x", "i": -3, "u": 18446744073709551615, "r": 1.5, "b": true, "a": [1], "o": {}}"#,
        )
        .unwrap();
        let d = v.as_dictionary().unwrap();
        assert_eq!(d["s"], Value::String("x".into()));
        assert_eq!(d["i"].as_signed_integer(), Some(-3));
        assert_eq!(d["u"].as_unsigned_integer(), Some(u64::MAX));
        assert_eq!(d["r"], Value::Real(1.5));
        assert_eq!(d["b"], Value::Boolean(true));
        assert_eq!(d["a"], Value::Array(vec![Value::Integer(1.into())]));
        assert_eq!(d["o"], Value::Dictionary(Dictionary::new()));
    }

    #[test]
    fn errors_name_the_file_the_position_and_nulls() {
        assert_eq!(
            parse("{\n  \"a\": }").unwrap_err().to_string(),
            "`d.json` is not JSON: expected value (at line 2, column 8)"
        );
        assert_eq!(
            parse("[1]").unwrap_err().to_string(),
            "`d.json` is not JSON: its root is an array, expected an object"
        );
        assert_eq!(
            parse(r#"{"Payload": {"URLs": [null]}}"#)
                .unwrap_err()
                .to_string(),
            "`d.json` is not a declaration: `Payload.URLs[0]` is null, which no declaration key takes"
        );
        assert!(matches!(parse("  \n"), Err(Error::EmptyInput { .. })));
        let deep = format!("{}{}", "{\"a\":".repeat(200), "}".repeat(200));
        assert!(matches!(parse(&deep), Err(Error::NotJson { .. })));
    }
}
