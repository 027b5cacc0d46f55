//! Platform SSO during Automated Device Enrollment (macOS 26): the answer an MDM gives
//! a Mac that asks for it.
//!
//! A Mac that can register Platform SSO in Setup Assistant posts `MachineInfo` with
//! `MDM_CAN_REQUEST_PSSO_CONFIG`; the MDM answers HTTP 403 with
//! [`psso_required_response`]: the `com.apple.psso.required` code and where the Mac
//! finds the profile to install first (`ProfileURL`), the manifest of the package with
//! the SSO extension (`Package.ManifestURL`, Company Portal for Microsoft) and the
//! identity provider's sign-in page (`AuthURL`). The profile served at `ProfileURL`
//! has rules of its own ([`crate::rules::Options::enrollment`]).

use plist::{Dictionary, Value};

use crate::error::Result;

/// The `Code` of the answer.
pub const PSSO_REQUIRED: &str = "com.apple.psso.required";
/// The HTTP status the answer is sent with.
pub const HTTP_STATUS: u16 = 403;

/// The body of the HTTP 403 answer to `MachineInfo`: `Code` `com.apple.psso.required`
/// and `Details` with `ProfileURL`, `Package.ManifestURL` and `AuthURL`. Encode it with
/// [`crate::codec::write`] as a property list (or JSON, which the Mac also takes).
///
/// ```
/// let body = psso_profile::enrollment::psso_required_response(
///     "https://mdm.example.com/psso/profile",
///     "https://mdm.example.com/psso/company-portal.plist",
///     "https://mdm.example.com/psso/sign-in",
/// )?;
/// let details = body.as_dictionary().unwrap()["Details"].as_dictionary().unwrap();
/// assert_eq!(details["ProfileURL"].as_string(), Some("https://mdm.example.com/psso/profile"));
/// # Ok::<(), psso_profile::Error>(())
/// ```
///
/// # Errors
///
/// [`crate::Error::InvalidValue`] naming `ProfileURL`, `ManifestURL` or `AuthURL` when
/// one is not a well-formed https URL ([`crate::url::check_https`]).
pub fn psso_required_response(
    profile_url: &str,
    manifest_url: &str,
    auth_url: &str,
) -> Result<Value> {
    crate::url::check_https("ProfileURL", profile_url)?;
    crate::url::check_https("ManifestURL", manifest_url)?;
    crate::url::check_https("AuthURL", auth_url)?;
    let mut package = Dictionary::new();
    package.insert("ManifestURL".into(), manifest_url.into());
    let mut details = Dictionary::new();
    details.insert("ProfileURL".into(), profile_url.into());
    details.insert("Package".into(), Value::Dictionary(package));
    details.insert("AuthURL".into(), auth_url.into());
    let mut body = Dictionary::new();
    body.insert("Code".into(), PSSO_REQUIRED.into());
    body.insert("Details".into(), Value::Dictionary(details));
    Ok(Value::Dictionary(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_apples_shape_and_https_urls_only() {
        let body = psso_required_response(
            "https://mdm.example.com/p",
            "https://mdm.example.com/m.plist",
            "https://login.example.com/a",
        )
        .unwrap();
        let root = body.as_dictionary().unwrap();
        assert_eq!(root["Code"].as_string(), Some("com.apple.psso.required"));
        let details = root["Details"].as_dictionary().unwrap();
        assert_eq!(
            details["Package"].as_dictionary().unwrap()["ManifestURL"].as_string(),
            Some("https://mdm.example.com/m.plist")
        );
        assert_eq!(details.len(), 3);
        let err = psso_required_response(
            "https://mdm.example.com/p",
            "http://mdm.example.com/m.plist",
            "https://login.example.com/a",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with(
            "invalid value `http://mdm.example.com/m.plist` for `ManifestURL`: expected an https URL"
        ));
    }
}
