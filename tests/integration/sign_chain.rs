//! The chain policy and the weak-algorithm policy of `verify --ca`, case by
//! case against `openssl cms -verify`, and adversarial chains: mutated
//! certificates, long chains, look-alike issuers, loops. Every certificate is
//! made at test time with the `openssl` CLI (see `Matrix::make`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use psso_profile::sign::{self, Signer, SigningTime, VerifyOptions};
use serde::Deserialize;

use crate::support::{bin, have_tool};

use crate::sign::PROFILE;

/// The OpenSSL configuration of the matrix: `openssl ca` settings and one
/// extension section per certificate shape. `OPENSSL_CONF` points at it, so
/// the system configuration adds nothing.
const CNF: &str = "\
[req]
distinguished_name = dn
[dn]
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
[policy_any]
commonName = supplied
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[ca_pathlen0]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
[ca_pathlen1]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
[ca_no_certsign]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,cRLSign
[ca_eku_server]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
extendedKeyUsage = serverAuth
[ca_no_basic]
keyUsage = critical,keyCertSign
[end_entity]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
[leaf_plain]
basicConstraints = CA:FALSE
[leaf_key_encipherment]
basicConstraints = CA:FALSE
keyUsage = critical,keyEncipherment
[leaf_non_repudiation]
basicConstraints = CA:FALSE
keyUsage = critical,nonRepudiation
[leaf_server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[leaf_any_eku]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = anyExtendedKeyUsage
";

struct Matrix {
    dir: PathBuf,
}

fn openssl_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .env("OPENSSL_CONF", dir.join("matrix.cnf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
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

impl Matrix {
    fn run(&self, args: &[&str]) -> std::process::Output {
        openssl_in(&self.dir, args)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// A key (`rsa:2048`, `rsa:1024`, `ec`) and a CSR for `/CN=name`.
    fn csr(&self, name: &str, key: &str) {
        let (key_file, csr) = (format!("{name}.key"), format!("{name}.csr"));
        let subject = format!("/CN={name}");
        let mut args = vec!["req", "-new", "-nodes", "-keyout", &key_file, "-out", &csr];
        match key {
            "ec" => args.extend(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
            rsa => args.extend(["-newkey", rsa]),
        }
        args.extend(["-subj", &subject]);
        self.run(&args);
    }

    /// A self-signed certificate with `-addext` extensions.
    fn root(&self, name: &str, key: &str, extensions: &[&str]) {
        let (key_file, pem) = (format!("{name}.key"), format!("{name}.pem"));
        let subject = format!("/CN={name}");
        let mut args = vec![
            "req", "-x509", "-nodes", "-days", "2", "-keyout", &key_file, "-out", &pem, "-subj",
            &subject, "-newkey", key,
        ];
        if key == "ec" {
            args.extend(["-pkeyopt", "ec_paramgen_curve:P-256"]);
        }
        for ext in extensions {
            args.extend(["-addext", ext]);
        }
        self.run(&args);
    }

    /// Issues `name.pem` with `issuer`; `section` `None` makes a version 1
    /// certificate (no extensions).
    fn issue(
        &self,
        name: &str,
        key: &str,
        issuer: &str,
        section: Option<&str>,
        dates: (&str, &str),
    ) {
        self.issue_md(name, key, issuer, section, dates, "sha256");
    }

    fn issue_md(
        &self,
        name: &str,
        key: &str,
        issuer: &str,
        section: Option<&str>,
        (start, end): (&str, &str),
        md: &str,
    ) {
        self.csr(name, key);
        let (csr, pem) = (format!("{name}.csr"), format!("{name}.pem"));
        let (cert, key) = (format!("{issuer}.pem"), format!("{issuer}.key"));
        let mut args = vec![
            "ca",
            "-batch",
            "-notext",
            "-cert",
            &cert,
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-out",
            &pem,
            "-startdate",
            start,
            "-enddate",
            end,
            "-md",
            md,
        ];
        if let Some(section) = section {
            args.extend(["-extensions", section]);
        }
        self.run(&args);
    }

    /// `x509 -req` with a CA certificate of any name: for certificates whose
    /// issuer name and issuing key do not belong together.
    fn issue_with(&self, name: &str, key: &str, ca_cert: &str, ca_key: &str, section: &str) {
        self.csr(name, key);
        let (csr, pem) = (format!("{name}.csr"), format!("{name}.pem"));
        static SERIAL: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0x7000);
        let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let serial = format!("{serial:#x}");
        self.run(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            ca_cert,
            "-CAkey",
            ca_key,
            "-set_serial",
            &serial,
            "-days",
            "2",
            "-extfile",
            "matrix.cnf",
            "-extensions",
            section,
            "-out",
            &pem,
        ]);
    }

    fn cat(&self, out: &str, files: &[&str]) {
        let text: String = files
            .iter()
            .map(|f| std::fs::read_to_string(self.path(f)).unwrap())
            .collect();
        std::fs::write(self.path(out), text).unwrap();
    }

    /// The matrix PKI, made once per test run.
    fn get() -> &'static Matrix {
        static MATRIX: OnceLock<Matrix> = OnceLock::new();
        MATRIX.get_or_init(Matrix::make)
    }

    fn make() -> Matrix {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sign-matrix");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("matrix.cnf"), CNF).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("serial"), "2000\n").unwrap();
        std::fs::write(dir.join("profile.mobileconfig"), PROFILE).unwrap();
        let m = Matrix { dir };
        let (start, end) = (stamp(-1), stamp(2));
        let now = (start.as_str(), end.as_str());
        let ca = [
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign,cRLSign",
        ];
        m.root("root", "rsa:2048", &ca);
        // root -> int -> leaf
        m.issue("int", "ec", "root", Some("ca_ext"), now);
        m.issue("leaf", "rsa:2048", "int", Some("leaf"), now);
        // root -> ee (CA:FALSE) -> forged
        m.issue("ee", "ec", "root", Some("end_entity"), now);
        m.issue("forged", "ec", "ee", Some("leaf"), now);
        // root -> v1 (no extensions) -> v1-leaf
        m.issue("v1", "ec", "root", None, now);
        m.issue("v1-leaf", "ec", "v1", Some("leaf"), now);
        // root -> pathlen0 -> int2 -> pathlen-leaf
        m.issue("pathlen0", "ec", "root", Some("ca_pathlen0"), now);
        m.issue("int2", "ec", "pathlen0", Some("ca_ext"), now);
        m.issue("pathlen-leaf", "ec", "int2", Some("leaf"), now);
        // root -> pathlen1 -> int3 -> pathlen1-leaf
        m.issue("pathlen1", "ec", "root", Some("ca_pathlen1"), now);
        m.issue("int3", "ec", "pathlen1", Some("ca_ext"), now);
        m.issue("pathlen1-leaf", "ec", "int3", Some("leaf"), now);
        // Issuers with other faults.
        m.issue("no-certsign", "ec", "root", Some("ca_no_certsign"), now);
        m.issue("no-certsign-leaf", "ec", "no-certsign", Some("leaf"), now);
        m.issue("server-ca", "ec", "root", Some("ca_eku_server"), now);
        m.issue("server-ca-leaf", "ec", "server-ca", Some("leaf"), now);
        m.issue("no-basic", "ec", "root", Some("ca_no_basic"), now);
        m.issue("no-basic-leaf", "ec", "no-basic", Some("leaf"), now);
        // Leaves of the root.
        for (name, section) in [
            ("key-encipherment", "leaf_key_encipherment"),
            ("non-repudiation", "leaf_non_repudiation"),
            ("server-auth", "leaf_server"),
            ("email", "leaf"),
            ("any-eku", "leaf_any_eku"),
            ("plain", "leaf_plain"),
        ] {
            m.issue(name, "ec", "root", Some(section), now);
        }
        m.issue(
            "expired",
            "ec",
            "root",
            Some("leaf"),
            ("20200101000000Z", "20200102000000Z"),
        );
        m.issue("future", "ec", "root", Some("leaf"), (&stamp(1), &stamp(2)));
        m.issue("rsa1024", "rsa:1024", "root", Some("leaf"), now);
        m.issue("rsa512", "rsa:512", "root", Some("leaf"), now);
        m.issue_md("sha1-int", "ec", "root", Some("ca_ext"), now, "sha1");
        m.issue("sha1-int-leaf", "rsa:2048", "sha1-int", Some("leaf"), now);
        // Trust anchors of other shapes.
        m.root(
            "self-signed",
            "rsa:2048",
            &[
                "basicConstraints=CA:FALSE",
                "keyUsage=critical,digitalSignature",
            ],
        );
        m.root(
            "false-root",
            "rsa:2048",
            &["basicConstraints=critical,CA:FALSE"],
        );
        m.issue("false-root-leaf", "ec", "false-root", Some("leaf"), now);
        // A version 1 self-signed root (`x509 -signkey` writes no extensions).
        m.csr("v1-root", "rsa:2048");
        m.run(&[
            "x509",
            "-req",
            "-in",
            "v1-root.csr",
            "-signkey",
            "v1-root.key",
            "-days",
            "2",
            "-out",
            "v1-root.pem",
        ]);
        m.issue("v1-root-leaf", "ec", "v1-root", Some("leaf"), now);
        for (chain, files) in [
            ("int-chain.pem", &["int.pem"][..]),
            ("ee-chain.pem", &["ee.pem"]),
            ("v1-chain.pem", &["v1.pem"]),
            ("pathlen0-chain.pem", &["int2.pem", "pathlen0.pem"]),
            ("pathlen1-chain.pem", &["int3.pem", "pathlen1.pem"]),
            ("no-certsign-chain.pem", &["no-certsign.pem"]),
            ("server-ca-chain.pem", &["server-ca.pem"]),
            ("no-basic-chain.pem", &["no-basic.pem"]),
            ("sha1-int-chain.pem", &["sha1-int.pem"]),
        ] {
            m.cat(chain, files);
        }
        m
    }
}

/// One signature of the matrix, how it is made and what each verifier says.
struct Case {
    name: &'static str,
    signer: &'static str,
    chain: Option<&'static str>,
    ca: &'static str,
    /// Extra `openssl cms -sign` arguments (`-md sha1`).
    sign_args: &'static [&'static str],
    /// `psso-profile verify --ca` says valid.
    ours: bool,
    /// The problem kinds `psso-profile verify` reports, all of them.
    kinds: &'static [&'static str],
    /// `openssl cms -verify -CAfile` says valid.
    openssl: bool,
    /// Why the two verdicts differ, when they do.
    divergence: Option<&'static str>,
}

