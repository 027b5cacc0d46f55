"""Fixtures of the Python package's tests: the installed `psso-profile` command, the
Rust binary it is compared with, test signing certificates, and the reference files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SCHEMA = SHARED / "reference" / "apple-device-management"


def external_required() -> bool:
    """`.ci/run` sets PSSO_REQUIRE_EXTERNAL=1: a missing tool or reference file fails."""
    return os.environ.get("PSSO_REQUIRE_EXTERNAL") == "1"


def need(condition: bool, why: str) -> None:
    """Skips the test with `why`, or fails it when CI requires what is missing."""
    if not condition:
        if external_required():
            pytest.fail(f"{why} (PSSO_REQUIRE_EXTERNAL=1)")
        pytest.skip(why)


@pytest.fixture(scope="session")
def py_command() -> Path:
    """The `psso-profile` command that `pip install` put beside this interpreter."""
    command = Path(sys.executable).parent / "psso-profile"
    assert command.is_file(), f"{command} was not installed"
    return command


@pytest.fixture(scope="session")
def rust_binary() -> Path:
    """The Rust binary (PSSO_PROFILE_BIN, else target/debug/psso-profile)."""
    binary = Path(os.environ.get("PSSO_PROFILE_BIN", ROOT / "target" / "debug" / "psso-profile"))
    assert binary.is_file(), f"no Rust binary at {binary}; run `cargo build` or set PSSO_PROFILE_BIN"
    return binary


def run(command, *args, cwd=None, stdin=None):
    """Runs `command args...` and returns the completed process (bytes, no check)."""
    return subprocess.run(
        [str(command), *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


@pytest.fixture(scope="session")
def signer(tmp_path_factory) -> Path:
    """A folder with `signer.pem`/`signer.key` (RSA-2048, self-signed) and `signer.p12`
    (password `secret`), made with the `openssl` command line."""
    need(shutil.which("openssl") is not None, "openssl is not installed")
    folder = tmp_path_factory.mktemp("signer")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "signer.key",
         "-out", "signer.pem", "-days", "2", "-subj", "/CN=psso-python-test",
         "-addext", "keyUsage=digitalSignature"],
        cwd=folder, check=True, capture_output=True,
    )
    subprocess.run(
        ["openssl", "pkcs12", "-export", "-in", "signer.pem", "-inkey", "signer.key",
         "-out", "signer.p12", "-passout", "pass:secret"],
        cwd=folder, check=True, capture_output=True,
    )
    return folder
