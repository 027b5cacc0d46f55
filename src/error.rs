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
    /// Standard output is closed (or not open for writing), so data meant for
    /// it would be lost.
    #[error("standard output is closed; nothing was written")]
    StdoutClosed,
    /// The output file exists and overwriting was not allowed.
    #[error("`{}` already exists", path.display())]
    OutputExists {
        /// The file that exists.
        path: PathBuf,
    },
    /// The output path is not a regular file (a folder, a device, a FIFO, a
    /// socket, or a symbolic link to one or to nothing): it is never replaced,
    /// and nothing is written into it.
    #[error("`{}` is {}{kind}, not a regular file; nothing was written", path.display(), if *link { "a symbolic link to " } else { "" })]
    NotRegularOutput {
        /// The output path as given.
        path: PathBuf,
        /// What is there (at the end of the link, when `link`).
        kind: FileKind,
        /// Whether `path` is a symbolic link.
        link: bool,
    },
    /// The output file has other hard links: replacing it would leave them
    /// holding the old content, and writing into it would not be atomic.
    #[error("`{}` has {links} hard links; replacing it would separate it from the others, so nothing was written", path.display())]
    OutputHardLinked {
        /// The output path as given.
        path: PathBuf,
        /// Its number of hard links.
        links: u64,
    },
    /// A profile made for an output is larger than this crate reads back.
    #[error(
        "the profile is {size} bytes, larger than the {limit} bytes read as a configuration profile; nothing was written"
    )]
    OutputTooLarge {
        /// The profile's size in bytes.
        size: u64,
        /// The limit ([`crate::codec::MAX_INPUT_BYTES`]).
        limit: u64,
    },
    /// An input is larger than this crate reads for its kind.
    #[error("`{}` is larger than {limit} bytes, too big for {kind}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
        /// What the file was expected to be.
        kind: crate::codec::InputKind,
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
    /// A setting that needs a value was given an empty (or blank) one.
    #[error("`{key}` is empty: expected {expected}")]
    EmptyValue {
        /// The setting (spec key).
        key: String,
        /// What would have been accepted.
        expected: String,
    },
    /// JSON output was to be signed; a signed profile holds a property list.
    #[error("cannot sign JSON output: a signed profile holds an XML or binary property list")]
    SignJson,
    /// A batch was asked to write JSON; it writes profiles or declarations.
    #[error("a batch writes profiles (XML or binary property lists) or declarations, not JSON")]
    BatchJson,
    /// A property list could not be encoded.
    #[error("cannot encode the profile as {format}")]
    Encode {
        /// The output format.
        format: &'static str,
        /// The encoder's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A repaired profile could not be encoded in the encoding it was read in.
    #[error("cannot encode the repaired `{}` as {format}", path.display())]
    FixEncode {
        /// The profile that was repaired (`<stdin>` for standard input).
        path: PathBuf,
        /// The output format.
        format: &'static str,
        /// The encoder's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A signed profile's signature does not verify, and dropping it (writing
    /// or wrapping the content unsigned) was not asked for.
    #[error("`{}` has an invalid signature ({reason}); nothing was written", path.display())]
    InvalidSignature {
        /// The signed profile (`<stdin>` for standard input).
        path: PathBuf,
        /// What is wrong with the signature.
        reason: String,
    },
    /// A signature could not be made, or a signed file could not be read.
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    /// A signing input (certificate, key, PKCS#12 or CA file) could not be used.
    #[error("cannot use {}", list_files(files))]
    SigningInput {
        /// The files involved.
        files: Vec<PathBuf>,
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
    /// An input is not JSON, or its root is not an object.
    #[error("`{}` is not JSON: {detail}", path.display())]
    NotJson {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// What the parser found wrong, and where.
        detail: String,
    },
    /// An input is JSON but not a declaration this crate reads.
    #[error("`{}` is not a declaration: {detail}", path.display())]
    NotADeclaration {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// A declaration was asked for a fleet with Macs that do not read it.
    #[error(
        "the `{declaration}` declaration is read by macOS {needs} and later, but the fleet starts at macOS {min_macos}; deliver the profile itself to older Macs, or in a `com.apple.configuration.legacy` declaration that installs it from a URL"
    )]
    DeclarationMacOs {
        /// The declaration type.
        declaration: &'static str,
        /// The first macOS that reads it.
        needs: crate::model::MacOs,
        /// The fleet's oldest macOS.
        min_macos: crate::model::MacOs,
    },
    /// A profile holds something a declaration cannot carry.
    #[error("the profile cannot become a declaration: {detail}")]
    NotDeclarable {
        /// What cannot be carried.
        detail: String,
    },
    /// A declaration was to be signed or wrapped in an MDM command: a Mac reads it
    /// as JSON from the declarative management channel.
    #[error("a declaration is JSON that the Mac reads from declarative management: it is {what}")]
    DeclarationOutput {
        /// What was asked: `not signed`, `not an InstallProfile command`.
        what: &'static str,
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
    /// A setting that configures Platform SSO, in a spec that expects the Microsoft
    /// SSO extension without Platform SSO.
    #[error(
        "`{key}` configures Platform SSO, but the spec expects the SSO extension without Platform SSO (`sso-extension`)"
    )]
    PlatformSsoNotExpected {
        /// The spec key of the setting.
        key: String,
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
    #[error("no column `{column}` for `${{{column}}}` in {}", key.as_ref().map_or_else(|| "the file-name pattern".to_string(), |k| format!("`{k}`")))]
    MissingColumn {
        /// The variable's name.
        column: String,
        /// The spec key that uses it; `None` for a batch's file-name pattern.
        key: Option<String>,
    },
    /// A spec uses row variables, which only a batch fills.
    #[error("`{source_name}` uses row variables ({}); only a batch fills them from rows (write `$${{` for a literal `${{`)", variables.iter().map(|v| format!("`${{{v}}}`")).collect::<Vec<_>>().join(", "))]
    RowVariables {
        /// The spec file, or `template NAME`.
        source_name: String,
        /// The variables, sorted.
        variables: Vec<String>,
    },
    /// A batch's file-name pattern, or a name it made for a row, is not a file
    /// name inside the output folder.
    #[error("invalid file name `{name}`: {problem}")]
    FileName {
        /// The pattern, or the name made for a row.
        name: String,
        /// What is wrong.
        problem: FileNameProblem,
    },
    /// A rows file's extension does not say whether it is CSV or JSON Lines.
    #[error("`{}` is not a `.csv`, `.jsonl` or `.ndjson` file; its rows format must be given", path.display())]
    RowsFormatUnknown {
        /// The rows file.
        path: PathBuf,
    },
    /// One row of a rows file cannot be read.
    #[error("{0}")]
    BadRow(RowProblem),
    /// One row of a batch could not be made into a profile.
    #[error("`{}` line {line}", path.display())]
    Row {
        /// The rows file (`<stdin>` for standard input).
        path: PathBuf,
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
        "rows at lines {first} and {second} would both write `{name}`; nothing was written (make the file-name pattern unique per row, such as `${{tenant}}`)"
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

/// What stands at an output path that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A folder.
    Directory,
    /// A FIFO (named pipe), such as the `/dev/fd` entry of a shell's pipe.
    Fifo,
    /// A character device, such as `/dev/null` or a terminal.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Nothing: a symbolic link to a missing file.
    Missing,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The kind of `metadata`'s file (`None` for a regular file or a symbolic link).
    pub(crate) fn of(metadata: &std::fs::Metadata) -> Option<FileKind> {
        let kind = metadata.file_type();
        if kind.is_file() || kind.is_symlink() {
            return None;
        }
        if kind.is_dir() {
            return Some(FileKind::Directory);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return Some(FileKind::Fifo);
            }
            if kind.is_char_device() {
                return Some(FileKind::CharDevice);
            }
            if kind.is_block_device() {
                return Some(FileKind::BlockDevice);
            }
            if kind.is_socket() {
                return Some(FileKind::Socket);
            }
        }
        Some(FileKind::Other)
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a folder",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Missing => "a missing file",
            FileKind::Other => "a special file",
        })
    }
}

