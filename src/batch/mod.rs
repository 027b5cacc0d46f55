//! Many profiles from one spec and a file of rows: one profile per row, its
//! `${column}` variables filled from the row, rendered in parallel and written
//! atomically into one folder.
//!
//! A batch reads the rows twice. The first pass computes only each row's file
//! name, so that two rows that would write the same file stop the batch before
//! anything is written. The second pass streams: a feeder thread puts chunks of
//! rows in a bounded queue, worker threads render, sign and write, and hand
//! their results through a bounded queue, so memory does not grow with the
//! number of rows. A bad row is reported with its line and the others still
//! complete. A panic in any thread stops the batch and reaches the caller.

mod rows;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

pub use rows::{Row, RowReader, RowsFormat, RowsSource};

use crate::codec::{self, Format, WriteOptions, XmlOptions};
use crate::error::FileNameProblem;
use crate::rules::Report;
use crate::sign::{self, Signer, SigningTime};
use crate::spec::{self, RowSpec, Vars};
use crate::{Error, Result};

/// The file extension appended to names without one.
pub const EXTENSION: &str = "mobileconfig";
/// The file extension appended to names without one when a batch writes declarations.
pub const DECLARATION_EXTENSION: &str = "json";

/// What a batch makes and where it writes.
pub struct BatchOptions {
    /// The spec every row fills.
    pub spec: RowSpec,
    /// How files are named.
    pub name: NamePattern,
    /// The folder the profiles are written into (created if missing).
    pub out_dir: PathBuf,
    /// XML or binary profiles, or declarations ([`Format::Declaration`], JSON, one
    /// `.json` file per row); not [`Format::Json`].
    pub format: Format,
    /// Overwrite existing files.
    pub force: bool,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Sign every profile with this signer and signing time.
    pub signing: Option<(Signer, SigningTime)>,
}

impl BatchOptions {
    /// The file name of `row`: `.json` appended for declarations, `.mobileconfig`
    /// for profiles, to a name without an extension.
    fn file_name(&self, row: &dyn Vars) -> Result<String> {
        let extension = match self.format {
            Format::Declaration => DECLARATION_EXTENSION,
            _ => EXTENSION,
        };
        self.name.render_with_extension(row, extension)
    }
}

/// The file-name pattern of a batch: `${column}` variables, and `.mobileconfig`
/// appended unless the pattern ends with an extension of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    pattern: String,
    append_extension: bool,
}

impl NamePattern {
    /// A file-name pattern such as `${tenant}` or `${tenant}-psso.mobileconfig`.
    ///
    /// # Errors
    ///
    /// [`Error::FileName`] for an empty pattern, a malformed `${`, or a
    /// `/`, `\` or `..` outside the variables (files stay inside the folder).
    pub fn new(pattern: &str) -> Result<NamePattern> {
        let invalid = |problem| Error::FileName {
            name: pattern.to_string(),
            problem,
        };
        let literal =
            spec::substitute(pattern, &Blank).map_err(|_| invalid(FileNameProblem::Syntax))?;
        if literal.contains(['/', '\\', '\0']) || pattern.trim().is_empty() {
            return Err(invalid(FileNameProblem::Separator));
        }
        if literal == ".." || literal.starts_with("../") || literal == "." {
            return Err(invalid(FileNameProblem::Dots));
        }
        let tail = pattern.rsplit('}').next().unwrap_or(pattern);
        let append_extension = !tail.rsplit_once('.').is_some_and(|(_, ext)| {
            (1..=16).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        Ok(NamePattern {
            pattern: pattern.to_string(),
            append_extension,
        })
    }

    /// The default: the profile identifier, with `.mobileconfig` appended.
    pub fn from_identifier(spec: &RowSpec) -> NamePattern {
        NamePattern {
            pattern: spec.identifier_pattern().to_string(),
            append_extension: true,
        }
    }

    /// The file name for `row`.
    ///
    /// # Errors
    ///
    /// [`Error::MissingColumn`], or [`Error::FileName`] when the filled
    /// name would leave the folder (`/`, `\`, `..`) or is empty.
    pub fn render(&self, row: &dyn Vars) -> Result<String> {
        self.render_with_extension(row, EXTENSION)
    }

    /// [`NamePattern::render`], appending `extension` (without its dot) instead of
    /// `.mobileconfig` to a name without one.
    ///
    /// # Errors
    ///
    /// Those of [`NamePattern::render`].
    pub fn render_with_extension(&self, row: &dyn Vars, extension: &str) -> Result<String> {
        let name = spec::substitute(&self.pattern, row).map_err(|e| match e {
            spec::VarError::Missing(column) => Error::MissingColumn { column, key: None },
            spec::VarError::Syntax(text) => Error::FileName {
                name: text,
                problem: FileNameProblem::Syntax,
            },
        })?;
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.contains(['/', '\\', '\0'])
            || name.len() > 240
        {
            return Err(Error::FileName {
                name: name.into_owned(),
                problem: FileNameProblem::Filled,
            });
        }
        Ok(if self.append_extension {
            format!("{name}.{extension}")
        } else {
            name.into_owned()
        })
    }
}

/// Answers every variable with an empty string (to look at a pattern's literal part).
struct Blank;

impl Vars for Blank {
    fn var(&self, _name: &str) -> Option<&str> {
        Some("")
    }
}

/// What happened, as a batch runs: for a progress bar and error reports.
#[derive(Debug)]
pub enum Event<'a> {
    /// The names were checked; `rows` profiles will be made.
    Started {
        /// The number of rows (bad rows included).
        rows: u64,
    },
    /// A profile was written.
    Written {
        /// The row's line.
        line: u64,
        /// The file.
        path: &'a Path,
    },
    /// A row failed; nothing was written for it. The error is an [`Error::Row`].
    Failed {
        /// Why.
        error: &'a Error,
    },
    /// A row's profile broke rules at error level; nothing was written for it.
    Refused {
        /// The row's line.
        line: u64,
        /// The findings, warnings included.
        report: &'a Report,
    },
}

/// What a batch did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Profiles written.
    pub written: u64,
    /// Rows that failed.
    pub failed: u64,
    /// From the first pass to the last file.
    pub elapsed: Duration,
    /// MDM placeholders (`{{...}}`, `$FLEET_VAR_...`) left in signed profiles.
    pub signed_placeholders: BTreeSet<String>,
}

