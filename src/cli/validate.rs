//! `psso-profile validate`: lint profiles (XML, binary or signed), print the
//! findings as text, JSON or SARIF, and optionally repair them.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::error::{CliError, Result};
use psso_profile::Error;
use psso_profile::codec::{self, InputFormat};
use psso_profile::lint::{self, Applied, Linted};
use psso_profile::model::{MacOs, Target};
use psso_profile::rules::{Finding, Severity};
use psso_profile::sign::VerifyOptions;

use super::error::describe;
use super::report::{format_finding, stdout_color};
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, sarif};

const EXAMPLES: &str = "\
Examples:
  psso-profile validate psso.mobileconfig
  psso-profile validate profiles/ --min-macos 13 --strict
  psso-profile validate psso.mobileconfig --format sarif > psso.sarif
  psso-profile validate old.mobileconfig --fix -o fixed.mobileconfig
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

Exit codes: 0 clean (warnings allowed), 1 findings at error level (or warnings with
--strict), 2 an input could not be read (the others are still checked).";

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
    /// Oldest macOS of the fleet [default: 14; 26 with --enrollment; 27 for an
    /// extensible-sso declaration]
    #[arg(long, value_name = "VERSION", value_parser = psso_profile::model::parse_macos_arg)]
    min_macos: Option<MacOs>,
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
    /// With --fix: rewrite each input file in place
    #[arg(long, requires = "fix")]
    in_place: bool,
    /// With --fix -o: overwrite the output file if it exists
    #[arg(long, requires = "output")]
    force: bool,
    /// Check each profile as the one served at ProfileURL after answering
    /// com.apple.psso.required during Automated Device Enrollment (macOS 26+)
    #[arg(long)]
    enrollment: bool,
}

/// The JSON document of `validate --format json`.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    min_macos: MacOs,
    strict: bool,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

