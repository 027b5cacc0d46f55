"""Type stubs of ``psso_profile``; every function's docstring is its runtime ``__doc__``."""

import datetime
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

__version__: str

# A profile, certificate or key: its content, or a file to read (`-` for stdin).
Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
# A macOS version: 14, 15.4, "15.4".
MacOsVersion = Union[int, float, str]
# An RFC 3339 time, or a datetime with a time zone.
Time = Union[str, datetime.datetime]
# A list setting: a sequence of names, or one comma-separated string.
Names = Union[str, Sequence[str]]

class ProfileError(ValueError):
    """A profile with findings at error level: ``generate`` refuses to build it,
    ``sign`` to sign it."""

    findings: List[Dict[str, Any]]
    """The error findings, each ``{"rule", "severity", "path", "message", "fix"}``."""

class ProfileWarning(UserWarning):
    """What the command line prints as a warning (a finding at warning level of a
    generated profile, an MDM placeholder left in signed content, an expired
    signing certificate)."""

def generate(
    *,
    template: Optional[str] = None,
    spec: Optional[Union[str, "os.PathLike[str]"]] = None,
    format: str = "xml",
    sign_cert: Optional[Source] = None,
    sign_key: Optional[Source] = None,
    sign_chain: Optional[Source] = None,
    sign_p12: Optional[Source] = None,
    sign_p12_password: Optional[str] = None,
    signing_time: Optional[Time] = None,
    # The settings: the fields of the library's `Spec`, `generate`'s long options
    # in snake_case (`psso_profile.settings()` lists them with their help).
    auth: Optional[str] = None,
    min_macos: Optional[MacOsVersion] = None,
    expect: Optional[str] = None,
    org: Optional[str] = None,
    identifier: Optional[str] = None,
    display_name: Optional[str] = None,
    description: Optional[str] = None,
    registration_token: Optional[str] = None,
    account_display_name: Optional[str] = None,
    account_name_claim: Optional[str] = None,
    full_name_claim: Optional[str] = None,
    extension_data: Optional[Mapping[str, Union[str, int, bool]]] = None,
    clouds: Optional[Names] = None,
    scope: Optional[str] = None,
    uuid: Optional[str] = None,
    removal_disallowed: Optional[bool] = None,
    enable_create_user_at_login: Optional[bool] = None,
    enable_authorization: Optional[bool] = None,
    new_user_authorization_mode: Optional[str] = None,
    user_authorization_mode: Optional[str] = None,
    administrator_groups: Optional[Sequence[str]] = None,
    additional_groups: Optional[Sequence[str]] = None,
    authorization_groups: Optional[Mapping[str, str]] = None,
    login_frequency: Optional[int] = None,
    filevault_policy: Optional[Names] = None,
    login_policy: Optional[Names] = None,
    unlock_policy: Optional[Names] = None,
    offline_grace_period: Optional[int] = None,
    authentication_grace_period: Optional[int] = None,
    non_psso_accounts: Optional[Sequence[str]] = None,
    allow_device_identifiers_in_attestation: Optional[bool] = None,
    enable_registration_during_setup: Optional[bool] = None,
    enable_create_first_user_during_setup: Optional[bool] = None,
    new_user_authentication_methods: Optional[Names] = None,
    synchronize_profile_picture: Optional[bool] = None,
    temporary_session_quick_login: Optional[bool] = None,
    allow_access_key_express_mode: Optional[bool] = None,
    access_key_reader_group_identifier: Optional[str] = None,
    access_key_terminal_identity_uuid: Optional[str] = None,
    access_key_reader_issuer_certificate_uuid: Optional[str] = None,
    web_login_url_allow_list: Optional[Sequence[str]] = None,
    allow_web_login_password_sync: Optional[bool] = None,
    declaration_identifier: Optional[str] = None,
    server_token: Optional[str] = None,
) -> bytes:
    """Build a Platform SSO profile, check it, and return its bytes.

    Settings are ``generate``'s long options in snake_case, with the values a spec
    file takes; they override ``spec`` (a TOML spec file), which overrides
    ``template``. ``format`` is ``"xml"``, ``"binary"``, ``"json"`` or
    ``"declaration"`` (the macOS 27 ``extensible-sso`` declaration, JSON). Signing:
    ``sign_cert`` and ``sign_key`` (PEM, with ``sign_chain``), or ``sign_p12`` and
    ``sign_p12_password``. Raises ``ProfileError`` when the rules find errors."""

