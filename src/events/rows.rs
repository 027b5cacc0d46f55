//! The rows `events reduce --format json` prints: one per device, or one per change
//! of compliance. The Python module's `Tracker` returns the same shapes.

use serde::Serialize;

use super::kind::EventKind;
use super::timestamp::Timestamp;
use super::tracker::{DeviceState, TrackStatus, Tracker, Transition};

/// One device's registration state, as `events reduce --format json` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StateRow<'a> {
    /// The device.
    pub device: &'a str,
    /// Where device registration stands.
    pub device_registration: TrackStatus,
    /// Where user registration stands.
    pub user_registration: TrackStatus,
    /// Whether a `Registration.Failed` is the newest event.
    pub registration_failed: bool,
    /// Whether the device is compliant.
    pub compliant: bool,
    /// The time of the newest event of the device.
    pub last_change: Option<Timestamp>,
}

impl<'a> StateRow<'a> {
    /// The row of `device` in `state`.
    pub fn new(device: &'a str, state: &DeviceState) -> Self {
        StateRow {
            device,
            device_registration: state.device_registration(),
            user_registration: state.user_registration(),
            registration_failed: state.registration_failed(),
            compliant: state.compliant(),
            last_change: state.last_change(),
        }
    }
}

impl Tracker {
    /// The row of every device, sorted by device identifier.
    pub fn rows(&self) -> Vec<StateRow<'_>> {
        self.sorted()
            .into_iter()
            .map(|(device, state)| StateRow::new(device, state))
            .collect()
    }
}

/// One change of compliance, as `events reduce --transitions --format json`
/// prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TransitionRow<'a> {
    /// The time of the event that changed it.
    pub time: Timestamp,
    /// The device.
    pub device: &'a str,
    /// The new compliance.
    pub compliant: bool,
    /// The event that changed it.
    pub event: EventKind,
}

impl<'a> From<&'a Transition> for TransitionRow<'a> {
    fn from(t: &'a Transition) -> Self {
        TransitionRow {
            time: t.time,
            device: &t.device,
            compliant: t.compliant,
            event: t.event,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Event;

    #[test]
    fn rows_have_the_documented_shapes() {
        let mut tracker = Tracker::new();
        let event = |device, kind, time| Event::new(device, kind, Timestamp::parse(time).unwrap());
        tracker.record(&event(
            "b",
            EventKind::DeviceRegistrationStarted,
            "2026-11-02T09:00:00Z",
        ));
        let change = tracker
            .record(&event(
                "a",
                EventKind::RegistrationSucceeded,
                "2026-11-02T09:30:00+01:00",
            ))
            .unwrap();
        assert_eq!(
            serde_json::to_value(TransitionRow::from(&change)).unwrap(),
            serde_json::json!({
                "time": "2026-11-02T08:30:00Z",
                "device": "a",
                "compliant": true,
                "event": "Microsoft.PlatformSSO.Registration.Succeeded"
            })
        );
        assert_eq!(
            serde_json::to_value(tracker.rows()).unwrap(),
            serde_json::json!([
                {
                    "device": "a",
                    "device_registration": "succeeded",
                    "user_registration": "succeeded",
                    "registration_failed": false,
                    "compliant": true,
                    "last_change": "2026-11-02T08:30:00Z"
                },
                {
                    "device": "b",
                    "device_registration": "started",
                    "user_registration": "none",
                    "registration_failed": false,
                    "compliant": false,
                    "last_change": "2026-11-02T09:00:00Z"
                }
            ])
        );
    }
}
