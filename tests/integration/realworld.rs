//! Precision and recall of the linter on the real-world corpus (`tests/realworld/`):
//! public profiles nobody on the team wrote, each with hand-judged verdicts
//! (`verdicts.toml`, layout at its top). Every finding is matched to the verdicts:
//! a finding at a `problems` path with an acceptable severity is a true positive; a
//! finding at a `must_not_flag` path above its tolerated severity, or at a
//! `problems` path with a severity the evidence does not support, is a false
//! positive; a `problems` entry no finding matches is a miss. Findings at paths the
//! verdicts do not mention are not judged. Both figures must stay at 95 % or more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use psso_profile::codec;
use psso_profile::lint::{self, Linted};
use psso_profile::model::MacOs;
use psso_profile::rules::{Expect, Finding, Severity};
use psso_profile::sign::VerifyOptions;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Verdicts {
    files: BTreeMap<String, FileVerdict>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read by people, and checked for shape by deny_unknown_fields
struct FileVerdict {
    kind: String,
    expect: String,
    #[serde(default)]
    combines_payloads: bool,
    min_macos: Option<u16>,
    min_macos_source: Option<String>,
    min_macos_detail: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    problems: Vec<Problem>,
    #[serde(default)]
    must_not_flag: Vec<NotAProblem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Problem {
    path: String,
    problem: String,
    severity: String,
    #[serde(default)]
    also_acceptable: Vec<String>,
    evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct NotAProblem {
    path: String,
    reason: String,
    max_severity: Option<String>,
}

fn severity(text: &str) -> Severity {
    match text {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        other => panic!("verdicts.toml: unknown severity `{other}`"),
    }
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/realworld")
}

/// Whether a finding at `found` is about the verdict's `path`: the same path, or a
/// key or item inside it (`URLs[3]` inside `URLs`). `""` (the profile as a whole)
/// matches only itself.
fn at(found: &str, path: &str) -> bool {
    found == path
        || (!path.is_empty()
            && found
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('[')))
}

/// How the test runs the linter on a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// With the verdict's stated minimum macOS and its expectation.
    AsJudged,
    /// As a user runs `validate FILE`: no target, no expectation.
    Default,
}

/// The tally of one file (or of a group of files).
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    true_positives: usize,
    false_positives: usize,
    misses: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.misses += other.misses;
    }

    fn precision(&self) -> f64 {
        let judged = self.true_positives + self.false_positives;
        if judged == 0 {
            1.0
        } else {
            self.true_positives as f64 / judged as f64
        }
    }

    fn recall(&self) -> f64 {
        let problems = self.true_positives + self.misses;
        if problems == 0 {
            1.0
        } else {
            self.true_positives as f64 / problems as f64
        }
    }
}

fn lint_as(path: &Path, verdict: &FileVerdict, mode: Mode) -> Linted {
    let decoded = codec::read_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (min_macos, expect) = match mode {
        Mode::Default => (None, Expect::Any),
        Mode::AsJudged => {
            let stated = verdict
                .min_macos
                .filter(|_| verdict.min_macos_source.as_deref() == Some("stated"))
                .map(|m| m.to_string().parse::<MacOs>().unwrap());
            let expect = match verdict.expect.as_str() {
                "platform-sso" => Expect::PlatformSso,
                "sso-extension" => Expect::SsoExtension,
                _ => Expect::Any,
            };
            (stated, expect)
        }
    };
    let options = lint::options_for(&decoded, min_macos, expect, false);
    lint::lint_with(decoded, &options, &VerifyOptions::new())
}

/// Judges the findings of one file against its verdict; returns the tally and
/// the lines explaining each false positive and miss.
fn judge(name: &str, verdict: &FileVerdict, findings: &[Finding]) -> (Tally, Vec<String>) {
    let mut notes = Vec::new();
    let mut matched = vec![false; verdict.problems.len()];
    let mut false_positives = 0;
    // Findings at a problem's path with a severity the verdict does not accept,
    // counted as false positives unless another finding there is accepted.
    let mut wrong_severity: Vec<(usize, &Finding)> = Vec::new();
    for f in findings {
        let problem = verdict
            .problems
            .iter()
            .enumerate()
            .filter(|(_, p)| at(&f.path, &p.path))
            .max_by_key(|(_, p)| p.path.len());
        if let Some((i, p)) = problem {
            let accepted = std::iter::once(&p.severity)
                .chain(&p.also_acceptable)
                .any(|s| severity(s) == f.severity);
            if accepted {
                matched[i] = true;
            } else {
                wrong_severity.push((i, f));
            }
            continue;
        }
        let tolerated = verdict
            .must_not_flag
            .iter()
            .filter(|m| at(&f.path, &m.path))
            .max_by_key(|m| m.path.len());
        if let Some(m) = tolerated {
            let within = m
                .max_severity
                .as_deref()
                .is_some_and(|max| f.severity <= severity(max));
            if !within {
                false_positives += 1;
                notes.push(format!(
                    "  false positive {name}: {}[{}] {}: {} (verdict: {})",
                    f.severity, f.rule, f.path, f.message, m.reason
                ));
            }
        }
    }
    for (i, f) in wrong_severity {
        if !matched[i] {
            false_positives += 1;
            notes.push(format!(
                "  wrong severity {name}: {}[{}] {} (verdict: {} {:?})",
                f.severity,
                f.rule,
                f.path,
                verdict.problems[i].severity,
                verdict.problems[i].also_acceptable
            ));
        }
    }
    let mut misses = 0;
    for (p, found) in verdict.problems.iter().zip(&matched) {
        if !found {
            misses += 1;
            notes.push(format!(
                "  missed {name}: {} {}: {}",
                p.severity, p.path, p.problem
            ));
        }
    }
    let tally = Tally {
        true_positives: matched.iter().filter(|m| **m).count(),
        false_positives,
        misses,
    };
    (tally, notes)
}

