//! `psso-profile events`: the nine Platform SSO registration notifications,
//! and the reduction of an event log to compliance per device.

use super::OutputFormat as Format;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::error::Result;
use psso_profile::Error;
use psso_profile::codec::write_output;
use psso_profile::events::{EventKind, LineError, Replay, StateRow, Track, TransitionRow};
use psso_profile::text::escape;

use super::{EXIT_FINDINGS, EXIT_OK};

const LIST_EXAMPLES: &str = "\
Examples:
  psso-profile events list
  psso-profile events list --format json

Exit codes: 0 printed, 2 usage error.";

const REDUCE_EXAMPLES: &str = "\
Input: JSON Lines, one event per line (other fields are ignored):
  {\"device\":\"C02XK1\",\"event\":\"Microsoft.PlatformSSO.Registration.Succeeded\",\"time\":\"2026-11-02T09:31:00Z\"}

Examples:
  psso-profile events reduce events.jsonl
  psso-profile events reduce events.jsonl --format json
  psso-profile events reduce --transitions events.jsonl
  agent-export | psso-profile events reduce - --transitions --format json

Exit codes:
  0  every line was an event
  1  some lines were not events (reported on stderr with their numbers) and were skipped
  2  usage error or unreadable input";

const EVENTS_EXAMPLES: &str = "\
Examples:
  psso-profile events list
  psso-profile events reduce events.jsonl
  psso-profile events reduce --transitions events.jsonl --format json

Exit codes: 0 success, 1 some event lines were skipped (reduce), 2 usage error or unreadable input.";

/// The registration notifications of the Microsoft SSO extension.
#[derive(Debug, Args)]
#[command(after_help = EVENTS_EXAMPLES)]
pub(crate) struct EventsArgs {
    #[command(subcommand)]
    command: EventsCommand,
}

#[derive(Debug, Subcommand)]
enum EventsCommand {
    /// Print the nine notifications, their trigger and what an MDM does on each
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Reduce a JSON Lines event log to each device's registration state and
    /// compliance, or to its changes of compliance in time order
    #[command(after_help = REDUCE_EXAMPLES)]
    Reduce(ReduceArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
struct ReduceArgs {
    /// The event log (JSON Lines); `-` reads standard input
    #[arg(default_value = "-")]
    input: PathBuf,
    /// Print each change of compliance in time order instead of the final
    /// states (holds every event in memory, 24 bytes each, plus about 150 bytes
    /// per device)
    #[arg(long)]
    transitions: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Runs `psso-profile events`.
pub(crate) fn run(args: EventsArgs) -> Result<u8> {
    match args.command {
        EventsCommand::List(args) => list(&args),
        EventsCommand::Reduce(args) => reduce(&args),
    }
}

#[derive(serde::Serialize)]
struct CatalogEntry {
    name: EventKind,
    track: Track,
    trigger: &'static str,
    mdm_action: &'static str,
}

fn list(args: &ListArgs) -> Result<u8> {
    let out = match args.format {
        Format::Json => {
            let entries: Vec<_> = EventKind::ALL
                .iter()
                .map(|&kind| CatalogEntry {
                    name: kind,
                    track: kind.track(),
                    trigger: kind.trigger(),
                    mdm_action: kind.mdm_action(),
                })
                .collect();
            to_json(&entries)?
        }
        Format::Human => {
            let mut out = String::new();
            for kind in EventKind::ALL {
                let track = match kind.track() {
                    Track::Device => "device",
                    Track::User => "user",
                    Track::Both => "both",
                };
                let _ = writeln!(out, "{kind}");
                let _ = writeln!(out, "  track:   {track}");
                let _ = writeln!(out, "  trigger: {}", kind.trigger());
                let _ = writeln!(out, "  MDM:     {}", kind.mdm_action());
            }
            out
        }
    };
    write_output(Path::new("-"), out.as_bytes(), false)?;
    Ok(EXIT_OK)
}

fn reduce(args: &ReduceArgs) -> Result<u8> {
    let path = args.input.as_path();
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path).map_err(read_err)?;
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let name = if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        format!("`{}`", path.display())
    };
    let mut skipped = 0u64;
    let on_skip = |line: u64, err: LineError| {
        skipped += 1;
        super::warn(&format!("{name} line {line}: {err}; line skipped"));
    };
    if args.transitions {
        let timeline = psso_profile::events::read_timeline(reader, on_skip).map_err(read_err)?;
        // Written as they are formatted: a log can have millions of changes.
        write_changes(&timeline.into_replay(), args.format)?;
    } else {
        let tracker = psso_profile::events::reduce(reader, on_skip).map_err(read_err)?;
        let out = states_output(&tracker.rows(), args.format)?;
        write_output(Path::new("-"), out.as_bytes(), false)?;
    }
    if skipped > 0 {
        let lines = if skipped == 1 { "line" } else { "lines" };
        eprintln!(
            "psso-profile: {skipped} {lines} of {} skipped",
            escape(&name)
        );
        Ok(EXIT_FINDINGS)
    } else {
        Ok(EXIT_OK)
    }
}

fn states_output(rows: &[StateRow<'_>], format: Format) -> Result<String> {
    if let Format::Json = format {
        return to_json(rows);
    }
    let header = [
        "DEVICE",
        "DEVICE REGISTRATION",
        "USER REGISTRATION",
        "COMPLIANT",
        "LAST CHANGE",
    ];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                escape(row.device).into_owned(),
                row.device_registration.as_str().to_owned(),
                row.user_registration.as_str().to_owned(),
                match (row.compliant, row.registration_failed) {
                    (true, _) => "yes".to_owned(),
                    (false, true) => "no (registration failed)".to_owned(),
                    (false, false) => "no".to_owned(),
                },
                row.last_change.map(|t| t.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(table(header, &cells))
}

/// Writes the changes of compliance to standard output, one row at a time
/// (the JSON of `--format json`, or a table whose columns are measured by a
/// first replay).
fn write_changes(changes: &Replay, format: Format) -> Result<()> {
    psso_profile::codec::check_stdout()?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = match format {
        Format::Json => write_changes_json(&mut out, changes),
        Format::Human => write_changes_table(&mut out, changes),
    };
    written
        .and_then(|()| out.flush())
        .map_err(super::stdout_error)
}

fn write_changes_json(out: &mut dyn Write, changes: &Replay) -> std::io::Result<()> {
    let mut result = Ok(());
    let mut first = true;
    changes.for_each(|change| {
        if result.is_err() {
            return;
        }
        let row = TransitionRow {
            time: change.time,
            device: change.device,
            compliant: change.compliant,
            event: change.event,
        };
        result = write_json_row(out, &row, first);
        first = false;
    });
    result?;
    out.write_all(if first { b"[]\n" } else { b"\n]\n" })
}

/// One object of a pretty-printed JSON array, indented one level, after `[` or
/// a comma.
fn write_json_row(
    out: &mut dyn Write,
    row: &TransitionRow<'_>,
    first: bool,
) -> std::io::Result<()> {
    out.write_all(if first { b"[\n" } else { b",\n" })?;
    let text = serde_json::to_string_pretty(row).map_err(std::io::Error::from)?;
    for (n, line) in text.lines().enumerate() {
        if n > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"  ")?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn write_changes_table(out: &mut dyn Write, changes: &Replay) -> std::io::Result<()> {
    const HEADER: [&str; 4] = ["TIME", "DEVICE", "COMPLIANCE", "EVENT"];
    let compliance = |compliant: bool| {
        if compliant {
            "compliant"
        } else {
            "not compliant"
        }
    };
    let mut time = String::new();
    let mut widths = HEADER.map(str::len);
    changes.for_each(|change| {
        time.clear();
        let _ = write!(time, "{}", change.time);
        widths[0] = widths[0].max(time.chars().count());
        widths[1] = widths[1].max(escape(change.device).chars().count());
        widths[2] = widths[2].max(compliance(change.compliant).len());
    });
    let mut line = String::new();
    let mut row = |out: &mut dyn Write, cells: [&str; 4]| {
        line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.write_all(line.trim_end().as_bytes())?;
        out.write_all(b"\n")
    };
    row(out, HEADER)?;
    let mut event = String::new();
    let mut result = Ok(());
    changes.for_each(|change| {
        if result.is_err() {
            return;
        }
        time.clear();
        let _ = write!(time, "{}", change.time);
        event.clear();
        let _ = write!(event, "{}", change.event);
        result = row(
            out,
            [
                &time,
                &escape(change.device),
                compliance(change.compliant),
                &event,
            ],
        );
    });
    result
}

/// Left-aligned columns separated by two spaces, no trailing spaces.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; N]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header);
    for row in rows {
        line(std::array::from_fn(|i| row[i].as_str()));
    }
    out
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|source| Error::Encode {
        format: "JSON",
        source: Box::new(source),
    })?;
    text.push('\n');
    Ok(text)
}
