//! Where outputs go: every command that writes a file (`-o`, `--content`,
//! `--out-dir`) replaces only a regular file, keeps a replaced file's mode and
//! owner, follows a symbolic link to a regular file, and refuses a file with
//! other hard links.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::bin;

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

fn is_root() -> bool {
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// A profile, a signed profile and a rows file, in `dir`.
fn inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let plain = dir.join("plain.mobileconfig");
    bin()
        .args(["generate", "-o"])
        .arg(&plain)
        .assert()
        .success();
    let signed = dir.join("signed.mobileconfig");
    let certs = crate::selfsigned::dir();
    bin()
        .arg("sign")
        .arg(&plain)
        .arg("-o")
        .arg(&signed)
        .arg("--cert")
        .arg(certs.join("rsa.pem"))
        .arg("--key")
        .arg(certs.join("rsa.key"))
        .args(["--signing-time", "2026-01-31T12:00:00Z", "-q"])
        .assert()
        .success();
    (plain, signed)
}

/// Every command that writes a file, writing to `target` (a folder for `man`
/// and `batch`, whose file inside is the special one), with `--force` or not.
fn writers(
    (plain, signed): &(PathBuf, PathBuf),
    target: &Path,
    force: bool,
) -> Vec<(&'static str, assert_cmd::Command)> {
    let certs = crate::selfsigned::dir();
    let mut commands = Vec::new();
    let mut generate = bin();
    generate.args(["generate", "-o"]).arg(target);
    commands.push(("generate", generate));
    let mut sign = bin();
    sign.arg("sign")
        .arg(plain)
        .arg("-o")
        .arg(target)
        .arg("--cert")
        .arg(certs.join("rsa.pem"))
        .arg("--key")
        .arg(certs.join("rsa.key"))
        .arg("-q");
    commands.push(("sign", sign));
    let mut wrap = bin();
    wrap.arg("wrap").arg(plain).arg("-o").arg(target);
    commands.push(("wrap", wrap));
    let mut fix = bin();
    fix.args(["validate", "--fix"])
        .arg(corpus("urls-as-string.mobileconfig"))
        .arg("-o")
        .arg(target);
    commands.push(("validate --fix -o", fix));
    let mut verify = bin();
    verify
        .arg("verify")
        .arg(signed)
        .arg("--ca")
        .arg(certs.join("rsa.pem"))
        .arg("--content")
        .arg(target);
    commands.push(("verify --content", verify));
    let mut enrollment = bin();
    enrollment
        .args([
            "enrollment",
            "--profile-url",
            "https://mdm.example.com/p",
            "--manifest-url",
            "https://mdm.example.com/m.plist",
            "--auth-url",
            "https://login.example.com/",
            "-o",
        ])
        .arg(target);
    commands.push(("enrollment", enrollment));
    for (_, command) in &mut commands {
        if force {
            command.arg("--force");
        }
        command.timeout(Duration::from_secs(60));
    }
    commands
}

/// `man -o DIR` and `batch --out-dir DIR`, whose file `name` inside DIR is the
/// special one.
fn folder_writers(dir: &Path, out: &Path, force: bool) -> Vec<(&'static str, assert_cmd::Command)> {
    fs::write(dir.join("rows.csv"), "tenant\ncontoso\n").unwrap();
    let mut man = bin();
    man.arg("man").arg("-o").arg(out);
    let mut batch = bin();
    batch
        .args(["batch", "--template", "intune", "--rows"])
        .arg(dir.join("rows.csv"))
        .args(["--name", "psso-profile.1", "--out-dir"])
        .arg(out);
    let mut commands = vec![("man -o", man), ("batch --out-dir", batch)];
    for (_, command) in &mut commands {
        if force {
            command.arg("--force");
        }
        command.timeout(Duration::from_secs(60));
    }
    commands
}

/// What stands at `path`, without following a link.
fn kind(path: &Path) -> &'static str {
    let file_type = fs::symlink_metadata(path).unwrap().file_type();
    if file_type.is_symlink() {
        "symlink"
    } else if file_type.is_fifo() {
        "fifo"
    } else if file_type.is_char_device() {
        "char device"
    } else if file_type.is_dir() {
        "folder"
    } else {
        "file"
    }
}

