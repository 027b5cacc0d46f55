//! The https URLs an MDM hands to a Mac (a legacy declaration's `ProfileURL`, the
//! `com.apple.psso.required` answer's URLs), checked in one place.

use crate::error::{Error, Result};

/// Checks that `text` is a well-formed `https://` URL with a host, for the setting
/// `key` (`ProfileURL`, `ManifestURL`, `AuthURL`): no other scheme, no white space or
/// control characters, no user information, a host of letters, digits, `-` and `.`
/// (or a bracketed IPv6 address), an optional port of 1 to 65535, then an optional
/// path, query and fragment of printable characters.
///
/// # Errors
///
/// [`Error::InvalidValue`] naming `key` and saying what is wrong.
pub fn check_https(key: &str, text: &str) -> Result<()> {
    let invalid = |problem: &str| Error::InvalidValue {
        key: key.to_string(),
        value: text.to_string(),
        expected: format!("an https URL such as `https://mdm.example.com/path` ({problem})"),
    };
    let Some(rest) = text
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|_| &text[8..])
    else {
        return Err(invalid("it must start with `https://`"));
    };
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        return Err(invalid(
            "no spaces, control or non-ASCII characters; percent-encode them",
        ));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err(invalid("no user name or password in the URL"));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => (addr, after.strip_prefix(':')),
            None => return Err(invalid("an IPv6 host ends with `]`")),
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let v6 = authority.starts_with('[');
    let host_ok = if v6 {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    if !host_ok {
        return Err(invalid("a host name of letters, digits, `-` and `.`"));
    }
    if let Some(port) = port
        && !(port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p)))
    {
        return Err(invalid("a port from 1 to 65535"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_urls_and_says_what_is_wrong_with_others() {
        for ok in [
            "https://mdm.example.com/profiles/psso.mobileconfig",
            "HTTPS://mdm.example.com",
            "https://mdm.example.com:8443/p?tenant=contoso#x",
            "https://[2001:db8::1]/p",
            "https://10.0.0.1/p",
        ] {
            assert!(check_https("ProfileURL", ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("http://mdm.example.com/p", "it must start with `https://`"),
            ("mdm.example.com/p", "it must start with `https://`"),
            ("https:///p", "a host name of letters, digits, `-` and `.`"),
            (
                "https://mdm example.com/p",
                "no spaces, control or non-ASCII characters; percent-encode them",
            ),
            (
                "https://user:pw@mdm.example.com/",
                "no user name or password in the URL",
            ),
            ("https://mdm.example.com:0/", "a port from 1 to 65535"),
            ("https://mdm.example.com:99999/", "a port from 1 to 65535"),
            (
                "https://-mdm.example.com/",
                "a host name of letters, digits, `-` and `.`",
            ),
            (
                "https://mdm..example.com/",
                "a host name of letters, digits, `-` and `.`",
            ),
            ("https://[2001:db8::1/p", "an IPv6 host ends with `]`"),
            (
                "https://mdm.exämple.com/",
                "no spaces, control or non-ASCII characters; percent-encode them",
            ),
        ] {
            let err = check_https("ProfileURL", bad).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "invalid value `{bad}` for `ProfileURL`: expected an https URL such as `https://mdm.example.com/path` ({why})"
                )
            );
        }
    }
}
