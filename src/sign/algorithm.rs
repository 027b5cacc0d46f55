//! Object identifiers of the algorithms and attributes this module reads and
//! writes, and their mapping to the signature backend (aws-lc-rs).

use aws_lc_rs::{digest, signature};
use der::asn1::ObjectIdentifier;

pub(crate) const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub(crate) const ID_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub(crate) const ID_CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub(crate) const ID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub(crate) const ID_SIGNING_TIME: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");

pub(crate) const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
pub(crate) const ID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const ID_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const ID_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
pub(crate) const ID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
pub(crate) const ECDSA_WITH_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const ECDSA_WITH_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
pub(crate) const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// A digest algorithm this module computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Digest {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            ID_SHA1 => Some(Self::Sha1),
            ID_SHA256 => Some(Self::Sha256),
            ID_SHA384 => Some(Self::Sha384),
            ID_SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }

    pub(crate) fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => ID_SHA1,
            Self::Sha256 => ID_SHA256,
            Self::Sha384 => ID_SHA384,
            Self::Sha512 => ID_SHA512,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    pub(crate) fn compute(self, bytes: &[u8]) -> Vec<u8> {
        let algorithm = match self {
            Self::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
            Self::Sha512 => &digest::SHA512,
        };
        digest::digest(algorithm, bytes).as_ref().to_vec()
    }
}

/// The public-key family of a signature algorithm identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Rsa,
    Ecdsa,
}

/// Reads a signature algorithm identifier: its key family and, when the
/// identifier names one, its digest (`rsaEncryption` alone does not).
pub(crate) fn signature_algorithm(oid: &ObjectIdentifier) -> Option<(Family, Option<Digest>)> {
    Some(match *oid {
        RSA_ENCRYPTION => (Family::Rsa, None),
        SHA1_WITH_RSA => (Family::Rsa, Some(Digest::Sha1)),
        SHA256_WITH_RSA => (Family::Rsa, Some(Digest::Sha256)),
        SHA384_WITH_RSA => (Family::Rsa, Some(Digest::Sha384)),
        SHA512_WITH_RSA => (Family::Rsa, Some(Digest::Sha512)),
        ID_EC_PUBLIC_KEY => (Family::Ecdsa, None),
        ECDSA_WITH_SHA1 => (Family::Ecdsa, Some(Digest::Sha1)),
        ECDSA_WITH_SHA256 => (Family::Ecdsa, Some(Digest::Sha256)),
        ECDSA_WITH_SHA384 => (Family::Ecdsa, Some(Digest::Sha384)),
        ECDSA_WITH_SHA512 => (Family::Ecdsa, Some(Digest::Sha512)),
        _ => return None,
    })
}

/// A human name for a signature algorithm identifier.
pub(crate) fn signature_name(oid: &ObjectIdentifier) -> String {
    match *oid {
        RSA_ENCRYPTION => "rsaEncryption".into(),
        SHA1_WITH_RSA => "sha1WithRSAEncryption".into(),
        SHA256_WITH_RSA => "sha256WithRSAEncryption".into(),
        SHA384_WITH_RSA => "sha384WithRSAEncryption".into(),
        SHA512_WITH_RSA => "sha512WithRSAEncryption".into(),
        ID_EC_PUBLIC_KEY => "id-ecPublicKey".into(),
        ECDSA_WITH_SHA1 => "ecdsa-with-SHA1".into(),
        ECDSA_WITH_SHA256 => "ecdsa-with-SHA256".into(),
        ECDSA_WITH_SHA384 => "ecdsa-with-SHA384".into(),
        ECDSA_WITH_SHA512 => "ecdsa-with-SHA512".into(),
        other => other.to_string(),
    }
}

/// A human name for a digest algorithm identifier.
pub(crate) fn digest_name(oid: &ObjectIdentifier) -> String {
    Digest::from_oid(oid).map_or_else(|| oid.to_string(), |d| d.name().to_string())
}

/// The aws-lc-rs verification algorithm for a key (read from its
/// `SubjectPublicKeyInfo`), a signature family and a digest. RSA keys of
/// 1024 to 2047 bits (`rsa_bits`) are verified with the backend's legacy
/// parameters, which have no SHA-384 variant; shorter ones not at all.
pub(crate) fn verification_algorithm(
    key_algorithm: &ObjectIdentifier,
    curve: Option<&ObjectIdentifier>,
    rsa_bits: Option<usize>,
    family: Family,
    digest: Digest,
) -> Option<&'static dyn signature::VerificationAlgorithm> {
    match (family, *key_algorithm) {
        (Family::Rsa, RSA_ENCRYPTION) if rsa_bits.is_some_and(|bits| bits < 2048) => {
            Some(match digest {
                Digest::Sha1 => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                Digest::Sha256 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                Digest::Sha384 => return None,
                Digest::Sha512 => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            })
        }
        (Family::Rsa, RSA_ENCRYPTION) => Some(match digest {
            Digest::Sha1 => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Digest::Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Digest::Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        }),
        (Family::Ecdsa, ID_EC_PUBLIC_KEY) => match (curve.copied(), digest) {
            (Some(SECP256R1), Digest::Sha1) => Some(&signature::ECDSA_P256_SHA1_ASN1),
            (Some(SECP256R1), Digest::Sha256) => Some(&signature::ECDSA_P256_SHA256_ASN1),
            (Some(SECP256R1), Digest::Sha384) => Some(&signature::ECDSA_P256_SHA384_ASN1),
            (Some(SECP256R1), Digest::Sha512) => Some(&signature::ECDSA_P256_SHA512_ASN1),
            (Some(SECP384R1), Digest::Sha256) => Some(&signature::ECDSA_P384_SHA256_ASN1),
            (Some(SECP384R1), Digest::Sha384) => Some(&signature::ECDSA_P384_SHA384_ASN1),
            (Some(SECP384R1), Digest::Sha512) => Some(&signature::ECDSA_P384_SHA512_ASN1),
            _ => None,
        },
        _ => None,
    }
}

/// The smallest RSA modulus verified at all, and the smallest not reported
/// as weak.
pub(crate) const RSA_MIN_VERIFIED_BITS: usize = 1024;
pub(crate) const RSA_MIN_STRONG_BITS: usize = 2048;

pub(crate) const ID_KP_EMAIL_PROTECTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
pub(crate) const ANY_EXTENDED_KEY_USAGE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.5.29.37.0");

/// A human name for an extended key usage.
pub(crate) fn key_purpose_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.6.1.5.5.7.3.1" => "serverAuth".into(),
        "1.3.6.1.5.5.7.3.2" => "clientAuth".into(),
        "1.3.6.1.5.5.7.3.3" => "codeSigning".into(),
        "1.3.6.1.5.5.7.3.4" => "emailProtection".into(),
        "1.3.6.1.5.5.7.3.8" => "timeStamping".into(),
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning".into(),
        "2.5.29.37.0" => "anyExtendedKeyUsage".into(),
        other => other.to_string(),
    }
}
