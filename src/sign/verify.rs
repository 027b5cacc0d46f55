//! Checking a CMS signed profile: message digest, signature, signer
//! certificate, validity, and the chain to given CA certificates (see
//! [`super::chain`] and the policy in the [module documentation](super)).

use std::time::SystemTime;

use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::Encode;
use der::asn1::{ObjectIdentifier, OctetString};
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::time::Time;

use super::SignError;
use super::algorithm::{
    self, Digest, ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNING_TIME, RSA_MIN_STRONG_BITS,
    RSA_MIN_VERIFIED_BITS, digest_name, signature_name,
};
use super::chain::{self, Check};
use super::open::SignedProfile;
use super::signer::parse_pem_certificates;

/// What [`verify`] checks beyond the signature itself.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    roots: Vec<Certificate>,
    strict: bool,
    now: Option<SystemTime>,
}

impl VerifyOptions {
    /// No CA certificates (the chain is not checked), not strict, checked now.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the CA certificates of a PEM text; the signer's chain must end at
    /// one of them. Returns how many were added.
    pub fn add_roots_pem(&mut self, pem: &[u8]) -> Result<usize, SignError> {
        let certs = parse_pem_certificates(pem, "CA")?;
        let count = certs.len();
        self.roots.extend(certs);
        Ok(count)
    }

    /// With `strict`, a certificate that was valid at the signing time and has
    /// expired since, or a signing time before a certificate's validity began,
    /// is an error rather than a warning.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Checks validity at `now` instead of the current time.
    pub fn at(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }
}

/// How much a [`Problem`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The signature cannot be trusted.
    Error,
    /// Worth knowing; the signature is still valid.
    Warning,
}

/// What is wrong with a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The content's digest differs from the signed `messageDigest`.
    DigestMismatch,
    /// The signature does not verify with the signer certificate's key.
    BadSignature,
    /// A required signed attribute is missing or malformed.
    MissingAttribute,
    /// The signed `contentType` differs from the content's type.
    ContentTypeMismatch,
    /// An algorithm this tool does not verify.
    UnsupportedAlgorithm,
    /// The signer certificate is not in the file nor among the CAs.
    SignerNotFound,
    /// A certificate has expired: an error when it had expired at the signing
    /// time (or now, without one), a warning (an error with `strict`) when it
    /// expired after the signing time.
    CertificateExpired,
    /// A certificate is not yet valid now.
    CertificateNotYetValid,
    /// The signing time lies before the start of a certificate's validity,
    /// and the certificate is valid now: a warning (an error with `strict`).
    NotValidAtSigningTime,
    /// No chain leads from the signer to one of the given CAs.
    UntrustedChain,
    /// The chain is longer than [`verify`] walks (10 certificates).
    ChainTooLong,
    /// A certificate that issued another one is not a CA certificate: its
    /// basic constraints say `cA: false`, or it has none (a version 1
    /// certificate is a CA only when it is itself a given CA certificate).
    NotACa,
    /// A CA certificate's path length constraint is exceeded.
    PathLengthExceeded,
    /// A CA certificate's key usage does not allow signing certificates
    /// (`keyCertSign`).
    IssuerKeyUsage,
    /// The signer certificate's key usage allows neither `digitalSignature`
    /// nor `nonRepudiation`.
    SignerKeyUsage,
    /// A certificate of the chain has an extended key usage without
    /// `emailProtection` (the S/MIME purpose OpenSSL checks).
    ExtendedKeyUsage,
    /// A certificate extension the checks read is malformed or repeated.
    InvalidExtension,
    /// SHA-1 in the signature or in a certificate of the chain: still
    /// verified, and a warning.
    WeakDigest,
    /// An RSA key under 2048 bits: a warning, and still verified, from 1024
    /// bits; under 1024 bits an error, and not verified.
    WeakKey,
}

