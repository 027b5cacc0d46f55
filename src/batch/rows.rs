//! Rows for a batch: CSV with a header line, or JSON Lines (one flat object per
//! line), read one at a time from a file.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::codec::InputKind;
use crate::error::RowProblem;
use crate::spec::Vars;
use crate::{Error, Result};

/// How a rows file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum RowsFormat {
    /// CSV (RFC 4180) with a header line naming the columns.
    Csv,
    /// JSON Lines: one flat JSON object per line (strings, numbers, booleans).
    Jsonl,
}

impl RowsFormat {
    /// The format a file's extension says: `.csv`, or `.jsonl`/`.ndjson`.
    pub fn from_extension(path: &Path) -> Option<RowsFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(RowsFormat::Csv),
            "jsonl" | "ndjson" => Some(RowsFormat::Jsonl),
            _ => None,
        }
    }
}

/// One row: its line in the file and its values by column.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's first line in the file, from 1 (a CSV header is line 1).
    pub line: u64,
    columns: Arc<[String]>,
    values: Vec<String>,
}

impl Row {
    /// A row from column names and values (the same length).
    pub fn new(line: u64, columns: Arc<[String]>, values: Vec<String>) -> Row {
        Row {
            line,
            columns,
            values,
        }
    }
}

impl Vars for Row {
    fn var(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .position(|c| c == name)
            .and_then(|i| self.values.get(i))
            .map(String::as_str)
    }
}

/// A rows file that can be read more than once (a batch reads it twice: file
/// names first, then profiles). Standard input is spooled to a temporary file
/// that has no name (removed by the system however the process ends), at most
/// [`InputKind::Rows`]'s limit.
#[derive(Debug)]
pub struct RowsSource {
    label: PathBuf,
    origin: Origin,
    format: RowsFormat,
}

/// Where the rows are read from.
#[derive(Debug)]
enum Origin {
    /// A file, opened for each pass.
    Path(PathBuf),
    /// Standard input's copy, read from its start by each pass.
    Spool(Arc<File>),
}

impl RowsSource {
    /// The rows file at `path`, in `format` (or as its extension says).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] when no format is given and the extension is
    /// not `.csv`, `.jsonl` or `.ndjson`.
    pub fn file(path: &Path, format: Option<RowsFormat>) -> Result<RowsSource> {
        let format = format_for(path, format)?;
        Ok(RowsSource {
            label: path.to_path_buf(),
            origin: Origin::Path(path.to_path_buf()),
            format,
        })
    }

    /// Copies `input` (standard input) to a temporary file, so that it can be
    /// read twice. The file has no name in the temporary folder (on Linux it
    /// never has one; elsewhere it is removed as soon as it is created), so
    /// nothing is left behind however the process ends, even killed. Messages
    /// name the rows `<stdin>`.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] past [`InputKind::Rows`]'s limit (256 MiB),
    /// [`Error::Read`] or [`Error::Write`] for the copy.
    pub fn spool(input: &mut dyn Read, format: RowsFormat) -> Result<RowsSource> {
        Self::spool_limited(input, format, InputKind::Rows.limit())
    }

    fn spool_limited(input: &mut dyn Read, format: RowsFormat, limit: u64) -> Result<RowsSource> {
        let label = PathBuf::from("<stdin>");
        let write_err = |source| Error::Write {
            path: std::env::temp_dir(),
            source,
        };
        let mut file = tempfile::tempfile().map_err(write_err)?;
        let copied = copy(&mut input.take(limit + 1), &mut file).map_err(|e| match e {
            Copy::Read(source) => Error::Read {
                path: label.clone(),
                source,
            },
            Copy::Write(source) => write_err(source),
        })?;
        if copied > limit {
            return Err(Error::TooLarge {
                path: label,
                limit,
                kind: InputKind::Rows,
            });
        }
        Ok(RowsSource {
            label,
            origin: Origin::Spool(Arc::new(file)),
            format,
        })
    }

    /// The name of the rows in messages (`<stdin>` for standard input).
    pub fn label(&self) -> &Path {
        &self.label
    }

    /// Opens the rows for one pass.
    ///
    /// # Errors
    ///
    /// [`Error::Read`] when the file cannot be opened; [`Error::Rows`] when a
    /// CSV file has no header line or a column name twice.
    pub fn open(&self) -> Result<RowReader> {
        let file = match &self.origin {
            Origin::Path(path) => {
                RowFile::File(File::open(path).map_err(|source| Error::Read {
                    path: self.label.clone(),
                    source,
                })?)
            }
            Origin::Spool(file) => RowFile::Spool {
                file: file.clone(),
                at: 0,
            },
        };
        let inner = match self.format {
            RowsFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(false)
                    .from_reader(BufReader::with_capacity(64 * 1024, file));
                let headers = reader.headers().map_err(|e| self.csv_error(e))?.clone();
                let columns: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
                if columns.is_empty() || columns.iter().all(String::is_empty) {
                    return Err(Error::Rows {
                        path: self.label.clone(),
                        line: 1,
                        message: "no header line; a CSV rows file starts with the column names"
                            .to_string(),
                    });
                }
                for (i, column) in columns.iter().enumerate() {
                    if columns[..i].contains(column) {
                        return Err(Error::Rows {
                            path: self.label.clone(),
                            line: 1,
                            message: format!("the column `{column}` is named twice"),
                        });
                    }
                }
                Inner::Csv {
                    reader,
                    columns: columns.into(),
                    record: csv::StringRecord::new(),
                }
            }
            RowsFormat::Jsonl => Inner::Jsonl {
                reader: BufReader::with_capacity(64 * 1024, file),
                line: 0,
                buffer: String::new(),
            },
        };
        Ok(RowReader {
            label: self.label.clone(),
            inner,
        })
    }

    fn csv_error(&self, e: csv::Error) -> Error {
        let line = e.position().map_or(1, |p| p.line());
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(source) => Error::Read {
                path: self.label.clone(),
                source,
            },
            _ => Error::Rows {
                path: self.label.clone(),
                line,
                message,
            },
        }
    }
}

