//! Linting profiles as they are on disk: read them (XML, binary or CMS-signed),
//! check them with the rules, and repair what can be repaired.

pub mod fix;

pub use fix::{Applied, fix};
