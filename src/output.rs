//! What a generated profile becomes on the way out: encoded, optionally signed, and
//! optionally wrapped in the MDM `InstallProfile` command that delivers it.
//!
//! `generate` and the library's callers go through [`Output::render`], so the
//! combinations (JSON cannot be signed; a command carries the signed bytes) are
//! decided in one place.

use crate::codec::{self, Format};
use crate::error::{Error, Result};
use crate::mdm;
use crate::sign::{self, Signer, SigningTime};

/// How to write a profile out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output<'a> {
    /// The profile's encoding.
    pub format: Format,
    /// Sign the profile (an XML or binary property list) with this signer.
    pub signing: Option<(&'a Signer, SigningTime)>,
    /// Wrap the profile (signed when signing) in an `InstallProfile` command,
    /// encoded in this format.
    pub command: Option<Format>,
}

/// The bytes [`Output::render`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// What to write.
    pub bytes: Vec<u8>,
    /// MDM placeholders (`{{...}}`, `$FLEET_VAR_...`) left in signed content: a
    /// server that substitutes them after signing breaks the signature.
    pub signed_placeholders: Vec<String>,
}

impl Output<'_> {
    /// Writes a generated profile as asked: [`Output::render`] of its tree, or, with
    /// [`Format::Declaration`], of its `extensible-sso` declaration with the
    /// `Identifier` and `ServerToken` of `declaration`.
    ///
    /// # Errors
    ///
    /// Those of [`crate::spec::Generated::to_declaration`] and [`Output::render`].
    pub fn render_generated(
        &self,
        generated: &crate::spec::Generated,
        declaration: &crate::declaration::Options<'_>,
    ) -> Result<Rendered> {
        if self.format == Format::Declaration {
            self.render(&generated.to_declaration(declaration)?)
        } else {
            self.render(&generated.value)
        }
    }

    /// Encodes, signs and wraps `profile` as asked. With [`Format::Declaration`],
    /// `profile` is the declaration to write (the profile's is
    /// [`crate::spec::Generated::to_declaration`]).
    ///
    /// # Errors
    ///
    /// [`Error::SignJson`] when signing JSON; [`Error::DeclarationOutput`] when a
    /// declaration is to be signed or wrapped in a command; [`Error::NotDeclarable`]
    /// when [`Format::Declaration`] is given a tree that is not a declaration; and the
    /// errors of [`codec::write`] and [`sign::sign`].
    pub fn render(&self, profile: &plist::Value) -> Result<Rendered> {
        if self.signing.is_some() && self.format == Format::Json {
            return Err(Error::SignJson);
        }
        if self.format == Format::Declaration {
            if self.signing.is_some() {
                return Err(Error::DeclarationOutput {
                    what: "never signed",
                });
            }
            if self.command.is_some() {
                return Err(Error::DeclarationOutput {
                    what: "not carried by an InstallProfile command",
                });
            }
            if crate::declaration::declaration_type(profile).is_none() {
                return Err(Error::NotDeclarable {
                    detail: "the tree to write has no declaration `Type`; map the profile first (`Generated::to_declaration`)".into(),
                });
            }
        }
        let mut bytes = codec::write(profile, self.format)?;
        let mut signed_placeholders = Vec::new();
        if let Some((signer, time)) = self.signing {
            signed_placeholders = sign::placeholders(&bytes);
            bytes = sign::sign(&bytes, signer, time)?;
        }
        if let Some(format) = self.command {
            let command = mdm::install_profile_command(&bytes, mdm::derived_command_uuid(&bytes));
            bytes = codec::write(&command, format)?;
        }
        Ok(Rendered {
            bytes,
            signed_placeholders,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_carries_the_profile_bytes_in_either_encoding() {
        let value = crate::spec::Spec::default().generate().unwrap().value;
        let plain = Output::default().render(&value).unwrap();
        assert_eq!(plain.bytes, codec::write(&value, Format::Xml).unwrap());
        for (profile, command) in [(Format::Xml, Format::Xml), (Format::Binary, Format::Json)] {
            let rendered = Output {
                format: profile,
                command: Some(command),
                ..Output::default()
            }
            .render(&value)
            .unwrap();
            let read = match command {
                Format::Json => None,
                _ => Some(codec::parse(&rendered.bytes, "c.plist".as_ref()).unwrap()),
            };
            if let Some(read) = read {
                let payload = read.value.as_dictionary().unwrap()["Command"]
                    .as_dictionary()
                    .unwrap()["Payload"]
                    .as_data()
                    .unwrap()
                    .to_vec();
                assert_eq!(payload, codec::write(&value, profile).unwrap());
            } else {
                let json: serde_json::Value = serde_json::from_slice(&rendered.bytes).unwrap();
                assert_eq!(json["Command"]["RequestType"], "InstallProfile");
            }
            assert!(rendered.signed_placeholders.is_empty());
        }
    }
}
