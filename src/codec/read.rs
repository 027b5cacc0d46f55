//! Reading a profile's bytes into a `plist::Value`: format detection (XML,
//! binary, CMS-signed), bounded parsing, and errors that name the file and the
//! position.
//!
//! The value is built here from `plist`'s event stream rather than by
//! `plist::Value::from_reader`, so that nesting depth, the number of values and
//! the bytes of strings and data are bounded: a binary plist can reference one
//! object many times (a few kilobytes that expand to gigabytes), and a `Value`
//! nested a hundred thousand levels deep overflows the stack when dropped.

use std::borrow::Cow;
use std::fmt;
use std::io::Cursor;
use std::path::Path;

use plist::stream::{BinaryReader, Event, OwnedEvent, XmlReader};
use plist::{Dictionary, Value};

use crate::error::{Error, Result};

use super::file::read_input;

/// Deepest nesting of dictionaries and arrays read. A Platform SSO profile
/// nests about six levels.
pub const MAX_DEPTH: usize = 128;
/// Most values (of any kind, containers included) read from one input.
pub const MAX_VALUES: usize = 1_000_000;
/// Most bytes of strings, keys and data read from one input, after a binary
/// plist's shared objects are expanded.
pub const MAX_CONTENT_BYTES: usize = 64 * 1024 * 1024;

/// The encoding an input was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputFormat {
    /// An XML property list.
    Xml,
    /// A binary property list (`bplist00`).
    Binary,
    /// A CMS (PKCS #7) signed-data envelope around a property list.
    Signed,
}

impl InputFormat {
    /// The name used in messages: `XML`, `binary` or `signed`.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Xml => "XML",
            InputFormat::Binary => "binary",
            InputFormat::Signed => "signed",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile read from bytes: its value (a dictionary) and the format it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The property list; its root is always a dictionary.
    pub value: Value,
    /// The encoding it was read from.
    pub format: InputFormat,
}

/// Where in an input a parser stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset from the start of the input.
    pub offset: u64,
    /// 1-based line and column (in characters) for text (XML) input.
    pub line_column: Option<(u64, u64)>,
}

impl Position {
    /// The position of byte `offset` in `bytes`, with line and column when `text`.
    pub(crate) fn at(bytes: &[u8], offset: u64, text: bool) -> Position {
        let line_column = text.then(|| {
            let end = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let before = &bytes[..end];
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
            // Count characters, not bytes: skip UTF-8 continuation bytes.
            let column = 1 + before[line_start..]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count() as u64;
            (line, column)
        });
        Position {
            offset,
            line_column,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_column {
            Some((line, column)) => write!(f, "line {line}, column {column}, byte {}", self.offset),
            None => write!(f, "byte {}", self.offset),
        }
    }
}

/// Reads a file (or standard input for `-`) and parses it with [`parse`].
///
/// # Errors
///
/// Those of [`read_input`] and of [`parse`].
pub fn read_file(path: &Path) -> Result<Decoded> {
    let bytes = read_input(path)?;
    parse(&bytes, path)
}

/// Parses a profile: an XML or binary property list whose root is a dictionary.
/// `origin` names the input in messages.
///
/// # Errors
///
/// [`Error::EmptyInput`] for empty (or blank) input, [`Error::SignedProfile`]
/// for a CMS-signed profile, [`Error::NotAPlist`] for anything that is not an
/// XML or binary property list (OpenStep text plists included: Apple profiles
/// are never written that way), with the position where the parser gives one,
/// [`Error::TooComplex`] past [`MAX_DEPTH`], [`MAX_VALUES`] or
/// [`MAX_CONTENT_BYTES`], and [`Error::NotADictionary`] when the root is not a
/// dictionary. Never panics, whatever the bytes.
pub fn parse(bytes: &[u8], origin: &Path) -> Result<Decoded> {
    let not_a_plist = |detail: String, position: Option<Position>| Error::NotAPlist {
        path: origin.to_path_buf(),
        detail,
        position,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::EmptyInput {
            path: origin.to_path_buf(),
        });
    }
    if is_cms_signed_data(bytes) {
        return Err(Error::SignedProfile {
            path: origin.to_path_buf(),
        });
    }
    let format = sniff(bytes).map_err(|detail| not_a_plist(detail.into(), None))?;
    let built = match format {
        InputFormat::Binary => build(BinaryReader::new(Cursor::new(bytes))),
        _ => build(XmlReader::new(bytes)),
    };
    let text = format == InputFormat::Xml;
    let value = built.map_err(|failure| match failure {
        BuildError::Plist(err) => {
            let (detail, offset) = describe_plist_error(&err);
            not_a_plist(detail, offset.map(|o| Position::at(bytes, o, text)))
        }
        BuildError::Structure { detail, at_end } => {
            let position = at_end.then(|| Position::at(bytes, bytes.len() as u64, text));
            not_a_plist(detail, position)
        }
        BuildError::Limit(detail) => Error::TooComplex {
            path: origin.to_path_buf(),
            detail,
        },
    })?;
    if !matches!(value, Value::Dictionary(_)) {
        return Err(Error::NotADictionary {
            path: origin.to_path_buf(),
            found: kind_name(&value),
        });
    }
    Ok(Decoded { value, format })
}