#[test]
fn special_files_are_never_replaced_by_any_command() {
    let root = is_root();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    // Like /dev/stdout: a link to a pipe.
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let folder = dir.path().join("folder");
    fs::create_dir(&folder).unwrap();
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nothing"), &dangling).unwrap();
    let mut targets = vec![
        (fifo.clone(), "a FIFO (named pipe)"),
        (link.clone(), "a symbolic link to a FIFO (named pipe)"),
        (folder.clone(), "a folder"),
        (dangling.clone(), "a symbolic link to a missing file"),
    ];
    if root {
        // `/dev/null` itself is never put at risk: a node of the same device.
        let null = dir.path().join("null");
        let made = std::process::Command::new("mknod")
            .arg(&null)
            .args(["c", "1", "3"])
            .status()
            .unwrap();
        assert!(made.success());
        targets.push((null, "a character device"));
    } else {
        eprintln!("special_files_are_never_replaced_by_any_command: no device node (not root)");
    }
    let made = inputs(dir.path());
    for (target, words) in &targets {
        let before = kind(target);
        for force in [true, false] {
            for (name, mut command) in writers(&made, target, force) {
                let out = command.output().unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(
                    out.status.code(),
                    Some(2),
                    "{name} {words} {force}: {stderr}"
                );
                assert!(
                    stderr.contains(&format!(
                        "`{}` is {words}, not a regular file; nothing was written",
                        target.display()
                    )),
                    "{name} {force}: {stderr}"
                );
                assert_eq!(kind(target), before, "{name} replaced {words}");
            }
        }
    }
    // A file inside the folder of `man -o` and `batch --out-dir`.
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let page = out.join("psso-profile.1");
    mkfifo(&page);
    for force in [true, false] {
        for (name, mut command) in folder_writers(dir.path(), &out, force) {
            let output = command.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let code = if name.starts_with("batch") { 1 } else { 2 };
            assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
            assert!(
                stderr.contains(&format!(
                    "`{}` is a FIFO (named pipe), not a regular file; nothing was written",
                    page.display()
                )),
                "{name}: {stderr}"
            );
            assert_eq!(kind(&page), "fifo", "{name} replaced the FIFO");
        }
    }
}

#[test]
fn a_link_to_a_regular_file_is_followed_and_stays() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.mobileconfig");
    fs::write(&real, "old").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.mobileconfig");
    std::os::unix::fs::symlink("real.mobileconfig", &link).unwrap();
    bin()
        .args(["generate", "-o"])
        .arg(&link)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already exists; pass --force"));
    bin()
        .args(["generate", "--force", "-o"])
        .arg(&link)
        .assert()
        .success();
    assert_eq!(kind(&link), "symlink");
    assert!(fs::read_to_string(&real).unwrap().contains("<plist"));
    assert_eq!(fs::metadata(&real).unwrap().mode() & 0o777, 0o640);
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary file is left");
}

#[test]
fn in_place_keeps_mode_owner_and_links() {
    let root = is_root();
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("token.mobileconfig");
    fs::copy(corpus("urls-as-string.mobileconfig"), &real).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    if root {
        std::os::unix::fs::chown(&real, Some(1234), Some(2345)).unwrap();
    }
    let link = dir.path().join("link.mobileconfig");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let before = fs::read(&real).unwrap();
    bin()
        .args(["validate", "--fix", "--in-place"])
        .arg(&link)
        .assert()
        .success();
    assert_eq!(kind(&link), "symlink", "the link stays a link");
    let after = fs::read(&real).unwrap();
    assert_ne!(after, before, "the link's target was repaired");
    let metadata = fs::metadata(&real).unwrap();
    assert_eq!(metadata.mode() & 0o777, 0o600, "the mode is kept");
    if root {
        assert_eq!(
            (metadata.uid(), metadata.gid()),
            (1234, 2345),
            "the owner is kept"
        );
    }

    // A file with another hard link is refused, before any input is written.
    let fresh = dir.path().join("fresh.mobileconfig");
    fs::copy(corpus("urls-as-string.mobileconfig"), &fresh).unwrap();
    let linked = dir.path().join("linked.mobileconfig");
    fs::copy(corpus("urls-as-string.mobileconfig"), &linked).unwrap();
    let other = dir.path().join("other-name");
    fs::hard_link(&linked, &other).unwrap();
    let original = fs::read(&fresh).unwrap();
    bin()
        .args(["validate", "--fix", "--in-place", "--no-fleet"])
        .arg(&fresh)
        .arg(&linked)
        .assert()
        .code(2)
        .stderr(format!(
            "psso-profile: error: `{}` has 2 hard links; replacing it would separate it from the others, so nothing was written\n",
            linked.display()
        ));
    assert_eq!(fs::read(&fresh).unwrap(), original, "nothing was written");
    assert_eq!(fs::metadata(&linked).unwrap().nlink(), 2, "the link holds");
    assert_eq!(fs::read(&linked).unwrap(), fs::read(&other).unwrap());

    // A FIFO given to --in-place is refused before it is read (no wait for a writer).
    let fifo = dir.path().join("pipe.mobileconfig");
    mkfifo(&fifo);
    bin()
        .args(["validate", "--fix", "--in-place"])
        .arg(&fifo)
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "is a FIFO (named pipe), not a regular file",
        ));
}
