//! Feed registration events to the tracker, in any order, and act on each
//! change of compliance, as an MDM server does.
//!
//! ```text
//! cargo run --example track_events
//! ```

use psso_profile::events::{Event, Tracker};

const LINES: &[&str] = &[
    r#"{"device":"C02XK1","event":"Microsoft.PlatformSSO.UserRegistration.Succeeded","time":"2026-11-02T09:32:00Z"}"#,
    r#"{"device":"C02XK1","event":"Microsoft.PlatformSSO.DeviceRegistration.Succeeded","time":"2026-11-02T09:31:00Z"}"#,
    r#"{"device":"FVFZ9","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026-11-02T09:05:00Z"}"#,
    r#"{"device":"C02XK1","event":"Microsoft.PlatformSSO.Registration.Removed","time":"2026-11-02T11:00:00Z"}"#,
    r#"{"device":"C02XK1","event":"Microsoft.PlatformSSO.Registration.Paused","time":"2026-11-02T11:01:00Z"}"#,
];

fn main() {
    let mut tracker = Tracker::new();
    for line in LINES {
        match Event::from_json(line.as_bytes()) {
            Ok(event) => {
                if let Some(change) = tracker.record(&event) {
                    // Here a server calls the compliance API.
                    println!("{} compliant: {}", change.device, change.compliant);
                }
            }
            Err(err) => println!("dropped: {err}"),
        }
    }
    for (device, state) in tracker.sorted() {
        println!("{device}: compliant {}", state.compliant());
    }
}
