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

#[test]
fn stream_hands_every_result_to_the_calling_thread() {
    for jobs in [1, 2, 4] {
        let caller = std::thread::current().id();
        let mut seen = Vec::new();
        stream(
            jobs,
            0..1000u32,
            |i| i * 2,
            |r| {
                assert_eq!(std::thread::current().id(), caller);
                seen.push(r);
            },
        );
        assert_eq!(seen, (0..1000).map(|i| i * 2).collect::<Vec<_>>(), "{jobs}");
    }
}

#[test]
fn stream_hands_results_on_in_the_order_of_the_items() {
    // Early items are the slowest: the threads finish them last.
    for jobs in [2, 4] {
        let mut seen = Vec::new();
        stream(
            jobs,
            0..200u64,
            |i| {
                std::thread::sleep(Duration::from_micros(if i % 7 == 0 { 3000 } else { 10 }));
                i
            },
            |r| seen.push(r),
        );
        assert_eq!(seen, (0..200).collect::<Vec<_>>(), "{jobs}");
    }
}

#[test]
fn stream_holds_a_bounded_window_behind_a_late_result() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let taken = AtomicUsize::new(0);
    let items = (0..500u32).inspect(|_| {
        taken.fetch_add(1, Ordering::SeqCst);
    });
    let jobs = 2;
    let mut handed = 0;
    stream(
        jobs,
        items,
        // The first item is late: the others wait for it, within the window.
        |i| {
            if i == 0 {
                std::thread::sleep(Duration::from_millis(200));
            }
            i
        },
        |_| {
            let ahead = taken.load(Ordering::SeqCst) - handed;
            assert!(ahead <= WINDOW_PER_JOB * jobs, "{ahead} items taken ahead");
            handed += 1;
        },
    );
    assert_eq!(handed, 500);
}

#[test]
fn names_fold_as_on_a_mac() {
    assert_eq!(
        fold("Caf\u{e9}.mobileconfig"),
        fold("CAFE\u{301}.mobileconfig")
    );
    assert_eq!(
        fold("\u{212b}"),
        fold("\u{e5}"),
        "the angstrom sign is an a with a ring"
    );
    assert_ne!(fold("cafe"), fold("caf\u{e9}"));
    assert_eq!(fold("Contoso"), "contoso");
}

#[test]
fn stream_takes_items_only_as_results_are_handed_on() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let taken = AtomicUsize::new(0);
    let items = (0..2000).inspect(|_| {
        taken.fetch_add(1, Ordering::SeqCst);
    });
    let jobs = 2;
    let mut handed = 0;
    stream(
        jobs,
        items,
        |i| i,
        |_| {
            handed += 1;
            std::thread::sleep(Duration::from_micros(20));
            // Taken and not yet handed on: at most the window.
            let ahead = taken.load(Ordering::SeqCst) - handed;
            assert!(ahead <= WINDOW_PER_JOB * jobs, "{ahead} items taken ahead");
        },
    );
    assert_eq!(handed, 2000);
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[test]
fn a_panic_in_a_worker_reaches_the_caller_and_stops_the_others() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let made = AtomicUsize::new(0);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stream(
            2,
            0..10_000u32,
            |i| {
                made.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(1));
                if i == 10 {
                    panic!("worker failed on {i}");
                }
            },
            |()| {},
        )
    }));
    assert_eq!(panic_message(result.unwrap_err()), "worker failed on 10");
    assert!(made.load(Ordering::SeqCst) < 1000, "the others stopped");
}

#[test]
fn a_panic_reading_the_items_reaches_the_caller() {
    let items = (0..100_000u32).inspect(|&i| {
        if i == 10 {
            panic!("reader failed on {i}");
        }
    });
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stream(2, items, |i| i, |_| {})
    }));
    assert_eq!(panic_message(result.unwrap_err()), "reader failed on 10");
}

#[test]
fn a_panic_handing_on_a_result_reaches_the_caller() {
    let mut handed = 0;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stream(
            2,
            0..100_000u32,
            |i| i,
            |_| {
                handed += 1;
                if handed == 10 {
                    panic!("consumer failed");
                }
            },
        )
    }));
    assert_eq!(panic_message(result.unwrap_err()), "consumer failed");
}
