//! Linting profiles as they are on disk: read them (XML, binary or CMS-signed),
//! verify a signature, check them with the rules, alone and together
//! ([`check_fleet`]), and repair what can be repaired. `validate` and `inspect`
//! read profiles through here, so a tampered signed profile is always a finding.

pub mod fix;
mod locate;

use std::path::Path;

use serde::Serialize;

pub use fix::{Applied, fix, fix_with};
pub use locate::line_of;

use crate::codec::{self, Decoded, Format, InputFormat};
use crate::diff::Reregistration;
use crate::model::{MacOs, Target};
use crate::rules::{self, Expect, Finding, FleetFinding, FleetMember, Options, Report};
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
/// for the fleet `target`, judging each payload by what it configures. A
/// declaration ([`InputFormat::Json`]) is checked with
/// [`rules::check_declaration`]: the same rules, at its own key paths.
pub fn lint(decoded: Decoded, target: &Target, verify: &VerifyOptions) -> Linted {
    lint_with(decoded, &Options::new(*target), verify)
}

/// [`lint`] with `options`; [`options_for`] reads the fleet from the profile when
/// none is given. With [`Options::enrollment`], a declaration is an
/// `enrollment.payload-types` error: the Mac installs a profile from `ProfileURL`.
pub fn lint_with(decoded: Decoded, options: &Options, verify: &VerifyOptions) -> Linted {
    if decoded.format == InputFormat::Json {
        let mut report = rules::check_declaration(&decoded.value, &options.target);
        if options.enrollment {
            report.findings.insert(
                0,
                rules::Finding {
                    rule: rules::RuleId::EnrollmentPayloadTypes,
                    severity: rules::Severity::Error,
                    path: "Type".into(),
                    message: "is a declaration; the Mac installs a configuration profile from ProfileURL during enrollment".into(),
                    fix: "serve the profile form (such as the `setup-assistant` template generates)".into(),
                },
            );
        }
        return Linted {
            decoded,
            verification: None,
            options: *options,
            report,
        };
    }
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
/// read from what was read (macOS 27 for an `extensible-sso` declaration, 26 for
/// the profile served during enrollment, else [`rules::infer_target`]), the
/// expectation, and whether it is checked as the enrollment profile. `validate`
/// and `inspect` take their target here, so they agree.
pub fn options_for(
    decoded: &Decoded,
    min_macos: Option<MacOs>,
    expect: Expect,
    enrollment: bool,
) -> Options {
    if min_macos.is_none() && decoded.format == InputFormat::Json {
        // No Mac before a declaration's first macOS reads it: that is its fleet.
        let (first, reason) = match crate::declaration::declaration_type(&decoded.value) {
            Some(crate::declaration::EXTENSIBLE_SSO) => (
                crate::declaration::EXTENSIBLE_SSO_MACOS,
                rules::TargetReason::Declaration,
            ),
            _ => (
                crate::declaration::LEGACY_MACOS,
                rules::TargetReason::LegacyDeclaration,
            ),
        };
        return Options {
            target: Target::new(first),
            source: rules::TargetSource::Profile(reason),
            expect,
            enrollment,
        };
    }
    Options::for_profile(&decoded.value, min_macos, expect, enrollment)
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
    /// The repairs' changes that make users register Platform SSO again on Macs
    /// that have the profile already, by the list `diff` uses.
    pub reregistration: Vec<Reregistration>,
    /// The profile as written, linted again: what remains to be fixed by hand.
    pub linted: Linted,
    /// Whether the input was signed: the repaired profile is written unsigned and
    /// must be signed again.
    pub dropped_signature: bool,
    /// Whether that signature did not verify (written only with
    /// [`BrokenSignature::Drop`]).
    pub dropped_broken_signature: bool,
}

/// Repairs a linted profile read from `origin` as it was checked
/// ([`Linted::options`]), writes it to `destination` (`-` for standard output) in
/// the encoding it came in (a signed profile's content encoding, unsigned), and
/// lints what was written with the same options. A declaration is repaired with
/// the profile's repairs ([`crate::declaration::fix`]) and written as JSON.
///
/// # Errors
///
/// Those of [`fix_bytes`], and of [`codec::write_output`]
/// ([`FixOptions::overwrite`] allows replacing an existing file). Nothing is
/// written on error.
pub fn fix_to(
    linted: &Linted,
    origin: &Path,
    verify: &VerifyOptions,
    destination: &Path,
    options: FixOptions,
) -> crate::Result<Fixed> {
    let (bytes, fixed) = fix_bytes(linted, origin, verify, options.broken_signature)?;
    codec::write_output(destination, &bytes, options.overwrite)?;
    Ok(fixed)
}

/// Repairs a linted profile read from `origin` and encodes it as [`fix_to`]
/// writes it, without writing it: the repaired bytes, and what was done with the
/// result linted again.
///
/// # Errors
///
/// [`crate::Error::InvalidSignature`] for a signed input whose signature does
/// not verify, unless `broken` is [`BrokenSignature::Drop`];
/// [`crate::Error::FixEncode`] (naming `origin`) when the repaired tree cannot be
/// encoded, and those of [`codec::parse`] should the encoded bytes not read back.
pub fn fix_bytes(
    linted: &Linted,
    origin: &Path,
    verify: &VerifyOptions,
    broken: BrokenSignature,
) -> crate::Result<(Vec<u8>, Fixed)> {
    let broken_signature = linted.verification.as_ref().is_some_and(|v| !v.is_valid());
    if broken == BrokenSignature::Refuse {
        require_valid_signature(linted.verification.as_ref(), origin)?;
    }
    if linted.decoded.format == InputFormat::Json {
        let (value, fixes) =
            crate::declaration::fix(&linted.decoded.value, &linted.options.target)?;
        let bytes = codec::write(&value, Format::Declaration)?;
        let decoded = read(&bytes, origin)?;
        let fixed = Fixed {
            fixes,
            reregistration: Vec::new(),
            linted: lint_with(decoded, &linted.options, verify),
            dropped_signature: false,
            dropped_broken_signature: false,
        };
        return Ok((bytes, fixed));
    }
    let mut value = linted.decoded.value.clone();
    let fixes = fix_with(&mut value, &linted.options);
    let reregistration = crate::diff::reregistration(&linted.decoded.value, &value);
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
    let mut decoded = codec::parse(&bytes, origin)?;
    decoded.format = decoded.content_format;
    let fixed = Fixed {
        fixes,
        reregistration,
        linted: lint_with(decoded, &linted.options, verify),
        dropped_signature: linted.decoded.signed.is_some(),
        dropped_broken_signature: broken_signature,
    };
    Ok((bytes, fixed))
}

/// One file of `validate --format json`: how it was read, whether its signature
/// verified, the fleet it was checked for, its payloads' kinds, its findings and the
/// repairs made. `psso-profile validate` prints one per input, and the Python
/// module's `validate` and `fix` return one.
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
    /// The fleet the file was checked for; `None` when unreadable.
    pub target: Option<TargetReport>,
    /// Each payload's kind.
    pub payloads: Vec<PayloadReport>,
    /// The findings, the signature's included.
    pub findings: &'a [Finding],
    /// The repairs made, in order.
    pub fixes: &'a [Applied],
    /// With a repair: its changes that make users register again.
    pub reregistration: &'a [Reregistration],
}