const fn case(
    name: &'static str,
    signer: &'static str,
    chain: Option<&'static str>,
    ours: bool,
    kinds: &'static [&'static str],
    openssl: bool,
) -> Case {
    Case {
        name,
        signer,
        chain,
        ca: "root.pem",
        sign_args: &[],
        ours,
        kinds,
        openssl,
        divergence: None,
    }
}

const CASES: &[Case] = &[
    case(
        "good chain root -> intermediate -> leaf",
        "leaf",
        Some("int-chain.pem"),
        true,
        &[],
        true,
    ),
    case(
        "CA:FALSE issuer",
        "forged",
        Some("ee-chain.pem"),
        false,
        &["issuer-key-usage", "not-a-ca"],
        false,
    ),
    case(
        "v1 certificate as intermediate",
        "v1-leaf",
        Some("v1-chain.pem"),
        false,
        &["not-a-ca"],
        false,
    ),
    case(
        "pathLen:0 intermediate issuing an intermediate",
        "pathlen-leaf",
        Some("pathlen0-chain.pem"),
        false,
        &["path-length-exceeded"],
        false,
    ),
    case(
        "pathLen:1 with one intermediate below",
        "pathlen1-leaf",
        Some("pathlen1-chain.pem"),
        true,
        &[],
        true,
    ),
    case(
        "intermediate without keyCertSign",
        "no-certsign-leaf",
        Some("no-certsign-chain.pem"),
        false,
        &["issuer-key-usage"],
        false,
    ),
    case(
        "intermediate with EKU serverAuth only",
        "server-ca-leaf",
        Some("server-ca-chain.pem"),
        false,
        &["extended-key-usage"],
        false,
    ),
    case(
        "v3 intermediate without basicConstraints",
        "no-basic-leaf",
        Some("no-basic-chain.pem"),
        false,
        &["not-a-ca"],
        false,
    ),
    case(
        "leaf with keyEncipherment only",
        "key-encipherment",
        None,
        false,
        &["signer-key-usage"],
        false,
    ),
    case(
        "leaf with nonRepudiation only",
        "non-repudiation",
        None,
        true,
        &[],
        true,
    ),
    case(
        "leaf with EKU serverAuth only",
        "server-auth",
        None,
        false,
        &["extended-key-usage"],
        false,
    ),
    case(
        "leaf with EKU emailProtection",
        "email",
        None,
        true,
        &[],
        true,
    ),
    case(
        "leaf with EKU anyExtendedKeyUsage only",
        "any-eku",
        None,
        false,
        &["extended-key-usage"],
        false,
    ),
    case(
        "leaf without key usage extensions",
        "plain",
        None,
        true,
        &[],
        true,
    ),
    case(
        "expired leaf",
        "expired",
        None,
        false,
        &["certificate-expired"],
        false,
    ),
    case(
        "not-yet-valid leaf",
        "future",
        None,
        false,
        &["certificate-not-yet-valid"],
        false,
    ),
    Case {
        ca: "self-signed.pem",
        ..case(
            "self-signed leaf given as CA",
            "self-signed",
            None,
            true,
            &[],
            true,
        )
    },
    Case {
        ca: "false-root.pem",
        ..case(
            "CA:FALSE self-signed root",
            "false-root-leaf",
            None,
            false,
            &["not-a-ca"],
            false,
        )
    },
    Case {
        ca: "v1-root.pem",
        ..case(
            "v1 self-signed root as CA",
            "v1-root-leaf",
            None,
            true,
            &[],
            true,
        )
    },
    Case {
        ca: "v1.pem",
        divergence: Some(
            "a v1 certificate given with --ca is a trust anchor, and so a CA; OpenSSL wants self-signed roots (and refuses a v1 CA even with -partial_chain)",
        ),
        ..case(
            "v1 intermediate given as CA",
            "v1-leaf",
            None,
            true,
            &[],
            false,
        )
    },
    Case {
        sign_args: &["-md", "sha1"],
        ..case(
            "SHA-1 RSA signature",
            "leaf",
            Some("int-chain.pem"),
            true,
            &["weak-digest"],
            true,
        )
    },
    Case {
        sign_args: &["-md", "sha1"],
        ..case(
            "SHA-1 ECDSA signature",
            "email",
            None,
            true,
            &["weak-digest"],
            true,
        )
    },
    case(
        "RSA-1024 signer",
        "rsa1024",
        None,
        true,
        &["weak-key"],
        true,
    ),
    Case {
        divergence: Some(
            "an RSA key under 1024 bits can be factored: psso-profile does not verify it; OpenSSL does",
        ),
        ..case("RSA-512 signer", "rsa512", None, false, &["weak-key"], true)
    },
    case(
        "intermediate signed with SHA-1",
        "sha1-int-leaf",
        Some("sha1-int-chain.pem"),
        true,
        &["weak-digest"],
        true,
    ),
];

