//! The command-line interface: clap types, one file per subcommand, and the
//! printers. No domain logic lives here; every command calls the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod batch;
mod events;
mod generate;
mod report;
mod secret;
mod sign;
mod signing;
mod templates;
mod verify;

/// Exit code for success: the profile is clean, the signature is valid.
pub const EXIT_OK: u8 = 0;
/// Exit code for findings at error level, a bad signature, or a difference.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage errors, I/O errors and unreadable input.
pub const EXIT_ERROR: u8 = 2;

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success: the profile is clean, the signature is valid
  1  findings at error level (or warnings with --strict), an invalid signature
  2  usage error, unreadable input, or nothing written because of an error";

/// Generate, validate, sign and inspect the macOS configuration profile that
/// turns on Microsoft Entra Platform SSO.
#[derive(Debug, Parser)]
#[command(name = "psso-profile", version, about, after_help = EXIT_CODES_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a Platform SSO configuration profile
    Generate(generate::GenerateArgs),
    /// The Platform SSO registration notifications: list them, or reduce an
    /// event log to each device's compliance
    Events(events::EventsArgs),
    /// Sign a profile (CMS / PKCS#7) with a certificate and its key.
    Sign(sign::SignArgs),
    /// Verify a signed profile and show who signed it.
    Verify(verify::VerifyArgs),
    /// Make one profile per row of a CSV or JSON Lines file
    Batch(batch::BatchArgs),
    /// The built-in scenario templates: list them, or print one
    Templates(templates::TemplatesArgs),
}

/// Runs the command line of this process and returns its exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            });
        }
    };
    match dispatch(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            report_error(&err);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn dispatch(command: Command) -> crate::Result<u8> {
    match command {
        Command::Generate(args) => generate::run(args),
        Command::Events(args) => events::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Templates(args) => templates::run(args),
    }
}

/// Prints an error and its whole `source()` chain on one line of stderr.
pub(crate) fn report_error(err: &dyn std::error::Error) {
    let mut line = format!("psso-profile: error: {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    eprintln!("{line}");
}
