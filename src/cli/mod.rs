//! The command-line interface: clap types, one file per subcommand, and the
//! printers. No domain logic lives here; every command calls the library.

use std::ffi::OsString;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, Parser, Subcommand};

use error::{CliError, Result};

mod batch;
mod completions;
mod diff;
mod enrollment;
pub(crate) mod error;
mod events;
mod explain;
mod generate;
mod inspect;
mod man;
pub(crate) mod report;
mod sarif;
mod secret;
mod sign;
pub(crate) mod signing;
mod templates;
mod validate;
mod verify;
mod wrap;

/// Exit code for success: the profile is clean, the signature is valid.
pub const EXIT_OK: u8 = 0;
/// Exit code for findings at error level, a bad signature, or a difference.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage errors, I/O errors and unreadable input.
pub const EXIT_ERROR: u8 = 2;

const TOP_HELP: &str = "\
Examples:
  psso-profile generate --auth UserSecureEnclaveKey -o psso.mobileconfig
  psso-profile inspect psso.mobileconfig
  psso-profile diff deployed.mobileconfig psso.mobileconfig
  psso-profile wrap psso.mobileconfig -o install-command.plist
  psso-profile explain sso.use-shared-device-keys
  psso-profile help COMMAND

`-` reads standard input or writes standard output wherever a file is taken.
Colors are used on a terminal only, never when NO_COLOR is set.

Exit codes:
  0  success: the profile is clean, the signature is valid, the profiles are the same
  1  findings at error level (or warnings with --strict), an invalid signature,
     profiles that differ
  2  usage error, unreadable input, or nothing written because of an error";

/// What the global `--quiet` and `--verbose` flags ask of every command.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ui {
    /// Print errors only: no warnings or notes on standard error.
    pub(crate) quiet: bool,
    /// Print more on standard error: `inspect` and `wrap` list every finding.
    pub(crate) verbose: bool,
}

// The flags of the command line being run: set by `run_from` for each run.
static QUIET: AtomicBool = AtomicBool::new(false);
static VERBOSE: AtomicBool = AtomicBool::new(false);

/// The flags of the command line being run (defaults before it is parsed).
pub(crate) fn ui() -> Ui {
    Ui {
        quiet: QUIET.load(Ordering::Relaxed),
        verbose: VERBOSE.load(Ordering::Relaxed),
    }
}

/// Prints a warning on standard error, unless `--quiet`; control characters are
/// escaped.
pub(crate) fn warn(message: &str) {
    if !ui().quiet {
        eprintln!(
            "psso-profile: warning: {}",
            psso_profile::text::Escaped(message)
        );
    }
}

/// The clap command of the whole CLI (for completions and man pages).
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

/// Generate, validate, sign and inspect the macOS configuration profile that
/// turns on Microsoft Entra Platform SSO.
#[derive(Debug, Parser)]
#[command(name = "psso-profile", version, about, after_help = TOP_HELP)]
struct Cli {
    /// Print errors only: no warnings or notes on standard error
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more on stderr: `generate`, `inspect` and `wrap` list every finding, notes included
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a Platform SSO configuration profile
    Generate(generate::GenerateArgs),
    /// Lint profiles against Microsoft's required settings and Apple's schema
    Validate(validate::ValidateArgs),
    /// The Platform SSO registration notifications: list them, or reduce an
    /// event log to each device's compliance
    Events(events::EventsArgs),
    /// Sign a profile (CMS / PKCS#7) with a certificate and its key
    Sign(sign::SignArgs),
    /// Verify a signed profile and show who signed it
    Verify(verify::VerifyArgs),
    /// Show what a profile does: identity, payloads, SSO settings in plain words,
    /// macOS versions, signer, finding counts
    Inspect(inspect::InspectArgs),
    /// Compare two profiles by meaning and name the changes that make users register again
    Diff(diff::DiffArgs),
    /// Explain a rule or a key, or list Microsoft's required settings and every rule
    Explain(explain::ExplainArgs),
    /// Wrap a profile in the MDM `InstallProfile` command that delivers it, or in a
    /// legacy declaration
    Wrap(wrap::WrapArgs),
    /// Print the `com.apple.psso.required` answer for Platform SSO during enrollment
    Enrollment(enrollment::EnrollmentArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one per command into a folder
    Man(man::ManArgs),
    /// Make one profile per row of a CSV or JSON Lines file
    Batch(batch::BatchArgs),
    /// The built-in scenario templates: list them, or print one
    Templates(templates::TemplatesArgs),
}

/// Runs the command line `args` (the program name first, as `std::env::args_os`
/// gives it) and returns its exit code. The binary runs its own arguments; the
/// Python module's `psso-profile` command runs `sys.argv`.
pub fn run_from<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    QUIET.store(cli.quiet, Ordering::Relaxed);
    VERBOSE.store(cli.verbose, Ordering::Relaxed);
    match dispatch(cli.command) {
        Ok(code) => code,
        // A reader that stopped reading (`| head`) is not an error.
        Err(err) if err.is_broken_pipe() => EXIT_OK,
        Err(err) => {
            error::report(&err);
            err.exit_code()
        }
    }
}

/// Prints what clap refused (or the help it was asked for) and gives the exit
/// code. A value refused by the library's own parsing is told as the library
/// tells it.
fn usage_error(err: &clap::Error) -> u8 {
    let library = std::error::Error::source(err)
        .and_then(|source| source.downcast_ref::<psso_profile::Error>());
    match library {
        Some(source) => eprintln!(
            "psso-profile: error: {}",
            psso_profile::text::Escaped(&error::describe(source))
        ),
        None => {
            if let Err(e) = err.print()
                && e.kind() == std::io::ErrorKind::BrokenPipe
            {
                return EXIT_OK;
            }
        }
    }
    if err.use_stderr() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

fn dispatch(command: Command) -> Result<u8> {
    match command {
        Command::Generate(args) => generate::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Events(args) => events::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Wrap(args) => wrap::run(args),
        Command::Enrollment(args) => enrollment::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Templates(args) => templates::run(args),
    }
}

/// `--format` of the commands that print data: text for people, or one JSON
/// document in the shape the README documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document.
    Json,
}

/// Writes `text` to standard output (an error when it is closed).
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    psso_profile::codec::check_stdout()?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// A failed write to standard output.
pub(crate) fn stdout_error(source: std::io::Error) -> CliError {
    CliError::Lib(psso_profile::Error::Write {
        path: "-".into(),
        source,
    })
}

/// `value` as pretty JSON with a final newline.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|source| psso_profile::Error::Encode {
            format: "JSON",
            source: Box::new(source),
        })?;
    text.push('\n');
    Ok(text)
}