/// The fleet a file was checked for, in a [`FileReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TargetReport {
    /// The fleet's oldest macOS.
    pub min_macos: MacOs,
    /// `given` (by the caller) or `profile` (read from the profile).
    pub source: &'static str,
    /// Why, when read from the profile.
    pub reason: Option<&'static str>,
}

impl TargetReport {
    /// The target `options` checked for, and where it came from.
    pub fn new(options: &Options) -> Self {
        TargetReport {
            min_macos: options.target.min_macos,
            source: match options.source.reason() {
                Some(_) => "profile",
                None => "given",
            },
            reason: options.source.reason().map(|r| r.describe()),
        }
    }
}

/// One payload's kind, in a [`FileReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PayloadReport {
    /// Its index in `PayloadContent`.
    pub index: usize,
    /// What it is.
    pub kind: rules::PayloadKind,
}

impl PayloadReport {
    /// Each dictionary of `PayloadContent` of `profile`, with its kind.
    pub fn all(profile: &plist::Value) -> Vec<PayloadReport> {
        rules::SsoPayload::all(profile, Expect::Any)
            .iter()
            .map(|p| PayloadReport {
                index: p.index,
                kind: p.kind,
            })
            .collect()
    }
}

impl<'a> FileReport<'a> {
    /// The report of a profile that was read and linted, and repaired by `fixes`
    /// with `reregistration` (`&[]` when it was not repaired; `linted` is then the
    /// repaired profile).
    pub fn new(
        path: impl Into<String>,
        linted: &'a Linted,
        fixes: &'a [Applied],
        reregistration: &'a [Reregistration],
    ) -> Self {
        FileReport {
            path: path.into(),
            format: Some(match linted.decoded.format {
                InputFormat::Xml => "xml",
                InputFormat::Binary => "binary",
                InputFormat::Json => "json",
                _ => "signed",
            }),
            signature_valid: linted.verification.as_ref().map(Verification::is_valid),
            error: None,
            target: Some(TargetReport::new(&linted.options)),
            payloads: PayloadReport::all(&linted.decoded.value),
            findings: &linted.report.findings,
            fixes,
            reregistration,
        }
    }

    /// The report of a file that could not be read, and why.
    pub fn unreadable(path: impl Into<String>, error: impl Into<String>) -> Self {
        FileReport {
            path: path.into(),
            format: None,
            signature_valid: None,
            error: Some(error.into()),
            target: None,
            payloads: Vec::new(),
            findings: &[],
            fixes: &[],
            reregistration: &[],
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
                "target": null,
                "payloads": [],
                "findings": [],
                "fixes": [],
                "reregistration": []
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
        let json = serde_json::to_value(FileReport::new("p", &linted, &[], &[])).unwrap();
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
        let (bytes, fixed) =
            fix_bytes(&linted, "in".as_ref(), &verify, BrokenSignature::Refuse).unwrap();
        assert_eq!(fixed.fixes[0].path, "PayloadVersion");
        assert!(!fixed.dropped_signature);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.mobileconfig");
        let written = fix_to(&linted, "in".as_ref(), &verify, &out, FixOptions::default()).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
        assert_eq!(written.fixes, fixed.fixes);
        assert_eq!(written.linted.report, fixed.linted.report);
    }

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