fn format_for(path: &Path, format: Option<RowsFormat>) -> Result<RowsFormat> {
    format
        .or_else(|| RowsFormat::from_extension(path))
        .ok_or_else(|| Error::RowsFormatUnknown {
            path: path.to_path_buf(),
        })
}

/// Failures of [`copy`]: reading standard input, or writing the spool.
enum Copy {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// `std::io::copy`, telling a read error from a write error.
fn copy(input: &mut dyn Read, output: &mut File) -> Result<u64, Copy> {
    use std::io::Write;
    let mut buffer = vec![0; 64 * 1024];
    let mut copied = 0;
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => return Ok(copied),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Copy::Read(e)),
        };
        output.write_all(&buffer[..n]).map_err(Copy::Write)?;
        copied += n as u64;
    }
}

/// One pass's reading of the rows: the file, or the spool from its start
/// (positioned reads, so that passes never share an offset).
enum RowFile {
    File(File),
    Spool { file: Arc<File>, at: u64 },
}

impl Read for RowFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            RowFile::File(file) => file.read(buf),
            RowFile::Spool { file, at } => {
                #[cfg(unix)]
                let n = std::os::unix::fs::FileExt::read_at(&**file, buf, *at)?;
                #[cfg(windows)]
                let n = std::os::windows::fs::FileExt::seek_read(&**file, buf, *at)?;
                *at += n as u64;
                Ok(n)
            }
        }
    }
}

enum Inner {
    Csv {
        reader: csv::Reader<BufReader<RowFile>>,
        columns: Arc<[String]>,
        record: csv::StringRecord,
    },
    Jsonl {
        reader: BufReader<RowFile>,
        line: u64,
        buffer: String,
    },
}

/// Reads rows one at a time. Each item is a row, or an error: an
/// [`Error::Row`] is one bad row (the next ones can still be read); any other
/// error means the rows cannot be read further.
pub struct RowReader {
    label: PathBuf,
    inner: Inner,
}

impl Iterator for RowReader {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        match &mut self.inner {
            Inner::Csv {
                reader,
                columns,
                record,
            } => match reader.read_record(record) {
                Ok(false) => None,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    Some(Ok(Row::new(
                        line,
                        columns.clone(),
                        record.iter().map(str::to_string).collect(),
                    )))
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    let message = e.to_string();
                    match e.into_kind() {
                        csv::ErrorKind::Io(source) => Some(Err(Error::Read {
                            path: self.label.clone(),
                            source,
                        })),
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => Some(Err(row_error(
                            &self.label,
                            line,
                            RowProblem::FieldCount {
                                found: len,
                                expected: expected_len,
                            },
                        ))),
                        _ => Some(Err(row_error(&self.label, line, RowProblem::Csv(message)))),
                    }
                }
            },
            Inner::Jsonl {
                reader,
                line,
                buffer,
            } => loop {
                buffer.clear();
                match reader.read_line(buffer) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(source) => {
                        *line += 1;
                        if source.kind() == std::io::ErrorKind::InvalidData {
                            // Not UTF-8: this line is bad, the next ones may be fine.
                            let mut skip = Vec::new();
                            let _ = reader.read_until(b'\n', &mut skip);
                            return Some(Err(row_error(&self.label, *line, RowProblem::NotUtf8)));
                        }
                        return Some(Err(Error::Read {
                            path: self.label.clone(),
                            source,
                        }));
                    }
                }
                *line += 1;
                let text = buffer.trim();
                if text.is_empty() {
                    continue;
                }
                return Some(
                    json_row(*line, text).map_err(|problem| row_error(&self.label, *line, problem)),
                );
            },
        }
    }
}

fn row_error(label: &Path, line: u64, problem: RowProblem) -> Error {
    Error::Row {
        path: label.to_path_buf(),
        line,
        source: Box::new(Error::BadRow(problem)),
    }
}

