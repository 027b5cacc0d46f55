//! `psso-profile batch`: one profile per row of a CSV or JSON Lines file.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{ArgGroup, Args};

use super::error::{CliError, Result};
use psso_profile::batch::{self, BatchOptions, Event, NamePattern, RowsFormat, RowsSource};
use psso_profile::codec::Format;
use psso_profile::rules::Severity;
use psso_profile::spec::SpecFile;

use super::error::describe;
use super::report::eprint_findings;
use super::signing::{self, SigningArgs};
use super::{EXIT_FINDINGS, EXIT_OK};

const EXAMPLES: &str = "\
Examples:
  psso-profile batch --spec tenant.toml --rows tenants.csv --out-dir profiles
  psso-profile batch --template intune --spec tenant.toml --rows tenants.jsonl \\
      --out-dir profiles --name '${tenant}' --sign-cert signer.pem --sign-key signer.key
  export-tenants | psso-profile batch --spec tenant.toml --rows - --rows-format jsonl --out-dir out

`${column}` in any spec value is filled from the row (`$${` writes a literal `${`);
MDM placeholders such as {{DEVICEREGISTRATION}}, $SERIALNUMBER or $FLEET_VAR_X pass
through untouched. Rows are CSV with a header line, or JSON Lines (one flat object per
line), chosen by the extension (.csv, .jsonl, .ndjson) or --rows-format; `-` reads
standard input, which is first copied to a temporary file that has no name (nothing is left
behind, even if the batch is killed), at most 256 MiB: give a larger set of rows as a file.

Files are named by --name (default: the profile identifier), with `.mobileconfig`
(`.json` with --format declaration) appended unless the pattern ends with an extension;
names stay inside --out-dir. --format declaration writes each row's profile as the
com.apple.configuration.extensible-sso declaration; a row whose fleet starts before macOS 27
fails (`declaration-identifier` and `server-token` may be spec keys with `${column}`s).
All names are checked first: two rows that would write the same file (ignoring case,
as a Mac does) stop the batch before anything is written. A bad row is reported with
its line and the others are still written.

Exit codes: 0 every row written, 1 some rows failed (each reported with its line), 2 a
bad option, unreadable rows or spec, or colliding names (nothing written then).";

/// Make one profile per row of a CSV or JSON Lines file.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
#[command(group(ArgGroup::new("settings").required(true).multiple(true).args(["spec", "template"])))]
pub(crate) struct BatchArgs {
    /// The spec file (TOML, as `generate --spec`), with `${column}` row variables
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Start from a built-in scenario template (the spec file overrides it)
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// The rows: a CSV file with a header line or a JSON Lines file (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    rows: PathBuf,
    /// The rows' format, when the extension does not say (required for stdin)
    #[arg(long, value_name = "FORMAT")]
    rows_format: Option<RowsFormat>,
    /// The folder the profiles are written into (created if missing)
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// File-name pattern with `${column}` variables [default: the profile identifier]
    #[arg(long, value_name = "PATTERN")]
    name: Option<String>,
    /// Output: xml or binary profiles, or declaration (the extensible-sso declaration as a
    /// `.json` file per row, for a fleet from macOS 27)
    #[arg(long, value_name = "FORMAT", default_value = "xml", value_parser = profile_format)]
    format: Format,
    /// Replace existing files (regular files only, keeping their mode and owner; a device, FIFO,
    /// folder or a file with other hard links is never replaced)
    #[arg(long)]
    force: bool,
    /// Worker threads [default: the number of cores]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    #[command(flatten)]
    signing: SigningArgs,
}

/// `--format`: the encodings of a profile a Mac installs, or its declaration.
fn profile_format(s: &str) -> Result<Format, String> {
    match s.to_ascii_lowercase().as_str() {
        "xml" => Ok(Format::Xml),
        "binary" => Ok(Format::Binary),
        "declaration" => Ok(Format::Declaration),
        _ => Err("expected `xml`, `binary` or `declaration`".to_string()),
    }
}

pub(crate) fn run(args: BatchArgs) -> Result<u8> {
    let Some(file) = SpecFile::layered(args.template.as_deref(), args.spec.as_deref())? else {
        return Err(CliError::Usage(
            "give --spec FILE or --template NAME".into(),
        ));
    };
    let row_spec = file.row_spec()?;
    let name = match &args.name {
        Some(pattern) => NamePattern::new(pattern)?,
        None => NamePattern::from_identifier(&row_spec),
    };
    let rows = if args.rows.as_os_str() == "-" {
        let format = args.rows_format.ok_or_else(|| {
            CliError::Usage(
                "reading rows from standard input needs --rows-format csv or jsonl".into(),
            )
        })?;
        RowsSource::spool(&mut std::io::stdin().lock(), format)?
    } else {
        RowsSource::file(&args.rows, args.rows_format)?
    };
    let signing = args.signing.load()?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let options = BatchOptions {
        spec: row_spec,
        name,
        out_dir: args.out_dir.clone(),
        format: args.format,
        force: args.force,
        jobs,
        signing: signing.map(|s| (s.signer, s.time)),
    };
    let label = rows.label().display().to_string();
    let mut progress = Progress::new();
    let summary = batch::run(&options, &rows, &mut |event| match event {
        Event::Started { rows } => progress.start(rows),
        Event::Written { .. } => progress.advance(false),
        Event::Failed { error } => {
            progress.clear();
            eprintln!(
                "psso-profile: error: {}",
                psso_profile::text::Escaped(&describe(error))
            );
            progress.advance(true);
        }
        Event::Refused { line, report } => {
            progress.clear();
            let mut shown = report.clone();
            shown.findings.retain(|f| f.severity >= Severity::Warning);
            eprint_findings(&format!("{label}:{line}"), &shown);
            eprintln!(
                "psso-profile: error: `{}` line {line}: the profile has {} error finding(s); nothing was written",
                psso_profile::text::Escaped(&label),
                report.count(Severity::Error)
            );
            progress.advance(true);
        }
    })?;
    progress.clear();
    signing::warn_placeholders(summary.signed_placeholders.iter().map(String::as_str));
    eprintln!("{summary}");
    Ok(if summary.failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// A one-line progress bar on standard error, drawn only on a terminal.
struct Progress {
    tty: bool,
    total: u64,
    done: u64,
    failed: u64,
    drawn: Option<Instant>,
}

impl Progress {
    fn new() -> Self {
        Progress {
            tty: std::io::stderr().is_terminal(),
            total: 0,
            done: 0,
            failed: 0,
            drawn: None,
        }
    }

    fn start(&mut self, total: u64) {
        self.total = total;
        self.draw();
    }

    fn advance(&mut self, failed: bool) {
        self.done += 1;
        self.failed += u64::from(failed);
        if self
            .drawn
            .is_none_or(|at| at.elapsed() >= Duration::from_millis(100))
            || self.done == self.total
        {
            self.draw();
        }
    }

    fn draw(&mut self) {
        if !self.tty {
            return;
        }
        const WIDTH: u64 = 30;
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(0);
        let bar: String = (0..WIDTH)
            .map(|i| if i < filled { '=' } else { ' ' })
            .collect();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K[{bar}] {}/{} rows, {} failed",
            self.done, self.total, self.failed
        );
        let _ = err.flush();
        self.drawn = Some(Instant::now());
    }

    fn clear(&mut self) {
        if self.tty && self.drawn.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = None;
        }
    }
}
