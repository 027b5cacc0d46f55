//! `psso-profile generate`: build a Platform SSO profile from options, check it,
//! and write it.

use std::path::PathBuf;

use clap::Args;

use psso_profile::catalog::microsoft::Cloud;
use psso_profile::codec::{self, Format};
use psso_profile::mdm;
use psso_profile::model::{
    AuthMethod, AuthorizationMode, MacOs, PayloadScope, Policy, UnlockPolicy,
};
use psso_profile::rules::Severity;
use psso_profile::sign;
use psso_profile::spec::{self, Spec, SpecFile, UuidMode};
use psso_profile::{Error, Result};

use super::report::eprint_findings;
use super::signing::{self, SigningArgs};
use super::{EXIT_OK, secret};

const EXAMPLES: &str = "\
Examples:
  psso-profile generate --auth UserSecureEnclaveKey -o psso.mobileconfig
  psso-profile generate --auth Password --min-macos 15 --org Contoso \\
      --identifier com.contoso.platformsso --registration-token '{{DEVICEREGISTRATION}}'
  psso-profile generate --min-macos 13 --auth Password --clouds commercial
  psso-profile generate --extension-data AppPrefixAllowList=com.microsoft.,com.apple. \\
      --extension-data browser_sso_interaction_enabled=1 --format json
  psso-profile generate --template shared-mac --org Fabrikam -o shared.mobileconfig
  psso-profile generate --spec contoso.toml --min-macos 15 -o psso.mobileconfig
  psso-profile generate --spec contoso.toml --sign-cert signer.pem --sign-key signer.key \\
      -o psso.signed.mobileconfig

Settings come from, each overriding the one before: --template, then the --spec file
(TOML; its keys are the long option names above, `extension-data` a table, lists
arrays), then the options on this command line. Apple's spellings are accepted in
any case. Signing (--sign-cert/--sign-key or --sign-p12) wraps the XML or binary
output in a CMS signature, as `psso-profile sign` does. --mdm-command writes the MDM
InstallProfile command carrying the profile instead.

Exit codes: 0 written (warnings allowed), 2 a finding at error level, a bad option or an
unreadable file; nothing is written then.";