#[derive(Debug, Deserialize)]
struct Report {
    valid: bool,
    problems: Vec<ReportProblem>,
}

#[derive(Debug, Deserialize)]
struct ReportProblem {
    kind: String,
    severity: String,
    message: String,
}

fn ours(dir: &Path, signed: &Path, ca: &str, extra: &[&str]) -> (Report, i32) {
    let out = bin()
        .current_dir(dir)
        .args(["verify", "--format", "json", "--ca", ca])
        .args(extra)
        .arg(signed)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), code)
}

fn openssl_says_valid(dir: &Path, signed: &Path, ca: &str, extra: &[&str]) -> bool {
    let mut args = vec!["cms", "-verify", "-binary", "-inform", "DER", "-in"];
    args.push(signed.to_str().unwrap());
    args.extend(["-CAfile", ca, "-out", "/dev/null"]);
    args.extend(extra);
    Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .env("OPENSSL_CONF", dir.join("matrix.cnf"))
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn the_chain_matrix_agrees_with_openssl() {
    if !have_tool("openssl", "the_chain_matrix_agrees_with_openssl") {
        return;
    }
    let m = Matrix::get();
    let tmp = tempfile::tempdir().unwrap();
    let mut table = vec![format!(
        "| {:<48} | {:<40} | {:<7} |",
        "case", "psso-profile verify --ca", "openssl"
    )];
    let mut failures = Vec::new();
    for (index, case) in CASES.iter().enumerate() {
        let signed = tmp.path().join(format!("{index}.der"));
        let (cert, key) = (
            format!("{}.pem", case.signer),
            format!("{}.key", case.signer),
        );
        let mut args = vec![
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-outform",
            "DER",
            "-in",
            "profile.mobileconfig",
            "-signer",
            &cert,
            "-inkey",
            &key,
        ];
        if let Some(chain) = case.chain {
            args.extend(["-certfile", chain]);
        }
        args.extend(case.sign_args);
        args.extend(["-out", signed.to_str().unwrap()]);
        m.run(&args);

        let (report, code) = ours(&m.dir, &signed, case.ca, &[]);
        let kinds: BTreeSet<&str> = report.problems.iter().map(|p| p.kind.as_str()).collect();
        let openssl = openssl_says_valid(&m.dir, &signed, case.ca, &[]);
        let verdict = |valid| if valid { "valid" } else { "INVALID" };
        table.push(format!(
            "| {:<48} | {:<40} | {:<7} |",
            case.name,
            format!(
                "{} {}",
                verdict(report.valid),
                kinds.iter().copied().collect::<Vec<_>>().join(", ")
            ),
            verdict(openssl)
        ));
        if report.valid != case.ours || code != if case.ours { 0 } else { 1 } {
            failures.push(format!("{}: psso-profile says {report:?}", case.name));
        }
        if kinds != case.kinds.iter().copied().collect() {
            failures.push(format!(
                "{}: problem kinds {kinds:?}, expected {:?}",
                case.name, case.kinds
            ));
        }
        if openssl != case.openssl {
            failures.push(format!("{}: openssl says valid={openssl}", case.name));
        }
        if (report.valid == openssl) != case.divergence.is_none() {
            failures.push(format!(
                "{}: agreement with OpenSSL is not as documented",
                case.name
            ));
        }
        // Weak algorithms are warnings: the signature still verified.
        for problem in &report.problems {
            if problem.kind == "weak-digest" || (problem.kind == "weak-key" && case.ours) {
                assert_eq!(
                    problem.severity, "warning",
                    "{}: {}",
                    case.name, problem.message
                );
            }
        }
    }
    eprintln!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_expired_signer_with_a_signing_time_inside_its_validity() {
    if !have_tool(
        "openssl",
        "an_expired_signer_with_a_signing_time_inside_its_validity",
    ) {
        return;
    }
    // psso-profile checks validity at the signing time; OpenSSL checks now
    // (`--strict` agrees with it), or at the time given with `-attime`.
    let m = Matrix::get();
    let tmp = tempfile::tempdir().unwrap();
    let signed = tmp.path().join("expired.der");
    bin()
        .current_dir(&m.dir)
        .args([
            "sign",
            "profile.mobileconfig",
            "--cert",
            "expired.pem",
            "--key",
            "expired.key",
        ])
        .args(["--signing-time", "2020-01-01T12:00:00Z", "-o"])
        .arg(&signed)
        .assert()
        .success();
    let verify = |extra: &[&str]| {
        let out = bin()
            .current_dir(&m.dir)
            .args(["verify", "--format", "json"])
            .args(extra)
            .arg(&signed)
            .output()
            .unwrap();
        let report: Report = serde_json::from_slice(&out.stdout).unwrap();
        let kinds: Vec<(String, String)> = report
            .problems
            .iter()
            .map(|p| (p.kind.clone(), p.severity.clone()))
            .collect();
        (report, kinds, out.status.code().unwrap())
    };
    let (report, kinds, code) = verify(&[]);
    assert!(report.valid && code == 0);
    assert_eq!(kinds, [("certificate-expired".into(), "warning".into())]);
    assert_eq!(
        report.problems[0].message,
        "the certificate `CN=expired` expired on 2020-01-02T00:00:00Z, after the signing time"
    );
    let (report, _, code) = verify(&["--strict"]);
    assert!(!report.valid && code == 1);
    // With the chain: the root did not exist yet in 2020, a signing time
    // before its validity: a warning too (the leaf's own validity held).
    let (report, kinds, code) = verify(&["--ca", "root.pem"]);
    assert!(report.valid && code == 0);
    assert_eq!(
        kinds,
        [
            ("certificate-expired".into(), "warning".into()),
            ("not-valid-at-signing-time".into(), "warning".into())
        ]
    );
    assert!(
        report.problems[1]
            .message
            .contains("lies outside the validity of `CN=root`")
    );
    let (report, _, code) = verify(&["--ca", "root.pem", "--strict"]);
    assert!(!report.valid && code == 1);
    assert!(!openssl_says_valid(&m.dir, &signed, "root.pem", &[]));
}

#[test]
fn validate_reports_policy_and_weak_algorithms_as_findings() {
    if !have_tool(
        "openssl",
        "validate_reports_policy_and_weak_algorithms_as_findings",
    ) {
        return;
    }
    let m = Matrix::get();
    let tmp = tempfile::tempdir().unwrap();
    let sign = |name: &str, signer: &str, chain: Option<&str>, extra: &[&str]| {
        let out = tmp.path().join(name);
        let (cert, key) = (format!("{signer}.pem"), format!("{signer}.key"));
        let mut args = vec![
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-outform",
            "DER",
            "-in",
            "profile.mobileconfig",
            "-signer",
            &cert,
            "-inkey",
            &key,
        ];
        if let Some(chain) = chain {
            args.extend(["-certfile", chain]);
        }
        args.extend(extra);
        args.extend(["-out", out.to_str().unwrap()]);
        m.run(&args);
        out
    };
    let forged = sign("forged.mobileconfig", "forged", Some("ee-chain.pem"), &[]);
    bin()
        .current_dir(&m.dir)
        .args(["validate", "--ca", "root.pem"])
        .arg(&forged)
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "error[signature.certificate-policy] (profile)\n  the signature is invalid: `CN=ee` issued `CN=forged` but is not a CA certificate (basicConstraints cA is false)",
        ));
    let sha1 = sign("sha1.mobileconfig", "email", None, &["-md", "sha1"]);
    bin()
        .current_dir(&m.dir)
        .args(["validate", "--ca", "root.pem"])
        .arg(&sha1)
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "warning[signature.weak-algorithm] (profile)\n  the signature is weak: the signature uses SHA-1 (sha1 digest, ecdsa-with-SHA1 signature)",
        ));
    bin()
        .current_dir(&m.dir)
        .args(["validate", "--strict", "--ca", "root.pem"])
        .arg(&sha1)
        .assert()
        .code(1);
    // verify: the kind in human output, the message on stderr.
    bin()
        .current_dir(&m.dir)
        .args(["verify", "--ca", "root.pem"])
        .arg(&sha1)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "warning[weak-digest]: the signature uses SHA-1",
        ))
        .stderr(predicates::str::contains(
            "the signature was still verified",
        ));
    bin()
        .current_dir(&m.dir)
        .args(["verify", "--ca", "root.pem"])
        .arg(&forged)
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "error[not-a-ca]: `CN=ee` issued `CN=forged`",
        ));
    let rsa1024 = sign("rsa1024.mobileconfig", "rsa1024", None, &[]);
    bin()
        .current_dir(&m.dir)
        .args(["verify", "--ca", "root.pem"])
        .arg(&rsa1024)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "warning[weak-key]: the signer certificate `CN=rsa1024` has a 1024-bit RSA key",
        ));
}

