//! Linting profiles as they are on disk: read them (XML, binary or CMS-signed),
//! verify a signature, check them with the rules, and repair what can be repaired.
//! `validate` and `inspect` read profiles through here, so a tampered signed
//! profile is always a finding.

pub mod fix;
mod locate;

use std::path::Path;

pub use fix::{Applied, fix};
pub use locate::line_of;

use crate::codec::{self, Decoded, Format, InputFormat};
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

/// What a lint checks besides the rules every profile meets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// Check the profile as the one served at `ProfileURL` after the MDM answers
    /// `com.apple.psso.required` during Automated Device Enrollment
    /// ([`rules::Checks::enrollment`]). A declaration is never served there: it is
    /// then an `enrollment.payload-types` error.
    pub enrollment: bool,
}

/// Verifies the signature of a decoded profile (if it came signed) and checks it. A
/// declaration ([`InputFormat::Json`]) is checked with
/// [`rules::check_declaration`]: the same rules, at its own key paths.
pub fn lint(decoded: Decoded, target: &Target, verify: &VerifyOptions) -> Linted {
    lint_with(decoded, target, verify, &LintOptions::default())
}

/// [`lint`] with the [`LintOptions`] asked for.
pub fn lint_with(
    decoded: Decoded,
    target: &Target,
    verify: &VerifyOptions,
    options: &LintOptions,
) -> Linted {
    if decoded.format == InputFormat::Json {
        let mut report = rules::check_declaration(&decoded.value, target);
        if options.enrollment {
            report.findings.insert(
                0,
                rules::Finding {
                    rule: rules::RuleId::EnrollmentPayloadTypes,
                    severity: rules::Severity::Error,
                    path: "Type".into(),
                    message: "is a declaration; the Mac installs a configuration profile from ProfileURL during enrollment".into(),
                    fix: "serve the profile form (`psso-profile generate --template setup-assistant`)".into(),
                },
            );
        }
        return Linted {
            decoded,
            verification: None,
            report,
        };
    }
    let verification = decoded
        .signed
        .as_deref()
        .map(|signed| sign::verify(signed, verify));
    let checks = rules::Checks {
        enrollment: options.enrollment,
    };
    let report = rules::check_with(&decoded.value, target, verification.as_ref(), checks);
    Linted {
        decoded,
        verification,
        report,
    }
}

/// Reads a file (`-` for standard input) and [`lint`]s it.
pub fn lint_file(path: &Path, target: &Target, verify: &VerifyOptions) -> crate::Result<Linted> {
    Ok(lint(read_file(path)?, target, verify))
}

/// Reads what `validate`, `inspect` and `diff` take: a declaration (JSON, recognised
/// by its `Type`; [`crate::declaration::parse`]) or a profile ([`codec::parse`]).
///
/// # Errors
///
/// Those of [`crate::declaration::parse`] for input that starts as JSON does, and
/// those of [`codec::parse`] otherwise.
pub fn read(bytes: &[u8], origin: &Path) -> crate::Result<Decoded> {
    if crate::declaration::looks_like_json(bytes) {
        crate::declaration::parse(bytes, origin)
    } else {
        codec::parse(bytes, origin)
    }
}

/// Reads a file (`-` for standard input) with [`read`].
///
/// # Errors
///
/// Those of [`codec::read_input`] and [`read`].
pub fn read_file(path: &Path) -> crate::Result<Decoded> {
    read(&codec::read_input(path)?, path)
}

/// What [`fix_to`] did: the repairs, and the written profile checked again.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The repairs made, in order.
    pub fixes: Vec<Applied>,
    /// The profile as written, linted again: what remains to be fixed by hand.
    pub linted: Linted,
    /// Whether the input was signed: the repaired profile is written unsigned and
    /// must be signed again.
    pub dropped_signature: bool,
}

/// Repairs a linted profile, writes it to `destination` (`-` for standard output)
/// in the encoding it came in (a signed profile's content encoding, unsigned), and
/// lints what was written. A declaration is repaired with the profile's repairs
/// ([`crate::declaration::fix`]) and written as JSON.
///
/// # Errors
///
/// [`crate::Error::Encode`] when the repaired tree cannot be encoded, the errors of
/// [`codec::write_output`] (`overwrite` allows replacing an existing file), and those
/// of [`codec::parse`] should the written bytes not read back.
pub fn fix_to(
    linted: &Linted,
    target: &Target,
    verify: &VerifyOptions,
    destination: &Path,
    overwrite: bool,
) -> crate::Result<Fixed> {
    fix_to_with(
        linted,
        target,
        verify,
        destination,
        overwrite,
        &LintOptions::default(),
    )
}

/// [`fix_to`], linting what was written with the [`LintOptions`] asked for.
///
/// # Errors
///
/// Those of [`fix_to`].
pub fn fix_to_with(
    linted: &Linted,
    target: &Target,
    verify: &VerifyOptions,
    destination: &Path,
    overwrite: bool,
    options: &LintOptions,
) -> crate::Result<Fixed> {
    if linted.decoded.format == InputFormat::Json {
        let (value, fixes) = crate::declaration::fix(&linted.decoded.value, target)?;
        let bytes = codec::write(&value, Format::Declaration)?;
        codec::write_output(destination, &bytes, overwrite)?;
        let decoded = read(&bytes, destination)?;
        return Ok(Fixed {
            fixes,
            linted: lint_with(decoded, target, verify, options),
            dropped_signature: false,
        });
    }
    let mut value = linted.decoded.value.clone();
    let fixes = fix(&mut value, target);
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
        linted: lint_with(decoded, target, verify, options),
        dropped_signature: linted.decoded.signed.is_some(),
    })
}
