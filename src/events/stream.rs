//! Reading JSON Lines event logs as a stream, and the time-ordered replay
//! that turns a whole log into compliance transitions.

use std::collections::HashMap;
use std::io::{self, BufRead, Read};

use super::device_id::DeviceId;
use super::event::{Event, LineError};
use super::kind::EventKind;
use super::timestamp::Timestamp;
use super::tracker::{DeviceState, Tracker, Transition};

/// The longest line read, in bytes; a longer line is skipped as
/// [`LineError::TooLong`] without being held in memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Reads `reader` line by line and calls `on_line` with each line's number
/// (from 1) and its event or the reason it is not one.
///
/// One line buffer is reused: memory does not grow with the input. Blank
/// lines are skipped silently; a trailing `\r` is ignored, and so is a UTF-8
/// byte order mark at the start of the input. Returns the number of lines read.
pub fn read_events<R: BufRead>(
    mut reader: R,
    mut on_line: impl FnMut(u64, Result<Event<'_>, LineError>),
) -> io::Result<u64> {
    let mut buf = Vec::with_capacity(512);
    let mut line = 0u64;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(line);
        }
        line += 1;
        let mut text = buf.as_slice();
        if let Some(rest) = text.strip_suffix(b"\n") {
            text = rest;
        } else if text.len() > MAX_LINE_BYTES {
            skip_line(&mut reader)?;
            on_line(
                line,
                Err(LineError::TooLong {
                    limit: MAX_LINE_BYTES,
                }),
            );
            continue;
        }
        let mut text = text.strip_suffix(b"\r").unwrap_or(text);
        if line == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        on_line(line, Event::from_json(text));
    }
}

/// Consumes the rest of the current line, newline included.
fn skip_line<R: BufRead>(reader: &mut R) -> io::Result<()> {
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            return Ok(());
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let len = available.len();
                reader.consume(len);
            }
        }
    }
}

/// Reads a whole log into a [`Tracker`]: the state of every device.
///
/// Streams: memory grows with the number of devices, not of lines. Lines
/// that are not events are passed to `on_skip` with their number and skipped.
pub fn reduce<R: BufRead>(
    reader: R,
    mut on_skip: impl FnMut(u64, LineError),
) -> io::Result<Tracker> {
    let mut tracker = Tracker::new();
    read_events(reader, |line, event| match event {
        Ok(event) => {
            tracker.record(&event);
        }
        Err(err) => on_skip(line, err),
    })?;
    Ok(tracker)
}

/// Reads a whole log into a [`Timeline`], to replay it in time order.
///
/// Lines that are not events are passed to `on_skip` and skipped. Fails with
/// [`io::ErrorKind::InvalidData`] past 2³² − 1 devices.
pub fn read_timeline<R: BufRead>(
    reader: R,
    mut on_skip: impl FnMut(u64, LineError),
) -> io::Result<Timeline> {
    let mut timeline = Timeline::new();
    let mut full = false;
    read_events(reader, |line, event| match event {
        Ok(event) => full |= !timeline.push(&event),
        Err(err) => on_skip(line, err),
    })?;
    if full {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("more than {} devices", u32::MAX),
        ));
    }
    Ok(timeline)
}

/// One event of a [`Timeline`]: 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    time: Timestamp,
    device: u32,
    kind: EventKind,
}

/// Events per block of a [`Timeline`]: blocks are allocated whole and never
/// grown, so that reading a log never copies what it holds (a growing vector
/// would, and hold up to three times as much while it does); each block is
/// sorted in place and the replay merges them.
const BLOCK: usize = if cfg!(test) {
    // Small in unit tests, so that their logs span many blocks.
    3
} else {
    1 << 20
};

/// Every event of a log, held compactly (24 bytes per event plus each
/// device identifier once) so that it can be replayed in time order.
///
/// This is the price of exact transitions from an unordered log: a
/// [`Tracker`] fed in arrival order knows the final state of every device in
/// memory that grows with devices only, but the changes of compliance *in
/// time order* need the events sorted by time first. Ten million events take
/// about 240 MB, plus about 150 bytes per device; the replay
/// ([`Timeline::into_replay`]) sorts them in place and holds no change. For
/// logs larger than memory, sort them by `time` first
/// (e.g. with an external sort) and feed a [`Tracker`]: in time order, its
/// transitions are the same as a timeline's.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    index: HashMap<DeviceId, u32>,
    names: Vec<Box<str>>,
    /// Full blocks of [`BLOCK`] events, then the one being filled.
    blocks: Vec<Vec<Entry>>,
    len: usize,
}

