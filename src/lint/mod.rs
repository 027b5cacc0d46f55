//! Linting profiles as they are on disk: read them (XML, binary or CMS-signed),
//! verify a signature, check them with the rules, alone and together
//! ([`check_fleet`]), and repair what can be repaired. `validate` and `inspect`
//! read profiles through here, so a tampered signed profile is always a finding.

pub mod fix;
mod locate;

use std::path::Path;

pub use fix::{Applied, fix, fix_with};
pub use locate::line_of;

use crate::codec::{self, Decoded, Format, InputFormat};
use crate::diff::Reregistration;
use crate::model::{MacOs, Target};
use crate::rules::{self, Expect, FleetFinding, FleetMember, Options, Report};
use crate::sign::{self, Verification, VerifyOptions};

/// A profile that was read and checked.
#[derive(Debug, Clone)]
pub struct Linted {
    /// What was read.
    pub decoded: Decoded,
    /// The signature check, for a signed profile.
    pub verification: Option<Verification>,
    /// How it was checked: the fleet (given or read from the profile) and the
    /// expectation.
    pub options: Options,
    /// The findings, the signature's included.
    pub report: Report,
}

/// Verifies the signature of a decoded profile (if it came signed) and checks it
/// for the fleet `target`, judging each payload by what it configures.
pub fn lint(decoded: Decoded, target: &Target, verify: &VerifyOptions) -> Linted {
    lint_with(decoded, &Options::new(*target), verify)
}

/// [`lint`] with `options`; [`options_for`] reads the fleet from the profile when
/// none is given.
pub fn lint_with(decoded: Decoded, options: &Options, verify: &VerifyOptions) -> Linted {
    let verification = decoded
        .signed
        .as_deref()
        .map(|signed| sign::verify(signed, verify));
    let report = rules::check_with(&decoded.value, options, verification.as_ref());
    Linted {
        decoded,
        verification,
        options: *options,
        report,
    }
}

/// The options to check `decoded` with: the fleet from `min_macos` when given, else
/// read from the profile ([`rules::infer_target`]), and the expectation. `validate`
/// and `inspect` take their target here, so they agree.
pub fn options_for(decoded: &Decoded, min_macos: Option<MacOs>, expect: Expect) -> Options {
    Options::for_profile(&decoded.value, min_macos, expect)
}

/// Reads a file (`-` for standard input) and [`lint`]s it.
pub fn lint_file(path: &Path, target: &Target, verify: &VerifyOptions) -> crate::Result<Linted> {
    Ok(lint(codec::read_file(path)?, target, verify))
}

/// Checks linted profiles installed together (the fleet view): URLs and hosts
/// shared by SSO payloads of two profiles, more than one payload for the Microsoft
/// plug-in across the set, one `PayloadIdentifier` or `PayloadUUID` in two
/// profiles, and a set without the payload `expect` asks for. Each member is named
/// as given (its path, or `<stdin>`); each finding names both profiles and both key
/// paths.
pub fn check_fleet(members: &[(&str, &Linted)], expect: Expect) -> Vec<FleetFinding> {
    let members: Vec<FleetMember<'_>> = members
        .iter()
        .map(|(name, linted)| FleetMember {
            name,
            profile: &linted.decoded.value,
            options: linted.options,
        })
        .collect();
    rules::check_fleet(&members, expect)
}

/// What [`fix_to`] did: the repairs, and the written profile checked again.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The repairs made, in order.
    pub fixes: Vec<Applied>,
    /// The repairs' changes that make users register Platform SSO again on Macs
    /// that have the profile already, by the list `diff` uses.
    pub reregistration: Vec<Reregistration>,
    /// The profile as written, linted again: what remains to be fixed by hand.
    pub linted: Linted,
    /// Whether the input was signed: the repaired profile is written unsigned and
    /// must be signed again.
    pub dropped_signature: bool,
}

/// Repairs a linted profile as it was checked ([`Linted::options`]), writes it to
/// `destination` (`-` for standard output) in the encoding it came in (a signed
/// profile's content encoding, unsigned), and lints what was written with the same
/// options.
///
/// # Errors
///
/// [`crate::Error::Encode`] when the repaired tree cannot be encoded, the errors of
/// [`codec::write_output`] (`overwrite` allows replacing an existing file), and those
/// of [`codec::parse`] should the written bytes not read back.
pub fn fix_to(
    linted: &Linted,
    verify: &VerifyOptions,
    destination: &Path,
    overwrite: bool,
) -> crate::Result<Fixed> {
    let mut value = linted.decoded.value.clone();
    let fixes = fix_with(&mut value, &linted.options);
    let reregistration = crate::diff::reregistration(&linted.decoded.value, &value);
    let encoding = match linted.decoded.content_format {
        InputFormat::Binary => Format::Binary,
        _ => Format::Xml,
    };
    let bytes = codec::write(&value, encoding)?;
    codec::write_output(destination, &bytes, overwrite)?;
    let mut decoded = codec::parse(&bytes, destination)?;
    decoded.format = decoded.content_format;
    Ok(Fixed {
        fixes,
        reregistration,
        linted: lint_with(decoded, &linted.options, verify),
        dropped_signature: linted.decoded.signed.is_some(),
    })
}
