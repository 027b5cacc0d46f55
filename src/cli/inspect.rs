//! `psso-profile inspect`: what a profile does, at a glance.

use super::OutputFormat as Format;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::error::Result;
use psso_profile::inspect::{self, Inspection, Options};
use psso_profile::model::MacOs;
use psso_profile::rules::Expect;
use psso_profile::text::Escaped;

use super::report::{paint, stdout_color};
use super::{EXIT_OK, write_stdout};

const EXAMPLES: &str = "\
Examples:
  psso-profile inspect psso.mobileconfig
  psso-profile inspect psso.signed.mobileconfig --format json
  curl -s https://mdm.example.com/profiles/psso | psso-profile inspect -
  psso-profile inspect psso.declaration.json

Reads XML, binary and CMS-signed profiles, and declarations (JSON: the extensible-sso
declaration's settings are read as the profile's, at the declaration's key paths; its fleet
starts at macOS 27 unless --min-macos says otherwise). Secrets (RegistrationToken, and any string whose
key names a token, secret, password, passphrase or passcode) are shown as <redacted> unless
--show-secrets, an MDM placeholder such as {{DEVICEREGISTRATION}} included (the summary says
when the token is one).
Each SSO payload is named by its kind, as `validate` classifies it: Microsoft Platform SSO,
the Microsoft SSO extension without Platform SSO, another vendor's Extensible SSO payload,
Apple's Kerberos extension.
The fleet's oldest macOS (--min-macos) is read from the profile as `validate` reads it: 13
when the profile carries the top-level AuthenticationMethod only macOS 13 reads, else 14.
The signature is checked without a CA (`psso-profile verify --ca` checks the chain). With -v,
every finding is listed on stderr.

JSON (--format json): one object, documented in the README:
  {\"file\", \"encoding\": \"XML\"|\"binary\"|\"JSON\", \"signed\", \"declaration\": null | {\"type\",
   \"identifier\", \"server_token\", \"profile_url\"}, \"identity\": {\"identifier\", \"uuid\",
   \"organization\", \"scope\", \"display_name\", \"description\"}, \"payloads\": [{\"index\",
   \"payload_type\", \"identifier\", \"uuid\"}], \"sso\": [{\"index\", \"kind\", ...settings,
   \"reregistration\": [keys], \"plain\": [sentences]}],
   \"macos\": {\"oldest\", \"target\", \"target_reason\", \"newer_than_target\", \"deprecated\"},
   \"signature\": null | {\"valid\", \"signer\", \"signing_time\", \"problems\"},
   \"lint\": {\"errors\", \"warnings\", \"notes\"}}

Exit codes: 0 the profile was read (whatever its findings), 2 unreadable input.";

/// Show what a profile does: identity, payloads, SSO settings in plain words,
/// the macOS versions its keys need, who signed it, and the linter's counts.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct InspectArgs {
    /// The profile (`-` for standard input)
    file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Show the registration token and other secrets instead of <redacted>
    #[arg(long)]
    show_secrets: bool,
    /// The fleet's oldest macOS (13, 14, 15, 26, 27, or a minor version such as 15.4), for the findings and the key versions
    #[arg(long, value_name = "VERSION", value_parser = psso_profile::model::parse_macos_arg)]
    min_macos: Option<MacOs>,
    /// What the Microsoft SSO payloads must configure, for the findings (as `validate --expect`)
    #[arg(long, value_name = "KIND", value_enum, default_value_t = Expect::Any)]
    expect: Expect,
}

pub(crate) fn run(args: InspectArgs) -> Result<u8> {
    let options = Options {
        show_secrets: args.show_secrets,
        min_macos: args.min_macos,
        expect: args.expect,
    };
    let inspection = inspect::inspect_file(&args.file, &options)?;
    if super::ui().verbose {
        super::report::eprint_findings(&inspection.file, &inspection.findings);
    }
    let text = match args.format {
        Format::Json => super::json(&inspection)?,
        Format::Human => human(&inspection, stdout_color()),
    };
    write_stdout(&text)?;
    Ok(EXIT_OK)
}

/// The value, control characters escaped, or `(absent)`.
fn or_absent(value: Option<&str>) -> Escaped<'_> {
    Escaped(value.unwrap_or("(absent)"))
}