impl Timeline {
    /// An empty timeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an event. Returns `false`, and drops the event, when the timeline
    /// already holds 2³² − 1 devices and this one is new.
    pub fn push(&mut self, event: &Event<'_>) -> bool {
        let device = match self.index.get(&*event.device) {
            Some(&device) => device,
            None => {
                let Ok(device) = u32::try_from(self.names.len()) else {
                    return false;
                };
                if device == u32::MAX {
                    return false;
                }
                self.names.push(Box::from(&*event.device));
                self.index.insert(DeviceId::new(&event.device), device);
                device
            }
        };
        if self.blocks.last().is_none_or(|b| b.len() == BLOCK) {
            self.blocks.push(Vec::with_capacity(BLOCK));
        }
        if let Some(block) = self.blocks.last_mut() {
            block.push(Entry {
                time: event.time,
                device,
                kind: event.kind,
            });
            self.len += 1;
        }
        true
    }

    /// How many events it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no event.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Replays the events in time order and returns every change of
    /// compliance, in time order (at one instant, by device identifier).
    ///
    /// Events at the same instant for one device apply together, and only
    /// their net change of compliance is reported (the state they lead to is
    /// the one [`Tracker`] gives, whatever their order). The result does not
    /// depend on the order of lines.
    pub fn into_transitions(self) -> Vec<Transition> {
        let mut transitions = Vec::new();
        self.into_replay().for_each(|c| {
            transitions.push(Transition {
                device: c.device.to_string(),
                compliant: c.compliant,
                time: c.time,
                event: c.event,
                late: false,
            });
        });
        transitions
    }

    /// Sorts the events for [`Replay::for_each`], in place: the changes of
    /// [`Timeline::into_transitions`] can then be walked (any number of times)
    /// without holding them, for a log with millions of changes.
    pub fn into_replay(self) -> Replay {
        let Timeline {
            index,
            mut names,
            mut blocks,
            len: _,
        } = self;
        drop(index);
        // Renumber devices in name order, so that sorting entries sorts by
        // (time, device identifier, kind).
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        by_name.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut rank = vec![0u32; by_name.len()];
        for (position, &device) in by_name.iter().enumerate() {
            rank[device as usize] = position as u32;
        }
        for block in &mut blocks {
            for entry in block.iter_mut() {
                entry.device = rank[entry.device as usize];
            }
            // Each block sorted in place; the replay merges them.
            block.sort_unstable();
        }
        drop(rank);
        let names = by_name
            .iter()
            .map(|&device| std::mem::take(&mut names[device as usize]))
            .collect();
        Replay { names, blocks }
    }
}

/// The events of a [`Timeline`], sorted for replay: [`Timeline::into_replay`].
#[derive(Debug, Clone, Default)]
pub struct Replay {
    /// Device identifiers, in name order (entries refer to them by position).
    names: Vec<Box<str>>,
    /// Blocks of events, each sorted.
    blocks: Vec<Vec<Entry>>,
}

/// One change of compliance, as [`Replay::for_each`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change<'a> {
    /// The device.
    pub device: &'a str,
    /// The new compliance.
    pub compliant: bool,
    /// The time of the event that changed it.
    pub time: Timestamp,
    /// The event that changed it.
    pub event: EventKind,
}

