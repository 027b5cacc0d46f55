//! The certificate chain from a signer to a trust anchor (a `--ca`
//! certificate), and the RFC 5280 path checks that `openssl cms -verify`
//! makes for the S/MIME signing purpose: basic constraints, path length,
//! key usage and extended key usage. The policy is written down in the
//! [module documentation](super).

use der::Encode;
use der::asn1::ObjectIdentifier;
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};

use super::algorithm::{
    self, ANY_EXTENDED_KEY_USAGE, Digest, ID_KP_EMAIL_PROTECTION, RSA_ENCRYPTION,
    RSA_MIN_STRONG_BITS, RSA_MIN_VERIFIED_BITS, key_purpose_name, signature_name,
};
use super::signer::rsa_modulus_bits;
use super::verify::{ProblemKind, Severity};

/// The most certificates a chain may hold, the signer and the trust anchor
/// included: longer chains are not walked ([`ProblemKind::ChainTooLong`]).
pub(crate) const MAX_CHAIN: usize = 10;

/// The most certificates of the issuer's name tried as the issuer of a
/// certificate, the given CA certificates first: a file of thousands of
/// look-alike CA certificates costs at most this many signature checks per
/// link.
const MAX_CANDIDATES: usize = 16;

/// A problem found on the chain: what [`super::Verification`] records.
pub(crate) type Found = (ProblemKind, Severity, String);

/// The outcome of checking a signature with a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    Valid,
    Invalid,
    /// The key and algorithm are not supported.
    Unsupported,
    /// An RSA key too short to be verified at all, with its size.
    KeyTooShort(usize),
}

/// The size of an RSA certificate key in bits; `None` for other keys.
pub(crate) fn rsa_bits(cert: &Certificate) -> Option<usize> {
    let spki = cert.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return None;
    }
    spki.subject_public_key
        .as_bytes()
        .and_then(rsa_modulus_bits)
}

/// Verifies `signature` over `message` with the public key of `cert`.
pub(crate) fn check_signature(
    cert: &Certificate,
    family: algorithm::Family,
    digest: Digest,
    message: &[u8],
    signature: &[u8],
) -> Check {
    let spki = cert.tbs_certificate().subject_public_key_info();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let bits = rsa_bits(cert);
    if let Some(bits) = bits.filter(|&bits| bits < RSA_MIN_VERIFIED_BITS) {
        return Check::KeyTooShort(bits);
    }
    let Some(algorithm) = algorithm::verification_algorithm(
        &spki.algorithm.oid,
        curve.as_ref(),
        bits,
        family,
        digest,
    ) else {
        return Check::Unsupported;
    };
    let Some(key) = spki.subject_public_key.as_bytes() else {
        return Check::Unsupported;
    };
    match aws_lc_rs::signature::UnparsedPublicKey::new(algorithm, key).verify(message, signature) {
        Ok(()) => Check::Valid,
        Err(_) => Check::Invalid,
    }
}

/// Whether `issuer`'s key verifies the signature of `cert`. The signature
/// algorithm outside the signed part must be the one inside it (RFC 5280
/// §4.1.1.2), as OpenSSL also requires.
fn issued_by(cert: &Certificate, issuer: &Certificate) -> Check {
    if cert.signature_algorithm() != cert.tbs_certificate().signature() {
        return Check::Invalid;
    }
    let Some((family, Some(digest))) =
        algorithm::signature_algorithm(&cert.signature_algorithm().oid)
    else {
        return Check::Unsupported;
    };
    let (Ok(tbs), Some(signature)) = (cert.tbs_certificate().to_der(), cert.signature().as_bytes())
    else {
        return Check::Invalid;
    };
    check_signature(issuer, family, digest, &tbs, signature)
}

fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate().subject().to_string()
}

/// Issuer name equals subject name (RFC 5280: self-issued; a self-signed
/// certificate is also self-issued).
fn self_issued(cert: &Certificate) -> bool {
    cert.tbs_certificate().issuer() == cert.tbs_certificate().subject()
}

