//! `psso-profile` generates, validates, signs and inspects the macOS configuration
//! profile (`.mobileconfig`) that turns on Microsoft Entra Platform SSO through the
//! Microsoft Enterprise SSO plug-in.
#![deny(missing_docs)]

pub mod cli;
pub mod codec;
pub mod error;
pub mod sign;

pub use error::{Error, Result};
