//! `sign` and `verify`: CMS signatures that OpenSSL accepts, OpenSSL signatures
//! that we accept, and every refusal. Certificates are made at test time with
//! the `openssl` CLI and live two days.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use proptest::prelude::*;
use psso_profile::sign::{self, Signer, SigningTime, VerifyOptions};
use serde::Deserialize;

use crate::support::{JsonSigner, bin, have_tool};

pub(crate) const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>ExtensionIdentifier</key>
			<string>com.microsoft.CompanyPortalMac.ssoextension</string>
			<key>PayloadDisplayName</key>
			<string>Microsoft Enterprise SSO plug-in</string>
			<key>PayloadIdentifier</key>
			<string>com.example.psso.sso</string>
			<key>PayloadType</key>
			<string>com.apple.extensiblesso</string>
			<key>PayloadUUID</key>
			<string>3D4E694F-0980-51B3-B9F7-780854BC7A05</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
			<key>PlatformSSO</key>
			<dict>
				<key>AuthenticationMethod</key>
				<string>UserSecureEnclaveKey</string>
				<key>TokenToUserMapping</key>
				<dict>
					<key>AccountName</key>
					<string>preferred_username</string>
					<key>FullName</key>
					<string>name</string>
				</dict>
				<key>UseSharedDeviceKeys</key>
				<true/>
			</dict>
			<key>ScreenLockedBehavior</key>
			<string>DoNotHandle</string>
			<key>TeamIdentifier</key>
			<string>UBF8T346G9</string>
			<key>Type</key>
			<string>Redirect</string>
			<key>URLs</key>
			<array>
				<string>https://login.microsoftonline.com</string>
				<string>https://login.microsoft.com</string>
				<string>https://sts.windows.net</string>
				<string>https://login.partner.microsoftonline.cn</string>
				<string>https://login.chinacloudapi.cn</string>
				<string>https://login.microsoftonline.us</string>
				<string>https://login-us.microsoftonline.com</string>
			</array>
		</dict>
	</array>
	<key>PayloadDescription</key>
	<string>Turns on Platform SSO with Microsoft Entra ID through the Microsoft Enterprise SSO plug-in.</string>
	<key>PayloadDisplayName</key>
	<string>Platform SSO</string>
	<key>PayloadIdentifier</key>
	<string>com.example.psso</string>
	<key>PayloadScope</key>
	<string>System</string>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>9BE283CB-7D54-59F1-A152-3F14CD6FF236</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
	<key>TargetDeviceType</key>
	<integer>5</integer>
</dict>
</plist>
"#;

const SIGNING_TIME: &str = "2026-01-31T12:00:00Z";

const CA_CNF: &str = "\
[ca]
default_ca = CA_default
[CA_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
x509_extensions = leaf
[policy_any]
commonName = supplied
organizationName = optional
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
[intermediate]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
";

/// A small PKI made with the `openssl` CLI: two roots with the same name, an
/// intermediate, leaves with RSA and EC keys, an expired leaf, and PKCS#12 files.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .env("P12_PASSWORD", "s3cret pw")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Makes a key (`rsa:2048`, `P-256`, `P-384`) and a CSR for `subject`.
fn key_and_csr(dir: &Path, name: &str, key: &str, subject: &str) {
    let key_file = format!("{name}.key");
    let csr = format!("{name}.csr");
    let mut args = vec!["req", "-new", "-nodes", "-keyout", &key_file, "-out", &csr];
    let curve;
    match key {
        "rsa:2048" => args.extend(["-newkey", "rsa:2048"]),
        other => {
            curve = format!("ec_paramgen_curve:{other}");
            args.extend(["-newkey", "ec", "-pkeyopt", &curve]);
        }
    }
    args.extend(["-subj", subject]);
    openssl(dir, &args);
}

/// Issues `name.pem` from `name.csr` with `issuer`, valid from `start` to `end`.
fn issue(dir: &Path, name: &str, issuer: &str, extensions: &str, start: &str, end: &str) {
    let (csr, pem) = (format!("{name}.csr"), format!("{name}.pem"));
    let (cert, key) = (format!("{issuer}.pem"), format!("{issuer}.key"));
    openssl(
        dir,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            &cert,
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-out",
            &pem,
            "-extensions",
            extensions,
            "-startdate",
            start,
            "-enddate",
            end,
            "-notext",
        ],
    );
}

/// A self-signed root CA valid from 2026-01-01 to two days from now, so that
/// the signing time the tests pin lies inside its validity.
fn root(dir: &Path, name: &str) {
    let (key, csr, pem) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            "/CN=Test Root CA",
        ],
    );
    openssl(
        dir,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-selfsign",
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-out",
            &pem,
            "-extensions",
            "root",
            "-startdate",
            "20260101000000Z",
            "-enddate",
            &stamp(2),
            "-notext",
        ],
    );
}

