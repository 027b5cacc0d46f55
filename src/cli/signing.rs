//! The signing options `generate` and `batch` share (`--sign-cert`,
//! `--sign-p12`, `--signing-time`...), and loading the signer they name.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::{ArgGroup, Args};

use super::error::{CliError, Result};
use psso_profile::Error;
use psso_profile::codec::{InputKind, read_input_as};
use psso_profile::sign::{Signer, SigningTime};

/// Sign what is written: a certificate and key in PEM, or a PKCS#12 file.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("signer").args(["sign_cert", "sign_p12"])))]
pub(crate) struct SigningArgs {
    /// Sign the output with this certificate (PEM; further certificates in it are the chain)
    #[arg(
        long,
        value_name = "PEM",
        requires = "sign_key",
        help_heading = "Signing"
    )]
    sign_cert: Option<PathBuf>,
    /// The signing certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1, unencrypted)
    #[arg(
        long,
        value_name = "PEM",
        requires = "sign_cert",
        help_heading = "Signing"
    )]
    sign_key: Option<PathBuf>,
    /// Intermediate certificates to include in the signature (PEM)
    #[arg(
        long,
        value_name = "PEM",
        requires = "sign_cert",
        help_heading = "Signing"
    )]
    sign_chain: Option<PathBuf>,
    /// Sign the output with the certificate, chain and key of this PKCS#12 file
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["sign_cert", "sign_key", "sign_chain"],
        help_heading = "Signing"
    )]
    sign_p12: Option<PathBuf>,
    /// The environment variable holding the PKCS#12 password
    #[arg(
        long,
        value_name = "VAR",
        requires = "sign_p12",
        conflicts_with = "sign_p12_password_file",
        help_heading = "Signing"
    )]
    sign_p12_password_env: Option<String>,
    /// A file holding the PKCS#12 password (one line)
    #[arg(
        long,
        value_name = "FILE",
        requires = "sign_p12",
        help_heading = "Signing"
    )]
    sign_p12_password_file: Option<PathBuf>,
    /// The signing time: an RFC 3339 time (pins the output bytes), `now` (default) or `none`
    #[arg(
        long,
        value_name = "RFC3339|now|none",
        requires = "signer",
        help_heading = "Signing"
    )]
    signing_time: Option<String>,
}

/// A loaded signer and the signing time to use.
pub(crate) struct Signing {
    pub(crate) signer: Signer,
    pub(crate) time: SigningTime,
}

impl SigningArgs {
    /// Whether signing was asked for.
    pub(crate) fn wanted(&self) -> bool {
        self.sign_cert.is_some() || self.sign_p12.is_some()
    }

    /// Loads the signer once; `None` when no signing option was given. An
    /// expired certificate, now or at the signing time, is a warning on stderr.
    pub(crate) fn load(&self) -> Result<Option<Signing>> {
        if !self.wanted() {
            return Ok(None);
        }
        let time = parse_signing_time(self.signing_time.as_deref().unwrap_or("now"))?;
        let signer = self.load_signer()?;
        for warning in validity_warnings(&signer, time) {
            super::warn(&warning);
        }
        Ok(Some(Signing { signer, time }))
    }

    fn load_signer(&self) -> Result<Signer> {
        let source = SignerSource {
            prefix: "sign-",
            cert: self.sign_cert.as_deref(),
            key: self.sign_key.as_deref(),
            chain: self.sign_chain.as_deref(),
            p12: self.sign_p12.as_deref(),
            p12_password_env: self.sign_p12_password_env.as_deref(),
            p12_password_file: self.sign_p12_password_file.as_deref(),
        };
        Ok(source.load()?.0)
    }
}

/// The files a signer is read from, whatever the options are called: `sign`
/// takes `--cert`, `generate` and `batch` take `--sign-cert`.
pub(crate) struct SignerSource<'a> {
    /// What the options' names start with after `--` (`""` or `"sign-"`).
    pub(crate) prefix: &'static str,
    pub(crate) cert: Option<&'a Path>,
    pub(crate) key: Option<&'a Path>,
    pub(crate) chain: Option<&'a Path>,
    pub(crate) p12: Option<&'a Path>,
    pub(crate) p12_password_env: Option<&'a str>,
    pub(crate) p12_password_file: Option<&'a Path>,
}

