//! `psso-profile diff`: compare two profiles by meaning.

use super::OutputFormat as Format;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::error::{CliError, Result};
use psso_profile::codec::Decoded;
use psso_profile::diff::{self, ChangeKind, Diff};

use super::report::{paint, stdout_color};
use super::{EXIT_FINDINGS, EXIT_OK, write_stdout};

const EXAMPLES: &str = "\
Examples:
  psso-profile diff deployed.mobileconfig psso.mobileconfig
  psso-profile diff deployed.signed.mobileconfig psso.mobileconfig --format json
  mdm-export profile 42 | psso-profile diff - psso.mobileconfig

Compares what the profiles say, not how they are written: XML or binary, signed or not, key
order and formatting do not matter. Declarations (JSON) are read too: two declarations are
compared by the settings they carry, at the declaration's key paths, with their Type,
Identifier and ServerToken (a new Identifier makes every user register again); a profile and
a declaration are compared by the settings of the SSO payload, at the profile's paths. Arrays are compared by index, except the sets of strings
(URLs, Hosts, groups, accounts, policies), whose order means nothing to macOS: each string
added or removed is listed. Changes that make every user register Platform SSO again are
called out: the authentication method, UseSharedDeviceKeys, a new PayloadUUID or
PayloadIdentifier of the SSO payload, a new profile identifier, the SSO payload removed.
Secret values (RegistrationToken...) are shown as <redacted> unless --show-secrets; a change
to them is still listed.

Human output: `+` added, `-` removed, `~` changed, then the re-registration warnings.
JSON (--format json):
  {\"old\": {\"file\", \"signed\"}, \"new\": {\"file\", \"signed\"}, \"same\": false,
   \"changes\": [{\"path\", \"kind\": \"added\"|\"removed\"|\"changed\", \"old\", \"new\"}],
   \"reregistration\": [{\"path\", \"reason\"}]}

Exit codes: 0 the same, 1 different, 2 an input is unreadable.";

/// Compare two profiles by meaning and name the changes that make users
/// register Platform SSO again.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct DiffArgs {
    /// The old profile, such as the one deployed (`-` for standard input)
    old: PathBuf,
    /// The new profile (`-` for standard input)
    new: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Show the registration token and other secrets instead of <redacted>
    #[arg(long)]
    show_secrets: bool,
}

#[derive(Serialize)]
struct Side {
    file: String,
    signed: bool,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    old: Side,
    new: Side,
    same: bool,
    #[serde(flatten)]
    diff: &'a Diff,
}

pub(crate) fn run(args: DiffArgs) -> Result<u8> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(CliError::Usage(
            "only one of the two profiles can be read from standard input (`-`)".into(),
        ));
    }
    let old = psso_profile::lint::read_file(&args.old)?;
    let new = psso_profile::lint::read_file(&args.new)?;
    let result = diff::diff_inputs(&old, &new, args.show_secrets);
    let side = |path: &PathBuf, d: &Decoded| Side {
        file: path.display().to_string(),
        signed: d.signed.is_some(),
    };
    let text = match args.format {
        Format::Json => super::json(&JsonOutput {
            old: side(&args.old, &old),
            new: side(&args.new, &new),
            same: result.is_empty(),
            diff: &result,
        })?,
        Format::Human => human(&result, stdout_color()),
    };
    write_stdout(&text)?;
    Ok(if result.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

fn human(d: &Diff, color: bool) -> String {
    if d.is_empty() {
        return "no differences\n".into();
    }
    let mut out = String::new();
    for c in &d.changes {
        let line = match c.kind {
            ChangeKind::Added => paint(&format!("+ {}: {}", c.path, c.new), "32", color),
            ChangeKind::Removed => paint(&format!("- {}: {}", c.path, c.old), "31", color),
            ChangeKind::Changed => paint(
                &format!("~ {}: {} -> {}", c.path, c.old, c.new),
                "33",
                color,
            ),
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{} difference(s)", d.changes.len());
    if !d.reregistration.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                "every user registers Platform SSO again after this change:",
                "1;31",
                color
            )
        );
        for r in &d.reregistration {
            let _ = writeln!(out, "  {}: {}", r.path, r.reason);
        }
    }
    out
}