fn stamp(offset_days: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::days(offset_days);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The PKI shared by the tests of this run, made once.
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sign-pki");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ca.cnf"), CA_CNF).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("serial"), "1000\n").unwrap();
        std::fs::write(dir.join("profile.mobileconfig"), PROFILE).unwrap();
        // Dates: the signing time pinned by the tests lies inside every
        // current certificate's validity.
        let (start, end) = ("20260101000000Z".to_string(), stamp(2));
        root(&dir, "ca");
        root(&dir, "other-ca");
        key_and_csr(&dir, "int", "P-256", "/CN=Test Intermediate");
        issue(&dir, "int", "ca", "intermediate", &start, &end);
        key_and_csr(&dir, "leaf", "rsa:2048", "/CN=Test Leaf/O=Example");
        issue(&dir, "leaf", "int", "leaf", &start, &end);
        key_and_csr(&dir, "p256", "P-256", "/CN=Test P-256 Leaf");
        issue(&dir, "p256", "ca", "leaf", &start, &end);
        key_and_csr(&dir, "p384", "P-384", "/CN=Test P-384 Leaf");
        issue(&dir, "p384", "ca", "leaf", &start, &end);
        key_and_csr(&dir, "expired", "rsa:2048", "/CN=Test Expired Leaf");
        issue(
            &dir,
            "expired",
            "ca",
            "leaf",
            "20200101000000Z",
            "20200102000000Z",
        );
        key_and_csr(&dir, "future", "rsa:2048", "/CN=Test Future Leaf");
        issue(&dir, "future", "ca", "leaf", &stamp(1), &stamp(2));
        // Keys this tool does not sign with.
        for (name, key) in [("rsa1024", "rsa:1024"), ("ed25519", "ed25519")] {
            let (key_file, cert_file) = (format!("{name}.key"), format!("{name}.pem"));
            openssl(
                &dir,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    key,
                    "-nodes",
                    "-keyout",
                    &key_file,
                    "-out",
                    &cert_file,
                    "-days",
                    "2",
                    "-subj",
                    "/CN=Test Unsupported",
                ],
            );
        }
        let chain = std::fs::read_to_string(dir.join("int.pem")).unwrap()
            + &std::fs::read_to_string(dir.join("ca.pem")).unwrap();
        std::fs::write(dir.join("chain.pem"), chain).unwrap();
        // The same keys in other encodings.
        openssl(
            &dir,
            &[
                "rsa",
                "-in",
                "leaf.key",
                "-traditional",
                "-out",
                "leaf.pkcs1.key",
            ],
        );
        openssl(&dir, &["ec", "-in", "p256.key", "-out", "p256.sec1.key"]);
        openssl(
            &dir,
            &[
                "pkcs8",
                "-topk8",
                "-in",
                "leaf.key",
                "-passout",
                "pass:pw",
                "-out",
                "leaf.enc.key",
            ],
        );
        // PKCS#12: OpenSSL 3 default (PBES2, AES-256), legacy RC2-40, 3DES.
        let p12 = |out: &str, extra: &[&str]| {
            let mut args = vec![
                "pkcs12",
                "-export",
                "-in",
                "leaf.pem",
                "-inkey",
                "leaf.key",
                "-certfile",
                "chain.pem",
                "-passout",
                "pass:s3cret pw",
                "-out",
                out,
            ];
            args.extend(extra);
            openssl(&dir, &args);
        };
        p12("default.p12", &[]);
        p12("legacy.p12", &["-legacy"]);
        p12(
            "3des.p12",
            &[
                "-keypbe",
                "PBE-SHA1-3DES",
                "-certpbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ],
        );
        let nokey = "pkcs12 -export -nokeys -in leaf.pem -passout env:P12_PASSWORD -out nokey.p12";
        openssl(&dir, &nokey.split(' ').collect::<Vec<_>>());
        openssl(
            &dir,
            &[
                "pkcs12",
                "-export",
                "-in",
                "p384.pem",
                "-inkey",
                "p384.key",
                "-passout",
                "pass:s3cret pw",
                "-out",
                "p384.p12",
            ],
        );
        Pki { dir }
    })
}

/// Runs `psso-profile sign` with `identity` flags into `out` (in a fresh tempdir).
fn sign_cli(identity: &[&str], out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let pki = pki();
    bin()
        .current_dir(&pki.dir)
        .env("P12_PASSWORD", "s3cret pw")
        .arg("sign")
        .arg(pki.path("profile.mobileconfig"))
        .arg("-o")
        .arg(out)
        .args(identity)
        .args(extra)
        .assert()
}

/// `openssl cms -verify` against `ca.pem`; returns the content it outputs.
fn openssl_verify(signed: &Path, ca: &str) -> Vec<u8> {
    let pki = pki();
    let content = signed.with_extension("content");
    openssl(
        &pki.dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            signed.to_str().unwrap(),
            "-CAfile",
            ca,
            "-out",
            content.to_str().unwrap(),
        ],
    );
    std::fs::read(content).unwrap()
}

const RSA_CHAIN: &[&str] = &[
    "--cert", "leaf.pem", "--key", "leaf.key", "--chain", "int.pem",
];

#[test]
fn openssl_verifies_what_we_sign() {
    if !have_tool("openssl", "openssl_verifies_what_we_sign") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("rsa-chain", RSA_CHAIN),
        (
            "rsa-pkcs1",
            &[
                "--cert",
                "leaf.pem",
                "--key",
                "leaf.pkcs1.key",
                "--chain",
                "int.pem",
            ],
        ),
        ("p256", &["--cert", "p256.pem", "--key", "p256.key"]),
        (
            "p256-sec1",
            &["--cert", "p256.pem", "--key", "p256.sec1.key"],
        ),
        ("p384", &["--cert", "p384.pem", "--key", "p384.key"]),
        (
            "p12",
            &["--p12", "default.p12", "--p12-password-env", "P12_PASSWORD"],
        ),
        (
            "p12-p384",
            &["--p12", "p384.p12", "--p12-password-env", "P12_PASSWORD"],
        ),
    ];
    for (name, identity) in cases {
        let out = tmp.path().join(format!("{name}.mobileconfig"));
        sign_cli(identity, &out, &[]).success().stderr("");
        assert_eq!(openssl_verify(&out, "ca.pem"), PROFILE.as_bytes(), "{name}");
        // And we accept it too, with the chain to the root.
        bin()
            .current_dir(&pki().dir)
            .args(["verify", "--ca", "ca.pem"])
            .arg(&out)
            .assert()
            .success()
            .stdout(predicates::str::contains("signature:     valid"))
            .stdout(predicates::str::contains(
                "content:       configuration profile",
            ));
    }
}

