//! `psso-profile verify`: check a signed profile and say who signed it.

use super::OutputFormat as Format;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::error::Result;
use psso_profile::Error;
use psso_profile::codec::{InputKind, read_input, read_input_as, write_output};
use psso_profile::sign::{self, Severity, Verification, VerifyOptions, VerifyReport};
use psso_profile::text::escape;

const EXAMPLES: &str = "\
Examples:
  psso-profile verify psso.signed.mobileconfig --ca ca.pem
  psso-profile verify psso.signed.mobileconfig --format json
  psso-profile verify psso.signed.mobileconfig --ca ca.pem --content psso.mobileconfig

Checks the message digest against the content, the signature over the signed attributes,
the signer certificate (found by issuer and serial number), weak algorithms (SHA-1, RSA
under 2048 bits: warnings), and with --ca the chain to one of the given CA certificates as
`openssl cms -verify` does: issuers are CAs (basicConstraints cA, keyCertSign) within their
path length, the signer's key usage allows digitalSignature or nonRepudiation, extended key
usages include emailProtection. A certificate expired at the signing time (now without one)
or not valid yet now is an error; one that expired after the signing time, or a signing time
before a certificate's validity, is a warning, an error with --strict. DER and
BER (indefinite lengths, as `openssl cms -stream` and Apple's tools write) are read.
Without --ca the chain is not checked.

Exit codes: 0 valid, 1 invalid (the reason is printed), 2 unreadable (not CMS, truncated).

JSON (--format json), one object:
  {
    \"file\": \"signed.mobileconfig\",
    \"valid\": true,
    \"signer\": {\"subject\": \"CN=...\", \"issuer\": \"CN=...\", \"serial\": \"1A2B\",
               \"not_before\": \"2026-01-01T00:00:00Z\", \"not_after\": \"2027-01-01T00:00:00Z\"} | null,
    \"digest_algorithm\": \"sha256\",
    \"signature_algorithm\": \"rsaEncryption\",
    \"signing_time\": \"2026-01-31T12:00:00Z\" | null,
    \"encoding\": \"DER\" | \"BER\",
    \"content_bytes\": 2817,
    \"content_is_profile\": true,
    \"certificates\": 2,
    \"chain_checked\": true,
    \"chain\": [\"CN=leaf\", \"CN=intermediate\", \"CN=root\"],
    \"problems\": [{\"kind\": \"digest-mismatch\", \"severity\": \"error\", \"message\": \"...\"}]
  }
Problem kinds: digest-mismatch, bad-signature, missing-attribute, content-type-mismatch,
unsupported-algorithm, signer-not-found, certificate-expired, certificate-not-yet-valid,
not-valid-at-signing-time, untrusted-chain, chain-too-long, not-a-ca, path-length-exceeded,
issuer-key-usage, signer-key-usage, extended-key-usage, invalid-extension, weak-digest,
weak-key.";

/// Verify a signed profile: digest, signature, signer certificate and chain.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct VerifyArgs {
    /// The signed profile (`-` for standard input).
    file: PathBuf,
    /// A CA certificate file (PEM); the signer must chain to one of them.
    #[arg(long = "ca", value_name = "PEM")]
    ca: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// A certificate that expired after the signing time, or a signing time before a
    /// certificate's validity, makes the signature invalid.
    #[arg(long)]
    strict: bool,
    /// Write the signed content (the profile) here when the signature is valid.
    #[arg(long, value_name = "OUT")]
    content: Option<PathBuf>,
    /// Replace the --content file if it exists (a regular file only, keeping its mode and owner).
    #[arg(long, requires = "content")]
    force: bool,
}

pub(crate) fn run(args: VerifyArgs) -> Result<u8> {
    let bytes = read_input(&args.file)?;
    let signed = sign::open(&bytes).map_err(|source| Error::Unreadable {
        path: args.file.clone(),
        source,
    })?;
    let mut options = VerifyOptions::new().strict(args.strict);
    for ca in &args.ca {
        let pem = read_input_as(ca, InputKind::Certificates)?;
        options
            .add_roots_pem(&pem)
            .map_err(|source| Error::SigningInput {
                files: vec![ca.clone()],
                source,
            })?;
    }
    let report = sign::verify(&signed, &options);
    let valid = report.is_valid();
    let file = args.file.display().to_string();
    let text = match args.format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&VerifyReport::new(file.clone(), &report))
                .map_err(|source| Error::Encode {
                    format: "JSON",
                    source: Box::new(source),
                })?;
            json.push('\n');
            json
        }
        Format::Human => human(&file, valid, &report),
    };
    psso_profile::codec::check_stdout()?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: PathBuf::from("-"),
            source,
        })?;
    for problem in &report.problems {
        if problem.severity == Severity::Warning {
            super::warn(&format!("`{file}`: {}", problem.message));
        }
    }
    if !valid {
        let reasons: Vec<&str> = report
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| p.message.as_str())
            .collect();
        eprintln!(
            "psso-profile: `{}`: invalid signature: {}",
            escape(&file),
            escape(&reasons.join("; "))
        );
        return Ok(super::EXIT_FINDINGS);
    }
    if let Some(path) = &args.content {
        write_output(path, signed.content(), args.force)?;
    }
    Ok(super::EXIT_OK)
}

/// The human form of a verification; texts from the certificates are shown with
/// their control characters escaped.
fn human(file: &str, valid: bool, report: &Verification) -> String {
    let file = &escape(file);
    let mut lines = vec![
        format!("file:          {file}"),
        format!("signature:     {}", if valid { "valid" } else { "INVALID" }),
    ];
    match &report.signer {
        Some(signer) => {
            lines.push(format!("signer:        {}", escape(&signer.subject)));
            lines.push(format!("issuer:        {}", escape(&signer.issuer)));
            lines.push(format!("serial:        {}", signer.serial));
            lines.push(format!(
                "validity:      {} to {}",
                signer.not_before, signer.not_after
            ));
        }
        None => lines.push("signer:        (certificate not found)".into()),
    }
    lines.push(format!(
        "algorithms:    {} digest, {} signature",
        report.digest_algorithm, report.signature_algorithm
    ));
    lines.push(format!(
        "signing time:  {}",
        report.signing_time.as_deref().unwrap_or("(none)")
    ));
    lines.push(format!(
        "encoding:      {}, {} certificate(s)",
        report.encoding, report.certificates
    ));
    lines.push(format!(
        "content:       {}, {} bytes",
        if report.content_is_profile {
            "configuration profile"
        } else {
            "not a configuration profile"
        },
        report.content_bytes
    ));
    lines.push(if !report.chain_checked {
        "chain:         not checked (no --ca given)".into()
    } else if report.chain.is_empty() {
        "chain:         not built".into()
    } else {
        format!("chain:         {}", escape(&report.chain.join(" -> ")))
    });
    for problem in &report.problems {
        let severity = match problem.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        lines.push(format!(
            "{severity}[{}]: {}",
            problem.kind,
            escape(&problem.message)
        ));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