/// `cert` re-encoded as PEM with base64 lines of `width` columns (0: one line).
fn rewrap(pem: &[u8], width: usize) -> Vec<u8> {
    let text = String::from_utf8(pem.to_vec()).unwrap();
    let mut out = String::new();
    let mut body = String::new();
    for line in text.lines() {
        if line.starts_with("-----END") {
            let lines: Vec<String> = if width == 0 {
                vec![body.clone()]
            } else {
                body.as_bytes()
                    .chunks(width)
                    .map(|c| String::from_utf8(c.to_vec()).unwrap())
                    .collect()
            };
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            body.clear();
            out.push_str(line);
            out.push('\n');
        } else if line.starts_with("-----BEGIN") {
            out.push_str(line);
            out.push('\n');
        } else {
            body.push_str(line.trim());
        }
    }
    out.into_bytes()
}

#[test]
fn pem_with_any_line_length_openssl_reads() {
    if !have_tool("openssl", "pem_with_any_line_length_openssl_reads") {
        return;
    }
    let m = Matrix::get();
    let tmp = tempfile::tempdir().unwrap();
    for width in [76, 64, 0] {
        let file = |name: &str| tmp.path().join(format!("{width}-{name}"));
        for name in ["leaf.pem", "leaf.key", "int.pem", "root.pem"] {
            std::fs::write(file(name), rewrap(&m.read(name), width)).unwrap();
        }
        let cert_bytes = std::fs::read(file("leaf.pem")).unwrap();
        if width == 76 {
            let line = String::from_utf8_lossy(&cert_bytes)
                .lines()
                .nth(1)
                .unwrap()
                .len();
            assert_eq!(line, 76);
        }
        // OpenSSL reads each of them.
        for (tool, name) in [
            ("x509", "leaf.pem"),
            ("pkey", "leaf.key"),
            ("x509", "root.pem"),
        ] {
            m.run(&[tool, "-in", file(name).to_str().unwrap(), "-noout"]);
        }
        // So do sign and verify.
        let out = tmp.path().join(format!("{width}.mobileconfig"));
        bin()
            .current_dir(&m.dir)
            .arg("sign")
            .arg("profile.mobileconfig")
            .arg("--cert")
            .arg(file("leaf.pem"))
            .arg("--key")
            .arg(file("leaf.key"))
            .arg("--chain")
            .arg(file("int.pem"))
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        bin()
            .arg("verify")
            .arg("--ca")
            .arg(file("root.pem"))
            .arg(&out)
            .assert()
            .success()
            .stdout(predicates::str::contains(
                "chain:         CN=leaf -> CN=int -> CN=root",
            ));
        assert!(openssl_says_valid(
            &m.dir,
            &out,
            file("root.pem").to_str().unwrap(),
            &[]
        ));
        // The library too.
        let signer = Signer::from_pem(
            &cert_bytes,
            &std::fs::read(file("leaf.key")).unwrap(),
            Some(&std::fs::read(file("int.pem")).unwrap()),
        )
        .unwrap();
        assert_eq!(signer.chain_len(), 1);
        let mut options = VerifyOptions::new();
        assert_eq!(
            options
                .add_roots_pem(&std::fs::read(file("root.pem")).unwrap())
                .unwrap(),
            1
        );
    }
}

