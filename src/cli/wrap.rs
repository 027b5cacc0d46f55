//! `psso-profile wrap`: the MDM `InstallProfile` command for a profile.

use std::path::PathBuf;

use clap::Args;

use super::error::Result;
use psso_profile::codec::{self, Format, read_input, write_output};
use psso_profile::lint::BrokenSignature;
use psso_profile::mdm;

use super::EXIT_OK;

const EXAMPLES: &str = "\
Examples:
  psso-profile wrap psso.signed.mobileconfig -o install-command.plist
  psso-profile wrap psso.mobileconfig --format json
  psso-profile wrap psso.mobileconfig --command-uuid 0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20

Apple marks the Extensible SSO payload `allowmanualinstall: false`: a Platform SSO profile
reaches a Mac only through a user-approved MDM's InstallProfile command. This writes that
command, as NanoMDM- and MicroMDM-style servers take it:
  CommandUUID  uppercase UUID (default: a v5 UUID of the profile's bytes, so the same
               profile gives the same command; --command-uuid sets one)
  Command      RequestType InstallProfile, Payload <data>: the input's bytes, unchanged
               (a signed profile stays signed)
--format json gives the same object with the payload in base64. The input must be a
configuration profile (XML, binary or signed); `psso-profile validate` checks the rest.

A signed profile whose signature is invalid (its content changed after signing) is refused:
a Mac would refuse it too. --drop-signature wraps its content unsigned instead.

Exit codes: 0 written, 1 the signature is invalid (nothing written), 2 unreadable input,
not a profile, or the output exists.";

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
    #[arg(long, value_name = "FORMAT", default_value = "xml")]
    format: Format,
    /// The CommandUUID (default: derived from the profile's bytes)
    #[arg(long, value_name = "UUID", value_parser = parse_uuid)]
    command_uuid: Option<uuid::Uuid>,
    /// Overwrite the output file if it exists
    #[arg(long)]
    force: bool,
    /// Wrap the content of a signed profile whose signature is invalid, unsigned
    /// (without it, such a profile is refused)
    #[arg(long)]
    drop_signature: bool,
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
    let uuid = args
        .command_uuid
        .unwrap_or_else(|| mdm::derived_command_uuid(payload));
    let command = mdm::install_profile_command(payload, uuid);
    let out = codec::write(&command, args.format)?;
    write_output(&args.output, &out, args.force)?;
    Ok(EXIT_OK)
}
