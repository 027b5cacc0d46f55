//! `psso-profile explain`: what a rule or a key means.

use super::OutputFormat as Format;
use std::fmt::Write as _;

use clap::Args;

use super::error::Result;
use psso_profile::catalog::apple::Scope;
use psso_profile::catalog::extension_data::Platforms;
use psso_profile::catalog::microsoft::{Expected, RequiredSetting};
use psso_profile::explain::{self, Explanation, KeyExplanation};
use psso_profile::rules::RuleId;

use super::report::{paint, stdout_color};
use super::{EXIT_OK, write_stdout};

const EXAMPLES: &str = "\
Examples:
  psso-profile explain
  psso-profile explain sso.use-shared-device-keys
  psso-profile explain PlatformSSO.UseSharedDeviceKeys
  psso-profile explain ScreenLockedBehavior --format json
  psso-profile explain browser_sso_interaction_enabled
  psso-profile explain --login-frequency

Without an argument: Microsoft's required settings and every rule. With a rule id: what it
checks, which payloads it reads (Microsoft Platform SSO, Microsoft SSO extension, any SSO
payload, Kerberos, profiles checked together), why, the source, the macOS versions, the fix. With a key (an Apple key path such as
PlatformSSO.UseSharedDeviceKeys, a bare name such as UseSharedDeviceKeys, or an ExtensionData
key): what it is, its type, allowed values, default, macOS versions, source, the rules that
read it, the `generate` option that sets it, and its name in the extensible-sso declaration.
A declaration key (UserCreation.EnableAtLogin, ExtensionComposedIdentifier) explains the
profile keys it stands for. With a setting of `generate` (a spec-file
key such as login-frequency, or its option --login-frequency): its help, default, and the key
it writes. JSON (--format json) is an object whose \"kind\" is \"overview\", \"rule\",
\"key\", \"setting\" or \"extension-data\" (shapes in the README).

Exit codes: 0 explained, 2 unknown rule or key (with the closest name).";

/// Explain a rule or a key, or list Microsoft's required settings and every rule.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ExplainArgs {
    /// A rule id (`sso.type`), an Apple key path or name, an ExtensionData key, or a setting
    /// of `generate` (`login-frequency`, `--auth`)
    #[arg(value_name = "RULE|KEY", allow_hyphen_values = true)]
    topic: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(args: ExplainArgs) -> Result<u8> {
    let explanation = explain::explain(args.topic.as_deref())?;
    let text = match args.format {
        Format::Json => super::json(&explanation)?,
        Format::Human => human(&explanation, stdout_color()),
    };
    write_stdout(&text)?;
    Ok(EXIT_OK)
}

/// Lays out rows in columns separated by two spaces (the last column is not padded).
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[c]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

fn required_line(row: &RequiredSetting) -> String {
    format!(
        "requires {} = {} on macOS {} ({}): {}",
        row.intune_name,
        row.expected,
        row.macos_range(),
        row.rule,
        row.note
    )
}

/// Rule ids as a list: `ext.type, ext.ios-only`.
fn ids(rules: &[RuleId]) -> String {
    rules
        .iter()
        .map(|id| id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Profile => "the profile",
        Scope::Payload => "every payload",
        Scope::ExtensibleSso => "the Extensible SSO payload",
    }
}

fn field(out: &mut String, label: &str, value: &str, color: bool) {
    let _ = writeln!(
        out,
        "  {} {value}",
        paint(&format!("{label:<10}"), "1", color)
    );
}

fn key(out: &mut String, k: &KeyExplanation, color: bool) {
    let key = &k.key;
    let _ = writeln!(
        out,
        "{} (in {})",
        paint(key.path, "1", color),
        scope_name(key.scope)
    );
    field(out, "what:", key.summary, color);
    let kind = match key.item {
        Some(item) => format!("{} of {item}", key.kind),
        None => key.kind.to_string(),
    };
    field(out, "type:", &kind, color);
    if !key.allowed.is_empty() {
        let values: Vec<String> = key
            .allowed
            .iter()
            .map(|v| match key.value_introduced(v) {
                Some(since) => format!("{v} (macOS {since:#}+)"),
                None => (*v).to_string(),
            })
            .collect();
        field(out, "allowed:", &values.join(", "), color);
    }
    if let Some(min) = key.min {
        field(out, "minimum:", &min.to_string(), color);
    }
    field(out, "default:", key.default.unwrap_or("(none)"), color);
    field(
        out,
        "required:",
        if key.required { "yes" } else { "no" },
        color,
    );
    let macos = match key.deprecated {
        Some(d) => format!("{:#} to {d:#} (deprecated in {d:#})", key.introduced),
        None => format!("{:#}+", key.introduced),
    };
    field(out, "macOS:", &macos, color);
    if !key.user_channel {
        field(out, "channel:", "device channel only", color);
    }
    match (&k.declaration, key.scope) {
        (Some(path), _) => field(
            out,
            "declared:",
            &format!("{path} in the extensible-sso declaration (macOS 27+)"),
            color,
        ),
        (None, Scope::ExtensibleSso) => {
            let reason = psso_profile::declaration::map::PROFILE_ONLY
                .iter()
                .find(|(p, _)| *p == key.path)
                .map_or("no key in the extensible-sso declaration", |(_, why)| *why);
            field(out, "declared:", &format!("none: {reason}"), color);
        }
        (None, _) => {}
    }
    let source = match key.source {
        psso_profile::catalog::apple::Source::AppleSchema => "Apple's device-management schema",
        psso_profile::catalog::apple::Source::AppleDocumentation => {
            "Apple's developer documentation"
        }
    };
    field(out, "source:", source, color);
    for row in &k.microsoft {
        field(out, "Microsoft:", &required_line(row), color);
    }
    let rules = if k.rules.is_empty() {
        "the schema.* rules, which read every key".to_string()
    } else {
        format!("{}, and the schema.* rules", ids(&k.rules))
    };
    field(out, "rules:", &rules, color);
    if let Some(setting) = k.setting {
        field(
            out,
            "generate:",
            &format!("--{} (spec key `{}`)", setting.option(), setting.key()),
            color,
        );
    }
}

