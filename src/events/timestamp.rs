//! RFC 3339 timestamps: parsed with the `time` crate, printed in UTC.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time with nanosecond precision, parsed from RFC 3339 and
/// printed in UTC (`2026-11-02T09:30:00Z`).
///
/// Timestamps order by the instant they denote: `2026-11-02T10:00:00+01:00`
/// equals `2026-11-02T09:00:00Z`. Years 0000 to 9999 (in UTC) are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// Why a text is not an RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct TimestampError {
    reason: &'static str,
}

impl TimestampError {
    const fn new(reason: &'static str) -> Self {
        Self { reason }
    }
}

/// Seconds from 0000-01-01T00:00:00Z to the Unix epoch, negated.
const MIN_SECS: i64 = -62_167_219_200;
/// Seconds from the Unix epoch to 9999-12-31T23:59:59Z.
const MAX_SECS: i64 = 253_402_300_799;

impl Timestamp {
    /// The timestamp `secs` seconds and `nanos` nanoseconds after
    /// 1970-01-01T00:00:00Z, or `None` when `nanos` is a billion or more or the
    /// instant is outside the years 0000 to 9999.
    pub const fn from_unix(secs: i64, nanos: u32) -> Option<Self> {
        if nanos >= 1_000_000_000 || secs < MIN_SECS || secs > MAX_SECS {
            None
        } else {
            Some(Self { secs, nanos })
        }
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub const fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// The nanoseconds past [`unix_seconds`](Self::unix_seconds).
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// Parses an RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS`, an optional
    /// fraction of a second, then `Z` or an offset `+hh:mm` / `-hh:mm`.
    ///
    /// `T` and `Z` may be lowercase (RFC 3339 §5.6); other separators (a space)
    /// are refused. Digits past the ninth of a fraction are ignored. Leap
    /// seconds (`:60`) are refused.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let b = text.as_bytes();
        match OffsetDateTime::parse(text, &Rfc3339) {
            // `time` takes any byte between the date and the time, and a leap
            // second at the end of a UTC month as its last nanosecond.
            Ok(t) if matches!(b.get(10), Some(b'T' | b't')) && b.get(17..19) != Some(b"60") => {
                Self::from_unix(t.unix_timestamp(), t.nanosecond())
                    .ok_or(TimestampError::new("outside the years 0000 to 9999 in UTC"))
            }
            parsed => Err(explain(b, parsed.err())),
        }
    }
}

/// Why `b` is not a date-time that [`Timestamp::parse`] accepts: the first
/// thing wrong in reading order, its shape before its values. `error` is what
/// the `time` crate said, which names the value out of range.
#[cold]
fn explain(b: &[u8], error: Option<time::error::Parse>) -> TimestampError {
    if let Err(reason) = shape(b) {
        return TimestampError::new(reason);
    }
    use time::error::{Parse, ParseFromDescription, TryFromParsed};
    let component = match &error {
        Some(Parse::TryFromParsed(TryFromParsed::ComponentRange(range))) => range.name(),
        Some(Parse::ParseFromDescription(ParseFromDescription::InvalidComponent(name))) => name,
        _ => "",
    };
    TimestampError::new(match component {
        "month" => "month out of range",
        "day" => "day out of range for the month",
        "hour" => "hour out of range",
        "minute" => "minutes out of range",
        _ if b.get(17..19) == Some(b"60") => "leap seconds are not supported",
        "second" => "seconds out of range",
        _ => "not an RFC 3339 date-time",
    })
}

/// Checks the layout of `b` (digits, separators, the offset's range), not the
/// values of the date and the time.
fn shape(b: &[u8]) -> Result<(), &'static str> {
    digits(b, 0, 4)?;
    literal(b, 4, b"-", "expected `-` after the year")?;
    digits(b, 5, 2)?;
    literal(b, 7, b"-", "expected `-` after the month")?;
    digits(b, 8, 2)?;
    literal(b, 10, b"Tt", "expected `T` after the date")?;
    digits(b, 11, 2)?;
    literal(b, 13, b":", "expected `:` after the hour")?;
    digits(b, 14, 2)?;
    literal(b, 16, b":", "expected `:` after the minutes")?;
    digits(b, 17, 2)?;
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let fraction = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if fraction == 0 {
            return Err("expected digits after `.`");
        }
        i += 1 + fraction;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i += 1,
        Some(b'+' | b'-') => {
            digits(b, i + 1, 2)?;
            literal(b, i + 3, b":", "expected `:` in the offset")?;
            digits(b, i + 4, 2)?;
            // Two ASCII digits compare as their numbers do.
            if b[i + 1..i + 3] > b"23"[..] || b[i + 4..i + 6] > b"59"[..] {
                return Err("offset out of range");
            }
            i += 6;
        }
        _ => return Err("expected `Z` or an offset such as `+01:00` after the time"),
    }
    if i != b.len() {
        return Err("unexpected text after the offset");
    }
    Ok(())
}