impl ProblemKind {
    /// The kind's stable id, as in JSON (`not-a-ca`).
    pub fn id(self) -> &'static str {
        match self {
            Self::DigestMismatch => "digest-mismatch",
            Self::BadSignature => "bad-signature",
            Self::MissingAttribute => "missing-attribute",
            Self::ContentTypeMismatch => "content-type-mismatch",
            Self::UnsupportedAlgorithm => "unsupported-algorithm",
            Self::SignerNotFound => "signer-not-found",
            Self::CertificateExpired => "certificate-expired",
            Self::CertificateNotYetValid => "certificate-not-yet-valid",
            Self::NotValidAtSigningTime => "not-valid-at-signing-time",
            Self::UntrustedChain => "untrusted-chain",
            Self::ChainTooLong => "chain-too-long",
            Self::NotACa => "not-a-ca",
            Self::PathLengthExceeded => "path-length-exceeded",
            Self::IssuerKeyUsage => "issuer-key-usage",
            Self::SignerKeyUsage => "signer-key-usage",
            Self::ExtendedKeyUsage => "extended-key-usage",
            Self::InvalidExtension => "invalid-extension",
            Self::WeakDigest => "weak-digest",
            Self::WeakKey => "weak-key",
        }
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// One thing wrong with a signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Whether it makes the signature invalid.
    pub severity: Severity,
    /// What is wrong, for people.
    pub message: String,
}

/// The signer certificate's identity and validity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerDetails {
    /// Subject, as an RFC 4514 string.
    pub subject: String,
    /// Issuer, as an RFC 4514 string.
    pub issuer: String,
    /// Serial number in upper-case hexadecimal, as `openssl x509 -serial` prints it.
    pub serial: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
}

/// The outcome of [`verify`]: what the signature says and what is wrong with it.
///
/// Serialized as JSON by `psso-profile verify --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The signer certificate, when it was found.
    pub signer: Option<SignerDetails>,
    /// The digest algorithm (`sha256`).
    pub digest_algorithm: String,
    /// The signature algorithm (`rsaEncryption`, `ecdsa-with-SHA256`).
    pub signature_algorithm: String,
    /// The signed signing time, RFC 3339, when present.
    pub signing_time: Option<String>,
    /// `DER` or `BER`.
    pub encoding: String,
    /// Size of the signed content in bytes.
    pub content_bytes: usize,
    /// Whether the content is a property list dictionary whose `PayloadType`
    /// is `Configuration`.
    pub content_is_profile: bool,
    /// How many certificates the file carries.
    pub certificates: usize,
    /// Whether the chain was checked against given CA certificates.
    pub chain_checked: bool,
    /// The subjects from the signer to the trusted CA, when the chain was built.
    pub chain: Vec<String>,
    /// What is wrong; errors make the signature invalid.
    pub problems: Vec<Problem>,
}

impl Verification {
    /// Whether the signature is valid: no problem at error level.
    pub fn is_valid(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    fn problem(&mut self, kind: ProblemKind, severity: Severity, message: String) {
        self.problems.push(Problem {
            kind,
            severity,
            message,
        });
    }

    fn found(&mut self, found: Vec<chain::Found>) {
        for (kind, severity, message) in found {
            self.problem(kind, severity, message);
        }
    }
}

/// Verifies a signed profile: for each signer, the message digest against the
/// content, the signature over the signed attributes (re-encoded as a SET, RFC
/// 5652 §5.4), the signer certificate (found by issuer and serial number, or
/// subject key identifier), its validity at the signing time and now, weak
/// algorithms, and, when CA certificates are given, the chain to one of them
/// with the path checks of the [module documentation](super).
///
/// Problems are returned in [`Verification::problems`]; the details describe
/// the first signer.
pub fn verify(signed: &SignedProfile, options: &VerifyOptions) -> Verification {
    let data = &signed.signed_data;
    let embedded: Vec<Certificate> = data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(cert) => Some(cert.clone()),
            _ => None,
        })
        .collect();
    let mut report = Verification {
        signer: None,
        digest_algorithm: String::new(),
        signature_algorithm: String::new(),
        signing_time: None,
        encoding: signed.encoding.to_string(),
        content_bytes: signed.content.len(),
        content_is_profile: is_profile(&signed.content),
        certificates: embedded.len(),
        chain_checked: !options.roots.is_empty(),
        chain: Vec::new(),
        problems: Vec::new(),
    };
    let now = options.now.unwrap_or_else(SystemTime::now);
    let signer_count = data.signer_infos.0.len();
    for (index, info) in data.signer_infos.0.iter().enumerate() {
        let first = index == 0;
        let prefix = if signer_count > 1 {
            format!("signer {}: ", index + 1)
        } else {
            String::new()
        };
        let before = report.problems.len();
        check_signer(info, signed, &embedded, options, now, first, &mut report);
        for problem in &mut report.problems[before..] {
            problem.message.insert_str(0, &prefix);
        }
    }
    report
}

