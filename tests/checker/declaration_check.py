#!/usr/bin/env python3
"""Independent checker for Declarative Device Management declarations, written against
Apple's declaration YAML schemas (declarative/declarations/configurations/*.yaml:
extensible-sso.yaml at commit 97a11a8, legacy.yaml) and, for the extensible-sso
declaration, Microsoft's required settings.

It shares no code with psso-profile: it reads the declaration with Python's json module
and the schemas with PyYAML. Usage:

    declaration_check.py --schema-dir DIR --min-macos 27 DECLARATION...

The schema is chosen by the declaration's `Type`. Checked: the four top-level keys
(`Type`, `Identifier`, `ServerToken`, `Payload`) and no others; every key of `Payload`
against the schema (presence, type, rangelist, range, no key the schema does not define,
`<data>` as base64 text); the declaration's macOS against the fleet's; a legacy
declaration's `ProfileURL` starts with https://; an extensible-sso declaration for the
Microsoft plug-in has Microsoft's required values.

Prints one line per problem and exits 1 when there is any, 0 otherwise.
"""
import argparse
import base64
import binascii
import json
import os
import sys

import yaml

COMPOSED = "com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)"
COMMERCIAL = ["https://login.microsoftonline.com", "https://login.microsoft.com", "https://sts.windows.net"]
SCHEMAS = {
    "com.apple.configuration.extensible-sso": "extensible-sso.yaml",
    "com.apple.configuration.legacy": "legacy.yaml",
}


def version(text):
    parts = [int(p) for p in str(text).split(".")]
    return tuple(parts + [0] * (2 - len(parts)))


def type_ok(expected, value):
    if expected == "<any>":
        return True
    if expected == "<integer>":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "<real>":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "<data>":
        if not isinstance(value, str):
            return False
        try:
            base64.b64decode(value, validate=True)
            return True
        except (binascii.Error, ValueError):
            return False
    py = {"<string>": str, "<boolean>": bool, "<dictionary>": dict, "<array>": list}.get(expected)
    return py is not None and isinstance(value, py)


class Checker:
    def __init__(self, schema_dir, min_macos):
        self.schema_dir = schema_dir
        self.min = version(min_macos)
        self.problems = []

    def problem(self, path, text):
        self.problems.append(f"{path}: {text}")

    def check_keys(self, specs, data, path):
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
                self.problem(f"{path}.{key}", "not in Apple's declaration schema")
                continue
            self.check_value(spec, value, f"{path}.{key}")

    def check_value(self, spec, value, path):
        if not type_ok(spec["type"], value):
            self.problem(path, f"expected {spec['type']}, found {type(value).__name__}")
            return
        if "rangelist" in spec and not isinstance(value, list) and value not in spec["rangelist"]:
            self.problem(path, f"{value!r} not in {spec['rangelist']}")
        if "range" in spec and isinstance(value, int) and value < spec["range"].get("min", value):
            self.problem(path, f"{value} below {spec['range']['min']}")
        macos = (spec.get("supportedOS") or {}).get("macOS") or {}
        if "introduced" in macos and macos["introduced"] != "n/a" and version(macos["introduced"]) > self.min:
            self.problem(path, f"introduced in macOS {macos['introduced']}, after the fleet's")
        subkeys = spec.get("subkeys") or []
        if isinstance(value, dict):
            self.check_keys(subkeys, value, path)
        elif isinstance(value, list) and subkeys:
            for i, element in enumerate(value):
                self.check_value(subkeys[0], element, f"{path}[{i}]")

    def check(self, declaration):
        if not isinstance(declaration, dict):
            self.problem("(declaration)", "not a JSON object")
            return
        kind = declaration.get("Type")
        if kind not in SCHEMAS:
            self.problem("Type", f"{kind!r} is not a declaration this checker knows")
            return
        with open(os.path.join(self.schema_dir, SCHEMAS[kind])) as f:
            schema = yaml.safe_load(f)
        if schema["payload"]["declarationtype"] != kind:
            self.problem("Type", "does not match the schema's declarationtype")
        for key in ("Identifier", "ServerToken"):
            if not isinstance(declaration.get(key), str) or not declaration[key].strip():
                self.problem(key, "required: a non-empty string")
        for key in declaration:
            if key not in ("Type", "Identifier", "ServerToken", "Payload"):
                self.problem(key, "not a top-level key of a declaration")
        introduced = schema["payload"]["supportedOS"]["macOS"]["introduced"]
        if version(introduced) > self.min:
            self.problem("Type", f"macOS {introduced} and later read it; the fleet starts earlier")
        payload = declaration.get("Payload")
        if not isinstance(payload, dict):
            self.problem("Payload", "required: an object")
            return
        self.check_keys(schema["payloadkeys"], payload, "Payload")
        if kind == "com.apple.configuration.legacy":
            url = payload.get("ProfileURL", "")
            if not (isinstance(url, str) and url.lower().startswith("https://") and len(url) > 8):
                self.problem("Payload.ProfileURL", "must start with https://")
            return
        if payload.get("ExtensionComposedIdentifier", "").startswith("com.microsoft.CompanyPortalMac"):
            self.check_microsoft(payload)

    def check_microsoft(self, payload):
        if payload.get("ExtensionComposedIdentifier") != COMPOSED:
            self.problem("Payload.ExtensionComposedIdentifier", f"Microsoft's is {COMPOSED!r}")
        want = {"Type": "Redirect", "ScreenLockedBehavior": "DoNotHandle"}
        for key, value in want.items():
            if payload.get(key) != value:
                self.problem(f"Payload.{key}", f"Microsoft requires {value!r}, found {payload.get(key)!r}")
        for url in COMMERCIAL:
            if url not in payload.get("URLs", []):
                self.problem("Payload.URLs", f"missing {url}")
        psso = payload.get("PlatformSSO", {})
        if psso.get("AuthenticationMethod") not in ("Password", "UserSecureEnclaveKey", "SmartCard"):
            self.problem("Payload.PlatformSSO.AuthenticationMethod", "missing, invalid or not Microsoft's")
        if psso.get("UseSharedDeviceKeys") is not True:
            self.problem("Payload.PlatformSSO.UseSharedDeviceKeys", "Microsoft requires true")
        # Apple's "required if" sentences (the schema writes UserCreation.AuthenticationMethods for
        # the key it names NewUserAuthenticationMethods).
        methods = psso.get("UserCreation", {}).get("NewUserAuthenticationMethods", [])
        web = psso.get("WebAuthentication", {})
        if (psso.get("AuthenticationMethod") == "OpenID" or "OpenID" in methods) and not web.get("URLAllowList"):
            self.problem("Payload.PlatformSSO.WebAuthentication.URLAllowList", "required with OpenID")
        if "AccessKey" in methods:
            access = psso.get("AccessKey", {})
            for key in ("ReaderGroupIdentifier", "TerminalIdentityAssetReference",
                        "ReaderIssuerCertificateAssetReference"):
                if key not in access:
                    self.problem(f"Payload.PlatformSSO.AccessKey.{key}", "required with AccessKey")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema-dir", required=True)
    parser.add_argument("--min-macos", required=True)
    parser.add_argument("declarations", nargs="+")
    args = parser.parse_args()
    failed = False
    for name in args.declarations:
        checker = Checker(args.schema_dir, args.min_macos)
        with open(name) as f:
            checker.check(json.load(f))
        for line in checker.problems:
            print(f"{name}: {line}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
