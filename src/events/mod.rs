//! The nine Platform SSO registration notifications, the registration state
//! of each device, and the compliance transitions an MDM sends to the
//! compliance API.
//!
//! The Microsoft SSO extension on each Mac posts nine notifications
//! ([`EventKind`]). Microsoft's guide says: once device and user
//! registration have completed, mark the device compliant through the
//! compliance API. An MDM's agent reports the notifications to its server,
//! where they arrive late, twice, or out of order. This module turns them
//! into a state per device and into changes of compliance.
//!
//! # Rules
//!
//! Events are ordered by their `time`, never by arrival. For one device:
//!
//! 1. Device registration and user registration are two **tracks**. Each
//!    track's state is its latest event among its own `Started`,
//!    `Succeeded` and `Failed` ([`TrackStatus`]).
//! 2. `Registration.Succeeded` counts as a success of both tracks.
//! 3. `Registration.Failed` means registration failed without saying which
//!    track: the device is not compliant until an event of a track newer
//!    than the failure (a success, or the retry's `Started` then `Succeeded`)
//!    ([`DeviceState::registration_failed`]).
//! 4. `Registration.Removed` resets both tracks (their state is `removed`):
//!    the device is not compliant until both succeed again.
//! 5. A device is **compliant** when both tracks' latest events are
//!    successes and no `Registration.Failed` came at or after the later of
//!    them. A device never seen is not compliant.
//!
//! # Equal times and late events
//!
//! At one instant, events rank `Started` < `Succeeded` < `Failed` <
//! `Removed`: an outcome beats the start it ends, and a failure or a removal
//! beats a success, so contradictory reports at the same instant never make
//! a device compliant. `Registration.Failed` at the same instant as a
//! track's failure is taken as newer. Because of this ranking, two events
//! that tie on the same track say the same thing, and the state depends only
//! on the set of events, not on the order they arrive in.
//!
//! The [`Tracker`] keeps, per device, only the newest event of each track and
//! the newest `Registration.Failed` ([`DeviceState`], a fixed size). A late
//! event older than the newest one of its track changes nothing. A change of
//! compliance ([`Transition`]) compares compliance as of the newest known
//! state before and after an event; one caused by a late event is marked
//! `late`.
//!
//! To get the changes of compliance of a whole log in time order, whatever
//! the order of its lines, replay it through a [`Timeline`] (which holds
//! every event, 24 bytes each); [`reduce`] streams a log into a [`Tracker`]
//! for the final states in memory that grows with devices only.
//!
//! # Example
//!
//! ```
//! use psso_profile::events::{reduce, TrackStatus};
//!
//! let log = br#"{"device":"C02XK1","event":"Microsoft.PlatformSSO.UserRegistration.Succeeded","time":"2026-11-02T09:31:00Z"}
//! {"device":"C02XK1","event":"Microsoft.PlatformSSO.DeviceRegistration.Succeeded","time":"2026-11-02T09:30:00Z"}
//! "#;
//! let tracker = reduce(&log[..], |line, err| eprintln!("line {line}: {err}")).unwrap();
//! let state = tracker.get("C02XK1").unwrap();
//! assert_eq!(state.user_registration(), TrackStatus::Succeeded);
//! assert!(state.compliant());
//! ```
//!
//! A server feeds each event as it arrives and acts on the transitions:
//!
//! ```
//! use psso_profile::events::{Event, Tracker};
//!
//! /// Called with each line your agents post.
//! fn on_line(tracker: &mut Tracker, line: &[u8]) {
//!     match Event::from_json(line) {
//!         Ok(event) => {
//!             if let Some(change) = tracker.record(&event) {
//!                 // Call the compliance API with change.device and change.compliant.
//!                 println!("{} compliant: {}", change.device, change.compliant);
//!             }
//!         }
//!         Err(err) => eprintln!("dropped: {err}"),
//!     }
//! }
//! # let mut tracker = Tracker::new();
//! # on_line(&mut tracker, br#"{"device":"m","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026-11-02T09:30:00Z"}"#);
//! # assert!(tracker.get("m").unwrap().compliant());
//! ```

mod device_id;
pub(crate) mod event;
mod kind;
mod rows;
mod stream;
mod timestamp;
mod tracker;

pub use event::{Event, LineError};
pub use kind::{EventKind, Outcome, Track, UnknownEvent};
pub use rows::{StateRow, TransitionRow};
pub use stream::{Change, MAX_LINE_BYTES, Replay, Timeline, read_events, read_timeline, reduce};
pub use timestamp::{Timestamp, TimestampError};
pub use tracker::{DeviceState, TrackStatus, Tracker, Transition};
