//! A signing identity: the signer certificate, its chain, and the private key
//! that matches the certificate.

use std::time::SystemTime;

use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::Certificate;

use super::algorithm::{ID_EC_PUBLIC_KEY, RSA_ENCRYPTION, SECP256R1, SECP384R1};
use super::{SignError, pem};

/// The kind of key a [`Signer`] signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with PKCS#1 v1.5 padding, SHA-256.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// ECDSA on P-256 with SHA-256.
    EcdsaP256,
    /// ECDSA on P-384 with SHA-384 (the pairing RFC 5754 recommends).
    EcdsaP384,
}

pub(crate) enum Key {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
}

/// A certificate, its chain, and the private key of the certificate.
///
/// Built with [`Signer::from_pem`] or [`Signer::from_pkcs12`]; both refuse a
/// key that does not belong to the certificate.
pub struct Signer {
    pub(crate) certificate: Certificate,
    pub(crate) chain: Vec<Certificate>,
    pub(crate) key: Key,
    pub(crate) kind: KeyKind,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("subject", &self.subject())
            .field("chain", &self.chain.len())
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads a signer from PEM: the certificate (a file holding several
    /// certificates gives the signer first, then its chain), the private key
    /// (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` or SEC1
    /// `EC PRIVATE KEY`, unencrypted), and optionally more chain certificates.
    pub fn from_pem(
        cert_pem: &[u8],
        key_pem: &[u8],
        chain_pem: Option<&[u8]>,
    ) -> Result<Self, SignError> {
        let mut certs = parse_pem_certificates(cert_pem, "signer")?.into_iter();
        let certificate = certs.next().ok_or(SignError::NoPem {
            what: "certificate",
            label: "CERTIFICATE",
        })?;
        let mut chain: Vec<Certificate> = certs.collect();
        if let Some(pem) = chain_pem {
            chain.extend(parse_pem_certificates(pem, "chain")?);
        }
        let (label, der) = private_key_block(key_pem)?;
        let key_kind = match label.as_str() {
            "PRIVATE KEY" => KeyEncoding::Pkcs8,
            "RSA PRIVATE KEY" => KeyEncoding::Pkcs1,
            "EC PRIVATE KEY" => KeyEncoding::Sec1,
            "ENCRYPTED PRIVATE KEY" => return Err(SignError::EncryptedKey),
            _ => {
                return Err(SignError::UnsupportedKey {
                    expected: format!(
                        "a `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY` PEM block, not `{label}`"
                    ),
                });
            }
        };
        Self::new(certificate, chain, &der, key_kind)
    }

    /// Reads a signer from a PKCS#12 (`.p12`, `.pfx`) file: OpenSSL 3 files
    /// (PBES2, AES-256, SHA-256 MAC) and legacy files (3DES, RC2-40, SHA-1 MAC)
    /// as the macOS Keychain and older tools export them.
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Self, SignError> {
        let store =
            p12_keystore::KeyStore::from_pkcs12(der, password).map_err(|err| match err {
                p12_keystore::error::Error::MacError(_) => SignError::Pkcs12Password,
                other => SignError::Pkcs12 {
                    source: Box::new(other),
                },
            })?;
        let (_alias, chain) = store.private_key_chain().ok_or(SignError::Pkcs12NoKey)?;
        let mut certs = chain
            .chain()
            .iter()
            .map(|c| {
                Certificate::from_der(c.as_der()).map_err(|source| SignError::Certificate {
                    what: "PKCS#12",
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let certificate = certs.next().ok_or(SignError::Pkcs12NoKey)?;
        Self::new(
            certificate,
            certs.collect(),
            chain.key(),
            KeyEncoding::Pkcs8,
        )
    }

    fn new(
        certificate: Certificate,
        chain: Vec<Certificate>,
        key_der: &[u8],
        encoding: KeyEncoding,
    ) -> Result<Self, SignError> {
        let subject = certificate.tbs_certificate().subject().to_string();
        let spki = certificate.tbs_certificate().subject_public_key_info();
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let unsupported = || SignError::UnsupportedCertificateKey {
            subject: subject.clone(),
            algorithm: match curve {
                Some(curve) => format!("{} ({curve})", spki.algorithm.oid),
                None => spki.algorithm.oid.to_string(),
            },
        };
        let (key, kind) = match spki.algorithm.oid {
            RSA_ENCRYPTION => {
                let bits = spki
                    .subject_public_key
                    .as_bytes()
                    .and_then(rsa_modulus_bits)
                    .ok_or_else(unsupported)?;
                if !(2048..=4096).contains(&bits) {
                    return Err(SignError::RsaKeySize { bits });
                }
                let key = match encoding {
                    KeyEncoding::Pkcs8 => RsaKeyPair::from_pkcs8(key_der),
                    KeyEncoding::Pkcs1 => RsaKeyPair::from_der(key_der),
                    KeyEncoding::Sec1 => {
                        return Err(SignError::KeyMismatch { subject });
                    }
                }
                .map_err(|_| mismatch_or_unreadable(key_der, &subject))?;
                (Key::Rsa(key), KeyKind::Rsa { bits })
            }
            ID_EC_PUBLIC_KEY => {
                let (algorithm, kind) = match curve {
                    Some(SECP256R1) => (
                        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                        KeyKind::EcdsaP256,
                    ),
                    Some(SECP384R1) => (
                        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                        KeyKind::EcdsaP384,
                    ),
                    _ => return Err(unsupported()),
                };
                let key = match encoding {
                    KeyEncoding::Pkcs8 => EcdsaKeyPair::from_pkcs8(algorithm, key_der),
                    KeyEncoding::Sec1 => EcdsaKeyPair::from_private_key_der(algorithm, key_der),
                    KeyEncoding::Pkcs1 => return Err(SignError::KeyMismatch { subject }),
                }
                .map_err(|_| mismatch_or_unreadable(key_der, &subject))?;
                (Key::Ecdsa(key), kind)
            }
            _ => return Err(unsupported()),
        };
        let public = match &key {
            Key::Rsa(k) => k.public_key().as_ref().to_vec(),
            Key::Ecdsa(k) => k.public_key().as_ref().to_vec(),
        };
        if spki.subject_public_key.as_bytes() != Some(public.as_slice()) {
            return Err(SignError::KeyMismatch { subject });
        }
        Ok(Self {
            certificate,
            chain,
            key,
            kind,
        })
    }

    /// The signer certificate's subject, as an RFC 4514 string.
    pub fn subject(&self) -> String {
        self.certificate.tbs_certificate().subject().to_string()
    }

    /// The kind of key this signer signs with.
    pub fn key_kind(&self) -> KeyKind {
        self.kind
    }

    /// How many chain certificates go with the signer certificate.
    pub fn chain_len(&self) -> usize {
        self.chain.len()
    }

    /// The signer certificate in DER.
    pub fn certificate_der(&self) -> Result<Vec<u8>, SignError> {
        self.certificate
            .to_der()
            .map_err(|source| SignError::Encode { source })
    }

    /// Checks that the signer certificate is valid at `at`; an expired or not
    /// yet valid certificate gives [`SignError::CertificateValidity`].
    pub fn check_validity(&self, at: SystemTime) -> Result<(), SignError> {
        let validity = self.certificate.tbs_certificate().validity();
        let state = if at > validity.not_after.to_system_time() {
            "expired"
        } else if at < validity.not_before.to_system_time() {
            "is not yet valid"
        } else {
            return Ok(());
        };
        Err(SignError::CertificateValidity {
            subject: self.subject(),
            state,
            not_before: validity.not_before.to_date_time().to_string(),
            not_after: validity.not_after.to_date_time().to_string(),
        })
    }
}

/// `RSAPublicKey` (RFC 8017 A.1.1), the content of an RSA certificate's key.
#[derive(der::Sequence)]
struct RsaPublicKey<'a> {
    modulus: der::asn1::UintRef<'a>,
    public_exponent: der::asn1::UintRef<'a>,
}

/// The size in bits of an RSA public key's modulus.
pub(crate) fn rsa_modulus_bits(public_key: &[u8]) -> Option<usize> {
    let key = RsaPublicKey::from_der(public_key).ok()?;
    let _ = key.public_exponent;
    let modulus = key.modulus.as_bytes();
    let first = *modulus.first()?;
    Some(modulus.len() * 8 - first.leading_zeros() as usize)
}

#[derive(Clone, Copy)]
enum KeyEncoding {
    Pkcs8,
    Pkcs1,
    Sec1,
}

/// A key that parses as some other kind of key does not match the
/// certificate; one that parses as nothing is unreadable.
fn mismatch_or_unreadable(key_der: &[u8], subject: &str) -> SignError {
    let parses_as_other = RsaKeyPair::from_pkcs8(key_der).is_ok()
        || RsaKeyPair::from_der(key_der).is_ok()
        || [
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        ]
        .into_iter()
        .any(|alg| EcdsaKeyPair::from_private_key_der(alg, key_der).is_ok());
    if parses_as_other {
        SignError::KeyMismatch {
            subject: subject.to_string(),
        }
    } else {
        SignError::UnsupportedKey {
            expected: "an RSA (2048 to 4096 bits) or ECDSA P-256 or P-384 private key".into(),
        }
    }
}

fn private_key_block(pem: &[u8]) -> Result<(String, Vec<u8>), SignError> {
    let (label, block) = pem::blocks(pem)
        .into_iter()
        .find(|(label, _)| label.ends_with("PRIVATE KEY"))
        .ok_or(SignError::NoPem {
            what: "private key",
            label: "PRIVATE KEY",
        })?;
    if pem::find(block, b"Proc-Type: 4,ENCRYPTED").is_some() {
        return Err(SignError::EncryptedKey);
    }
    let der = pem::decode(block).map_err(|source| SignError::Pem {
        what: "private key",
        source: source.into(),
    })?;
    Ok((label, der))
}

/// Reads every `CERTIFICATE` block of a PEM text; `what` names the input in errors.
pub(crate) fn parse_pem_certificates(
    pem: &[u8],
    what: &'static str,
) -> Result<Vec<Certificate>, SignError> {
    let certs = pem::blocks(pem)
        .into_iter()
        .filter(|(label, _)| label == "CERTIFICATE")
        .map(|(_, block)| {
            let der = pem::decode(block).map_err(|source| SignError::Pem {
                what: "certificate",
                source: source.into(),
            })?;
            Certificate::from_der(&der).map_err(|source| SignError::Certificate { what, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(SignError::NoPem {
            what: "certificate",
            label: "CERTIFICATE",
        });
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_damaged_pem_have_exact_messages() {
        let err = Signer::from_pem(b"", b"", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no certificate found: expected a `-----BEGIN CERTIFICATE-----` block"
        );
        let bad = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        let err = Signer::from_pem(bad, b"", None).unwrap_err();
        assert_eq!(err.to_string(), "cannot decode the certificate PEM block");
        let err =
            private_key_block(b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")
                .unwrap_err();
        assert_eq!(err.to_string(), "cannot decode the private key PEM block");
        let legacy = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            private_key_block(legacy),
            Err(SignError::EncryptedKey)
        ));
    }

    #[test]
    fn finds_the_key_among_other_blocks() {
        let pem = b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n\
            -----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n";
        let (label, der) = private_key_block(pem).unwrap();
        assert_eq!(label, "EC PRIVATE KEY");
        assert_eq!(der, [0x30, 0x00]);
        assert_eq!(pem::blocks(b"-----BEGIN X-----\nno end").len(), 0);
    }

    #[test]
    fn a_damaged_pkcs12_file_is_refused() {
        let err = Signer::from_pkcs12(b"junk", "pw").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read the PKCS#12 file (wrong password or damaged file)"
        );
    }

    #[test]
    fn measures_rsa_moduli() {
        // SEQUENCE { INTEGER 0x00ff.. (2 bytes of modulus), INTEGER 3 }
        assert_eq!(
            rsa_modulus_bits(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x81, 0x02, 0x01, 0x03]),
            Some(8)
        );
        assert_eq!(
            rsa_modulus_bits(&[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03]),
            Some(3)
        );
        assert_eq!(rsa_modulus_bits(b"junk"), None);
    }
}
