//! `psso-profile diff`: compare two profiles by meaning.

use super::OutputFormat as Format;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::error::{CliError, Result};
use psso_profile::diff::{self, ChangeKind, Diff, DiffReport, Side};
use psso_profile::text::Escaped;

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
added or removed is listed. A payload whose kind changes is named (an SSO extension payload
that now configures Platform SSO...). Changes that make every user register Platform SSO
again are called out, from Microsoft's list: the authentication method, UseSharedDeviceKeys,
Platform SSO turned on or off, a new PayloadUUID or PayloadIdentifier of the SSO payload, a
new profile identifier, the SSO payload removed, enable_se_key_biometric_policy turned on,
use_most_secure_storage changed. Removing the deprecated top-level AuthenticationMethod is
not one of them.
Secret values (RegistrationToken...) are shown as <redacted> unless --show-secrets; a change
to them is still listed.

Human output: `+` added, `-` removed, `~` changed, then the re-registration warnings.
JSON (--format json):
  {\"old\": {\"file\", \"signed\"}, \"new\": {\"file\", \"signed\"}, \"same\": false,
   \"changes\": [{\"path\", \"kind\": \"added\"|\"removed\"|\"changed\", \"old\", \"new\"}],
   \"kinds\": [{\"path\", \"old\", \"new\"}],
   \"reregistration\": [{\"path\", \"reason\", \"source\"}]}

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

pub(crate) fn run(args: DiffArgs) -> Result<u8> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(CliError::Usage(
            "only one of the two profiles can be read from standard input (`-`)".into(),
        ));
    }
    let old = psso_profile::lint::read_file(&args.old)?;
    let new = psso_profile::lint::read_file(&args.new)?;
    let result = diff::diff_inputs(&old, &new, args.show_secrets);
    let text = match args.format {
        Format::Json => super::json(&DiffReport::new(
            Side::new(args.old.display().to_string(), &old),
            Side::new(args.new.display().to_string(), &new),
            &result,
        ))?,
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
    // Paths and values come from the profiles: their control characters are
    // escaped (a value is JSON, a key path is not).
    for c in &d.changes {
        let path = Escaped(&c.path);
        let (old, new) = (c.old.to_string(), c.new.to_string());
        let (old, new) = (Escaped(&old), Escaped(&new));
        let line = match c.kind {
            ChangeKind::Added => paint(&format!("+ {path}: {new}"), "32", color),
            ChangeKind::Removed => paint(&format!("- {path}: {old}"), "31", color),
            ChangeKind::Changed => paint(&format!("~ {path}: {old} -> {new}"), "33", color),
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{} difference(s)", d.changes.len());
    for k in &d.kinds {
        let _ = writeln!(out, "{} was {} and is now {}", k.path, k.old, k.new);
    }
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
            let _ = writeln!(out, "  {}: {}", Escaped(&r.path), Escaped(r.reason));
        }
    }
    out
}
