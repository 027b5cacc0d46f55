//! The XML property-list writer: the bytes Apple's CoreFoundation (and so
//! `plutil -convert xml1`) writes for a `plist::Value`.
//!
//! See [`to_xml`] for what it reproduces and where it departs.

use std::cmp::Ordering;
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use plist::Value;

use super::path::{EncodeError, find_path};

/// Options of [`to_xml`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct XmlOptions {
    /// Write dictionary keys sorted as CoreFoundation sorts them (by UTF-16 code
    /// unit), so the bytes do not depend on the order the dictionary was built
    /// in. When false, keys are written in the dictionary's own order.
    pub sort_keys: bool,
}

const HEADER: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
<plist version=\"1.0\">\n";
const FOOTER: &[u8] = b"</plist>\n";

/// Writes `value` as an XML property list, byte for byte as CoreFoundation
/// writes it, except for the departures listed below.
///
/// What it reproduces, from CoreFoundation's `CFPropertyList.c` and `CFNumber.c`:
/// the XML declaration, DOCTYPE and `<plist version="1.0">` lines, an unindented
/// root, one tab per level, `<key>` then its value, `<array/>` and `<dict/>` when
/// empty, `<true/>`/`<false/>`, only `&`, `<` and `>` escaped, reals as
/// `%.17g` (`nan`, `+infinity`, `-infinity`, `0.0` for zero), dates as
/// `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped), `<data>` as base64 in
/// lines of `76 − 8 × depth` characters indented like the tag (depth capped at 8),
/// keys sorted by UTF-16 code unit (`CFStringCompare` without options), and a
/// newline after `</plist>`.
///
/// Where it departs from CoreFoundation, on purpose:
/// - a carriage return in a string is written `&#13;`: written raw, an XML reader
///   turns it into a line feed, and the value would not read back the same;
/// - characters XML 1.0 cannot carry (controls other than tab, LF and CR,
///   U+FFFE, U+FFFF) are refused with [`EncodeError::InvalidXmlChar`] naming the
///   key path: CoreFoundation writes them raw and produces a file no XML parser
///   accepts;
/// - a date outside the years 0000 to 9999 is refused
///   ([`EncodeError::DateOutOfRange`]);
/// - a UID (only NSKeyedArchiver data holds one) is written as CoreFoundation
///   does, `<dict><key>CF$UID</key><integer>N</integer></dict>`, which reads back
///   as a dictionary.
///
/// # Errors
///
/// [`EncodeError::InvalidXmlChar`] for a string or key holding a character XML
/// 1.0 cannot carry, [`EncodeError::DateOutOfRange`] for a date outside the
/// years 0000 to 9999; both name the key path.
pub fn to_xml(value: &Value, options: &XmlOptions) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(4096);
    append_xml(&mut out, value, options)?;
    Ok(out)
}

/// Like [`to_xml`], appending to `out` (which a batch can reuse across profiles).
/// On error, `out` is left as it was.
pub fn append_xml(
    out: &mut Vec<u8>,
    value: &Value,
    options: &XmlOptions,
) -> Result<(), EncodeError> {
    let start = out.len();
    out.extend_from_slice(HEADER);
    let mut writer = XmlWriter {
        out,
        sort_keys: options.sort_keys,
        scratch: Vec::new(),
    };
    match writer.value(value, 0) {
        Ok(()) => {
            writer.out.extend_from_slice(FOOTER);
            Ok(())
        }
        Err(failure) => {
            writer.out.truncate(start);
            Err(failure.into_error(value))
        }
    }
}

/// What went wrong, without the key path: the path is found afterwards, so the
/// writer does not track it on the happy path.
#[derive(Debug, Clone, Copy)]
enum Failure {
    Char(char),
    Date,
    Unsupported,
}

impl Failure {
    fn into_error(self, root: &Value) -> EncodeError {
        match self {
            Failure::Char(character) => {
                let is_bad = |s: &str| s.chars().any(|c| !is_xml_char(c));
                let path = find_path(root, |key, value| {
                    key.is_some_and(is_bad) || matches!(value, Value::String(s) if is_bad(s))
                });
                EncodeError::InvalidXmlChar {
                    path: path.unwrap_or_default(),
                    character,
                }
            }
            Failure::Date => {
                let path = find_path(
                    root,
                    |_, value| matches!(value, Value::Date(d) if civil(SystemTime::from(*d)).is_none()),
                );
                EncodeError::DateOutOfRange {
                    path: path.unwrap_or_default(),
                }
            }
            Failure::Unsupported => EncodeError::Unsupported {
                path: find_path(root, |_, value| !is_known(value)).unwrap_or_default(),
            },
        }
    }
}

