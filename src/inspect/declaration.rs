//! Inspecting a declaration: the settings of the profile tree it stands for, told at
//! the declaration's own key paths.

use plist::Value;
use serde::Serialize;

use super::{Identity, Inspection, LintSummary, Options, macos_range, sso_settings};
use crate::codec::Decoded;
use crate::declaration::{self, map};
use crate::lint;
use crate::model::Target;
use crate::rules::{Context, Severity};
use crate::sign::VerifyOptions;

/// What identifies a declaration.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationSummary {
    /// `Type`: `com.apple.configuration.extensible-sso` or `...legacy`.
    #[serde(rename = "type")]
    pub declaration_type: Option<String>,
    /// `Identifier`.
    pub identifier: Option<String>,
    /// `ServerToken`.
    pub server_token: Option<String>,
    /// A legacy declaration's `Payload.ProfileURL`.
    pub profile_url: Option<String>,
}

/// [`super::inspect`] of a declaration.
pub(super) fn inspect(decoded: Decoded, file: &str, options: &Options) -> Inspection {
    let sso = declaration::declaration_type(&decoded.value) == Some(declaration::EXTENSIBLE_SSO);
    let min_macos = options.min_macos.unwrap_or(if sso {
        declaration::EXTENSIBLE_SSO_MACOS
    } else {
        crate::model::MacOs::V14
    });
    let target = Target::new(min_macos);
    let linted = lint::lint(decoded, &target, &VerifyOptions::new());
    let root = linted.decoded.value.as_dictionary();
    let text = |key: &str| {
        root.and_then(|r| r.get(key))
            .and_then(Value::as_string)
            .map(str::to_string)
    };
    let summary = DeclarationSummary {
        declaration_type: text("Type"),
        identifier: text("Identifier"),
        server_token: text("ServerToken"),
        profile_url: root
            .and_then(|r| r.get("Payload"))
            .and_then(Value::as_dictionary)
            .and_then(|p| p.get("ProfileURL"))
            .and_then(Value::as_string)
            .map(str::to_string),
    };
    let profile = declaration::to_profile(&linted.decoded.value);
    let context = Context::new(&profile, &crate::rules::Options::new(target));
    let settings = context
        .extensible_sso()
        .map(|p| sso_settings(p, options.show_secrets))
        .collect();
    let mut macos = macos_range(&context, min_macos);
    // No Mac reads the declaration before its own first macOS.
    let first = if sso {
        declaration::EXTENSIBLE_SSO_MACOS
    } else {
        declaration::LEGACY_MACOS
    };
    macos.oldest = macos.oldest.max(first);
    for k in macos
        .newer_than_target
        .iter_mut()
        .chain(&mut macos.deprecated)
    {
        k.path = map::declaration_path(&k.path);
    }
    let report = &linted.report;
    Inspection {
        file: file.to_string(),
        encoding: "JSON",
        signed: false,
        declaration: Some(summary),
        identity: Identity {
            identifier: text("Identifier"),
            uuid: None,
            organization: None,
            scope: None,
            display_name: None,
            description: None,
        },
        payloads: Vec::new(),
        sso: settings,
        macos,
        signature: None,
        lint: LintSummary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Info),
        },
        findings: linted.report.clone(),
    }
}