fn measure(verdicts: &Verdicts, mode: Mode) -> (Tally, BTreeMap<String, Tally>, Vec<String>) {
    let mut total = Tally::default();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut notes = Vec::new();
    for (name, verdict) in &verdicts.files {
        let linted = lint_as(&corpus().join(name), verdict, mode);
        let fleet = lint::check_fleet(&[(name.as_str(), &linted)], linted.options.expect);
        let mut findings = linted.report.findings.clone();
        findings.extend(fleet.iter().map(|f| f.finding()));
        if mode == Mode::AsJudged
            && verdict.min_macos_source.as_deref() == Some("inferred")
            && let Some(m) = verdict.min_macos
        {
            assert_eq!(
                linted.options.target.min_macos.major(),
                m,
                "{name}: the target read from the profile is the verdict's"
            );
        }
        let (tally, lines) = judge(name, verdict, &findings);
        total.add(tally);
        by_kind.entry(verdict.kind.clone()).or_default().add(tally);
        notes.extend(lines);
    }
    (total, by_kind, notes)
}

fn report(mode: Mode, total: &Tally, by_kind: &BTreeMap<String, Tally>) -> String {
    let mut text = format!(
        "real-world corpus ({mode:?}): precision {:.1} % ({} of {} judged findings right), recall {:.1} % ({} of {} problems found)\n",
        100.0 * total.precision(),
        total.true_positives,
        total.true_positives + total.false_positives,
        100.0 * total.recall(),
        total.true_positives,
        total.true_positives + total.misses,
    );
    for (kind, t) in by_kind {
        text.push_str(&format!(
            "  {kind:<24} precision {:>5.1} %  recall {:>5.1} %  (tp {}, fp {}, missed {})\n",
            100.0 * t.precision(),
            100.0 * t.recall(),
            t.true_positives,
            t.false_positives,
            t.misses
        ));
    }
    text
}

fn load() -> Verdicts {
    let text = std::fs::read_to_string(corpus().join("verdicts.toml")).unwrap();
    toml::from_str(&text).expect("verdicts.toml has the documented layout")
}

#[test]
fn every_corpus_file_has_a_verdict_and_a_source() {
    let verdicts = load();
    let sources = std::fs::read_to_string(corpus().join("SOURCES.md")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mobileconfig"))
        .collect();
    files.sort();
    let judged: Vec<String> = verdicts.files.keys().cloned().collect();
    assert_eq!(files, judged, "one verdict table per corpus file");
    for name in &files {
        assert!(
            sources.contains(&format!("`{name}`")),
            "{name} is missing from SOURCES.md"
        );
    }
}

#[test]
fn precision_and_recall_on_the_real_world_corpus() {
    let verdicts = load();
    let mut failures = Vec::new();
    for mode in [Mode::AsJudged, Mode::Default] {
        let (total, by_kind, notes) = measure(&verdicts, mode);
        let text = report(mode, &total, &by_kind);
        // Printed for the record: `cargo test realworld -- --nocapture` shows it.
        println!("{text}{}", notes.join("\n"));
        if total.precision() < 0.95 || total.recall() < 0.95 {
            failures.push(format!("{text}{}", notes.join("\n")));
        }
    }
    assert!(failures.is_empty(), "below 95 %:\n{}", failures.join("\n"));
}

#[test]
fn the_judging_counts_what_it_should() {
    let verdict: FileVerdict = toml::from_str(
        r#"
kind = "microsoft-psso"
expect = "platform-sso"
[[problems]]
path = "PayloadContent[0].URLs"
problem = "p"
severity = "warning"
evidence = "e"
[[problems]]
path = "PayloadContent[0].Type"
problem = "p"
severity = "error"
evidence = "e"
[[must_not_flag]]
path = "PayloadContent[0].PlatformSSO"
reason = "r"
[[must_not_flag]]
path = "PayloadContent[0].PlatformSSO.FileVaultPolicy"
reason = "r"
max_severity = "info"
"#,
    )
    .unwrap();
    let finding = |path: &str, severity: Severity| Finding {
        rule: psso_profile::rules::RuleId::SchemaType,
        severity,
        path: path.into(),
        message: String::new(),
        fix: String::new(),
    };
    let findings = [
        finding("PayloadContent[0].URLs[3]", Severity::Warning), // true positive
        finding("PayloadContent[0].URLs", Severity::Error),      // tolerated beside it
        finding(
            "PayloadContent[0].PlatformSSO.FileVaultPolicy",
            Severity::Info,
        ), // tolerated
        finding(
            "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys",
            Severity::Info,
        ), // false positive
        finding("PayloadContent[0].Hosts", Severity::Error),     // not judged
    ];
    let (t, notes) = judge("t", &verdict, &findings);
    assert_eq!(
        (t.true_positives, t.false_positives, t.misses),
        (1, 1, 1),
        "{notes:#?}"
    );
    assert!(!at("PayloadContent[10]", "PayloadContent[1]"));
    assert!(at("PayloadContent[1].URLs", "PayloadContent[1]"));
    assert!(!at("PayloadUUID", ""));
}
