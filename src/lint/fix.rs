//! Autofix: repairs what the rules find where the right value is certain, and
//! keeps everything else (UUIDs, identifiers, keys it does not understand) as it was.
//!
//! Each repair lives beside its rule (`Rule::repair` in `src/rules/`); this module
//! runs them in a fixed order, because later repairs build on earlier ones (the
//! payload is merged before its keys are set, the authentication method is chosen
//! before the keys that depend on it).

use plist::Value;

use crate::model::Target;
use crate::rules::RuleId;
pub use crate::rules::fix::Applied;
use crate::rules::fix::Fixer;

/// The repairs of the profile as a whole, in the order they run.
const PROFILE_REPAIRS: &[RuleId] = &[
    RuleId::ProfilePayloadType,
    RuleId::ProfilePayloadVersion,
    RuleId::ProfileSsoPayloadCount,
];

/// The repairs of the Microsoft SSO payload, in the order they run, once the
/// profile's repairs have left one payload for the plug-in.
const PAYLOAD_REPAIRS: &[RuleId] = &[
    RuleId::SchemaMisplacedKey,
    RuleId::ExtPssoKey,
    RuleId::SsoExtensionIdentifier,
    RuleId::SsoTeamIdentifier,
    RuleId::SsoType,
    RuleId::SsoScreenLockedBehavior,
    RuleId::SsoUrlsCommercial,
    RuleId::SsoUrlsSovereign,
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

/// Repairs `profile` for the fleet `target` and lists what was done.
///
/// Repairs: the profile's `PayloadType` and `PayloadVersion`, `PayloadScope`
/// `System` where shared device keys need it; duplicate Microsoft SSO payloads
/// merged into the first; misplaced keys moved to where Apple defines them
/// (Platform SSO settings out of `ExtensionData` too); Microsoft's required values
/// (`TeamIdentifier`, `Type`, `ScreenLockedBehavior`, `UseSharedDeviceKeys`, the
/// seven `URLs`); the authentication method for the target (both keys on macOS 13,
/// agreeing; the deprecated key removed on 14+; `FileVaultPolicy`
/// `AttemptAuthentication` with Password on macOS 15+); Apple's spelling of allowed values;
/// `LoginFrequency` raised to Apple's minimum; `ExtensionData` flags written as
/// integers. What cannot be decided (a grace period, an invalid UUID) is left for
/// the report.
pub fn fix(profile: &mut Value, target: &Target) -> Vec<Applied> {
    let Some(root) = profile.as_dictionary_mut() else {
        return Vec::new();
    };
    let mut fixer = Fixer::new(root, *target);
    run(&mut fixer, PROFILE_REPAIRS);
    if fixer.find_payload() {
        run(&mut fixer, PAYLOAD_REPAIRS);
    }
    fixer.finish()
}

/// Runs the repairs of the rules `order`, skipping a rule whose macOS range the
/// fleet does not include.
fn run(fixer: &mut Fixer<'_>, order: &[RuleId]) {
    for id in order {
        let rule = id.rule();
        if let Some(repair) = rule.repair()
            && rule.macos.applies_to(fixer.target())
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
