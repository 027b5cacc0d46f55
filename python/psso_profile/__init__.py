"""Generate, validate, sign and inspect the macOS configuration profile
(``.mobileconfig``) that turns on Microsoft Entra Platform SSO.

A thin layer over the Rust library of the ``psso-profile`` command, which this
package installs too. Profiles, certificates and keys are ``bytes`` (their content)
or a ``str`` / ``os.PathLike`` (a file to read). Functions that report return the
JSON document the command prints with ``--format json``, as a ``dict``.

>>> import psso_profile
>>> profile = psso_profile.generate(auth="Password", min_macos=15, org="Contoso")
>>> psso_profile.validate(profile)["findings"][0]["rule"]
'sso.registration-token.absent'
"""

from ._native import (
    ProfileError,
    ProfileWarning,
    Tracker,
    __version__,
    diff,
    fix,
    generate,
    inspect,
    install_profile_command,
    settings,
    sign,
    sign_p12,
    validate,
    verify,
)

__all__ = [
    "ProfileError",
    "ProfileWarning",
    "Tracker",
    "__version__",
    "diff",
    "fix",
    "generate",
    "inspect",
    "install_profile_command",
    "settings",
    "sign",
    "sign_p12",
    "validate",
    "verify",
]
