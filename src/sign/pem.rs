//! PEM blocks as OpenSSL reads them: base64 lines of any length (64 columns
//! as RFC 7468 writes them, 76 as Java's keytool and MIME tools write them,
//! or the whole body on one line), CRLF or LF line ends, spaces around lines,
//! and text before and between blocks.

/// The PEM blocks of a text, as `(label, whole block)`.
pub(crate) fn blocks(pem: &[u8]) -> Vec<(String, &[u8])> {
    let mut blocks = Vec::new();
    let mut rest = pem;
    const BEGIN: &[u8] = b"-----BEGIN ";
    while let Some(start) = find(rest, BEGIN) {
        let block = &rest[start..];
        let Some(label_end) = find(&block[BEGIN.len()..], b"-----") else {
            break;
        };
        let label =
            String::from_utf8_lossy(&block[BEGIN.len()..BEGIN.len() + label_end]).into_owned();
        let end_marker = format!("-----END {label}-----");
        let Some(end) = find(block, end_marker.as_bytes()) else {
            break;
        };
        let len = end + end_marker.len();
        blocks.push((label, &block[..len]));
        rest = &block[len..];
    }
    blocks
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes one block from [`blocks`]. A block in the strict RFC 7468 form
/// (64-column lines) is decoded as it is; any other line layout is rewrapped
/// at 64 columns first, so that the base64 alphabet, the padding and the
/// labels are checked by the same strict decoder either way.
pub(crate) fn decode(block: &[u8]) -> Result<Vec<u8>, der::pem::Error> {
    match der::pem::decode_vec(block) {
        Ok((_, der)) => Ok(der),
        Err(strict) => {
            let Some(rewrapped) = rewrap(block) else {
                return Err(strict);
            };
            der::pem::decode_vec(&rewrapped).map(|(_, der)| der)
        }
    }
}

/// The block with its body's base64 rewrapped at 64 columns and LF line
/// ends; `None` when it has no body between its boundary lines.
fn rewrap(block: &[u8]) -> Option<Vec<u8>> {
    let mut lines = block
        .split(|&b| b == b'\n')
        .map(|line| line.trim_ascii())
        .filter(|line| !line.is_empty());
    let begin = lines.next()?;
    let mut body: Vec<&[u8]> = lines.collect();
    let end = body.pop()?;
    let base64: Vec<u8> = body
        .iter()
        .flat_map(|line| line.iter().copied())
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if base64.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(block.len() + base64.len() / 64 + 2);
    out.extend_from_slice(begin);
    out.push(b'\n');
    for chunk in base64.chunks(64) {
        out.extend_from_slice(chunk);
        out.push(b'\n');
    }
    out.extend_from_slice(end);
    out.push(b'\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SEQUENCE { INTEGER 1 .. 60 }`-like bytes: long enough for several lines.
    fn der() -> Vec<u8> {
        let mut der = vec![0x30, 0x81, 0xb4];
        for i in 0..60u8 {
            der.extend([0x02, 0x01, i]);
        }
        der
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn block(body: &str, eol: &str) -> String {
        format!("-----BEGIN CERTIFICATE-----{eol}{body}{eol}-----END CERTIFICATE-----{eol}")
    }

    fn wrapped(width: usize, eol: &str) -> String {
        let text = base64(&der());
        let lines: Vec<&str> = text
            .as_bytes()
            .chunks(width)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        block(&lines.join(eol), eol)
    }

    #[test]
    fn reads_any_line_length_openssl_reads() {
        for width in [64, 76, 100, 1000] {
            for eol in ["\n", "\r\n"] {
                let pem = wrapped(width, eol);
                let (label, whole) = blocks(pem.as_bytes()).remove(0);
                assert_eq!(label, "CERTIFICATE");
                assert_eq!(decode(whole).unwrap(), der(), "{width} {eol:?}");
            }
        }
        // Irregular lines and spaces around them.
        let text = base64(&der());
        let pem = block(
            &format!("  {}\n{}  \n\t{}", &text[..10], &text[10..90], &text[90..]),
            "\n",
        );
        assert_eq!(decode(pem.as_bytes()).unwrap(), der());
    }

    #[test]
    fn still_refuses_what_is_not_base64() {
        for body in ["!!!!", "", "AAA", "QUJD\n-----"] {
            let pem = block(body, "\n");
            assert!(decode(pem.as_bytes()).is_err(), "{body:?}");
        }
        let pem = wrapped(76, "\n").replace("-----END CERTIFICATE", "-----END KEY");
        assert!(decode(pem.as_bytes()).is_err());
    }
}
