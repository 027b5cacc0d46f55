//! One registration event and its JSON Lines form.

use std::borrow::Cow;

use super::kind::{EventKind, UnknownEvent};
use super::timestamp::{Timestamp, TimestampError};

/// One notification reported by a Mac: which device, which of the nine
/// notifications, and when it was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// The device identifier the MDM uses (serial number, UDID, Entra device id...).
    pub device: Cow<'a, str>,
    /// The notification.
    pub kind: EventKind,
    /// When the notification was posted on the Mac.
    pub time: Timestamp,
}

/// Why one line of an event log was not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// Not valid JSON.
    #[error("not valid JSON: {detail}{}", at_column(*.column))]
    NotJson {
        /// What the JSON parser expected.
        detail: String,
        /// The column (1-based, in bytes) where it stopped, when known.
        column: Option<usize>,
    },
    /// JSON, but not an object with string fields `device`, `event` and `time`.
    #[error(
        "not an event object with string fields `device`, `event` and `time`: {detail}{}",
        at_column(*.column)
    )]
    Malformed {
        /// What the JSON parser expected.
        detail: String,
        /// The column (1-based, in bytes) where it stopped, when known.
        column: Option<usize>,
    },
    /// The `device` field is empty.
    #[error("`device` is empty: expected the device identifier")]
    EmptyDevice,
    /// The `device` field holds only white space.
    #[error("`device` holds only white space: expected the device identifier")]
    BlankDevice,
    /// The `event` field is not one of the nine names.
    #[error(transparent)]
    UnknownEvent(#[from] UnknownEvent),
    /// The `time` field is not an RFC 3339 date-time.
    #[error(
        "`time` `{value}` is not an RFC 3339 date-time ({reason}): expected e.g. `2026-11-02T09:30:00Z`"
    )]
    Time {
        /// The text given.
        value: String,
        /// What is wrong with it.
        #[source]
        reason: TimestampError,
    },
    /// The line is longer than [`MAX_LINE_BYTES`](super::MAX_LINE_BYTES).
    #[error("line longer than {limit} bytes")]
    TooLong {
        /// The limit in bytes.
        limit: usize,
    },
}

fn at_column(column: Option<usize>) -> String {
    column.map_or_else(String::new, |column| format!(" at column {column}"))
}

/// The wire shape: string fields borrowed where the JSON string has no
/// escapes, other fields skipped, anything but an object refused.
struct Wire<'a> {
    device: Cow<'a, str>,
    event: Cow<'a, str>,
    time: Cow<'a, str>,
}

