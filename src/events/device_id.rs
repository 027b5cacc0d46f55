//! Device identifiers as hash-map keys: short ones stored inline, so that a
//! lookup touches the table only, not a separate allocation.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// Identifiers up to this many bytes are stored inline (serial numbers,
/// UDIDs and Entra device ids all fit).
const INLINE: usize = 38;

/// A device identifier: inline up to [`INLINE`] bytes, else boxed.
/// Hashes and compares exactly as the `str` it holds.
#[derive(Clone)]
pub(crate) enum DeviceId {
    Inline(u8, [u8; INLINE]),
    Heap(Box<str>),
}

impl DeviceId {
    pub(crate) fn new(id: &str) -> Self {
        if id.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..id.len()].copy_from_slice(id.as_bytes());
            Self::Inline(id.len() as u8, bytes)
        } else {
            Self::Heap(Box::from(id))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // The bytes are a copy of a whole `str`, so always UTF-8.
            Self::Inline(len, bytes) => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or("")
            }
            Self::Heap(id) => id,
        }
    }
}

impl Borrow<str> for DeviceId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for DeviceId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for DeviceId {}

impl Hash for DeviceId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn short_and_long_ids_behave_as_their_text() {
        let long = "x".repeat(INLINE + 1);
        let ids = [
            "",
            "C02XK1",
            "00008103-001A1C3E1E38001E",
            &"y".repeat(INLINE),
            &long,
            "é✓",
        ];
        let mut map = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            let key = DeviceId::new(id);
            assert_eq!(key.as_str(), *id);
            assert_eq!(matches!(key, DeviceId::Heap(_)), id.len() > INLINE);
            map.insert(key, i);
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(*id), Some(&i));
        }
        assert_eq!(map.get("C02XK"), None);
        assert_eq!(format!("{:?}", DeviceId::new("a")), "\"a\"");
    }
}
