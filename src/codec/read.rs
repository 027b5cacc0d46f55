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
    /// A JSON document: a Declarative Device Management declaration
    /// ([`super::parse_json`], [`crate::declaration::parse`]).
    Json,
}

impl InputFormat {
    /// The name used in messages: `XML`, `binary` or `signed`.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Xml => "XML",
            InputFormat::Binary => "binary",
            InputFormat::Signed => "signed",
            InputFormat::Json => "JSON",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile read from bytes: its value (a dictionary) and the format it came in.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The property list; its root is always a dictionary.
    pub value: Value,
    /// The encoding it was read from: [`InputFormat::Signed`] for a signed profile.
    pub format: InputFormat,
    /// The encoding of the profile itself (inside the signature, when signed).
    pub content_format: InputFormat,
    /// The signature envelope of a signed profile, for [`crate::sign::verify`].
    pub signed: Option<Box<crate::sign::SignedProfile>>,
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
/// [`Error::EmptyInput`] for empty (or blank) input, [`Error::Unreadable`]
/// for a CMS envelope that cannot be read, [`Error::NotAPlist`] for anything that is not an
/// XML or binary property list (OpenStep text plists included: Apple profiles
/// are never written that way), with the position where the parser gives one,
/// [`Error::TooComplex`] past [`MAX_DEPTH`], [`MAX_VALUES`] or
/// [`MAX_CONTENT_BYTES`], and [`Error::NotADictionary`] when the root is not a
/// dictionary. Never panics, whatever the bytes.
///
/// A CMS-signed profile (DER or BER) is unwrapped; its signature is kept in
/// [`Decoded::signed`] for the caller to verify, not checked here.
pub fn parse(bytes: &[u8], origin: &Path) -> Result<Decoded> {
    // Messages name standard input as `<stdin>`, not `-`.
    let origin = if origin == Path::new("-") {
        Path::new("<stdin>")
    } else {
        origin
    };
    if crate::sign::looks_signed(bytes) {
        let signed = crate::sign::open(bytes).map_err(|source| Error::Unreadable {
            path: origin.to_path_buf(),
            source,
        })?;
        let inner = parse_plist(signed.content(), origin)?;
        return Ok(Decoded {
            value: inner.value,
            format: InputFormat::Signed,
            content_format: inner.format,
            signed: Some(Box::new(signed)),
        });
    }
    parse_plist(bytes, origin)
}

/// Parses an unsigned property list (see [`parse`]).
fn parse_plist(bytes: &[u8], origin: &Path) -> Result<Decoded> {
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
        return Err(not_a_plist(
            "a signed profile inside a signed profile".to_string(),
            None,
        ));
    }
    let format = sniff(bytes).map_err(|detail| not_a_plist(detail.into(), None))?;
    let text = format == InputFormat::Xml;
    if text
        && let Err((detail, offset)) = check_xml_chars(bytes).and_then(|()| check_xml_text(bytes))
    {
        return Err(not_a_plist(detail, Some(Position::at(bytes, offset, true))));
    }
    let built = match format {
        InputFormat::Binary => build(BinaryReader::new(Cursor::new(bytes))),
        _ => build(XmlReader::new(bytes)),
    };
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
    if text && let Err((detail, offset)) = check_plist_closed(bytes) {
        return Err(not_a_plist(detail, Some(Position::at(bytes, offset, true))));
    }
    if !matches!(value, Value::Dictionary(_)) {
        return Err(Error::NotADictionary {
            path: origin.to_path_buf(),
            found: kind_name(&value),
        });
    }
    Ok(Decoded {
        value,
        format,
        content_format: format,
        signed: None,
    })
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

/// Refuses characters XML 1.0 does not allow anywhere in a document (its `Char`
/// production), which the `plist` crate's reader would pass on: the control
/// characters other than tab, line feed and carriage return (U+0000 included),
/// and U+FFFE and U+FFFF. Apple's parser refuses them, and no XML property list
/// can carry them back out. Returns the message and the byte offset.
fn check_xml_chars(bytes: &[u8]) -> Result<(), (String, u64)> {
    let bad = bytes.iter().enumerate().find_map(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => None,
        0..=0x1F => Some((i, u32::from(b))),
        0xEF if bytes.get(i + 1) == Some(&0xBF)
            && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
        {
            Some((i, 0xFFFE + u32::from(bytes[i + 2] == 0xBF)))
        }
        _ => None,
    });
    match bad {
        None => Ok(()),
        Some((i, code)) => Err((
            format!("it holds U+{code:04X}, a character XML 1.0 does not allow"),
            i as u64,
        )),
    }
}