/// The DER encoding of the PKCS #7 signedData OID 1.2.840.113549.1.7.2, tag included.
const SIGNED_DATA_OID: &[u8] = &[
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
];

/// Whether `bytes` look like a CMS signed-data envelope: a DER/BER SEQUENCE
/// whose first 32 bytes hold the signedData OID.
pub(crate) fn is_cms_signed_data(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
        && bytes[..bytes.len().min(32)]
            .windows(SIGNED_DATA_OID.len())
            .any(|w| w == SIGNED_DATA_OID)
}

/// Detects XML or binary, or says why the bytes are neither.
fn sniff(bytes: &[u8]) -> Result<InputFormat, &'static str> {
    if bytes.starts_with(b"bplist00") {
        return Ok(InputFormat::Binary);
    }
    if bytes.starts_with(b"bplist") {
        return Err("only version 00 of the binary property list format (`bplist00`) is read");
    }
    if bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE]) {
        return Err("the text is UTF-16; save the profile as UTF-8");
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Ok(InputFormat::Xml),
        Some(b'{' | b'(' | b'"') => Err(
            "it looks like an OpenStep (text) property list; a configuration profile is an XML or binary property list",
        ),
        Some(0x30) => Err("it looks like DER data, but not a CMS signed-data envelope"),
        _ => Err("it is neither XML nor a binary property list (`bplist00`)"),
    }
}

/// The kind of a value, as named in messages: `array`, `string`...
pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "array",
        Value::Dictionary(_) => "dictionary",
        Value::Boolean(_) => "boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "date",
        Value::Real(_) => "real",
        Value::Integer(_) => "integer",
        Value::String(_) => "string",
        Value::Uid(_) => "UID",
        _ => "value of unknown kind",
    }
}

/// A message for a `plist` parse error, and the byte offset it gives.
///
/// `plist::Error` shows its kind and `(offset N)` but exposes neither, so both
/// are read from its text.
fn describe_plist_error(err: &plist::Error) -> (String, Option<u64>) {
    let text = err.to_string();
    let (kind_text, offset) = match text.rsplit_once(" (offset ") {
        Some((kind, rest)) => (kind, rest.trim_end_matches(')').parse::<u64>().ok()),
        None => (text.as_str(), None),
    };
    let kind: String = kind_text
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let detail: Cow<'static, str> = match kind.as_str() {
        "UnexpectedEof" => "the input ends too early".into(),
        "UnexpectedEndOfEventStream" => "the input ends before the property list is complete".into(),
        "UnexpectedEventType" => "an element appears where it is not allowed".into(),
        "ExpectedEndOfEventStream" => "content follows the end of the property list".into(),
        "UnclosedXmlElement" => "an XML element is not closed".into(),
        "UnexpectedXmlCharactersExpectedElement" => "text appears where an element is expected".into(),
        "UnexpectedXmlOpeningTag" => "an element opens where it is not allowed".into(),
        "UnknownXmlElement" => "an element that is not part of a property list (expected `plist`, `dict`, `key`, `array`, `string`, `data`, `date`, `integer`, `real`, `true` or `false`)".into(),
        "InvalidXmlSyntax" => "the XML is malformed".into(),
        "InvalidXmlUtf8" => "the XML holds invalid UTF-8 or an invalid escape".into(),
        "InvalidDataString" => "a `data` element is not valid base64".into(),
        "InvalidDateString" => "a `date` element is not a date like `2025-01-31T12:00:00Z`".into(),
        "InvalidIntegerString" => "an `integer` element is not a 64-bit integer".into(),
        "InvalidRealString" => "a `real` element is not a number".into(),
        "UidNotSupportedInXmlPlist" => "a UID cannot appear in an XML property list".into(),
        "ObjectTooLarge" => "an object is larger than the file".into(),
        "InvalidMagic" => "the binary header is not `bplist00`".into(),
        "InvalidTrailerObjectOffsetSize" | "InvalidTrailerObjectReferenceSize" => {
            "the binary trailer is corrupt".into()
        }
        "InvalidObjectLength" => "an object has an invalid length".into(),
        "ObjectReferenceTooLarge" => "an object reference points past the object table".into(),
        "ObjectOffsetTooLarge" => "an object or table lies past the end of the data".into(),
        "RecursiveObject" => "an array or dictionary contains itself".into(),
        "NullObjectUnimplemented" | "FillObjectUnimplemented" | "UnknownObjectType" => {
            "an object of an unknown or unsupported type".into()
        }
        "IntegerOutOfRange" => "an integer is out of range".into(),
        "OverflowOrNanDate" => "a date is out of range".into(),
        "InvalidUtf8String" => "a string is not valid UTF-8".into(),
        "InvalidUtf16String" => "a string is not valid UTF-16".into(),
        "Io" => "the input ends too early".into(),
        _ => kind_text.to_string().into(),
    };
    (detail.into_owned(), offset)
}

