//! Reading a CMS signed profile (DER or BER) and unwrapping its content.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{AnyRef, Decode, EncodingRules, Reader, SliceReader, Tag, Tagged};

use super::SignError;
use super::algorithm::ID_SIGNED_DATA;

/// A CMS signed profile that was read: the encapsulated content and what
/// [`verify`](super::verify) needs.
#[derive(Clone, Debug)]
pub struct SignedProfile {
    pub(crate) content: Vec<u8>,
    pub(crate) signed_data: SignedData,
    pub(crate) encoding: &'static str,
}

impl SignedProfile {
    /// The encapsulated content: the profile's bytes as they were signed.
    pub fn content(&self) -> &[u8] {
        &self.content
    }

    /// Takes the encapsulated content.
    pub fn into_content(self) -> Vec<u8> {
        self.content
    }

    /// `DER` or `BER`: how the file was encoded.
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }
}

/// Whether `bytes` look like CMS signed data: a DER or BER SEQUENCE with the
/// `signedData` object identifier near the start. A cheap sniff, for telling
/// a signed profile from a plist; [`open`] decides.
pub fn looks_signed(bytes: &[u8]) -> bool {
    // 06 09 2a 86 48 86 f7 0d 01 07 02: OBJECT IDENTIFIER 1.2.840.113549.1.7.2
    const OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    bytes.first() == Some(&0x30)
        && bytes
            .get(..bytes.len().min(24))
            .is_some_and(|head| head.windows(OID.len()).any(|w| w == OID))
}

/// Reads a CMS signed profile, DER or BER (indefinite lengths, and the
/// content in chunks as `openssl cms -sign -stream` and Apple's tools write
/// it), and returns its content with what [`verify`](super::verify) needs.
///
/// Nothing is verified here: a tampered file opens, and its problems are
/// found by `verify`.
pub fn open(bytes: &[u8]) -> Result<SignedProfile, SignError> {
    let not_cms = |source| SignError::NotCms { source };
    let (info, encoding) = match ContentInfo::from_der(bytes) {
        Ok(info) => (info, "DER"),
        Err(_) => (ContentInfo::from_ber(bytes).map_err(not_cms)?, "BER"),
    };
    if info.content_type != ID_SIGNED_DATA {
        return Err(SignError::NotSignedData {
            content_type: info.content_type.to_string(),
        });
    }
    // A DER envelope may still hold BER inside (a chunked content).
    let (signed_data, rules, encoding): (SignedData, _, _) =
        match info.content.decode_as_encoding(EncodingRules::Der) {
            Ok(data) if encoding == "DER" => (data, EncodingRules::Der, encoding),
            _ => (
                info.content
                    .decode_as_encoding(EncodingRules::Ber)
                    .map_err(not_cms)?,
                EncodingRules::Ber,
                "BER",
            ),
        };
    if signed_data.signer_infos.0.is_empty() {
        return Err(SignError::NoSigner);
    }
    let econtent = signed_data
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or(SignError::Detached)?;
    if econtent.tag() != Tag::OctetString {
        return Err(SignError::ContentEncoding);
    }
    let value = econtent.value();
    let content = match rules {
        EncodingRules::Ber => chunks(value).unwrap_or_else(|| value.to_vec()),
        _ => value.to_vec(),
    };
    Ok(SignedProfile {
        content,
        signed_data,
        encoding,
    })
}

/// A constructed BER OCTET STRING reaches us as its chunks' TLVs one after
/// the other (`04 82 06 1e 3c 3f 78 6d ...`): joins their values. `None` when
/// the bytes are not such a run of chunks (then they are the content itself;
/// a profile never starts with byte 0x04).
fn chunks(value: &[u8]) -> Option<Vec<u8>> {
    if value.first() != Some(&0x04) {
        return None;
    }
    let mut reader = SliceReader::new_with_encoding_rules(value, EncodingRules::Ber).ok()?;
    let mut content = Vec::with_capacity(value.len());
    while !reader.is_finished() {
        let chunk = AnyRef::decode(&mut reader).ok()?;
        if chunk.tag() != Tag::OctetString {
            return None;
        }
        content.extend_from_slice(chunk.value());
    }
    Some(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_signed_data_only() {
        let head = [
            0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
        ];
        assert!(looks_signed(&head));
        assert!(!looks_signed(b"<?xml version=\"1.0\"?>"));
        assert!(!looks_signed(b"bplist00"));
        assert!(!looks_signed(&[]));
        assert!(!looks_signed(&head[1..]));
    }

    #[test]
    fn rejects_other_bytes_with_exact_messages() {
        let err = open(b"<?xml version=\"1.0\"?>").unwrap_err();
        assert_eq!(err.to_string(), "not a CMS signed message (DER or BER)");
        // ContentInfo with id-data instead of id-signedData.
        let data = [
            0x30, 0x11, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0,
            0x04, 0x04, 0x02, 0x68, 0x69,
        ];
        let err = open(&data).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the CMS message is `1.2.840.113549.1.7.1`, not signed data (1.2.840.113549.1.7.2)"
        );
    }

    #[test]
    fn joins_chunks() {
        assert_eq!(
            chunks(&[0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c']),
            Some(b"abc".to_vec())
        );
        assert_eq!(chunks(b"<plist>"), None);
        assert_eq!(chunks(&[0x04, 0x05, b'a']), None);
    }
}