/// The human form of an explanation.
pub(crate) fn human(e: &Explanation, color: bool) -> String {
    let mut out = String::new();
    match e {
        Explanation::Overview { required, rules } => {
            let _ = writeln!(
                out,
                "{}",
                paint(
                    "Microsoft's required settings (keys of the Extensible SSO payload):",
                    "1",
                    color
                )
            );
            let mut rows = vec![vec![
                "KEY".to_string(),
                "MACOS".into(),
                "RULE".into(),
                "MICROSOFT REQUIRES".into(),
            ]];
            for row in required.iter() {
                let value = match row.expected {
                    Expected::Contains(urls) => format!(
                        "{} URLs ({}; `explain {}` lists them)",
                        urls.len(),
                        row.note.split(';').next().unwrap_or(row.note),
                        row.rule
                    ),
                    other => other.to_string(),
                };
                rows.push(vec![
                    row.key.to_string(),
                    row.macos_range(),
                    row.rule.to_string(),
                    value,
                ]);
            }
            out.push_str(&table(&rows));
            let _ = writeln!(out, "\n{}", paint("Rules:", "1", color));
            let mut rows = vec![vec![
                "RULE".to_string(),
                "SEVERITY".into(),
                "PAYLOADS".into(),
                "CHECKS".into(),
            ]];
            for r in rules {
                rows.push(vec![
                    r.id.to_string(),
                    r.severity.to_string(),
                    r.applies.short().to_string(),
                    r.summary.to_string(),
                ]);
            }
            out.push_str(&table(&rows));
            let _ = writeln!(
                out,
                "\n`psso-profile explain RULE|KEY` says more about one."
            );
        }
        Explanation::Rule { rule, required } => {
            let _ = writeln!(
                out,
                "{} ({})",
                paint(rule.id.as_str(), "1", color),
                rule.severity
            );
            field(&mut out, "checks:", rule.summary, color);
            field(&mut out, "applies:", rule.applies.describe(), color);
            field(&mut out, "why:", rule.rationale, color);
            field(&mut out, "source:", &rule.source.to_string(), color);
            field(&mut out, "macOS:", &rule.macos.to_string(), color);
            field(&mut out, "fix:", rule.fix, color);
            for row in required {
                field(&mut out, "Microsoft:", &required_line(row), color);
            }
        }
        Explanation::Key { keys } => {
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                key(&mut out, k, color);
            }
        }
        Explanation::Setting {
            setting,
            key: written,
        } => {
            let _ = writeln!(
                out,
                "{} (a setting of `psso-profile generate` and of spec files)",
                paint(&format!("--{}", setting.option()), "1", color)
            );
            field(&mut out, "what:", &setting.help(), color);
            field(&mut out, "spec key:", &setting.key(), color);
            field(
                &mut out,
                "default:",
                setting.default().unwrap_or("(none)"),
                color,
            );
            let writes = match (setting.key_path(), setting.place) {
                (Some(path), _) => path,
                (None, psso_profile::settings::Place::Declaration(key)) => {
                    format!("the declaration's `{key}` (--format declaration)")
                }
                (None, _) => "no key of its own; it decides how the others are written".to_string(),
            };
            field(&mut out, "writes:", &writes, color);
            field(&mut out, "macOS:", &setting.macos().to_string(), color);
            if let Some(k) = written {
                out.push('\n');
                key(&mut out, k, color);
            }
        }
        Explanation::ExtensionData { key, rules } => {
            let _ = writeln!(
                out,
                "{} (a key of ExtensionData, read by the Microsoft Enterprise SSO plug-in)",
                paint(&format!("ExtensionData.{}", key.key), "1", color)
            );
            field(&mut out, "what:", key.summary, color);
            field(&mut out, "type:", &key.value_type.to_string(), color);
            field(
                &mut out,
                "default:",
                key.default.unwrap_or("(none stated)"),
                color,
            );
            if let Some(r) = key.recommended {
                field(&mut out, "Microsoft:", &format!("recommends {r}"), color);
            }
            let platforms = match key.platforms {
                Platforms::Both => "macOS and iOS",
                Platforms::IosOnly => "iOS and iPadOS only: no effect on macOS",
            };
            field(&mut out, "platforms:", platforms, color);
            if key.deprecated {
                field(&mut out, "status:", "deprecated by Microsoft", color);
            }
            field(
                &mut out,
                "source:",
                "Microsoft Enterprise SSO plug-in for Apple devices",
                color,
            );
            field(&mut out, "rules:", &ids(rules), color);
        }
    }
    out
}