def validate(
    data: Source,
    *,
    min_macos: Optional[MacOsVersion] = None,
    expect: str = "any",
    strict: bool = False,
    ca: Optional[Union[Source, Sequence[Source]]] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Lint a profile or a declaration; one file entry of ``psso-profile validate
    --format json``: ``path``, ``format``, ``signature_valid``, ``error``, ``target``,
    ``payloads``, ``findings``, ``fixes``, ``reregistration``. ``min_macos`` defaults
    to what the file says (as ``validate`` reads it); ``expect`` is
    ``"platform-sso"``, ``"sso-extension"`` or ``"any"``."""

def fix(
    data: Source,
    *,
    min_macos: Optional[MacOsVersion] = None,
    expect: str = "any",
    drop_signature: bool = False,
    name: Optional[str] = None,
) -> Tuple[bytes, Dict[str, Any]]:
    """Repair a profile: the repaired bytes, and the file entry of the repaired
    profile (``fixes`` done, ``findings`` left). A signed profile whose signature
    does not verify raises ``ValueError`` unless ``drop_signature``."""

def sign(
    data: Source,
    *,
    cert: Source,
    key: Source,
    chain: Optional[Source] = None,
    signing_time: Optional[Time] = None,
    min_macos: Optional[MacOsVersion] = None,
    force: bool = False,
) -> bytes:
    """Sign a profile (CMS) with a PEM certificate and key; the signed bytes."""

def sign_p12(
    data: Source,
    *,
    p12: Source,
    password: str,
    signing_time: Optional[Time] = None,
    min_macos: Optional[MacOsVersion] = None,
    force: bool = False,
) -> bytes:
    """Sign a profile (CMS) with a PKCS#12 file and its password; the signed bytes."""

def verify(
    data: Source,
    *,
    ca: Optional[Union[Source, Sequence[Source]]] = None,
    strict: bool = False,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Verify a signed profile; the document of ``psso-profile verify --format json``."""

def inspect(
    data: Source,
    *,
    show_secrets: bool = False,
    min_macos: Optional[MacOsVersion] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """What a profile does; the document of ``psso-profile inspect --format json``."""

def diff(old: Source, new: Source, *, show_secrets: bool = False) -> Dict[str, Any]:
    """Compare two profiles by meaning; the document of ``psso-profile diff --format json``."""

def install_profile_command(
    data: Source,
    *,
    format: str = "xml",
    command_uuid: Optional[str] = None,
    drop_signature: bool = False,
) -> bytes:
    """The MDM ``InstallProfile`` command carrying the profile's bytes, unchanged."""

def settings() -> List[Dict[str, Any]]:
    """Every setting of ``generate``: ``field`` (its keyword argument), ``key``,
    ``option``, ``help``, ``default``, ``place``, ``macos``."""

class Tracker:
    """Registration state of every device seen, fed one Platform SSO notification
    at a time in any order."""

    def __init__(self) -> None: ...
    def record(self, device: str, event: str, time: Time) -> Optional[Dict[str, Any]]:
        """Record one notification; the change of compliance it causes
        (``time``, ``device``, ``compliant``, ``event``), or ``None``."""
    def states(self) -> List[Dict[str, Any]]:
        """Every device's state, sorted by device: the rows of
        ``psso-profile events reduce --format json``."""
    def __len__(self) -> int: ...
