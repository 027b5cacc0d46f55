//! CMS (PKCS#7) signing and verification of configuration profiles: the only
//! module that knows the CMS, X.509, DER and PKCS#12 crates.
//!
//! - [`Signer`] holds a certificate, its chain and the matching private key,
//!   read from PEM files or a PKCS#12 file.
//! - [`sign`] wraps a profile in a DER CMS `SignedData` that OpenSSL and macOS
//!   accept: the profile is the encapsulated content (`id-data`), the
//!   certificates are included, and the signed attributes hold the content
//!   type, the message digest and (unless omitted) the signing time.
//! - [`open`] reads a signed profile, DER or BER (indefinite lengths and
//!   chunked content, as Apple's tools and `openssl cms -stream` write them),
//!   and [`verify`] checks it. Verification problems are data
//!   ([`Verification::problems`]), not errors: an [`Error`](SignError) means the
//!   input could not be read at all.

mod algorithm;
pub(crate) mod create;
mod error;
mod open;
mod signer;
mod verify;

pub use create::{SigningTime, placeholders, sign};
pub use error::SignError;
pub use open::{SignedProfile, looks_signed, open};
pub use signer::{KeyKind, Signer};
pub use verify::{
    Problem, ProblemKind, Severity, SignerDetails, Verification, VerifyOptions, verify,
};
