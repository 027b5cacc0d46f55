//! Printing findings for people: one block per finding, grouped by file, colored
//! on a terminal unless `NO_COLOR` is set.

use std::io::{IsTerminal, Write};

use psso_profile::rules::{Finding, Report, Severity};
use psso_profile::text::escape;

/// Whether standard error should be colored: a terminal, and no `NO_COLOR`.
pub(crate) fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether standard output should be colored: a terminal, and no `NO_COLOR`.
pub(crate) fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `text` in the SGR `code` when `color`.
pub(crate) fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Formats one finding, control characters of the file name, path, message and
/// fix escaped:
///
/// ```text
/// profile.mobileconfig: error[sso.use-shared-device-keys] PayloadContent[0].PlatformSSO.UseSharedDeviceKeys
///   is false; Microsoft requires true (enabling it later forces every user to re-register)
///   fix: set <key>UseSharedDeviceKeys</key><true/> inside PlatformSSO
/// ```
pub(crate) fn format_finding(file: &str, finding: &Finding, color: bool) -> String {
    let (label, code) = match finding.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    };
    let head = paint(&format!("{label}[{}]", finding.rule), code, color);
    let path = if finding.path.is_empty() {
        "(profile)"
    } else {
        finding.path.as_str()
    };
    format!(
        "{}: {head} {}\n  {}\n  {} {}\n",
        escape(file),
        paint(&escape(path), "1", color),
        escape(&finding.message),
        paint("fix:", "2", color),
        escape(&finding.fix)
    )
}

/// Writes every finding of `report` for `file` to `out`.
pub(crate) fn write_findings(
    out: &mut dyn Write,
    file: &str,
    report: &Report,
    color: bool,
) -> std::io::Result<()> {
    for finding in &report.findings {
        out.write_all(format_finding(file, finding, color).as_bytes())?;
    }
    Ok(())
}

/// Prints the findings of `report` for `file` on standard error; errors only
/// with `--quiet`.
pub(crate) fn eprint_findings(file: &str, report: &Report) {
    let mut shown = report.clone();
    if super::ui().quiet {
        shown.findings.retain(|f| f.severity == Severity::Error);
    }
    let color = stderr_color();
    let _ = write_findings(&mut std::io::stderr().lock(), file, &shown, color);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_finding_plainly_and_in_color() {
        let f = Finding {
            rule: psso_profile::rules::RuleId::SsoType,
            severity: Severity::Error,
            path: "PayloadContent[0].Type".to_string(),
            message: "is `Credential`; Microsoft requires `Redirect`".to_string(),
            fix: "set <key>Type</key><string>Redirect</string>".to_string(),
        };
        assert_eq!(
            format_finding("p.mobileconfig", &f, false),
            "p.mobileconfig: error[sso.type] PayloadContent[0].Type\n  is `Credential`; Microsoft requires `Redirect`\n  fix: set <key>Type</key><string>Redirect</string>\n"
        );
        assert!(format_finding("p", &f, true).contains("\x1b[1;31merror[sso.type]\x1b[0m"));
    }
}