/// Why building a value from events stopped.
enum BuildError {
    /// The parser's own error.
    Plist(plist::Error),
    /// Events that do not form one property list; `at_end` when the input ran out.
    Structure { detail: String, at_end: bool },
    /// A bound was passed.
    Limit(String),
}

enum Frame {
    Array(Vec<Value>),
    Dict(Dictionary, Option<String>),
}

/// Builds one value from `events`, bounded by [`MAX_DEPTH`], [`MAX_VALUES`] and
/// [`MAX_CONTENT_BYTES`].
fn build(
    events: impl Iterator<Item = Result<OwnedEvent, plist::Error>>,
) -> Result<Value, BuildError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    let mut values = 0usize;
    let mut content = 0usize;
    for event in events {
        let event = event.map_err(BuildError::Plist)?;
        if root.is_some() {
            return Err(BuildError::Structure {
                detail: "content follows the end of the property list".into(),
                at_end: false,
            });
        }
        values += 1;
        if values > MAX_VALUES {
            return Err(BuildError::Limit(format!(
                "it holds more than {MAX_VALUES} values"
            )));
        }
        let value = match event {
            Event::StartArray(len) | Event::StartDictionary(len) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(BuildError::Limit(format!(
                        "dictionaries and arrays nest deeper than {MAX_DEPTH} levels, at {}",
                        stack_path(&stack)
                    )));
                }
                if matches!(stack.last(), Some(Frame::Dict(_, None))) {
                    return Err(unexpected(&stack, "a dictionary or array"));
                }
                let capacity = len.map_or(0, |n| n.min(64) as usize);
                stack.push(if matches!(event, Event::StartArray(_)) {
                    Frame::Array(Vec::with_capacity(capacity))
                } else {
                    Frame::Dict(Dictionary::new(), None)
                });
                continue;
            }
            Event::EndCollection => match stack.pop() {
                Some(Frame::Array(items)) => Value::Array(items),
                Some(Frame::Dict(dict, None)) => Value::Dictionary(dict),
                Some(Frame::Dict(dict, Some(key))) => {
                    stack.push(Frame::Dict(dict, Some(key)));
                    return Err(BuildError::Structure {
                        detail: format!(
                            "{} has no value",
                            super::path::KeyPath(&stack_path(&stack))
                        ),
                        at_end: false,
                    });
                }
                None => {
                    return Err(BuildError::Structure {
                        detail: "a collection ends that never began".into(),
                        at_end: false,
                    });
                }
            },
            Event::String(s) => {
                content += s.len();
                if let Some(Frame::Dict(_, key @ None)) = stack.last_mut() {
                    if content > MAX_CONTENT_BYTES {
                        return Err(too_much_content());
                    }
                    *key = Some(s.into_owned());
                    continue;
                }
                Value::String(s.into_owned())
            }
            Event::Data(d) => {
                content += d.len();
                Value::Data(d.into_owned())
            }
            Event::Boolean(b) => Value::Boolean(b),
            Event::Date(d) => Value::Date(d),
            Event::Integer(i) => Value::Integer(i),
            Event::Real(r) => Value::Real(r),
            Event::Uid(u) => Value::Uid(u),
            _ => {
                return Err(BuildError::Structure {
                    detail: "a kind of value this reader does not know".into(),
                    at_end: false,
                });
            }
        };
        if content > MAX_CONTENT_BYTES {
            return Err(too_much_content());
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Array(items)) => items.push(value),
            Some(Frame::Dict(dict, key)) => match key.take() {
                Some(key) => {
                    dict.insert(key, value);
                }
                None => return Err(unexpected(&stack, kind_article(&value))),
            },
        }
    }
    match root {
        Some(value) if stack.is_empty() => Ok(value),
        _ if stack.is_empty() => Err(BuildError::Structure {
            detail: "it holds no value".into(),
            at_end: true,
        }),
        _ => Err(BuildError::Structure {
            detail: format!(
                "the input ends inside {} before every dictionary and array is closed",
                super::path::KeyPath(&stack_path(&stack))
            ),
            at_end: true,
        }),
    }
}

fn too_much_content() -> BuildError {
    BuildError::Limit(format!(
        "its strings and data add up to more than {} MiB",
        MAX_CONTENT_BYTES / (1024 * 1024)
    ))
}

fn unexpected(stack: &[Frame], found: &str) -> BuildError {
    BuildError::Structure {
        detail: format!(
            "in {}, {found} appears where a key is expected",
            super::path::KeyPath(&stack_path(stack))
        ),
        at_end: false,
    }
}

fn kind_article(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "an array",
        Value::Dictionary(_) => "a dictionary",
        Value::Boolean(_) => "a boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "a date",
        Value::Real(_) => "a real",
        Value::Integer(_) => "an integer",
        Value::String(_) => "a string",
        Value::Uid(_) => "a UID",
        _ => "a value",
    }
}

/// The key path of the value being built at the top of `stack`.
fn stack_path(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Array(items) => path.push_str(&format!("[{}]", items.len())),
            Frame::Dict(_, Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Dict(_, None) => {}
        }
    }
    path
}
