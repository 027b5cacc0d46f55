//! Making a CMS signed profile: `SignedData` with the profile encapsulated.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Encode, Tag};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::time::Time;

use super::SignError;
use super::algorithm::{
    Digest, ECDSA_WITH_SHA256, ECDSA_WITH_SHA384, ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST,
    ID_SIGNED_DATA, ID_SIGNING_TIME, RSA_ENCRYPTION,
};
use super::signer::{Key, KeyKind, Signer};

/// The signing time written in the signed attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningTime {
    /// The current time (whole seconds).
    Now,
    /// A fixed time (whole seconds), so that the output can be reproduced.
    At(SystemTime),
    /// No signing-time attribute.
    Omit,
}

/// Signs `content` (the profile's bytes, unchanged) and returns a DER CMS
/// `ContentInfo` holding `SignedData`.
///
/// The content is encapsulated (content type `id-data`); the signer
/// certificate and its chain are included; the signed attributes are the
/// content type, the message digest and, unless [`SigningTime::Omit`], the
/// signing time. RSA keys sign with PKCS#1 v1.5 and SHA-256 (deterministic:
/// a pinned signing time gives the same bytes every time), P-256 keys with
/// ECDSA and SHA-256, P-384 keys with ECDSA and SHA-384.
pub fn sign(
    content: &[u8],
    signer: &Signer,
    signing_time: SigningTime,
) -> Result<Vec<u8>, SignError> {
    let encode = |source| SignError::Encode { source };
    let (digest, signature_algorithm) = match signer.kind {
        KeyKind::Rsa { .. } => (
            Digest::Sha256,
            AlgorithmIdentifierOwned {
                oid: RSA_ENCRYPTION,
                parameters: Some(Any::null()),
            },
        ),
        KeyKind::EcdsaP256 => (
            Digest::Sha256,
            AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA256,
                parameters: None,
            },
        ),
        KeyKind::EcdsaP384 => (
            Digest::Sha384,
            AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA384,
                parameters: None,
            },
        ),
    };
    let digest_algorithm = AlgorithmIdentifierOwned {
        oid: digest.oid(),
        parameters: None,
    };

    let mut attributes = vec![
        attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA).map_err(encode)?)?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::new(Tag::OctetString, digest.compute(content)).map_err(encode)?,
        )?,
    ];
    let time = match signing_time {
        SigningTime::Now => Some(SystemTime::now()),
        SigningTime::At(time) => Some(time),
        SigningTime::Omit => None,
    };
    if let Some(time) = time {
        let time = Time::try_from(whole_seconds(time)?).map_err(|_| SignError::SigningTime)?;
        attributes.push(attribute(
            ID_SIGNING_TIME,
            Any::encode_from(&time).map_err(encode)?,
        )?);
    }
    let signed_attrs = SetOfVec::try_from(attributes).map_err(encode)?;
    // RFC 5652 §5.4: the signature covers the attributes encoded as a SET.
    let to_sign = signed_attrs.to_der().map_err(encode)?;
    let signature = match &signer.key {
        Key::Rsa(key) => {
            let mut signature = vec![0; key.public_modulus_len()];
            key.sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                &to_sign,
                &mut signature,
            )
            .map_err(|_| SignError::Crypto)?;
            signature
        }
        Key::Ecdsa(key) => key
            .sign(&SystemRandom::new(), &to_sign)
            .map_err(|_| SignError::Crypto)?
            .as_ref()
            .to_vec(),
    };

    let tbs = signer.certificate.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: digest_algorithm.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm,
        signature: OctetString::new(signature).map_err(encode)?,
        unsigned_attrs: None,
    };

    let mut certificates = Vec::with_capacity(1 + signer.chain.len());
    for cert in std::iter::once(&signer.certificate).chain(&signer.chain) {
        let choice = CertificateChoices::Certificate(cert.clone());
        if !certificates.contains(&choice) {
            certificates.push(choice);
        }
    }
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![digest_algorithm]).map_err(encode)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: Some(Any::new(Tag::OctetString, content).map_err(encode)?),
        },
        certificates: Some(CertificateSet::try_from(certificates).map_err(encode)?),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer_info]).map_err(encode)?,
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(encode)?,
    }
    .to_der()
    .map_err(encode)
}

