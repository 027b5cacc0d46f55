//! `psso-profile validate`: lint profiles (XML, binary or signed), print the
//! findings as text, JSON or SARIF, and optionally repair them.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::error::{CliError, Result};
use psso_profile::Error;
use psso_profile::codec;
use psso_profile::diff::Reregistration;
use psso_profile::lint::{self, Applied, BrokenSignature, FileReport, FixOptions, Linted};
use psso_profile::model::MacOs;
use psso_profile::rules::{Expect, Finding, FleetFinding, Location, Severity};
use psso_profile::sign::VerifyOptions;
use psso_profile::text::Escaped;

use super::error::describe;
use super::report::{format_finding, stdout_color};
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, sarif};

const EXAMPLES: &str = "\
Examples:
  psso-profile validate psso.mobileconfig
  psso-profile validate profiles/ --min-macos 13 --strict
  psso-profile validate profiles/ --expect platform-sso
  psso-profile validate psso.mobileconfig --format sarif > psso.sarif
  psso-profile validate old.mobileconfig --fix -o fixed.mobileconfig
  psso-profile validate tampered.mobileconfig --fix --drop-signature -o unsigned.mobileconfig
  psso-profile validate profiles/ --fix --in-place
  cat psso.mobileconfig | psso-profile validate -
  psso-profile validate psso.declaration.json
  psso-profile validate --enrollment setup.mobileconfig

--enrollment checks the profile an MDM serves at ProfileURL after answering
com.apple.psso.required (`psso-profile enrollment` prints that answer): only the payload types
Apple allows there, PlatformSSO.EnableRegistrationDuringSetup true, a fleet from macOS 26, and
Microsoft's conditions for the flow (EnableCreateFirstUserDuringSetup with Password only, no
smart card in Setup Assistant).

A declaration (JSON whose Type is com.apple.configuration.extensible-sso or
com.apple.configuration.legacy) is checked with the same rules, and its findings name the
declaration's own keys (Payload.PlatformSSO.UserCreation.EnableAtLogin); its fleet starts at
macOS 27 unless --min-macos says otherwise.

Every payload is classified first: Microsoft Platform SSO, the Microsoft SSO extension
without Platform SSO, another vendor's Extensible SSO payload, Apple's Kerberos extension,
or another payload. Apple's schema applies to every SSO payload, Microsoft's settings to
Microsoft's payloads (its Platform SSO rows where Platform SSO is configured or expected).

Without --min-macos, each profile is checked for the fleet it names: from macOS 13 when it
carries the deprecated top-level AuthenticationMethod that only macOS 13 reads, else from 14;
the output says which. Several files (or a folder) are also checked together, as installed
on one Mac: URLs or hosts shared by two profiles, more than one Microsoft SSO payload, one
PayloadIdentifier or PayloadUUID in two profiles (--no-fleet checks each file alone).

--fix -o and --in-place write atomically (a temporary file, then a rename) and replace only a
regular file: a device, a FIFO, a folder or a link to one (/dev/stdout) is refused (`-o -`
writes to standard output). A replaced file keeps its mode and owner; a symbolic link is
followed and stays; a file with other hard links is refused, as a rename would separate it
from them.

With --fix, a signed input is written unsigned (sign it again). One whose signature is invalid
(changed after signing) is not written unless --drop-signature: the invalid signature is
reported like any error finding.

Exit codes: 0 clean (warnings allowed), 1 findings at error level (or warnings with
--strict) or an invalid signature, 2 an input could not be read (the others are still
checked).";

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Text grouped by file, colored on a terminal (not with NO_COLOR).
    Human,
    /// One JSON document (shape in the README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// Lint Platform SSO profiles and declarations against Microsoft's required settings