impl Summary {
    /// Profiles written per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.written as f64 / secs
        } else {
            0.0
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "written {}, failed {}, elapsed {:.2} s, {:.0} profiles/s",
            self.written,
            self.failed,
            self.elapsed.as_secs_f64(),
            self.rate()
        )
    }
}

/// Runs a batch: checks every row's file name, then renders, signs and writes
/// one profile per row on `options.jobs` threads, calling `on_event` (on the
/// calling thread) as it goes.
///
/// Each file is written atomically (a reader never sees half of one), and the
/// batch flushes the folder's file system to the disk once, when every row is
/// done, rather than each file as it is written: when `run` returns, every
/// file it wrote is on the disk. A machine that stops during a batch can leave
/// some of its files empty; run the batch again with `force`.
///
/// # Errors
///
/// [`Error::NameCollision`] when two rows would write the same file (names
/// that differ only in case or Unicode normalization collide too, as on a
/// Mac's file system), before anything is written; [`Error::Read`] and
/// [`Error::Rows`] when the rows cannot be read; [`Error::Write`] when the
/// folder cannot be created or flushed. A bad
/// row is not an error of the batch: it is an [`Event::Failed`] and counts in
/// [`Summary::failed`].
pub fn run(
    options: &BatchOptions,
    rows: &RowsSource,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Summary> {
    if options.format == Format::Json {
        return Err(Error::BatchJson);
    }
    if options.format == Format::Declaration && options.signing.is_some() {
        return Err(Error::DeclarationOutput {
            what: "never signed",
        });
    }
    let start = Instant::now();
    let count = std::thread::scope(|scope| {
        if options.signing.is_some() {
            scope.spawn(sign::start_random);
        }
        check_names(options, rows)
    })?;
    std::fs::create_dir_all(&options.out_dir).map_err(|source| Error::Write {
        path: options.out_dir.clone(),
        source,
    })?;
    on_event(Event::Started { rows: count });

    let mut summary = Summary::default();
    let mut chunks = Chunks {
        reader: rows.open()?,
        fatal: None,
    };
    let label = rows.label();
    stream(
        options.jobs,
        &mut chunks,
        |chunk| -> Vec<Outcome> {
            let mut worker = Worker::new(options);
            chunk
                .into_iter()
                .map(|item| {
                    let row = item?;
                    worker.make(&row).map_err(|source| Error::Row {
                        path: label.to_path_buf(),
                        line: row.line,
                        source: Box::new(source),
                    })
                })
                .collect()
        },
        |outcomes| {
            for outcome in outcomes {
                match outcome {
                    Ok(Made::Refused { line, report }) => {
                        summary.failed += 1;
                        on_event(Event::Refused {
                            line,
                            report: &report,
                        });
                    }
                    Ok(Made::Written(done)) => {
                        summary.written += 1;
                        summary.signed_placeholders.extend(done.placeholders);
                        on_event(Event::Written {
                            line: done.line,
                            path: &done.path,
                        });
                    }
                    Err(error) => {
                        summary.failed += 1;
                        on_event(Event::Failed { error: &error });
                    }
                }
            }
        },
    );
    if let Some(fatal) = chunks.fatal {
        return Err(fatal);
    }
    // One flush for the whole batch: a flush per file costs more than the
    // rest of the work on a disk (benches/floor.rs).
    if summary.written > 0 {
        codec::sync_folder(&options.out_dir)?;
    }
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// The rows of the second pass, [`CHUNK`] at a time: a worker takes a chunk,
/// not a row, so that the threads do not wait on each other for every profile.
/// Bad rows stay in their chunk, to be reported in order with the others; an
/// error that ends the rows (the file cannot be read on) ends the chunks, and
/// the rows read since the last chunk are dropped.
struct Chunks {
    reader: RowReader,
    fatal: Option<Error>,
}

/// Rows per chunk.
const CHUNK: usize = 64;

impl Iterator for Chunks {
    type Item = Vec<Result<Row>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.fatal.is_some() {
            return None;
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            match self.reader.next() {
                None => break,
                Some(Err(error)) if !matches!(error, Error::Row { .. }) => {
                    self.fatal = Some(error);
                    return None;
                }
                Some(item) => chunk.push(item),
            }
        }
        (!chunk.is_empty()).then_some(chunk)
    }
}

/// Items taken by [`stream`] and not yet handed on, per thread: room for the
/// other threads to go on while one is slow with the next result in order.
const WINDOW_PER_JOB: usize = 8;

/// Runs `work` on every item of `items` on `jobs` scoped threads (at least
/// one) and hands each result to `on_result` on the calling thread, in the
/// order of the items.
///
/// A feeder thread takes the items into a queue of `2 * jobs` that the
/// threads take from. Results that are done before the ones ahead of them wait
/// on the calling thread; the feeder takes an item only while fewer than
/// [`WINDOW_PER_JOB`]` * jobs` are taken and not yet handed on, so memory does
/// not grow with the number of items, however late one result is. A panic in
/// `items` (on the feeder), `work` or `on_result` stops the threads (each
/// after the item it is on) and then goes on in the caller.
///
/// Kept instead of a rayon pool fed from the calling thread or scoped threads
/// that read the rows themselves under a lock: on this project's 2-core
/// machines, shared with other builds, they gave a batch of 20 000 unsigned
/// profiles a median throughput 23 % to 42 % (rayon) and 10 % to 32 % (scoped
/// threads) lower than this feeder and queue, in 20 to 52 interleaved runs of
/// each, for the same CPU time per profile: the feeder reads ahead while a
/// thread waits for a core.
fn stream<I, R>(
    jobs: usize,
    items: I,
    work: impl Fn(I::Item) -> R + Sync,
    mut on_result: impl FnMut(R),
) where
    I: Iterator + Send,
    I::Item: Send,
    R: Send,
{
    let jobs = jobs.max(1);
    let window = Window::new(WINDOW_PER_JOB * jobs);
    let (window, work) = (&window, &work);
    std::thread::scope(|scope| {
        let (item_tx, item_rx) = mpsc::sync_channel::<(u64, I::Item)>(2 * jobs);
        let (out_tx, out_rx) = mpsc::sync_channel::<(u64, R)>(2 * jobs);
        // Dropped with the last thread, which ends a feeder waiting to send.
        let item_rx = Arc::new(Mutex::new(item_rx));
        let mut threads: Vec<_> = (0..jobs)
            .map(|_| {
                let (item_rx, out_tx) = (item_rx.clone(), out_tx.clone());
                scope.spawn(move || {
                    let _stop = StopOnPanic(window);
                    while !window.stopped() {
                        // Poisoned only if a thread panicked in `recv`: stop.
                        let next = match item_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok((at, item)) = next else { return };
                        if out_tx.send((at, work(item))).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        drop((item_rx, out_tx));
        threads.push(scope.spawn(move || {
            let _stop = StopOnPanic(window);
            let mut items = items;
            for at in 0.. {
                if !window.take() {
                    return;
                }
                let Some(item) = items.next() else { return };
                if item_tx.send((at, item)).is_err() {
                    return;
                }
            }
        }));
        // Ends when every thread has stopped; if `on_result` panics, dropping
        // `out_rx` makes the threads stop at their next result.
        let _stop = StopOnPanic(window);
        let mut next = 0;
        let mut early = std::collections::BTreeMap::new();
        for (at, result) in out_rx {
            if at != next {
                early.insert(at, result);
                continue;
            }
            let mut result = Some(result);
            while let Some(ready) = result {
                on_result(ready);
                window.hand_on();
                next += 1;
                result = early.remove(&next);
            }
        }
        for thread in threads {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// How many items [`stream`] has taken and not handed on, bounded, and whether
/// its threads must stop.
struct Window {
    state: Mutex<WindowState>,
    room: Condvar,
    stop: AtomicBool,
}

struct WindowState {
    ahead: usize,
    limit: usize,
}

impl Window {
    fn new(limit: usize) -> Window {
        Window {
            state: Mutex::new(WindowState { ahead: 0, limit }),
            room: Condvar::new(),
            stop: AtomicBool::new(false),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WindowState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for room for one more item and counts it; `false` when the
    /// threads must stop.
    fn take(&self) -> bool {
        let mut state = self.state();
        while state.ahead >= state.limit && !self.stopped() {
            state = self
                .room
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.ahead += 1;
        !self.stopped()
    }

    /// One item was handed on.
    fn hand_on(&self) {
        self.state().ahead -= 1;
        self.room.notify_one();
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        // Under the lock: a feeder between its test and its wait still wakes.
        drop(self.state());
        self.room.notify_all();
    }
}

/// Tells the threads of [`stream`] to stop when its thread panics.
struct StopOnPanic<'a>(&'a Window);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// The first pass: every row's file name, and no two the same. Rows whose
/// name cannot be made are left for the second pass to report.
fn check_names(options: &BatchOptions, rows: &RowsSource) -> Result<u64> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut count = 0;
    for item in rows.open()? {
        let row = match item {
            Ok(row) => row,
            Err(Error::Row { .. }) => {
                count += 1;
                continue;
            }
            Err(fatal) => return Err(fatal),
        };
        count += 1;
        let Ok(name) = options.file_name(&row) else {
            continue;
        };
        if let Some(first) = seen.insert(fold(&name), row.line) {
            return Err(Error::NameCollision {
                name,
                first,
                second: row.line,
            });
        }
    }
    Ok(count)
}

/// A file name as a Mac's file system compares it: case folded, and in one
/// Unicode normalization form (NFD), so that `Café` typed with `é` and with
/// `e` and a combining accent are one name, as on APFS and HFS+.
fn fold(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    let lower = name.nfd().collect::<String>().to_lowercase();
    lower.nfd().collect()
}

type Outcome = Result<Made>;

/// What became of a row that could be read.
enum Made {
    Written(Done),
    Refused { line: u64, report: Report },
}

struct Done {
    line: u64,
    path: PathBuf,
    placeholders: Vec<String>,
}

/// One worker's state: a reused output buffer.
struct Worker<'a> {
    options: &'a BatchOptions,
    buffer: Vec<u8>,
}

impl<'a> Worker<'a> {
    fn new(options: &'a BatchOptions) -> Self {
        Worker {
            options,
            buffer: Vec::with_capacity(8 * 1024),
        }
    }

    fn make(&mut self, row: &Row) -> Result<Made> {
        let options = self.options;
        let name = options.file_name(row)?;
        let spec = options.spec.render(row)?;
        let generated = spec.generate()?;
        if generated.is_refused() {
            return Ok(Made::Refused {
                line: row.line,
                report: generated.report,
            });
        }
        self.buffer.clear();
        let bytes: &[u8] = match options.format {
            Format::Declaration => {
                let declaration = generated.to_declaration(&spec.declaration_options())?;
                self.buffer = codec::write(&declaration, Format::Declaration)?;
                &self.buffer
            }
            Format::Xml => {
                codec::append_xml(
                    &mut self.buffer,
                    &generated.value,
                    &XmlOptions { sort_keys: true },
                )
                .map_err(|e| Error::Encode {
                    format: Format::Xml.name(),
                    source: e.into(),
                })?;
                &self.buffer
            }
            other => {
                self.buffer = codec::write(&generated.value, other)?;
                &self.buffer
            }
        };
        let path = options.out_dir.join(&name);
        let mut placeholders = Vec::new();
        fits(bytes)?;
        // Flushed once, when the batch ends.
        let write = WriteOptions {
            overwrite: options.force,
            sync: false,
        };
        match &options.signing {
            Some((signer, time)) => {
                placeholders = sign::placeholders(bytes);
                let signed = sign::sign(bytes, signer, *time)?;
                fits(&signed)?;
                codec::write_output_with(&path, &signed, write)?;
            }
            None => codec::write_output_with(&path, bytes, write)?,
        }
        Ok(Made::Written(Done {
            line: row.line,
            path,
            placeholders,
        }))
    }
}

/// Refuses a profile larger than a profile is read with
/// ([`codec::InputKind::Profile`]): `validate` could not read it back.
fn fits(bytes: &[u8]) -> Result<()> {
    let limit = codec::InputKind::Profile.limit();
    if bytes.len() as u64 > limit {
        return Err(Error::OutputTooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
