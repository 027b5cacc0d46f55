//! `psso-profile templates`: list the built-in scenario templates, or print one.

use clap::{Args, Subcommand};

use std::fmt::Write as _;

use psso_profile::spec;

use super::error::Result;

const EXAMPLES: &str = "\
Examples:
  psso-profile templates list
  psso-profile templates show shared-mac > shared.toml
  psso-profile generate --template shared-mac -o shared.mobileconfig

Each template is a spec file for one scenario Microsoft documents; its comments
say which and where. Use it with `generate --template NAME` (spec files and
options override it) or save it with `templates show` and edit it.

Exit codes: 0 printed, 2 an unknown template name.";

/// The built-in scenario templates.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct TemplatesArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// List the templates: name and scenario
    List,
    /// Print a template (a TOML spec file) to stdout
    Show {
        /// The template's name
        name: String,
    },
}

pub(crate) fn run(args: TemplatesArgs) -> Result<u8> {
    match args.action {
        Action::List => {
            let width = spec::templates()
                .iter()
                .map(|t| t.name.len())
                .max()
                .unwrap_or(0);
            let mut text = String::new();
            for template in spec::templates() {
                let _ = writeln!(text, "{:width$}  {}", template.name, template.summary());
            }
            super::write_stdout(&text)?;
        }
        Action::Show { name } => super::write_stdout(spec::template(&name)?.text)?,
    }
    Ok(super::EXIT_OK)
}
