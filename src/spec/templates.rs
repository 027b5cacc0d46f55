//! The scenario templates built into the binary: one spec file per Platform
//! SSO scenario Microsoft documents (`templates/*.toml` in the repository).

use super::SpecFile;
use crate::{Error, Result};

/// A built-in spec file for one documented scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The name `--template` takes (the file name without `.toml`).
    pub name: &'static str,
    /// The spec file, comments included.
    pub text: &'static str,
}

const TEMPLATES: &[Template] = &[
    Template {
        name: "secure-enclave",
        text: include_str!("../../templates/secure-enclave.toml"),
    },
    Template {
        name: "password-filevault",
        text: include_str!("../../templates/password-filevault.toml"),
    },
    Template {
        name: "smart-card",
        text: include_str!("../../templates/smart-card.toml"),
    },
    Template {
        name: "shared-mac",
        text: include_str!("../../templates/shared-mac.toml"),
    },
    Template {
        name: "setup-assistant",
        text: include_str!("../../templates/setup-assistant.toml"),
    },
    Template {
        name: "intune",
        text: include_str!("../../templates/intune.toml"),
    },
];

impl Template {
    /// The first comment line: what the scenario is.
    pub fn summary(&self) -> &'static str {
        self.text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix('#'))
            .map_or("", str::trim)
    }

    /// The template as a spec file, named `template NAME` in messages.
    ///
    /// # Errors
    ///
    /// The errors of [`SpecFile::parse`]; a test keeps every template valid.
    pub fn spec_file(&self) -> Result<SpecFile> {
        SpecFile::parse(self.text, format!("template {}", self.name))
    }
}

/// Every built-in template; the first (`secure-enclave`) is the default scenario.
pub fn templates() -> &'static [Template] {
    TEMPLATES
}

/// The built-in template called `name`.
///
/// # Errors
///
/// [`Error::InvalidValue`] listing the template names.
pub fn template(name: &str) -> Result<&'static Template> {
    TEMPLATES
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Error::InvalidValue {
            key: "template".to_string(),
            value: name.to_string(),
            expected: format!(
                "one of {} (`psso-profile templates list`)",
                TEMPLATES
                    .iter()
                    .map(|t| format!("`{}`", t.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}
