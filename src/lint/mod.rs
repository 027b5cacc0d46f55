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

/// What [`fix_to`] does with a signed profile whose signature does not verify.
///
/// A repaired profile is always written unsigned; dropping a signature that
/// verifies only asks for the profile to be signed again, but dropping one that
/// does not would hide that the content was changed after signing (tampering, or
/// a broken pipeline), so it must be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BrokenSignature {
    /// Write nothing: [`crate::Error::InvalidSignature`].
    #[default]
    Refuse,
    /// Write the repaired content unsigned, as for a signature that verifies.
    Drop,
}

/// Options of [`fix_to`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Replace `destination` when it exists.
    pub overwrite: bool,
    /// What to do when the input's signature does not verify.
    pub broken_signature: BrokenSignature,
}

/// Refuses a profile that came signed with a signature that does not verify
/// (problems at error level): [`crate::Error::InvalidSignature`] naming
/// `origin` and the problems. An unsigned profile passes.
///
/// # Errors
///
/// [`crate::Error::InvalidSignature`].
pub fn require_valid_signature(
    verification: Option<&Verification>,
    origin: &Path,
) -> crate::Result<()> {
    match verification {
        Some(v) if !v.is_valid() => Err(crate::Error::InvalidSignature {
            path: display_path(origin),
            reason: v
                .problems
                .iter()
                .filter(|p| p.severity == sign::Severity::Error)
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }),
        _ => Ok(()),
    }
}

/// `-` as `<stdin>`, as messages name standard input.
fn display_path(path: &Path) -> std::path::PathBuf {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.to_path_buf()
    }
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
    /// Whether that signature did not verify (written only with
    /// [`BrokenSignature::Drop`]).
    pub dropped_broken_signature: bool,
}

/// Repairs a linted profile read from `origin`, writes it to `destination` (`-`
/// for standard output) in the encoding it came in (a signed profile's content
/// encoding, unsigned), and lints what was written.
///
/// # Errors
///
/// [`crate::Error::InvalidSignature`] for a signed input whose signature does
/// not verify, unless [`FixOptions::broken_signature`] is
/// [`BrokenSignature::Drop`]; [`crate::Error::FixEncode`] (naming `origin`) when
/// the repaired tree cannot be encoded; the errors of [`codec::write_output`]
/// ([`FixOptions::overwrite`] allows replacing an existing file), and those of
/// [`codec::parse`] should the written bytes not read back. Nothing is written
/// on error.
pub fn fix_to(
    linted: &Linted,
    origin: &Path,
    target: &Target,
    verify: &VerifyOptions,
    destination: &Path,
    options: FixOptions,
) -> crate::Result<Fixed> {
    let broken = linted.verification.as_ref().is_some_and(|v| !v.is_valid());
    if options.broken_signature == BrokenSignature::Refuse {
        require_valid_signature(linted.verification.as_ref(), origin)?;
    }
    let mut value = linted.decoded.value.clone();
    let fixes = fix(&mut value, target);
    let encoding = match linted.decoded.content_format {
        InputFormat::Binary => Format::Binary,
        _ => Format::Xml,
    };
    let bytes = codec::write(&value, encoding).map_err(|err| match err {
        crate::Error::Encode { format, source } => crate::Error::FixEncode {
            path: display_path(origin),
            format,
            source,
        },
        other => other,
    })?;
    codec::write_output(destination, &bytes, options.overwrite)?;
    let mut decoded = codec::parse(&bytes, destination)?;
    decoded.format = decoded.content_format;
    Ok(Fixed {
        fixes,
        linted: lint(decoded, target, verify),
        dropped_signature: linted.decoded.signed.is_some(),
        dropped_broken_signature: broken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linted(value: plist::Value) -> Linted {
        let decoded = Decoded {
            value,
            format: InputFormat::Xml,
            content_format: InputFormat::Xml,
            signed: None,
        };
        lint(decoded, &Target::default(), &VerifyOptions::new())
    }

    #[test]
    fn a_repaired_profile_that_cannot_be_encoded_names_its_file() {
        let mut root = plist::Dictionary::new();
        root.insert(
            "PayloadDisplayName".into(),
            plist::Value::String("bell\u{7}".into()),
        );
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.mobileconfig");
        let err = fix_to(
            &linted(plist::Value::Dictionary(root)),
            Path::new("in.mobileconfig"),
            &Target::default(),
            &VerifyOptions::new(),
            &out,
            FixOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, crate::Error::FixEncode { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "cannot encode the repaired `in.mobileconfig` as XML"
        );
        assert_eq!(
            std::error::Error::source(&err).unwrap().to_string(),
            "`PayloadDisplayName` holds U+0007, which XML 1.0 cannot carry"
        );
        assert!(!out.exists());
    }

    #[test]
    fn an_unsigned_profile_passes_the_signature_check() {
        assert!(require_valid_signature(None, Path::new("p")).is_ok());
    }
}
