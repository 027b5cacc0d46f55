//! Signing throughput: RSA-2048 and ECDSA P-256 signed profiles per second on
//! one core, with a profile of about 3 KB. Keys and certificates are made with
//! the `openssl` CLI at run time. Compare with `openssl speed -seconds 3 rsa2048`.

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use psso_profile::sign::{self, Signer, SigningTime, VerifyOptions};

fn profile() -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n\t<key>PayloadType</key>\n\t<string>Configuration</string>\n\t<key>PayloadContent</key>\n\t<array>\n",
    );
    let mut i = 0;
    while xml.len() < 3000 {
        xml.push_str(&format!(
            "\t\t<dict>\n\t\t\t<key>URL{i}</key>\n\t\t\t<string>https://login.microsoftonline.com/{i}</string>\n\t\t</dict>\n"
        ));
        i += 1;
    }
    xml.push_str("\t</array>\n</dict>\n</plist>\n");
    xml.into_bytes()
}

fn signer(dir: &std::path::Path, key: &[&str], name: &str) -> Signer {
    let (key_file, cert_file) = (format!("{name}.key"), format!("{name}.pem"));
    let mut args = vec!["req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=Bench"];
    args.extend(key);
    args.extend(["-keyout", &key_file, "-out", &cert_file]);
    let status = Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .output()
        .map(|o| o.status.success());
    if status.ok() != Some(true) {
        eprintln!("bench sign: skipped, `openssl` is needed to make a key");
        std::process::exit(0);
    }
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    Signer::from_pem(&read(&cert_file), &read(&key_file), None).unwrap()
}

/// An RSA-2048 root CA and an RSA-2048 leaf it issued; returns the leaf's
/// signer and the root's PEM.
fn chained_signer(dir: &std::path::Path) -> (Signer, Vec<u8>) {
    let run = |args: &[&str]| {
        let ok = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "openssl {args:?} failed");
    };
    run(&[
        "req",
        "-x509",
        "-nodes",
        "-days",
        "1",
        "-newkey",
        "rsa:2048",
        "-subj",
        "/CN=Bench Root",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
        "-keyout",
        "root.key",
        "-out",
        "root.pem",
    ]);
    run(&[
        "req",
        "-x509",
        "-nodes",
        "-days",
        "1",
        "-newkey",
        "rsa:2048",
        "-subj",
        "/CN=Bench Leaf",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-addext",
        "basicConstraints=CA:FALSE",
        "-addext",
        "keyUsage=critical,digitalSignature",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.pem",
    ]);
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let signer = Signer::from_pem(&read("leaf.pem"), &read("leaf.key"), None).unwrap();
    (signer, read("root.pem"))
}

fn rate(label: &str, seconds: f64, mut f: impl FnMut()) {
    for _ in 0..50 {
        f();
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..100 {
            f();
        }
        n += 100;
    }
    let per_second = n as f64 / start.elapsed().as_secs_f64();
    println!("{label:<45} {per_second:>9.0} /s");
}

fn main() {
    let seconds = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let dir = tempfile::tempdir().unwrap();
    let content = profile();
    println!(
        "profile: {} bytes, one thread, {seconds} s per line",
        content.len()
    );
    let rsa = signer(dir.path(), &["-newkey", "rsa:2048"], "rsa");
    let p256 = signer(
        dir.path(),
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "p256",
    );
    rate("sign RSA-2048 (profiles/s)", seconds, || {
        black_box(sign::sign(black_box(&content), &rsa, SigningTime::Now).unwrap());
    });
    rate("sign ECDSA P-256 (profiles/s)", seconds, || {
        black_box(sign::sign(black_box(&content), &p256, SigningTime::Now).unwrap());
    });
    let signed = sign::sign(&content, &rsa, SigningTime::Now).unwrap();
    rate("open + verify RSA-2048 (profiles/s)", seconds, || {
        let opened = sign::open(black_box(&signed)).unwrap();
        black_box(sign::verify(&opened, &VerifyOptions::new()));
    });
    let (leaf, root) = chained_signer(dir.path());
    let mut options = VerifyOptions::new();
    options.add_roots_pem(&root).unwrap();
    let signed = sign::sign(&content, &leaf, SigningTime::Now).unwrap();
    rate(
        "open + verify RSA-2048 to a CA (profiles/s)",
        seconds,
        || {
            let opened = sign::open(black_box(&signed)).unwrap();
            let report = sign::verify(&opened, &options);
            assert!(report.is_valid());
            black_box(report);
        },
    );
}
