//! `generate --spec`, `--template`, `templates`, and signing on `generate`.

use std::fs;

use crate::selfsigned;
use crate::support::{bin, have_tool};

fn stdout_of(args: &[&str]) -> Vec<u8> {
    bin()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn a_spec_file_means_what_the_options_mean() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("contoso.toml");
    fs::write(
        &spec,
        "auth = \"password\"\nmin-macos = 15\norg = \"Contoso\"\nidentifier = \"com.contoso.psso\"\n\
         registration-token = \"{{DEVICEREGISTRATION}}\"\nclouds = [\"commercial\"]\n\
         [extension-data]\nbrowser_sso_interaction_enabled = 1\n",
    )
    .unwrap();
    let from_spec = stdout_of(&["generate", "--spec", spec.to_str().unwrap()]);
    let from_options = stdout_of(&[
        "generate",
        "--auth",
        "Password",
        "--min-macos",
        "15",
        "--org",
        "Contoso",
        "--identifier",
        "com.contoso.psso",
        "--registration-token",
        "{{DEVICEREGISTRATION}}",
        "--clouds",
        "commercial",
        "--extension-data",
        "browser_sso_interaction_enabled=1",
    ]);
    assert_eq!(from_spec, from_options);
}

#[test]
fn options_override_the_spec_which_overrides_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.toml");
    fs::write(&spec, "org = \"FromSpec\"\nenable-authorization = false\n").unwrap();
    let spec = spec.to_str().unwrap();
    let text = |args: &[&str]| String::from_utf8(stdout_of(args)).unwrap();

    let template = text(&["generate", "--template", "shared-mac"]);
    assert!(template.contains("<string>Contoso</string>"));
    assert!(template.contains("<key>EnableAuthorization</key>\n\t\t\t\t<true/>"));

    let layered = text(&["generate", "--template", "shared-mac", "--spec", spec]);
    assert!(layered.contains("<string>FromSpec</string>"));
    assert!(layered.contains("<key>EnableAuthorization</key>\n\t\t\t\t<false/>"));
    assert!(layered.contains("<key>EnableCreateUserAtLogin</key>"));

    let cli = text(&[
        "generate",
        "--template",
        "shared-mac",
        "--spec",
        spec,
        "--org",
        "FromCli",
        "--enable-authorization",
    ]);
    assert!(cli.contains("<string>FromCli</string>"));
    assert!(!cli.contains("FromSpec"));
    assert!(cli.contains("<key>EnableAuthorization</key>\n\t\t\t\t<true/>"));
}

#[test]
fn an_unknown_key_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.toml");
    fs::write(
        &spec,
        "org = \"Contoso\"\n# a comment\nauthentication = \"Password\"\n",
    )
    .unwrap();
    let out = bin()
        .args(["generate", "--spec", spec.to_str().unwrap()])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "psso-profile: error: `{}` line 3: unknown key `authentication`; expected one of `auth`,",
            spec.display()
        )),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn invalid_toml_is_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.toml");
    fs::write(&spec, "org = \"Contoso\"\nauth = Password\n").unwrap();
    let out = bin()
        .args(["generate", "--spec", spec.to_str().unwrap()])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "psso-profile: error: `{}` line 2: ",
            spec.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.trim_end().contains('\n'), "one line: {stderr}");
}

#[test]
fn a_spec_with_row_variables_is_for_batch() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("s.toml");
    fs::write(&spec, "org = \"${org}\"\n").unwrap();
    bin()
        .args(["generate", "--spec", spec.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` uses row variables (`${{org}}`); `psso-profile batch` fills them from rows (write `$${{` for a literal `${{`)\n",
            spec.display()
        ));
}

#[test]
fn templates_list_show_and_unknown() {
    let list = String::from_utf8(stdout_of(&["templates", "list"])).unwrap();
    let names: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "secure-enclave",
            "password-filevault",
            "smart-card",
            "shared-mac",
            "setup-assistant",
            "intune"
        ]
    );
    let shown = stdout_of(&["templates", "show", "intune"]);
    assert_eq!(
        shown,
        fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/intune.toml"
        ))
        .unwrap()
    );
    bin()
        .args(["templates", "show", "kiosk"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value `kiosk` for `template`",
        ));
    bin()
        .args(["generate", "--template", "kiosk"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value `kiosk` for `template`",
        ));
}

#[test]
fn generate_signs_what_it_generates() {
    if !have_tool("openssl", "generate_signs_what_it_generates") {
        return;
    }
    let certs = selfsigned::dir();
    let dir = tempfile::tempdir().unwrap();
    for (key, format) in [("rsa", "xml"), ("p256", "binary")] {
        let out = dir.path().join(format!("{key}.mobileconfig"));
        let assert = bin()
            .args(["generate", "--template", "intune", "--format", format])
            .arg("--sign-cert")
            .arg(certs.join(format!("{key}.pem")))
            .arg("--sign-key")
            .arg(certs.join(format!("{key}.key")))
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(
            stderr.contains("holds the placeholder `{{DEVICEREGISTRATION}}`"),
            "{stderr}"
        );
        let unsigned = stdout_of(&["generate", "--template", "intune", "--format", format]);
        assert_eq!(selfsigned::verify(&out, key), unsigned, "{key}");
    }
}

#[test]
fn signing_json_or_without_a_signer_is_refused() {
    bin()
        .args(["generate", "--format", "json", "--sign-cert", "c.pem", "--sign-key", "k.pem"])
        .assert()
        .code(2)
        .stderr("psso-profile: error: cannot sign JSON output: a signed profile holds an XML or binary property list; pass --format xml or --format binary\n");
    bin()
        .args(["generate", "--signing-time", "now"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--sign-cert <PEM>|--sign-p12 <FILE>",
        ));
    bin()
        .args(["generate", "--sign-cert", "c.pem"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--sign-key <PEM>"));
}
