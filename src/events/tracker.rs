//! Registration state per device and the compliance transitions it goes
//! through: the [`Tracker`] an MDM server embeds.

use std::collections::HashMap;

use super::device_id::DeviceId;
use super::event::Event;
use super::kind::{EventKind, Outcome};
use super::timestamp::Timestamp;

/// Where one registration track (device or user) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackStatus {
    /// No event for this track yet.
    None,
    /// The latest event started registration.
    Started,
    /// The latest event finished registration.
    Succeeded,
    /// The latest event was a failure.
    Failed,
    /// The latest event was `Registration.Removed`.
    Removed,
}

impl TrackStatus {
    /// The lowercase word used in output (`succeeded`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Started => "started",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Removed => "removed",
        }
    }
}

/// The order of events: by time, then, at the same instant, by outcome
/// (started < succeeded < failed < removed). Two events with the same key
/// on the same slot say the same thing, so the order they arrive in does not
/// matter.
///
/// Packed in 16 bytes: the seconds, then the nanoseconds shifted left by two
/// with the outcome in the low bits, which orders exactly as
/// (time, outcome). [`Key::NONE`] sorts before every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    secs: i64,
    nanos_outcome: u32,
}

impl Key {
    /// No event yet.
    const NONE: Key = Key {
        secs: i64::MIN,
        nanos_outcome: 0,
    };

    fn new(time: Timestamp, outcome: Outcome) -> Self {
        Self {
            secs: time.unix_seconds(),
            nanos_outcome: time.subsec_nanos() << 2 | outcome as u32,
        }
    }

    fn is_none(self) -> bool {
        self == Self::NONE
    }

    fn outcome(self) -> Option<Outcome> {
        if self.is_none() {
            return None;
        }
        Some(match self.nanos_outcome & 3 {
            0 => Outcome::Started,
            1 => Outcome::Succeeded,
            2 => Outcome::Failed,
            _ => Outcome::Removed,
        })
    }

    fn time(self) -> Option<Timestamp> {
        if self.is_none() {
            return None;
        }
        Timestamp::from_unix(self.secs, self.nanos_outcome >> 2)
    }
}

/// What the tracker keeps about one device: the latest event of each track
/// and the latest `Registration.Failed`. Its size is fixed (48 bytes),
/// whatever the number of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceState {
    device: Key,
    user: Key,
    failed: Key,
}

impl Default for DeviceState {
    fn default() -> Self {
        Self {
            device: Key::NONE,
            user: Key::NONE,
            failed: Key::NONE,
        }
    }
}

fn raise(slot: &mut Key, key: Key) {
    if *slot < key {
        *slot = key;
    }
}

fn status(slot: Key) -> TrackStatus {
    match slot.outcome() {
        None => TrackStatus::None,
        Some(Outcome::Started) => TrackStatus::Started,
        Some(Outcome::Succeeded) => TrackStatus::Succeeded,
        Some(Outcome::Failed) => TrackStatus::Failed,
        Some(Outcome::Removed) => TrackStatus::Removed,
    }
}

impl DeviceState {
    /// The state after `kind` at `time`, whatever order the events came in.
    pub fn apply(&mut self, kind: EventKind, time: Timestamp) {
        let key = Key::new(time, kind.outcome());
        match kind {
            EventKind::DeviceRegistrationStarted
            | EventKind::DeviceRegistrationSucceeded
            | EventKind::DeviceRegistrationFailed => raise(&mut self.device, key),
            EventKind::UserRegistrationStarted
            | EventKind::UserRegistrationSucceeded
            | EventKind::UserRegistrationFailed => raise(&mut self.user, key),
            EventKind::RegistrationSucceeded | EventKind::RegistrationRemoved => {
                raise(&mut self.device, key);
                raise(&mut self.user, key);
            }
            EventKind::RegistrationFailed => raise(&mut self.failed, key),
        }
    }

    /// The device registration track.
    pub fn device_registration(&self) -> TrackStatus {
        status(self.device)
    }

    /// The user registration track.
    pub fn user_registration(&self) -> TrackStatus {
        status(self.user)
    }

