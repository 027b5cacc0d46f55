"""The Python API against the Rust binary: the same bytes and the same JSON documents."""

import datetime
import json
import plistlib
import threading
import time

import pytest

import psso_profile
from conftest import ROOT, run

CORPUS = ROOT / "tests" / "corpus"
PINNED = "2026-01-31T12:00:00Z"


def cli_json(rust_binary, *args):
    out = run(rust_binary, *args, "--format", "json")
    return out.returncode, json.loads(out.stdout)


def cli_bytes(rust_binary, *args):
    out = run(rust_binary, *args)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# generate


@pytest.mark.parametrize(
    "kwargs, args",
    [
        ({}, []),
        ({"auth": "Password", "min_macos": 15}, ["--auth", "Password", "--min-macos", "15"]),
        ({"auth": "password", "min_macos": "13", "org": "Contoso"},
         ["--auth", "Password", "--min-macos", "13", "--org", "Contoso"]),
        ({"min_macos": 15.4, "allow_device_identifiers_in_attestation": True},
         ["--min-macos", "15.4", "--allow-device-identifiers-in-attestation"]),
        ({"registration_token": "{{DEVICEREGISTRATION}}", "clouds": ["commercial"],
          "extension_data": {"AppPrefixAllowList": "com.microsoft.,com.apple.",
                             "browser_sso_interaction_enabled": 1},
          "administrator_groups": ["admins", "it"], "filevault_policy": "AttemptAuthentication",
          "auth": "Password", "min_macos": 15},
         ["--registration-token", "{{DEVICEREGISTRATION}}", "--clouds", "commercial",
          "--extension-data", "AppPrefixAllowList=com.microsoft.,com.apple.",
          "--extension-data", "browser_sso_interaction_enabled=1",
          "--administrator-group", "admins", "--administrator-group", "it",
          "--filevault-policy", "AttemptAuthentication", "--auth", "Password", "--min-macos", "15"]),
        ({"template": "shared-mac", "org": "Fabrikam"}, ["--template", "shared-mac", "--org", "Fabrikam"]),
        ({"format": "binary", "auth": "SmartCard"}, ["--format", "binary", "--auth", "SmartCard"]),
        ({"format": "json"}, ["--format", "json"]),
        ({"format": "declaration", "min_macos": 27, "expect": "platform-sso",
          "web_login_url_allow_list": ["login.microsoftonline.com"]},
         ["--format", "declaration", "--min-macos", "27", "--expect", "platform-sso",
          "--web-login-url-allow-list", "login.microsoftonline.com"]),
    ],
)
def test_generate_gives_the_bytes_of_the_command(rust_binary, kwargs, args):
    assert psso_profile.generate(**kwargs) == cli_bytes(rust_binary, "generate", *args)


def test_generate_layers_template_spec_file_and_settings(rust_binary, tmp_path):
    spec = tmp_path / "contoso.toml"
    spec.write_text('auth = "Password"\nmin-macos = 15\norg = "Contoso"\n'
                    '[extension-data]\nAppPrefixAllowList = "com.microsoft."\n')
    ours = psso_profile.generate(template="intune", spec=spec, org="Fabrikam",
                                 extension_data={"browser_sso_interaction_enabled": 1})
    theirs = cli_bytes(rust_binary, "generate", "--template", "intune", "--spec", spec,
                       "--org", "Fabrikam", "--extension-data", "browser_sso_interaction_enabled=1")
    assert ours == theirs
    profile = plistlib.loads(ours)
    assert profile["PayloadOrganization"] == "Fabrikam"
    assert set(profile["PayloadContent"][0]["ExtensionData"]) >= {
        "AppPrefixAllowList", "browser_sso_interaction_enabled"}


def test_a_refused_profile_raises_profile_error_with_the_findings():
    with pytest.raises(ValueError) as caught:
        psso_profile.generate(auth="SmartCard", min_macos=13)
    err = caught.value
    assert isinstance(err, psso_profile.ProfileError)
    assert err.findings and {f["severity"] for f in err.findings} == {"error"}
    assert str(err).startswith(f"the profile has {len(err.findings)} error finding(s)\n<generated>: error[")
    assert all(set(f) == {"rule", "severity", "path", "message", "fix"} for f in err.findings)
    assert any("SmartCard" in f["message"] for f in err.findings)


