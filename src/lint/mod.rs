//! Linting profiles as they are on disk: read them (XML, binary or CMS-signed),
//! verify a signature, check them with the rules, and repair what can be repaired.
//! `validate` and `inspect` read profiles through here, so a tampered signed
//! profile is always a finding.

pub mod fix;

use std::path::Path;

pub use fix::{Applied, fix};

use crate::codec::{self, Decoded};
use crate::model::Target;
use crate::rules::{self, Report};
use crate::sign::{self, Verification, VerifyOptions};

/// A profile that was read and checked.
#[derive(Debug, Clone)]
pub struct Linted {
    /// What was read.
    pub decoded: Decoded,
    /// The signature check, for a signed profile.
    pub verification: Option<Verification>,
    /// The findings, the signature's included.
    pub report: Report,
}

/// Verifies the signature of a decoded profile (if it came signed) and checks it.
pub fn lint(decoded: Decoded, target: &Target, verify: &VerifyOptions) -> Linted {
    let verification = decoded
        .signed
        .as_deref()
        .map(|signed| sign::verify(signed, verify));
    let report = rules::check_signed(&decoded.value, target, verification.as_ref());
    Linted {
        decoded,
        verification,
        report,
    }
}

/// Reads a file (`-` for standard input) and [`lint`]s it.
pub fn lint_file(path: &Path, target: &Target, verify: &VerifyOptions) -> crate::Result<Linted> {
    Ok(lint(codec::read_file(path)?, target, verify))
}
