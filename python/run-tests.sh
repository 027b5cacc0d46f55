#!/usr/bin/env bash
# The Python package's tests: a fresh virtual environment, `pip install .` (maturin
# builds the extension module as the build backend), then pytest on python/tests,
# comparing the installed `psso-profile` command and the module with the Rust binary.
#
# Environment: PSSO_PROFILE_BIN (the Rust binary compared with; default: built here
# as target/debug/psso-profile), PSSO_WHEEL_PROFILE (the cargo profile of the wheel;
# default release, as `pip install psso-profile` builds it), PSSO_REQUIRE_EXTERNAL=1
# (no test skips: openssl and ../shared/reference must be there).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv=$(mktemp -d "${TMPDIR:-/tmp}/psso-python.XXXXXX")
trap 'rm -rf "$venv"' EXIT

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest pyyaml
if [ -n "${PSSO_WHEEL_PROFILE:-}" ]; then
    export MATURIN_PEP517_ARGS="--profile $PSSO_WHEEL_PROFILE"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check .

if [ -z "${PSSO_PROFILE_BIN:-}" ]; then
    cargo build --quiet --bin psso-profile
    export PSSO_PROFILE_BIN=$PWD/target/debug/psso-profile
fi
# Run from the tests' folder so that `import psso_profile` is the installed package.
cd python/tests
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