def test_bad_settings_raise_the_messages_of_the_command_line(rust_binary, tmp_path):
    # A spec file's message names the file and line; the rest is the same.
    spec = tmp_path / "bad.toml"
    spec.write_text('auth = "Fingerprint"\n')
    cli = run(rust_binary, "generate", "--spec", spec)
    assert cli.returncode == 2
    prefix = f"psso-profile: error: `{spec}` line 1: `auth`: "
    cli_message = cli.stderr.decode().strip()
    assert cli_message.startswith(prefix), cli_message
    with pytest.raises(ValueError) as caught:
        psso_profile.generate(auth="Fingerprint")
    assert not isinstance(caught.value, psso_profile.ProfileError)
    assert str(caught.value) == "`auth`: " + cli_message[len(prefix):]

    with pytest.raises(ValueError, match=r"^`min_macos`: invalid value `12` for `min-macos`: expected one of 13, "):
        psso_profile.generate(min_macos=12)
    with pytest.raises(ValueError, match=r"^`login_frequency`: "):
        psso_profile.generate(login_frequency="hourly")
    with pytest.raises(ValueError, match=r"^invalid value `nope` for `template`: expected one of `secure-enclave`"):
        psso_profile.generate(template="nope")
    with pytest.raises(ValueError, match=r"^invalid value `plist` for `format`"):
        psso_profile.generate(format="plist")
    with pytest.raises(FileNotFoundError):
        psso_profile.generate(spec=tmp_path / "missing.toml")


def test_unknown_or_mistyped_settings_raise_type_error():
    with pytest.raises(TypeError, match=r"^generate\(\) got an unexpected keyword argument 'colour'$"):
        psso_profile.generate(colour="blue")
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'min-macos'"):
        psso_profile.generate(**{"min-macos": 14})
    with pytest.raises(TypeError, match=r"^`org` must be a str, an int, a bool, a list or a dict, not bytes$"):
        psso_profile.generate(org=b"Contoso")


def test_every_setting_is_a_keyword_argument():
    # None leaves a setting unset: the profile is the default one.
    fields = [s["field"] for s in psso_profile.settings()]
    assert "min_macos" in fields and "auth" in fields
    assert psso_profile.generate(**{f: None for f in fields}) == psso_profile.generate()
    for setting in psso_profile.settings():
        assert setting["key"] == setting["field"].replace("_", "-")
        assert setting["option"].startswith("--") and setting["help"]


def test_generate_signs_as_the_command_line_does(rust_binary, signer):
    cert, key, p12 = signer / "signer.pem", signer / "signer.key", signer / "signer.p12"
    theirs = cli_bytes(rust_binary, "generate", "--auth", "Password", "--sign-cert", cert,
                       "--sign-key", key, "--signing-time", PINNED)
    assert psso_profile.generate(auth="Password", sign_cert=cert, sign_key=key.read_bytes(),
                                 signing_time=PINNED) == theirs
    pinned = datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.timezone.utc)
    assert psso_profile.generate(auth="Password", sign_p12=p12, sign_p12_password="secret",
                                 signing_time=pinned) == theirs
    with pytest.raises(ValueError, match=r"^cannot sign JSON output"):
        psso_profile.generate(format="json", sign_cert=cert, sign_key=key)
    with pytest.raises(TypeError, match="sign_p12_password"):
        psso_profile.generate(sign_p12=p12)
    for extra in ["sign_chain", "signing_time", "sign_p12_password"]:
        with pytest.raises(TypeError, match=f"^`{extra}` needs `sign_cert` and `sign_key`, or `sign_p12`$"):
            psso_profile.generate(**{extra: "x"})
    with pytest.raises(TypeError, match="^give either `sign_cert` and `sign_key`, or `sign_p12`$"):
        psso_profile.generate(sign_cert=cert)
    with pytest.raises(ValueError, match=r"^invalid value `yesterday` for `--signing-time`"):
        psso_profile.generate(sign_cert=cert, sign_key=key, signing_time="yesterday")


def test_warnings_of_a_generated_profile_are_profile_warnings(signer):
    with pytest.warns(psso_profile.ProfileWarning, match="placeholder `{{DEVICEREGISTRATION}}`"):
        psso_profile.generate(registration_token="{{DEVICEREGISTRATION}}",
                              sign_cert=signer / "signer.pem", sign_key=signer / "signer.key")


# validate and fix


