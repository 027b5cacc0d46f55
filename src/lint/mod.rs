//! Linting profiles as they are on disk: read them (XML, binary or CMS-signed),
//! verify a signature, check them with the rules, and repair what can be repaired.
//! `validate` and `inspect` read profiles through here, so a tampered signed
//! profile is always a finding.

pub mod fix;
mod locate;

use std::path::Path;

use serde::Serialize;

pub use fix::{Applied, fix};
pub use locate::line_of;

use crate::codec::{self, Decoded, Format, InputFormat};
use crate::model::Target;
use crate::rules::{self, Finding, Report};
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
/// lints what was written.
///
/// # Errors
///
/// Those of [`fix_bytes`], and of [`codec::write_output`] (`overwrite` allows
/// replacing an existing file).
pub fn fix_to(
    linted: &Linted,
    target: &Target,
    verify: &VerifyOptions,
    destination: &Path,
    overwrite: bool,
) -> crate::Result<Fixed> {
    let (bytes, fixed) = fix_bytes(linted, target, verify, destination)?;
    codec::write_output(destination, &bytes, overwrite)?;
    Ok(fixed)
}

/// Repairs a linted profile and encodes it as [`fix_to`] writes it, without
/// writing it: the repaired bytes, and what was done with the result linted again.
/// `origin` names the repaired profile in messages.
///
/// # Errors
///
/// [`crate::Error::Encode`] when the repaired tree cannot be encoded, and those
/// of [`codec::parse`] should the encoded bytes not read back.
pub fn fix_bytes(
    linted: &Linted,
    target: &Target,
    verify: &VerifyOptions,
    origin: &Path,
) -> crate::Result<(Vec<u8>, Fixed)> {
    let mut value = linted.decoded.value.clone();
    let fixes = fix(&mut value, target);
    let encoding = match linted.decoded.content_format {
        InputFormat::Binary => Format::Binary,
        _ => Format::Xml,
    };
    let bytes = codec::write(&value, encoding)?;
    let mut decoded = codec::parse(&bytes, origin)?;
    decoded.format = decoded.content_format;
    let fixed = Fixed {
        fixes,
        linted: lint(decoded, target, verify),
        dropped_signature: linted.decoded.signed.is_some(),
    };
    Ok((bytes, fixed))
}

/// One file of `validate --format json`: how it was read, whether its signature
/// verified, its findings and the repairs made. `psso-profile validate` prints one
/// per input, and the Python module's `validate` and `fix` return one.
///
/// Every field is written, `null` when it does not apply.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport<'a> {
    /// The file as named.
    pub path: String,
    /// `xml`, `binary` or `signed`; `None` when the file could not be read.
    pub format: Option<&'static str>,
    /// Whether the signature verified; `None` for an unsigned or unreadable file.
    pub signature_valid: Option<bool>,
    /// Why the file could not be read.
    pub error: Option<String>,
    /// The findings, the signature's included.
    pub findings: &'a [Finding],
    /// The repairs made, in order.
    pub fixes: &'a [Applied],
}

impl<'a> FileReport<'a> {
    /// The report of a profile that was read and linted, and repaired by `fixes`
    /// (`&[]` when it was not repaired; `linted` is then the repaired profile).
    pub fn new(path: impl Into<String>, linted: &'a Linted, fixes: &'a [Applied]) -> Self {
        FileReport {
            path: path.into(),
            format: Some(match linted.decoded.format {
                InputFormat::Xml => "xml",
                InputFormat::Binary => "binary",
                _ => "signed",
            }),
            signature_valid: linted.verification.as_ref().map(Verification::is_valid),
            error: None,
            findings: &linted.report.findings,
            fixes,
        }
    }

    /// The report of a file that could not be read, and why.
    pub fn unreadable(path: impl Into<String>, error: impl Into<String>) -> Self {
        FileReport {
            path: path.into(),
            format: None,
            signature_valid: None,
            error: Some(error.into()),
            findings: &[],
            fixes: &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MacOs;

    #[test]
    fn a_file_report_writes_every_field() {
        assert_eq!(
            serde_json::to_value(FileReport::unreadable("x", "`x` is empty")).unwrap(),
            serde_json::json!({
                "path": "x",
                "format": null,
                "signature_valid": null,
                "error": "`x` is empty",
                "findings": [],
                "fixes": []
            })
        );
        let value = crate::spec::Spec::default().generate().unwrap().value;
        let bytes = codec::write(&value, Format::Binary).unwrap();
        let target = Target::new(MacOs::V14);
        let linted = lint(
            codec::parse(&bytes, "p".as_ref()).unwrap(),
            &target,
            &VerifyOptions::new(),
        );
        let json = serde_json::to_value(FileReport::new("p", &linted, &[])).unwrap();
        assert_eq!(json["format"], "binary");
        assert_eq!(json["signature_valid"], serde_json::Value::Null);
        assert_eq!(json["error"], serde_json::Value::Null);
        assert_eq!(
            json["findings"],
            serde_json::to_value(&linted.report.findings).unwrap()
        );
    }

    #[test]
    fn fix_bytes_gives_what_fix_to_writes() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>PayloadType</key><string>Configuration</string>
<key>PayloadVersion</key><integer>2</integer>
</dict></plist>"#;
        let target = Target::new(MacOs::V14);
        let verify = VerifyOptions::new();
        let linted = lint(codec::parse(xml, "in".as_ref()).unwrap(), &target, &verify);
        let (bytes, fixed) = fix_bytes(&linted, &target, &verify, "out".as_ref()).unwrap();
        assert_eq!(fixed.fixes[0].path, "PayloadVersion");
        assert!(!fixed.dropped_signature);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.mobileconfig");
        let written = fix_to(&linted, &target, &verify, &out, false).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
        assert_eq!(written.fixes, fixed.fixes);
        assert_eq!(written.linted.report, fixed.linted.report);
    }
}