/// A JSON object's members in order, duplicates kept (a `serde_json::Map`
/// keeps the last value of a key given twice).
struct Members(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

fn json_row(line: u64, text: &str) -> Result<Row, RowProblem> {
    let Members(members) =
        serde_json::from_str(text).map_err(|e| RowProblem::NotJsonObject(e.to_string()))?;
    // A few keys are compared in a loop, many through a set.
    let few = members.len() <= 16;
    if !few {
        let mut seen = std::collections::HashSet::new();
        if let Some((key, _)) = members.iter().find(|(key, _)| !seen.insert(key.as_str())) {
            return Err(RowProblem::DuplicateKey { key: key.clone() });
        }
    }
    let mut columns: Vec<String> = Vec::with_capacity(members.len());
    let mut values = Vec::with_capacity(members.len());
    for (key, value) in members {
        if few && columns.contains(&key) {
            return Err(RowProblem::DuplicateKey { key });
        }
        let value = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            other => {
                let found = match other {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Array(_) => "an array",
                    _ => "an object",
                };
                return Err(RowProblem::NotScalar { key, found });
            }
        };
        columns.push(key);
        values.push(value);
    }
    Ok(Row::new(line, columns.into(), values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, format: RowsFormat) -> Vec<Result<Row>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows");
        std::fs::write(&path, text).unwrap();
        RowsSource::file(&path, Some(format))
            .unwrap()
            .open()
            .unwrap()
            .collect()
    }

    #[test]
    fn csv_rows_carry_their_line() {
        let read = rows(
            "tenant,org\ncontoso,Contoso\n\"multi\nline\",x\nfabrikam\n",
            RowsFormat::Csv,
        );
        let first = read[0].as_ref().unwrap();
        assert_eq!((first.line, first.var("org")), (2, Some("Contoso")));
        assert_eq!(first.var("missing"), None);
        let second = read[1].as_ref().unwrap();
        assert_eq!(
            (second.line, second.var("tenant")),
            (3, Some("multi\nline"))
        );
        let message = read[2].as_ref().unwrap_err().to_string();
        assert!(message.ends_with("/rows` line 5"), "{message}");
        let Err(Error::Row { source, .. }) = &read[2] else {
            panic!()
        };
        assert_eq!(
            source.to_string(),
            "1 field(s), expected 2 as in the header"
        );
    }

    #[test]
    fn jsonl_rows_are_flat_objects() {
        let read = rows(
            "{\"tenant\":\"contoso\",\"n\":3,\"b\":true}\n\n{\"tenant\":null}\nnot json\n{\"tenant\":\"x\"}\n",
            RowsFormat::Jsonl,
        );
        let first = read[0].as_ref().unwrap();
        assert_eq!(first.var("n"), Some("3"));
        assert_eq!(first.var("b"), Some("true"));
        let Err(Error::Row { line, source, .. }) = &read[1] else {
            panic!()
        };
        assert_eq!(*line, 3);
        assert_eq!(
            source.to_string(),
            "`tenant` holds null; a row's values are strings, numbers or booleans"
        );
        assert!(matches!(&read[2], Err(Error::Row { line: 4, .. })));
        assert_eq!(read[3].as_ref().unwrap().line, 5);
    }

    #[test]
    fn spooled_rows_are_read_twice_and_bounded() {
        let text = "tenant,org\ncontoso,Contoso\nfabrikam,Fabrikam\n";
        let source =
            RowsSource::spool_limited(&mut text.as_bytes(), RowsFormat::Csv, text.len() as u64)
                .unwrap();
        assert_eq!(source.label(), Path::new("<stdin>"));
        // Two passes at once read the same rows: they share no offset.
        let tenant = |row: Result<Row>| row.unwrap().var("tenant").unwrap().to_string();
        let both: Vec<(String, String)> = source
            .open()
            .unwrap()
            .zip(source.open().unwrap())
            .map(|(a, b)| (tenant(a), tenant(b)))
            .collect();
        let pair = |t: &str| (t.to_string(), t.to_string());
        assert_eq!(both, [pair("contoso"), pair("fabrikam")]);
        let err =
            RowsSource::spool_limited(&mut text.as_bytes(), RowsFormat::Csv, text.len() as u64 - 1)
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`<stdin>` is larger than {} bytes, too big for rows read from standard input",
                text.len() - 1
            )
        );
        assert_eq!(InputKind::Rows.limit(), 256 * 1024 * 1024);
    }

    #[test]
    fn formats_by_extension_and_header_problems() {
        assert_eq!(
            RowsFormat::from_extension(Path::new("a.NDJSON")),
            Some(RowsFormat::Jsonl)
        );
        assert_eq!(
            RowsSource::file(Path::new("rows.txt"), None)
                .unwrap_err()
                .to_string(),
            "`rows.txt` is not a `.csv`, `.jsonl` or `.ndjson` file; its rows format must be given"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, "a,b,a\n1,2,3\n").unwrap();
        let err = RowsSource::file(&path, None).unwrap().open().err().unwrap();
        assert_eq!(
            err.to_string(),
            format!("`{}` line 1: the column `a` is named twice", path.display())
        );
        std::fs::write(&path, "").unwrap();
        let err = RowsSource::file(&path, None).unwrap().open().err().unwrap();
        assert!(
            err.to_string()
                .ends_with("line 1: no header line; a CSV rows file starts with the column names"),
            "{err}"
        );
    }
}