    /// Whether a `Registration.Failed` is at least as new as every event of
    /// both tracks: the device is then not compliant, whatever the tracks say,
    /// until a later event of a track.
    pub fn registration_failed(&self) -> bool {
        !self.failed.is_none() && self.failed >= self.device.max(self.user)
    }

    /// Whether the device is compliant: both tracks succeeded and no
    /// `Registration.Failed` came after the later of the two successes.
    pub fn compliant(&self) -> bool {
        self.device_registration() == TrackStatus::Succeeded
            && self.user_registration() == TrackStatus::Succeeded
            && !self.registration_failed()
    }

    /// The time of the newest event the state reflects (`None` before any).
    pub fn last_change(&self) -> Option<Timestamp> {
        self.device.max(self.user).max(self.failed).time()
    }
}

/// A change of compliance: what an MDM sends to the compliance API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Transition {
    /// The device.
    pub device: String,
    /// The new compliance.
    pub compliant: bool,
    /// The time of the event that changed it.
    pub time: Timestamp,
    /// The event that changed it.
    pub event: EventKind,
    /// Whether that event arrived after a newer event of the same device.
    pub late: bool,
}

/// Registration state of every device seen, fed one event at a time in any
/// order; reports each change of compliance.
///
/// Memory grows with the number of devices, not of events: per device the
/// tracker keeps its identifier and a fixed-size [`DeviceState`]. The final
/// state does not depend on the order events arrive in (see
/// [the rules](crate::events)).
///
/// ```
/// use psso_profile::events::{Event, EventKind, Tracker};
///
/// let mut tracker = Tracker::new();
/// let at = |t: &str| t.parse().unwrap();
/// let device = Event::new("C02XK1", EventKind::DeviceRegistrationSucceeded, at("2026-11-02T09:30:00Z"));
/// assert_eq!(tracker.record(&device), None);
/// let user = Event::new("C02XK1", EventKind::UserRegistrationSucceeded, at("2026-11-02T09:31:00Z"));
/// let change = tracker.record(&user).unwrap();
/// assert!(change.compliant);
/// assert_eq!(change.device, "C02XK1");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    devices: HashMap<DeviceId, DeviceState>,
}

impl Tracker {
    /// A tracker that has seen no device.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one event and returns the change of compliance it causes, if
    /// any.
    ///
    /// A device the tracker has not seen is not compliant. A transition
    /// compares compliance as of the newest known state before and after the
    /// event: an event that arrives late (older than an event already
    /// recorded for the device) changes compliance only when it changes the
    /// newest state, and is then reported with `late: true`.
    pub fn record(&mut self, event: &Event<'_>) -> Option<Transition> {
        let device: &str = &event.device;
        let state = match self.devices.get_mut(device) {
            Some(state) => state,
            None => self.devices.entry(DeviceId::new(device)).or_default(),
        };
        let before = state.compliant();
        let late = state.last_change().is_some_and(|last| event.time < last);
        state.apply(event.kind, event.time);
        let after = state.compliant();
        (before != after).then(|| Transition {
            device: device.to_owned(),
            compliant: after,
            time: event.time,
            event: event.kind,
            late,
        })
    }

    /// The state of one device, if the tracker has seen it.
    pub fn get(&self, device: &str) -> Option<&DeviceState> {
        self.devices.get(device)
    }