#[derive(Debug, Serialize)]
struct JsonFile<'a> {
    path: String,
    /// `xml`, `binary`, `signed`, `json` (a declaration); absent when unreadable.
    format: Option<&'static str>,
    /// The oldest macOS the file was checked for.
    min_macos: Option<MacOs>,
    /// Whether the signature verified; absent for unsigned files.
    signature_valid: Option<bool>,
    /// Why the file could not be read.
    error: Option<String>,
    findings: &'a [Finding],
    fixes: &'a [Applied],
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
    pub(crate) min_macos: Option<MacOs>,
    pub(crate) source: Option<Vec<u8>>,
    pub(crate) linted: Option<Linted>,
    pub(crate) error: Option<String>,
    pub(crate) fixes: Vec<Applied>,
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
        let pem = codec::read_input(ca)?;
        verify
            .add_roots_pem(&pem)
            .map_err(|source| Error::SigningInput {
                files: vec![ca.clone()],
                source,
            })?;
    }
    let inputs = codec::expand_inputs(&args.inputs)?;
    if args.output.is_some() && inputs.len() != 1 {
        return Err(CliError::Usage(format!(
            "--fix -o writes one profile, but {} inputs were given; use --in-place for several",
            inputs.len()
        )));
    }
    if args.in_place && inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(CliError::Usage(
            "--in-place cannot rewrite standard input; use -o".to_string(),
        ));
    }
    if args.fix && args.output.is_none() && !args.in_place {
        return Err(CliError::Usage(
            "--fix needs -o FILE or --in-place".to_string(),
        ));
    }
    let mut outcomes = Vec::with_capacity(inputs.len());
    for input in &inputs {
        outcomes.push(check_one(input, &verify, &args)?);
    }
    let summary = summarize(&outcomes);
    // With `--fix -o -` the repaired profile is on stdout: the report goes to stderr.
    let mut out: Box<dyn Write> = if args.output.as_deref() == Some(Path::new("-")) {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    };
    let printed = match args.format {
        ReportFormat::Human => print_human(&mut out, &outcomes, &summary),
        ReportFormat::Json => {
            let doc = JsonReport {
                min_macos: args.min_macos.unwrap_or(MacOs::V14),
                strict: args.strict,
                files: outcomes
                    .iter()
                    .map(|o| JsonFile {
                        path: o.path.clone(),
                        format: o.linted.as_ref().map(|l| format_name(l.decoded.format)),
                        min_macos: o.min_macos,
                        signature_valid: o
                            .linted
                            .as_ref()
                            .and_then(|l| l.verification.as_ref())
                            .map(|v| v.is_valid()),
                        error: o.error.clone(),
                        findings: o.findings(),
                        fixes: &o.fixes,
                    })
                    .collect(),
                summary,
            };
            serde_json::to_writer_pretty(&mut out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        ReportFormat::Sarif => sarif::write(&mut out, &outcomes),
    };
    printed.map_err(super::stdout_error)?;
    let fails = outcomes.iter().any(|o| {
        o.linted
            .as_ref()
            .is_some_and(|l| l.report.fails(args.strict))
    });
    Ok(if summary.unreadable > 0 {
        EXIT_ERROR
    } else if fails {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn format_name(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Xml => "xml",
        InputFormat::Binary => "binary",
        InputFormat::Json => "json",
        _ => "signed",
    }
}

/// Reads, checks and (with `--fix`) repairs one input. An unreadable input is an
/// outcome with an error; a repaired profile that cannot be written stops the run.
fn check_one(input: &Path, verify: &VerifyOptions, args: &ValidateArgs) -> Result<Outcome> {
    let path = display(input);
    let mut outcome = Outcome {
        path,
        min_macos: None,
        source: None,
        linted: None,
        error: None,
        fixes: Vec::new(),
    };
    let read = codec::read_input(input).and_then(|bytes| {
        let decoded = lint::read(&bytes, input)?;
        Ok((bytes, decoded))
    });
    let (bytes, decoded) = match read {
        Ok(read) => read,
        Err(err) => {
            let message = describe(&err);
            eprintln!("psso-profile: error: {message}");
            outcome.error = Some(message);
            return Ok(outcome);
        }
    };
    let target = &Target::new(
        args.min_macos
            .unwrap_or_else(|| default_min_macos(&decoded, args.enrollment)),
    );
    outcome.min_macos = Some(target.min_macos);
    let options = lint::LintOptions {
        enrollment: args.enrollment,
    };
    let linted = lint::lint_with(decoded, target, verify, &options);
    if !args.fix {
        outcome.source = Some(bytes);
        outcome.linted = Some(linted);
        return Ok(outcome);
    }
    let (destination, overwrite) = match &args.output {
        Some(out) => (out.as_path(), args.force),
        None => (input, true),
    };
    let fixed = lint::fix_to_with(&linted, target, verify, destination, overwrite, &options)?;
    if fixed.dropped_signature {
        super::warn(&format!(
            "`{}` was signed; the repaired profile is written unsigned and must be signed again",
            display(input)
        ));
    }
    outcome.fixes = fixed.fixes;
    outcome.linted = Some(fixed.linted);
    Ok(outcome)
}

/// The fleet a file is checked for when `--min-macos` is not given: 27 for an
/// `extensible-sso` declaration (no older Mac reads it), 26 for an enrollment profile
/// (no older Mac asks for one), 14 otherwise.
fn default_min_macos(decoded: &psso_profile::codec::Decoded, enrollment: bool) -> MacOs {
    match psso_profile::declaration::declaration_type(&decoded.value) {
        Some(psso_profile::declaration::EXTENSIBLE_SSO) if decoded.format == InputFormat::Json => {
            psso_profile::declaration::EXTENSIBLE_SSO_MACOS
        }
        _ if enrollment => MacOs::V26,
        _ => MacOs::V14,
    }
}

fn summarize(outcomes: &[Outcome]) -> Summary {
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
    s
}

fn print_human(
    out: &mut dyn Write,
    outcomes: &[Outcome],
    summary: &Summary,
) -> std::io::Result<()> {
    let color = stdout_color();
    for o in outcomes {
        for fix in &o.fixes {
            writeln!(
                out,
                "{}: fixed[{}] {}: {}",
                o.path, fix.rule, fix.path, fix.action
            )?;
        }
        let Some(linted) = &o.linted else { continue };
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
            writeln!(out, "{}: signed by {signer} ({state})", o.path)?;
        }
        for finding in &linted.report.findings {
            out.write_all(format_finding(&o.path, finding, color).as_bytes())?;
        }
        if linted.report.findings.is_empty() {
            writeln!(out, "{}: ok", o.path)?;
        }
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
