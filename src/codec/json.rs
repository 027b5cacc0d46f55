//! The JSON view of a property list, for scripts: a documented, lossy mapping.
//! See [`to_json`] for the mapping.

use std::time::SystemTime;

use plist::Value;
use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};

use super::path::{EncodeError, find, find_path};
use super::xml::{append_base64, cf_compare, civil, is_known};

/// Writes `value` as pretty-printed JSON with a final newline, with this mapping:
///
/// | plist | JSON |
/// |---|---|
/// | dictionary | object, keys in the XML writer's order (CoreFoundation's) |
/// | array | array |
/// | string | string |
/// | integer | number (the full signed or unsigned 64-bit value) |
/// | real | number; NaN and infinities are refused ([`EncodeError::NonFiniteReal`]) |
/// | boolean | `true` / `false` |
/// | date | string, RFC 3339 in UTC at whole seconds: `"2025-01-31T12:00:00Z"` |
/// | data | string, standard base64 with padding |
/// | UID | object `{"CF$UID": n}`, as CoreFoundation writes a UID in XML |
///
/// Output is pretty-printed (two-space indent) and ends with a newline; the same
/// value always gives the same bytes.
///
/// # Errors
///
/// [`EncodeError::NonFiniteReal`], [`EncodeError::DateOutOfRange`] or
/// [`EncodeError::Unsupported`], naming the key path.
pub fn to_json(value: &Value) -> Result<Vec<u8>, EncodeError> {
    if let Some((path, found)) = find(value, |_, v| matches!(v, Value::Real(r) if !r.is_finite())) {
        let value = found.as_real().unwrap_or(f64::NAN);
        return Err(EncodeError::NonFiniteReal { path, value });
    }
    if let Some(path) = find_path(
        value,
        |_, v| matches!(v, Value::Date(d) if civil(SystemTime::from(*d)).is_none()),
    ) {
        return Err(EncodeError::DateOutOfRange { path });
    }
    if let Some(path) = find_path(value, |_, v| !is_known(v)) {
        return Err(EncodeError::Unsupported { path });
    }
    let mut out = Vec::with_capacity(4096);
    serde_json::to_writer_pretty(&mut out, &Json(value)).map_err(|_| EncodeError::Unsupported {
        path: String::new(),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// The JSON value of a property-list value, with the mapping of [`to_json`],
/// for embedding in other JSON documents. Never fails: a value [`to_json`]
/// refuses (a NaN, a date out of range) becomes `null`.
pub fn to_json_value(value: &Value) -> serde_json::Value {
    match value {
        Value::Dictionary(dict) => serde_json::Value::Object(
            dict.iter()
                .map(|(k, v)| (k.clone(), to_json_value(v)))
                .collect(),
        ),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json_value).collect()),
        leaf => serde_json::to_value(Json(leaf)).unwrap_or(serde_json::Value::Null),
    }
}

struct Json<'a>(&'a Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Dictionary(dict) => {
                let mut entries: Vec<(&String, &Value)> = dict.iter().collect();
                entries.sort_by(|a, b| cf_compare(a.0, b.0));
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, &Json(v))?;
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Json(item))?;
                }
                seq.end()
            }
            Value::String(v) => s.serialize_str(v),
            Value::Boolean(b) => s.serialize_bool(*b),
            Value::Integer(i) => match (i.as_signed(), i.as_unsigned()) {
                (Some(n), _) => s.serialize_i64(n),
                (None, Some(n)) => s.serialize_u64(n),
                (None, None) => Err(S::Error::custom("integer out of range")),
            },
            Value::Real(r) if r.is_finite() => s.serialize_f64(*r),
            Value::Real(_) => Err(S::Error::custom("non-finite real")),
            Value::Data(bytes) => {
                let mut text = Vec::with_capacity(bytes.len() / 3 * 4 + 4);
                append_base64(&mut text, bytes);
                s.serialize_str(&String::from_utf8_lossy(&text))
            }
            Value::Date(d) => match civil(SystemTime::from(*d)) {
                Some((y, mo, d, h, mi, sec)) => {
                    s.serialize_str(&format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}Z"))
                }
                None => Err(S::Error::custom("date out of range")),
            },
            Value::Uid(uid) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("CF$UID", &uid.get())?;
                map.end()
            }
            _ => Err(S::Error::custom("unknown kind of value")),
        }
    }
}
