//! What an input file is expected to be: its size limit and how messages name it.

/// The kind of an input, for [`read_input_as`](super::read_input_as): each has
/// its own size limit, and [`Error::TooLarge`](crate::Error::TooLarge) says
/// which was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum InputKind {
    /// A configuration profile: XML, binary or CMS-signed.
    #[default]
    Profile,
    /// Certificates in PEM: a signer certificate, its chain, or CA certificates.
    Certificates,
    /// A private key in PEM.
    PrivateKey,
    /// A PKCS#12 file: a certificate, its chain and its key.
    Pkcs12,
    /// A spec file (TOML).
    SpecFile,
    /// A secret in a file: a registration token or a password.
    Secret,
    /// A batch's rows read from standard input, which are copied to a
    /// temporary file (a rows file given by its path is read as it goes, with
    /// no limit).
    Rows,
}

impl InputKind {
    /// The largest input of this kind read, in bytes.
    pub fn limit(self) -> u64 {
        match self {
            // A profile is a few kilobytes; a signed one with a long chain, tens.
            InputKind::Profile => super::MAX_INPUT_BYTES,
            // A CA bundle of a few hundred certificates fits.
            InputKind::Certificates => 4 * 1024 * 1024,
            InputKind::PrivateKey | InputKind::Pkcs12 | InputKind::SpecFile => 1024 * 1024,
            InputKind::Secret => 64 * 1024,
            // A million rows of 250 bytes.
            InputKind::Rows => 256 * 1024 * 1024,
        }
    }

    /// What the input was expected to be, as messages name it: `a configuration
    /// profile`, `a private key (PEM)`...
    pub fn description(self) -> &'static str {
        match self {
            InputKind::Profile => "a configuration profile",
            InputKind::Certificates => "certificates (PEM)",
            InputKind::PrivateKey => "a private key (PEM)",
            InputKind::Pkcs12 => "a PKCS#12 file",
            InputKind::SpecFile => "a spec file",
            InputKind::Secret => "a registration token or a password",
            InputKind::Rows => "rows read from standard input",
        }
    }
}

impl std::fmt::Display for InputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}