def test_validate_is_one_file_of_the_command_line_report(rust_binary):
    for profile in sorted(CORPUS.glob("*.mobileconfig")):
        code, report = cli_json(rust_binary, "validate", "--min-macos", "13", profile)
        entry = report["files"][0]
        if entry["error"] is not None:
            with pytest.raises(ValueError) as caught:
                psso_profile.validate(profile, min_macos=13)
            assert str(caught.value) == entry["error"], profile.name
            continue
        assert psso_profile.validate(profile, min_macos=13) == entry, profile.name
        # Bytes are named <bytes> (or `name`), the rest is the same.
        ours = psso_profile.validate(profile.read_bytes(), min_macos=13, name="x")
        assert ours == {**entry, "path": "x"}, profile.name
        assert list(ours) == ["path", "format", "signature_valid", "error", "target", "payloads",
                              "findings", "fixes", "reregistration"]


def test_validate_reports_screen_locked_behavior_cancel():
    profile = plistlib.loads(psso_profile.generate())
    profile["PayloadContent"][0]["ScreenLockedBehavior"] = "Cancel"
    entry = psso_profile.validate(plistlib.dumps(profile))
    rules = {f["rule"]: f for f in entry["findings"]}
    assert rules["sso.screen-locked-behavior"]["severity"] == "error"
    assert rules["sso.screen-locked-behavior"]["path"] == "PayloadContent[0].ScreenLockedBehavior"
    assert entry["format"] == "xml" and entry["path"] == "<bytes>"


def test_validate_refuses_what_is_not_a_profile():
    with pytest.raises(ValueError, match=r"^`<bytes>` is not a property list"):
        psso_profile.validate(b"hello")
    with pytest.raises(ValueError, match=r"^`<bytes>` is empty"):
        psso_profile.validate(b"")
    with pytest.raises(TypeError, match=r"^`data` must be bytes or a path \(str or os.PathLike\), not int$"):
        psso_profile.validate(42)
    profile = psso_profile.generate()
    expected = psso_profile.validate(profile)
    assert psso_profile.validate(bytearray(profile)) == expected
    assert psso_profile.validate(memoryview(profile)) == expected
    with pytest.raises(FileNotFoundError, match=r"^\[Errno 2\] cannot read `missing.mobileconfig`"):
        psso_profile.validate("missing.mobileconfig")
    with pytest.raises(ValueError, match=r"^invalid value `11` for `min-macos`"):
        psso_profile.validate(psso_profile.generate(), min_macos=11)


def test_fix_gives_what_validate_fix_writes(rust_binary, tmp_path):
    for name in ["e1-imazing-both-auth-keys", "e5-duplicate-payloads", "urls-as-string",
                 "misspelt-method-and-modes", "shared-keys-string-binary"]:
        profile = CORPUS / f"{name}.mobileconfig"
        out = tmp_path / f"{name}.fixed"
        code, report = cli_json(rust_binary, "validate", "--fix", "--min-macos", "14", "-o", out,
                                profile)
        fixed, entry = psso_profile.fix(profile, min_macos=14, name=str(out))
        assert fixed == out.read_bytes(), name
        assert entry == report["files"][0] | {"path": str(out)}, name
        assert entry["fixes"], name
        assert psso_profile.validate(fixed, min_macos=14)["findings"] == entry["findings"]


# sign, verify, inspect, diff, wrap


def test_sign_and_verify_as_the_command_line(rust_binary, signer, tmp_path):
    cert, key, p12 = signer / "signer.pem", signer / "signer.key", signer / "signer.p12"
    profile = write(tmp_path, "p.mobileconfig", psso_profile.generate(auth="Password"))
    signed_path = tmp_path / "p.signed.mobileconfig"
    cli_bytes(rust_binary, "sign", profile, "-o", signed_path, "--cert", cert, "--key", key,
              "--signing-time", PINNED)
    signed = psso_profile.sign(profile.read_bytes(), cert=cert.read_bytes(), key=key,
                               signing_time=PINNED)
    assert signed == signed_path.read_bytes()
    assert psso_profile.sign_p12(profile, p12=p12, password="secret", signing_time=PINNED) == signed

    for ca in [None, cert]:
        args = ["verify", signed_path] + (["--ca", cert] if ca else [])
        code, document = cli_json(rust_binary, *args)
        assert code == 0
        assert psso_profile.verify(signed_path, ca=ca) == document
    verified = psso_profile.verify(signed, ca=[cert.read_bytes()])
    assert verified["valid"] and verified["chain_checked"] and verified["file"] == "<bytes>"
    assert verified["signer"]["subject"] == "CN=psso-python-test"

    tampered = bytearray(signed)
    tampered[signed.index(b"Contoso") if b"Contoso" in signed else signed.index(b"Password")] ^= 1
    assert not psso_profile.verify(bytes(tampered))["valid"]
    assert psso_profile.validate(signed)["signature_valid"] is True
    assert psso_profile.validate(signed)["format"] == "signed"
    assert psso_profile.validate(bytes(tampered))["signature_valid"] is False