/// The character a character reference (`#27`, `#x1B`: the text between `&`
/// and `;`) denotes, if it is a number.
fn char_reference(name: &[u8]) -> Option<u32> {
    let digits = std::str::from_utf8(name.strip_prefix(b"#")?).ok()?;
    match digits.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()
        }
        _ => None,
    }
}

/// Refuses an XML property list whose `<plist>` element is never closed: the
/// `plist` crate's reader stops after the root value and does not look for
/// `</plist>`, which Apple's parser requires. A document without a `<plist>`
/// element (a bare `<dict>`) is left alone. Returns the message and the byte
/// offset (the end of the input).
fn check_plist_closed(bytes: &[u8]) -> Result<(), (String, u64)> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The first element, after the XML declaration, comments and the DOCTYPE.
    let mut rest = text;
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<!--") {
            match rest.windows(3).position(|w| w == b"-->") {
                Some(end) => rest = &rest[end + 3..],
                None => return Ok(()),
            }
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            match rest.iter().position(|&b| b == b'>') {
                Some(end) => rest = &rest[end + 1..],
                None => return Ok(()),
            }
        } else {
            break;
        }
    }
    let opens_plist = rest.starts_with(b"<plist")
        && matches!(rest.get(6), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r'));
    if !opens_plist {
        return Ok(());
    }
    // The end, without white space and comments after `</plist>`.
    let mut end = text.trim_ascii_end();
    while end.ends_with(b"-->") {
        match end.windows(4).rposition(|w| w == b"<!--") {
            Some(start) => end = end[..start].trim_ascii_end(),
            None => break,
        }
    }
    let closed = end
        .strip_suffix(b">")
        .is_some_and(|e| e.trim_ascii_end().ends_with(b"</plist"));
    if closed {
        Ok(())
    } else {
        Err((
            "the `plist` element is not closed: the input ends before `</plist>` (a truncated file?)".into(),
            bytes.len() as u64,
        ))
    }
}

