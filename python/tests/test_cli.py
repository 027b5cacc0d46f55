"""The `psso-profile` command that pip installs is the Rust binary's program: the same
options, output and exit codes."""

import subprocess
import sys

import pytest

import psso_profile
from conftest import ROOT, SCHEMA, need, run

CORPUS = ROOT / "tests" / "corpus"

EVENTS = (
    '{"device":"C02XK1","event":"Microsoft.PlatformSSO.Registration.Succeeded","time":"2026-11-02T09:31:00Z"}\n'
    '{"device":"FVFZ9","event":"Microsoft.PlatformSSO.Registration.Paused","time":"2026-11-02T09:06:00Z"}\n'
)


def both(py_command, rust_binary, *args, cwd=None, stdin=None):
    """Runs the installed command and the Rust binary with `args`; both must agree."""
    ours = run(py_command, *args, cwd=cwd, stdin=stdin)
    theirs = run(rust_binary, *args, cwd=cwd, stdin=stdin)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode, theirs.stdout, theirs.stderr), args
    return ours


@pytest.mark.parametrize(
    "code, args",
    [
        (0, ["--version"]),
        (0, ["--help"]),
        (0, ["validate", "--help"]),
        (0, ["generate", "--auth", "Password", "--min-macos", "15"]),
        (0, ["generate", "--format", "json", "--template", "intune"]),
        (0, ["validate", CORPUS / "clean.mobileconfig"]),
        (0, ["validate", "--format", "sarif", CORPUS / "clean.mobileconfig"]),
        (0, ["validate", CORPUS / "e1-imazing-both-auth-keys.mobileconfig"]),
        (1, ["validate", "--strict", "--min-macos", "14",
             CORPUS / "e1-imazing-both-auth-keys.mobileconfig"]),
        (1, ["validate", CORPUS / "e5-duplicate-payloads.mobileconfig"]),
        (1, ["validate", "--format", "json", CORPUS / "urls-as-string.mobileconfig"]),
        (2, ["validate", CORPUS / "random-bytes.mobileconfig"]),
        (2, ["validate", CORPUS]),
        (0, ["inspect", CORPUS / "clean.mobileconfig"]),
        (1, ["diff", CORPUS / "clean.mobileconfig", CORPUS / "e1-imazing-both-auth-keys.mobileconfig"]),
        (0, ["explain", "sso.use-shared-device-keys"]),
        (0, ["events", "list", "--format", "json"]),
        (0, ["templates", "list"]),
        (2, ["generate", "--auth", "SmartCard", "--min-macos", "13"]),
        (2, ["generate", "--auth", "Fingerprint"]),
        (2, ["generate", "--no-such-option"]),
        (2, ["frobnicate"]),
        (2, []),
        (2, ["verify", CORPUS / "clean.mobileconfig"]),
    ],
)
def test_the_command_is_the_rust_binary(py_command, rust_binary, code, args):
    assert both(py_command, rust_binary, *args).returncode == code


def test_standard_input_files_and_warnings(py_command, rust_binary, tmp_path):
    out = both(py_command, rust_binary, "events", "reduce", "-", stdin=EVENTS.encode())
    assert out.returncode == 1 and b"line 2" in out.stderr
    both(py_command, rust_binary, "validate", "-",
         stdin=(CORPUS / "clean.mobileconfig").read_bytes())
    # Files written: the same bytes, and --force needed the second time.
    for command in (py_command, rust_binary):
        target = tmp_path / f"{command.parent.name}.mobileconfig"
        assert run(command, "generate", "-o", target).returncode == 0
        again = run(command, "generate", "-o", target)
        assert again.returncode == 2 and b"pass --force to overwrite it" in again.stderr
    written = [p.read_bytes() for p in tmp_path.glob("*.mobileconfig")]
    assert len(written) == 2 and written[0] == written[1]
    both(py_command, rust_binary, "-q", "generate", "--registration-token", "{{DEVICEREGISTRATION}}")


def test_a_closed_pipe_exits_0(py_command):
    process = subprocess.Popen([str(py_command), "explain"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


def test_python_dash_m_runs_the_command(rust_binary):
    ours = run(sys.executable, "-m", "psso_profile", "generate", "--auth", "Password")
    theirs = run(rust_binary, "generate", "--auth", "Password")
    assert (ours.returncode, ours.stdout) == (0, theirs.stdout)


def test_generated_profiles_pass_the_independent_checker(tmp_path):
    need((SCHEMA / "com.apple.extensiblesso.yaml").is_file(),
         f"{SCHEMA} is absent: the reference files sit beside the checkout in CI")
    checker = ROOT / "tests" / "checker" / "psso_check.py"
    for auth in ["Password", "UserSecureEnclaveKey", "SmartCard"]:
        for min_macos in [13, 14, 15, 26]:
            if auth == "SmartCard" and min_macos == 13:
                continue
            path = tmp_path / f"{auth}-{min_macos}.mobileconfig"
            path.write_bytes(psso_profile.generate(
                auth=auth, min_macos=min_macos, registration_token="{{DEVICEREGISTRATION}}"))
            out = run(sys.executable, checker, "--schema-dir", SCHEMA, "--min-macos", min_macos, path)
            assert out.returncode == 0, (auth, min_macos, out.stdout.decode(), out.stderr.decode())
