//! Throughput of `events reduce`: parse JSON Lines and track registration
//! state, on a log this benchmark generates itself.
//!
//! `cargo bench --bench events` runs 10 million events; pass a count
//! (`cargo bench --bench events -- 1000000`) or set `PSSO_BENCH_EVENTS` for a
//! quick run. The log is generated in chunks of 100 000 lines outside the
//! timed sections, so memory stays small and only parse + track is timed.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use psso_profile::events::{EventKind, Timeline, Tracker, read_events};

const DEFAULT_EVENTS: u64 = 10_000_000;
const DEVICES: u64 = 100_000;
const CHUNK: u64 = 100_000;

/// xorshift64*: a small, seeded generator, so every run sees the same log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Appends `count` event lines: 100 000 devices, the nine kinds, times over
/// about a month, some with fractions or offsets, lines out of time order, and
/// an extra field on each line as agents send.
fn generate(rng: &mut Rng, count: u64, out: &mut String) {
    out.clear();
    for _ in 0..count {
        let r = rng.next();
        let device = r % DEVICES;
        let kind = EventKind::ALL[(r >> 20) as usize % 9];
        let secs = (r >> 24) % 2_600_000;
        let (day, rest) = (1 + secs / 86_400, secs % 86_400);
        let (h, m, s) = (rest / 3600, rest / 60 % 60, rest % 60);
        let _ = write!(
            out,
            r#"{{"device":"C02X{device:06}","event":"{kind}","time":"2026-10-{day:02}T{h:02}:{m:02}:{s:02}"#
        );
        match (r >> 50) % 4 {
            0 => out.push_str(".123Z"),
            1 => out.push_str("+00:00"),
            _ => out.push('Z'),
        }
        out.push_str(r#"","agent":{"version":"5.2404.0","os":"15.1"}}"#);
        out.push('\n');
    }
}

fn count_from_args() -> u64 {
    std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .or_else(|| std::env::var("PSSO_BENCH_EVENTS").ok())
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_EVENTS)
}

fn main() {
    let total = count_from_args();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut chunk = String::with_capacity((CHUNK * 160) as usize);

    let mut tracker = Tracker::new();
    let mut parse_only = Duration::ZERO;
    let mut parse_track = Duration::ZERO;
    let mut bytes = 0u64;
    let mut transitions = 0u64;
    let mut done = 0u64;
    while done < total {
        let n = CHUNK.min(total - done);
        generate(&mut rng, n, &mut chunk);
        bytes += chunk.len() as u64;

        let start = Instant::now();
        let mut ok = 0u64;
        read_events(chunk.as_bytes(), |_, event| {
            ok += u64::from(black_box(event).is_ok())
        })
        .expect("reading from memory");
        parse_only += start.elapsed();
        assert_eq!(ok, n, "every generated line is an event");

        let start = Instant::now();
        read_events(chunk.as_bytes(), |_, event| {
            if let Ok(event) = event {
                transitions += u64::from(tracker.record(&event).is_some());
            }
        })
        .expect("reading from memory");
        parse_track += start.elapsed();
        done += n;
    }
    let rate = |d: Duration| total as f64 / d.as_secs_f64();
    println!(
        "events reduce benchmark: {total} events, {} devices, {:.0} MB of JSON Lines",
        tracker.len(),
        bytes as f64 / 1e6
    );
    println!(
        "  parse only:         {:>8.3} s  {:>12.0} events/s  {:>7.1} MB/s",
        parse_only.as_secs_f64(),
        rate(parse_only),
        bytes as f64 / 1e6 / parse_only.as_secs_f64()
    );
    println!(
        "  parse + track:      {:>8.3} s  {:>12.0} events/s  ({transitions} transitions in arrival order)",
        parse_track.as_secs_f64(),
        rate(parse_track)
    );

    // The --transitions mode: hold every event, sort by time, replay.
    // Measured on at most 2 million events to keep memory modest.
    let replay = total.min(2_000_000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut timeline = Timeline::new();
    let mut load = Duration::ZERO;
    let mut done = 0;
    while done < replay {
        let n = CHUNK.min(replay - done);
        generate(&mut rng, n, &mut chunk);
        let start = Instant::now();
        read_events(chunk.as_bytes(), |_, event| {
            if let Ok(event) = event {
                timeline.push(&event);
            }
        })
        .expect("reading from memory");
        load += start.elapsed();
        done += n;
    }
    let start = Instant::now();
    let changes = timeline.into_transitions().len();
    let sort = start.elapsed();
    println!(
        "  --transitions:      {:>8.3} s  {:>12.0} events/s  ({replay} events: parse {:.3} s, sort + replay {:.3} s, {changes} transitions)",
        (load + sort).as_secs_f64(),
        replay as f64 / (load + sort).as_secs_f64(),
        load.as_secs_f64(),
        sort.as_secs_f64()
    );
}
