//! Facts as data: Apple's keys of the profile and of the `com.apple.extensiblesso`
//! payload, Microsoft's required settings, and the Microsoft Enterprise SSO plug-in's
//! `ExtensionData` keys. Each catalog lives in one place; the rules read them.

pub mod apple;
pub mod extension_data;
pub mod microsoft;
