//! The fleet view: profiles installed together, checked together. Apple requires the
//! URLs and hosts of all installed Extensible SSO payloads to be unique, the
//! Microsoft plug-in fails with error 10002 when more than one payload configures
//! it, and two profiles with one identifier replace each other. [`check_fleet`]
//! runs these rules over a set of profiles; each finding names both files and both
//! key paths.

use std::collections::HashMap;

use plist::Value;
use serde::Serialize;

use super::{
    Applies, Context, Expect, Finding, Options, PayloadKind, Rule, RuleId, RuleSource, Severity,
    Sink, SsoPayload,
};
use crate::model::MacOsRange;

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::FleetUrlsUnique,
        severity: Severity::Error,
        summary: "No URL or host is listed by Extensible SSO payloads of two profiles installed together.",
        rationale: "Apple: URLs and hosts must be unique across all installed Extensible SSO payloads; the Mac sends the requests to one payload only, so the other extension misses them.",
        source: RuleSource::AppleSchema,
        applies: Applies::Fleet,
        macos: MacOsRange::ALL,
        fix: "keep each URL and host in one profile's payload, and retire the older SSO profile",
        check: fleet_only,
        repair: None,
    },
    Rule {
        id: RuleId::FleetMicrosoftPayloads,
        severity: Severity::Error,
        summary: "Profiles installed together hold one payload for the Microsoft Enterprise SSO plug-in.",
        rationale: "Microsoft: with more than one payload for the plug-in, it reports error 10002 \"multiple SSOe payloads configured\"; the old SSO extension profile left beside the new Platform SSO profile is the most common cause.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Fleet,
        macos: MacOsRange::ALL,
        fix: "unassign the older SSO extension profile once the Platform SSO profile is deployed, or merge the two",
        check: fleet_only,
        repair: None,
    },
    Rule {
        id: RuleId::FleetIdentifierUnique,
        severity: Severity::Error,
        summary: "No two profiles installed together have the same `PayloadIdentifier`.",
        rationale: "Apple: the profile identifier decides whether an install replaces an existing profile; the second profile replaces the first, whose settings are lost.",
        source: RuleSource::AppleSchema,
        applies: Applies::Fleet,
        macos: MacOsRange::ALL,
        fix: "give each profile its own reverse-DNS identifier",
        check: fleet_only,
        repair: None,
    },
    Rule {
        id: RuleId::FleetUuidUnique,
        severity: Severity::Warning,
        summary: "No `PayloadUUID` appears in two profiles installed together.",
        rationale: "Apple calls PayloadUUID globally unique; a UUID copied from profile to profile makes installs update the wrong payload.",
        source: RuleSource::AppleSchema,
        applies: Applies::Fleet,
        macos: MacOsRange::ALL,
        fix: "set a fresh UUID (`uuidgen`) in one of the profiles",
        check: fleet_only,
        repair: None,
    },
    Rule {
        id: RuleId::FleetExpectedPayload,
        severity: Severity::Error,
        summary: "When a kind of Microsoft profile is expected, the profiles checked together hold one of that kind.",
        rationale: "A pipeline that expects a Platform SSO profile (or the SSO extension alone) fails when none of its profiles configures it.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Fleet,
        macos: MacOsRange::ALL,
        fix: "add the expected profile, or expect what the profiles configure",
        check: fleet_only,
        repair: None,
    },
];

/// The per-profile check of a fleet rule: none (the engine does not call it).
fn fleet_only(_: &Context<'_>, _: &mut Sink<'_>) {}

/// One profile of a set checked together.
#[derive(Debug, Clone, Copy)]
pub struct FleetMember<'a> {
    /// How the profile is named in findings (its path, or `<stdin>`).
    pub name: &'a str,
    /// The profile tree.
    pub profile: &'a Value,
    /// How the profile was checked (its fleet and expectation).
    pub options: Options,
}

/// A key path in one profile of the set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The profile, as [`FleetMember::name`] names it.
    pub file: String,
    /// The key path in it (empty for the profile as a whole).
    pub path: String,
}

/// One problem of profiles installed together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FleetFinding {
    /// The id of the rule that found it.
    pub rule: RuleId,
    /// How serious it is.
    pub severity: Severity,
    /// The profile where the finding is reported (the later of the two).
    pub file: String,
    /// The key path in that profile.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The other profile and key path involved, when there is one.
    pub related: Option<Location>,
}