impl SignerSource<'_> {
    /// Loads the signer, and names the files it came from (for messages).
    pub(crate) fn load(&self) -> Result<(Signer, Vec<PathBuf>)> {
        let prefix = self.prefix;
        if let Some(p12) = self.p12 {
            let files = vec![p12.to_path_buf()];
            let password = self.read_password()?;
            let der = read_input_as(p12, InputKind::Pkcs12)?;
            let signer =
                Signer::from_pkcs12(&der, &password).map_err(|source| Error::SigningInput {
                    files: files.clone(),
                    source,
                })?;
            return Ok((signer, files));
        }
        let (Some(cert), Some(key)) = (self.cert, self.key) else {
            return Err(CliError::Usage(format!(
                "give either --{prefix}cert and --{prefix}key, or --{prefix}p12"
            )));
        };
        let cert_pem = read_input_as(cert, InputKind::Certificates)?;
        let key_pem = read_input_as(key, InputKind::PrivateKey)?;
        let mut files = vec![cert.to_path_buf(), key.to_path_buf()];
        let chain_pem = match self.chain {
            Some(chain) => {
                files.push(chain.to_path_buf());
                Some(read_input_as(chain, InputKind::Certificates)?)
            }
            None => None,
        };
        let signer =
            Signer::from_pem(&cert_pem, &key_pem, chain_pem.as_deref()).map_err(|source| {
                Error::SigningInput {
                    files: files.clone(),
                    source,
                }
            })?;
        Ok((signer, files))
    }

    fn read_password(&self) -> Result<String> {
        let prefix = self.prefix;
        if let Some(var) = self.p12_password_env {
            return std::env::var(var).map_err(|_| CliError::Option {
                option: format!("--{prefix}p12-password-env"),
                value: var.to_string(),
                expected: "the name of a set environment variable holding the password".into(),
            });
        }
        if let Some(path) = self.p12_password_file {
            let bytes = read_input_as(path, InputKind::Secret)?;
            let text = String::from_utf8(bytes).map_err(|_| CliError::Option {
                option: format!("--{prefix}p12-password-file"),
                value: path.display().to_string(),
                expected: "a file holding the password as UTF-8 text".into(),
            })?;
            let line = text.strip_suffix('\n').unwrap_or(&text);
            return Ok(line.strip_suffix('\r').unwrap_or(line).to_string());
        }
        Err(CliError::Usage(format!(
            "--{prefix}p12 needs --{prefix}p12-password-env or --{prefix}p12-password-file"
        )))
    }
}

/// What is wrong with signing with `signer` at `time`: a certificate expired now,
/// or not valid at the signing time.
pub(crate) fn validity_warnings(signer: &Signer, time: SigningTime) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Err(err) = signer.check_validity(SystemTime::now()) {
        warnings.push(err.to_string());
    }
    if let SigningTime::At(at) = time
        && let Err(err) = signer.check_validity(at)
    {
        warnings.push(format!(
            "at the signing time, {err}; verifiers will reject the signature"
        ));
    }
    warnings
}

/// The warning for an MDM placeholder left in signed content; placeholders inside
/// secrets come as [`psso_profile::inspect::REDACTED`] and are not named.
pub(crate) fn placeholder_warning(placeholder: &str) -> String {
    if placeholder == psso_profile::inspect::REDACTED {
        return "a secret of the profile (such as its RegistrationToken, <redacted>) still holds an MDM placeholder; a server that substitutes it after signing breaks the signature".to_string();
    }
    format!(
        "the profile still holds the placeholder `{placeholder}`; a server that substitutes it after signing breaks the signature"
    )
}

/// Prints one warning per MDM placeholder left in signed content (one for all
/// those inside secrets, which are not named).
pub(crate) fn warn_placeholders<'a>(placeholders: impl IntoIterator<Item = &'a str>) {
    for placeholder in placeholders {
        super::warn(&placeholder_warning(placeholder));
    }
}

/// Reads `--signing-time`: `now`, `none`, or an RFC 3339 time.
pub(crate) fn parse_signing_time(value: &str) -> Result<SigningTime> {
    match value {
        "now" => Ok(SigningTime::Now),
        "none" => Ok(SigningTime::Omit),
        _ => time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
            .ok()
            .filter(|t| t.unix_timestamp() >= 0)
            .map(|t| SigningTime::At(t.into()))
            .ok_or_else(|| CliError::Option {
                option: "--signing-time".into(),
                value: value.into(),
                expected:
                    "an RFC 3339 time from 1970 on, such as 2026-01-31T12:00:00Z, `now` or `none`"
                        .into(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_signing_times() {
        assert_eq!(parse_signing_time("now").unwrap(), SigningTime::Now);
        assert_eq!(parse_signing_time("none").unwrap(), SigningTime::Omit);
        assert_eq!(
            parse_signing_time("2026-01-31T13:00:00+01:00").unwrap(),
            SigningTime::At(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_769_860_800))
        );
        assert_eq!(
            parse_signing_time("yesterday").unwrap_err().message(),
            "invalid value `yesterday` for `--signing-time`: expected an RFC 3339 time from 1970 on, such as 2026-01-31T12:00:00Z, `now` or `none`"
        );
        assert!(parse_signing_time("1960-01-01T00:00:00Z").is_err());
    }
}