/// Starts the random source that RSA and ECDSA signatures draw from (its
/// first use gathers entropy for tens of milliseconds), so that a caller can
/// do it while other work goes on, as a batch does during its first pass.
pub(crate) fn start_random() {
    use aws_lc_rs::rand::SecureRandom;
    // A failure here fails the first signature instead, with its own error.
    let _ = SystemRandom::new().fill(&mut [0u8; 1]);
}

fn attribute(oid: der::asn1::ObjectIdentifier, value: Any) -> Result<Attribute, SignError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(|source| SignError::Encode { source })?,
    })
}

fn whole_seconds(time: SystemTime) -> Result<SystemTime, SignError> {
    let since = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SignError::SigningTime)?;
    Ok(UNIX_EPOCH + Duration::from_secs(since.as_secs()))
}

/// The MDM placeholders left in a profile: `{{NAME}}` (Jamf, Intune, Kandji
/// style, such as `{{DEVICEREGISTRATION}}`) and `$FLEET_VAR_NAME` (Fleet).
///
/// A server that substitutes them after signing breaks the signature, so the
/// `sign` command warns about each one. A placeholder that is part of a longer
/// secret (a `RegistrationToken` holding more than the placeholder, a password:
/// see [`crate::inspect::is_secret_key`]) is not named: it is listed once as
/// [`crate::inspect::REDACTED`], so that a warning never shows any part of a
/// secret. A secret that is exactly a placeholder is the MDM's name for one,
/// and is named.
pub fn placeholders(content: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(content);
    let mut found = scan_placeholders(&text);
    // Each placeholder a whole XML string: none is part of a longer secret, and
    // the profile need not be read (the case of every profile `generate` writes).
    let whole = |p: &String| {
        let count = |needle: &str| text.matches(needle).count();
        count(p) == count(&format!("<string>{p}</string>"))
    };
    if found.iter().all(whole) {
        return found;
    }
    let Ok(decoded) = crate::codec::parse(content, std::path::Path::new("-")) else {
        return found;
    };
    let secrets = crate::inspect::secret_strings(&decoded.value);
    let in_secret = |p: &String| {
        secrets
            .iter()
            .any(|s| s.contains(p.as_str()) && s.trim() != p)
    };
    if found.iter().any(in_secret) {
        found.retain(|p| !in_secret(p));
        found.push(crate::inspect::REDACTED.to_string());
    }
    found
}

/// The placeholders of [`placeholders`] in the raw text, each once.
pub(crate) fn scan_placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !found.iter().any(|f| f == s) {
            found.push(s.to_string());
        }
    };
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) if end > 0 && !after[..end].contains(['{', '<', '\n']) => {
                push(&rest[start..start + 2 + end + 2]);
                rest = &after[end + 2..];
            }
            _ => rest = after,
        }
    }
    let mut rest = text;
    while let Some(start) = rest.find("$FLEET_VAR_") {
        let name_len = rest[start + 1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len() - start - 1);
        push(&rest[start..start + 1 + name_len]);
        rest = &rest[start + 1 + name_len..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_once_each() {
        let text =
            b"<string>{{DEVICEREGISTRATION}}</string><string>{{DEVICEREGISTRATION}}</string>\
            <string>$FLEET_VAR_HOST_UUID</string><string>{{ }</string><string>{{}}</string>";
        assert_eq!(
            placeholders(text),
            vec![
                "{{DEVICEREGISTRATION}}".to_string(),
                "$FLEET_VAR_HOST_UUID".to_string()
            ]
        );
        assert!(placeholders(b"<string>plain</string>").is_empty());
        assert_eq!(
            placeholders(b"$FLEET_VAR_X"),
            vec!["$FLEET_VAR_X".to_string()]
        );
    }

    #[test]
    fn placeholders_inside_secrets_are_not_named() {
        let profile = b"<plist><dict>\
            <key>PayloadDisplayName</key><string>{{ORG}}</string>\
            <key>RegistrationToken</key><string>eyJ{{DEVICEREGISTRATION}}SECRET $FLEET_VAR_X_SECRET</string>\
            </dict></plist>";
        assert_eq!(
            placeholders(profile),
            vec!["{{ORG}}".to_string(), "<redacted>".to_string()]
        );
        // A token that is exactly a placeholder is its name.
        let profile = b"<plist><dict>\
            <key>RegistrationToken</key><string>{{DEVICEREGISTRATION}}</string>\
            </dict></plist>";
        assert_eq!(
            placeholders(profile),
            vec!["{{DEVICEREGISTRATION}}".to_string()]
        );
    }
}