/// The leaf of the good chain as a library signer, with its chain.
fn leaf_signer() -> Signer {
    let m = Matrix::get();
    Signer::from_pem(
        &m.read("leaf.pem"),
        &m.read("leaf.key"),
        Some(&m.read("int.pem")),
    )
    .unwrap()
}

fn root_options() -> VerifyOptions {
    let mut options = VerifyOptions::new();
    options
        .add_roots_pem(&Matrix::get().read("root.pem"))
        .unwrap();
    options
}

#[test]
fn mutated_chain_certificates_never_verify() {
    if !have_tool("openssl", "mutated_chain_certificates_never_verify") {
        return;
    }
    let m = Matrix::get();
    let signed = sign::sign(PROFILE.as_bytes(), &leaf_signer(), SigningTime::Now).unwrap();
    let options = root_options();
    assert!(sign::verify(&sign::open(&signed).unwrap(), &options).is_valid());
    let int = m.run(&["x509", "-in", "int.pem", "-outform", "DER"]).stdout;
    let at = signed
        .windows(int.len())
        .position(|w| w == int.as_slice())
        .expect("the intermediate is in the file");
    // The extensions: from the basicConstraints OID to the end of the TBS.
    let bc = int
        .windows(5)
        .position(|w| w == [0x06, 0x03, 0x55, 0x1d, 0x13])
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for offset in 0..int.len() {
        for bit in [0x01u8, 0x80] {
            let mut bytes = signed.clone();
            bytes[at + offset] ^= bit;
            if let Ok(opened) = sign::open(&bytes) {
                let report = sign::verify(&opened, &options);
                assert!(
                    !report.is_valid(),
                    "intermediate byte {offset} ^ {bit:#x} still verifies: {:?}",
                    report.problems
                );
                checked += 1;
            }
            // The binary, for a sample: never a panic, never another exit code.
            if offset >= bc && (offset - bc) % 23 == 0 {
                let file = tmp.path().join("mutated.mobileconfig");
                std::fs::write(&file, &bytes).unwrap();
                for command in ["verify", "validate"] {
                    let code = bin()
                        .current_dir(&m.dir)
                        .args([command, "--ca", "root.pem"])
                        .arg(&file)
                        .output()
                        .unwrap()
                        .status
                        .code();
                    assert!(
                        matches!(code, Some(1 | 2)),
                        "{command}, byte {offset}: {code:?}"
                    );
                }
            }
        }
    }
    assert!(checked > int.len(), "{checked} mutations opened");
}

