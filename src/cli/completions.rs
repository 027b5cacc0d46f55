//! `psso-profile completions`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;

use super::error::Result;
use psso_profile::Error;

use super::EXIT_OK;

const EXAMPLES: &str = "\
Examples:
  psso-profile completions bash > ~/.local/share/bash-completion/completions/psso-profile
  psso-profile completions zsh > \"${fpath[1]}/_psso-profile\"
  psso-profile completions fish > ~/.config/fish/completions/psso-profile.fish
  psso-profile completions powershell >> $PROFILE

Exit codes: 0 printed, 2 usage error.";

/// Print a shell completion script on standard output.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: Shell,
}

pub(crate) fn run(args: CompletionsArgs) -> Result<u8> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut super::command(), "psso-profile", &mut out);
    psso_profile::codec::check_stdout()?;
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out).map_err(|source| {
        Error::Write {
            path: "-".into(),
            source,
        }
    })?;
    Ok(EXIT_OK)
}
