//! Facts as data: Apple's keys of the profile and of the `com.apple.extensiblesso`
//! payload, Apple's Kerberos extension, Microsoft's required settings, the Microsoft
//! Enterprise SSO plug-in's `ExtensionData` keys, and the changes Microsoft says make
//! users register Platform SSO again. Each catalog lives in one place; the rules read
//! them.

pub mod apple;
pub mod extension_data;
pub mod kerberos;
pub mod microsoft;
pub mod reregistration;
