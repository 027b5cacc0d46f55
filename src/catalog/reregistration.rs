//! The changes to a deployed Microsoft Platform SSO profile that make users register
//! again, as Microsoft documents them (microsoft-psso.md §3 and §6). One list:
//! `diff` compares two profiles against it, `validate --fix` compares the profile
//! before and after its repairs, and `inspect` names the settings it holds.
//!
//! Removing the deprecated top-level `AuthenticationMethod` (the macOS 13 key) is
//! not among them: Microsoft's list names `PlatformSSO.AuthenticationMethod`.

use serde::Serialize;

/// Where a trigger's key sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// The outer profile.
    Profile,
    /// The Microsoft SSO payload (`""` is the payload itself).
    Payload,
}

/// Which change of the key makes users register again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Present before and after, with another value.
    Changed,
    /// A boolean that differs, absence meaning Apple's default `false`.
    BooleanChanged,
    /// Turned on: `true` (or `1`) after, `false`, `0` or absent before.
    TurnedOn,
    /// Anything: added, removed or another value.
    Any,
    /// Present after, absent before.
    Added,
    /// Present before, absent after.
    Removed,
}

/// One change that makes users register Platform SSO again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trigger {
    /// Where the key sits.
    pub place: Place,
    /// The key path (`PlatformSSO.UseSharedDeviceKeys`); `""` is the payload itself.
    pub key: &'static str,
    /// The change that counts.
    pub change: Change,
    /// What it does to the Macs.
    pub reason: &'static str,
    /// Where Microsoft (or Apple) says so.
    pub source: &'static str,
}

/// Microsoft's Intune Platform SSO guide, known issues: changing the method or
/// shared device keys, or unassigning and reassigning the policy, re-registers.
const INTUNE_KNOWN_ISSUES: &str =
    "Microsoft, Platform SSO configuration guide for Intune (microsoft-psso.md S2, §6 pitfall 3)";

/// Every change that makes users register again, in the order `diff` lists them.
pub static TRIGGERS: &[Trigger] = &[
    Trigger {
        place: Place::Profile,
        key: "PayloadIdentifier",
        change: Change::Changed,
        reason: "a different profile identifier is a different profile: replacing the old one removes its SSO payload, so every user registers again",
        source: INTUNE_KNOWN_ISSUES,
    },
    Trigger {
        place: Place::Payload,
        key: "",
        change: Change::Removed,
        reason: "the Platform SSO payload is gone: Macs drop their registration and must register again when it returns",
        source: INTUNE_KNOWN_ISSUES,
    },
    Trigger {
        place: Place::Payload,
        key: "PayloadIdentifier",
        change: Change::Changed,
        reason: "macOS sees a different SSO payload: it removes the old one and installs the new one, so every user registers again",
        source: "Apple, CommonPayloadKeys (payloads are updated in place only when PayloadIdentifier and PayloadUUID both match); Microsoft S2, §6 pitfall 3",
    },
    Trigger {
        place: Place::Payload,
        key: "PayloadUUID",
        change: Change::Changed,
        reason: "macOS sees a different SSO payload: it removes the old one and installs the new one, so every user registers again",
        source: "Apple, CommonPayloadKeys (payloads are updated in place only when PayloadIdentifier and PayloadUUID both match); Microsoft S2, §6 pitfall 3",
    },
    Trigger {
        place: Place::Payload,
        key: "PlatformSSO",
        change: Change::Added,
        reason: "turns Platform SSO on: every user of the Macs is asked to register",
        source: "Microsoft, Platform SSO configuration guide (microsoft-psso.md S1): users register once the Platform SSO profile arrives",
    },
    Trigger {
        place: Place::Payload,
        key: "PlatformSSO",
        change: Change::Removed,
        reason: "turns Platform SSO off: Macs drop their registration, and every user registers again when it comes back",
        source: INTUNE_KNOWN_ISSUES,
    },
    Trigger {
        place: Place::Payload,
        key: "PlatformSSO.AuthenticationMethod",
        change: Change::Changed,
        reason: "changing the authentication method of a deployed profile makes every Mac and user register again",
        source: INTUNE_KNOWN_ISSUES,
    },
    Trigger {
        place: Place::Payload,
        key: "PlatformSSO.UseSharedDeviceKeys",
        change: Change::BooleanChanged,
        reason: "changing UseSharedDeviceKeys makes every user register again; Microsoft asks for it to be on from the start",
        source: "Microsoft S2 (§6 pitfall 3) and the MDM-vendor integration guide S7 (§6 pitfall 4: enabled later, users register again)",
    },
    Trigger {
        place: Place::Payload,
        key: "ExtensionData.enable_se_key_biometric_policy",
        change: Change::TurnedOn,
        reason: "the biometric policy reaches Secure Enclave keys only when they are made: registered users must register again, which the admin has to start",
        source: "Microsoft, macOS Platform SSO overview and scenarios (microsoft-psso.md S5, S3, §3)",
    },
    Trigger {
        place: Place::Payload,
        key: "ExtensionData.use_most_secure_storage",
        change: Change::Any,
        reason: "the storage of the device-identity keys applies to new registrations only: registered Macs keep their keys until they unregister and register again",
        source: "Microsoft, Enterprise SSO plug-in for Apple devices (microsoft-psso.md S6, §3)",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macos_13_key_is_not_a_trigger() {
        assert!(!TRIGGERS.iter().any(|t| t.key == "AuthenticationMethod"));
        for t in TRIGGERS {
            assert!(!t.reason.is_empty() && !t.source.is_empty(), "{}", t.key);
        }
    }
}