fn check_signer(
    info: &SignerInfo,
    signed: &SignedProfile,
    embedded: &[Certificate],
    options: &VerifyOptions,
    now: SystemTime,
    first: bool,
    report: &mut Verification,
) {
    use ProblemKind as K;
    use Severity::{Error, Warning};
    let expiry_severity = if options.strict { Error } else { Warning };
    if first {
        report.digest_algorithm = digest_name(&info.digest_alg.oid);
        report.signature_algorithm = signature_name(&info.signature_algorithm.oid);
    }
    let content = &signed.content;

    // The signer certificate.
    let cert = embedded
        .iter()
        .chain(&options.roots)
        .find(|cert| identifies(&info.sid, cert));
    if first {
        report.signer = cert.map(details);
    }

    // Signed attributes: content type, message digest, signing time.
    let digest = Digest::from_oid(&info.digest_alg.oid);
    let mut signing_time = None;
    let message = match &info.signed_attrs {
        Some(attrs) => {
            let value = |oid: ObjectIdentifier| {
                attrs
                    .iter()
                    .find(|a| a.oid == oid)
                    .and_then(|a| a.values.iter().next())
            };
            match value(ID_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok()) {
                None => report.problem(
                    K::MissingAttribute,
                    Error,
                    "the signed attributes lack the content type".into(),
                ),
                Some(oid) if oid != signed.signed_data.encap_content_info.econtent_type => report
                    .problem(
                        K::ContentTypeMismatch,
                        Error,
                        format!(
                            "the signed content type `{oid}` differs from the content's `{}`",
                            signed.signed_data.encap_content_info.econtent_type
                        ),
                    ),
                Some(_) => {}
            }
            match (
                value(ID_MESSAGE_DIGEST).and_then(|v| v.decode_as::<OctetString>().ok()),
                digest,
            ) {
                (None, _) => report.problem(
                    K::MissingAttribute,
                    Error,
                    "the signed attributes lack the message digest".into(),
                ),
                (Some(_), None) => report.problem(
                    K::UnsupportedAlgorithm,
                    Error,
                    format!(
                        "the digest algorithm `{}` is not supported",
                        info.digest_alg.oid
                    ),
                ),
                (Some(signed_digest), Some(digest)) => {
                    if signed_digest.as_bytes() != digest.compute(content).as_slice() {
                        report.problem(
                            K::DigestMismatch,
                            Error,
                            "the message digest does not match the content: the content was changed after signing".into(),
                        );
                    }
                }
            }
            if let Some(time) = value(ID_SIGNING_TIME) {
                match time.decode_as::<Time>() {
                    Ok(time) => signing_time = Some(time),
                    Err(_) => report.problem(
                        K::MissingAttribute,
                        Error,
                        "the signing time attribute cannot be read".into(),
                    ),
                }
            }
            attrs.to_der().ok()
        }
        None => Some(content.clone()),
    };
    if first {
        report.signing_time = signing_time.map(|t| t.to_date_time().to_string());
    }

    let Some(cert) = cert else {
        let who = match &info.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => format!(
                "issuer `{}`, serial {}",
                isn.issuer,
                hex_serial(isn.serial_number.as_bytes())
            ),
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                format!("subject key identifier {}", hex(ski.0.as_bytes()))
            }
        };
        report.problem(
            K::SignerNotFound,
            Error,
            format!(
                "the signer certificate ({who}) is not in the file nor among the CA certificates"
            ),
        );
        return;
    };

    // Weak digests: in the digest algorithm or in the signature algorithm.
    let signature_digest = algorithm::signature_algorithm(&info.signature_algorithm.oid)
        .and_then(|(family, d)| d.or(digest).map(|d| (family, d)));
    if digest == Some(Digest::Sha1) || matches!(signature_digest, Some((_, Digest::Sha1))) {
        report.problem(
            K::WeakDigest,
            Warning,
            format!(
                "the signature uses SHA-1 ({} digest, {} signature): SHA-1 collisions can be computed, so a look-alike profile can be made to match; the signature was still verified",
                digest_name(&info.digest_alg.oid),
                signature_name(&info.signature_algorithm.oid)
            ),
        );
    }

    // The signature.
    let subject = cert.tbs_certificate().subject().to_string();
    match (signature_digest, message) {
        (Some((family, digest)), Some(message)) => {
            match chain::check_signature(cert, family, digest, &message, info.signature.as_bytes())
            {
                Check::Valid => {}
                Check::Invalid => report.problem(
                    K::BadSignature,
                    Error,
                    format!(
                        "the signature does not verify with the key of `{subject}`: the signed attributes or the signature were changed, or another key signed"
                    ),
                ),
                Check::Unsupported => report.problem(
                    K::UnsupportedAlgorithm,
                    Error,
                    format!(
                        "the signature algorithm `{}` with the key of `{subject}` is not supported",
                        signature_name(&info.signature_algorithm.oid),
                    ),
                ),
                Check::KeyTooShort(bits) => report.problem(
                    K::WeakKey,
                    Error,
                    format!(
                        "the signer certificate `{subject}` has a {bits}-bit RSA key: keys under {RSA_MIN_VERIFIED_BITS} bits can be factored, so the signature is not verified"
                    ),
                ),
            }
        }
        _ => report.problem(
            K::UnsupportedAlgorithm,
            Error,
            format!(
                "the signature algorithm `{}` is not supported",
                signature_name(&info.signature_algorithm.oid)
            ),
        ),
    }
    if let Some(bits) = chain::rsa_bits(cert)
        .filter(|&bits| (RSA_MIN_VERIFIED_BITS..RSA_MIN_STRONG_BITS).contains(&bits))
    {
        report.problem(
            K::WeakKey,
            Warning,
            format!(
                "the signer certificate `{subject}` has a {bits}-bit RSA key: under {RSA_MIN_STRONG_BITS} bits it can be factored by a determined attacker; the signature was still verified"
            ),
        );
    }

    // The chain to a given CA, and the checks on its certificates.
    let signing_time = signing_time.map(|t| (t.to_system_time(), t.to_date_time().to_string()));
    let mut path = vec![cert];
    if !options.roots.is_empty() {
        match chain::build(cert, embedded, &options.roots) {
            Ok(chain) => {
                let mut found = Vec::new();
                chain::check_path(&chain, &mut found);
                report.found(found);
                if first {
                    report.chain = chain
                        .iter()
                        .map(|c| c.tbs_certificate().subject().to_string())
                        .collect();
                }
                path = chain;
            }
            Err((kind, severity, message)) => report.problem(kind, severity, message),
        }
    }

    // Validity of the signer and, with CA certificates, of the whole chain.
    for link in path {
        check_validity(link, now, signing_time.as_ref(), expiry_severity, report);
    }
}

