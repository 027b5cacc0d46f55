//! `psso-profile generate`: build a Platform SSO profile from options, check it,
//! and write it.

use std::path::PathBuf;

use clap::Args;

use psso_profile::codec::{self, Format};
use psso_profile::output::Output;
use psso_profile::rules::Severity;
use psso_profile::spec::{Spec, SpecFile};

use super::error::{CliError, Result};
use super::report::eprint_findings;
use super::signing::{self, SigningArgs};
use super::{EXIT_OK, secret};

const EXAMPLES: &str = "\
Examples:
  psso-profile generate --auth UserSecureEnclaveKey -o psso.mobileconfig
  psso-profile generate --auth Password --min-macos 15 --org Contoso \\
      --identifier com.contoso.platformsso --registration-token '{{DEVICEREGISTRATION}}'
  psso-profile generate --min-macos 13 --auth Password --clouds commercial
  psso-profile generate --extension-data AppPrefixAllowList=com.microsoft.,com.apple. \\
      --extension-data browser_sso_interaction_enabled=1 --format json
  psso-profile generate --template shared-mac --org Fabrikam -o shared.mobileconfig
  psso-profile generate --spec contoso.toml --min-macos 15 -o psso.mobileconfig
  psso-profile generate --spec contoso.toml --sign-cert signer.pem --sign-key signer.key \\
      -o psso.signed.mobileconfig
  psso-profile generate --min-macos 27 --org Contoso --identifier com.contoso.platformsso \\
      --format declaration -o psso.declaration.json

Settings come from, each overriding the one before: --template, then the --spec file
(TOML; its keys are the long option names above, `extension-data` a table, lists
arrays), then the options on this command line. Apple's spellings are accepted in
any case. Signing (--sign-cert/--sign-key or --sign-p12) wraps the XML or binary
output in a CMS signature, as `psso-profile sign` does. --mdm-command writes the MDM
InstallProfile command carrying the profile instead. --format declaration writes the same
checked settings as the com.apple.configuration.extensible-sso declaration (JSON; macOS 27
and later read it, so the fleet must start at 27: for older Macs, deliver the profile, or
`psso-profile wrap PROFILE --declaration legacy --profile-url URL`).

Exit codes: 0 written (warnings allowed), 2 a finding at error level, a bad option or an
unreadable file; nothing is written then.";

/// Generate a Platform SSO configuration profile.
///
/// The profile carries the Microsoft Enterprise SSO plug-in payload with every
/// setting Microsoft requires, for the fleet's oldest macOS. It is checked by the
/// same rules as `validate` before anything is written: an error finding means
/// exit 2 and no output.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct GenerateArgs {
    /// The settings: one option per setting of the library's `Spec`.
    #[command(flatten)]
    settings: Spec,
    /// Read the RegistrationToken from a file (`-` for stdin)
    #[arg(long, value_name = "FILE", group = "token")]
    registration_token_file: Option<PathBuf>,
    /// Read the RegistrationToken from an environment variable
    #[arg(long, value_name = "VAR", group = "token")]
    registration_token_env: Option<String>,
    /// Start from a built-in scenario template (`psso-profile templates list`)
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// Read the settings from a TOML spec file whose keys are these long option
    /// names; it overrides --template, and options given here override it
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Output encoding: xml, binary, json (for scripts), or declaration (the
    /// com.apple.configuration.extensible-sso declaration, JSON, for a fleet from
    /// macOS 27) [default: xml]
    #[arg(long, value_name = "FORMAT")]
    format: Option<Format>,
    /// Output file (`-` for stdout); written atomically [default: -]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists (a regular file only, keeping its mode and owner)
    #[arg(long)]
    force: bool,
    /// Write the MDM `InstallProfile` command carrying the profile (signed when signing
    /// options are given) instead of the profile: an XML plist, or JSON with the payload in
    /// base64 with --format json
    #[arg(long)]
    mdm_command: bool,
    #[command(flatten)]
    signing: SigningArgs,
}

/// The spec of a run: the template, then the spec file, then the options
/// given on the command line, each overriding the one before.
fn layered_spec(args: &GenerateArgs) -> Result<Spec> {
    let file = SpecFile::layered(args.template.as_deref(), args.spec.as_deref())?;
    let mut spec = match file {
        Some(file) => file.to_spec()?,
        None => Spec::default(),
    };
    let mut given = args.settings.clone();
    if let Some(token) = secret::read(
        "registration-token",
        args.registration_token_file.as_deref(),
        args.registration_token_env.as_deref(),
    )? {
        given.registration_token = Some(token);
    }
    spec.overlay(given);
    Ok(spec)
}

pub(crate) fn run(args: GenerateArgs) -> Result<u8> {
    let format = args.format.unwrap_or_default();
    // With --mdm-command, --format chooses the command's encoding; the profile
    // inside is a property list (binary when asked, else XML).
    let (profile_format, command) = match (args.mdm_command, format) {
        (false, format) => (format, None),
        (true, Format::Json) => (Format::Xml, Some(Format::Json)),
        (true, format) => (format, Some(Format::Xml)),
    };
    let output = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    if args.signing.wanted() && profile_format == Format::Json {
        return Err(psso_profile::Error::SignJson.into());
    }
    let label = if output.as_os_str() == "-" {
        "<generated>".to_string()
    } else {
        output.display().to_string()
    };
    let spec = layered_spec(&args)?;
    let signing = args.signing.load()?;
    let generated = spec.generate()?;
    if generated.is_refused() {
        eprint_findings(&label, &generated.report);
        return Err(CliError::Refused {
            message: format!(
                "the profile has {} error finding(s); nothing was written",
                generated.report.count(Severity::Error)
            ),
        });
    }
    let rendered = Output {
        format: profile_format,
        signing: signing.as_ref().map(|s| (&s.signer, s.time)),
        command,
    }
    .render_generated(&generated, &spec.declaration_options())?;
    signing::warn_placeholders(rendered.signed_placeholders.iter().map(String::as_str));
    codec::write_output(&output, &rendered.bytes, args.force)?;
    // Notes at info level are for `validate` (and `-v`); otherwise warnings only.
    let mut shown = generated.report;
    if !super::ui().verbose {
        shown.findings.retain(|f| f.severity >= Severity::Warning);
    }
    eprint_findings(&label, &shown);
    Ok(EXIT_OK)
}
