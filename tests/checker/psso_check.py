#!/usr/bin/env python3
"""Independent checker for Platform SSO profiles, written against Apple's YAML schema
(com.apple.extensiblesso.yaml, TopLevel.yaml) and Microsoft's required-settings table.

It shares no code with psso-profile: it reads the profile with plistlib and the schema
with PyYAML. Usage:

    psso_check.py --schema-dir DIR --min-macos 14 PROFILE...

Prints one line per problem and exits 1 when there is any, 0 otherwise.
"""
import argparse
import plistlib
import sys

import yaml

# Microsoft's required table (Intune "Other MDMs" / MDM-vendor guide), restated.
EXTENSION_ID = "com.microsoft.CompanyPortalMac.ssoextension"
TEAM_ID = "UBF8T346G9"
COMMERCIAL = ["https://login.microsoftonline.com", "https://login.microsoft.com", "https://sts.windows.net"]
SOVEREIGN = [
    "https://login.partner.microsoftonline.cn",
    "https://login.chinacloudapi.cn",
    "https://login.microsoftonline.us",
    "https://login-us.microsoftonline.com",
]
# Keys Microsoft documents after Apple's schema snapshot (macOS 26).
NEWER_PSSO_KEYS = {"EnableRegistrationDuringSetup": bool, "EnableCreateFirstUserDuringSetup": bool}

TYPES = {
    "<string>": str,
    "<integer>": int,
    "<real>": float,
    "<boolean>": bool,
    "<dictionary>": dict,
    "<array>": list,
    "<data>": bytes,
}


def version(text):
    parts = [int(p) for p in str(text).split(".")]
    return tuple(parts + [0] * (2 - len(parts)))


def type_ok(expected, value):
    if expected == "<any>":
        return True
    py = TYPES.get(expected)
    if py is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return py is not None and isinstance(value, py)


class Checker:
    def __init__(self, schema_dir, min_macos):
        with open(f"{schema_dir}/com.apple.extensiblesso.yaml") as f:
            self.sso = yaml.safe_load(f)
        with open(f"{schema_dir}/TopLevel.yaml") as f:
            self.top = yaml.safe_load(f)
        self.min = (min_macos, 0)
        self.problems = []

    def problem(self, path, text):
        self.problems.append(f"{path}: {text}")

    def check_keys(self, specs, data, path, inherited):
        known = {s["key"]: s for s in specs}
        if "ANY" in known:
            for key, value in data.items():
                if not type_ok(known["ANY"]["type"], value):
                    self.problem(f"{path}.{key}", f"expected {known['ANY']['type']}")
            return
        for key, spec in known.items():
            if spec.get("presence") == "required" and key not in data:
                self.problem(f"{path}.{key}", "required by Apple but missing")
        for key, value in data.items():
            spec = known.get(key)
            if spec is None:
                if path.endswith("PlatformSSO") and key in NEWER_PSSO_KEYS:
                    if not isinstance(value, NEWER_PSSO_KEYS[key]):
                        self.problem(f"{path}.{key}", "wrong type")
                    continue
                self.problem(f"{path}.{key}", "not in Apple's schema")
                continue
            self.check_value(spec, value, f"{path}.{key}", inherited)

    def check_value(self, spec, value, path, inherited):
        macos = (spec.get("supportedOS") or {}).get("macOS") or {}
        introduced = version(macos.get("introduced", inherited))
        if not type_ok(spec["type"], value):
            self.problem(path, f"expected {spec['type']}, found {type(value).__name__}")
            return
        if "rangelist" in spec and not isinstance(value, list):
            if value not in spec["rangelist"]:
                self.problem(path, f"{value!r} not in {spec['rangelist']}")
        if "range" in spec and isinstance(value, int) and value < spec["range"].get("min", value):
            self.problem(path, f"{value} below {spec['range']['min']}")
        deprecated = macos.get("deprecated")
        if deprecated and self.min >= version(deprecated):
            self.problem(path, f"deprecated since macOS {deprecated} for a fleet from macOS {self.min[0]}")
        subkeys = spec.get("subkeys") or []
        if isinstance(value, dict):
            self.check_keys(subkeys, value, path, ".".join(map(str, introduced)))
        elif isinstance(value, list) and subkeys:
            item = subkeys[0]
            for i, element in enumerate(value):
                self.check_value(item, element, f"{path}[{i}]", ".".join(map(str, introduced)))

    def check_profile(self, profile):
        self.check_keys(self.top["payloadkeys"], profile, "(profile)", "10.7")
        if profile.get("PayloadType") != "Configuration" or profile.get("PayloadVersion") != 1:
            self.problem("(profile)", "not a Configuration profile of version 1")
        payloads = [p for p in profile.get("PayloadContent", []) if isinstance(p, dict)]
        sso = [p for p in payloads if p.get("PayloadType") == "com.apple.extensiblesso"
               and p.get("ExtensionIdentifier") == EXTENSION_ID]
        if len(sso) != 1:
            self.problem("PayloadContent", f"{len(sso)} Microsoft SSO payloads, expected 1")
            return
        uuids = [profile.get("PayloadUUID")] + [p.get("PayloadUUID") for p in payloads]
        if len(set(uuids)) != len(uuids):
            self.problem("PayloadUUID", "not unique")
        p = sso[0]
        common = {"PayloadIdentifier", "PayloadUUID", "PayloadType", "PayloadVersion",
                  "PayloadDisplayName", "PayloadDescription", "PayloadOrganization"}
        self.check_keys(self.sso["payloadkeys"], {k: v for k, v in p.items() if k not in common},
                        "PayloadContent[0]", self.sso["payload"]["supportedOS"]["macOS"]["introduced"])
        want = {"TeamIdentifier": TEAM_ID, "Type": "Redirect", "ScreenLockedBehavior": "DoNotHandle"}
        for key, value in want.items():
            if p.get(key) != value:
                self.problem(key, f"Microsoft requires {value!r}, found {p.get(key)!r}")
        urls = p.get("URLs", [])
        for url in COMMERCIAL + SOVEREIGN:
            if url not in urls:
                self.problem("URLs", f"missing {url}")
        psso = p.get("PlatformSSO", {})
        method = psso.get("AuthenticationMethod")
        if method not in ("Password", "UserSecureEnclaveKey", "SmartCard"):
            self.problem("PlatformSSO.AuthenticationMethod", f"missing or invalid: {method!r}")
        if psso.get("UseSharedDeviceKeys") is not True:
            self.problem("PlatformSSO.UseSharedDeviceKeys", "Microsoft requires true")
        legacy = p.get("AuthenticationMethod")
        if self.min[0] == 13:
            if method == "SmartCard":
                self.problem("PlatformSSO.AuthenticationMethod", "SmartCard does not exist on macOS 13")
            if legacy != method:
                self.problem("AuthenticationMethod", f"macOS 13 needs the top-level key equal to {method!r}")
        elif legacy is not None:
            self.problem("AuthenticationMethod", "deprecated key in a macOS 14+ profile")
        if "RegistrationToken" in p and not method:
            self.problem("RegistrationToken", "needs an authentication method")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema-dir", required=True)
    parser.add_argument("--min-macos", type=int, required=True)
    parser.add_argument("profiles", nargs="+")
    args = parser.parse_args()
    failed = False
    for name in args.profiles:
        checker = Checker(args.schema_dir, args.min_macos)
        with open(name, "rb") as f:
            checker.check_profile(plistlib.load(f))
        for line in checker.problems:
            print(f"{name}: {line}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