/// Generate a Platform SSO configuration profile.
///
/// The profile carries the Microsoft Enterprise SSO plug-in payload with every
/// setting Microsoft requires, for the fleet's oldest macOS. It is checked by the
/// same rules as `validate` before anything is written: an error finding means
/// exit 2 and no output.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct GenerateArgs {
    /// Authentication method (Apple's spelling; case-insensitive, kebab-case accepted)
    /// [default: UserSecureEnclaveKey]
    #[arg(long, value_name = "METHOD", ignore_case = true)]
    auth: Option<AuthMethod>,
    /// Oldest macOS of the fleet: 13 adds the deprecated top-level key macOS 13 reads
    /// [default: 14]
    #[arg(long, value_name = "VERSION", value_parser = super::parse_macos)]
    min_macos: Option<MacOs>,
    /// PayloadOrganization of the profile and its payload
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// PayloadIdentifier of the profile (the SSO payload gets `<identifier>.sso`)
    /// [default: com.psso-profile.platformsso]
    #[arg(long, value_name = "ID")]
    identifier: Option<String>,
    /// PayloadDisplayName of the profile
    #[arg(long, value_name = "TEXT")]
    display_name: Option<String>,
    /// PayloadDescription of the profile
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// RegistrationToken, such as `{{DEVICEREGISTRATION}}` (kept literally for the MDM to substitute)
    #[arg(long, value_name = "TOKEN", group = "token")]
    registration_token: Option<String>,
    /// Read the RegistrationToken from a file (`-` for stdin)
    #[arg(long, value_name = "FILE", group = "token")]
    registration_token_file: Option<PathBuf>,
    /// Read the RegistrationToken from an environment variable
    #[arg(long, value_name = "VAR", group = "token")]
    registration_token_env: Option<String>,
    /// PlatformSSO.AccountDisplayName: the organisation name in Platform SSO notifications
    #[arg(long, value_name = "TEXT")]
    account_display_name: Option<String>,
    /// Token claim for the local account name (TokenToUserMapping.AccountName); Microsoft's
    /// 2026 guide recommends `com.apple.PlatformSSO.AccountShortName` [default: preferred_username]
    #[arg(long, value_name = "CLAIM")]
    account_name_claim: Option<String>,
    /// Token claim for the local full name (TokenToUserMapping.FullName) [default: name]
    #[arg(long, value_name = "CLAIM")]
    full_name_claim: Option<String>,
    /// ExtensionData for the SSO plug-in, typed by its catalog; `KEY:TYPE=VALUE` (string,
    /// integer, boolean) passes a key the catalog does not know
    #[arg(long, value_name = "KEY=VALUE")]
    extension_data: Vec<String>,
    /// Microsoft clouds whose sign-in URLs to list; the commercial URLs are always listed
    /// [default: commercial,china,us-government]
    #[arg(long, value_name = "CLOUD", value_delimiter = ',')]
    clouds: Option<Vec<Cloud>>,
    /// PayloadScope; shared device keys need `System` [default: System]
    #[arg(long, value_name = "SCOPE", ignore_case = true)]
    scope: Option<PayloadScope>,
    /// PayloadUUIDs: derived from the identifiers (same input, same bytes) or random
    /// [default: derived]
    #[arg(long, value_name = "MODE")]
    uuid: Option<UuidMode>,
    /// Set PayloadRemovalDisallowed (`=false` turns off what a spec set)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    removal_disallowed: Option<bool>,
    /// PlatformSSO.EnableCreateUserAtLogin: create local accounts at the login window
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    enable_create_user_at_login: Option<bool>,
    /// PlatformSSO.EnableAuthorization: Entra accounts at authorization prompts (shared Macs)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    enable_authorization: Option<bool>,
    /// PlatformSSO.NewUserAuthorizationMode (Microsoft supports Standard and Admin)
    #[arg(long, value_name = "MODE", ignore_case = true)]
    new_user_authorization_mode: Option<AuthorizationMode>,
    /// PlatformSSO.UserAuthorizationMode (Microsoft supports Standard and Admin)
    #[arg(long, value_name = "MODE", ignore_case = true)]
    user_authorization_mode: Option<AuthorizationMode>,
    /// PlatformSSO.AdministratorGroups (repeatable)
    #[arg(long = "administrator-group", value_name = "GROUP")]
    administrator_groups: Vec<String>,
    /// PlatformSSO.AdditionalGroups (repeatable)
    #[arg(long = "additional-group", value_name = "GROUP")]
    additional_groups: Vec<String>,
    /// PlatformSSO.AuthorizationGroups entry (repeatable)
    #[arg(long = "authorization-group", value_name = "RIGHT=GROUP")]
    authorization_groups: Vec<String>,
    /// PlatformSSO.LoginFrequency in seconds (at least 3600)
    #[arg(long, value_name = "SECONDS")]
    login_frequency: Option<i64>,
    /// PlatformSSO.FileVaultPolicy, comma-separated (default with Password on macOS 15+:
    /// AttemptAuthentication)
    #[arg(long, value_name = "POLICY", value_delimiter = ',', ignore_case = true)]
    filevault_policy: Option<Vec<Policy>>,
    /// PlatformSSO.LoginPolicy, comma-separated
    #[arg(long, value_name = "POLICY", value_delimiter = ',', ignore_case = true)]
    login_policy: Option<Vec<Policy>>,
    /// PlatformSSO.UnlockPolicy, comma-separated
    #[arg(long, value_name = "POLICY", value_delimiter = ',', ignore_case = true)]
    unlock_policy: Option<Vec<UnlockPolicy>>,
    /// PlatformSSO.OfflineGracePeriod
    #[arg(long, value_name = "N")]
    offline_grace_period: Option<i64>,
    /// PlatformSSO.AuthenticationGracePeriod
    #[arg(long, value_name = "N")]
    authentication_grace_period: Option<i64>,
    /// PlatformSSO.NonPlatformSSOAccounts: local accounts exempt from the policies (repeatable)
    #[arg(long = "non-psso-account", value_name = "USER")]
    non_psso_accounts: Vec<String>,
    /// PlatformSSO.EnableRegistrationDuringSetup: register in Setup Assistant (macOS 26+)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    enable_registration_during_setup: Option<bool>,
    /// PlatformSSO.EnableCreateFirstUserDuringSetup (macOS 26+; Microsoft: Password only)
    #[arg(long, value_name = "BOOL")]
    enable_create_first_user_during_setup: Option<bool>,
    /// Start from a built-in scenario template (`psso-profile templates list`)
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// Read the settings from a TOML spec file whose keys are these long option
    /// names; it overrides --template, and options given here override it
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Output encoding [default: xml]
    #[arg(long, value_name = "FORMAT")]
    format: Option<Format>,
    /// Output file (`-` for stdout); written atomically [default: -]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Overwrite the output file if it exists
    #[arg(long)]
    force: bool,
    /// Write the MDM `InstallProfile` command carrying the profile (signed when signing
    /// options are given) instead of the profile: an XML plist, or JSON with the payload in
    /// base64 with --format json
    #[arg(long)]
    mdm_command: bool,
    #[command(flatten)]
    signing: SigningArgs,
}