/// and Apple's schema.
///
/// Reads XML, binary and CMS-signed profiles (the signature is verified too), JSON
/// declarations, several files, folders (every *.mobileconfig below them) or `-` for
/// stdin.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ValidateArgs {
    /// Profiles, folders, or `-` for standard input
    #[arg(required = true, value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// Oldest macOS of the fleet [default: read from each file: 27 for an extensible-sso
    /// declaration, 26 with --enrollment, else 13 with the macOS 13 AuthenticationMethod,
    /// else 14]
    #[arg(long, value_name = "VERSION", value_parser = psso_profile::model::parse_macos_arg)]
    min_macos: Option<MacOs>,
    /// What the Microsoft SSO payloads must configure: `platform-sso` (a Microsoft payload
    /// without it is judged as Platform SSO, and the files must hold one), `sso-extension`
    /// (Platform SSO is a finding), or `any` (judge each payload by what it configures)
    #[arg(long, value_name = "KIND", value_enum, default_value_t = Expect::Any)]
    expect: Expect,
    /// Check each file alone: the files are alternatives, not profiles installed together
    #[arg(long)]
    no_fleet: bool,
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    format: ReportFormat,
    /// Warnings fail the run too
    #[arg(long)]
    strict: bool,
    /// CA certificates (PEM) a signed profile's chain must reach (repeatable)
    #[arg(long, value_name = "PEM")]
    ca: Vec<PathBuf>,
    /// Repair what can be repaired, and report what remains
    #[arg(long)]
    fix: bool,
    /// With --fix: where to write the repaired profile (`-` for stdout; one input only)
    #[arg(
        short,
        long,
        value_name = "FILE",
        requires = "fix",
        conflicts_with = "in_place"
    )]
    output: Option<PathBuf>,
    /// With --fix: rewrite each input file in place, atomically, keeping its mode and owner
    /// (a symbolic link's target is rewritten and the link kept; a file with other hard
    /// links, or anything but a regular file, is refused before any file is written)
    #[arg(long, requires = "fix")]
    in_place: bool,
    /// With --fix -o: replace the output file if it exists (a regular file only, keeping its
    /// mode and owner)
    #[arg(long, requires = "output")]
    force: bool,
    /// With --fix: write a signed input whose signature is invalid, unsigned
    /// (without it, such an input is reported and not written)
    #[arg(long, requires = "fix")]
    drop_signature: bool,
    /// Check each profile as the one served at ProfileURL after answering
    /// com.apple.psso.required during Automated Device Enrollment (macOS 26+)
    #[arg(long)]
    enrollment: bool,
}

/// The JSON document of `validate --format json`.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    /// The fleet given with `--min-macos`; `null` when read from each profile.
    min_macos: Option<MacOs>,
    expect: Expect,
    strict: bool,
    files: Vec<FileReport<'a>>,
    /// The findings of the profiles checked together.
    fleet: &'a [FleetFinding],
    summary: Summary,
}

#[derive(Debug, Default, Serialize, Clone, Copy)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    unreadable: usize,
}

/// One input's outcome.
pub(crate) struct Outcome {
    pub(crate) path: String,
    pub(crate) source: Option<Vec<u8>>,
    pub(crate) linted: Option<Linted>,
    pub(crate) error: Option<String>,
    pub(crate) fixes: Vec<Applied>,
    pub(crate) reregistration: Vec<Reregistration>,
}

// An outcome has `linted` (the input was read) or `error` (it was not).

impl Outcome {
    pub(crate) fn findings(&self) -> &[Finding] {
        self.linted.as_ref().map_or(&[], |l| &l.report.findings)
    }
}

fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

