//! Where the time of one batch profile goes: spec rendering, the model, the rule
//! check, XML encoding and the atomic file write, each timed over many rows on one
//! core. Run with `cargo bench --bench pipeline` (`ROWS=N` to change the count).

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use psso_profile::codec::{self, XmlOptions};
use psso_profile::rules;
use psso_profile::spec::SpecFile;

const SPEC: &str = r#"
org = "${org}"
identifier = "com.${tenant}.psso"
account-display-name = "${org}"
registration-token = "{{DEVICEREGISTRATION}}"
[extension-data]
AppPrefixAllowList = "com.microsoft.,com.apple.,${prefix}"
browser_sso_interaction_enabled = 1
"#;

fn main() {
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let row_spec = SpecFile::parse(SPEC, "bench.toml")
        .and_then(|f| f.row_spec())
        .expect("the spec parses");
    let vars: Vec<HashMap<String, String>> = (0..rows)
        .map(|i| {
            HashMap::from([
                ("tenant".to_string(), format!("tenant{i:06}")),
                ("org".to_string(), format!("Tenant {i} Ltd")),
                ("prefix".to_string(), format!("com.tenant{i}.")),
            ])
        })
        .collect();
    let base = std::env::var("BENCH_DIR").unwrap_or_else(|_| {
        if std::path::Path::new("/dev/shm").is_dir() {
            "/dev/shm".into()
        } else {
            ".".into()
        }
    });
    let dir = tempfile::tempdir_in(base).expect("a temporary folder");

    let mut stages = [0u128; 6];
    let names = [
        "render spec",
        "build model",
        "to plist value",
        "rules::check",
        "encode XML",
        "atomic write",
    ];
    let mut buffer = Vec::new();
    let start = Instant::now();
    for (i, row) in vars.iter().enumerate() {
        let t0 = Instant::now();
        let spec = row_spec.render(row).expect("the row renders");
        let t1 = Instant::now();
        let profile = spec.to_profile().expect("a profile");
        let t2 = Instant::now();
        let value = profile.to_value().expect("a value");
        let t3 = Instant::now();
        let report = rules::check(&value, &spec.target());
        black_box(&report);
        let t4 = Instant::now();
        buffer.clear();
        codec::append_xml(&mut buffer, &value, &XmlOptions { sort_keys: true }).expect("XML");
        let t5 = Instant::now();
        codec::write_output(&dir.path().join(format!("{i}.mobileconfig")), &buffer, true)
            .expect("written");
        let t6 = Instant::now();
        for (stage, (a, b)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6)]
            .into_iter()
            .enumerate()
        {
            stages[stage] += (b - a).as_nanos();
        }
    }
    let total = start.elapsed();
    println!(
        "pipeline: {rows} profiles on one core, {:.0} profiles/s",
        rows as f64 / total.as_secs_f64()
    );
    for (name, ns) in names.iter().zip(stages) {
        println!(
            "  {name:<16} {:>8.1} µs/profile",
            ns as f64 / rows as f64 / 1000.0
        );
    }
}
