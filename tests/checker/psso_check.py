#!/usr/bin/env python3
"""Independent checker for Platform SSO profiles, written against Apple's YAML schema
(com.apple.extensiblesso.yaml, TopLevel.yaml; the 97a11a8 copy annotates macOS 26 and
27) and Microsoft's required-settings table.

It shares no code with psso-profile: it reads the profile with plistlib and the schema
with PyYAML. Usage:

    psso_check.py --schema-dir DIR --min-macos 14 PROFILE...

`--min-macos` takes a release or a minor version (26.2). A key introduced after the
fleet's oldest macOS, or a value whose description says "available in macOS N and
later" for a newer N, is a problem ("newer than the fleet"), but for the two keys
Microsoft's table sets for the newer Macs of a mixed fleet (`PlatformSSO` beside macOS 13's
key, `FileVaultPolicy` `AttemptAuthentication` with Password); only the outermost newer
key of a dictionary is reported. Apple's "required if" sentences for OpenID's
`WebLoginURLAllowList` and the access key's three keys are checked too.

Prints one line per problem and exits 1 when there is any, 0 otherwise.
"""
import argparse
import plistlib
import re
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
# "`X` is available in macOS 27 and later", or a bullet "* `X`: ... Available in macOS 27
# and later." in a key's description dates the value X.
AVAILABLE = re.compile(r"available in macos (\d+(?:\.\d+)?) and later", re.IGNORECASE)

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


def show(v):
    return ".".join(map(str, v))


def value_versions(spec):
    """The values of a key's rangelist (its own, or its items') that its prose dates."""
    item = (spec.get("subkeys") or [{}])[0] if spec.get("type") == "<array>" else {}
    values = spec.get("rangelist") or item.get("rangelist") or []
    dated = {}
    prose = (spec.get("content") or "") + "\n" + (item.get("content") or "")
    for line in prose.splitlines():
        found = AVAILABLE.search(line)
        if not found:
            continue
        named = [w for w in re.findall(r"`([^`]+)`", line) if w in values]
        if named:
            dated[named[0]] = version(found.group(1))
    return dated


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
        self.min = version(min_macos)
        self.problems = []
        self.newer = []

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
                self.problem(f"{path}.{key}", "not in Apple's schema")
                continue
            self.check_value(spec, value, f"{path}.{key}", inherited)

    def newer_than_fleet(self, path, introduced, what):
        self.newer.append(path)
        self.problem(path, f"{what} macOS {show(introduced)}, after the fleet's macOS {show(self.min)}")

    def check_value(self, spec, value, path, inherited, dated=None):
        macos = (spec.get("supportedOS") or {}).get("macOS") or {}
        introduced = version(macos.get("introduced", inherited))
        # Microsoft's table sets two keys for the newer Macs of a mixed fleet, on
        # purpose: PlatformSSO (14) beside macOS 13's key, and FileVaultPolicy (15)
        # with the Password method.
        mixed_fleet_row = (path.endswith(".PlatformSSO") and self.min[0] == 13) or (
            path.endswith(".PlatformSSO.FileVaultPolicy") and value == ["AttemptAuthentication"])
        newer_key = (introduced > self.min and introduced > version(inherited)
                     and not mixed_fleet_row)
        if newer_key:
            self.newer_than_fleet(path, introduced, "introduced in")
        if dated is None:
            dated = value_versions(spec)
        if isinstance(value, str) and value in dated and dated[value] > self.min and dated[value] > introduced:
            self.newer_than_fleet(path, dated[value], f"{value!r} is available from")
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
        if newer_key:
            return  # what is inside a newer key is as new: reported once, here
        if isinstance(value, dict):
            self.check_keys(subkeys, value, path, show(introduced))
        elif isinstance(value, list) and subkeys:
            item = subkeys[0]
            for i, element in enumerate(value):
                self.check_value(item, element, f"{path}[{i}]", show(introduced), dated)

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
            self.problem("PlatformSSO.AuthenticationMethod", f"missing, invalid or not Microsoft's: {method!r}")
        # Apple's "required if" sentences of the macOS 26 and 27 keys.
        new_user = psso.get("NewUserAuthenticationMethods", [])
        if (method == "OpenID" or "OpenID" in new_user) and not psso.get("WebLoginURLAllowList"):
            self.problem("PlatformSSO.WebLoginURLAllowList", "required with OpenID")
        if "AccessKey" in new_user:
            for key in ("AccessKeyReaderGroupIdentifier", "AccessKeyTerminalIdentityUUID",
                        "AccessKeyReaderIssuerCertificateUUID"):
                if key not in psso:
                    self.problem(f"PlatformSSO.{key}", "required with AccessKey")
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
    parser.add_argument("--min-macos", required=True)
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
