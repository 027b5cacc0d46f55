//! Why a signing identity, a signature or a signed file could not be used.

/// An input of the signing module could not be used: a certificate, a key, a
/// PKCS#12 file, or a file that is not CMS signed data at all.
///
/// A signature that does not verify is not an error: it is a
/// [`Problem`](super::Problem) of a [`Verification`](super::Verification).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// No PEM block of the expected kind was found.
    #[error("no {what} found: expected a `-----BEGIN {label}-----` block")]
    NoPem {
        /// What was looked for (`certificate`, `private key`).
        what: &'static str,
        /// The PEM label expected.
        label: &'static str,
    },
    /// A PEM block could not be decoded.
    #[error("cannot decode the {what} PEM block")]
    Pem {
        /// What was being read.
        what: &'static str,
        /// The decoder's error.
        #[source]
        source: der::Error,
    },
    /// A certificate could not be parsed.
    #[error("cannot parse the {what} certificate")]
    Certificate {
        /// Which certificate (`signer`, `chain`, `CA`).
        what: &'static str,
        /// The parser's error.
        #[source]
        source: der::Error,
    },
    /// The private key is encrypted.
    #[error(
        "the private key is encrypted; decrypt it first (`openssl pkey -in key.pem -out plain.pem`) or use a PKCS#12 file"
    )]
    EncryptedKey,
    /// The private key is of a kind this module does not sign with.
    #[error("cannot use the private key: expected {expected}")]
    UnsupportedKey {
        /// What would have been accepted.
        expected: String,
    },
    /// The certificate's public key is of a kind this module does not sign with.
    #[error(
        "the certificate `{subject}` holds a {algorithm} key: expected RSA (2048 to 4096 bits) or ECDSA P-256 or P-384"
    )]
    UnsupportedCertificateKey {
        /// The certificate's subject.
        subject: String,
        /// The key's algorithm.
        algorithm: String,
    },
    /// The RSA key is too small or too large.
    #[error("the RSA key has {bits} bits: expected 2048 to 4096")]
    RsaKeySize {
        /// The modulus size.
        bits: usize,
    },
    /// The private key is not the key of the certificate.
    #[error("the private key does not match the certificate `{subject}`")]
    KeyMismatch {
        /// The certificate's subject.
        subject: String,
    },
    /// The PKCS#12 password is wrong (its integrity check failed).
    #[error("wrong PKCS#12 password (the integrity check failed)")]
    Pkcs12Password,
    /// The PKCS#12 file could not be read.
    #[error("cannot read the PKCS#12 file (wrong password or damaged file)")]
    Pkcs12 {
        /// The PKCS#12 reader's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The PKCS#12 file holds no private key with a certificate.
    #[error("the PKCS#12 file holds no private key with its certificate")]
    Pkcs12NoKey,
    /// The signer certificate is not valid at the time checked.
    #[error("the signer certificate `{subject}` {state} ({not_before} to {not_after})")]
    CertificateValidity {
        /// The certificate's subject.
        subject: String,
        /// `expired` or `is not yet valid`.
        state: &'static str,
        /// Start of validity (RFC 3339).
        not_before: String,
        /// End of validity (RFC 3339).
        not_after: String,
    },
    /// The signing time cannot be encoded.
    #[error("the signing time is out of range: expected a time between 1970 and 9999")]
    SigningTime,
    /// The CMS structure could not be encoded.
    #[error("cannot encode the CMS signed data")]
    Encode {
        /// The encoder's error.
        #[source]
        source: der::Error,
    },
    /// The signature could not be computed.
    #[error("the signature could not be computed")]
    Crypto,
    /// The bytes are not a CMS message.
    #[error("not a CMS signed message (DER or BER)")]
    NotCms {
        /// The decoder's error.
        #[source]
        source: der::Error,
    },
    /// The CMS message is not signed data.
    #[error("the CMS message is `{content_type}`, not signed data (1.2.840.113549.1.7.2)")]
    NotSignedData {
        /// The content type found.
        content_type: String,
    },
    /// The signed data holds no encapsulated content.
    #[error("the signed data holds no content (a detached signature): expected the profile inside")]
    Detached,
    /// The encapsulated content is not an OCTET STRING.
    #[error("the signed content is not an OCTET STRING")]
    ContentEncoding,
    /// The signed data has no signer.
    #[error("the signed data has no signer")]
    NoSigner,
}
