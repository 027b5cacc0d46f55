//! MDM delivery: the `InstallProfile` command that carries a profile to a Mac.
//!
//! Apple marks the `com.apple.extensiblesso` payload `allowmanualinstall: false`:
//! a profile holding it cannot be installed by double-clicking it, only through a
//! user-approved MDM's `InstallProfile` command. [`install_profile_command`]
//! writes that command, the shape NanoMDM- and MicroMDM-style servers accept:
//!
//! ```text
//! CommandUUID  <string>  an uppercase UUID
//! Command      <dict>
//!   RequestType  <string>  InstallProfile
//!   Payload      <data>    the profile's bytes, exactly (signed or not)
//! ```

use std::path::Path;

use plist::{Dictionary, Value};
use uuid::Uuid;

use crate::codec::{self, Decoded};
use crate::error::{Error, Result};
use crate::lint::BrokenSignature;

/// The `RequestType` of the command.
pub const REQUEST_TYPE: &str = "InstallProfile";

/// The namespace of the v5 command UUIDs derived from profile bytes.
const COMMAND_NAMESPACE: Uuid = Uuid::from_u128(0x3d0c_91a4_7b52_5f16_a8e2_54c7_0b9d_e613);

/// The v5 UUID derived from the profile's bytes: the same bytes always give
/// the same `CommandUUID`, so a command written twice for one profile is one
/// command to a server that deduplicates by UUID, and a changed profile gets
/// a new one.
pub fn derived_command_uuid(profile: &[u8]) -> Uuid {
    Uuid::new_v5(&COMMAND_NAMESPACE, profile)
}

/// The `InstallProfile` command for `profile` (its bytes, exactly as they will
/// be installed: a signed profile stays signed).
///
/// ```
/// let profile = b"<plist version=\"1.0\"><dict/></plist>";
/// let uuid = psso_profile::mdm::derived_command_uuid(profile);
/// let command = psso_profile::mdm::install_profile_command(profile, uuid);
/// let command = command.as_dictionary().unwrap();
/// let inner = command["Command"].as_dictionary().unwrap();
/// assert_eq!(inner["RequestType"].as_string(), Some("InstallProfile"));
/// assert_eq!(inner["Payload"].as_data(), Some(&profile[..]));
/// ```
pub fn install_profile_command(profile: &[u8], command_uuid: Uuid) -> Value {
    let mut buf = Uuid::encode_buffer();
    let mut command = Dictionary::new();
    command.insert("RequestType".into(), Value::String(REQUEST_TYPE.into()));
    command.insert("Payload".into(), Value::Data(profile.to_vec()));
    let mut root = Dictionary::new();
    root.insert(
        "CommandUUID".into(),
        Value::String(command_uuid.hyphenated().encode_upper(&mut buf).to_string()),
    );
    root.insert("Command".into(), Value::Dictionary(command));
    Value::Dictionary(root)
}

/// Reads `bytes` as a profile (XML, binary or CMS-signed) and refuses anything
/// else, so that a command never carries a file the Mac would reject.
/// `origin` names the input in messages.
///
/// # Errors
///
/// Those of [`codec::parse`], and [`Error::NotAProfile`] when the root's
/// `PayloadType` is not `Configuration`.
pub fn read_profile(bytes: &[u8], origin: &Path) -> Result<Decoded> {
    let decoded = codec::parse(bytes, origin)?;
    let payload_type = decoded
        .value
        .as_dictionary()
        .and_then(|d| d.get("PayloadType"));
    match payload_type {
        Some(Value::String(t)) if t == "Configuration" => Ok(decoded),
        Some(Value::String(t)) => Err(Error::NotAProfile {
            path: origin.to_path_buf(),
            detail: format!("its `PayloadType` is `{t}`, expected `Configuration`"),
        }),
        _ => Err(Error::NotAProfile {
            path: origin.to_path_buf(),
            detail: "it has no `PayloadType` string, expected `Configuration`".into(),
        }),
    }
}

/// The bytes an `InstallProfile` command carries for the profile `bytes`, read
/// from `origin` and decoded by [`read_profile`]: the bytes themselves, unless
/// they are signed and the signature does not verify (a Mac refuses such a
/// profile, and the content changed after signing). Such a profile is refused,
/// or with [`BrokenSignature::Drop`] its content is carried unsigned.
///
/// # Errors
///
/// [`Error::InvalidSignature`] for a signed profile whose signature does not
/// verify, with [`BrokenSignature::Refuse`].
pub fn payload<'a>(
    bytes: &'a [u8],
    decoded: &'a Decoded,
    origin: &Path,
    broken: BrokenSignature,
) -> Result<&'a [u8]> {
    let Some(signed) = decoded.signed.as_deref() else {
        return Ok(bytes);
    };
    let verification = crate::sign::verify(signed, &crate::sign::VerifyOptions::new());
    if verification.is_valid() {
        return Ok(bytes);
    }
    match broken {
        BrokenSignature::Refuse => {
            crate::lint::require_valid_signature(Some(&verification), origin)?;
            Ok(bytes)
        }
        BrokenSignature::Drop => Ok(signed.content()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_carries_the_exact_bytes_and_an_uppercase_uuid() {
        let profile = b"\x30\x80 any bytes, signed or not";
        let uuid = derived_command_uuid(profile);
        assert_eq!(uuid.get_version_num(), 5);
        assert_eq!(uuid, derived_command_uuid(profile));
        assert_ne!(uuid, derived_command_uuid(b"other"));
        let value = install_profile_command(profile, uuid);
        let root = value.as_dictionary().unwrap();
        let text = root["CommandUUID"].as_string().unwrap();
        assert_eq!(text, text.to_uppercase());
        assert_eq!(Uuid::parse_str(text).unwrap(), uuid);
        let command = root["Command"].as_dictionary().unwrap();
        assert_eq!(command["Payload"].as_data().unwrap(), profile);
        assert_eq!(command["RequestType"].as_string(), Some("InstallProfile"));
        assert_eq!(command.len(), 2);
        assert_eq!(root.len(), 2);
    }

    #[test]
    fn refuses_what_is_not_a_profile() {
        let plist = b"<plist version=\"1.0\"><dict><key>PayloadType</key><string>com.apple.mdm</string></dict></plist>";
        assert_eq!(
            read_profile(plist, Path::new("x.plist"))
                .unwrap_err()
                .to_string(),
            "`x.plist` is not a configuration profile: its `PayloadType` is `com.apple.mdm`, expected `Configuration`"
        );
        let plist = b"<plist version=\"1.0\"><dict/></plist>";
        assert_eq!(
            read_profile(plist, Path::new("x.plist"))
                .unwrap_err()
                .to_string(),
            "`x.plist` is not a configuration profile: it has no `PayloadType` string, expected `Configuration`"
        );
        assert!(matches!(
            read_profile(b"hello", Path::new("x")),
            Err(Error::NotAPlist { .. })
        ));
        let ok = b"<plist version=\"1.0\"><dict><key>PayloadType</key><string>Configuration</string></dict></plist>";
        assert!(read_profile(ok, Path::new("p")).is_ok());
    }
}