def test_sign_refuses_what_the_command_line_refuses(signer):
    cert, key = signer / "signer.pem", signer / "signer.key"
    broken = plistlib.loads(psso_profile.generate())
    broken["PayloadContent"][0]["ScreenLockedBehavior"] = "Cancel"
    broken = plistlib.dumps(broken)
    with pytest.raises(psso_profile.ProfileError) as caught:
        psso_profile.sign(broken, cert=cert, key=key)
    assert caught.value.findings[0]["rule"] == "sso.screen-locked-behavior"
    signed = psso_profile.sign(broken, cert=cert, key=key, force=True)
    with pytest.raises(ValueError, match=r"^`<bytes>` is already signed; sign the unsigned profile$"):
        psso_profile.sign(signed, cert=cert, key=key)
    with pytest.raises(ValueError, match=r"^cannot use `<bytes>` and `<bytes>`"):
        psso_profile.sign(psso_profile.generate(), cert=key.read_bytes(), key=cert.read_bytes())
    with pytest.raises(ValueError, match=r"^`<bytes>` is not a readable signed profile"):
        psso_profile.verify(psso_profile.generate())
    with pytest.raises(ValueError, match=r"signer.p12"):
        psso_profile.sign_p12(psso_profile.generate(), p12=signer / "signer.p12", password="wrong")


def test_inspect_is_the_command_line_document(rust_binary, tmp_path):
    profile = write(tmp_path, "p.mobileconfig", psso_profile.generate(
        auth="Password", min_macos=15, registration_token="s3cret-token"))
    for extra, kwargs in [([], {}), (["--show-secrets"], {"show_secrets": True}),
                          (["--min-macos", "13"], {"min_macos": 13})]:
        code, document = cli_json(rust_binary, "inspect", profile, *extra)
        assert psso_profile.inspect(profile, **kwargs) == document
    assert "s3cret-token" not in json.dumps(psso_profile.inspect(profile))
    assert "s3cret-token" in json.dumps(psso_profile.inspect(profile, show_secrets=True))
    assert psso_profile.inspect(profile.read_bytes())["file"] == "<bytes>"


def test_diff_is_the_command_line_document(rust_binary, tmp_path):
    old = write(tmp_path, "old.mobileconfig", psso_profile.generate(auth="Password"))
    new = write(tmp_path, "new.mobileconfig", psso_profile.generate(auth="UserSecureEnclaveKey"))
    code, document = cli_json(rust_binary, "diff", old, new)
    assert code == 1
    assert psso_profile.diff(old, new) == document
    assert document["reregistration"]
    same = psso_profile.diff(old.read_bytes(), old.read_bytes())
    assert same["same"] and same["old"] == {"file": "<old>", "signed": False}
    assert same["new"]["file"] == "<new>"


def test_install_profile_command_is_what_wrap_writes(rust_binary, tmp_path):
    profile = write(tmp_path, "p.mobileconfig", psso_profile.generate())
    for fmt in ["xml", "json", "binary"]:
        theirs = cli_bytes(rust_binary, "wrap", profile, "--format", fmt)
        assert psso_profile.install_profile_command(profile.read_bytes(), format=fmt) == theirs
    uuid = "0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20"
    command = plistlib.loads(psso_profile.install_profile_command(profile, command_uuid=uuid))
    assert command["CommandUUID"] == uuid
    assert command["Command"]["Payload"] == profile.read_bytes()
    with pytest.raises(ValueError, match=r"is not a configuration profile"):
        psso_profile.install_profile_command(plistlib.dumps({"PayloadType": "com.apple.mdm"}))


# events