impl GenerateArgs {
    /// The validated spec these options describe.
    fn to_spec(&self) -> Result<Spec> {
        let registration_token = secret::read(
            "registration-token",
            self.registration_token.as_deref(),
            self.registration_token_file.as_deref(),
            self.registration_token_env.as_deref(),
        )?;
        let extension_data = self
            .extension_data
            .iter()
            .map(|arg| spec::parse_extension_data(arg))
            .collect::<Result<_>>()?;
        let authorization_groups = self
            .authorization_groups
            .iter()
            .map(|arg| {
                arg.split_once('=')
                    .filter(|(right, group)| !right.is_empty() && !group.is_empty())
                    .map(|(right, group)| (right.to_string(), group.to_string()))
                    .ok_or_else(|| Error::InvalidValue {
                        key: "authorization-group".to_string(),
                        value: arg.clone(),
                        expected: "`RIGHT=GROUP`, such as `system.preferences=mac-admins`"
                            .to_string(),
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Spec {
            auth: self.auth,
            min_macos: self.min_macos,
            org: self.org.clone(),
            identifier: self.identifier.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            registration_token,
            account_display_name: self.account_display_name.clone(),
            account_name_claim: self.account_name_claim.clone(),
            full_name_claim: self.full_name_claim.clone(),
            clouds: self.clouds.clone(),
            scope: self.scope,
            uuid: self.uuid,
            removal_disallowed: self.removal_disallowed,
            extension_data,
            enable_create_user_at_login: self.enable_create_user_at_login,
            enable_authorization: self.enable_authorization,
            new_user_authorization_mode: self.new_user_authorization_mode,
            user_authorization_mode: self.user_authorization_mode,
            administrator_groups: self.administrator_groups.clone(),
            additional_groups: self.additional_groups.clone(),
            authorization_groups,
            login_frequency: self.login_frequency,
            filevault_policy: self.filevault_policy.clone(),
            login_policy: self.login_policy.clone(),
            unlock_policy: self.unlock_policy.clone(),
            offline_grace_period: self.offline_grace_period,
            authentication_grace_period: self.authentication_grace_period,
            non_psso_accounts: self.non_psso_accounts.clone(),
            enable_registration_during_setup: self.enable_registration_during_setup,
            enable_create_first_user_during_setup: self.enable_create_first_user_during_setup,
        })
    }
}

/// The spec of a run: the template, then the spec file, then the options
/// given on the command line, each overriding the one before.
fn layered_spec(args: &GenerateArgs) -> Result<Spec> {
    let file = SpecFile::layered(args.template.as_deref(), args.spec.as_deref())?;
    let mut spec = match file {
        Some(file) => file.to_spec()?,
        None => Spec::default(),
    };
    spec.overlay(args.to_spec()?);
    Ok(spec)
}

pub(crate) fn run(args: GenerateArgs) -> Result<u8> {
    let format = args.format.unwrap_or_default();
    // With --mdm-command, --format chooses the command's encoding; the profile
    // inside is a property list (binary when asked, else XML).
    let (profile_format, command_format) = match (args.mdm_command, format) {
        (false, format) => (format, None),
        (true, Format::Json) => (Format::Xml, Some(Format::Json)),
        (true, format) => (format, Some(Format::Xml)),
    };
    let output = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    if args.signing.wanted() && profile_format == Format::Json {
        return Err(Error::Conflict {
            message: "cannot sign JSON output: a signed profile holds an XML or binary property list; pass --format xml or --format binary".into(),
        });
    }
    let label = if output.as_os_str() == "-" {
        "<generated>".to_string()
    } else {
        output.display().to_string()
    };
    let spec = layered_spec(&args)?;
    let signing = args.signing.load()?;
    let generated = match spec.generate() {
        Ok(generated) => generated,
        Err(Error::Rejected { count, report }) => {
            eprint_findings(&label, &report);
            return Err(Error::Rejected { count, report });
        }
        Err(other) => return Err(other),
    };
    let mut bytes = codec::write(&generated.value, profile_format)?;
    if signing.is_some() {
        let found = sign::placeholders(&bytes);
        signing::warn_placeholders(found.iter().map(String::as_str));
        bytes = signing::maybe_sign(bytes, signing.as_ref())?;
    }
    if let Some(command_format) = command_format {
        let command = mdm::install_profile_command(&bytes, mdm::derived_command_uuid(&bytes));
        bytes = codec::write(&command, command_format)?;
    }
    codec::write_output(&output, &bytes, args.force)?;
    // Notes at info level are for `validate` (and `-v`); otherwise warnings only.
    let mut shown = generated.report;
    if !super::ui().verbose {
        shown.findings.retain(|f| f.severity >= Severity::Warning);
    }
    eprint_findings(&label, &shown);
    Ok(EXIT_OK)
}
