//! `psso-profile sign`: wrap a profile in a CMS signature.

use std::path::PathBuf;
use std::time::SystemTime;

use clap::{ArgGroup, Args};

use psso_profile::Error;
use psso_profile::codec::{read_input, write_output};
use psso_profile::model::{MacOs, Target};
use psso_profile::rules::Severity;
use psso_profile::sign::{self, Signer, SigningTime};

use super::error::{CliError, Result};
use super::report::eprint_findings;
use super::signing::{SignerSource, parse_signing_time, warn_placeholders};

const EXAMPLES: &str = "\
Examples:
  psso-profile sign psso.mobileconfig -o psso.signed.mobileconfig --cert signer.pem --key signer.key
  psso-profile sign psso.mobileconfig -o signed.mobileconfig --cert leaf.pem --key leaf.key --chain intermediate.pem
  P12_PASSWORD=secret psso-profile sign psso.mobileconfig -o signed.mobileconfig \\
      --p12 signer.p12 --p12-password-env P12_PASSWORD
  psso-profile sign psso.mobileconfig -o signed.mobileconfig --cert signer.pem --key signer.key \\
      --signing-time 2026-01-31T12:00:00Z    # reproducible output

The output is DER CMS SignedData with the profile inside, unchanged: RSA keys sign with
PKCS#1 v1.5 and SHA-256, P-256 keys with ECDSA and SHA-256, P-384 keys with ECDSA and SHA-384.
An expired signer certificate is a warning (an error with --strict). MDM placeholders such as
{{DEVICEREGISTRATION}} or $FLEET_VAR_... left in the profile are reported: a server that
substitutes them after signing breaks the signature. A profile with findings at error level
(for --min-macos) is not signed unless --force.

Exit codes: 0 signed, 2 refused (findings at error level, a key that does not match the
certificate, a wrong PKCS#12 password, an unreadable file); nothing is written then.";

/// Sign a profile (CMS / PKCS#7) with a certificate and its key.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
#[command(group(ArgGroup::new("identity").required(true).args(["cert", "p12"])))]
#[command(group(ArgGroup::new("p12_password").args(["p12_password_env", "p12_password_file"])))]
pub(crate) struct SignArgs {
    /// The profile to sign (`-` for standard input).
    input: PathBuf,
    /// Where to write the signed profile (`-` for standard output).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Sign even if the profile has findings at error level, and replace OUT if it exists (a
    /// regular file only, keeping its mode and owner).
    #[arg(long)]
    force: bool,
    /// Oldest macOS of the fleet, for the check made before signing.
    #[arg(long, value_name = "VERSION", default_value = "14", value_parser = psso_profile::model::parse_macos_arg)]
    min_macos: MacOs,
    /// The signer certificate (PEM); further certificates in it are the chain.
    #[arg(long, value_name = "PEM", requires = "key")]
    cert: Option<PathBuf>,
    /// The signer's private key (PEM: PKCS#8, PKCS#1 or SEC1, unencrypted).
    #[arg(long, value_name = "PEM", requires = "cert")]
    key: Option<PathBuf>,
    /// Intermediate certificates to include (PEM).
    #[arg(long, value_name = "PEM", requires = "cert")]
    chain: Option<PathBuf>,
    /// The signer certificate, chain and key as a PKCS#12 file.
    #[arg(long, value_name = "FILE", requires = "p12_password", conflicts_with_all = ["cert", "key", "chain"])]
    p12: Option<PathBuf>,
    /// The environment variable holding the PKCS#12 password.
    #[arg(long, value_name = "VAR")]
    p12_password_env: Option<String>,
    /// A file holding the PKCS#12 password (one line).
    #[arg(long, value_name = "FILE")]
    p12_password_file: Option<PathBuf>,
    /// The signing time: an RFC 3339 time (pins the output), `now`, or `none`.
    #[arg(long, value_name = "RFC3339|now|none", default_value = "now")]
    signing_time: String,
    /// Refuse to sign with an expired certificate (otherwise a warning).
    #[arg(long)]
    strict: bool,
}

pub(crate) fn run(args: SignArgs) -> Result<u8> {
    let signing_time = parse_signing_time(&args.signing_time)?;
    let content = read_input(&args.input)?;
    check_before_signing(&args, &content)?;
    let (signer, files) = load_signer(&args)?;

    let now = SystemTime::now();
    if let Err(err) = signer.check_validity(now) {
        if args.strict {
            return Err(Error::SigningInput { files, source: err }.into());
        }
        super::warn(&format!(
            "{err}; verifiers will reject the signature (pass --strict to refuse to sign)"
        ));
    }
    if let SigningTime::At(at) = signing_time
        && let Err(err) = signer.check_validity(at)
    {
        super::warn(&format!(
            "at the signing time {}, {err}; verifiers will reject the signature",
            args.signing_time
        ));
    }
    warn_placeholders(sign::placeholders(&content).iter().map(String::as_str));
    let signed = sign::sign(&content, &signer, signing_time)?;
    write_output(&args.output, &signed, args.force)?;
    Ok(super::EXIT_OK)
}

/// Refuses what is not an unsigned profile, and a profile with findings at error
/// level unless `--force`: a signature makes a broken profile harder to fix.
fn check_before_signing(args: &SignArgs, content: &[u8]) -> Result<()> {
    let decoded = psso_profile::codec::parse(content, &args.input)?;
    if decoded.signed.is_some() {
        return Err(CliError::Usage(format!(
            "`{}` is already signed; sign the unsigned profile",
            args.input.display()
        )));
    }
    let report = psso_profile::rules::check(&decoded.value, &Target::new(args.min_macos));
    let count = report.count(Severity::Error);
    if count == 0 {
        return Ok(());
    }
    let label = if args.input.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        args.input.display().to_string()
    };
    let mut errors = report.clone();
    errors.findings.retain(|f| f.severity == Severity::Error);
    eprint_findings(&label, &errors);
    if args.force {
        super::warn(&format!(
            "signing `{label}` despite {count} error finding(s), because of --force"
        ));
        return Ok(());
    }
    eprintln!(
        "psso-profile: error: refusing to sign a profile that fails validation; fix it (`psso-profile validate --fix`) or pass --force"
    );
    Err(CliError::Refused {
        message: format!("the profile has {count} error finding(s); nothing was written"),
    })
}

fn load_signer(args: &SignArgs) -> Result<(Signer, Vec<PathBuf>)> {
    SignerSource {
        prefix: "",
        cert: args.cert.as_deref(),
        key: args.key.as_deref(),
        chain: args.chain.as_deref(),
        p12: args.p12.as_deref(),
        p12_password_env: args.p12_password_env.as_deref(),
        p12_password_file: args.p12_password_file.as_deref(),
    }
    .load()
}