/// The chain from `leaf` to one of `roots`, through the certificates of the
/// file; each certificate's signature is checked with its issuer's key. At
/// most [`MAX_CHAIN`] certificates are walked, and a certificate is used once
/// (a loop of certificates that issued each other ends the walk).
pub(crate) fn build<'a>(
    leaf: &'a Certificate,
    pool: &'a [Certificate],
    roots: &'a [Certificate],
) -> Result<Vec<&'a Certificate>, Found> {
    let mut chain = vec![leaf];
    let mut current = leaf;
    loop {
        if roots.contains(current) {
            return Ok(chain);
        }
        if chain.len() >= MAX_CHAIN {
            return Err((
                ProblemKind::ChainTooLong,
                Severity::Error,
                format!(
                    "the chain from `{}` holds more than {MAX_CHAIN} certificates without reaching a given CA certificate; longer chains are not walked",
                    subject(leaf)
                ),
            ));
        }
        let issuer_name = current.tbs_certificate().issuer();
        let candidates = roots
            .iter()
            .map(|c| (c, true))
            .chain(pool.iter().map(|c| (c, false)))
            .filter(|(c, _)| c.tbs_certificate().subject() == issuer_name)
            .take(MAX_CANDIDATES);
        let mut short_key = None;
        let mut looped = false;
        let mut found = None;
        for (candidate, is_root) in candidates {
            if candidate == current {
                continue;
            }
            match issued_by(current, candidate) {
                Check::Valid if chain.contains(&candidate) => looped = true,
                Check::Valid => {
                    found = Some((candidate, is_root));
                    break;
                }
                Check::KeyTooShort(bits) => short_key = Some((candidate, bits)),
                Check::Invalid | Check::Unsupported => {}
            }
        }
        match found {
            Some((root, true)) => {
                chain.push(root);
                return Ok(chain);
            }
            Some((next, false)) => {
                chain.push(next);
                current = next;
            }
            None => return Err(no_issuer(current, roots, pool, short_key, looped)),
        }
    }
}

/// Why no issuer was found for `cert`.
fn no_issuer(
    cert: &Certificate,
    roots: &[Certificate],
    pool: &[Certificate],
    short_key: Option<(&Certificate, usize)>,
    looped: bool,
) -> Found {
    let name = subject(cert);
    let issuer_name = cert.tbs_certificate().issuer();
    if let Some((issuer, bits)) = short_key {
        return (
            ProblemKind::WeakKey,
            Severity::Error,
            format!(
                "the issuer `{}` of `{name}` has a {bits}-bit RSA key: keys under {RSA_MIN_VERIFIED_BITS} bits can be factored and are not verified",
                subject(issuer)
            ),
        );
    }
    let message = if looped {
        format!(
            "the chain loops: `{name}` was issued by `{issuer_name}`, already in the chain, and no given CA certificate is reached"
        )
    } else if roots
        .iter()
        .chain(pool)
        .any(|c| c != cert && c.tbs_certificate().subject() == issuer_name)
    {
        format!(
            "the signature of `{name}` does not verify with the key of its issuer `{issuer_name}`: not issued by the given CA"
        )
    } else {
        format!(
            "no chain to a given CA certificate: `{name}` was issued by `{issuer_name}`, which is neither in the file nor among the CA certificates"
        )
    };
    (ProblemKind::UntrustedChain, Severity::Error, message)
}

/// The extensions the path checks read, each `None` when absent.
struct Extensions {
    basic: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    extended: Option<ExtendedKeyUsage>,
    any: bool,
}

impl Extensions {
    fn read(cert: &Certificate, found: &mut Vec<Found>) -> Self {
        let tbs = cert.tbs_certificate();
        let mut bad = |what: &str| {
            found.push((
                ProblemKind::InvalidExtension,
                Severity::Error,
                format!(
                    "the {what} extension of `{}` cannot be read (malformed or repeated)",
                    subject(cert)
                ),
            ));
        };
        let basic = tbs
            .get_extension::<BasicConstraints>()
            .unwrap_or_else(|_| {
                bad("basic constraints");
                None
            })
            .map(|(_, v)| v);
        let key_usage = tbs
            .get_extension::<KeyUsage>()
            .unwrap_or_else(|_| {
                bad("key usage");
                None
            })
            .map(|(_, v)| v);
        let extended = tbs
            .get_extension::<ExtendedKeyUsage>()
            .unwrap_or_else(|_| {
                bad("extended key usage");
                None
            })
            .map(|(_, v)| v);
        Self {
            basic,
            key_usage,
            extended,
            any: tbs.extensions().is_some_and(|e| !e.is_empty()),
        }
    }
}

