//! Bytes in and out: reading profiles (XML, binary, CMS-signed) and writing them
//! (Apple-style XML, binary, JSON), and the atomic file writes every command uses.

mod file;
mod input_kind;
mod inputs;
mod json;
mod json_read;
mod path;
mod read;
mod stdout;
mod xml;

pub use file::{
    MAX_INPUT_BYTES, WriteOptions, check_output, read_input, read_input_as, sync_folder,
    write_output, write_output_with,
};
pub use input_kind::InputKind;
pub use inputs::{PROFILE_EXTENSION, expand_inputs, expand_inputs_each};
pub use json::{to_json, to_json_value};
pub use json_read::parse_json;
pub use path::EncodeError;
pub use read::{
    Decoded, InputFormat, MAX_CONTENT_BYTES, MAX_DEPTH, MAX_VALUES, Position, parse, read_file,
};
pub use stdout::check_stdout;
pub use xml::{XmlOptions, append_xml, cf_compare, to_xml};

use plist::{Dictionary, Value};

use crate::error::{Error, Result};

/// An output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// An XML property list as Apple's tools write it, keys sorted.
    #[default]
    Xml,
    /// A binary property list (`bplist00`), keys sorted.
    Binary,
    /// JSON, for scripts; not a profile a Mac installs.
    ///
    /// [`to_json`] gives the mapping.
    Json,
    /// A Declarative Device Management declaration, JSON as a Mac reads it: the
    /// profile's settings in the `com.apple.configuration.extensible-sso`
    /// declaration ([`crate::declaration`] maps them), or any declaration tree.
    /// [`write()`] writes the tree it is given as [`to_json`] does.
    Declaration,
}

