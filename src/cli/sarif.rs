//! SARIF 2.1.0 output of `validate`, as GitHub code scanning reads it.

use std::io::Write;

use serde_json::{Value, json};

use psso_profile::lint::line_of;
use psso_profile::rules::{FleetFinding, RULES, Severity};

use super::validate::Outcome;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF `uri` of a path: forward slashes, relative as given.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
}

/// The line of `key_path` in the file named `file`, when its bytes were kept.
fn line_in(outcomes: &[Outcome], file: &str, key_path: &str) -> usize {
    outcomes
        .iter()
        .find(|o| o.path == file)
        .and_then(|o| o.source.as_deref())
        .and_then(|bytes| line_of(bytes, key_path))
        .unwrap_or(1)
}

/// Writes one SARIF log with one run: every rule, and one result per finding
/// (an unreadable file is a result of the pseudo-rule `input.unreadable`). A
/// finding of profiles checked together has the other profile's key as its
/// related location.
pub(crate) fn write(
    out: &mut dyn Write,
    outcomes: &[Outcome],
    fleet: &[FleetFinding],
) -> std::io::Result<()> {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.rationale },
                "help": { "text": format!("{} Fix: {}", r.rationale, r.fix) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": [r.source.to_string()], "macos": r.macos },
            })
        })
        .collect();
    rules.push(json!({
        "id": "input.unreadable",
        "name": "input.unreadable",
        "shortDescription": { "text": "The file is a readable configuration profile." },
        "defaultConfiguration": { "level": "error" },
    }));
    let unreadable_index = rules.len() - 1;
    let mut results = Vec::new();
    for o in outcomes {
        if let Some(error) = &o.error
            && o.linted.is_none()
        {
            results.push(json!({
                "ruleId": "input.unreadable",
                "ruleIndex": unreadable_index,
                "level": "error",
                "message": { "text": error },
                "locations": [location(&o.path, 1, None)],
            }));
        }
        for f in o.findings() {
            let line = o
                .source
                .as_deref()
                .and_then(|bytes| line_of(bytes, &f.path))
                .unwrap_or(1);
            let path = if f.path.is_empty() {
                "(profile)"
            } else {
                f.path.as_str()
            };
            results.push(json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule),
                "level": level(f.severity),
                "message": { "text": format!("{path} {}. Fix: {}", f.message, f.fix) },
                "locations": [location(&o.path, line, Some(&f.path))],
            }));
        }
    }
    for f in fleet {
        let path = if f.path.is_empty() {
            "(profile)"
        } else {
            f.path.as_str()
        };
        let mut result = json!({
            "ruleId": f.rule,
            "ruleIndex": RULES.iter().position(|r| r.id == f.rule),
            "level": level(f.severity),
            "message": { "text": format!("{path} {}. Fix: {}", f.message, f.fix) },
            "locations": [location(&f.file, line_in(outcomes, &f.file, &f.path), Some(&f.path))],
        });
        if let Some(related) = &f.related {
            let mut other = location(
                &related.file,
                line_in(outcomes, &related.file, &related.path),
                Some(&related.path),
            );
            other["id"] = json!(0);
            other["message"] =
                json!({ "text": format!("also in {} {}", related.file, related.path) });
            result["relatedLocations"] = json!([other]);
        }
        results.push(result);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "psso-profile",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://learn.microsoft.com/entra/identity/devices/macos-psso-integration-guide",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn location(file: &str, line: usize, key_path: Option<&str>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file) },
            "region": { "startLine": line },
        },
    });
    if let Some(key_path) = key_path.filter(|p| !p.is_empty()) {
        location["logicalLocations"] =
            json!([{ "fullyQualifiedName": key_path, "kind": "member" }]);
    }
    location
}