/// What is wrong with a batch's file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileNameProblem {
    /// The pattern has a `${` without a name and a closing `}`.
    Syntax,
    /// The pattern names another folder (`/`, `\`) or is empty.
    Separator,
    /// The pattern is `..` or `.`.
    Dots,
    /// A row filled the pattern into something that is not a file name of the folder.
    Filled,
}

impl std::fmt::Display for FileNameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileNameProblem::Syntax => {
                "expected a file name with `${column}` variables (write `$${` for a literal `${`)"
            }
            FileNameProblem::Separator => {
                "expected a file name inside the output folder, without `/` or `\\` (such as `${tenant}`)"
            }
            FileNameProblem::Dots => "expected a file name inside the output folder, not `..`",
            FileNameProblem::Filled => {
                "expected a file name inside the output folder: not empty, no `/`, `\\` or `..`, at most 240 bytes"
            }
        })
    }
}

/// Why a row of a rows file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowProblem {
    /// A CSV row with another number of fields than the header.
    FieldCount {
        /// The row's fields.
        found: u64,
        /// The header's.
        expected: u64,
    },
    /// The CSV reader refused the row.
    Csv(String),
    /// The row is not UTF-8 text.
    NotUtf8,
    /// A JSON Lines row is not a JSON object.
    NotJsonObject(String),
    /// A JSON Lines row names a key twice.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A JSON Lines value is an array, an object or null.
    NotScalar {
        /// The key.
        key: String,
        /// What it holds: `an array`, `an object` or `null`.
        found: &'static str,
    },
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::FieldCount { found, expected } => {
                write!(f, "{found} field(s), expected {expected} as in the header")
            }
            RowProblem::Csv(detail) => f.write_str(detail),
            RowProblem::NotUtf8 => f.write_str("not UTF-8 text"),
            RowProblem::NotJsonObject(detail) => write!(f, "not a JSON object: {detail}"),
            RowProblem::DuplicateKey { key } => write!(
                f,
                "the key `{key}` is given twice; a row names each column once"
            ),
            RowProblem::NotScalar { key, found } => write!(
                f,
                "`{key}` holds {found}; a row's values are strings, numbers or booleans"
            ),
        }
    }
}

fn list_files(files: &[PathBuf]) -> String {
    let names: Vec<String> = files.iter().map(|f| format!("`{}`", f.display())).collect();
    match names.as_slice() {
        [] => "the signing files".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
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
