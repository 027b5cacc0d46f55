#!/usr/bin/env python3
"""Baseline for benches/batch.sh: the same work as `psso-profile batch`, in one
Python process, with the standard library's plistlib and the `cryptography`
package's PKCS7 builder.

For each CSV row (tenant, org, prefix) it builds the Platform SSO profile of the
bench spec (the same keys and values psso-profile writes: UUIDs derived with
uuid5, the seven sign-in URLs, PlatformSSO, ExtensionData), serializes it as an
XML plist with sorted keys, optionally signs it (DER, certificate included,
binary so that no CRLF conversion happens), and writes one file per row.

    python3 baseline.py ROWS.csv OUT_DIR [--cert PEM --key PEM]

Prints one line: `baseline: written N, elapsed S s, P profiles/s`.
"""

import argparse
import csv
import os
import plistlib
import sys
import time
import uuid

URLS = [
    "https://login.microsoftonline.com",
    "https://login.microsoft.com",
    "https://sts.windows.net",
    "https://login.partner.microsoftonline.cn",
    "https://login.chinacloudapi.cn",
    "https://login.microsoftonline.us",
    "https://login-us.microsoftonline.com",
]
NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # URL namespace


def profile(row):
    identifier = f"com.{row['tenant']}.psso"
    sso_identifier = identifier + ".sso"
    sso = {
        "AuthenticationMethod": "UserSecureEnclaveKey",
        "ExtensionData": {
            "AppPrefixAllowList": "com.microsoft.,com.apple.," + row["prefix"],
            "browser_sso_interaction_enabled": 1,
            "disable_explicit_app_prompt": 1,
        },
        "ExtensionIdentifier": "com.microsoft.CompanyPortalMac.ssoextension",
        "PayloadDisplayName": "Microsoft Enterprise SSO plug-in",
        "PayloadIdentifier": sso_identifier,
        "PayloadOrganization": row["org"],
        "PayloadType": "com.apple.extensiblesso",
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, sso_identifier)).upper(),
        "PayloadVersion": 1,
        "PlatformSSO": {
            "AccountDisplayName": row["org"],
            "AuthenticationMethod": "UserSecureEnclaveKey",
            "TokenToUserMapping": {"AccountName": "preferred_username", "FullName": "name"},
            "UseSharedDeviceKeys": True,
        },
        "RegistrationToken": "{{DEVICEREGISTRATION}}",
        "ScreenLockedBehavior": "DoNotHandle",
        "TeamIdentifier": "UBF8T346G9",
        "Type": "Redirect",
        "URLs": URLS,
    }
    return {
        "PayloadContent": [sso],
        "PayloadDescription": "Turns on Platform SSO with Microsoft Entra ID.",
        "PayloadDisplayName": "Microsoft Entra Platform SSO",
        "PayloadIdentifier": identifier,
        "PayloadOrganization": row["org"],
        "PayloadScope": "System",
        "PayloadType": "Configuration",
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, identifier)).upper(),
        "PayloadVersion": 1,
        "TargetDeviceType": 5,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rows")
    parser.add_argument("out_dir")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()

    signer = None
    if args.cert:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.serialization import pkcs7

        with open(args.cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        with open(args.key, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)

        def signer(data):
            return (
                pkcs7.PKCS7SignatureBuilder()
                .set_data(data)
                .add_signer(cert, key, hashes.SHA256())
                .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
            )

    os.makedirs(args.out_dir, exist_ok=True)
    start = time.perf_counter()
    written = 0
    with open(args.rows, newline="") as f:
        for row in csv.DictReader(f):
            data = plistlib.dumps(profile(row), fmt=plistlib.FMT_XML, sort_keys=True)
            if signer:
                data = signer(data)
            path = os.path.join(args.out_dir, f"{row['tenant']}.mobileconfig")
            with open(path, "wb") as out:
                out.write(data)
            written += 1
    elapsed = time.perf_counter() - start
    print(f"baseline: written {written}, elapsed {elapsed:.2f} s, {written / elapsed:.0f} profiles/s")


if __name__ == "__main__":
    sys.exit(main())