impl Format {
    /// The name used in messages: `XML`, `binary` or `JSON`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xml => "XML",
            Format::Binary => "binary",
            Format::Json => "JSON",
            Format::Declaration => "declaration",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Encodes `value` in `format`, deterministically: the same value gives the
/// same bytes whatever order its dictionaries were built in (keys are written
/// in CoreFoundation's order, [`cf_compare`]).
///
/// XML is [`to_xml`] with sorted keys; binary is the `plist` crate's writer
/// over a key-sorted copy; JSON is [`to_json`].
///
/// # Errors
///
/// [`Error::Encode`] naming the format, with an [`EncodeError`] (which names
/// the key path) or the `plist` crate's error as its source.
pub fn write(value: &Value, format: Format) -> Result<Vec<u8>> {
    let encode_err = |source: Box<dyn std::error::Error + Send + Sync>| Error::Encode {
        format: format.name(),
        source,
    };
    match format {
        Format::Xml => {
            to_xml(value, &XmlOptions { sort_keys: true }).map_err(|e| encode_err(e.into()))
        }
        Format::Json | Format::Declaration => to_json(value).map_err(|e| encode_err(e.into())),
        Format::Binary => {
            let mut out = Vec::new();
            sorted(value)
                .to_writer_binary(&mut out)
                .map_err(|e| encode_err(e.into()))?;
            Ok(out)
        }
    }
}

/// A copy of `value` with every dictionary's keys in [`cf_compare`] order.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Dictionary(dict) => {
            let mut entries: Vec<(&String, &Value)> = dict.iter().collect();
            entries.sort_by(|a, b| cf_compare(a.0, b.0));
            let mut out = Dictionary::new();
            for (k, v) in entries {
                out.insert(k.clone(), sorted(v));
            }
            Value::Dictionary(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::{Duration, UNIX_EPOCH};

    use plist::{Date, Integer};
    use proptest::prelude::*;

    use super::*;

    fn dict(entries: Vec<(&str, Value)>) -> Value {
        let mut d = Dictionary::new();
        for (k, v) in entries {
            d.insert(k.to_string(), v);
        }
        Value::Dictionary(d)
    }

    /// A profile shaped like a Platform SSO one, with every kind of value.
    fn sample() -> Value {
        let sso = dict(vec![
            (
                "PayloadType",
                Value::String("com.apple.extensiblesso".into()),
            ),
            (
                "URLs",
                Value::Array(vec![Value::String(
                    "https://login.microsoftonline.com".into(),
                )]),
            ),
            ("Type", Value::String("Redirect".into())),
            (
                "PlatformSSO",
                dict(vec![("UseSharedDeviceKeys", Value::Boolean(true))]),
            ),
            ("Ratio", Value::Real(0.25)),
            ("Certificate", Value::Data((0..=99).collect())),
        ]);
        dict(vec![
            ("PayloadVersion", Value::Integer(1.into())),
            ("PayloadContent", Value::Array(vec![sso])),
            (
                "PayloadUUID",
                Value::String("9A3C5F5E-0B1D-4E8A-8F2B-1C2D3E4F5A6B".into()),
            ),
            (
                "ConsentText",
                dict(vec![("default", Value::String("Tom & Jerry <ok>".into()))]),
            ),
            (
                "RemovalDate",
                Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(1_800_000_000))),
            ),
        ])
    }

    #[test]
    fn json_maps_every_kind_in_xml_key_order() {
        let value = dict(vec![
            ("b", Value::Data(b"hi".to_vec())),
            (
                "B",
                Value::Date(Date::from(UNIX_EPOCH + Duration::from_millis(1_500))),
            ),
            (
                "a",
                Value::Array(vec![
                    Value::Integer(u64::MAX.into()),
                    Value::Integer((-1).into()),
                    Value::Real(1.5),
                ]),
            ),
            ("E", dict(vec![])),
            ("T", Value::Boolean(true)),
            ("U", Value::Uid(plist::Uid::new(3))),
        ]);
        let json = String::from_utf8(write(&value, Format::Json).unwrap()).unwrap();
        let expected = r#"{
  "B": "1970-01-01T00:00:01Z",
  "E": {},
  "T": true,
  "U": {
    "CF$UID": 3
  },
  "a": [
    18446744073709551615,
    -1,
    1.5
  ],
  "b": "aGk="
}
"#;
        assert_eq!(json, expected);
    }

    #[test]
    fn json_refuses_non_finite_reals_naming_the_key() {
        let value = dict(vec![("A", dict(vec![("B", Value::Real(f64::NAN))]))]);
        let err = write(&value, Format::Json).unwrap_err();
        assert_eq!(err.to_string(), "cannot encode the profile as JSON");
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(
            source.to_string(),
            "`A.B` holds NaN, which JSON cannot carry"
        );
        let value = dict(vec![(
            "C",
            Value::Array(vec![Value::Real(f64::NEG_INFINITY)]),
        )]);
        let err = write(&value, Format::Json).unwrap_err();
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(
            source.to_string(),
            "`C[0]` holds -inf, which JSON cannot carry"
        );
    }

    #[test]
    fn xml_write_errors_carry_the_key_path() {
        let value = dict(vec![("Name", Value::String("\u{1b}[31m".into()))]);
        let err = write(&value, Format::Xml).unwrap_err();
        assert_eq!(err.to_string(), "cannot encode the profile as XML");
        let Error::Encode { source, .. } = &err else {
            panic!("{err:?}")
        };
        let source = source.downcast_ref::<EncodeError>().unwrap();
        assert_eq!(
            source,
            &EncodeError::InvalidXmlChar {
                path: "Name".into(),
                character: '\u{1b}'
            }
        );
    }

    #[test]
    fn non_finite_reals_round_trip_through_xml_and_binary() {
        let value = dict(vec![
            ("Inf", Value::Real(f64::INFINITY)),
            ("MinusInf", Value::Real(f64::NEG_INFINITY)),
            ("NaN", Value::Real(f64::NAN)),
        ]);
        for format in [Format::Xml, Format::Binary] {
            let bytes = write(&value, format).unwrap();
            let back = parse(&bytes, Path::new("p")).unwrap().value;
            let back = back.as_dictionary().unwrap();
            assert_eq!(
                back.get("Inf"),
                Some(&Value::Real(f64::INFINITY)),
                "{format}"
            );
            assert_eq!(
                back.get("MinusInf"),
                Some(&Value::Real(f64::NEG_INFINITY)),
                "{format}"
            );
            assert!(
                back.get("NaN")
                    .and_then(Value::as_real)
                    .is_some_and(f64::is_nan),
                "{format}"
            );
        }
        let xml = String::from_utf8(write(&value, Format::Xml).unwrap()).unwrap();
        assert!(
            xml.contains("<real>+infinity</real>")
                && xml.contains("<real>-infinity</real>")
                && xml.contains("<real>nan</real>")
        );
    }

    #[test]
    fn every_format_is_deterministic_and_sorted() {
        let value = sample();
        let Value::Dictionary(d) = &value else {
            unreachable!()
        };
        let mut reversed = Dictionary::new();
        let entries: Vec<_> = d.iter().collect();
        for (k, v) in entries.into_iter().rev() {
            reversed.insert(k.clone(), v.clone());
        }
        let reversed = Value::Dictionary(reversed);
        for format in [Format::Xml, Format::Binary, Format::Json] {
            assert_eq!(
                write(&value, format).unwrap(),
                write(&reversed, format).unwrap(),
                "{format}"
            );
        }
        let binary = write(&reversed, Format::Binary).unwrap();
        let back = parse(&binary, Path::new("p")).unwrap();
        assert_eq!(back.format, InputFormat::Binary);
        let keys: Vec<&String> = back.value.as_dictionary().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "ConsentText",
                "PayloadContent",
                "PayloadUUID",
                "PayloadVersion",
                "RemovalDate"
            ]
        );
    }

    fn xml_string() -> impl Strategy<Value = String> {
        any::<String>().prop_map(|s| {
            s.chars()
                .filter(|c| xml::is_xml_char(*c))
                .take(16)
                .collect()
        })
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            xml_string().prop_map(Value::String),
            any::<i64>().prop_map(|i| Value::Integer(Integer::from(i))),
            any::<u64>().prop_map(|i| Value::Integer(Integer::from(i))),
            any::<f64>()
                .prop_filter("finite", |r| r.is_finite())
                .prop_map(Value::Real),
            any::<bool>().prop_map(Value::Boolean),
            prop::collection::vec(any::<u8>(), 0..120).prop_map(Value::Data),
            (-62_167_219_200i64..253_402_300_800).prop_map(|s| {
                let t = if s >= 0 {
                    UNIX_EPOCH + Duration::from_secs(s as u64)
                } else {
                    UNIX_EPOCH - Duration::from_secs(s.unsigned_abs())
                };
                Value::Date(Date::from(t))
            }),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(5, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((xml_string(), inner), 0..6).prop_map(|entries| {
                    let mut d = Dictionary::new();
                    for (k, v) in entries {
                        d.insert(k, v);
                    }
                    Value::Dictionary(d)
                }),
            ]
        })
    }

    fn profile() -> impl Strategy<Value = Value> {
        prop::collection::vec((xml_string(), value()), 0..6).prop_map(|entries| {
            let mut d = Dictionary::new();
            for (k, v) in entries {
                d.insert(k, v);
            }
            Value::Dictionary(d)
        })
    }

    /// Mutates `bytes`: each op flips, inserts or deletes one byte, or truncates.
    fn mutate(mut bytes: Vec<u8>, ops: &[(u8, usize, u8)]) -> Vec<u8> {
        for &(op, at, byte) in ops {
            if bytes.is_empty() {
                break;
            }
            let at = at % bytes.len();
            match op % 4 {
                0 => bytes[at] ^= byte.max(1),
                1 => bytes.insert(at, byte),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        bytes
    }

    proptest! {
        #[test]
        fn xml_round_trips(v in profile()) {
            let bytes = write(&v, Format::Xml).unwrap();
            let back = parse(&bytes, Path::new("p")).unwrap();
            prop_assert_eq!(back.format, InputFormat::Xml);
            prop_assert_eq!(back.value, v);
        }

        #[test]
        fn binary_round_trips(v in profile()) {
            let bytes = write(&v, Format::Binary).unwrap();
            let back = parse(&bytes, Path::new("p")).unwrap();
            prop_assert_eq!(back.format, InputFormat::Binary);
            prop_assert_eq!(back.value, v);
        }

        #[test]
        fn json_never_fails_on_finite_values(v in profile()) {
            let bytes = write(&v, Format::Json).unwrap();
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
        }

        #[test]
        fn parse_never_panics_on_any_bytes(
            prefix in prop_oneof![Just(&b""[..]), Just(&b"bplist00"[..]), Just(&b"<plist><dict>"[..]), Just(&[0x30u8][..])],
            bytes in prop::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut input = prefix.to_vec();
            input.extend(bytes);
            let _ = parse(&input, Path::new("p"));
        }

        #[test]
        fn parse_never_panics_on_mutated_profiles(
            binary in any::<bool>(),
            ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..8),
        ) {
            let format = if binary { Format::Binary } else { Format::Xml };
            let input = mutate(write(&sample(), format).unwrap(), &ops);
            let _ = parse(&input, Path::new("p"));
        }
    }
}
