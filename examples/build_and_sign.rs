//! Build a Platform SSO profile, sign it, verify the signature and wrap it in
//! the MDM `InstallProfile` command, with the library alone.
//!
//! ```text
//! cargo run --example build_and_sign -- CERT.pem KEY.pem OUT_DIR
//! cargo run --example build_and_sign             # makes a throwaway certificate with `openssl`
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use psso_profile::codec::{self, Format};
use psso_profile::mdm;
use psso_profile::model::{AuthMethod, MacOs};
use psso_profile::sign::{self, Signer, SigningTime, VerifyOptions};
use psso_profile::spec::Spec;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("build_and_sign: {err}");
            ExitCode::FAILURE
        }
    }
}

/// A self-signed certificate and key made by `openssl` in `dir`.
fn throwaway_identity(dir: &Path) -> Result<(PathBuf, PathBuf), Box<dyn std::error::Error>> {
    let status = Command::new("openssl")
        .current_dir(dir)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "signer.key",
            "-out",
            "signer.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Example profile signing",
        ])
        .output()?;
    if !status.status.success() {
        return Err(format!(
            "openssl failed: {}",
            String::from_utf8_lossy(&status.stderr)
        )
        .into());
    }
    Ok((dir.join("signer.pem"), dir.join("signer.key")))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cert, key, out_dir) = match args.as_slice() {
        [cert, key, out] => (PathBuf::from(cert), PathBuf::from(key), PathBuf::from(out)),
        [] => {
            let dir = std::env::temp_dir().join(format!("psso-example-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let (cert, key) = throwaway_identity(&dir)?;
            (cert, key, dir)
        }
        _ => return Err("usage: build_and_sign [CERT.pem KEY.pem OUT_DIR]".into()),
    };

    // 1. Build: the same rules as `psso-profile validate` run before anything is returned.
    let spec = Spec {
        auth: Some(AuthMethod::UserSecureEnclaveKey),
        min_macos: Some(MacOs::V14),
        org: Some("Contoso".into()),
        identifier: Some("com.contoso.platformsso".into()),
        ..Spec::default()
    };
    let generated = spec.generate()?;
    if generated.is_refused() {
        return Err(format!("the profile breaks rules: {:?}", generated.report).into());
    }
    let xml = codec::write(&generated.value, Format::Xml)?;

    // 2. Sign (`SigningTime::At` pins the time, so the output can be reproduced).
    let signer = Signer::from_pem(&std::fs::read(&cert)?, &std::fs::read(&key)?, None)?;
    let signed = sign::sign(&xml, &signer, SigningTime::Now)?;

    // 3. Verify what was written, as a server would before sending it.
    let opened = sign::open(&signed)?;
    let report = sign::verify(&opened, &VerifyOptions::new());
    if !report.is_valid() {
        return Err(format!("signature invalid: {:?}", report.problems).into());
    }
    assert_eq!(opened.content(), &xml[..]);

    // 4. Wrap it for the MDM: the only way this payload reaches a Mac.
    let command = mdm::install_profile_command(&signed, mdm::derived_command_uuid(&signed));
    let command = codec::write(&command, Format::Xml)?;

    let profile_path = out_dir.join("psso.signed.mobileconfig");
    std::fs::write(&profile_path, &signed)?;
    std::fs::write(out_dir.join("install-command.plist"), &command)?;
    println!(
        "signed by {} ({} bytes), valid: {}; wrote {}",
        signer.subject(),
        signed.len(),
        report.is_valid(),
        profile_path.display()
    );
    Ok(())
}