fn literal(b: &[u8], at: usize, any_of: &[u8], reason: &'static str) -> Result<(), &'static str> {
    match b.get(at) {
        Some(c) if any_of.contains(c) => Ok(()),
        _ => Err(reason),
    }
}

fn digits(b: &[u8], at: usize, len: usize) -> Result<(), &'static str> {
    match b.get(at..at + len) {
        None => Err("too short"),
        Some(d) if d.iter().all(u8::is_ascii_digit) => Ok(()),
        Some(_) => Err("expected a digit"),
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Timestamp {
    /// Prints UTC with `Z`; a fraction, when not zero, in 3, 6 or 9 digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always in range: `from_unix` keeps to the years 0000 to 9999.
        let t = OffsetDateTime::from_unix_timestamp(self.secs).map_err(|_| fmt::Error)?;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        let n = self.nanos;
        if n == 0 {
        } else if n.is_multiple_of(1_000_000) {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if n.is_multiple_of(1_000) {
            write!(f, ".{:06}", n / 1_000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <crate::events::event::Text<'de> as serde::Deserialize<'de>>::deserialize(
            deserializer,
        )?
        .0;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn err(text: &str) -> String {
        Timestamp::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_utc_and_offsets_to_the_same_instant() {
        let utc = parse("2026-11-02T09:30:00Z");
        assert_eq!(utc.unix_seconds(), 1_793_611_800);
        assert_eq!(parse("2026-11-02T10:30:00+01:00"), utc);
        assert_eq!(parse("2026-11-02T04:00:00-05:30"), utc);
        assert_eq!(parse("2026-11-02t09:30:00z"), utc);
        assert_eq!(parse("1970-01-01T00:00:00Z").unix_seconds(), 0);
    }

    #[test]
    fn parses_fractions() {
        assert_eq!(parse("2026-11-02T09:30:00.5Z").subsec_nanos(), 500_000_000);
        assert_eq!(parse("2026-11-02T09:30:00.000000001Z").subsec_nanos(), 1);
        assert_eq!(
            parse("2026-11-02T09:30:00.1234567899Z").subsec_nanos(),
            123_456_789
        );
        assert!(parse("2026-11-02T09:30:00.001Z") > parse("2026-11-02T09:30:00Z"));
    }

    #[test]
    fn prints_utc_with_the_shortest_of_3_6_9_digits() {
        assert_eq!(
            parse("2026-11-02T10:30:00+01:00").to_string(),
            "2026-11-02T09:30:00Z"
        );
        assert_eq!(
            parse("2026-11-02T09:30:00.5Z").to_string(),
            "2026-11-02T09:30:00.500Z"
        );
        assert_eq!(
            parse("2026-11-02T09:30:00.0005Z").to_string(),
            "2026-11-02T09:30:00.000500Z"
        );
        assert_eq!(
            parse("2026-11-02T09:30:00.1234567Z").to_string(),
            "2026-11-02T09:30:00.123456700Z"
        );
        assert_eq!(
            parse("0000-01-01T00:00:00Z").to_string(),
            "0000-01-01T00:00:00Z"
        );
        assert_eq!(
            parse("9999-12-31T23:59:59Z").to_string(),
            "9999-12-31T23:59:59Z"
        );
    }

    #[test]
    fn checks_calendar_and_clock_ranges() {
        assert_eq!(
            parse("2024-02-29T00:00:00Z").to_string(),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(
            err("2023-02-29T00:00:00Z"),
            "day out of range for the month"
        );
        assert_eq!(
            err("2100-02-29T00:00:00Z"),
            "day out of range for the month"
        );
        assert!(Timestamp::parse("2000-02-29T00:00:00Z").is_ok());
        assert_eq!(
            err("2026-04-31T00:00:00Z"),
            "day out of range for the month"
        );
        assert_eq!(err("2026-13-01T00:00:00Z"), "month out of range");
        assert_eq!(err("2026-00-01T00:00:00Z"), "month out of range");
        assert_eq!(
            err("2026-01-00T00:00:00Z"),
            "day out of range for the month"
        );
        assert_eq!(err("2026-01-01T24:00:00Z"), "hour out of range");
        assert_eq!(err("2026-01-01T23:60:00Z"), "minutes out of range");
        assert_eq!(
            err("2026-01-01T23:59:60Z"),
            "leap seconds are not supported"
        );
        assert_eq!(err("2026-01-01T23:59:61Z"), "seconds out of range");
        assert_eq!(err("2026-01-01T00:00:00+24:00"), "offset out of range");
        assert_eq!(err("2026-01-01T00:00:00+01:60"), "offset out of range");
        assert_eq!(
            err("0000-01-01T00:00:00+00:01"),
            "outside the years 0000 to 9999 in UTC"
        );
        assert_eq!(
            err("9999-12-31T23:59:59-00:01"),
            "outside the years 0000 to 9999 in UTC"
        );
    }

    #[test]
    fn refuses_other_shapes() {
        assert_eq!(err(""), "too short");
        assert_eq!(err("2026-11-02"), "expected `T` after the date");
        assert_eq!(err("2026/11/02T09:30:00Z"), "expected `-` after the year");
        assert_eq!(err("2026-11/02T09:30:00Z"), "expected `-` after the month");
        assert_eq!(err("2026-11-02 09:30:00Z"), "expected `T` after the date");
        assert_eq!(err("2026-11-02T09-30:00Z"), "expected `:` after the hour");
        assert_eq!(
            err("2026-11-02T09:30-00Z"),
            "expected `:` after the minutes"
        );
        assert_eq!(
            err("2026-11-02T09:30:00"),
            "expected `Z` or an offset such as `+01:00` after the time"
        );
        assert_eq!(err("2026-11-02T09:30:00.Z"), "expected digits after `.`");
        assert_eq!(
            err("2026-11-02T09:30:00+0100"),
            "expected `:` in the offset"
        );
        assert_eq!(err("2026-11-02T09:30:00+01"), "expected `:` in the offset");
        assert_eq!(
            err("2026-11-02T09:30:00ZZ"),
            "unexpected text after the offset"
        );
        assert_eq!(err("2026-11-02T09:3a:00Z"), "expected a digit");
        assert_eq!(err("+026-11-02T09:30:00Z"), "expected a digit");
        assert_eq!(
            err("2026-11-02T09:30:00Z "),
            "unexpected text after the offset"
        );
    }

    #[test]
    fn from_unix_checks_its_range() {
        assert!(Timestamp::from_unix(0, 1_000_000_000).is_none());
        assert!(Timestamp::from_unix(MAX_SECS + 1, 0).is_none());
        assert!(Timestamp::from_unix(MIN_SECS - 1, 0).is_none());
        assert_eq!(
            Timestamp::from_unix(-1, 999_000_000).unwrap().to_string(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn serde_uses_the_rfc_3339_text() {
        let t = parse("2026-11-02T10:30:00+01:00");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-11-02T09:30:00Z\""
        );
        let back: Timestamp = serde_json::from_str("\"2026-11-02T09:30:00Z\"").unwrap();
        assert_eq!(back, t);
        let bad = serde_json::from_str::<Timestamp>("\"yesterday\"").unwrap_err();
        assert_eq!(bad.to_string(), "expected a digit");
    }

    #[test]
    fn refuses_separators_that_time_would_take() {
        for text in [
            "2026-11-02 09:30:00Z",
            "2026-11-02X09:30:00Z",
            "2026-11-02_09:30:00Z",
            "2026-11-02509:30:00Z",
        ] {
            assert_eq!(err(text), "expected `T` after the date", "{text}");
        }
    }

    #[test]
    fn refuses_leap_seconds_even_where_one_was_inserted() {
        // The last second of 2016 (UTC) was a leap second: `time` reads it as
        // 23:59:59.999999999; a timestamp that is not the instant sent is refused.
        assert_eq!(
            err("2016-12-31T23:59:60Z"),
            "leap seconds are not supported"
        );
        assert_eq!(
            err("2016-12-31T18:59:60-05:00"),
            "leap seconds are not supported"
        );
        assert_eq!(
            err("2016-12-31T23:59:60.5Z"),
            "leap seconds are not supported"
        );
        assert_eq!(err("2026-01-01T24:59:60Z"), "hour out of range");
        assert_eq!(err("2026-01-01T23:60:60Z"), "minutes out of range");
    }

    #[test]
    fn checks_the_shape_before_the_values() {
        assert_eq!(err("2026-00-01 00:00:00Z"), "expected `T` after the date");
        assert_eq!(
            err("2026-13-01T00:00:00"),
            "expected `Z` or an offset such as `+01:00` after the time"
        );
        assert_eq!(err("2026-02-30T00:00:00+24:00"), "offset out of range");
        assert_eq!(err("2026-01-01T00:00:00+24:00Z"), "offset out of range");
        assert_eq!(
            err("2026-02-30T25:00:00Z"),
            "day out of range for the month"
        );
        // RFC 3339 §4.3: `-00:00` is UTC with the local offset unknown.
        assert_eq!(
            parse("2026-01-01T00:00:00-00:00"),
            parse("2026-01-01T00:00:00Z")
        );
    }

    /// The instant `date`, `time` and `offset` denote, by the `time` crate's
    /// calendar (not its parser), or `None` for a date that does not exist.
    fn expected(
        (year, month, day): (i32, u8, u8),
        (hour, minute, second): (u8, u8, u8),
        offset: Option<(bool, u8, u8)>,
    ) -> Option<i64> {
        let month = time::Month::try_from(month).unwrap();
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        let seconds = |h: u8, m: u8| i64::from(h) * 3600 + i64::from(m) * 60;
        let offset = match offset {
            None => 0,
            Some((neg, h, m)) if neg => -seconds(h, m),
            Some((_, h, m)) => seconds(h, m),
        };
        let midnight = date.midnight().assume_utc().unix_timestamp();
        Some(midnight + seconds(hour, minute) + i64::from(second) - offset)
    }

    proptest! {
        /// Every well-formed date-time: the instant it denotes, refused only
        /// for a day the month lacks or an instant outside the years 0000 to
        /// 9999; printed, it parses back to itself.
        #[test]
        fn reads_every_date_time(
            year in 0i32..=9999, month in 1u8..=12, day in 1u8..=31,
            hour in 0u8..=23, minute in 0u8..=59, second in 0u8..=59,
            frac in proptest::option::of("[0-9]{1,12}"),
            offset in proptest::option::of((any::<bool>(), 0u8..=23, 0u8..=59)),
            lower in any::<bool>(),
        ) {
            let (t, z) = if lower { ('t', 'z') } else { ('T', 'Z') };
            let mut text = format!("{year:04}-{month:02}-{day:02}{t}{hour:02}:{minute:02}:{second:02}");
            if let Some(frac) = &frac {
                text.push('.');
                text.push_str(frac);
            }
            match offset {
                None => text.push(z),
                Some((neg, h, m)) => text.push_str(&format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
            }
            let nanos = frac.map_or(0, |f| format!("{f:0<9}")[..9].parse::<u32>().unwrap());
            let ours = Timestamp::parse(&text);
            match expected((year, month, day), (hour, minute, second), offset) {
                None => prop_assert_eq!(ours.unwrap_err().to_string(), "day out of range for the month"),
                Some(secs) if (MIN_SECS..=MAX_SECS).contains(&secs) => {
                    let ours = ours.unwrap();
                    prop_assert_eq!(ours.unix_seconds(), secs);
                    prop_assert_eq!(ours.subsec_nanos(), nanos);
                    prop_assert_eq!(Timestamp::parse(&ours.to_string()).unwrap(), ours);
                }
                Some(_) => prop_assert_eq!(ours.unwrap_err().to_string(), "outside the years 0000 to 9999 in UTC"),
            }
        }

        /// Any text at all: an answer, never a panic.
        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = Timestamp::parse(&text);
        }

        /// Any text shaped like a date-time, with any digits: an answer, never
        /// a panic, and an error only with one of the messages above.
        #[test]
        fn never_panics_on_date_shapes(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?([Zz]|[+-][0-9]{2}:[0-9]{2})") {
            if let Err(e) = Timestamp::parse(&text) {
                prop_assert_ne!(e.to_string(), "not an RFC 3339 date-time");
            }
        }
    }
}
