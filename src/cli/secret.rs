//! Secrets given on the command line: a value, a file, or an environment variable.

use std::path::Path;

use super::error::{CliError, Result};

/// Reads a secret from `--NAME-file` or `--NAME-env`, whichever was given (the
/// plain `--NAME` is a setting of its own). A file's trailing newline is dropped.
pub(crate) fn read(option: &str, file: Option<&Path>, env: Option<&str>) -> Result<Option<String>> {
    if let Some(file) = file {
        let bytes =
            psso_profile::codec::read_input_as(file, psso_profile::codec::InputKind::Secret)?;
        let text = String::from_utf8(bytes).map_err(|_| CliError::Option {
            option: format!("{option}-file"),
            value: file.display().to_string(),
            expected: "a UTF-8 text file".to_string(),
        })?;
        return Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()));
    }
    if let Some(var) = env {
        return std::env::var(var).map(Some).map_err(|_| CliError::Option {
            option: format!("{option}-env"),
            value: var.to_string(),
            expected: "the name of a set environment variable holding UTF-8 text".to_string(),
        });
    }
    Ok(None)
}
