//! The file system's floor for a batch: N files of SIZE bytes written with no
//! other work, on JOBS threads, each way a batch could write them:
//!
//! - `plain`: created, written and closed (`File::create`), the least a tool
//!   can do per file;
//! - `atomic`: the way a batch writes, a temporary file renamed into place
//!   ([`codec::write_output_with`] without a flush per file);
//! - `atomic+fsync`: the same, flushed to the disk file by file.
//!
//! Each way ends with one flush of the folder's file system, as a batch does,
//! inside the time. `benches/batch.sh` runs it beside the batch to report the
//! batch as a share of the floor.
//!
//!     cargo bench --bench floor
//!     N=20000 SIZE=4030 JOBS=2 BENCH_DIR=/work cargo bench --bench floor

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use psso_profile::codec::{self, WriteOptions};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n = env("N", 20_000);
    let size = env("SIZE", 4030);
    let jobs = env(
        "JOBS",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    )
    .max(1);
    let base = std::env::var("BENCH_DIR").unwrap_or_else(|_| {
        if Path::new("/dev/shm").is_dir() {
            "/dev/shm".into()
        } else {
            ".".into()
        }
    });
    let bytes = vec![b'x'; size];
    println!("floor: {n} files of {size} bytes, {jobs} threads, in {base}");
    type WriteFn = fn(&Path, &[u8]);
    let ways: [(&str, WriteFn); 3] = [
        ("plain", |path, bytes| {
            std::fs::File::create(path)
                .and_then(|mut f| f.write_all(bytes))
                .expect("written");
        }),
        ("atomic", |path, bytes| {
            let options = WriteOptions {
                overwrite: false,
                sync: false,
            };
            codec::write_output_with(path, bytes, options).expect("written");
        }),
        ("atomic+fsync", |path, bytes| {
            codec::write_output_with(path, bytes, WriteOptions::new(false)).expect("written");
        }),
    ];
    for (name, write) in ways {
        let dir = tempfile::tempdir_in(&base).expect("a temporary folder");
        // What earlier runs left to write is not this run's.
        codec::sync_folder(dir.path()).expect("flushed");
        let start = Instant::now();
        std::thread::scope(|scope| {
            for job in 0..jobs {
                let (dir, bytes) = (dir.path(), &bytes);
                scope.spawn(move || {
                    for i in (job..n).step_by(jobs) {
                        write(&dir.join(format!("t{i:06}.mobileconfig")), bytes);
                    }
                });
            }
        });
        codec::sync_folder(dir.path()).expect("flushed");
        let secs = start.elapsed().as_secs_f64();
        println!("floor {name:<13} {:>10.0} files/s", n as f64 / secs);
    }
}