#[test]
fn long_chains_look_alikes_and_loops_end() {
    if !have_tool("openssl", "long_chains_look_alikes_and_loops_end") {
        return;
    }
    let m = Matrix::get();
    let now = (stamp(-1), stamp(2));
    let now = (now.0.as_str(), now.1.as_str());
    // root -> deep1 -> ... -> deep12 -> deep-leaf: longer than verify walks.
    let mut issuer = "root".to_string();
    let mut chain = Vec::new();
    for i in 1..=12 {
        let name = format!("deep{i}");
        m.issue(&name, "ec", &issuer, Some("ca_ext"), now);
        chain.push(format!("{name}.pem"));
        issuer = name;
    }
    m.issue("deep-leaf", "ec", &issuer, Some("leaf"), now);
    let chain_refs: Vec<&str> = chain.iter().map(String::as_str).collect();
    m.cat("deep-chain.pem", &chain_refs);
    let deep = Signer::from_pem(
        &m.read("deep-leaf.pem"),
        &m.read("deep-leaf.key"),
        Some(&m.read("deep-chain.pem")),
    )
    .unwrap();
    let signed = sign::sign(PROFILE.as_bytes(), &deep, SigningTime::Now).unwrap();
    let started = Instant::now();
    let report = sign::verify(&sign::open(&signed).unwrap(), &root_options());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!report.is_valid());
    let kinds: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{:?}", p.kind))
        .collect();
    assert_eq!(kinds, ["ChainTooLong"], "{:?}", report.problems);
    assert!(
        report.problems[0]
            .message
            .contains("more than 10 certificates")
    );
    // Eight intermediates fit: deep5 as the CA gives leaf + deep12..deep5 + CA = 9.
    let mut options = VerifyOptions::new();
    options.add_roots_pem(&m.read("deep5.pem")).unwrap();
    let report = sign::verify(&sign::open(&signed).unwrap(), &options);
    assert!(report.is_valid(), "{:?}", report.problems);
    assert_eq!(report.chain.len(), 9);

    // Twenty look-alike CAs named like the signer's issuer, none its issuer.
    let mut look_alikes = String::new();
    for i in 0..20 {
        let name = format!("alike{i}");
        m.csr(&name, "ec");
        m.run(&[
            "req",
            "-x509",
            "-key",
            &format!("{name}.key"),
            "-subj",
            "/CN=int",
            "-days",
            "2",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-out",
            &format!("{name}.pem"),
        ]);
        look_alikes.push_str(&String::from_utf8(m.read(&format!("{name}.pem"))).unwrap());
    }
    let leaf = Signer::from_pem(
        &m.read("leaf.pem"),
        &m.read("leaf.key"),
        Some(look_alikes.as_bytes()),
    )
    .unwrap();
    let signed = sign::sign(PROFILE.as_bytes(), &leaf, SigningTime::Now).unwrap();
    let report = sign::verify(&sign::open(&signed).unwrap(), &root_options());
    assert!(!report.is_valid());
    assert!(
        report.problems[0].message.starts_with(
            "the signature of `CN=leaf` does not verify with the key of its issuer `CN=int`"
        ),
        "{:?}",
        report.problems
    );

    // Two CAs that issued each other (each name's certificate carries the
    // other's signature), and a leaf of one of them.
    for name in ["loop-a", "loop-b"] {
        m.root(
            &format!("{name}-seed"),
            "ec",
            &["basicConstraints=critical,CA:TRUE"],
        );
        m.run(&[
            "req",
            "-new",
            "-key",
            &format!("{name}-seed.key"),
            "-subj",
            &format!("/CN={name}"),
            "-out",
            &format!("{name}.csr"),
        ]);
        // The seed's subject becomes `CN=loop-x`: a self-signed certificate of
        // that name with the same key, to issue with.
        m.run(&[
            "req",
            "-x509",
            "-key",
            &format!("{name}-seed.key"),
            "-subj",
            &format!("/CN={name}"),
            "-days",
            "2",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-out",
            &format!("{name}-self.pem"),
        ]);
    }
    for (name, other, serial) in [("loop-a", "loop-b", "0x61"), ("loop-b", "loop-a", "0x62")] {
        m.run(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{other}-self.pem"),
            "-CAkey",
            &format!("{other}-seed.key"),
            "-set_serial",
            serial,
            "-days",
            "2",
            "-extfile",
            "matrix.cnf",
            "-extensions",
            "ca_ext",
            "-out",
            &format!("{name}.pem"),
        ]);
    }
    let names = |file: &str| {
        String::from_utf8(
            m.run(&["x509", "-in", file, "-noout", "-subject", "-issuer"])
                .stdout,
        )
        .unwrap()
    };
    assert_eq!(
        names("loop-a.pem"),
        "subject=CN = loop-a\nissuer=CN = loop-b\n"
    );
    assert_eq!(
        names("loop-b.pem"),
        "subject=CN = loop-b\nissuer=CN = loop-a\n"
    );
    m.issue_with(
        "loop-leaf",
        "ec",
        "loop-a-self.pem",
        "loop-a-seed.key",
        "leaf",
    );
    let leaf = Signer::from_pem(
        &m.read("loop-leaf.pem"),
        &m.read("loop-leaf.key"),
        Some(&[m.read("loop-a.pem"), m.read("loop-b.pem")].concat()),
    )
    .unwrap();
    let signed = sign::sign(PROFILE.as_bytes(), &leaf, SigningTime::Now).unwrap();
    let started = Instant::now();
    let report = sign::verify(&sign::open(&signed).unwrap(), &root_options());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!report.is_valid());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(
        report.problems[0].message,
        "the chain loops: `CN=loop-b` was issued by `CN=loop-a`, already in the chain, and no given CA certificate is reached"
    );

    // A certificate that names itself as its issuer but is not self-signed.
    m.root(
        "self-named-seed",
        "ec",
        &["basicConstraints=critical,CA:TRUE"],
    );
    m.csr("self-named", "ec");
    // Issued by a key whose certificate carries the subject `CN=self-named`.
    m.run(&[
        "req",
        "-x509",
        "-key",
        "self-named-seed.key",
        "-subj",
        "/CN=self-named",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-out",
        "self-named-issuer.pem",
    ]);
    m.run(&[
        "x509",
        "-req",
        "-in",
        "self-named.csr",
        "-CA",
        "self-named-issuer.pem",
        "-CAkey",
        "self-named-seed.key",
        "-set_serial",
        "0x52",
        "-days",
        "2",
        "-extfile",
        "matrix.cnf",
        "-extensions",
        "leaf",
        "-out",
        "self-named.pem",
    ]);
    assert!(names("self-named.pem").contains("subject=CN = self-named\nissuer=CN = self-named"));
    let signer =
        Signer::from_pem(&m.read("self-named.pem"), &m.read("self-named.key"), None).unwrap();
    let signed = sign::sign(PROFILE.as_bytes(), &signer, SigningTime::Now).unwrap();
    let report = sign::verify(&sign::open(&signed).unwrap(), &root_options());
    assert!(!report.is_valid());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].message.starts_with(
        "no chain to a given CA certificate: `CN=self-named` was issued by `CN=self-named`"
    ));
    // With its real issuer as the CA, the chain holds.
    let mut options = VerifyOptions::new();
    options
        .add_roots_pem(&m.read("self-named-issuer.pem"))
        .unwrap();
    let report = sign::verify(&sign::open(&signed).unwrap(), &options);
    assert!(report.is_valid(), "{:?}", report.problems);
    assert_eq!(report.chain, ["CN=self-named", "CN=self-named"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any mutation of a chained signed profile: never a panic, and never a
    /// valid verdict for content other than what was signed.
    #[test]
    fn mutated_chained_profiles_never_panic(mutations in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4)) {
        if !have_tool("openssl", "mutated_chained_profiles_never_panic") {
            return Ok(());
        }
        static SIGNED: OnceLock<Vec<u8>> = OnceLock::new();
        let signed = SIGNED.get_or_init(|| sign::sign(PROFILE.as_bytes(), &leaf_signer(), SigningTime::Now).unwrap());
        static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
        let options = OPTIONS.get_or_init(root_options);
        let mut bytes = signed.clone();
        for (index, xor) in &mutations {
            let at = index.index(bytes.len());
            bytes[at] ^= xor;
        }
        if let Ok(opened) = sign::open(&bytes) {
            let report = sign::verify(&opened, options);
            if report.is_valid() {
                prop_assert_eq!(opened.content(), PROFILE.as_bytes());
            }
        }
    }
}
