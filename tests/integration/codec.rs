//! The codec against Python's `plistlib`: it reads what we write, and for a
//! profile without integral reals writes the same XML bytes.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use plist::{Date, Dictionary, Value};
use psso_profile::codec::{self, Format, XmlOptions};

use crate::support;

fn dict(entries: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in entries {
        d.insert(k.to_string(), v);
    }
    Value::Dictionary(d)
}

/// A Platform SSO-shaped profile with every kind of value plistlib knows. Its
/// real is one whose shortest form has 17 digits or fewer and is not integral:
/// plistlib writes `repr()` (`0.1`, `1.0`) where CoreFoundation writes `%.17g`
/// (`0.10000000000000001`, `1`); that is the one documented difference.
fn sample() -> Value {
    let sso = dict(vec![
        (
            "PayloadType",
            Value::String("com.apple.extensiblesso".into()),
        ),
        (
            "URLs",
            Value::Array(vec![Value::String(
                "https://login.microsoftonline.com".into(),
            )]),
        ),
        ("Type", Value::String("Redirect".into())),
        ("ExtensionData", dict(vec![])),
        ("Hosts", Value::Array(vec![])),
        (
            "PlatformSSO",
            dict(vec![
                ("UseSharedDeviceKeys", Value::Boolean(true)),
                ("Off", Value::Boolean(false)),
            ]),
        ),
        ("Ratio", Value::Real(0.25)),
        (
            "Certificate",
            Value::Data((0..=255).cycle().take(300).collect()),
        ),
        ("Empty", Value::Data(vec![])),
    ]);
    dict(vec![
        ("PayloadVersion", Value::Integer(1.into())),
        ("Negative", Value::Integer((-7).into())),
        ("PayloadContent", Value::Array(vec![sso])),
        (
            "PayloadUUID",
            Value::String("9A3C5F5E-0B1D-4E8A-8F2B-1C2D3E4F5A6B".into()),
        ),
        (
            "a",
            Value::String("Tom & Jerry <ok> \"q\" 'a'\ttab\nline é 😀".into()),
        ),
        (
            "B",
            Value::Date(Date::from(UNIX_EPOCH + Duration::from_secs(1_800_000_000))),
        ),
        ("Top", Value::Data(b"root level data".to_vec())),
    ])
}

/// Runs `script` with `python3`, the file as its argument; returns stdout.
fn python(script: &str, file: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const TO_JSON: &str = r#"
import base64, datetime, json, plistlib, sys
def norm(o):
    if isinstance(o, dict): return {k: norm(v) for k, v in o.items()}
    if isinstance(o, list): return [norm(v) for v in o]
    if isinstance(o, bytes): return base64.b64encode(o).decode()
    if isinstance(o, datetime.datetime): return o.strftime('%Y-%m-%dT%H:%M:%SZ')
    return o
with open(sys.argv[1], 'rb') as f:
    print(json.dumps(norm(plistlib.load(f))))
"#;

#[test]
fn plistlib_reads_our_xml_and_binary_as_the_same_structure() {
    if !support::have_tool(
        "python3",
        "plistlib_reads_our_xml_and_binary_as_the_same_structure",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let value = sample();
    let ours: serde_json::Value =
        serde_json::from_slice(&codec::write(&value, Format::Json).unwrap()).unwrap();
    for format in [Format::Xml, Format::Binary] {
        let path = dir.path().join(format!("p.{format}"));
        std::fs::write(&path, codec::write(&value, format).unwrap()).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(&python(TO_JSON, &path)).unwrap();
        assert_eq!(theirs, ours, "{format}");
    }
}

#[test]
fn our_xml_equals_plistlib_sorted_output() {
    if !support::have_tool("python3", "our_xml_equals_plistlib_sorted_output") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.plist");
    let ours = codec::write(&sample(), Format::Xml).unwrap();
    std::fs::write(&path, &ours).unwrap();
    let dumped = python(
        "import plistlib, sys\nwith open(sys.argv[1], 'rb') as f: v = plistlib.load(f)\nsys.stdout.write(plistlib.dumps(v, sort_keys=True).decode())",
        &path,
    );
    assert_eq!(String::from_utf8(ours).unwrap(), dumped);
}

#[test]
fn reals_are_the_documented_difference_from_plistlib() {
    if !support::have_tool(
        "python3",
        "reals_are_the_documented_difference_from_plistlib",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.plist");
    let value = dict(vec![("A", Value::Real(0.1)), ("B", Value::Real(1.0))]);
    std::fs::write(&path, codec::write(&value, Format::Xml).unwrap()).unwrap();
    let dumped = python(
        "import plistlib, sys\nwith open(sys.argv[1], 'rb') as f: v = plistlib.load(f)\nsys.stdout.write(plistlib.dumps(v, sort_keys=True).decode())",
        &path,
    );
    let ours = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(ours.contains("<real>0.10000000000000001</real>") && ours.contains("<real>1</real>"));
    assert!(dumped.contains("<real>0.1</real>") && dumped.contains("<real>1.0</real>"));
    assert_eq!(
        ours.replace("0.10000000000000001", "0.1")
            .replace("<real>1</real>", "<real>1.0</real>"),
        dumped
    );
}

#[test]
fn reals_match_printf_17g() {
    if !support::have_tool("python3", "reals_match_printf_17g") {
        return;
    }
    // Deterministic bit patterns across the whole range, subnormals included.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut reals = vec![0.1, 1.0, 1e16, 1e17, 1e-4, 1e-5, 5e-324, f64::MAX, 123.456];
    while reals.len() < 2000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = f64::from_bits(state);
        if r.is_finite() && r != 0.0 {
            reals.push(r);
        }
    }
    let xml = codec::to_xml(
        &Value::Array(reals.iter().map(|r| Value::Real(*r)).collect()),
        &XmlOptions::default(),
    )
    .unwrap();
    let ours: Vec<String> = String::from_utf8(xml)
        .unwrap()
        .lines()
        .filter_map(|l| {
            Some(
                l.strip_prefix("\t<real>")?
                    .strip_suffix("</real>")?
                    .to_string(),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reals.txt");
    let hex: Vec<String> = reals.iter().map(|r| format!("{}", r.to_bits())).collect();
    std::fs::write(&path, hex.join("\n")).unwrap();
    let theirs = python(
        "import struct, sys\nfor line in open(sys.argv[1]):\n    print('%.17g' % struct.unpack('<d', struct.pack('<Q', int(line)))[0])",
        &path,
    );
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours.len(), theirs.len());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "real #{i}: {:e}", reals[i]);
    }
}
