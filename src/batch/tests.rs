use std::collections::BTreeMap;

use super::*;

fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn name_patterns_append_the_extension_unless_they_have_one() {
    let r = row(&[("tenant", "contoso"), ("id", "42")]);
    assert_eq!(
        NamePattern::new("${tenant}").unwrap().render(&r).unwrap(),
        "contoso.mobileconfig"
    );
    assert_eq!(
        NamePattern::new("${tenant}-${id}.plist")
            .unwrap()
            .render(&r)
            .unwrap(),
        "contoso-42.plist"
    );
    assert_eq!(
        NamePattern::new("psso.${tenant}")
            .unwrap()
            .render(&r)
            .unwrap(),
        "psso.contoso.mobileconfig"
    );
}

#[test]
fn names_stay_inside_the_folder() {
    for bad in ["../${tenant}", "a/${tenant}", "..", "", "${tenant"] {
        assert!(NamePattern::new(bad).is_err(), "{bad}");
    }
    assert_eq!(
        NamePattern::new("sub/${tenant}").unwrap_err().to_string(),
        "invalid file name `sub/${tenant}`: expected a file name inside the output folder, without `/` or `\\` (such as `${tenant}`)"
    );
    let pattern = NamePattern::new("${tenant}").unwrap();
    for value in ["..", "a/b", "a\\b", ""] {
        let err = pattern.render(&row(&[("tenant", value)])).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "invalid file name `{value}`: expected a file name inside the output folder"
            )),
            "{err}"
        );
    }
    assert_eq!(
        pattern.render(&row(&[])).unwrap_err().to_string(),
        "no column `tenant` for `${tenant}` in the file-name pattern"
    );
}

#[test]
fn the_summary_line() {
    let summary = Summary {
        written: 3000,
        failed: 2,
        elapsed: Duration::from_millis(1500),
        signed_placeholders: BTreeSet::new(),
    };
    assert_eq!(
        summary.to_string(),
        "written 3000, failed 2, elapsed 1.50 s, 2000 profiles/s"
    );
}
