//! The command line's errors: the library's, told in the words of this command
//! line's options, and the ones only a command line has (options that do not go
//! together). One printer for all of them: the error and its whole `source()`
//! chain on one line.

use psso_profile::Error;
use psso_profile::error::FileNameProblem;
use psso_profile::text::Escaped;

/// What stops a command.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A library error.
    Lib(Error),
    /// Options that do not go together, or one that is missing.
    Usage(String),
    /// An option's value is not one it takes.
    Option {
        /// The option, with its dashes.
        option: String,
        /// The value given.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// Findings at error level stopped the command; they were printed already.
    Refused {
        /// What the findings stopped, such as `the profile has 2 error finding(s);
        /// nothing was written`.
        message: String,
    },
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Lib(e)
    }
}

impl From<psso_profile::sign::SignError> for CliError {
    fn from(e: psso_profile::sign::SignError) -> Self {
        CliError::Lib(Error::Sign(e))
    }
}

/// `Result` of a command.
pub(crate) type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    /// The whole message, on one line.
    pub(crate) fn message(&self) -> String {
        match self {
            CliError::Lib(e) => describe(e),
            CliError::Usage(message) | CliError::Refused { message } => message.clone(),
            CliError::Option {
                option,
                value,
                expected,
            } => format!("invalid value `{value}` for `{option}`: expected {expected}"),
        }
    }
}

/// A library error and its causes on one line, with the options of this command
/// line where the library names a setting.
pub(crate) fn describe(error: &Error) -> String {
    let head = match error {
        Error::OutputExists { .. } => format!("{error}; pass --force to overwrite it"),
        Error::SignJson => format!("{error}; pass --format xml or --format binary"),
        Error::TooLarge {
            kind: psso_profile::codec::InputKind::Rows,
            ..
        } => format!("{error}; give --rows a file, which is read as it goes, with no limit"),
        Error::InvalidSignature { .. } => {
            format!("{error}: pass --drop-signature to write its content unsigned")
        }
        Error::BatchJson => {
            "a batch writes profiles or declarations: pass --format xml, binary or declaration"
                .to_string()
        }
        Error::DeclarationMacOs { .. } => format!(
            "{error} (`psso-profile wrap PROFILE --declaration legacy --profile-url URL` writes that declaration); or set the fleet's minimum to 27 (`--min-macos 27`, spec key `min-macos`) if every Mac runs macOS 27"
        ),
        Error::DeclarationOutput { what } => format!(
            "{error}; {}",
            if what.starts_with("never") {
                "drop --sign-cert, --sign-key and --sign-p12"
            } else {
                "drop --mdm-command"
            }
        ),
        Error::InvalidValue {
            key,
            value,
            expected,
        } if matches!(key.as_str(), "ProfileURL" | "ManifestURL" | "AuthURL") => {
            let option = match key.as_str() {
                "ProfileURL" => "--profile-url",
                "ManifestURL" => "--manifest-url",
                _ => "--auth-url",
            };
            format!("invalid value `{value}` for `{option}`: expected {expected}")
        }
        Error::NameCollision {
            name,
            first,
            second,
        } => format!(
            "rows at lines {first} and {second} would both write `{name}`; nothing was written (make --name unique per row, such as `${{tenant}}`)"
        ),
        Error::FileName { name, problem } => {
            let expected = match problem {
                FileNameProblem::Syntax => {
                    "a file name with `${column}` variables (write `$${` for a literal `${`)"
                }
                FileNameProblem::Separator => {
                    "a file name inside --out-dir, without `/` or `\\` (such as `${tenant}`)"
                }
                FileNameProblem::Dots => "a file name inside --out-dir, not `..`",
                _ => {
                    "a file name inside --out-dir: not empty, no `/`, `\\` or `..`, at most 240 bytes"
                }
            };
            format!("invalid value `{name}` for `--name`: expected {expected}")
        }
        Error::MissingColumn { column, key: None } => {
            format!("no column `{column}` for `${{{column}}}` in `--name`")
        }
        Error::RowsFormatUnknown { path } => format!(
            "invalid value `{}` for `--rows`: expected a `.csv`, `.jsonl` or `.ndjson` file, or --rows-format csv|jsonl",
            path.display()
        ),
        Error::RowVariables {
            source_name,
            variables,
        } => format!(
            "`{source_name}` uses row variables ({}); `psso-profile batch` fills them from rows (write `$${{` for a literal `${{`)",
            variables
                .iter()
                .map(|v| format!("`${{{v}}}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        // A row's cause is a library error too: tell it the same way.
        Error::Row { source, .. } => return format!("{error}: {}", describe(source)),
        other => other.to_string(),
    };
    let mut line = head;
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

impl CliError {
    /// The exit code: 1 for an invalid signature (as `verify` and `validate` exit),
    /// 2 for everything else.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Lib(Error::InvalidSignature { .. }) => super::EXIT_FINDINGS,
            _ => super::EXIT_ERROR,
        }
    }

    /// Whether the command stopped because standard output's reader went away
    /// (`psso-profile ... | head`): not an error.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(
            self,
            CliError::Lib(Error::Write { path, source })
                if path.as_os_str() == "-" && source.kind() == std::io::ErrorKind::BrokenPipe
        )
    }
}

/// Prints `psso-profile: error: ` and the message on standard error, control
/// characters escaped.
pub(crate) fn report(error: &CliError) {
    eprintln!("psso-profile: error: {}", Escaped(&error.message()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_get_the_option_words() {
        let exists = Error::OutputExists {
            path: "out.mobileconfig".into(),
        };
        assert_eq!(
            describe(&exists),
            "`out.mobileconfig` already exists; pass --force to overwrite it"
        );
        let row = Error::Row {
            path: "rows.csv".into(),
            line: 3,
            source: Box::new(Error::MissingColumn {
                column: "tenant".into(),
                key: None,
            }),
        };
        assert_eq!(
            describe(&row),
            "`rows.csv` line 3: no column `tenant` for `${tenant}` in `--name`"
        );
        assert_eq!(
            CliError::Option {
                option: "--signing-time".into(),
                value: "x".into(),
                expected: "a time".into()
            }
            .message(),
            "invalid value `x` for `--signing-time`: expected a time"
        );
    }
}