#[test]
fn every_pkcs12_flavour_opens() {
    if !have_tool("openssl", "every_pkcs12_flavour_opens") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let password_file = tmp.path().join("password");
    std::fs::write(&password_file, "s3cret pw\n").unwrap();
    for flavour in ["default.p12", "legacy.p12", "3des.p12"] {
        let out = tmp.path().join(format!("{flavour}.mobileconfig"));
        sign_cli(
            &[
                "--p12",
                flavour,
                "--p12-password-file",
                password_file.to_str().unwrap(),
            ],
            &out,
            &[],
        )
        .success();
        assert_eq!(
            openssl_verify(&out, "ca.pem"),
            PROFILE.as_bytes(),
            "{flavour}"
        );
        // The chain in the PKCS#12 file is included.
        let signed = sign::open(&std::fs::read(&out).unwrap()).unwrap();
        let report = sign::verify(&signed, &VerifyOptions::new());
        assert_eq!(report.certificates, 3, "{flavour}");
    }
}

#[test]
fn we_verify_what_openssl_signs() {
    if !have_tool("openssl", "we_verify_what_openssl_signs") {
        return;
    }
    let pki = pki();
    let tmp = tempfile::tempdir().unwrap();
    let base = [
        "-sign",
        "-binary",
        "-nodetach",
        "-outform",
        "DER",
        "-in",
        "profile.mobileconfig",
    ];
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "cms-rsa",
            "cms",
            &[
                "-signer",
                "leaf.pem",
                "-inkey",
                "leaf.key",
                "-certfile",
                "int.pem",
            ],
            "DER",
        ),
        (
            "cms-stream-rsa",
            "cms",
            &[
                "-stream",
                "-signer",
                "leaf.pem",
                "-inkey",
                "leaf.key",
                "-certfile",
                "int.pem",
            ],
            "BER",
        ),
        (
            "cms-stream-p384",
            "cms",
            &["-stream", "-signer", "p384.pem", "-inkey", "p384.key"],
            "BER",
        ),
        (
            "cms-p256-ski",
            "cms",
            &["-keyid", "-signer", "p256.pem", "-inkey", "p256.key"],
            "DER",
        ),
        (
            "smime-rsa",
            "smime",
            &[
                "-signer",
                "leaf.pem",
                "-inkey",
                "leaf.key",
                "-certfile",
                "int.pem",
            ],
            "DER",
        ),
    ];
    for (name, tool, extra, encoding) in cases {
        let signed = tmp.path().join(format!("{name}.der"));
        let mut args = vec![*tool];
        args.extend(base);
        args.extend(*extra);
        args.extend(["-out", signed.to_str().unwrap()]);
        openssl(&pki.dir, &args);
        let content = tmp.path().join(format!("{name}.content"));
        bin()
            .current_dir(&pki.dir)
            .args(["verify", "--ca", "ca.pem", "--content"])
            .arg(&content)
            .arg(&signed)
            .assert()
            .success()
            .stdout(predicates::str::contains(format!(
                "encoding:      {encoding}"
            )));
        assert_eq!(
            std::fs::read(&content).unwrap(),
            PROFILE.as_bytes(),
            "{name}"
        );
        let opened = sign::open(&std::fs::read(&signed).unwrap()).unwrap();
        assert_eq!(opened.content(), PROFILE.as_bytes(), "{name}");
        assert_eq!(opened.encoding(), *encoding, "{name}");
    }
}

/// The position of the profile inside a DER signed file.
fn content_offset(signed: &[u8]) -> usize {
    signed
        .windows(PROFILE.len())
        .position(|w| w == PROFILE.as_bytes())
        .unwrap()
}

#[test]
fn tampering_is_an_invalid_signature() {
    if !have_tool("openssl", "tampering_is_an_invalid_signature") {
        return;
    }
    let pki = pki();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("signed.mobileconfig");
    sign_cli(RSA_CHAIN, &out, &["--signing-time", SIGNING_TIME]).success();
    let signed = std::fs::read(&out).unwrap();

    let mut content_flip = signed.clone();
    let at = content_offset(&signed) + PROFILE.find("Platform SSO").unwrap();
    content_flip[at] ^= 0x01;
    let mut signature_flip = signed.clone();
    let last = signature_flip.len() - 1;
    signature_flip[last] ^= 0x01;

    for (name, bytes, reason) in [
        (
            "content",
            content_flip,
            "the message digest does not match the content: the content was changed after signing",
        ),
        (
            "signature",
            signature_flip,
            "the signature does not verify with the key of `O=Example,CN=Test Leaf`",
        ),
    ] {
        let file = tmp.path().join(format!("{name}.mobileconfig"));
        std::fs::write(&file, bytes).unwrap();
        let content = tmp.path().join(format!("{name}.content"));
        bin()
            .current_dir(&pki.dir)
            .args(["verify", "--ca", "ca.pem", "--content"])
            .arg(&content)
            .arg(&file)
            .assert()
            .code(1)
            .stdout(predicates::str::contains("signature:     INVALID"))
            .stderr(predicates::str::contains(format!(
                "`: invalid signature: {reason}"
            )));
        assert!(
            !content.exists(),
            "no content is written for an invalid signature"
        );
    }
}

