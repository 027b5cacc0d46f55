//! RFC 3339 timestamps: an exact, allocation-free parser and a UTC printer.

use std::fmt;
use std::str::FromStr;

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
    /// `T` and `Z` may be lowercase (RFC 3339 §5.6). Digits past the ninth of a
    /// fraction are ignored. Leap seconds (`:60`) are refused.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let b = text.as_bytes();
        let year = number(b, 0, 4)?;
        expect(b, 4, b'-', "expected `-` after the year")?;
        let month = number(b, 5, 2)?;
        expect(b, 7, b'-', "expected `-` after the month")?;
        let day = number(b, 8, 2)?;
        match b.get(10) {
            Some(b'T' | b't') => {}
            _ => return Err(TimestampError::new("expected `T` after the date")),
        }
        let hour = number(b, 11, 2)?;
        expect(b, 13, b':', "expected `:` after the hour")?;
        let minute = number(b, 14, 2)?;
        expect(b, 16, b':', "expected `:` after the minutes")?;
        let second = number(b, 17, 2)?;
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(d - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return Err(TimestampError::new("expected digits after `.`"));
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(i) {
            Some(b'Z' | b'z') => {
                i += 1;
                0
            }
            Some(&sign @ (b'+' | b'-')) => {
                let hours = number(b, i + 1, 2)?;
                expect(b, i + 3, b':', "expected `:` in the offset")?;
                let minutes = number(b, i + 4, 2)?;
                if hours > 23 || minutes > 59 {
                    return Err(TimestampError::new("offset out of range"));
                }
                i += 6;
                let offset = i64::from(hours * 3600 + minutes * 60);
                if sign == b'-' { -offset } else { offset }
            }
            _ => {
                return Err(TimestampError::new(
                    "expected `Z` or an offset such as `+01:00` after the time",
                ));
            }
        };
        if i != b.len() {
            return Err(TimestampError::new("unexpected text after the offset"));
        }
        if !(1..=12).contains(&month) {
            return Err(TimestampError::new("month out of range"));
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(TimestampError::new("day out of range for the month"));
        }
        if hour > 23 {
            return Err(TimestampError::new("hour out of range"));
        }
        if minute > 59 {
            return Err(TimestampError::new("minutes out of range"));
        }
        if second == 60 {
            return Err(TimestampError::new("leap seconds are not supported"));
        }
        if second > 59 {
            return Err(TimestampError::new("seconds out of range"));
        }
        let days = days_from_civil(i64::from(year), month, day);
        let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset;
        Self::from_unix(secs, nanos)
            .ok_or(TimestampError::new("outside the years 0000 to 9999 in UTC"))
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
        let days = self.secs.div_euclid(86_400);
        let rest = self.secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
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

fn expect(b: &[u8], at: usize, want: u8, reason: &'static str) -> Result<(), TimestampError> {
    if b.get(at) == Some(&want) {
        Ok(())
    } else {
        Err(TimestampError::new(reason))
    }
}

fn number(b: &[u8], at: usize, len: usize) -> Result<u32, TimestampError> {
    let digits = b
        .get(at..at + len)
        .ok_or(TimestampError::new("too short"))?;
    let mut value = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(TimestampError::new("expected a digit"));
        }
        value = value * 10 + u32::from(d - b'0');
    }
    Ok(value)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    proptest! {
        /// The parser agrees with the `time` crate on every valid date-time.
        #[test]
        fn agrees_with_the_time_crate(
            year in 0i32..=9999, month in 1u8..=12, day in 1u8..=31,
            hour in 0u8..=23, minute in 0u8..=59, second in 0u8..=59,
            frac in proptest::option::of("[0-9]{1,9}"),
            offset in proptest::option::of((any::<bool>(), 0u8..=23, 0u8..=59)),
        ) {
            let mut text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
            if let Some(frac) = &frac {
                text.push('.');
                text.push_str(frac);
            }
            match offset {
                None => text.push('Z'),
                Some((neg, h, m)) => text.push_str(&format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
            }
            let ours = Timestamp::parse(&text);
            let theirs = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339);
            match theirs {
                Ok(t) if (0..=9999).contains(&t.to_offset(time::UtcOffset::UTC).year()) => {
                    let ours = ours.unwrap();
                    prop_assert_eq!(ours.unix_seconds(), t.unix_timestamp());
                    prop_assert_eq!(ours.subsec_nanos(), t.nanosecond());
                    let printed = Timestamp::parse(&ours.to_string()).unwrap();
                    prop_assert_eq!(printed, ours);
                }
                Ok(_) => prop_assert!(ours.is_err()),
                Err(_) => prop_assert!(ours.is_err(), "{} accepted", text),
            }
        }

        /// Any text at all: an answer, never a panic.
        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = Timestamp::parse(&text);
        }
    }
}