pub(crate) fn run(args: ValidateArgs) -> Result<u8> {
    let mut verify = VerifyOptions::new().strict(args.strict);
    for ca in &args.ca {
        let pem = codec::read_input_as(ca, codec::InputKind::Certificates)?;
        verify
            .add_roots_pem(&pem)
            .map_err(|source| Error::SigningInput {
                files: vec![ca.clone()],
                source,
            })?;
    }
    // A path that cannot be read is an unreadable input among the others.
    let inputs = codec::expand_inputs_each(&args.inputs);
    if args.output.is_some() && inputs.len() != 1 {
        return Err(CliError::Usage(format!(
            "--fix -o writes one profile, but {} inputs were given; use --in-place for several",
            inputs.len()
        )));
    }
    if args.in_place
        && inputs
            .iter()
            .any(|p| p.as_ref().is_ok_and(|p| p.as_os_str() == "-"))
    {
        return Err(CliError::Usage(
            "--in-place cannot rewrite standard input; use -o".to_string(),
        ));
    }
    // Every file to rewrite must be one that can be replaced (a regular file,
    // or a link to one, with no other hard link) before any is repaired.
    if args.in_place {
        for input in inputs.iter().flatten() {
            codec::check_output(input, true)?;
        }
    }
    if args.fix && args.output.is_none() && !args.in_place {
        return Err(CliError::Usage(
            "--fix needs -o FILE or --in-place".to_string(),
        ));
    }
    // The report goes to standard output (to stderr with `--fix -o -`): find a
    // closed one before anything is checked or repaired.
    if args.output.as_deref() != Some(Path::new("-")) {
        codec::check_stdout()?;
    }
    let mut outcomes = Vec::with_capacity(inputs.len());
    for input in inputs {
        outcomes.push(match input {
            Ok(input) => check_one(&input, &verify, &args)?,
            Err(err) => {
                // A path that could not be expanded: the error names it.
                let path = match &err {
                    Error::Read { path, .. } | Error::NoProfiles { path } => display(path),
                    _ => String::new(),
                };
                unreadable(path, &err)
            }
        });
    }
    let fleet = if args.no_fleet {
        Vec::new()
    } else {
        let members: Vec<(&str, &Linted)> = outcomes
            .iter()
            .filter_map(|o| o.linted.as_ref().map(|l| (o.path.as_str(), l)))
            .collect();
        lint::check_fleet(&members, args.expect)
    };
    let summary = summarize(&outcomes, &fleet);
    // With `--fix -o -` the repaired profile is on stdout: the report goes to stderr.
    let mut out: Box<dyn Write> = if args.output.as_deref() == Some(Path::new("-")) {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    };
    let printed = match args.format {
        ReportFormat::Human => print_human(&mut out, &outcomes, &fleet, &summary),
        ReportFormat::Json => {
            let doc = JsonReport {
                min_macos: args.min_macos,
                expect: args.expect,
                strict: args.strict,
                files: outcomes.iter().map(Outcome::report).collect(),
                fleet: &fleet,
                summary,
            };
            serde_json::to_writer_pretty(&mut out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        ReportFormat::Sarif => sarif::write(&mut out, &outcomes, &fleet),
    };
    printed.map_err(super::stdout_error)?;
    let fails = outcomes.iter().any(|o| {
        o.linted
            .as_ref()
            .is_some_and(|l| l.report.fails(args.strict))
    }) || fleet
        .iter()
        .any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
    Ok(if summary.unreadable > 0 {
        EXIT_ERROR
    } else if fails {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

impl Outcome {
    /// The file's entry of `--format json`.
    fn report(&self) -> FileReport<'_> {
        match &self.linted {
            Some(linted) => {
                FileReport::new(self.path.clone(), linted, &self.fixes, &self.reregistration)
            }
            None => {
                FileReport::unreadable(self.path.clone(), self.error.clone().unwrap_or_default())
            }
        }
    }
}

/// Reads, checks and (with `--fix`) repairs one input. An unreadable input is an
/// outcome with an error; a repaired profile that cannot be written stops the run.
fn check_one(input: &Path, verify: &VerifyOptions, args: &ValidateArgs) -> Result<Outcome> {
    let path = display(input);
    let mut outcome = Outcome {
        path,
        source: None,
        linted: None,
        error: None,
        fixes: Vec::new(),
        reregistration: Vec::new(),
    };
    let read = codec::read_input(input).and_then(|bytes| {
        let decoded = lint::read(&bytes, input)?;
        Ok((bytes, decoded))
    });
    let (bytes, decoded) = match read {
        Ok(read) => read,
        Err(err) => return Ok(unreadable(outcome.path, &err)),
    };
    let options = lint::options_for(&decoded, args.min_macos, args.expect, args.enrollment);
    let linted = lint::lint_with(decoded, &options, verify);
    if !args.fix {
        outcome.source = Some(bytes);
        outcome.linted = Some(linted);
        return Ok(outcome);
    }
    let (destination, overwrite) = match &args.output {
        Some(out) => (out.as_path(), args.force),
        None => (input, true),
    };
    let options = FixOptions {
        overwrite,
        broken_signature: if args.drop_signature {
            BrokenSignature::Drop
        } else {
            BrokenSignature::Refuse
        },
    };
    let fixed = match lint::fix_to(&linted, input, verify, destination, options) {
        Ok(fixed) => fixed,
        // The invalid signature is a finding of the input, reported with the
        // others; nothing is written for it.
        Err(err @ Error::InvalidSignature { .. }) => {
            eprintln!("psso-profile: error: {}", Escaped(&describe(&err)));
            outcome.source = Some(bytes);
            outcome.linted = Some(linted);
            return Ok(outcome);
        }
        Err(err) => return Err(err.into()),
    };
    if fixed.dropped_broken_signature {
        super::warn(&format!(
            "`{}` has an invalid signature; the repaired profile is written unsigned because of --drop-signature",
            display(input)
        ));
    } else if fixed.dropped_signature {
        super::warn(&format!(
            "`{}` was signed; the repaired profile is written unsigned and must be signed again",
            display(input)
        ));
    }
    outcome.fixes = fixed.fixes;
    outcome.reregistration = fixed.reregistration;
    outcome.linted = Some(fixed.linted);
    Ok(outcome)
}

/// The outcome of an input that could not be read (a file, or a folder that
/// could not be listed), told on standard error at once.
fn unreadable(path: String, err: &Error) -> Outcome {
    let message = describe(err);
    eprintln!("psso-profile: error: {}", Escaped(&message));
    Outcome {
        path,
        source: None,
        linted: None,
        error: Some(message),
        fixes: Vec::new(),
        reregistration: Vec::new(),
    }
}

fn summarize(outcomes: &[Outcome], fleet: &[FleetFinding]) -> Summary {
    let mut s = Summary {
        files: outcomes.len(),
        ..Summary::default()
    };
    for o in outcomes {
        if o.linted.is_none() {
            s.unreadable += 1;
        }
        if let Some(l) = &o.linted {
            s.errors += l.report.count(Severity::Error);
            s.warnings += l.report.count(Severity::Warning);
            s.info += l.report.count(Severity::Info);
        }
    }
    for f in fleet {
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.info += 1,
        }
    }
    s
}

/// Where a fleet finding's other profile and key path are, in words.
fn related_words(related: &Option<Location>) -> String {
    match related {
        Some(l) if l.path.is_empty() => format!("  also: {}\n", Escaped(&l.file)),
        Some(l) => format!("  also: {} {}\n", Escaped(&l.file), Escaped(&l.path)),
        None => String::new(),
    }
}

fn print_human(
    out: &mut dyn Write,
    outcomes: &[Outcome],
    fleet: &[FleetFinding],
    summary: &Summary,
) -> std::io::Result<()> {
    let color = stdout_color();
    for o in outcomes {
        let path = Escaped(&o.path);
        for fix in &o.fixes {
            writeln!(
                out,
                "{path}: fixed[{}] {}: {}\n  for the Macs: {}",
                fix.rule,
                Escaped(&fix.path),
                Escaped(&fix.action),
                fix.effect
            )?;
        }
        for r in &o.reregistration {
            writeln!(
                out,
                "{path}: warning: after these fixes every user registers Platform SSO again: {}: {}",
                Escaped(&r.path),
                r.reason
            )?;
        }
        let Some(linted) = &o.linted else { continue };
        if let Some(reason) = linted.options.source.reason() {
            writeln!(
                out,
                "{path}: checked for a fleet from macOS {} ({reason})",
                linted.options.target.min_macos
            )?;
        }
        if let Some(v) = &linted.verification {
            let signer = v
                .signer
                .as_ref()
                .map_or("an unknown signer".to_string(), |s| s.subject.clone());
            let state = if v.is_valid() {
                "valid signature"
            } else {
                "INVALID signature"
            };
            writeln!(out, "{path}: signed by {} ({state})", Escaped(&signer))?;
        }
        for finding in &linted.report.findings {
            out.write_all(format_finding(&o.path, finding, color).as_bytes())?;
        }
        if linted.report.findings.is_empty() {
            writeln!(out, "{path}: ok")?;
        }
    }
    for f in fleet {
        out.write_all(format_finding(&f.file, &f.finding(), color).as_bytes())?;
        out.write_all(related_words(&f.related).as_bytes())?;
    }
    writeln!(
        out,
        "{} file(s): {} error(s), {} warning(s), {} note(s){}",
        summary.files,
        summary.errors,
        summary.warnings,
        summary.info,
        if summary.unreadable > 0 {
            format!(", {} unreadable", summary.unreadable)
        } else {
            String::new()
        }
    )
}
