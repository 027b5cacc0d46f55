//! Self-signed signing certificates made with the `openssl` CLI at test time
//! (RSA-2048 and P-256), shared by the `generate` and `batch` signing tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A folder holding `rsa.pem`/`rsa.key` and `p256.pem`/`p256.key`.
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ext = ["-addext", "keyUsage=digitalSignature"];
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "rsa.key",
            "-out",
            "rsa.pem",
            "-subj",
            "/CN=psso-test-rsa",
            "-days",
            "2",
            ext[0],
            ext[1],
        ]);
        run(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "p256.key",
        ]);
        run(&[
            "req",
            "-x509",
            "-key",
            "p256.key",
            "-out",
            "p256.pem",
            "-subj",
            "/CN=psso-test-p256",
            "-days",
            "2",
            ext[0],
            ext[1],
        ]);
        dir
    })
}

/// `openssl cms -verify` of a DER signed file against its own self-signed
/// certificate (`rsa` or `p256`); returns the content it outputs.
pub fn verify(signed: &Path, key: &str) -> Vec<u8> {
    let ca = dir().join(format!("{key}.pem"));
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-inform", "DER", "-purpose", "any", "-in"])
        .arg(signed)
        .arg("-CAfile")
        .arg(&ca)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl cms -verify {}: {}",
        signed.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
