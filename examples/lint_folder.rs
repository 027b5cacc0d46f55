//! Lint every profile in a folder (recursively), as a CI job would, and exit 1
//! when one has an error finding.
//!
//! ```text
//! cargo run --example lint_folder -- profiles/ [--min-macos 14]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use psso_profile::codec;
use psso_profile::lint;
use psso_profile::model::{MacOs, Target};
use psso_profile::rules::Severity;
use psso_profile::sign::VerifyOptions;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let folder = PathBuf::from(args.first().map_or("tests/golden", String::as_str));
    let min_macos = match args.iter().position(|a| a == "--min-macos") {
        Some(i) => match args.get(i + 1).map(|v| v.parse::<MacOs>()) {
            Some(Ok(m)) => m,
            _ => {
                eprintln!("lint_folder: --min-macos takes 13, 14, 15 or 26");
                return ExitCode::from(2);
            }
        },
        None => MacOs::V14,
    };
    let files = match codec::expand_inputs(&[folder]) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("lint_folder: {err}");
            return ExitCode::from(2);
        }
    };
    let target = Target::new(min_macos);
    let mut failed = 0;
    for file in &files {
        match lint::lint_file(file, &target, &VerifyOptions::new()) {
            Ok(linted) => {
                let report = &linted.report;
                println!(
                    "{}: {} error(s), {} warning(s)",
                    file.display(),
                    report.count(Severity::Error),
                    report.count(Severity::Warning)
                );
                for finding in report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                {
                    println!(
                        "  error[{}] {}: {}",
                        finding.rule, finding.path, finding.message
                    );
                }
                failed += usize::from(report.has_errors());
            }
            Err(err) => {
                println!("{}: unreadable: {err}", file.display());
                failed += 1;
            }
        }
    }
    println!("{} profile(s), {failed} failed", files.len());
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
