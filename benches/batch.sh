#!/usr/bin/env bash
# Batch benchmark: N per-tenant profiles through `psso-profile batch`, unsigned,
# RSA-2048-signed and P-256-signed, beside a Python baseline (plistlib plus the
# `cryptography` package's PKCS7 builder, benches/baseline.py) in the same run.
#
# Needs only the repository, Python 3 with `cryptography`, and OpenSSL.
#
#   benches/batch.sh                 # N=10000
#   N=100000 benches/batch.sh        # the memory run
#   VERIFY_ALL=1 benches/batch.sh    # openssl cms -verify every signed file
#   BENCH_DIR=/some/dir benches/batch.sh
#   BIN=/path/to/psso-profile benches/batch.sh   # measure that binary, build nothing
#
# Prints profiles/s of each run, the ratios to the baseline, the RSA ceiling
# (`openssl speed -seconds 3 rsa2048` signs/s x cores, measured before and after
# the RSA run, and what `openssl speed -multi CORES` reaches with every core busy) and the share of each reached,
# the peak resident memory of each batch run, and the file system's floor in
# the same folder (benches/floor.rs: N files of the unsigned profiles' size
# written with no other work, created plainly and the way a batch writes them,
# then one flush) with each batch run as a share of it. Then it checks the
# RSA-signed profiles independently: `openssl cms -verify` on a sample (every
# tenth; all with VERIFY_ALL=1), and Python's plistlib on every file: the row's
# values are in it and {{DEVICEREGISTRATION}} is untouched.
#
# Output goes to BENCH_DIR (default /dev/shm when it exists: both tools are then
# measured without the disk, whose per-file cost would dominate both; give a
# folder on the disk to measure the disk, against its floor).
set -euo pipefail