/// Checks a chain built by [`build`] (signer first, trust anchor last) as
/// `openssl cms -verify` does for the S/MIME signing purpose; see the
/// module documentation of [`super`] for the policy.
pub(crate) fn check_path(path: &[&Certificate], found: &mut Vec<Found>) {
    use ProblemKind as K;
    use Severity::{Error, Warning};
    let last = path.len().saturating_sub(1);
    for (index, &cert) in path.iter().enumerate() {
        let name = subject(cert);
        let ext = Extensions::read(cert, found);
        if let Some(eku) = &ext.extended
            && !eku.0.contains(&ID_KP_EMAIL_PROTECTION)
        {
            let purposes: Vec<String> = eku.0.iter().map(key_purpose_name).collect();
            let any = if eku.0.contains(&ANY_EXTENDED_KEY_USAGE) {
                " (anyExtendedKeyUsage alone does not stand for it, as in OpenSSL)"
            } else {
                ""
            };
            let role = if index == 0 { "signer" } else { "CA" };
            found.push((
                K::ExtendedKeyUsage,
                Error,
                format!(
                    "the {role} certificate `{name}` limits its extended key usage to {}, without emailProtection{any}: not valid for signing profiles (S/MIME)",
                    purposes.join(", ")
                ),
            ));
        }
        if index == 0 {
            if let Some(ku) = &ext.key_usage
                && !(ku.digital_signature() || ku.non_repudiation())
            {
                found.push((
                    K::SignerKeyUsage,
                    Error,
                    format!(
                        "the signer certificate `{name}` has a key usage without digitalSignature or nonRepudiation: its key may not sign"
                    ),
                ));
            }
        } else {
            // An issuer: every certificate above the signer.
            let anchor = index == last;
            let issued = subject(path[index - 1]);
            match &ext.basic {
                Some(basic) if basic.ca => {}
                Some(_) => found.push((
                    K::NotACa,
                    Error,
                    format!(
                        "`{name}` issued `{issued}` but is not a CA certificate (basicConstraints cA is false)"
                    ),
                )),
                // A trust anchor without basic constraints (a version 1
                // root) is a CA because `--ca` names it.
                None if anchor => {}
                None if cert.tbs_certificate().version() != Version::V3 && !ext.any => found.push((
                    K::NotACa,
                    Error,
                    format!(
                        "`{name}` issued `{issued}` but is a version 1 certificate without extensions: not a CA unless it is given as a CA certificate itself"
                    ),
                )),
                None => found.push((
                    K::NotACa,
                    Error,
                    format!(
                        "`{name}` issued `{issued}` but is not a CA certificate (no basicConstraints extension)"
                    ),
                )),
            }
            if let Some(ku) = &ext.key_usage
                && !ku.key_cert_sign()
            {
                found.push((
                    K::IssuerKeyUsage,
                    Error,
                    format!(
                        "`{name}` issued `{issued}` but its key usage lacks keyCertSign: its key may not sign certificates"
                    ),
                ));
            }
            if let Some(limit) = ext.basic.as_ref().and_then(|b| b.path_len_constraint) {
                let below = path[1..index].iter().filter(|c| !self_issued(c)).count();
                if below > usize::from(limit) {
                    found.push((
                        K::PathLengthExceeded,
                        Error,
                        format!(
                            "`{name}` allows {limit} intermediate CA certificate(s) below it (pathLenConstraint) and the chain has {below}"
                        ),
                    ));
                }
            }
            if let Some(bits) = rsa_bits(cert).filter(|&b| b < RSA_MIN_STRONG_BITS) {
                found.push((
                    K::WeakKey,
                    Warning,
                    format!(
                        "the CA certificate `{name}` has a {bits}-bit RSA key: under {RSA_MIN_STRONG_BITS} bits it can be factored by a determined attacker; the chain was still verified"
                    ),
                ));
            }
        }
        // The certificate's own signature, checked with the next one's key;
        // the trust anchor's self-signature is not relied on.
        if index < last
            && let Some((_, Some(Digest::Sha1))) =
                algorithm::signature_algorithm(&cert.signature_algorithm().oid)
        {
            found.push((
                K::WeakDigest,
                Warning,
                format!(
                    "the certificate `{name}` is signed with SHA-1 ({}): SHA-1 collisions can be computed, so a look-alike certificate can be forged; the chain was still verified",
                    signature_name(&cert.signature_algorithm().oid)
                ),
            ));
        }
    }
}