/// Refuses what the `plist` crate's XML reader would silently drop: CDATA
/// sections and entity references other than XML's five and character
/// references. Comments and the DOCTYPE are skipped. Returns the message and
/// the byte offset.
fn check_xml_text(bytes: &[u8]) -> Result<(), (String, u64)> {
    let find = |from: usize, needle: &[u8]| {
        bytes
            .get(from..)
            .and_then(|rest| rest.windows(needle.len()).position(|w| w == needle))
            .map(|p| from + p)
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' if bytes[i..].starts_with(b"<!--") => match find(i + 4, b"-->") {
                Some(end) => i = end + 3,
                None => return Ok(()), // unclosed: the parser reports it
            },
            b'<' if bytes[i..].starts_with(b"<![CDATA[") => {
                return Err((
                    "a CDATA section, which this reader cannot read; escape the text with `&amp;`, `&lt;` and `&gt;` instead".into(),
                    i as u64,
                ));
            }
            b'<' if bytes[i..].starts_with(b"<!DOCTYPE") => {
                let close = find(i, b">").unwrap_or(bytes.len());
                i = match find(i, b"[") {
                    Some(open) if open < close => find(open, b"]>").map_or(bytes.len(), |e| e + 2),
                    _ => close + 1,
                };
            }
            b'&' => {
                let end = bytes[i..].iter().take(40).position(|&b| b == b';');
                let name = end.map(|e| &bytes[i + 1..i + e]);
                match name {
                    Some(b"amp" | b"lt" | b"gt" | b"quot" | b"apos") => {}
                    Some(n) if n.first() == Some(&b'#') => {
                        let character = char_reference(n);
                        let allowed = character
                            .and_then(char::from_u32)
                            .is_some_and(super::xml::is_xml_char);
                        if !allowed {
                            let what = match character {
                                Some(code) => format!("stands for U+{code:04X}, a character XML 1.0 does not allow"),
                                None => "is not a number (expected `&#` and a decimal number, or `&#x` and a hexadecimal one)".into(),
                            };
                            return Err((
                                format!(
                                    "the character reference `&{};` {what}",
                                    String::from_utf8_lossy(n)
                                ),
                                i as u64,
                            ));
                        }
                    }
                    Some(n) => {
                        return Err((
                            format!(
                                "an unknown entity reference `&{};` (XML knows `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`)",
                                String::from_utf8_lossy(n)
                            ),
                            i as u64,
                        ));
                    }
                    None => {
                        return Err((
                            "a `&` that starts no entity reference; write it `&amp;`".into(),
                            i as u64,
                        ));
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
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
                        super::path::KeyPath(&stack_path(&stack))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        parse(bytes, Path::new("p.mobileconfig"))
            .unwrap_err()
            .to_string()
    }

    const PREFIX: &str = "`p.mobileconfig` is not a property list: ";

    /// A binary plist from its objects (already encoded, references one byte
    /// each); object 0 is the root.
    fn bplist(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        for object in objects {
            offsets.push(out.len() as u32);
            out.extend_from_slice(object);
        }
        let table = out.len() as u64;
        for offset in offsets {
            out.extend_from_slice(&offset.to_be_bytes());
        }
        out.extend_from_slice(&[0; 6]);
        out.push(4); // offset size
        out.push(1); // reference size
        out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
        out.extend_from_slice(&0u64.to_be_bytes());
        out.extend_from_slice(&table.to_be_bytes());
        out
    }

    /// An array object of one-byte references.
    fn array(refs: &[u8]) -> Vec<u8> {
        let mut out = if refs.len() < 15 {
            vec![0xA0 | refs.len() as u8]
        } else {
            let mut v = vec![0xAF, 0x11];
            v.extend_from_slice(&(refs.len() as u16).to_be_bytes());
            v
        };
        out.extend_from_slice(refs);
        out
    }

    #[test]
    fn reads_xml_and_binary_profiles() {
        let xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n\t<key>A</key>\n\t<string>x &amp; &#65;</string>\n</dict>\n</plist>\n";
        let decoded = parse(xml, Path::new("p")).unwrap();
        assert_eq!(decoded.format, InputFormat::Xml);
        let mut expected = Dictionary::new();
        expected.insert("A".into(), Value::String("x & A".into()));
        assert_eq!(decoded.value, Value::Dictionary(expected.clone()));

        let mut binary = Vec::new();
        Value::Dictionary(expected.clone())
            .to_writer_binary(&mut binary)
            .unwrap();
        let decoded = parse(&binary, Path::new("p")).unwrap();
        assert_eq!(decoded.format, InputFormat::Binary);
        assert_eq!(decoded.value, Value::Dictionary(expected));

        // A UTF-8 byte order mark and leading white space are fine.
        let decoded = parse(b"\xEF\xBB\xBF \n<plist><dict/></plist>", Path::new("p")).unwrap();
        assert_eq!(decoded.value, Value::Dictionary(Dictionary::new()));
    }

    #[test]
    fn empty_input_has_its_own_message() {
        let expected = "`p.mobileconfig` is empty; expected a configuration profile (an XML, binary or CMS-signed property list)";
        assert_eq!(err(b""), expected);
        assert_eq!(err(b" \n\t"), expected);
    }

    #[test]
    fn signed_profiles_are_recognised() {
        let mut der = vec![
            0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
        ];
        der.extend_from_slice(&[0xA0, 0x80, 0x30, 0x80]);
        // A truncated envelope: the signature module cannot open it.
        let e = parse(&der, Path::new("p.mobileconfig")).unwrap_err();
        assert!(matches!(e, Error::Unreadable { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "`p.mobileconfig` is not a readable signed profile"
        );
        // DER that is not signed data (here: a certificate-like SEQUENCE).
        assert_eq!(
            err(&[0x30, 0x82, 0x01, 0x0A, 0x02, 0x01, 0x01]),
            format!("{PREFIX}it looks like DER data, but not a CMS signed-data envelope")
        );
    }

    #[test]
    fn what_is_not_xml_or_binary_is_named() {
        assert_eq!(
            err(b"{ PayloadType = Configuration; }"),
            format!(
                "{PREFIX}it looks like an OpenStep (text) property list; a configuration profile is an XML or binary property list"
            )
        );
        assert_eq!(
            err(b"hello"),
            format!("{PREFIX}it is neither XML nor a binary property list (`bplist00`)")
        );
        assert_eq!(
            err(b"bplist15\x00\x00"),
            format!(
                "{PREFIX}only version 00 of the binary property list format (`bplist00`) is read"
            )
        );
        assert_eq!(
            err(b"\xFF\xFE<\x00p\x00"),
            format!("{PREFIX}the text is UTF-16; save the profile as UTF-8")
        );
    }

    #[test]
    fn xml_errors_give_line_column_and_byte() {
        let mismatched = b"<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<dict>\n\t<key>a</key>\n\t<string>x</dict>\n</plist>\n";
        assert_eq!(
            err(mismatched),
            format!("{PREFIX}the XML is malformed (at line 5, column 18, byte 82)")
        );
        assert_eq!(
            err(b"<html><body>hi</body></html>"),
            format!(
                "{PREFIX}an element that is not part of a property list (expected `plist`, `dict`, `key`, `array`, `string`, `data`, `date`, `integer`, `real`, `true` or `false`) (at line 1, column 7, byte 6)"
            )
        );
        assert_eq!(
            err(b"<plist><dict><key>a</key><data>!!!</data></dict></plist>"),
            format!("{PREFIX}a `data` element is not valid base64 (at line 1, column 42, byte 41)")
        );
        assert_eq!(
            err(b"<plist><dict><key>a</key><date>yesterday</date></dict></plist>"),
            format!(
                "{PREFIX}a `date` element is not a date like `2025-01-31T12:00:00Z` (at line 1, column 48, byte 47)"
            )
        );
        assert_eq!(
            err(b"<plist><dict><key>a</key><integer>1.5</integer></dict></plist>"),
            format!(
                "{PREFIX}an `integer` element is not a 64-bit integer (at line 1, column 48, byte 47)"
            )
        );
        assert_eq!(
            err("<plist><dict><key>é</key><real>x</real></dict></plist>".as_bytes()),
            format!("{PREFIX}a `real` element is not a number (at line 1, column 40, byte 40)")
        );
        assert_eq!(
            err(b"<plist><dict><key>a</key><string>\xff</string></dict></plist>"),
            format!(
                "{PREFIX}the XML holds invalid UTF-8 or an invalid escape (at line 1, column 35, byte 34)"
            )
        );
    }

    #[test]
    fn structure_errors_name_the_key_path() {
        assert_eq!(
            err(b"<plist><dict><key>a</key></dict></plist>"),
            format!("{PREFIX}`a` has no value")
        );
        assert_eq!(
            err(b"<plist><dict><key>A</key><array><dict><key>b</key><true/><integer>1</integer></dict></array></dict></plist>"),
            format!("{PREFIX}in `A[0]`, an integer appears where a key is expected")
        );
        assert_eq!(
            err(b"<plist><dict><key>k</key><true/><array/></dict></plist>"),
            format!("{PREFIX}in the root, a dictionary or array appears where a key is expected")
        );
        assert_eq!(
            err(b"<plist><dict/><dict/></plist>"),
            format!("{PREFIX}content follows the end of the property list")
        );
        assert_eq!(
            err(b"<?xml version=\"1.0\"?>\n"),
            format!("{PREFIX}it holds no value (at line 2, column 1, byte 22)")
        );
        assert_eq!(
            err(b"<plist>\n<dict>\n<key>A</key>\n<array>\n"),
            format!(
                "{PREFIX}the input ends inside `A[0]` before every dictionary and array is closed (at line 5, column 1, byte 36)"
            )
        );
        assert_eq!(
            err(b"<plist><dict><key>a</key><str"),
            format!("{PREFIX}the input ends too early (at line 1, column 30, byte 29)")
        );
    }

    #[test]
    fn what_the_xml_reader_would_drop_is_refused() {
        assert_eq!(
            err(b"<plist><dict><key>a</key><string>&foo;</string></dict></plist>"),
            format!(
                "{PREFIX}an unknown entity reference `&foo;` (XML knows `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`) (at line 1, column 34, byte 33)"
            )
        );
        assert_eq!(
            err(b"<plist><dict><key>a</key><string><![CDATA[x]]></string></dict></plist>"),
            format!(
                "{PREFIX}a CDATA section, which this reader cannot read; escape the text with `&amp;`, `&lt;` and `&gt;` instead (at line 1, column 34, byte 33)"
            )
        );
        assert_eq!(
            err(b"<plist><dict><key>a & b</key><true/></dict></plist>"),
            format!(
                "{PREFIX}a `&` that starts no entity reference; write it `&amp;` (at line 1, column 21, byte 20)"
            )
        );
        // In comments and the DOCTYPE they are harmless.
        let ok =
            b"<!DOCTYPE plist [ <!ENTITY x \"&y;\"> ]><!-- &z; <![CDATA[ --><plist><dict/></plist>";
        assert!(parse(ok, Path::new("p")).is_ok());
    }

    #[test]
    fn what_apples_parser_refuses_is_refused_with_its_position() {
        // A `<plist>` that never closes: a truncated file.
        assert_eq!(
            err(b"<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<dict/>\n"),
            format!(
                "{PREFIX}the `plist` element is not closed: the input ends before `</plist>` (a truncated file?) (at line 4, column 1, byte 52)"
            )
        );
        // Raw characters XML 1.0 does not allow, and references to them.
        assert_eq!(
            err(b"<plist>\n<dict><key>a</key><string>x\x00</string></dict></plist>"),
            format!(
                "{PREFIX}it holds U+0000, a character XML 1.0 does not allow (at line 2, column 28, byte 35)"
            )
        );
        assert_eq!(
            err(b"<plist><dict><key>a\x1b</key><true/></dict></plist>"),
            format!(
                "{PREFIX}it holds U+001B, a character XML 1.0 does not allow (at line 1, column 20, byte 19)"
            )
        );
        assert_eq!(
            err("<plist><dict><key>a</key><string>\u{FFFE}</string></dict></plist>".as_bytes()),
            format!(
                "{PREFIX}it holds U+FFFE, a character XML 1.0 does not allow (at line 1, column 34, byte 33)"
            )
        );
        for (reference, code) in [
            ("&#27;", "U+001B"),
            ("&#x1b;", "U+001B"),
            ("&#0;", "U+0000"),
            ("&#xFFFF;", "U+FFFF"),
            ("&#xD800;", "U+D800"),
            ("&#1114112;", "U+110000"),
        ] {
            let xml =
                format!("<plist><dict><key>a</key><string>x{reference}</string></dict></plist>");
            assert_eq!(
                err(xml.as_bytes()),
                format!(
                    "{PREFIX}the character reference `{reference}` stands for {code}, a character XML 1.0 does not allow (at line 1, column 35, byte 34)"
                ),
            );
        }
        assert_eq!(
            err(b"<plist><dict><key>a</key><string>&#xZZ;</string></dict></plist>"),
            format!(
                "{PREFIX}the character reference `&#xZZ;` is not a number (expected `&#` and a decimal number, or `&#x` and a hexadecimal one) (at line 1, column 34, byte 33)"
            )
        );
        // What XML allows still reads: tab, CR as a reference, characters above
        // U+FFFF, a closing tag with spaces and comments after it, a bare `<dict>`.
        let ok = "<?xml version=\"1.0\"?>\n<!-- a -->\n<plist version=\"1.0\"><dict><key>a</key><string>\t&#13;&#x1F600;&#65;</string></dict></plist >\n<!-- end -->\n";
        let decoded = parse(ok.as_bytes(), Path::new("p")).unwrap();
        let root = decoded.value.as_dictionary().unwrap();
        assert_eq!(root["a"].as_string(), Some("\t\r\u{1F600}A"));
        assert!(parse(b"<dict><key>a</key><true/></dict>", Path::new("p")).is_ok());
    }

    #[test]
    fn a_root_that_is_not_a_dictionary_is_refused() {
        assert_eq!(
            err(b"<plist><array/></plist>"),
            "`p.mobileconfig` is not a configuration profile: its root is an array, expected a dictionary"
        );
        assert_eq!(
            err(b"<plist><string>x</string></plist>"),
            "`p.mobileconfig` is not a configuration profile: its root is a string, expected a dictionary"
        );
        let Err(Error::NotADictionary { found, .. }) =
            parse(&bplist(&[vec![0x09]]), Path::new("p"))
        else {
            panic!("expected NotADictionary");
        };
        assert_eq!(found, "boolean");
    }

    #[test]
    fn binary_errors_give_the_byte_offset() {
        assert_eq!(
            err(b"bplist00\xd1\x01\x02"),
            format!("{PREFIX}the input ends too early (at byte 0)")
        );
        let mut zeros = b"bplist00".to_vec();
        zeros.extend([0u8; 40]);
        assert_eq!(
            err(&zeros),
            format!("{PREFIX}the binary trailer is corrupt (at byte 16)")
        );
        // An array that contains itself.
        assert_eq!(
            err(&bplist(&[array(&[0])])),
            format!("{PREFIX}an array or dictionary contains itself (at byte 8)")
        );
        // A reference past the object table.
        assert_eq!(
            err(&bplist(&[array(&[7])])),
            format!("{PREFIX}an object reference points past the object table (at byte 8)")
        );
    }

    #[test]
    fn deep_xml_nesting_is_refused_without_overflowing_the_stack() {
        let depth = 100_000;
        let mut xml = b"<plist>".to_vec();
        xml.extend(b"<array>".repeat(depth));
        xml.extend(b"</array>".repeat(depth));
        xml.extend(b"</plist>");
        let expected = format!(
            "`p.mobileconfig` is too complex to be a configuration profile: dictionaries and arrays nest deeper than 128 levels, at `{}`",
            "[0]".repeat(128)
        );
        assert_eq!(err(&xml), expected);
        // 128 levels are read.
        let mut ok = b"<plist><dict><key>k</key>".to_vec();
        ok.extend(b"<array>".repeat(MAX_DEPTH - 1));
        ok.extend(b"</array>".repeat(MAX_DEPTH - 1));
        ok.extend(b"</dict></plist>");
        assert!(parse(&ok, Path::new("p")).is_ok());
    }

    #[test]
    fn deep_binary_nesting_is_refused() {
        let objects: Vec<Vec<u8>> = (0..200u8)
            .map(|i| if i < 199 { array(&[i + 1]) } else { vec![0x09] })
            .collect();
        assert!(err(&bplist(&objects)).contains("nest deeper than 128 levels"));
    }

    #[test]
    fn shared_objects_cannot_expand_without_bound() {
        // Thirty arrays, each referencing the next twice: 2^30 values once expanded.
        let mut objects: Vec<Vec<u8>> = (0..30u8).map(|i| array(&[i + 1, i + 1])).collect();
        objects.push(vec![0x51, b'x']);
        assert_eq!(
            err(&bplist(&objects)),
            "`p.mobileconfig` is too complex to be a configuration profile: it holds more than 1000000 values"
        );
        // One 100 KB data object referenced 1000 times: 100 MB once expanded.
        let mut data = vec![0x4F, 0x12];
        data.extend_from_slice(&100_000u32.to_be_bytes());
        data.resize(data.len() + 100_000, 0xAB);
        let refs = vec![1u8; 1000];
        let objects = vec![array(&refs), data];
        assert_eq!(
            err(&bplist(&objects)),
            "`p.mobileconfig` is too complex to be a configuration profile: its strings and data add up to more than 64 MiB"
        );
    }

    #[test]
    fn read_file_names_missing_files() {
        let err = read_file(Path::new("/nonexistent/x.mobileconfig")).unwrap_err();
        assert_eq!(err.to_string(), "cannot read `/nonexistent/x.mobileconfig`");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mobileconfig");
        std::fs::write(&path, b"<plist><dict/></plist>").unwrap();
        assert_eq!(read_file(&path).unwrap().format, InputFormat::Xml);
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\ncé\nx".as_bytes();
        assert_eq!(Position::at(text, 0, true).line_column, Some((1, 1)));
        assert_eq!(Position::at(text, 3, true).line_column, Some((2, 1)));
        assert_eq!(Position::at(text, 6, true).line_column, Some((2, 3)));
        assert_eq!(Position::at(text, 999, true).line_column, Some((3, 2)));
        assert_eq!(Position::at(text, 5, false).to_string(), "byte 5");
        assert_eq!(
            Position::at(text, 3, true).to_string(),
            "line 2, column 1, byte 3"
        );
    }
}
