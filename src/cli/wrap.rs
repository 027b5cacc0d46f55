//! `psso-profile wrap`: the MDM `InstallProfile` command for a profile, or the
//! `com.apple.configuration.legacy` declaration that installs it from a URL.

use std::path::PathBuf;

use clap::Args;

use super::error::{CliError, Result};
use psso_profile::codec::{self, Format, read_input, write_output};
use psso_profile::lint::BrokenSignature;
use psso_profile::{declaration, mdm};

use super::EXIT_OK;

const EXAMPLES: &str = "\
Examples:
  psso-profile wrap psso.signed.mobileconfig -o install-command.plist
  psso-profile wrap psso.mobileconfig --format json
  psso-profile wrap psso.mobileconfig --command-uuid 0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20
  psso-profile wrap psso.signed.mobileconfig --declaration legacy \\
      --profile-url https://mdm.example.com/profiles/psso.mobileconfig -o legacy.json

Apple marks the Extensible SSO payload `allowmanualinstall: false`: a Platform SSO profile
reaches a Mac only through a user-approved MDM's InstallProfile command. This writes that
command, as NanoMDM- and MicroMDM-style servers take it:
  CommandUUID  uppercase UUID (default: a v5 UUID of the profile's bytes, so the same
               profile gives the same command; --command-uuid sets one)
  Command      RequestType InstallProfile, Payload <data>: the input's bytes, unchanged
               (a signed profile stays signed)
--format json gives the same object with the payload in base64. The input must be a
configuration profile (XML, binary or signed); `psso-profile validate` checks the rest.

With --declaration legacy it writes instead the com.apple.configuration.legacy declaration
(JSON; macOS 13 and later) that has the Mac install the profile from --profile-url, an https
URL where the MDM serves these bytes: Identifier (default: the profile identifier with
`.legacy` appended, or --declaration-identifier) and ServerToken (default: a v5 UUID of the
URL and the profile's bytes, so it changes when the profile does, or --server-token). This is
the declarative route for Macs before macOS 27, which do not read the extensible-sso
declaration.

A signed profile whose signature is invalid (its content changed after signing) is refused:
a Mac would refuse it too. --drop-signature wraps (or points the declaration at) its content
unsigned instead.

Exit codes: 0 written, 1 the signature is invalid (nothing written), 2 unreadable input,
not a profile, a URL that is not https, or the output exists.";

/// Wrap a profile in the MDM `InstallProfile` command that delivers it.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct WrapArgs {
    /// The profile, signed or not (`-` for standard input)
    file: PathBuf,
    /// Output file (`-` for stdout); written atomically
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Output format: an XML or binary property list, or JSON with the payload in base64
    /// [default: xml; a declaration is JSON]
    #[arg(long, value_name = "FORMAT")]
    format: Option<Format>,
    /// The CommandUUID (default: derived from the profile's bytes)
    #[arg(long, value_name = "UUID", value_parser = parse_uuid)]
    command_uuid: Option<uuid::Uuid>,
    /// Replace the output file if it exists (a regular file only, keeping its mode and owner)
    #[arg(long)]
    force: bool,
    /// Wrap the content of a signed profile whose signature is invalid, unsigned
    /// (without it, such a profile is refused)
    #[arg(long)]
    drop_signature: bool,
    /// Write a declaration instead of the command: `legacy` (com.apple.configuration.legacy)
    #[arg(long, value_name = "TYPE", value_parser = ["legacy"], requires = "profile_url")]
    declaration: Option<String>,
    /// With --declaration legacy: the https URL where the MDM serves the profile
    #[arg(long, value_name = "URL", requires = "declaration")]
    profile_url: Option<String>,
    /// With --declaration legacy: the declaration's Identifier
    #[arg(long, value_name = "ID", requires = "declaration")]
    declaration_identifier: Option<String>,
    /// With --declaration legacy: the declaration's ServerToken
    #[arg(long, value_name = "TOKEN", requires = "declaration")]
    server_token: Option<String>,
}

fn parse_uuid(s: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::try_parse(s)
        .map_err(|_| "expected a UUID such as 0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20".to_string())
}

pub(crate) fn run(args: WrapArgs) -> Result<u8> {
    let bytes = read_input(&args.file)?;
    let decoded = mdm::read_profile(&bytes, &args.file)?;
    if super::ui().verbose {
        let target = psso_profile::model::Target::default();
        let linted = psso_profile::lint::lint(
            decoded.clone(),
            &target,
            &psso_profile::sign::VerifyOptions::new(),
        );
        super::report::eprint_findings(&args.file.display().to_string(), &linted.report);
    }
    let broken = if args.drop_signature {
        BrokenSignature::Drop
    } else {
        BrokenSignature::Refuse
    };
    let payload = mdm::payload(&bytes, &decoded, &args.file, broken)?;
    if !std::ptr::eq(payload, bytes.as_slice()) {
        super::warn(&format!(
            "`{}` has an invalid signature; its content is wrapped unsigned because of --drop-signature",
            args.file.display()
        ));
    }
    if let Some(url) = &args.profile_url {
        if args.command_uuid.is_some() {
            return Err(CliError::Usage(
                "--command-uuid names an InstallProfile command; a declaration has --declaration-identifier".into(),
            ));
        }
        if let Some(Format::Xml | Format::Binary) = args.format {
            return Err(CliError::Usage(
                "a declaration is JSON: drop --format, or pass --format declaration".into(),
            ));
        }
        let options = declaration::Options {
            identifier: args.declaration_identifier.as_deref(),
            server_token: args.server_token.as_deref(),
        };
        let value = declaration::legacy(&decoded.value, payload, url, &options)?;
        let out = codec::write(&value, Format::Declaration)?;
        write_output(&args.output, &out, args.force)?;
        return Ok(EXIT_OK);
    }
    let format = match args.format.unwrap_or_default() {
        Format::Declaration => {
            return Err(CliError::Usage(
                "--format declaration needs --declaration legacy --profile-url URL".into(),
            ));
        }
        format => format,
    };
    let uuid = args
        .command_uuid
        .unwrap_or_else(|| mdm::derived_command_uuid(payload));
    let command = mdm::install_profile_command(payload, uuid);
    let out = codec::write(&command, format)?;
    write_output(&args.output, &out, args.force)?;
    Ok(EXIT_OK)
}
