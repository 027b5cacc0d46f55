//! Lint every profile in a folder (recursively), as a CI job would, then the
//! profiles together (the fleet view), and exit 1 when one has an error finding.
//! Without `--min-macos`, each profile is checked for the fleet it names itself;
//! `--no-fleet` skips the fleet view (for a folder of variants of one profile).
//!
//! ```text
//! cargo run --example lint_folder -- profiles/ [--min-macos 14] [--no-fleet]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use psso_profile::codec;
use psso_profile::lint;
use psso_profile::model::MacOs;
use psso_profile::rules::{Expect, Severity};
use psso_profile::sign::VerifyOptions;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let folder = PathBuf::from(args.first().map_or("tests/golden", String::as_str));
    let min_macos = match args.iter().position(|a| a == "--min-macos") {
        Some(i) => match args.get(i + 1).map(|v| v.parse::<MacOs>()) {
            Some(Ok(m)) => Some(m),
            _ => {
                eprintln!("lint_folder: --min-macos takes 13, 14, 15 or 26");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let files = match codec::expand_inputs(&[folder]) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("lint_folder: {err}");
            return ExitCode::from(2);
        }
    };
    let mut failed = 0;
    let mut linted_all = Vec::new();
    for file in &files {
        match codec::read_file(file) {
            Ok(decoded) => {
                let options = lint::options_for(&decoded, min_macos, Expect::Any, false);
                let linted = lint::lint_with(decoded, &options, &VerifyOptions::new());
                let report = &linted.report;
                println!(
                    "{}: {} error(s), {} warning(s), for a fleet from macOS {}",
                    file.display(),
                    report.count(Severity::Error),
                    report.count(Severity::Warning),
                    linted.options.target.min_macos
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
                linted_all.push((file.display().to_string(), linted));
            }
            Err(err) => {
                println!("{}: unreadable: {err}", file.display());
                failed += 1;
            }
        }
    }
    // The profiles as installed together on one Mac.
    let members: Vec<(&str, &lint::Linted)> = linted_all
        .iter()
        .map(|(name, l)| (name.as_str(), l))
        .collect();
    let fleet = if args.iter().any(|a| a == "--no-fleet") {
        Vec::new()
    } else {
        lint::check_fleet(&members, Expect::Any)
    };
    for f in &fleet {
        let also = f
            .related
            .as_ref()
            .map_or_else(String::new, |r| format!(" (also {} {})", r.file, r.path));
        println!(
            "{}: {}[{}] {}: {}{also}",
            f.file, f.severity, f.rule, f.path, f.message
        );
    }
    failed += usize::from(fleet.iter().any(|f| f.severity == Severity::Error));
    println!("{} profile(s), {failed} failed", files.len());
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
