//! CMS (PKCS#7) signing and verification of configuration profiles: the only
//! module that knows the CMS, X.509, DER and PKCS#12 crates.
//!
//! - [`Signer`] holds a certificate, its chain and the matching private key,
//!   read from PEM files or a PKCS#12 file.
//! - [`sign`] wraps a profile in a DER CMS `SignedData` that OpenSSL and macOS
//!   accept: the profile is the encapsulated content (`id-data`), the
//!   certificates are included, and the signed attributes hold the content
//!   type, the message digest and (unless omitted) the signing time.
//! - [`open`] reads a signed profile, DER or BER (indefinite lengths and
//!   chunked content, as Apple's tools and `openssl cms -stream` write them),
//!   and [`verify`] checks it. Verification problems are data
//!   ([`Verification::problems`]), not errors: an [`Error`](SignError) means the
//!   input could not be read at all.
//!
//! PEM input (certificates, keys, CA files) is read as OpenSSL reads it:
//! base64 lines of any length (64 or 76 columns, or one line), LF or CRLF.
//!
//! # Chain policy
//!
//! Without CA certificates ([`VerifyOptions::add_roots_pem`], `--ca`), only
//! the signature, the signer certificate's validity and the algorithms are
//! checked. With them, [`verify`] builds the chain from the signer through
//! the certificates of the file to a given CA certificate (the trust anchor:
//! any given certificate, self-signed or not), checking each certificate's
//! signature with its issuer's key, and walks at most 10 certificates
//! (signer and anchor included; [`ProblemKind::ChainTooLong`] past that). A
//! certificate is used once in a chain, so certificates that issued each
//! other, or one that names itself as its issuer without being self-signed,
//! end the walk ([`ProblemKind::UntrustedChain`]). On the chain, as RFC 5280
//! path validation and `openssl cms -verify` (purpose `smimesign`) check:
//!
//! - every issuer is a CA: basic constraints with `cA: true`
//!   ([`ProblemKind::NotACa`]). A certificate without basic constraints (a
//!   version 1 certificate) is a CA only when it is itself the trust anchor;
//! - a CA's `pathLenConstraint` bounds the non-self-issued intermediate CAs
//!   below it ([`ProblemKind::PathLengthExceeded`]), the anchor's included,
//!   as OpenSSL does;
//! - an issuer with a key usage extension has `keyCertSign`
//!   ([`ProblemKind::IssuerKeyUsage`]);
//! - a signer with a key usage extension has `digitalSignature` or
//!   `nonRepudiation` ([`ProblemKind::SignerKeyUsage`]);
//! - any certificate of the chain with an extended key usage extension lists
//!   `emailProtection` ([`ProblemKind::ExtendedKeyUsage`]): OpenSSL's S/MIME
//!   purpose, which refuses `serverAuth` alone and also
//!   `anyExtendedKeyUsage` alone (RFC 5280 lets an application that needs a
//!   particular purpose refuse it);
//! - an extension among these that cannot be decoded, or appears twice, is
//!   [`ProblemKind::InvalidExtension`].
//!
//! Validity: every certificate checked (the signer, and with CA certificates
//! the whole chain) is checked at the signing time of the signed attributes
//! when there is one, otherwise now. A certificate that had expired by then
//! is an error ([`ProblemKind::CertificateExpired`]), and so is one not valid
//! yet now ([`ProblemKind::CertificateNotYetValid`]): `openssl cms -verify`
//! refuses both. A certificate valid at the signing time that has expired
//! since is a warning ([`ProblemKind::CertificateExpired`]), and so is a
//! signing time before a certificate's validity began while it is valid now
//! ([`ProblemKind::NotValidAtSigningTime`]: a signing time pinned in the
//! past, or a wrong clock); both are errors with [`VerifyOptions::strict`],
//! which then agrees with OpenSSL's check of every certificate at the
//! current time.
//!
//! # Weak algorithms
//!
//! - SHA-1, as the digest or in the signature algorithm of the signature or
//!   of a certificate relied on in the chain, is a warning
//!   ([`ProblemKind::WeakDigest`]); the signature is still verified, and
//!   a wrong one is still an error.
//! - An RSA key of 1024 to 2047 bits (the signer's or a CA's) is a warning
//!   ([`ProblemKind::WeakKey`]) and is verified (with SHA-1, SHA-256 or
//!   SHA-512; the backend has no SHA-384 for such keys). An RSA key under
//!   1024 bits is an error: it can be factored, so it is not verified.
//! - [`sign`] never makes such signatures: it signs with SHA-256 or SHA-384,
//!   and [`Signer`] refuses RSA keys outside 2048 to 4096 bits.

mod algorithm;
mod chain;
pub(crate) mod create;
mod error;
mod open;
mod pem;
mod signer;
mod verify;

pub(crate) use create::start_random;
pub use create::{SigningTime, placeholders, sign};
pub use error::SignError;
pub use open::{SignedProfile, looks_signed, open};
pub use signer::{KeyKind, Signer};
pub use verify::{
    Problem, ProblemKind, Severity, SignerDetails, Verification, VerifyOptions, verify,
};

/// The document of `verify --format json`: the file, whether its signature is
/// valid, and the [`Verification`]'s fields.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyReport<'a> {
    /// The file as named.
    pub file: String,
    /// [`Verification::is_valid`].
    pub valid: bool,
    /// What was checked and found.
    #[serde(flatten)]
    pub verification: &'a Verification,
}

impl<'a> VerifyReport<'a> {
    /// The report of `verification` for `file`.
    pub fn new(file: impl Into<String>, verification: &'a Verification) -> Self {
        VerifyReport {
            file: file.into(),
            valid: verification.is_valid(),
            verification,
        }
    }
}