struct XmlWriter<'a, 'v> {
    out: &'a mut Vec<u8>,
    sort_keys: bool,
    /// Dictionary entries being written, shared by all levels so that sorting
    /// allocates once per profile rather than once per dictionary.
    scratch: Vec<(&'v str, &'v Value)>,
}

impl<'v> XmlWriter<'_, 'v> {
    fn indent(&mut self, depth: usize) {
        self.out.extend(std::iter::repeat_n(b'\t', depth));
    }

    fn value(&mut self, value: &'v Value, depth: usize) -> Result<(), Failure> {
        self.indent(depth);
        match value {
            Value::String(s) => {
                self.out.extend_from_slice(b"<string>");
                self.escaped(s)?;
                self.out.extend_from_slice(b"</string>\n");
            }
            Value::Array(items) if items.is_empty() => self.out.extend_from_slice(b"<array/>\n"),
            Value::Array(items) => {
                self.out.extend_from_slice(b"<array>\n");
                for item in items {
                    self.value(item, depth + 1)?;
                }
                self.indent(depth);
                self.out.extend_from_slice(b"</array>\n");
            }
            Value::Dictionary(dict) if dict.is_empty() => self.out.extend_from_slice(b"<dict/>\n"),
            Value::Dictionary(dict) => {
                self.out.extend_from_slice(b"<dict>\n");
                let start = self.scratch.len();
                self.scratch
                    .extend(dict.iter().map(|(k, v)| (k.as_str(), v)));
                if self.sort_keys {
                    self.scratch[start..].sort_by(|a, b| cf_compare(a.0, b.0));
                }
                let end = self.scratch.len();
                for i in start..end {
                    let (key, item) = self.scratch[i];
                    self.indent(depth + 1);
                    self.out.extend_from_slice(b"<key>");
                    self.escaped(key)?;
                    self.out.extend_from_slice(b"</key>\n");
                    self.value(item, depth + 1)?;
                }
                self.scratch.truncate(start);
                self.indent(depth);
                self.out.extend_from_slice(b"</dict>\n");
            }
            Value::Data(bytes) => {
                self.out.extend_from_slice(b"<data>\n");
                append_base64_lines(self.out, bytes, depth);
                self.indent(depth);
                self.out.extend_from_slice(b"</data>\n");
            }
            Value::Date(date) => {
                let (y, mo, d, h, mi, s) = civil(SystemTime::from(*date)).ok_or(Failure::Date)?;
                // Writing into a Vec cannot fail.
                let _ = writeln!(
                    self.out,
                    "<date>{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z</date>"
                );
            }
            Value::Real(r) => {
                self.out.extend_from_slice(b"<real>");
                append_cf_real(self.out, *r);
                self.out.extend_from_slice(b"</real>\n");
            }
            Value::Integer(i) => {
                let _ = writeln!(self.out, "<integer>{i}</integer>");
            }
            Value::Boolean(true) => self.out.extend_from_slice(b"<true/>\n"),
            Value::Boolean(false) => self.out.extend_from_slice(b"<false/>\n"),
            Value::Uid(uid) => {
                self.out.extend_from_slice(b"<dict>\n");
                self.indent(depth + 1);
                self.out.extend_from_slice(b"<key>CF$UID</key>\n");
                self.indent(depth + 1);
                let _ = writeln!(self.out, "<integer>{}</integer>", uid.get());
                self.indent(depth);
                self.out.extend_from_slice(b"</dict>\n");
            }
            // `plist::Value` is non-exhaustive; a future kind is refused, not guessed.
            _ => return Err(Failure::Unsupported),
        }
        Ok(())
    }

    /// Appends `s` with `&`, `<`, `>` escaped (as CoreFoundation) and CR as `&#13;`.
    fn escaped(&mut self, s: &str) -> Result<(), Failure> {
        let bytes = s.as_bytes();
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let replacement: &[u8] = match b {
                b'&' => b"&amp;",
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'\r' => b"&#13;",
                b'\t' | b'\n' => continue,
                0..=0x1f => return Err(Failure::Char(char::from(b))),
                // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
                0xEF if bytes.get(i + 1) == Some(&0xBF)
                    && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
                {
                    let c = if bytes[i + 2] == 0xBE {
                        '\u{FFFE}'
                    } else {
                        '\u{FFFF}'
                    };
                    return Err(Failure::Char(c));
                }
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[run..i]);
            self.out.extend_from_slice(replacement);
            run = i + 1;
        }
        self.out.extend_from_slice(&bytes[run..]);
        Ok(())
    }
}