/// A certificate that had expired at the signing time (now, without one) or
/// that is not valid yet now is an error. One that expired after the signing
/// time, or that was not valid yet at the signing time but is now (a signing
/// time pinned in the past, a wrong clock), is an `expiry_severity` problem.
fn check_validity(
    cert: &Certificate,
    now: SystemTime,
    signing_time: Option<&(SystemTime, String)>,
    expiry_severity: Severity,
    report: &mut Verification,
) {
    let validity = cert.tbs_certificate().validity();
    let subject = cert.tbs_certificate().subject();
    let (not_before, not_after) = (
        validity.not_before.to_system_time(),
        validity.not_after.to_system_time(),
    );
    let (from, to) = (
        validity.not_before.to_date_time(),
        validity.not_after.to_date_time(),
    );
    let at = signing_time.map_or(now, |(at, _)| *at);
    if at > not_after {
        let when = match signing_time {
            Some((_, text)) => format!(", before the signing time {text}"),
            None => " (the signature has no signing time: checked now)".to_string(),
        };
        report.problem(
            ProblemKind::CertificateExpired,
            Severity::Error,
            format!("the certificate `{subject}` expired on {to}{when}"),
        );
    } else if now < not_before {
        report.problem(
            ProblemKind::CertificateNotYetValid,
            Severity::Error,
            format!("the certificate `{subject}` is not valid before {from}"),
        );
    } else if let Some((at, text)) = signing_time {
        if *at < not_before {
            report.problem(
                ProblemKind::NotValidAtSigningTime,
                expiry_severity,
                format!(
                    "the signing time {text} lies outside the validity of `{subject}` ({from} to {to})"
                ),
            );
        }
        if now > not_after {
            report.problem(
                ProblemKind::CertificateExpired,
                expiry_severity,
                format!("the certificate `{subject}` expired on {to}, after the signing time"),
            );
        }
    }
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = cert.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            isn.issuer == *tbs.issuer() && isn.serial_number == *tbs.serial_number()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, own))) if own == *ski)
        }
    }
}

