//! Autofix: repairs what the rules find where the right value is certain, and
//! keeps everything else (UUIDs, identifiers, keys it does not understand) as it was.
//!
//! Each repair lives beside its rule (`Rule::repair` in `src/rules/`); this module
//! runs them in a fixed order, because later repairs build on earlier ones (the
//! payload is merged before its keys are set, the authentication method is chosen
//! before the keys that depend on it). A payload repair runs on each payload its
//! rule applies to: Microsoft's on Microsoft payloads, its Platform SSO rows only
//! where Platform SSO is configured, Apple's schema repairs on every SSO payload.

use plist::Value;

use crate::model::Target;
use crate::rules::fix::Fixer;
use crate::rules::{Applies, Options, RuleId};

pub use crate::rules::fix::Applied;

/// The repairs of the profile as a whole, in the order they run.
const PROFILE_REPAIRS: &[RuleId] = &[
    RuleId::ProfilePayloadType,
    RuleId::ProfilePayloadVersion,
    RuleId::ProfileSsoPayloadCount,
];

/// The repairs of each Extensible SSO payload, in the order they run, once the
/// profile's repairs have left one payload for the plug-in.
const PAYLOAD_REPAIRS: &[RuleId] = &[
    RuleId::SchemaMisplacedKey,
    RuleId::ExtPssoKey,
    RuleId::SsoExtensionIdentifier,
    RuleId::SsoTeamIdentifier,
    RuleId::SsoType,
    RuleId::SsoScreenLockedBehavior,
    RuleId::SsoUrlsCommercial,
    RuleId::SsoAuthMethod,
    RuleId::PssoPasswordFilevaultPolicy,
    RuleId::SsoAuthMethodMacos13,
    RuleId::SchemaDeprecatedKey,
    RuleId::SsoUseSharedDeviceKeys,
    RuleId::SchemaRange,
    RuleId::SchemaValue,
    RuleId::ExtType,
    RuleId::ProfileScopeUser,
];

/// Repairs `profile` for the fleet `target`, judging each payload by what it
/// configures, and lists what was done. See [`fix_with`].
pub fn fix(profile: &mut Value, target: &Target) -> Vec<Applied> {
    fix_with(profile, &Options::new(*target))
}

/// Repairs `profile` as it was checked with `options` and lists what was done,
/// each repair with what it changes for the Macs.
///
/// Repairs: the profile's `PayloadType` and `PayloadVersion`, `PayloadScope`
/// `System` where shared device keys need it; duplicate Microsoft SSO payloads
/// merged into the one that configures Platform SSO; misplaced keys moved to where
/// Apple defines them (Platform SSO settings out of `ExtensionData` too); Apple's
/// spelling of allowed values in every SSO payload; Microsoft's required values
/// (`TeamIdentifier`, `Type`, the three commercial `URLs`, and where Platform SSO
/// is configured `ScreenLockedBehavior`, `UseSharedDeviceKeys`, the authentication
/// method for the target: both keys on macOS 13, agreeing, the deprecated key
/// removed only for a fleet given as starting at macOS 14 or later, and
/// `FileVaultPolicy` `AttemptAuthentication` with Password); `LoginFrequency`
/// raised to Apple's minimum and `ExtensionData` flags written as integers in
/// Microsoft payloads.
///
/// It never creates a `PlatformSSO` dictionary in a payload that does not
/// configure Platform SSO, never adds sovereign-cloud URLs (which clouds a tenant
/// uses is the admin's choice), and changes other vendors' payloads only where
/// Apple's schema has one right answer. What cannot be decided (a grace period, an
/// invalid UUID) is left for the report.
pub fn fix_with(profile: &mut Value, options: &Options) -> Vec<Applied> {
    let Some(root) = profile.as_dictionary_mut() else {
        return Vec::new();
    };
    let mut fixer = Fixer::new(root, *options);
    run(&mut fixer, PROFILE_REPAIRS, false);
    for index in fixer.sso_payloads() {
        fixer.select(index);
        run(&mut fixer, PAYLOAD_REPAIRS, true);
    }
    fixer.finish()
}

/// Runs the repairs of the rules `order`, skipping a rule whose macOS range the
/// fleet does not include and, for payload repairs, a payload it does not apply to.
fn run(fixer: &mut Fixer<'_>, order: &[RuleId], per_payload: bool) {
    for id in order {
        let rule = id.rule();
        let in_scope = !per_payload
            || rule.applies == Applies::Profile
            || fixer.selected_in_scope(rule.applies);
        if let Some(repair) = rule.repair()
            && rule.macos.applies_to(fixer.target())
            && in_scope
        {
            repair(fixer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RULES;

    #[test]
    fn every_repair_runs_once_in_one_order() {
        let order: Vec<RuleId> = PROFILE_REPAIRS
            .iter()
            .chain(PAYLOAD_REPAIRS)
            .copied()
            .collect();
        for (i, id) in order.iter().enumerate() {
            assert!(!order[..i].contains(id), "{id} runs twice");
            assert!(id.rule().repair().is_some(), "{id} has no repair to run");
        }
        for rule in RULES.iter().filter(|r| r.repair().is_some()) {
            assert!(order.contains(&rule.id), "{} never runs", rule.id);
        }
    }

    #[test]
    fn a_profile_that_is_not_a_dictionary_is_left_alone() {
        let mut v = Value::Array(vec![]);
        assert!(fix(&mut v, &Target::default()).is_empty());
        assert_eq!(v, Value::Array(vec![]));
    }
}