/// Whether the writers know this kind of value (`plist::Value` is non-exhaustive).
pub(crate) fn is_known(value: &Value) -> bool {
    matches!(
        value,
        Value::Array(_)
            | Value::Dictionary(_)
            | Value::Boolean(_)
            | Value::Data(_)
            | Value::Date(_)
            | Value::Real(_)
            | Value::Integer(_)
            | Value::String(_)
            | Value::Uid(_)
    )
}

/// Whether XML 1.0 can carry `c` (its `Char` production, for a Rust `char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Orders strings as `CFStringCompare` without options: by UTF-16 code unit.
/// It differs from Rust's `str` order only between characters above U+FFFF and
/// those from U+E000 to U+FFFF.
pub fn cf_compare(a: &str, b: &str) -> Ordering {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let common = ab.iter().zip(bb).take_while(|(x, y)| x == y).count();
    match (ab.get(common), bb.get(common)) {
        // Four-byte sequences (F0..F4) are surrogate pairs in UTF-16 (D800..DFFF),
        // which sort below E000..FFFF (three-byte sequences EE and EF).
        (Some(&x), Some(&y)) if x >= 0xF0 && (0xEE..0xF0).contains(&y) => Ordering::Less,
        (Some(&x), Some(&y)) if y >= 0xF0 && (0xEE..0xF0).contains(&x) => Ordering::Greater,
        _ => ab[common..].cmp(&bb[common..]),
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends the standard base64 encoding of `bytes`, with padding.
pub(crate) fn append_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend_from_slice(&[
            BASE64[(n >> 18) as usize & 63],
            BASE64[(n >> 12) as usize & 63],
            BASE64[(n >> 6) as usize & 63],
            BASE64[n as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => out.extend_from_slice(&[
            BASE64[usize::from(a >> 2)],
            BASE64[usize::from(a & 3) << 4],
            b'=',
            b'=',
        ]),
        [a, b] => {
            let n = u32::from(a) << 8 | u32::from(b);
            out.extend_from_slice(&[
                BASE64[(n >> 10) as usize & 63],
                BASE64[(n >> 4) as usize & 63],
                BASE64[(n << 2) as usize & 63],
                b'=',
            ]);
        }
        _ => {}
    }
}

/// Appends `bytes` in base64 as CoreFoundation's `_XMLPlistAppendDataUsingBase64`
/// does: lines of `76 − 8 × depth` characters (depth capped at 8), each indented
/// by `depth` tabs (capped likewise) and ended by a newline.
fn append_base64_lines(out: &mut Vec<u8>, bytes: &[u8], depth: usize) {
    let depth = depth.min(8);
    // 76 − 8 × depth is a multiple of 4: each line holds whole 3-byte groups.
    let line_bytes = (76 - 8 * depth) / 4 * 3;
    for line in bytes.chunks(line_bytes) {
        out.extend(std::iter::repeat_n(b'\t', depth));
        append_base64(out, line);
        out.push(b'\n');
    }
}

/// Appends `r` as CoreFoundation formats a real for XML: `nan`, `+infinity`,
/// `-infinity`, `0.0` for either zero, otherwise C's `%.17g`.
pub(crate) fn append_cf_real(out: &mut Vec<u8>, r: f64) {
    if r.is_nan() {
        out.extend_from_slice(b"nan");
    } else if r.is_infinite() {
        out.extend_from_slice(if r > 0.0 { b"+infinity" } else { b"-infinity" });
    } else if r == 0.0 {
        out.extend_from_slice(b"0.0");
    } else {
        append_g17(out, r);
    }
}

/// C's `printf("%.17g", r)` for a finite, non-zero `r`.
fn append_g17(out: &mut Vec<u8>, r: f64) {
    // Rust's `{:.16e}` rounds exactly to 17 significant digits: "d.dddddddddddddddde±x".
    let sci = format!("{:.16e}", r.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if r < 0.0 {
        out.push(b'-');
    }
    let trimmed = |d: &[u8]| -> usize { d.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1) };
    if (-4..17).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            out.extend_from_slice(&digits[..int_len]);
            let frac = &digits[int_len..];
            let n = trimmed(frac);
            if n > 0 {
                out.push(b'.');
                out.extend_from_slice(&frac[..n]);
            }
        } else {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-exp - 1) as usize));
            out.extend_from_slice(&digits[..trimmed(&digits)]);
        }
    } else {
        out.push(digits[0]);
        let n = trimmed(&digits[1..]);
        if n > 0 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..=n]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    }
}

