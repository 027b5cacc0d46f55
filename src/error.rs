//! The crate's error type: what could not be done, and to what.

use std::path::PathBuf;

/// Everything that can stop an operation of this crate.
///
/// Findings of the rule engine are not errors: they are data in a
/// `Report` of the rule engine. An `Error` means an input could not be
/// read, a value could not be used, or an output could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or stream could not be read.
    #[error("cannot read `{}`", path.display())]
    Read {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The file that was being written.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The output file exists and overwriting was not allowed.
    #[error("`{}` already exists; pass --force to overwrite it", path.display())]
    OutputExists {
        /// The file that exists.
        path: PathBuf,
    },
    /// An input is larger than this crate reads.
    #[error("`{}` is larger than {limit} bytes; a configuration profile is never that big", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// An input holds no bytes (or only white space).
    #[error("`{}` is empty; expected a configuration profile (an XML, binary or CMS-signed property list)", path.display())]
    EmptyInput {
        /// The file (`-` for standard input).
        path: PathBuf,
    },
    /// An input is not an XML or binary property list.
    #[error("`{}` is not a property list: {detail}{}", path.display(), position_suffix(position.as_ref()))]
    NotAPlist {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// What the parser found wrong.
        detail: String,
        /// Where, when the parser says.
        position: Option<crate::codec::Position>,
    },
    /// An input is a property list whose root is not a dictionary.
    #[error("`{}` is not a configuration profile: its root is {} {found}, expected a dictionary", path.display(), article(found))]
    NotADictionary {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The kind of the root: `array`, `string`, `integer`...
        found: &'static str,
    },
    /// An input nests too deep or holds too much to be a configuration profile.
    #[error("`{}` is too complex to be a configuration profile: {detail}", path.display())]
    TooComplex {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// Which bound it passed.
        detail: String,
    },
    /// A folder given as input holds no profile.
    #[error("`{}` holds no `*.mobileconfig` file", path.display())]
    NoProfiles {
        /// The folder.
        path: PathBuf,
    },
    /// A value given for a setting is not one it accepts.
    #[error("invalid value `{value}` for `{key}`: expected {expected}")]
    InvalidValue {
        /// The setting (option, key path or spec key).
        key: String,
        /// The value given.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// A setting was given but cannot be combined with the others.
    #[error("{message}")]
    Conflict {
        /// What conflicts with what.
        message: String,
    },
    /// A generated profile broke rules at error level; nothing was written.
    #[error("the profile has {count} error finding(s); nothing was written")]
    Rejected {
        /// The number of error findings.
        count: usize,
        /// The whole report, warnings included.
        report: Box<crate::rules::Report>,
    },
    /// A property list could not be encoded.
    #[error("cannot encode the profile as {format}")]
    Encode {
        /// The output format.
        format: &'static str,
        /// The encoder's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A signature could not be made, or a signed file could not be read.
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    /// A signing input (certificate, key, PKCS#12 or CA file) could not be used.
    #[error("cannot use {files}")]
    SigningInput {
        /// The files involved, each in backticks.
        files: String,
        /// Why.
        #[source]
        source: crate::sign::SignError,
    },
    /// An input is a property list but not a configuration profile.
    #[error("`{}` is not a configuration profile: {detail}", path.display())]
    NotAProfile {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// `explain` was asked about something that is neither a rule nor a key.
    #[error("`{query}` is not a rule id or a key of the profile{}", suggestion.as_ref().map_or_else(String::new, |s| format!("; did you mean `{s}`?")))]
    UnknownTopic {
        /// What was asked.
        query: String,
        /// The closest rule id or key, when one is close.
        suggestion: Option<String>,
    },
    /// A file is not a readable CMS signed profile.
    #[error("`{}` is not a readable signed profile", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: crate::sign::SignError,
    },
    /// A spec file (or template) is not valid TOML, has an unknown key, or a
    /// value a key does not accept.
    #[error("`{file}` line {line}: {message}")]
    SpecFile {
        /// The file, or `template NAME`.
        file: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong, and what was expected.
        message: String,
    },
    /// A spec value, once filled from a row, is not one its key accepts.
    #[error("`{key}`: {message}")]
    SpecValue {
        /// The spec key.
        key: String,
        /// What is wrong, and what was expected.
        message: String,
    },
    /// A `${name}` row variable names no column of the row.
    #[error("no column `{column}` for `${{{column}}}` in `{key}`")]
    MissingColumn {
        /// The variable's name.
        column: String,
        /// The spec key (or option) that uses it.
        key: String,
    },
    /// One row of a batch could not be made into a profile.
    #[error("row at line {line}")]
    Row {
        /// The row's line in the rows file, from 1 (the CSV header is line 1).
        line: u64,
        /// Why.
        #[source]
        source: Box<Error>,
    },
    /// A rows file could not be read as CSV or JSON Lines.
    #[error("`{}` line {line}: {message}", path.display())]
    Rows {
        /// The rows file (`-` for standard input).
        path: PathBuf,
        /// The line, from 1.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Two rows of a batch would write the same file; nothing was written.
    #[error(
        "rows at lines {first} and {second} would both write `{name}`; nothing was written (make --name unique per row, such as `${{tenant}}`)"
    )]
    NameCollision {
        /// The file name.
        name: String,
        /// The first row's line.
        first: u64,
        /// The second row's line.
        second: u64,
    },
}

fn position_suffix(position: Option<&crate::codec::Position>) -> String {
    position.map_or_else(String::new, |p| format!(" (at {p})"))
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