fn details(cert: &Certificate) -> SignerDetails {
    let tbs = cert.tbs_certificate();
    SignerDetails {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        serial: hex_serial(tbs.serial_number().as_bytes()),
        not_before: tbs.validity().not_before.to_date_time().to_string(),
        not_after: tbs.validity().not_after.to_date_time().to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn hex_serial(bytes: &[u8]) -> String {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => hex(rest),
        _ => hex(bytes),
    }
}

/// Whether `content` is a property list dictionary with `PayloadType`
/// `Configuration`.
fn is_profile(content: &[u8]) -> bool {
    plist::Value::from_reader(std::io::Cursor::new(content))
        .ok()
        .and_then(|v| v.into_dictionary())
        .and_then(|d| {
            d.get("PayloadType")
                .and_then(|t| t.as_string())
                .map(|t| t == "Configuration")
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_ids_are_the_json_names() {
        use ProblemKind as K;
        for kind in [
            K::DigestMismatch,
            K::BadSignature,
            K::MissingAttribute,
            K::ContentTypeMismatch,
            K::UnsupportedAlgorithm,
            K::SignerNotFound,
            K::CertificateExpired,
            K::CertificateNotYetValid,
            K::NotValidAtSigningTime,
            K::UntrustedChain,
            K::ChainTooLong,
            K::NotACa,
            K::PathLengthExceeded,
            K::IssuerKeyUsage,
            K::SignerKeyUsage,
            K::ExtendedKeyUsage,
            K::InvalidExtension,
            K::WeakDigest,
            K::WeakKey,
        ] {
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.id())
            );
        }
    }

    #[test]
    fn serial_is_printed_like_openssl() {
        assert_eq!(hex_serial(&[0x00, 0x9f, 0x01]), "9F01");
        assert_eq!(hex_serial(&[0x00]), "00");
        assert_eq!(hex_serial(&[0x12]), "12");
    }

    #[test]
    fn recognizes_a_profile() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>PayloadType</key><string>Configuration</string></dict></plist>"#;
        assert!(is_profile(xml));
        assert!(!is_profile(b"<plist version=\"1.0\"><array/></plist>"));
        assert!(!is_profile(b"not a plist"));
    }
}
