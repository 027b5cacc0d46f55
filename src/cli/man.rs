//! `psso-profile man`: manual pages in roff.

use std::path::PathBuf;

use clap::Args;

use super::error::{CliError, Result};
use psso_profile::Error;
use psso_profile::codec::write_output;

use super::EXIT_OK;

const EXAMPLES: &str = "\
Examples:
  psso-profile man | man -l -
  psso-profile man -o /usr/local/share/man/man1

Without -o, prints psso-profile(1). With -o DIR, writes psso-profile.1 and one page per
command (psso-profile-generate.1, psso-profile-events-reduce.1...) into DIR, which must exist;
existing pages are kept unless --force.

Exit codes: 0 written, 2 a page exists (without --force) or cannot be written.";

/// Print the manual page, or write one page per command into a folder.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ManArgs {
    /// The folder to write every page into
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Replace pages that exist (regular files only, keeping their mode and owner)
    #[arg(long, requires = "output")]
    force: bool,
}

fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .map_err(|source| Error::Write {
            path: "-".into(),
            source,
        })?;
    Ok(out)
}

fn pages(cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages(sub, out);
    }
    let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
    out.push((format!("{name}.1"), cmd.clone()));
}

pub(crate) fn run(args: ManArgs) -> Result<u8> {
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = args.output else {
        super::write_stdout(&String::from_utf8_lossy(&render(cmd)?))?;
        return Ok(EXIT_OK);
    };
    if !dir.is_dir() {
        return Err(CliError::Option {
            option: "--output".into(),
            value: dir.display().to_string(),
            expected: "an existing folder".into(),
        });
    }
    let mut all = Vec::new();
    pages(&cmd, &mut all);
    all.reverse();
    for (name, page) in all {
        write_output(&dir.join(name), &render(page)?, args.force)?;
    }
    Ok(EXIT_OK)
}