N=${N:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BENCH_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
WORK=$(mktemp -d "$BASE/psso-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CORES=$(nproc)

if [ -n "${BIN:-}" ]; then
    BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
else
    echo "building psso-profile (release)..." >&2
    cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
    BIN="$ROOT/target/release/psso-profile"
fi
cd "$WORK"

openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.pem -subj /CN=bench-rsa \
    -days 2 -addext keyUsage=digitalSignature 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key 2>/dev/null
openssl req -x509 -key p256.key -out p256.pem -subj /CN=bench-p256 -days 2 \
    -addext keyUsage=digitalSignature 2>/dev/null

python3 - "$N" <<'PY'
import csv, sys
n = int(sys.argv[1])
with open("rows.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["tenant", "org", "prefix"])
    for i in range(n):
        w.writerow([f"tenant{i:06d}", f"Tenant {i} Ltd", f"com.tenant{i}."])
PY

# The spec baseline.py reproduces: the Intune template plus per-tenant values.
cat > spec.toml <<'TOML'
org = "${org}"
identifier = "com.${tenant}.psso"
account-display-name = "${org}"
description = "Turns on Platform SSO with Microsoft Entra ID."
[extension-data]
AppPrefixAllowList = "com.microsoft.,com.apple.,${prefix}"
TOML

# run NAME COMMAND...: runs once, records profiles/s and peak RSS (KiB).
declare -A RATE RSS
run() {
    local name=$1; shift
    local log="$WORK/$name.log"
    # What earlier runs left for the disk to write is not this run's.
    sync
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$@" >"$log" 2>&1
        RSS[$name]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    else
        python3 - "$log" "$@" <<'PY'
import resource, subprocess, sys
with open(sys.argv[1], "w") as log:
    subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT, check=True)
    print(f"Maximum resident set size (kbytes): {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=log)
PY
        RSS[$name]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    fi
    RATE[$name]=$(grep -o '[0-9.]* profiles/s' "$log" | tail -1 | cut -d' ' -f1)
}

batch() { echo "$BIN" batch --template intune --spec spec.toml --rows rows.csv --name '${tenant}' "$@"; }
run psso-unsigned $(batch --out-dir out-unsigned)
# The ceiling is measured just before and just after the RSA run (this
# machine's speed drifts), and the mean taken.
speed() { openssl speed -seconds 3 "$@" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}'; }
SIGNS_BEFORE=$(speed)
run psso-rsa $(batch --out-dir out-rsa --sign-cert rsa.pem --sign-key rsa.key)
SIGNS_AFTER=$(speed)
MULTI=$(speed -multi "$CORES")
run psso-p256 $(batch --out-dir out-p256 --sign-cert p256.pem --sign-key p256.key)
run py-unsigned python3 "$ROOT/benches/baseline.py" rows.csv py-unsigned
run py-rsa python3 "$ROOT/benches/baseline.py" rows.csv py-rsa --cert rsa.pem --key rsa.key
run py-p256 python3 "$ROOT/benches/baseline.py" rows.csv py-p256 --cert p256.pem --key p256.key

SIGNS=$(python3 -c "print(f'{($SIGNS_BEFORE + $SIGNS_AFTER) / 2:.0f}')")
ratio() { python3 -c "print(f'{float($1)/float($2):.2f}')"; }
share() { python3 -c "print(f'{100*float($1)/float($2):.0f}')"; }
CEILING=$(python3 -c "print(f'{float($SIGNS)*$CORES:.0f}')")

# The floor: files of the unsigned profiles' mean size, in the same folder.
SIZE=$(python3 -c "import os,glob; f=glob.glob('out-unsigned/*'); print(sum(map(os.path.getsize,f))//len(f))")
N=$N SIZE=$SIZE JOBS=$CORES BENCH_DIR=$WORK cargo bench --quiet --bench floor \
    --manifest-path "$ROOT/Cargo.toml" >floor.log 2>&1 || { cat floor.log; exit 1; }
FLOOR_PLAIN=$(awk '$2 == "plain" {print $3}' floor.log)
FLOOR_ATOMIC=$(awk '$2 == "atomic" {print $3}' floor.log)
FLOOR_FSYNC=$(awk '$2 == "atomic+fsync" {print $3}' floor.log)

echo
echo "rows: $N, cores: $CORES, output: $BASE"
printf '%-14s %12s %10s %14s\n' run profiles/s "vs python" "peak RSS MiB"
for kind in unsigned rsa p256; do
    printf '%-14s %12s %10s %14s\n' "psso-$kind" "${RATE[psso-$kind]}" \
        "$(ratio "${RATE[psso-$kind]}" "${RATE[py-$kind]}")x" \
        "$(python3 -c "print(f'{${RSS[psso-$kind]}/1024:.1f}')")"
    printf '%-14s %12s %10s %14s\n' "python-$kind" "${RATE[py-$kind]}" "1.00x" \
        "$(python3 -c "print(f'{${RSS[py-$kind]}/1024:.1f}')")"
done
echo "RSA-2048 ceiling: $SIGNS signs/s x $CORES cores = $CEILING signs/s;" \
    "psso-rsa reaches $(share "${RATE[psso-rsa]}" "$CEILING") %"
echo "RSA-2048 with $CORES cores busy (openssl speed -multi $CORES): $MULTI signs/s;" \
    "psso-rsa reaches $(share "${RATE[psso-rsa]}" "$MULTI") %"
echo "file system floor ($SIZE-byte files, $CORES threads, one flush): plain $FLOOR_PLAIN files/s," \
    "atomic $FLOOR_ATOMIC, atomic with a flush per file $FLOOR_FSYNC"
for kind in unsigned rsa p256; do
    echo "  psso-$kind: $(share "${RATE[psso-$kind]}" "$FLOOR_PLAIN") % of plain," \
        "$(share "${RATE[psso-$kind]}" "$FLOOR_ATOMIC") % of atomic"
done

echo
echo "independent check of the RSA-signed profiles..."
step=10
[ "${VERIFY_ALL:-0}" = 1 ] && step=1
i=0; verified=0
for f in out-rsa/*.mobileconfig; do
    if [ $((i % step)) -eq 0 ]; then
        openssl cms -verify -inform DER -in "$f" -CAfile rsa.pem -purpose any -out "$f.content" 2>/dev/null \
            || { echo "openssl cms -verify failed: $f"; exit 1; }
        verified=$((verified + 1))
    fi
    i=$((i + 1))
done
python3 - "$N" <<'PY'
import csv, glob, os, plistlib, sys
n = int(sys.argv[1])
checked = 0
with open("rows.csv", newline="") as f:
    for row in csv.DictReader(f):
        path = f"out-rsa/{row['tenant']}.mobileconfig"
        der = open(path, "rb").read()
        # The DER SignedData holds the XML contiguously; where openssl extracted
        # it, the two must be equal.
        start, end = der.index(b"<?xml"), der.index(b"</plist>") + len(b"</plist>")
        xml = der[start:end]
        if os.path.exists(path + ".content"):
            assert open(path + ".content", "rb").read().rstrip(b"\n") == xml.rstrip(b"\n"), path
        p = plistlib.loads(xml)
        sso = p["PayloadContent"][0]
        assert p["PayloadIdentifier"] == f"com.{row['tenant']}.psso", path
        assert p["PayloadOrganization"] == row["org"], path
        assert sso["PlatformSSO"]["AccountDisplayName"] == row["org"], path
        assert sso["ExtensionData"]["AppPrefixAllowList"].endswith(row["prefix"]), path
        assert sso["RegistrationToken"] == "{{DEVICEREGISTRATION}}", path
        checked += 1
assert checked == n, (checked, n)
print(f"plistlib: {checked} profiles hold their row's values and an untouched {{{{DEVICEREGISTRATION}}}}")
PY
echo "openssl cms -verify: $verified signed profiles verified (every ${step}th)"