#[test]
fn a_wrong_ca_is_an_invalid_signature() {
    if !have_tool("openssl", "a_wrong_ca_is_an_invalid_signature") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("signed.mobileconfig");
    sign_cli(RSA_CHAIN, &out, &[]).success();
    bin()
        .current_dir(&pki().dir)
        .args(["verify", "--ca", "other-ca.pem"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "invalid signature: the signature of `CN=Test Intermediate` does not verify with the key of its issuer `CN=Test Root CA`: not issued by the given CA",
        ));
    // An unrelated CA (the P-256 leaf's own certificate is not a CA of this chain).
    bin()
        .current_dir(&pki().dir)
        .args(["verify", "--ca", "p256.pem"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "no chain to a given CA certificate",
        ));
    // Two CA files, one of them right.
    bin()
        .current_dir(&pki().dir)
        .args(["verify", "--ca", "other-ca.pem", "--ca", "ca.pem"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "chain:         O=Example,CN=Test Leaf -> CN=Test Intermediate -> CN=Test Root CA",
        ));
}

#[test]
fn an_expired_signer_warns_or_is_refused_with_strict() {
    if !have_tool(
        "openssl",
        "an_expired_signer_warns_or_is_refused_with_strict",
    ) {
        return;
    }
    let pki = pki();
    let tmp = tempfile::tempdir().unwrap();
    let identity = ["--cert", "expired.pem", "--key", "expired.key"];
    let strict = tmp.path().join("strict.mobileconfig");
    sign_cli(&identity, &strict, &["--strict"])
        .code(2)
        .stderr(
            "psso-profile: error: cannot use `expired.pem` and `expired.key`: the signer certificate `CN=Test Expired Leaf` expired (2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z)\n",
        );
    assert!(!strict.exists());

    let out = tmp.path().join("signed.mobileconfig");
    sign_cli(&identity, &out, &["--signing-time", "2020-01-01T12:00:00Z"])
        .success()
        .stderr(
            "psso-profile: warning: the signer certificate `CN=Test Expired Leaf` expired (2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z); verifiers will reject the signature (pass --strict to refuse to sign)\n",
        );
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--ca", "ca.pem"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "warning: `", // file name
        ))
        .stderr(predicates::str::contains(
            "the certificate `CN=Test Expired Leaf` expired on 2020-01-02T00:00:00Z",
        ));
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--strict", "--ca", "ca.pem"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "invalid signature: the certificate `CN=Test Expired Leaf` expired on 2020-01-02T00:00:00Z",
        ));
}

#[test]
fn refusals_write_nothing() {
    if !have_tool("openssl", "refusals_write_nothing") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--cert", "leaf.pem", "--key", "p256.key"],
            "psso-profile: error: cannot use `leaf.pem` and `p256.key`: the private key does not match the certificate `O=Example,CN=Test Leaf`\n",
        ),
        (
            &["--cert", "leaf.pem", "--key", "expired.key"],
            "psso-profile: error: cannot use `leaf.pem` and `expired.key`: the private key does not match the certificate `O=Example,CN=Test Leaf`\n",
        ),
        (
            &["--cert", "p256.pem", "--key", "p384.key"],
            "psso-profile: error: cannot use `p256.pem` and `p384.key`: the private key does not match the certificate `CN=Test P-256 Leaf`\n",
        ),
        (
            &["--cert", "leaf.pem", "--key", "leaf.enc.key"],
            "psso-profile: error: cannot use `leaf.pem` and `leaf.enc.key`: the private key is encrypted; decrypt it first (`openssl pkey -in key.pem -out plain.pem`) or use a PKCS#12 file\n",
        ),
        (
            &["--cert", "leaf.key", "--key", "leaf.key"],
            "psso-profile: error: cannot use `leaf.key` and `leaf.key`: no certificate found: expected a `-----BEGIN CERTIFICATE-----` block\n",
        ),
        (
            &["--cert", "leaf.pem", "--key", "leaf.pem"],
            "psso-profile: error: cannot use `leaf.pem` and `leaf.pem`: no private key found: expected a `-----BEGIN PRIVATE KEY-----` block\n",
        ),
        (
            &[
                "--p12",
                "default.p12",
                "--p12-password-env",
                "WRONG_PASSWORD",
            ],
            "psso-profile: error: cannot use `default.p12`: wrong PKCS#12 password (the integrity check failed)\n",
        ),
        (
            &[
                "--p12",
                "legacy.p12",
                "--p12-password-env",
                "WRONG_PASSWORD",
            ],
            "psso-profile: error: cannot use `legacy.p12`: wrong PKCS#12 password (the integrity check failed)\n",
        ),
        (
            &[
                "--p12",
                "default.p12",
                "--p12-password-env",
                "PSSO_NO_SUCH_VARIABLE",
            ],
            "psso-profile: error: invalid value `PSSO_NO_SUCH_VARIABLE` for `--p12-password-env`: expected the name of a set environment variable holding the password\n",
        ),
        (
            &["--cert", "rsa1024.pem", "--key", "rsa1024.key"],
            "psso-profile: error: cannot use `rsa1024.pem` and `rsa1024.key`: the RSA key has 1024 bits: expected 2048 to 4096\n",
        ),
        (
            &["--cert", "ed25519.pem", "--key", "ed25519.key"],
            "psso-profile: error: cannot use `ed25519.pem` and `ed25519.key`: the certificate `CN=Test Unsupported` holds a 1.3.101.112 key: expected RSA (2048 to 4096 bits) or ECDSA P-256 or P-384\n",
        ),
        (
            &["--cert", "leaf.pem", "--key", "dsa.key"],
            "psso-profile: error: cannot use `leaf.pem` and `dsa.key`: cannot use the private key: expected a `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY` PEM block, not `DSA PRIVATE KEY`\n",
        ),
        (
            &["--cert", "leaf.pem", "--key", "garbage.key"],
            "psso-profile: error: cannot use `leaf.pem` and `garbage.key`: cannot use the private key: expected an RSA (2048 to 4096 bits) or ECDSA P-256 or P-384 private key\n",
        ),
        (
            &["--cert", "garbage.pem", "--key", "leaf.key"],
            "psso-profile: error: cannot use `garbage.pem` and `leaf.key`: cannot parse the signer certificate: ASN.1 DER message is incomplete: expected 3, actual 2 at DER byte 2\n",
        ),
        (
            &["--cert", "leaf.pem", "--key", "future.key", "--strict"],
            "psso-profile: error: cannot use `leaf.pem` and `future.key`: the private key does not match the certificate `O=Example,CN=Test Leaf`\n",
        ),
        (
            &["--cert", "future.pem", "--key", "future.key", "--strict"],
            "NOT YET VALID",
        ),
        (
            &["--p12", "nokey.p12", "--p12-password-env", "P12_PASSWORD"],
            "psso-profile: error: cannot use `nokey.p12`: the PKCS#12 file holds no private key with its certificate\n",
        ),
        (
            &["--p12", "leaf.pem", "--p12-password-env", "P12_PASSWORD"],
            "psso-profile: error: cannot use `leaf.pem`: cannot read the PKCS#12 file (wrong password or damaged file): unknown/unsupported ASN.1 DER tag: 0x2d\n",
        ),
        (
            &[
                "--cert",
                "leaf.pem",
                "--key",
                "leaf.key",
                "--signing-time",
                "1960-01-01T00:00:00Z",
            ],
            "psso-profile: error: invalid value `1960-01-01T00:00:00Z` for `--signing-time`: expected an RFC 3339 time from 1970 on, such as 2026-01-31T12:00:00Z, `now` or `none`\n",
        ),
        (
            &["--cert", "missing.pem", "--key", "leaf.key"],
            "psso-profile: error: cannot read `missing.pem`: No such file or directory (os error 2)\n",
        ),
        (
            &["--p12", "missing.p12", "--p12-password-env", "P12_PASSWORD"],
            "psso-profile: error: cannot read `missing.p12`: No such file or directory (os error 2)\n",
        ),
        (
            &[
                "--cert",
                "leaf.pem",
                "--key",
                "leaf.key",
                "--signing-time",
                "yesterday",
            ],
            "psso-profile: error: invalid value `yesterday` for `--signing-time`: expected an RFC 3339 time from 1970 on, such as 2026-01-31T12:00:00Z, `now` or `none`\n",
        ),
    ];
    std::fs::write(
        pki().path("dsa.key"),
        "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::write(
        pki().path("garbage.key"),
        "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::write(
        pki().path("garbage.pem"),
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let not_yet = std::fs::read_to_string(pki().path("future.pem")).unwrap();
    let not_yet = sign::Signer::from_pem(not_yet.as_bytes(), &pki().read("future.key"), None)
        .unwrap()
        .check_validity(std::time::SystemTime::now())
        .unwrap_err();
    let not_yet =
        format!("psso-profile: error: cannot use `future.pem` and `future.key`: {not_yet}\n");
    assert!(
        not_yet.contains("the signer certificate `CN=Test Future Leaf` is not yet valid ("),
        "{not_yet}"
    );
    for (index, (identity, stderr)) in cases.iter().enumerate() {
        let stderr = if *stderr == "NOT YET VALID" {
            not_yet.as_str()
        } else {
            stderr
        };
        let out = tmp.path().join(format!("{index}.mobileconfig"));
        bin()
            .current_dir(&pki().dir)
            .env("WRONG_PASSWORD", "not it")
            .env("P12_PASSWORD", "s3cret pw")
            .arg("sign")
            .arg("profile.mobileconfig")
            .arg("-o")
            .arg(&out)
            .args(*identity)
            .assert()
            .code(2)
            .stdout("")
            .stderr(stderr.to_string());
        assert!(!out.exists(), "{identity:?} wrote a file");
    }
    // A missing input profile.
    let out = tmp.path().join("missing-input.mobileconfig");
    bin()
        .current_dir(&pki().dir)
        .args(["sign", "no-such.mobileconfig", "-o"])
        .arg(&out)
        .args(["--cert", "leaf.pem", "--key", "leaf.key"])
        .assert()
        .code(2)
        .stderr("psso-profile: error: cannot read `no-such.mobileconfig`: No such file or directory (os error 2)\n");
    assert!(!out.exists());
}

#[test]
fn an_existing_output_needs_force() {
    if !have_tool("openssl", "an_existing_output_needs_force") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("signed.mobileconfig");
    std::fs::write(&out, "keep me").unwrap();
    sign_cli(RSA_CHAIN, &out, &[]).code(2).stderr(format!(
        "psso-profile: error: `{}` already exists; pass --force to overwrite it\n",
        out.display()
    ));
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    sign_cli(RSA_CHAIN, &out, &["--force"]).success();
    assert!(sign::looks_signed(&std::fs::read(&out).unwrap()));
}

#[test]
fn a_pinned_signing_time_reproduces_the_bytes() {
    if !have_tool("openssl", "a_pinned_signing_time_reproduces_the_bytes") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    sign_cli(RSA_CHAIN, &one, &["--signing-time", SIGNING_TIME]).success();
    sign_cli(
        RSA_CHAIN,
        &two,
        &["--signing-time", "2026-01-31T13:00:00+01:00"],
    )
    .success();
    let (one, two) = (std::fs::read(one).unwrap(), std::fs::read(two).unwrap());
    assert_eq!(one, two);
    let signed = sign::open(&one).unwrap();
    let report = sign::verify(&signed, &VerifyOptions::new());
    assert_eq!(report.signing_time.as_deref(), Some(SIGNING_TIME));

    // Without a signing time, and from standard input.
    let out = tmp.path().join("none");
    bin()
        .current_dir(&pki().dir)
        .args(["sign", "-", "-o"])
        .arg(&out)
        .args(RSA_CHAIN)
        .args(["--signing-time", "none"])
        .write_stdin(PROFILE)
        .assert()
        .success();
    let signed = sign::open(&std::fs::read(&out).unwrap()).unwrap();
    let report = sign::verify(&signed, &VerifyOptions::new());
    assert_eq!(report.signing_time, None);
    assert!(report.is_valid(), "{:?}", report.problems);
}

#[test]
fn placeholders_are_warned_about() {
    if !have_tool("openssl", "placeholders_are_warned_about") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("signed.mobileconfig");
    let profile = PROFILE.replace(
        "Platform SSO",
        "{{DEVICEREGISTRATION}} $FLEET_VAR_HOST_UUID",
    );
    bin()
        .current_dir(&pki().dir)
        .args(["sign", "-", "-o"])
        .arg(&out)
        .args(RSA_CHAIN)
        .write_stdin(profile)
        .assert()
        .success()
        .stderr(
            "psso-profile: warning: the profile still holds the placeholder `{{DEVICEREGISTRATION}}`; a server that substitutes it after signing breaks the signature\n\
             psso-profile: warning: the profile still holds the placeholder `$FLEET_VAR_HOST_UUID`; a server that substitutes it after signing breaks the signature\n",
        );
}

#[test]
fn unreadable_input_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.mobileconfig");
    std::fs::write(&plain, PROFILE).unwrap();
    bin()
        .arg("verify")
        .arg(&plain)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "psso-profile: error: `{}` is not a readable signed profile: not a CMS signed message (DER or BER): unknown/unsupported ASN.1 DER tag: 0x3c at DER byte 1\n",
            plain.display()
        ));
    bin()
        .args(["verify", "/nonexistent/signed.mobileconfig"])
        .assert()
        .code(2)
        .stderr("psso-profile: error: cannot read `/nonexistent/signed.mobileconfig`: No such file or directory (os error 2)\n");
    if !have_tool("openssl", "unreadable_input_exits_2") {
        return;
    }
    let out = tmp.path().join("signed.mobileconfig");
    sign_cli(RSA_CHAIN, &out, &[]).success();
    let signed = std::fs::read(&out).unwrap();
    let truncated = tmp.path().join("truncated.mobileconfig");
    std::fs::write(&truncated, &signed[..signed.len() / 2]).unwrap();
    bin()
        .arg("verify")
        .arg(&truncated)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "is not a readable signed profile: not a CMS signed message (DER or BER)",
        ));
}

/// The JSON shape documented in `verify --help`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct JsonReport {
    file: String,
    valid: bool,
    signer: Option<JsonSigner>,
    digest_algorithm: String,
    signature_algorithm: String,
    signing_time: Option<String>,
    encoding: String,
    content_bytes: usize,
    content_is_profile: bool,
    certificates: usize,
    chain_checked: bool,
    chain: Vec<String>,
    problems: Vec<JsonProblem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProblem {
    kind: String,
    severity: String,
    message: String,
}

#[test]
fn json_report_has_the_documented_shape() {
    if !have_tool("openssl", "json_report_has_the_documented_shape") {
        return;
    }
    let pki = pki();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("signed.mobileconfig");
    sign_cli(RSA_CHAIN, &out, &["--signing-time", SIGNING_TIME]).success();
    let output = bin()
        .current_dir(&pki.dir)
        .args(["verify", "--format", "json", "--ca", "ca.pem"])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: JsonReport = serde_json::from_slice(&output).unwrap();
    assert!(report.valid);
    let signer = report.signer.unwrap();
    assert_eq!(signer.subject, "O=Example,CN=Test Leaf");
    assert_eq!(signer.issuer, "CN=Test Intermediate");
    assert_eq!(signer.not_before, "2026-01-01T00:00:00Z");
    assert!(signer.not_after.ends_with('Z'));
    let serial = String::from_utf8(
        openssl(&pki.dir, &["x509", "-in", "leaf.pem", "-noout", "-serial"]).stdout,
    )
    .unwrap();
    assert_eq!(format!("serial={}\n", signer.serial), serial);
    assert_eq!(report.digest_algorithm, "sha256");
    assert_eq!(report.signature_algorithm, "rsaEncryption");
    assert_eq!(report.signing_time.as_deref(), Some(SIGNING_TIME));
    assert_eq!(report.encoding, "DER");
    assert_eq!(report.content_bytes, PROFILE.len());
    assert!(report.content_is_profile);
    assert_eq!(report.certificates, 2);
    assert!(report.chain_checked);
    assert_eq!(
        report.chain,
        [
            "O=Example,CN=Test Leaf",
            "CN=Test Intermediate",
            "CN=Test Root CA"
        ]
    );
    assert!(report.problems.is_empty());

    // An invalid one carries its problem.
    let mut bytes = std::fs::read(&out).unwrap();
    let at = content_offset(&bytes) + 10;
    bytes[at] ^= 0x20;
    std::fs::write(&out, bytes).unwrap();
    let output = bin()
        .args(["verify", "--format", "json"])
        .arg(&out)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: JsonReport = serde_json::from_slice(&output).unwrap();
    assert!(!report.valid);
    assert!(!report.chain_checked);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].kind, "digest-mismatch");
    assert_eq!(report.problems[0].severity, "error");
    assert!(report.problems[0].message.starts_with("the message digest"));
}

/// A signer for the library tests, from the shared PKI.
fn rsa_signer() -> &'static Signer {
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let pki = pki();
        Signer::from_pem(
            &pki.read("leaf.pem"),
            &pki.read("leaf.key"),
            Some(&pki.read("int.pem")),
        )
        .unwrap()
    })
}

#[test]
fn library_signers_report_their_key_and_chain() {
    if !have_tool("openssl", "library_signers_report_their_key_and_chain") {
        return;
    }
    let pki = pki();
    let signer = rsa_signer();
    assert_eq!(signer.key_kind(), sign::KeyKind::Rsa { bits: 2048 });
    assert_eq!(signer.chain_len(), 1);
    assert_eq!(signer.subject(), "O=Example,CN=Test Leaf");
    let p384 = Signer::from_pkcs12(&pki.read("p384.p12"), "s3cret pw").unwrap();
    assert_eq!(p384.key_kind(), sign::KeyKind::EcdsaP384);
    let p256 = Signer::from_pem(&pki.read("p256.pem"), &pki.read("p256.sec1.key"), None).unwrap();
    assert_eq!(p256.key_kind(), sign::KeyKind::EcdsaP256);
    let before_1970 = std::time::UNIX_EPOCH - std::time::Duration::from_secs(1);
    let err = sign::sign(PROFILE.as_bytes(), &p384, SigningTime::At(before_1970)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the signing time is out of range: expected a time between 1970 and 9999"
    );
    let signed = sign::sign(PROFILE.as_bytes(), &p384, SigningTime::Omit).unwrap();
    let report = sign::verify(&sign::open(&signed).unwrap(), &VerifyOptions::new());
    assert_eq!(report.digest_algorithm, "sha384");
    assert_eq!(report.signature_algorithm, "ecdsa-with-SHA384");
    assert!(report.is_valid());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn open_returns_what_was_signed(content in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if !have_tool("openssl", "open_returns_what_was_signed") {
            return Ok(());
        }
        let signed = sign::sign(&content, rsa_signer(), SigningTime::Now).unwrap();
        prop_assert!(sign::looks_signed(&signed));
        let opened = sign::open(&signed).unwrap();
        prop_assert_eq!(opened.content(), content.as_slice());
        let report = sign::verify(&opened, &VerifyOptions::new());
        prop_assert!(report.is_valid(), "{:?}", report.problems);
    }

    #[test]
    fn placeholders_never_panic(text in ".{0,200}") {
        let found = sign::placeholders(text.as_bytes());
        for placeholder in found {
            prop_assert!(text.contains(&placeholder));
        }
    }

    #[test]
    fn open_and_verify_never_panic_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = sign::looks_signed(&bytes);
        if let Ok(signed) = sign::open(&bytes) {
            let _ = sign::verify(&signed, &VerifyOptions::new());
        }
    }
}

#[test]
fn one_byte_mutations_never_panic_and_never_pass_unnoticed() {
    if !have_tool(
        "openssl",
        "one_byte_mutations_never_panic_and_never_pass_unnoticed",
    ) {
        return;
    }
    let pki = pki();
    let mut options = VerifyOptions::new();
    options.add_roots_pem(&pki.read("ca.pem")).unwrap();
    let signed = sign::sign(PROFILE.as_bytes(), rsa_signer(), SigningTime::Now).unwrap();
    let mut invalid = 0;
    for at in 0..signed.len() {
        let mut bytes = signed.clone();
        bytes[at] ^= 0x5a;
        match sign::open(&bytes) {
            Err(_) => {}
            Ok(opened) => {
                let report = sign::verify(&opened, &options);
                if !report.is_valid() {
                    invalid += 1;
                } else {
                    // Bytes outside what is signed (the chain's unsigned
                    // fields, the algorithm's parameters) may change; the
                    // content may not.
                    assert_eq!(opened.content(), PROFILE.as_bytes(), "byte {at}");
                }
            }
        }
    }
    assert!(
        invalid > PROFILE.len(),
        "{invalid} invalid out of {}",
        signed.len()
    );
    for len in 0..signed.len() {
        assert!(sign::open(&signed[..len]).is_err(), "truncated to {len}");
    }

    // The same for BER, as `openssl cms -sign -stream` writes it.
    let tmp = tempfile::tempdir().unwrap();
    let ber = tmp.path().join("stream.der");
    let command = "cms -sign -binary -nodetach -stream -outform DER -in profile.mobileconfig \
        -signer leaf.pem -inkey leaf.key -certfile int.pem -out";
    let mut args: Vec<&str> = command.split_whitespace().collect();
    args.push(ber.to_str().unwrap());
    openssl(&pki.dir, &args);
    let signed = std::fs::read(&ber).unwrap();
    for at in 0..signed.len() {
        let mut bytes = signed.clone();
        bytes[at] ^= 0x5a;
        if let Ok(opened) = sign::open(&bytes) {
            let report = sign::verify(&opened, &options);
            if report.is_valid() {
                assert_eq!(opened.content(), PROFILE.as_bytes(), "byte {at}");
            }
        }
    }
    for len in 0..signed.len() {
        if let Ok(opened) = sign::open(&signed[..len]) {
            let _ = sign::verify(&opened, &options);
        }
    }
}

#[test]
fn other_openssl_shapes_are_read_or_refused() {
    if !have_tool("openssl", "other_openssl_shapes_are_read_or_refused") {
        return;
    }
    let pki = pki();
    let tmp = tempfile::tempdir().unwrap();
    let path = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let sign_base = [
        "cms",
        "-sign",
        "-binary",
        "-outform",
        "DER",
        "-in",
        "profile.mobileconfig",
        "-signer",
        "leaf.pem",
        "-inkey",
        "leaf.key",
    ];
    let run = |extra: &[&str]| {
        let mut args = sign_base.to_vec();
        args.extend(extra);
        openssl(&pki.dir, &args);
    };
    // No signed attributes: the signature covers the content itself.
    run(&[
        "-nodetach",
        "-noattr",
        "-certfile",
        "int.pem",
        "-out",
        &path("noattr.der"),
    ]);
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--ca", "ca.pem", &path("noattr.der")])
        .assert()
        .success()
        .stdout(predicates::str::contains("signing time:  (none)"));
    // No certificates in the file: the signer cannot be found.
    run(&["-nodetach", "-nocerts", "-out", &path("nocerts.der")]);
    let serial = String::from_utf8(
        openssl(&pki.dir, &["x509", "-in", "leaf.pem", "-noout", "-serial"]).stdout,
    )
    .unwrap();
    let serial = serial.trim().trim_start_matches("serial=");
    bin()
        .current_dir(&pki.dir)
        .args(["verify", &path("nocerts.der")])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("signer:        (certificate not found)"))
        .stderr(format!(
            "psso-profile: `{}`: invalid signature: the signer certificate (issuer `CN=Test Intermediate`, serial {serial}) is not in the file nor among the CA certificates\n",
            path("nocerts.der")
        ));
    // A detached signature holds no profile.
    run(&["-out", &path("detached.der")]);
    bin()
        .args(["verify", &path("detached.der")])
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` is not a readable signed profile: the signed data holds no content (a detached signature): expected the profile inside\n",
            path("detached.der")
        ));
    // A certificate bundle (signed data without signers).
    openssl(
        &pki.dir,
        &[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            "leaf.pem",
            "-outform",
            "DER",
            "-out",
            &path("bundle.p7b"),
        ],
    );
    bin()
        .args(["verify", &path("bundle.p7b")])
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` is not a readable signed profile: the signed data has no signer\n",
            path("bundle.p7b")
        ));
}

#[test]
fn a_signing_time_outside_the_validity_is_a_warning() {
    if !have_tool(
        "openssl",
        "a_signing_time_outside_the_validity_is_a_warning",
    ) {
        return;
    }
    let pki = pki();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("early.mobileconfig");
    sign_cli(RSA_CHAIN, &out, &["--signing-time", "2025-06-01T00:00:00Z"])
        .success()
        .stderr(predicates::str::contains(
            "psso-profile: warning: at the signing time 2025-06-01T00:00:00Z, the signer certificate `O=Example,CN=Test Leaf` is not yet valid (2026-01-01T00:00:00Z to ",
        ));
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--ca", "ca.pem"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "the signing time 2025-06-01T00:00:00Z lies outside the validity of `O=Example,CN=Test Leaf` (2026-01-01T00:00:00Z to ",
        ));
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--strict", "--ca", "ca.pem"])
        .arg(&out)
        .assert()
        .code(1);
}

#[test]
fn stdout_output_and_bad_ca_files() {
    if !have_tool("openssl", "stdout_output_and_bad_ca_files") {
        return;
    }
    let pki = pki();
    let signed = bin()
        .current_dir(&pki.dir)
        .args(["sign", "profile.mobileconfig", "-o", "-"])
        .args(RSA_CHAIN)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(sign::open(&signed).unwrap().content(), PROFILE.as_bytes());
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("signed.mobileconfig");
    std::fs::write(&file, &signed).unwrap();
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--ca", "profile.mobileconfig"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr("psso-profile: error: cannot use `profile.mobileconfig`: no certificate found: expected a `-----BEGIN CERTIFICATE-----` block\n");
    // From standard input.
    bin()
        .current_dir(&pki.dir)
        .args(["verify", "--ca", "ca.pem", "-"])
        .write_stdin(signed)
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "file:          -\nsignature:     valid\n",
        ));
}

#[test]
fn profiles_that_fail_validation_are_not_signed_without_force() {
    if !have_tool(
        "openssl",
        "profiles_that_fail_validation_are_not_signed_without_force",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("signed.mobileconfig");
    let broken = PROFILE.replace("<string>DoNotHandle</string>", "<string>Cancel</string>");
    bin()
        .current_dir(&pki().dir)
        .args(["sign", "-", "-o"])
        .arg(&out)
        .args(RSA_CHAIN)
        .write_stdin(broken.clone())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "<stdin>: error[sso.screen-locked-behavior] PayloadContent[0].ScreenLockedBehavior\n  is `Cancel`; Microsoft requires `DoNotHandle`",
        ))
        .stderr(predicates::str::contains(
            "psso-profile: error: refusing to sign a profile that fails validation; fix it (`psso-profile validate --fix`) or pass --force\n",
        ));
    assert!(!out.exists(), "nothing is written");

    bin()
        .current_dir(&pki().dir)
        .args(["sign", "-", "--force", "-o"])
        .arg(&out)
        .args(RSA_CHAIN)
        .write_stdin(broken.clone())
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "psso-profile: warning: signing `<stdin>` despite 1 error finding(s), because of --force",
        ));
    assert_eq!(openssl_verify(&out, "ca.pem"), broken.as_bytes());

    // Input that is not a profile, and input that is already signed.
    bin()
        .current_dir(&pki().dir)
        .args(["sign", "-", "-o"])
        .arg(tmp.path().join("x"))
        .args(RSA_CHAIN)
        .write_stdin("hello")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`<stdin>` is not a property list",
        ));
    bin()
        .current_dir(&pki().dir)
        .arg("sign")
        .arg(&out)
        .arg("-o")
        .arg(tmp.path().join("twice"))
        .args(RSA_CHAIN)
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` is already signed; sign the unsigned profile\n",
            out.display()
        ));
    assert!(!tmp.path().join("x").exists() && !tmp.path().join("twice").exists());
}