/// The UTC calendar date and time of `t`, seconds rounded down, or `None`
/// outside the years 0000 to 9999.
pub(crate) fn civil(t: SystemTime) -> Option<(i64, u32, u32, u32, u32, u32)> {
    let secs: i64 = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok()?,
        Err(e) => {
            let d = e.duration();
            let whole = i64::try_from(d.as_secs()).ok()?;
            if d.subsec_nanos() > 0 {
                whole.checked_add(1)?.checked_neg()?
            } else {
                -whole
            }
        }
    };
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some((
        year,
        month,
        day,
        (tod / 3600) as u32,
        (tod % 3600 / 60) as u32,
        (tod % 60) as u32,
    ))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use plist::{Date, Dictionary, Uid};

    use super::*;

    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n";

    fn dict(entries: Vec<(&str, Value)>) -> Value {
        let mut d = Dictionary::new();
        for (k, v) in entries {
            d.insert(k.to_string(), v);
        }
        Value::Dictionary(d)
    }

    fn xml(value: &Value, sort_keys: bool) -> String {
        String::from_utf8(to_xml(value, &XmlOptions { sort_keys }).unwrap()).unwrap()
    }

    fn date(unix: u64) -> Value {
        Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(unix)))
    }

    #[test]
    fn every_kind_of_value_as_apple_writes_it() {
        let value = dict(vec![
            ("String", Value::String("a & b <c> \"d\" 'e'\ttab".into())),
            ("Integer", Value::Integer((-42).into())),
            ("Big", Value::Integer(u64::MAX.into())),
            ("Real", Value::Real(1.5)),
            ("True", Value::Boolean(true)),
            ("False", Value::Boolean(false)),
            ("Date", date(1_700_000_000)),
            ("Data", Value::Data(b"hello".to_vec())),
            ("EmptyArray", Value::Array(vec![])),
            ("EmptyDict", dict(vec![])),
            ("EmptyData", Value::Data(vec![])),
            ("EmptyString", Value::String(String::new())),
            (
                "Nested",
                Value::Array(vec![dict(vec![(
                    "X",
                    Value::Array(vec![Value::Integer(1.into())]),
                )])]),
            ),
            ("Uid", Value::Uid(Uid::new(7))),
        ]);
        let expected = format!(
            "{HEAD}<dict>
\t<key>String</key>
\t<string>a &amp; b &lt;c&gt; \"d\" 'e'\ttab</string>
\t<key>Integer</key>
\t<integer>-42</integer>
\t<key>Big</key>
\t<integer>18446744073709551615</integer>
\t<key>Real</key>
\t<real>1.5</real>
\t<key>True</key>
\t<true/>
\t<key>False</key>
\t<false/>
\t<key>Date</key>
\t<date>2023-11-14T22:13:20Z</date>
\t<key>Data</key>
\t<data>
\taGVsbG8=
\t</data>
\t<key>EmptyArray</key>
\t<array/>
\t<key>EmptyDict</key>
\t<dict/>
\t<key>EmptyData</key>
\t<data>
\t</data>
\t<key>EmptyString</key>
\t<string></string>
\t<key>Nested</key>
\t<array>
\t\t<dict>
\t\t\t<key>X</key>
\t\t\t<array>
\t\t\t\t<integer>1</integer>
\t\t\t</array>
\t\t</dict>
\t</array>
\t<key>Uid</key>
\t<dict>
\t\t<key>CF$UID</key>
\t\t<integer>7</integer>
\t</dict>
</dict>
</plist>
"
        );
        assert_eq!(xml(&value, false), expected);
    }

    #[test]
    fn a_root_that_is_not_a_dictionary_is_unindented() {
        assert_eq!(
            xml(&Value::String("x".into()), true),
            format!("{HEAD}<string>x</string>\n</plist>\n")
        );
        assert_eq!(
            xml(&Value::Array(vec![]), true),
            format!("{HEAD}<array/>\n</plist>\n")
        );
    }

    #[test]
    fn keys_sort_by_utf16_code_unit_as_core_foundation() {
        let keys = [
            "URLs",
            "a",
            "Type",
            "é",
            "PayloadUUID",
            "B",
            "_",
            "\u{FF5E}",
            "\u{1F600}",
            "Payload",
            "z",
        ];
        let value = dict(keys.iter().map(|k| (*k, Value::Boolean(true))).collect());
        let text = xml(&value, true);
        let order: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("\t<key>")?.strip_suffix("</key>"))
            .collect();
        // Upper case before `_` before lower case; U+1F600 (a surrogate pair,
        // D83D DE00) before U+FF5E, unlike code-point order.
        assert_eq!(
            order,
            [
                "B",
                "Payload",
                "PayloadUUID",
                "Type",
                "URLs",
                "_",
                "a",
                "z",
                "é",
                "\u{1F600}",
                "\u{FF5E}"
            ]
        );
        // Without sorting, the dictionary's order is kept.
        let unsorted = xml(&value, false);
        let first = unsorted
            .lines()
            .find_map(|l| l.strip_prefix("\t<key>"))
            .unwrap();
        assert_eq!(first, "URLs</key>");
    }

    #[test]
    fn sorting_makes_output_independent_of_construction_order() {
        let a = dict(vec![
            ("b", Value::Integer(1.into())),
            (
                "a",
                dict(vec![
                    ("y", Value::Boolean(true)),
                    ("x", Value::Boolean(false)),
                ]),
            ),
        ]);
        let b = dict(vec![
            (
                "a",
                dict(vec![
                    ("x", Value::Boolean(false)),
                    ("y", Value::Boolean(true)),
                ]),
            ),
            ("b", Value::Integer(1.into())),
        ]);
        assert_eq!(xml(&a, true), xml(&b, true));
        assert_ne!(xml(&a, false), xml(&b, false));
    }

    #[test]
    fn cf_compare_matches_utf16_order_on_samples() {
        let samples = [
            "",
            "a",
            "A",
            "ab",
            "\u{E000}",
            "\u{FFFD}",
            "\u{10000}",
            "\u{10FFFF}",
            "é",
            "\u{7FF}",
            "\u{800}",
            "aé",
            "a\u{10000}",
        ];
        for x in samples {
            for y in samples {
                let expected = x.encode_utf16().cmp(y.encode_utf16());
                assert_eq!(cf_compare(x, y), expected, "{x:?} vs {y:?}");
            }
        }
    }

    #[test]
    fn data_wraps_at_76_minus_8_per_level_indented_like_the_tag() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut b64 = Vec::new();
        append_base64(&mut b64, &bytes);
        let b64 = String::from_utf8(b64).unwrap();
        let lines = |width: usize, tabs: &str| -> String {
            b64.as_bytes()
                .chunks(width)
                .map(|c| format!("{tabs}{}\n", std::str::from_utf8(c).unwrap()))
                .collect()
        };
        // Root: 76 characters a line.
        assert_eq!(
            xml(&Value::Data(bytes.clone()), true),
            format!("{HEAD}<data>\n{}</data>\n</plist>\n", lines(76, ""))
        );
        // Depth 3 (dict > array > dict > data): 52 characters, three tabs.
        let deep = dict(vec![(
            "A",
            Value::Array(vec![dict(vec![("D", Value::Data(bytes.clone()))])]),
        )]);
        let text = xml(&deep, true);
        assert!(
            text.contains(&format!(
                "\t\t\t<data>\n{}\t\t\t</data>\n",
                lines(52, "\t\t\t")
            )),
            "{text}"
        );
        // Depth 9: lines indented by 8 tabs at most, 76 − 64 = 12 characters; the
        // tags keep their real depth.
        let mut nested = Value::Data(bytes.clone());
        for _ in 0..9 {
            nested = Value::Array(vec![nested]);
        }
        let text = xml(&nested, true);
        let tabs8 = "\t".repeat(8);
        let tabs9 = "\t".repeat(9);
        assert!(
            text.contains(&format!(
                "{tabs9}<data>\n{}{tabs9}</data>\n",
                lines(12, &tabs8)
            )),
            "{text}"
        );
    }

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        let encode = |b: &[u8]| {
            let mut out = Vec::new();
            append_base64(&mut out, b);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"f"), "Zg==");
        assert_eq!(encode(b"fo"), "Zm8=");
        assert_eq!(encode(b"foo"), "Zm9v");
        assert_eq!(encode(b"foob"), "Zm9vYg==");
        assert_eq!(encode(&[0xFB, 0xFF, 0xBF]), "+/+/");
    }

    #[test]
    fn reals_format_as_core_foundation_does() {
        let real = |r: f64| {
            let mut out = Vec::new();
            append_cf_real(&mut out, r);
            String::from_utf8(out).unwrap()
        };
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (0.1, "0.10000000000000001"),
            (3600.0, "3600"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (1e20, "1e+20"),
            (123_456_789_012_345_680.0, "1.2345678901234568e+17"),
            (1e-4, "0.0001"),
            (1e-5, "1.0000000000000001e-05"),
            (2.5e-300, "2.5e-300"),
            (0.3, "0.29999999999999999"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "4.9406564584124654e-324"),
            (0.0, "0.0"),
            (-0.0, "0.0"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "+infinity"),
            (f64::NEG_INFINITY, "-infinity"),
        ];
        for (r, expected) in cases {
            assert_eq!(real(*r), *expected, "{r:e}");
        }
    }

    #[test]
    fn dates_drop_fractions_and_handle_the_range() {
        let before_epoch = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(civil(before_epoch), Some((1969, 12, 31, 23, 59, 59)));
        assert_eq!(
            civil(UNIX_EPOCH + Duration::from_millis(1999)),
            Some((1970, 1, 1, 0, 0, 1))
        );
        assert_eq!(
            civil(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            Some((2000, 2, 29, 0, 0, 0))
        );
        assert_eq!(
            civil(UNIX_EPOCH + Duration::from_secs(253_402_300_799)),
            Some((9999, 12, 31, 23, 59, 59))
        );
        assert_eq!(
            civil(UNIX_EPOCH + Duration::from_secs(253_402_300_800)),
            None
        );
        assert_eq!(
            civil(UNIX_EPOCH - Duration::from_secs(62_167_219_200)),
            Some((0, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            civil(UNIX_EPOCH - Duration::from_secs(62_167_219_201)),
            None
        );
    }

    #[test]
    fn carriage_returns_are_written_as_references() {
        let text = xml(&dict(vec![("K", Value::String("a\r\nb".into()))]), true);
        assert!(text.contains("<string>a&#13;\nb</string>"), "{text}");
    }

    #[test]
    fn characters_xml_cannot_carry_are_refused_with_the_key_path() {
        let value = dict(vec![
            ("Fine", Value::String("ok".into())),
            (
                "PayloadContent",
                Value::Array(vec![dict(vec![(
                    "Name",
                    Value::String("bell\u{7}".into()),
                )])]),
            ),
        ]);
        let err = to_xml(&value, &XmlOptions { sort_keys: true }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`PayloadContent[0].Name` holds U+0007, which XML 1.0 cannot carry"
        );
        let in_key = dict(vec![("Bad\u{0}Key", Value::Boolean(true))]);
        let err = to_xml(&in_key, &XmlOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`Bad\\u{0}Key` holds U+0000, which XML 1.0 cannot carry"
        );
        let err = to_xml(&Value::String("\u{FFFE}".into()), &XmlOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the root holds U+FFFE, which XML 1.0 cannot carry"
        );
        let err = to_xml(&Value::String("\u{FFFF}".into()), &XmlOptions::default()).unwrap_err();
        assert!(matches!(
            err,
            EncodeError::InvalidXmlChar {
                character: '\u{FFFF}',
                ..
            }
        ));
        // U+FFFD and characters above U+FFFF are fine.
        assert!(
            to_xml(
                &Value::String("\u{FFFD}\u{EFBF}\u{1F600}".into()),
                &XmlOptions::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn out_of_range_dates_are_refused_with_the_key_path() {
        let far = Value::Date(Date::from(
            UNIX_EPOCH + Duration::from_secs(300_000_000_000),
        ));
        let err = to_xml(&dict(vec![("When", far)]), &XmlOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`When` holds a date outside the years 0000 to 9999"
        );
    }

    #[test]
    fn append_xml_leaves_the_buffer_as_it_was_on_error() {
        let mut out = b"kept".to_vec();
        let bad = Value::String("\u{1}".into());
        assert!(append_xml(&mut out, &bad, &XmlOptions::default()).is_err());
        assert_eq!(out, b"kept");
        append_xml(&mut out, &Value::Boolean(true), &XmlOptions::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("kept{HEAD}<true/>\n</plist>\n")
        );
    }
}
