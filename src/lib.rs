//! `psso-profile` generates, validates, signs and inspects the macOS configuration
//! profile (`.mobileconfig`) that turns on Microsoft Entra Platform SSO through the
//! Microsoft Enterprise SSO plug-in.
//!
//! Data takes one path: settings ([`spec::Spec`]) become a typed
//! [`model::Profile`], then a [`plist::Value`]; foreign profiles are read into a
//! `plist::Value` by [`codec`]. Either way [`rules::check`] reports findings against
//! Microsoft's required settings and Apple's schema, and [`codec::write`] encodes
//! the profile as Apple-style XML, a binary plist or JSON.
//!
//! ```
//! use psso_profile::codec::{self, Format};
//! use psso_profile::model::{AuthMethod, MacOs, Target};
//! use psso_profile::rules;
//! use psso_profile::spec::Spec;
//!
//! // Build a profile for a fleet from macOS 14 with Secure Enclave keys.
//! let spec = Spec {
//!     auth: Some(AuthMethod::UserSecureEnclaveKey),
//!     min_macos: Some(MacOs::V14),
//!     org: Some("Contoso".into()),
//!     identifier: Some("com.contoso.platformsso".into()),
//!     registration_token: Some("{{DEVICEREGISTRATION}}".into()),
//!     ..Spec::default()
//! };
//! let generated = spec.generate()?;
//! assert!(!generated.is_refused()); // error findings refuse a profile: never write one
//! let xml = codec::write(&generated.value, Format::Xml)?;
//! assert!(xml.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist"));
//!
//! // Any profile, generated or foreign, is checked by the same rules.
//! let read = codec::parse(&xml, "psso.mobileconfig".as_ref())?;
//! let report = rules::check(&read.value, &Target::new(MacOs::V14));
//! assert!(!report.has_errors());
//! # Ok::<(), psso_profile::Error>(())
//! ```
#![deny(missing_docs)]

pub mod batch;
pub mod catalog;
pub mod codec;
pub mod declaration;
pub mod diff;
pub mod enrollment;
pub mod error;
pub mod events;
pub mod explain;
pub mod inspect;
pub mod lint;
pub mod mdm;
pub mod model;
pub mod output;
pub mod rules;
pub mod settings;
pub mod sign;
pub mod spec;
pub mod text;
pub mod url;

pub use error::{Error, Result};

// The Python module (`python` feature) carries the command line: the same `cli`
// module as the binary's, whose `psso_profile::` paths name this crate. Not public.
#[cfg(feature = "python")]
extern crate self as psso_profile;
#[cfg(feature = "python")]
#[path = "cli/mod.rs"]
mod cli;
#[cfg(feature = "python")]
mod python;

/// The README's `rust` blocks, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