impl Replay {
    /// Replays the events in time order and calls `each` with every change of
    /// compliance, in time order (at one instant, by device identifier), as
    /// [`Timeline::into_transitions`] lists them. Memory: one 48-byte state per
    /// device while it runs, nothing per change.
    pub fn for_each(&self, mut each: impl FnMut(Change<'_>)) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        // A k-way merge of the sorted blocks: the events in time order.
        let mut heads: BinaryHeap<Reverse<(Entry, usize, usize)>> = self
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(b, block)| block.first().map(|&e| Reverse((e, b, 0))))
            .collect();
        let mut next = || {
            let Reverse((entry, b, i)) = heads.pop()?;
            if let Some(&following) = self.blocks[b].get(i + 1) {
                heads.push(Reverse((following, b, i + 1)));
            }
            Some(entry)
        };
        let mut states = vec![DeviceState::default(); self.names.len()];
        let mut pending = next();
        // Events of one device at one instant apply together: only the net
        // change is reported, never a flicker within the same instant.
        while let Some(first) = pending {
            let state = &mut states[first.device as usize];
            let before = state.compliant();
            let mut cause = None;
            let mut entry = Some(first);
            while let Some(e) = entry.filter(|e| e.time == first.time && e.device == first.device) {
                let was = state.compliant();
                state.apply(e.kind, e.time);
                if state.compliant() != was {
                    cause = Some(e);
                }
                entry = next();
            }
            pending = entry;
            let after = state.compliant();
            if let Some(e) = cause.filter(|_| after != before) {
                each(Change {
                    device: &self.names[e.device as usize],
                    compliant: after,
                    time: e.time,
                    event: e.kind,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(device: &str, kind: EventKind, time: &str) -> String {
        format!(
            r#"{{"device":"{device}","event":"{}","time":"{time}"}}"#,
            kind.name()
        )
    }

    #[test]
    fn reads_lines_with_numbers_and_skips_blank_ones() {
        let input = format!(
            "{}\r\n\n   \nnot json\n{}",
            line(
                "a",
                EventKind::RegistrationSucceeded,
                "2026-11-02T09:30:00Z"
            ),
            line("b", EventKind::RegistrationRemoved, "2026-11-02T09:30:00Z"),
        );
        let mut seen = Vec::new();
        let lines = read_events(input.as_bytes(), |n, event| {
            seen.push((
                n,
                event
                    .map(|e| e.device.into_owned())
                    .map_err(|e| e.to_string()),
            ));
        })
        .unwrap();
        assert_eq!(lines, 5);
        assert_eq!(
            seen,
            [
                (1, Ok("a".to_owned())),
                (
                    4,
                    Err("not valid JSON: expected ident at column 2".to_owned())
                ),
                (5, Ok("b".to_owned())),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_ignored() {
        let ok = line(
            "a",
            EventKind::RegistrationSucceeded,
            "2026-11-02T09:30:00Z",
        );
        let input = format!("\u{FEFF}{ok}\n\u{FEFF}{ok}\n");
        let mut seen = Vec::new();
        read_events(input.as_bytes(), |n, event| seen.push((n, event.is_ok()))).unwrap();
        // Only the first line may start with one; elsewhere it is not JSON.
        assert_eq!(seen, [(1, true), (2, false)]);
        // A mark alone, or before a blank line, is a blank line.
        let mut count = 0;
        read_events("\u{FEFF}\n".as_bytes(), |_, _| count += 1).unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn skips_overlong_lines_without_losing_the_next_one() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let ok = line(
            "a",
            EventKind::RegistrationSucceeded,
            "2026-11-02T09:30:00Z",
        );
        // A small buffer makes the skip cross several reads.
        let input = format!("{long}\n{ok}\n{long}");
        let reader = io::BufReader::with_capacity(1000, input.as_bytes());
        let mut seen = Vec::new();
        read_events(reader, |n, event| {
            seen.push((
                n,
                event
                    .map(|e| e.device.into_owned())
                    .map_err(|e| e.to_string()),
            ))
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (1, Err("line longer than 65536 bytes".to_owned())),
                (2, Ok("a".to_owned())),
                (3, Err("line longer than 65536 bytes".to_owned())),
            ]
        );
        // Exactly at the limit is fine.
        let padded = format!("{ok}{}", " ".repeat(MAX_LINE_BYTES - ok.len()));
        let mut count = 0;
        read_events(padded.as_bytes(), |_, event| {
            assert!(event.is_ok());
            count += 1;
        })
        .unwrap();
        assert_eq!(count, 1);
    }

    #[test]
    fn reduce_reports_skipped_lines() {
        let input = format!(
            "{}\n{{}}\n{}\n",
            line(
                "a",
                EventKind::RegistrationSucceeded,
                "2026-11-02T09:30:00Z"
            ),
            line("a", EventKind::RegistrationRemoved, "2026-11-02T09:29:00Z"),
        );
        let mut skipped = Vec::new();
        let tracker = reduce(input.as_bytes(), |n, err| {
            skipped.push((n, err.to_string()))
        })
        .unwrap();
        assert!(tracker.get("a").unwrap().compliant());
        assert_eq!(
            skipped,
            [(
                2,
                "not an event object with string fields `device`, `event` and `time`: missing field `device` at column 2".to_owned()
            )]
        );
    }

    #[test]
    fn timeline_replays_in_time_order() {
        let input = [
            line(
                "b",
                EventKind::RegistrationSucceeded,
                "2026-11-02T09:35:00Z",
            ),
            line("a", EventKind::RegistrationRemoved, "2026-11-02T09:40:00Z"),
            line(
                "a",
                EventKind::UserRegistrationSucceeded,
                "2026-11-02T09:31:00Z",
            ),
            line(
                "a",
                EventKind::DeviceRegistrationSucceeded,
                "2026-11-02T09:30:00Z",
            ),
            line(
                "b",
                EventKind::RegistrationSucceeded,
                "2026-11-02T09:31:00Z",
            ),
        ]
        .join("\n");
        let timeline = read_timeline(input.as_bytes(), |_, _| panic!("no bad line")).unwrap();
        assert_eq!(timeline.len(), 5);
        let got: Vec<_> = timeline
            .into_transitions()
            .into_iter()
            .map(|t| (t.time.to_string(), t.device, t.compliant, t.late))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "2026-11-02T09:31:00Z".to_owned(),
                    "a".to_owned(),
                    true,
                    false
                ),
                (
                    "2026-11-02T09:31:00Z".to_owned(),
                    "b".to_owned(),
                    true,
                    false
                ),
                (
                    "2026-11-02T09:40:00Z".to_owned(),
                    "a".to_owned(),
                    false,
                    false
                ),
            ]
        );
        assert!(Timeline::new().is_empty());
    }

    #[test]
    fn timeline_reports_only_the_net_change_of_one_instant() {
        let input = [
            line(
                "a",
                EventKind::DeviceRegistrationSucceeded,
                "2026-11-02T09:00:00Z",
            ),
            line(
                "a",
                EventKind::UserRegistrationSucceeded,
                "2026-11-02T09:05:00Z",
            ),
            line(
                "a",
                EventKind::UserRegistrationFailed,
                "2026-11-02T09:05:00Z",
            ),
            line(
                "a",
                EventKind::UserRegistrationStarted,
                "2026-11-02T09:06:00Z",
            ),
            line(
                "a",
                EventKind::UserRegistrationSucceeded,
                "2026-11-02T09:07:00Z",
            ),
        ]
        .join("\n");
        let transitions = read_timeline(input.as_bytes(), |_, _| panic!("no bad line"))
            .unwrap()
            .into_transitions();
        let got: Vec<_> = transitions
            .iter()
            .map(|t| (t.time.to_string(), t.compliant, t.event))
            .collect();
        assert_eq!(
            got,
            [(
                "2026-11-02T09:07:00Z".to_owned(),
                true,
                EventKind::UserRegistrationSucceeded
            )]
        );
    }

    proptest! {
        /// The transitions of a log do not depend on the order of its lines.
        #[test]
        fn transitions_do_not_depend_on_line_order(
            events in proptest::collection::vec(
                (0u8..3, proptest::sample::select(EventKind::ALL.to_vec()), 0u32..6), 0..40
            ),
            reversed in any::<bool>(),
        ) {
            let lines: Vec<String> = events
                .iter()
                .map(|&(d, kind, minute)| line(["a", "b", "c"][usize::from(d)], kind, &format!("2026-11-02T09:{minute:02}:00Z")))
                .collect();
            let mut other = lines.clone();
            if reversed { other.reverse() } else { other.sort() }
            let one = read_timeline(lines.join("\n").as_bytes(), |_, _| ()).unwrap().into_transitions();
            let two = read_timeline(other.join("\n").as_bytes(), |_, _| ()).unwrap().into_transitions();
            prop_assert_eq!(one, two);
        }
    }
}