/// A JSON string, borrowed from the input when it has no escapes.
pub(crate) struct Text<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl<'de> serde::Deserialize<'de> for Wire<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Wire<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                use serde::de::Error as _;
                let (mut device, mut event, mut time) = (None, None, None);
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    let slot = match &*key {
                        "device" => &mut device,
                        "event" => &mut event,
                        "time" => &mut time,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    *slot = Some(map.next_value::<Text<'de>>()?.0);
                }
                Ok(Wire {
                    device: device.ok_or_else(|| A::Error::missing_field("device"))?,
                    event: event.ok_or_else(|| A::Error::missing_field("event"))?,
                    time: time.ok_or_else(|| A::Error::missing_field("time"))?,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl<'a> Event<'a> {
    /// An event for `device`.
    pub fn new(device: impl Into<Cow<'a, str>>, kind: EventKind, time: Timestamp) -> Self {
        Self {
            device: device.into(),
            kind,
            time,
        }
    }

    /// Parses one JSON Lines record,
    /// `{"device": "...", "event": "Microsoft.PlatformSSO....", "time": "RFC 3339"}`.
    ///
    /// Other fields are ignored. The device identifier borrows from `line`
    /// unless it contains JSON escapes.
    pub fn from_json(line: &'a [u8]) -> Result<Self, LineError> {
        let wire: Wire<'a> = serde_json::from_slice(line).map_err(|err| {
            let text = err.to_string();
            let detail = match text.rfind(" at line ") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            let column = Some(err.column()).filter(|&column| column > 0);
            match err.classify() {
                serde_json::error::Category::Data => LineError::Malformed { detail, column },
                _ => LineError::NotJson { detail, column },
            }
        })?;
        Self::from_fields(wire.device, &wire.event, &wire.time)
    }

    /// An event from its three fields as text, checked as [`Event::from_json`]
    /// checks a line's: a device identifier that is not empty, one of the nine
    /// names exactly, an RFC 3339 time.
    pub fn from_fields(
        device: impl Into<Cow<'a, str>>,
        event: &str,
        time: &str,
    ) -> Result<Self, LineError> {
        let device = device.into();
        if device.is_empty() {
            return Err(LineError::EmptyDevice);
        }
        if device.trim().is_empty() {
            return Err(LineError::BlankDevice);
        }
        let kind = event.parse::<EventKind>()?;
        let time = Timestamp::parse(time).map_err(|reason| LineError::Time {
            value: time.to_owned(),
            reason,
        })?;
        Ok(Self { device, kind, time })
    }

    /// The same event, owning its device identifier.
    pub fn into_owned(self) -> Event<'static> {
        Event {
            device: Cow::Owned(self.device.into_owned()),
            kind: self.kind,
            time: self.time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Event<'_>, String> {
        Event::from_json(line.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn parses_a_record_and_ignores_other_fields() {
        let event = parse(
            r#"{"agent":"2.1","device":"C02XK1","event":"Microsoft.PlatformSSO.UserRegistration.Failed","time":"2026-11-02T10:30:00+01:00","extra":{"a":[1,2]}}"#,
        )
        .unwrap();
        assert_eq!(event.device, "C02XK1");
        assert!(matches!(event.device, Cow::Borrowed(_)));
        assert_eq!(event.kind, EventKind::UserRegistrationFailed);
        assert_eq!(event.time.to_string(), "2026-11-02T09:30:00Z");
    }

    #[test]
    fn fields_are_checked_as_a_line_is() {
        let event = Event::from_fields(
            "C02XK1",
            "Microsoft.PlatformSSO.Registration.Succeeded",
            "2026-11-02T10:30:00+01:00",
        )
        .unwrap();
        assert_eq!(event.kind, EventKind::RegistrationSucceeded);
        assert_eq!(event.time.to_string(), "2026-11-02T09:30:00Z");
        let err = |device, event, time| {
            Event::from_fields(device, event, time)
                .unwrap_err()
                .to_string()
        };
        let time = "2026-11-02T09:30:00Z";
        assert_eq!(
            err("", "Microsoft.PlatformSSO.Registration.Succeeded", time),
            "`device` is empty: expected the device identifier"
        );
        assert_eq!(
            err("d", "Registration.Succeeded", time),
            parse(&format!(
                r#"{{"device":"d","event":"Registration.Succeeded","time":"{time}"}}"#
            ))
            .unwrap_err()
        );
        assert!(
            err(
                "d",
                "Microsoft.PlatformSSO.Registration.Succeeded",
                "yesterday"
            )
            .starts_with("`time` `yesterday` is not an RFC 3339 date-time")
        );
    }

    #[test]
    fn parses_every_name() {
        for kind in EventKind::ALL {
            let line = format!(
                r#"{{"device":"d","event":"{}","time":"2026-11-02T09:30:00Z"}}"#,
                kind.name()
            );
            assert_eq!(parse(&line).unwrap().kind, kind);
        }
    }

    #[test]
    fn unescapes_device_identifiers() {
        let event = parse(
            r#"{"device":"mac\u002d1","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T09:30:00Z"}"#,
        )
        .unwrap();
        assert_eq!(event.device, "mac-1");
        assert_eq!(event.clone().into_owned(), event);
    }

    #[test]
    fn reports_malformed_lines() {
        assert_eq!(
            parse("not json").unwrap_err(),
            "not valid JSON: expected ident at column 2"
        );
        assert_eq!(
            parse(r#"{"device":"d","event":"Microsoft.PlatformSSO.Registration.Removed"}"#)
                .unwrap_err(),
            "not an event object with string fields `device`, `event` and `time`: missing field `time` at column 67"
        );
        assert_eq!(
            parse(r#"{"device":7,"event":"x","time":"y"}"#).unwrap_err(),
            "not an event object with string fields `device`, `event` and `time`: invalid type: integer `7`, expected a string at column 11"
        );
        assert_eq!(
            parse(r#"{"device":"d","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T09:30:00Z""#).unwrap_err(),
            "not valid JSON: EOF while parsing an object at column 96"
        );
        assert_eq!(
            parse(r#"["d","Microsoft.PlatformSSO.Registration.Removed","2026-11-02T09:30:00Z"]"#)
                .unwrap_err(),
            "not an event object with string fields `device`, `event` and `time`: invalid type: sequence, expected an event object"
        );
        assert_eq!(
            parse(r#"{"device":"d","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T09:30:00Z"} x"#).unwrap_err(),
            "not valid JSON: trailing characters at column 99"
        );
        assert_eq!(
            parse(r#"{"device":"d","device":"e"}"#).unwrap_err(),
            "not an event object with string fields `device`, `event` and `time`: duplicate field `device` at column 22"
        );
    }

    #[test]
    fn reports_empty_devices_unknown_events_and_bad_times() {
        assert_eq!(
            parse(r#"{"device":"","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T09:30:00Z"}"#).unwrap_err(),
            "`device` is empty: expected the device identifier"
        );
        for blank in [" ", "   ", "\\t", "\\u00a0\\u2003"] {
            assert_eq!(
                parse(&format!(r#"{{"device":"{blank}","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T09:30:00Z"}}"#)).unwrap_err(),
                "`device` holds only white space: expected the device identifier",
                "{blank:?}"
            );
        }
        assert_eq!(
            parse(r#"{"device":"d","event":"Microsoft.PlatformSSO.Registration.Started","time":"2026-11-02T09:30:00Z"}"#).unwrap_err(),
            "unknown event `Microsoft.PlatformSSO.Registration.Started`: expected one of the nine `Microsoft.PlatformSSO.*` registration notifications"
        );
        assert_eq!(
            parse(r#"{"device":"d","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02 09:30"}"#).unwrap_err(),
            "`time` `2026-11-02 09:30` is not an RFC 3339 date-time (expected `T` after the date): expected e.g. `2026-11-02T09:30:00Z`"
        );
    }
}