EVENTS = [
    ("C02XK1", "Microsoft.PlatformSSO.UserRegistration.Succeeded", "2026-11-02T09:32:00Z"),
    ("C02XK1", "Microsoft.PlatformSSO.DeviceRegistration.Succeeded", "2026-11-02T09:31:00Z"),
    ("FVFZ9", "Microsoft.PlatformSSO.UserRegistration.Failed", "2026-11-02T10:01:00+01:00"),
    ("FVFZ9", "Microsoft.PlatformSSO.Registration.Succeeded", "2026-11-02T09:05:00Z"),
    ("C02XK1", "Microsoft.PlatformSSO.Registration.Removed", "2026-11-02T11:00:00Z"),
    ("C02XK1", "Microsoft.PlatformSSO.Registration.Succeeded", "2026-11-02T11:05:00Z"),
]


def test_tracker_gives_the_rows_of_events_reduce(rust_binary, tmp_path):
    log = tmp_path / "events.jsonl"
    log.write_text("".join(json.dumps({"device": d, "event": e, "time": t}) + "\n"
                           for d, e, t in EVENTS))
    tracker = psso_profile.Tracker()
    changes = [tracker.record(*event) for event in EVENTS]
    code, states = cli_json(rust_binary, "events", "reduce", log)
    assert code == 0
    assert tracker.states() == states
    assert len(tracker) == 2
    # In time order, each event's transition is the row `--transitions` lists.
    ordered = psso_profile.Tracker()
    rows = [ordered.record(*e) for e in sorted(EVENTS, key=lambda e: datetime.datetime.fromisoformat(
        e[2].replace("Z", "+00:00")))]
    code, transitions = cli_json(rust_binary, "events", "reduce", "--transitions", log)
    assert [r for r in rows if r is not None] == transitions
    assert changes[0] is None and changes[1]["compliant"] is True
    assert list(changes[1]) == ["time", "device", "compliant", "event"]


def test_tracker_takes_datetimes_and_refuses_what_is_not_an_event():
    tracker = psso_profile.Tracker()
    at = datetime.datetime(2026, 11, 2, 10, 31, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    change = tracker.record("m", "Microsoft.PlatformSSO.Registration.Succeeded", at)
    assert change == {"time": "2026-11-02T09:31:00Z", "device": "m", "compliant": True,
                      "event": "Microsoft.PlatformSSO.Registration.Succeeded"}
    with pytest.raises(ValueError, match=r"^unknown event `Registration.Paused`"):
        tracker.record("m", "Registration.Paused", "2026-11-02T09:31:00Z")
    with pytest.raises(ValueError, match=r"^`device` is empty"):
        tracker.record("", "Microsoft.PlatformSSO.Registration.Succeeded", "2026-11-02T09:31:00Z")
    with pytest.raises(ValueError, match=r"^`time` `soon` is not an RFC 3339 date-time"):
        tracker.record("m", "Microsoft.PlatformSSO.Registration.Succeeded", "soon")
    with pytest.raises(TypeError):
        tracker.record("m", "Microsoft.PlatformSSO.Registration.Succeeded", 1234)
    assert len(tracker) == 1


# the GIL


def test_the_gil_is_released_while_the_command_line_runs(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("tenant\n" + "".join(f"t{i}\n" for i in range(3000)))
    spec = tmp_path / "tenant.toml"
    spec.write_text('identifier = "com.${tenant}.psso"\n')
    ticks = []
    running = threading.Event()

    def count():
        running.set()
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    done = threading.Event()
    counter = threading.Thread(target=count)
    counter.start()
    running.wait()
    start = time.perf_counter()
    code = psso_profile._native.run_cli(
        ["psso-profile", "-q", "batch", "--spec", str(spec), "--rows", str(rows),
         "--out-dir", str(tmp_path / "out")])
    end = time.perf_counter()
    done.set()
    counter.join()
    assert code == 0
    assert len(list((tmp_path / "out").iterdir())) == 3000
    during = [t for t in ticks if start < t < end]
    # Holding the GIL for the whole batch would leave the other thread no tick at all.
    assert len(during) >= 3, (len(during), end - start)


def test_install_profile_command_refuses_a_tampered_signature(signer, tmp_path):
    cert, key = signer / "signer.pem", signer / "signer.key"
    signed = bytearray(psso_profile.sign(psso_profile.generate(), cert=cert, key=key))
    at = signed.find(b"Microsoft Entra Platform SSO")
    signed[at] ^= 0x20  # the content no longer matches its signature
    with pytest.raises(ValueError, match="invalid signature|does not verify|signature"):
        psso_profile.install_profile_command(bytes(signed))
    command = plistlib.loads(psso_profile.install_profile_command(bytes(signed), drop_signature=True))
    assert command["Command"]["Payload"].startswith(b"<?xml")