impl FleetFinding {
    /// The finding as one of its profile's findings (its message names the other
    /// profile and key path), for printers and tallies that list findings by file.
    pub fn finding(&self) -> Finding {
        Finding {
            rule: self.rule,
            severity: self.severity,
            path: self.path.clone(),
            message: self.message.clone(),
            fix: self.fix.clone(),
        }
    }
}

/// The members of the set, each with its rule context.
struct Fleet<'a> {
    members: Vec<(&'a str, Context<'a>)>,
    expect: Expect,
}

/// Collects the findings of one fleet rule.
struct FleetSink<'a> {
    rule: &'static Rule,
    findings: &'a mut Vec<FleetFinding>,
}

impl FleetSink<'_> {
    fn emit(&mut self, at: Location, message: String, related: Option<Location>) {
        self.findings.push(FleetFinding {
            rule: self.rule.id,
            severity: self.rule.severity,
            file: at.file,
            path: at.path,
            message,
            fix: self.rule.fix.to_string(),
            related,
        });
    }
}

type FleetCheck = fn(&Fleet<'_>, &mut FleetSink<'_>);

/// The check of each fleet rule, in the order of [`RULES`].
const CHECKS: &[(RuleId, FleetCheck)] = &[
    (RuleId::FleetUrlsUnique, urls_unique),
    (RuleId::FleetMicrosoftPayloads, microsoft_payloads),
    (RuleId::FleetIdentifierUnique, identifier_unique),
    (RuleId::FleetUuidUnique, uuid_unique),
    (RuleId::FleetExpectedPayload, expected_payload),
];

/// Checks profiles installed together, and reports what none of them shows alone:
/// URLs and hosts shared by SSO payloads of two profiles, more than one payload for
/// the Microsoft plug-in across the set, one `PayloadIdentifier` or `PayloadUUID`
/// in two profiles, and, with an expectation, a set without the expected payload.
/// Never panics, whatever the trees.
pub fn check_fleet(members: &[FleetMember<'_>], expect: Expect) -> Vec<FleetFinding> {
    let fleet = Fleet {
        members: members
            .iter()
            .map(|m| (m.name, Context::new(m.profile, &m.options)))
            .collect(),
        expect,
    };
    let mut findings = Vec::new();
    for (id, check) in CHECKS {
        let mut sink = FleetSink {
            rule: id.rule(),
            findings: &mut findings,
        };
        check(&fleet, &mut sink);
    }
    findings
}

fn at(file: &str, path: String) -> Location {
    Location {
        file: file.to_string(),
        path,
    }
}

/// Every Extensible SSO payload of the set, with the index of its member.
fn sso_payloads<'f>(
    fleet: &'f Fleet<'_>,
) -> impl Iterator<Item = (usize, &'f SsoPayload<'f>)> + 'f {
    fleet.members.iter().enumerate().flat_map(|(m, (_, ctx))| {
        ctx.payloads
            .iter()
            .filter(|p| p.kind.is_sso())
            .map(move |p| (m, p))
    })
}

/// The entries of `key` (`URLs` or `Hosts`) of a payload, as Apple compares them:
/// case-insensitively, without a trailing `/`.
fn normalized(p: &SsoPayload<'_>, key: &str) -> Vec<(String, String)> {
    p.strings(key)
        .into_iter()
        .map(|e| (e.trim_end_matches('/').to_ascii_lowercase(), e.to_string()))
        .collect()
}

/// Each payload is reported once per key, against the first payload of another
/// profile it shares entries with: a folder of variants of one profile gives one
/// finding per variant, not one per pair.
fn urls_unique(fleet: &Fleet<'_>, sink: &mut FleetSink<'_>) {
    let payloads: Vec<(usize, &SsoPayload<'_>)> = sso_payloads(fleet).collect();
    for (n, &(m, p)) in payloads.iter().enumerate() {
        for key in ["URLs", "Hosts"] {
            for &(earlier, q) in payloads[..n].iter().filter(|(other, _)| *other != m) {
                let theirs = normalized(q, key);
                let mut shared: Vec<String> = Vec::new();
                for (norm, entry) in normalized(p, key) {
                    if theirs.iter().any(|(t, _)| *t == norm) && !shared.contains(&entry) {
                        shared.push(entry);
                    }
                }
                if shared.is_empty() {
                    continue;
                }
                let listed = shared
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let (file, other) = (fleet.members[m].0, fleet.members[earlier].0);
                sink.emit(
                    at(file, p.path(key)),
                    format!(
                        "shares {listed} with {other} {}; Apple requires the {key} of all installed Extensible SSO payloads to be unique",
                        q.path(key)
                    ),
                    Some(at(other, q.path(key))),
                );
                break;
            }
        }
    }
}

fn kind_words(kind: PayloadKind) -> &'static str {
    match kind {
        PayloadKind::MicrosoftPlatformSso => "with Platform SSO",
        _ => "without Platform SSO",
    }
}

