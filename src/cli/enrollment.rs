//! `psso-profile enrollment`: the `com.apple.psso.required` answer an MDM returns
//! during Automated Device Enrollment.

use std::path::PathBuf;

use clap::Args;

use super::EXIT_OK;
use super::error::{CliError, Result};
use psso_profile::codec::{self, Format};
use psso_profile::enrollment;

const EXAMPLES: &str = "\
Examples:
  psso-profile enrollment --profile-url https://mdm.example.com/psso/profile \\
      --manifest-url https://mdm.example.com/psso/company-portal.plist \\
      --auth-url https://mdm.example.com/psso/sign-in
  psso-profile enrollment --format json --profile-url ... --manifest-url ... --auth-url ...

A Mac on macOS 26 or later that can register Platform SSO in Setup Assistant posts MachineInfo
with MDM_CAN_REQUEST_PSSO_CONFIG. The MDM answers HTTP 403 with this body: Code
com.apple.psso.required, and Details with ProfileURL (the profile to install first; check it
with `psso-profile validate --enrollment`), Package.ManifestURL (the manifest of the package
with the SSO extension: Company Portal for Microsoft) and AuthURL (the identity provider's
sign-in page, opened in a web session whose callback scheme is
apple-remotemanagement-user-login). Every URL must be https.

Exit codes: 0 written, 2 a URL that is not https, or the output exists.";

/// Print the `com.apple.psso.required` answer (HTTP 403 body) for Platform SSO during
/// Automated Device Enrollment.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct EnrollmentArgs {
    /// The https URL where the MDM serves the Platform SSO profile to install first
    #[arg(long, value_name = "URL")]
    profile_url: String,
    /// The https URL of the manifest of the package with the SSO extension (Company Portal)
    #[arg(long, value_name = "URL")]
    manifest_url: String,
    /// The https URL of the identity provider's sign-in page
    #[arg(long, value_name = "URL")]
    auth_url: String,
    /// Output format: an XML property list, or JSON
    #[arg(long, value_name = "FORMAT", default_value = "xml", value_parser = body_format)]
    format: Format,
    /// Output file (`-` for stdout); written atomically
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Replace the output file if it exists (a regular file only, keeping its mode and owner)
    #[arg(long)]
    force: bool,
}

/// `--format`: the encodings the Mac takes for the answer.
fn body_format(s: &str) -> std::result::Result<Format, String> {
    match s.to_ascii_lowercase().as_str() {
        "xml" | "plist" => Ok(Format::Xml),
        "json" => Ok(Format::Json),
        _ => Err("expected `xml` (a property list) or `json`".to_string()),
    }
}

pub(crate) fn run(args: EnrollmentArgs) -> Result<u8> {
    let body =
        enrollment::psso_required_response(&args.profile_url, &args.manifest_url, &args.auth_url)
            .map_err(CliError::from)?;
    let bytes = codec::write(&body, args.format)?;
    codec::write_output(&args.output, &bytes, args.force)?;
    Ok(EXIT_OK)
}