/// The file line, the profile's identity and its payloads.
fn profile_identity(out: &mut String, i: &Inspection, color: bool) {
    let head = |text: &str| paint(&format!("{text:<13}"), "1", color);
    let signed = if i.signed { "signed" } else { "unsigned" };
    let _ = writeln!(
        out,
        "{} {} ({}, {signed})",
        head("file:"),
        Escaped(&i.file),
        i.encoding
    );
    let id = &i.identity;
    for (label, value) in [
        ("identifier:", &id.identifier),
        ("uuid:", &id.uuid),
        ("organization:", &id.organization),
        ("scope:", &id.scope),
        ("display name:", &id.display_name),
    ] {
        let _ = writeln!(
            out,
            "{} {}",
            head(&format!("{label:<13}")),
            or_absent(value.as_deref())
        );
    }
    let _ = writeln!(out, "\n{}", paint("payloads:", "1", color));
    if i.payloads.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for p in &i.payloads {
        let _ = writeln!(
            out,
            "  [{}] {}  {}",
            p.index,
            or_absent(p.payload_type.as_deref()),
            or_absent(p.identifier.as_deref())
        );
    }
}

/// The human form of an inspection. Every text read from the profile or its
/// signature is shown with its control characters escaped.
pub(crate) fn human(i: &Inspection, color: bool) -> String {
    let head = |text: &str| paint(&format!("{text:<13}"), "1", color);
    let mut out = String::new();
    if let Some(d) = &i.declaration {
        let _ = writeln!(
            out,
            "{} {} (JSON declaration)",
            head("file:"),
            Escaped(&i.file)
        );
        for (label, value) in [
            ("type:", &d.declaration_type),
            ("identifier:", &d.identifier),
            ("server token:", &d.server_token),
        ] {
            let _ = writeln!(out, "{} {}", head(label), or_absent(value.as_deref()));
        }
        if let Some(url) = &d.profile_url {
            let _ = writeln!(out, "{} {}", head("profile URL:"), Escaped(url));
        }
    } else {
        profile_identity(&mut out, i, color);
    }
    for s in &i.sso {
        let place = if i.declaration.is_some() {
            "Payload".to_string()
        } else {
            format!("PayloadContent[{}]", s.index)
        };
        let _ = writeln!(
            out,
            "\n{} {}",
            head(&format!("single sign-on ({place}):")),
            s.kind
        );
        for sentence in &s.plain {
            let _ = writeln!(out, "  - {}", Escaped(sentence));
        }
    }
    let m = &i.macos;
    let _ = writeln!(
        out,
        "\n{} every key is read from macOS {:#}; checked for a fleet from macOS {}{}",
        head("macOS:"),
        m.oldest,
        m.target,
        m.target_reason
            .map(|r| format!(" ({r})"))
            .unwrap_or_default()
    );
    for k in &m.newer_than_target {
        let _ = writeln!(
            out,
            "  {} needs macOS {:#}; older Macs ignore it",
            Escaped(&k.path),
            k.macos
        );
    }
    for k in &m.deprecated {
        let _ = writeln!(
            out,
            "  {} is deprecated since macOS {:#}",
            Escaped(&k.path),
            k.macos
        );
    }
    match &i.signature {
        None => {
            let _ = writeln!(out, "{} none", head("signature:"));
        }
        Some(sig) => {
            let state = if sig.valid {
                paint("valid", "32", color)
            } else {
                paint("INVALID", "1;31", color)
            };
            let _ = writeln!(out, "{} {state} (chain not checked)", head("signature:"));
            match &sig.signer {
                Some(s) => {
                    let _ = writeln!(out, "  signer:   {}", Escaped(&s.subject));
                    let _ = writeln!(out, "  issuer:   {}", Escaped(&s.issuer));
                    let _ = writeln!(out, "  validity: {} to {}", s.not_before, s.not_after);
                }
                None => {
                    let _ = writeln!(out, "  signer:   (certificate not found)");
                }
            }
            if let Some(t) = &sig.signing_time {
                let _ = writeln!(out, "  signed:   {}", Escaped(t));
            }
            for p in &sig.problems {
                let _ = writeln!(out, "  problem:  {}", Escaped(p));
            }
        }
    }
    let l = &i.lint;
    let _ = writeln!(
        out,
        "{} {} error(s), {} warning(s), {} note(s){}",
        head("findings:"),
        l.errors,
        l.warnings,
        l.notes,
        if l.errors + l.warnings + l.notes > 0 {
            format!("; `psso-profile validate {}` lists them", Escaped(&i.file))
        } else {
            String::new()
        }
    );
    out
}