fn microsoft_payloads(fleet: &Fleet<'_>, sink: &mut FleetSink<'_>) {
    let mut first: Option<(usize, &SsoPayload<'_>)> = None;
    for (m, p) in sso_payloads(fleet).filter(|(_, p)| p.is_microsoft()) {
        match first {
            None => first = Some((m, p)),
            Some((fm, fp)) if fm != m => sink.emit(
                at(fleet.members[m].0, p.path("")),
                format!(
                    "is a payload for the Microsoft SSO plug-in ({}) besides {} {} ({}); installed together, the plug-in fails with error 10002 (multiple SSOe payloads)",
                    kind_words(p.kind),
                    fleet.members[fm].0,
                    fp.path(""),
                    kind_words(fp.kind),
                ),
                Some(at(fleet.members[fm].0, fp.path(""))),
            ),
            Some(_) => {} // the same profile: `profile.sso-payload-count` reports it
        }
    }
}

fn root_string<'c>(ctx: &'c Context<'_>, key: &str) -> Option<&'c str> {
    ctx.root?.get(key).and_then(Value::as_string)
}

fn identifier_unique(fleet: &Fleet<'_>, sink: &mut FleetSink<'_>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (m, (name, ctx)) in fleet.members.iter().enumerate() {
        let Some(id) = root_string(ctx, "PayloadIdentifier") else {
            continue;
        };
        match seen.get(id) {
            Some(&first) => sink.emit(
                at(name, "PayloadIdentifier".into()),
                format!(
                    "`{id}` is also the identifier of {}; installing one profile replaces the other",
                    fleet.members[first].0
                ),
                Some(at(fleet.members[first].0, "PayloadIdentifier".into())),
            ),
            None => {
                seen.insert(id, m);
            }
        }
    }
}

fn uuid_unique(fleet: &Fleet<'_>, sink: &mut FleetSink<'_>) {
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for (m, (name, ctx)) in fleet.members.iter().enumerate() {
        let top = root_string(ctx, "PayloadUUID").map(|u| (u, "PayloadUUID".to_string()));
        let payloads = ctx
            .payloads
            .iter()
            .filter_map(|p| p.string("PayloadUUID").map(|u| (u, p.path("PayloadUUID"))));
        for (uuid, path) in top.into_iter().chain(payloads) {
            let key = uuid.to_ascii_uppercase();
            match seen.get(&key) {
                Some((first, first_path)) if *first != m => sink.emit(
                    at(name, path),
                    format!(
                        "`{uuid}` is also the UUID of {} {first_path}; every PayloadUUID must be globally unique",
                        fleet.members[*first].0
                    ),
                    Some(at(fleet.members[*first].0, first_path.clone())),
                ),
                Some(_) => {} // the same profile: `profile.uuid` reports it
                None => {
                    seen.insert(key, (m, path));
                }
            }
        }
    }
}

fn expected_payload(fleet: &Fleet<'_>, sink: &mut FleetSink<'_>) {
    let Some(kind) = fleet.expect.kind() else {
        return;
    };
    let Some((name, _)) = fleet.members.first() else {
        return;
    };
    if sso_payloads(fleet).any(|(_, p)| p.kind == kind) {
        return;
    }
    let count = fleet.members.len();
    let checked = if count == 1 {
        "the profile checked holds no payload".to_string()
    } else {
        format!("none of the {count} profiles checked holds a payload")
    };
    sink.emit(
        at(name, "PayloadContent".into()),
        format!("{checked} of the kind expected: {}", kind.describe()),
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RULES;

    #[test]
    fn every_fleet_rule_has_one_check() {
        let fleet: Vec<RuleId> = RULES
            .iter()
            .filter(|r| r.applies == Applies::Fleet)
            .map(|r| r.id)
            .collect();
        let checked: Vec<RuleId> = CHECKS.iter().map(|(id, _)| *id).collect();
        assert_eq!(fleet, checked);
    }
}
