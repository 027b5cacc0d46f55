//! Checking a CMS signed profile: message digest, signature, signer
//! certificate, validity, and the chain to given CA certificates.

use std::time::SystemTime;

use aws_lc_rs::signature::UnparsedPublicKey;
use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::Encode;
use der::asn1::{ObjectIdentifier, OctetString};
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::time::Time;

use super::SignError;
use super::algorithm::{
    self, Digest, ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNING_TIME, digest_name, signature_name,
};
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

    /// With `strict`, an expired certificate is an error rather than a warning.
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
    /// A certificate has expired.
    CertificateExpired,
    /// A certificate is not yet valid.
    CertificateNotYetValid,
    /// The signing time lies outside the signer certificate's validity.
    NotValidAtSigningTime,
    /// No chain leads from the signer to one of the given CAs.
    UntrustedChain,
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
}

/// Verifies a signed profile: for each signer, the message digest against the
/// content, the signature over the signed attributes (re-encoded as a SET, RFC
/// 5652 §5.4), the signer certificate (found by issuer and serial number, or
/// subject key identifier), its validity at the signing time and now, and,
/// when CA certificates are given, the chain to one of them.
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

    // The signature.
    let signature_digest = algorithm::signature_algorithm(&info.signature_algorithm.oid)
        .and_then(|(family, d)| d.or(digest).map(|d| (family, d)));
    match (signature_digest, message) {
        (Some((family, digest)), Some(message)) => {
            match check_signature(cert, family, digest, &message, info.signature.as_bytes()) {
                Some(true) => {}
                Some(false) => report.problem(
                    K::BadSignature,
                    Error,
                    format!(
                        "the signature does not verify with the key of `{}`: the signed attributes or the signature were changed, or another key signed",
                        cert.tbs_certificate().subject()
                    ),
                ),
                None => report.problem(
                    K::UnsupportedAlgorithm,
                    Error,
                    format!(
                        "the signature algorithm `{}` with the key of `{}` is not supported",
                        signature_name(&info.signature_algorithm.oid),
                        cert.tbs_certificate().subject()
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

    // Validity at signing time and now.
    let validity = cert.tbs_certificate().validity();
    let subject = cert.tbs_certificate().subject().to_string();
    if let Some(time) = signing_time {
        let at = time.to_system_time();
        if at < validity.not_before.to_system_time() || at > validity.not_after.to_system_time() {
            report.problem(
                K::NotValidAtSigningTime,
                expiry_severity,
                format!(
                    "the signing time {} lies outside the validity of `{subject}` ({} to {})",
                    time.to_date_time(),
                    validity.not_before.to_date_time(),
                    validity.not_after.to_date_time()
                ),
            );
        }
    }
    check_validity_now(cert, now, expiry_severity, report);

    // The chain to a given CA.
    if !options.roots.is_empty() {
        match build_chain(cert, embedded, &options.roots) {
            Ok(chain) => {
                for link in &chain[1..] {
                    check_validity_now(link, now, expiry_severity, report);
                }
                if first {
                    report.chain = chain
                        .iter()
                        .map(|c| c.tbs_certificate().subject().to_string())
                        .collect();
                }
            }
            Err(message) => report.problem(K::UntrustedChain, Error, message),
        }
    }
}

fn check_validity_now(
    cert: &Certificate,
    now: SystemTime,
    expiry_severity: Severity,
    report: &mut Verification,
) {
    let validity = cert.tbs_certificate().validity();
    let subject = cert.tbs_certificate().subject();
    if now > validity.not_after.to_system_time() {
        report.problem(
            ProblemKind::CertificateExpired,
            expiry_severity,
            format!(
                "the certificate `{subject}` expired on {}",
                validity.not_after.to_date_time()
            ),
        );
    } else if now < validity.not_before.to_system_time() {
        report.problem(
            ProblemKind::CertificateNotYetValid,
            Severity::Error,
            format!(
                "the certificate `{subject}` is not valid before {}",
                validity.not_before.to_date_time()
            ),
        );
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

/// Verifies `signature` over `message` with the public key of `cert`.
/// `None` when the key and algorithm are not supported.
fn check_signature(
    cert: &Certificate,
    family: algorithm::Family,
    digest: Digest,
    message: &[u8],
    signature: &[u8],
) -> Option<bool> {
    let spki = cert.tbs_certificate().subject_public_key_info();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let algorithm =
        algorithm::verification_algorithm(&spki.algorithm.oid, curve.as_ref(), family, digest)?;
    let key = spki.subject_public_key.as_bytes()?;
    Some(
        UnparsedPublicKey::new(algorithm, key)
            .verify(message, signature)
            .is_ok(),
    )
}

/// Whether `issuer`'s key verifies the signature of `cert`.
fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let Some((family, Some(digest))) =
        algorithm::signature_algorithm(&cert.signature_algorithm().oid)
    else {
        return false;
    };
    let (Ok(tbs), Some(signature)) = (cert.tbs_certificate().to_der(), cert.signature().as_bytes())
    else {
        return false;
    };
    check_signature(issuer, family, digest, &tbs, signature) == Some(true)
}

/// The chain from `leaf` to one of `roots`, through the certificates of the
/// file; each certificate's signature is checked with its issuer's key.
fn build_chain<'a>(
    leaf: &'a Certificate,
    pool: &'a [Certificate],
    roots: &'a [Certificate],
) -> Result<Vec<&'a Certificate>, String> {
    const MAX_DEPTH: usize = 8;
    let mut chain = vec![leaf];
    let mut current = leaf;
    for _ in 0..MAX_DEPTH {
        if roots.contains(current) {
            return Ok(chain);
        }
        let issuer_name = current.tbs_certificate().issuer();
        let subject = current.tbs_certificate().subject();
        if let Some(root) = roots
            .iter()
            .find(|r| r.tbs_certificate().subject() == issuer_name && issued_by(current, r))
        {
            chain.push(root);
            return Ok(chain);
        }
        let named: Vec<&Certificate> = pool
            .iter()
            .filter(|c| *c != current && c.tbs_certificate().subject() == issuer_name)
            .collect();
        match named.iter().find(|c| issued_by(current, c)) {
            Some(next) if !chain.contains(next) => {
                chain.push(next);
                current = next;
            }
            Some(_) => break,
            None => {
                let by_name = roots
                    .iter()
                    .any(|r| r.tbs_certificate().subject() == issuer_name)
                    || !named.is_empty();
                return Err(if by_name {
                    format!(
                        "the signature of `{subject}` does not verify with the key of its issuer `{issuer_name}`: not issued by the given CA"
                    )
                } else {
                    format!(
                        "no chain to a given CA certificate: `{subject}` was issued by `{issuer_name}`, which is neither in the file nor among the CA certificates"
                    )
                });
            }
        }
    }
    Err(format!(
        "no chain to a given CA certificate from `{}`",
        leaf.tbs_certificate().subject()
    ))
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