    /// Every device and its state, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &DeviceState)> {
        self.devices
            .iter()
            .map(|(device, state)| (device.as_str(), state))
    }

    /// Every device and its state, sorted by device identifier.
    pub fn sorted(&self) -> Vec<(&str, &DeviceState)> {
        let mut all: Vec<_> = self.iter().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// How many devices the tracker has seen.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// Whether the tracker has seen no device.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;
    use proptest::prelude::*;

    fn at(minute: u32) -> Timestamp {
        Timestamp::from_unix(1_793_611_800 + i64::from(minute) * 60, 0).unwrap()
    }

    fn state(events: &[(EventKind, u32)]) -> DeviceState {
        let mut state = DeviceState::default();
        for &(kind, minute) in events {
            state.apply(kind, at(minute));
        }
        state
    }

    fn compliant(events: &[(EventKind, u32)]) -> bool {
        state(events).compliant()
    }

    #[test]
    fn device_state_has_the_documented_size() {
        assert_eq!(std::mem::size_of::<DeviceState>(), 48);
    }

    #[test]
    fn a_new_device_is_not_compliant() {
        let s = DeviceState::default();
        assert!(!s.compliant());
        assert_eq!(s.device_registration(), TrackStatus::None);
        assert_eq!(s.user_registration(), TrackStatus::None);
        assert_eq!(s.last_change(), None);
        assert!(!s.registration_failed());
    }

    #[test]
    fn both_tracks_must_succeed() {
        assert!(!compliant(&[(DeviceRegistrationSucceeded, 1)]));
        assert!(!compliant(&[(UserRegistrationSucceeded, 1)]));
        assert!(compliant(&[
            (DeviceRegistrationStarted, 0),
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationStarted, 2),
            (UserRegistrationSucceeded, 3),
        ]));
    }

    #[test]
    fn each_track_is_its_own_latest_event() {
        let s = state(&[
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationStarted, 2),
            (UserRegistrationFailed, 3),
        ]);
        assert_eq!(s.device_registration(), TrackStatus::Succeeded);
        assert_eq!(s.user_registration(), TrackStatus::Failed);
        assert!(!s.compliant());
        // A restart of a track makes the device not compliant until it succeeds.
        let s = state(&[
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationSucceeded, 2),
            (UserRegistrationStarted, 3),
        ]);
        assert_eq!(s.user_registration(), TrackStatus::Started);
        assert!(!s.compliant());
    }

    #[test]
    fn failures_followed_by_retries() {
        assert!(compliant(&[
            (DeviceRegistrationFailed, 1),
            (DeviceRegistrationStarted, 2),
            (DeviceRegistrationSucceeded, 3),
            (UserRegistrationFailed, 4),
            (UserRegistrationSucceeded, 5),
        ]));
        assert!(!compliant(&[
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationSucceeded, 2),
            (DeviceRegistrationFailed, 3),
        ]));
    }

    #[test]
    fn registration_succeeded_means_both_tracks_succeeded() {
        let s = state(&[(RegistrationSucceeded, 1)]);
        assert_eq!(s.device_registration(), TrackStatus::Succeeded);
        assert_eq!(s.user_registration(), TrackStatus::Succeeded);
        assert!(s.compliant());
        // A later failure of one track still counts.
        assert!(!compliant(&[
            (RegistrationSucceeded, 1),
            (UserRegistrationFailed, 2)
        ]));
        // An older one does not.
        assert!(compliant(&[
            (UserRegistrationFailed, 0),
            (RegistrationSucceeded, 1)
        ]));
    }

    #[test]
    fn registration_failed_holds_until_a_later_success() {
        let s = state(&[
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationSucceeded, 2),
            (RegistrationFailed, 3),
        ]);
        assert!(s.registration_failed());
        assert!(!s.compliant());
        assert_eq!(s.device_registration(), TrackStatus::Succeeded);
        assert_eq!(s.user_registration(), TrackStatus::Succeeded);
        // Any later success of a track clears it.
        assert!(compliant(&[
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationSucceeded, 2),
            (RegistrationFailed, 3),
            (UserRegistrationSucceeded, 4),
        ]));
        assert!(compliant(&[
            (RegistrationFailed, 3),
            (RegistrationSucceeded, 4)
        ]));
        // A failure between the two successes is undone by the later one.
        assert!(compliant(&[
            (DeviceRegistrationSucceeded, 1),
            (RegistrationFailed, 2),
            (UserRegistrationSucceeded, 3),
        ]));
        // A restart after the failure is not a success.
        let s = state(&[
            (RegistrationSucceeded, 1),
            (RegistrationFailed, 2),
            (UserRegistrationStarted, 3),
        ]);
        assert!(!s.registration_failed());
        assert!(!s.compliant());
    }

    #[test]
    fn removal_resets_both_tracks_until_both_succeed_again() {
        let removed = [
            (DeviceRegistrationSucceeded, 1),
            (UserRegistrationSucceeded, 2),
            (RegistrationRemoved, 3),
        ];
        let s = state(&removed);
        assert_eq!(s.device_registration(), TrackStatus::Removed);
        assert_eq!(s.user_registration(), TrackStatus::Removed);
        assert!(!s.compliant());
        let mut again = removed.to_vec();
        again.push((DeviceRegistrationSucceeded, 4));
        assert!(!compliant(&again));
        again.push((UserRegistrationSucceeded, 5));
        assert!(compliant(&again));
        assert!(compliant(&[
            (RegistrationRemoved, 3),
            (RegistrationSucceeded, 4)
        ]));
        // A removal forgets an earlier failure.
        assert!(compliant(&[
            (RegistrationFailed, 1),
            (RegistrationRemoved, 2),
            (RegistrationSucceeded, 3),
        ]));
    }

    #[test]
    fn equal_times_rank_started_succeeded_failed_removed() {
        // Started and its outcome at the same instant: the outcome wins.
        assert_eq!(
            state(&[(UserRegistrationSucceeded, 1), (UserRegistrationStarted, 1)])
                .user_registration(),
            TrackStatus::Succeeded
        );
        // Success and failure at the same instant: the failure wins.
        assert_eq!(
            state(&[(UserRegistrationSucceeded, 1), (UserRegistrationFailed, 1)])
                .user_registration(),
            TrackStatus::Failed
        );
        assert!(!compliant(&[
            (RegistrationSucceeded, 1),
            (RegistrationFailed, 1)
        ]));
        assert!(!compliant(&[
            (RegistrationSucceeded, 1),
            (RegistrationRemoved, 1)
        ]));
        assert!(!compliant(&[
            (RegistrationRemoved, 1),
            (RegistrationSucceeded, 1)
        ]));
    }

    #[test]
    fn out_of_order_events_do_not_overwrite_newer_ones() {
        let s = state(&[
            (UserRegistrationSucceeded, 5),
            (DeviceRegistrationSucceeded, 4),
            (UserRegistrationFailed, 2),
            (RegistrationRemoved, 1),
        ]);
        assert!(s.compliant());
        assert_eq!(s.last_change(), Some(at(5)));
    }

    fn event(device: &str, kind: EventKind, minute: u32) -> Event<'_> {
        Event::new(device, kind, at(minute))
    }

    #[test]
    fn tracker_reports_each_change_of_compliance() {
        let mut t = Tracker::new();
        assert_eq!(t.record(&event("a", DeviceRegistrationSucceeded, 1)), None);
        let on = t.record(&event("a", UserRegistrationSucceeded, 2)).unwrap();
        assert_eq!(
            on,
            Transition {
                device: "a".into(),
                compliant: true,
                time: at(2),
                event: UserRegistrationSucceeded,
                late: false,
            }
        );
        assert_eq!(t.record(&event("a", RegistrationSucceeded, 3)), None);
        let off = t.record(&event("a", RegistrationRemoved, 4)).unwrap();
        assert!(!off.compliant);
        assert_eq!(t.record(&event("b", RegistrationFailed, 1)), None);
        assert_eq!(t.len(), 2);
        assert!(!t.is_empty());
        let sorted: Vec<_> = t.sorted().into_iter().map(|(d, _)| d).collect();
        assert_eq!(sorted, ["a", "b"]);
        assert!(t.get("b").unwrap().registration_failed());
        assert!(t.get("c").is_none());
    }

    #[test]
    fn tracker_reports_late_events_against_the_newest_state() {
        let mut t = Tracker::new();
        assert!(
            t.record(&event("a", RegistrationSucceeded, 5))
                .unwrap()
                .compliant
        );
        // Older than everything known: no change to the newest state.
        assert_eq!(t.record(&event("a", RegistrationRemoved, 1)), None);
        assert_eq!(t.record(&event("a", UserRegistrationFailed, 4)), None);
        // Late, but newer than the Registration.Succeeded it overrides.
        let mut t = Tracker::new();
        t.record(&event("a", DeviceRegistrationSucceeded, 5));
        t.record(&event("a", UserRegistrationSucceeded, 3));
        let off = t.record(&event("a", UserRegistrationFailed, 4)).unwrap();
        assert!(!off.compliant);
        assert!(off.late);
        assert_eq!(off.time, at(4));
    }

    fn kinds() -> impl Strategy<Value = EventKind> {
        proptest::sample::select(EventKind::ALL.to_vec())
    }

    proptest! {
        /// Any permutation of the same events gives the same final state.
        #[test]
        fn final_state_is_independent_of_arrival_order(
            events in proptest::collection::vec(
                (0u8..3, kinds(), 0u32..6), 0..40
            ).prop_shuffle(),
            seed in any::<u64>(),
        ) {
            let mut forward = Tracker::new();
            let names = ["a", "b", "c"];
            for &(d, kind, minute) in &events {
                forward.record(&event(names[usize::from(d)], kind, minute));
            }
            // A second order: a deterministic shuffle from the seed.
            let mut shuffled = events.clone();
            let mut x = seed | 1;
            for i in (1..shuffled.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let mut other = Tracker::new();
            for &(d, kind, minute) in &shuffled {
                other.record(&event(names[usize::from(d)], kind, minute));
            }
            let a: Vec<_> = forward.sorted().into_iter().map(|(d, s)| (d.to_owned(), *s)).collect();
            let b: Vec<_> = other.sorted().into_iter().map(|(d, s)| (d.to_owned(), *s)).collect();
            prop_assert_eq!(a, b);
        }

        /// Transitions alternate, and the last one gives the final compliance.
        #[test]
        fn transitions_alternate_and_end_at_the_final_state(
            events in proptest::collection::vec((kinds(), 0u32..6), 0..40),
        ) {
            let mut t = Tracker::new();
            let mut compliant = false;
            for &(kind, minute) in &events {
                if let Some(change) = t.record(&event("a", kind, minute)) {
                    prop_assert_eq!(change.compliant, !compliant);
                    compliant = change.compliant;
                }
            }
            prop_assert_eq!(t.get("a").is_some_and(DeviceState::compliant), compliant);
        }

        /// Replayed in time order, compliance at each step matches a
        /// straightforward reading of the rules over the prefix.
        #[test]
        fn matches_a_direct_reading_of_the_rules(
            mut events in proptest::collection::vec((kinds(), 0u32..1000), 0..30),
        ) {
            // Time order; at one instant, by outcome, and `Registration.Failed`
            // after a track's failure (it concerns the registration as a whole).
            events.sort_by_key(|&(kind, minute)| (minute, kind.outcome(), kind == RegistrationFailed));
            let mut s = DeviceState::default();
            let (mut dev, mut user) = (TrackStatus::None, TrackStatus::None);
            for &(kind, minute) in &events {
                s.apply(kind, at(minute));
                let outcome = match kind.outcome() {
                    Outcome::Started => TrackStatus::Started,
                    Outcome::Succeeded => TrackStatus::Succeeded,
                    Outcome::Failed => TrackStatus::Failed,
                    Outcome::Removed => TrackStatus::Removed,
                };
                // The failure stands while it is the newest event.
                let failed = kind == RegistrationFailed;
                match kind {
                    RegistrationFailed => {}
                    RegistrationSucceeded | RegistrationRemoved => {
                        dev = outcome;
                        user = outcome;
                    }
                    _ if kind.track() == crate::events::Track::Device => dev = outcome,
                    _ => user = outcome,
                }
                prop_assert_eq!(s.device_registration(), dev);
                prop_assert_eq!(s.user_registration(), user);
                prop_assert_eq!(s.registration_failed(), failed);
                prop_assert_eq!(
                    s.compliant(),
                    dev == TrackStatus::Succeeded && user == TrackStatus::Succeeded && !failed
                );
            }
        }
    }
}
