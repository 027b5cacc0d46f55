//! Every `console` block of README.md, run with the real binary in an empty folder.
//!
//! Conventions, stated in the README's quick start:
//! - a line starting `$ ` is a command (a trailing `\` continues it on the next line),
//!   run with `sh` with the binary first on `PATH`; its output is its standard error
//!   followed by its standard output; it must exit 0 unless it ends with `# exit N`;
//! - the lines after a command, up to the next command, are its expected output, compared
//!   line by line (trailing spaces ignored), `...` standing for any number of lines; no lines
//!   means the output is not checked;
//! - `$ cat FILE` followed by lines creates `FILE` with those lines (set-up, not run);
//! - every block of the README shares one folder, in order, so later blocks use earlier files.

use std::path::Path;
use std::process::Command;

use crate::support::have_tool;

struct Step {
    command: String,
    exit: i32,
    output: Vec<String>,
}

fn blocks(readme: &str) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "```console" {
            continue;
        }
        let mut steps: Vec<Step> = Vec::new();
        for line in lines.by_ref() {
            if line.trim() == "```" {
                break;
            }
            if let Some(command) = line.strip_prefix("$ ") {
                steps.push(Step {
                    command: command.to_string(),
                    exit: 0,
                    output: Vec::new(),
                });
            } else if let Some(step) = steps.last_mut() {
                if step.command.ends_with('\\') && step.output.is_empty() {
                    step.command.pop();
                    step.command.truncate(step.command.trim_end().len());
                    step.command.push(' ');
                    step.command.push_str(line.trim_start());
                } else {
                    step.output.push(line.to_string());
                }
            } else {
                panic!("output before any command: {line}");
            }
        }
        for step in &mut steps {
            if let Some((command, code)) = step.command.rsplit_once("# exit ") {
                step.exit = code.trim().parse().expect("an exit code");
                step.command = command.trim_end().to_string();
            }
        }
        out.push(steps);
    }
    out
}

/// Whether `actual` matches `expected`, where a `...` line matches any lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| a.trim_end() == first.trim_end() && matches(rest, more)),
    }
}

fn run(dir: &Path, step: &Step) {
    if let Some(file) = step.command.strip_prefix("cat ")
        && !step.output.is_empty()
    {
        let mut text = step.output.join("\n");
        text.push('\n');
        std::fs::write(dir.join(file.trim()), text).unwrap();
        return;
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_psso-profile"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&step.command)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        out.status.code(),
        Some(step.exit),
        "`{}` exited {:?}:\n{text}",
        step.command,
        out.status.code()
    );
    if !step.output.is_empty() {
        let actual: Vec<&str> = text.lines().collect();
        assert!(
            matches(&step.output, &actual),
            "`{}` printed:\n{text}\nexpected:\n{}",
            step.command,
            step.output.join("\n")
        );
    }
}

#[test]
fn every_console_block_of_the_readme_runs() {
    if !have_tool("openssl", "every_console_block_of_the_readme_runs") {
        return;
    }
    let readme = include_str!("../../README.md");
    let blocks = blocks(readme);
    assert!(blocks.len() >= 6, "found {} blocks", blocks.len());
    let dir = tempfile::tempdir().unwrap();
    let mut commands = 0;
    for block in &blocks {
        for step in block {
            run(dir.path(), step);
            commands += 1;
        }
    }
    assert!(commands >= 15, "ran {commands} commands");
}

#[test]
fn the_matcher_and_parser_follow_the_conventions() {
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&lines(&["a", "...", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&lines(&["a", "..."]), &["a"]));
    assert!(!matches(&lines(&["a", "d"]), &["a", "b", "d"]));
    assert!(!matches(&lines(&["a"]), &["a", "b"]));
    let parsed = blocks(
        "x\n```console\n$ one \\\n  two  # exit 1\nout\n$ cat f\nline\n```\n\
         ```console\n$ psso-profile validate f\n```\n",
    );
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[1][0].command, "psso-profile validate f");
    assert_eq!(parsed[0][0].command, "one two");
    assert_eq!(parsed[0][0].exit, 1);
    assert_eq!(parsed[0][0].output, ["out"]);
    assert_eq!(parsed[0][1].command, "cat f");
}
