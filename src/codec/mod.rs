//! Bytes in and out: reading profiles (XML, binary, CMS-signed) and writing them
//! (Apple-style XML, binary, JSON), and the atomic file writes every command uses.

mod file;
mod inputs;
mod json;
mod path;
mod read;
mod xml;

pub use file::{MAX_INPUT_BYTES, read_input, write_output};
pub use inputs::{PROFILE_EXTENSION, expand_inputs};
pub use json::to_json;
pub use path::EncodeError;
pub use read::{
    Decoded, InputFormat, MAX_CONTENT_BYTES, MAX_DEPTH, MAX_VALUES, Position, parse, read_file,
};
pub use xml::{XmlOptions, append_xml, cf_compare, to_xml};

use plist::{Dictionary, Value};

use crate::error::{Error, Result};

/// An output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Format {
    /// An XML property list as Apple's tools write it, keys sorted.
    #[default]
    Xml,
    /// A binary property list (`bplist00`), keys sorted.
    Binary,
    /// JSON, for scripts (see [`to_json`] for the mapping); not a profile a Mac installs.
    Json,
}

impl Format {
    /// The name used in messages: `XML`, `binary` or `JSON`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xml => "XML",
            Format::Binary => "binary",
            Format::Json => "JSON",
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
        Format::Json => to_json(value).map_err(|e| encode_err(e.into())),
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
