//! The Python module `psso_profile` (the `python` cargo feature, built by maturin
//! from `pyproject.toml`): thin functions over the library, returning the JSON
//! documents of the command line as dictionaries, and the `psso-profile` command
//! itself ([`run_cli`], the command line compiled into the module).
//!
//! Profiles, certificates and keys are `bytes` (their content) or a `str` or
//! `os.PathLike` (a file to read, `-` for standard input). A dictionary returned is
//! the JSON the command prints, read by Python's `json` module: the same keys, in
//! the same order. A library error raises `ValueError` (`OSError` for a file that
//! cannot be read or written) with the message the command line prints; a profile
//! the rules refuse raises `ProfileError`, which carries the findings. Signing and
//! linting run with the GIL released.

use std::path::PathBuf;

use pyo3::exceptions::{PyOSError, PyTypeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use serde::Serialize;

use crate::cli::error::describe;
use crate::cli::report::format_finding;
use crate::cli::signing::{parse_signing_time, placeholder_warning, validity_warnings};
use crate::codec::{self, Format};
use crate::diff::{DiffReport, Side};
use crate::error::Error;
use crate::events::{self, Event, TransitionRow};
use crate::inspect::{self, Options};
use crate::lint::{self, FileReport};
use crate::model::{MacOs, Target};
use crate::output::Output;
use crate::rules::{Expect, Finding, Report, Severity};
use crate::settings::SETTINGS;
use crate::sign::{self, Signer, SigningTime, VerifyOptions, VerifyReport};
use crate::spec::{self, Spec, SpecFile};

pyo3::create_exception!(
    psso_profile,
    ProfileError,
    PyValueError,
    "A profile with findings at error level: `generate` refuses to build it, `sign` to sign it.\n\n`findings` lists them, each a dict in the shape of `validate`'s findings\n(`rule`, `severity`, `path`, `message`, `fix`)."
);

pyo3::create_exception!(
    psso_profile,
    ProfileWarning,
    PyUserWarning,
    "What the command line prints as a warning: a finding at warning level of a generated\nprofile, an MDM placeholder left in signed content, an expired signing certificate."
);

/// The name of a profile given as bytes, in results and messages.
const BYTES: &str = "<bytes>";

/// A library error as Python sees it: `OSError` (with its `errno`, so a missing
/// file is a `FileNotFoundError`) for a file that cannot be read or written,
/// `ValueError` otherwise; the message is the command line's.
fn py_err(err: &Error) -> PyErr {
    let message = describe(err);
    match err {
        Error::Read { source, .. } | Error::Write { source, .. } => match source.raw_os_error() {
            Some(errno) => PyOSError::new_err((errno, message)),
            None => PyOSError::new_err(message),
        },
        _ => PyValueError::new_err(message),
    }
}

fn lib<T>(result: crate::Result<T>) -> PyResult<T> {
    result.map_err(|e| py_err(&e))
}

/// `value` as the JSON document the command line prints, read back by `json.loads`.
fn to_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(value).map_err(|source| {
        py_err(&Error::Encode {
            format: "JSON",
            source: Box::new(source),
        })
    })?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// Issues a `ProfileWarning`.
fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let category = py.get_type::<ProfileWarning>();
    py.import("warnings")?
        .call_method1("warn", (message, category, 2))?;
    Ok(())
}

/// The `ProfileError` for the error findings of `report`: the message counts them
/// and lists them as the command line prints them.
fn refused(py: Python<'_>, name: &str, report: &Report) -> PyErr {
    let errors: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let mut message = format!("the profile has {} error finding(s)", errors.len());
    for finding in &errors {
        message.push('\n');
        message.push_str(format_finding(name, finding, false).trim_end());
    }
    let err = ProfileError::new_err(message);
    if let Err(e) = to_py(py, &errors).and_then(|f| err.value(py).setattr("findings", f)) {
        return e;
    }
    err
}

/// Bytes given as such, or read from a path; and the name they go by.
struct Input {
    bytes: Vec<u8>,
    name: String,
    path: PathBuf,
}

/// Reads `obj`: `bytes`, `bytearray` or `memoryview` are the content, `str` and
/// `os.PathLike` a file. `what` names the argument in a `TypeError`.
fn input(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Input> {
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Input::content(bytes.as_bytes().to_vec()));
    }
    if let Ok(bytes) = obj.cast::<PyByteArray>() {
        return Ok(Input::content(bytes.to_vec()));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let bytes = obj.call_method0("tobytes")?;
        return Ok(Input::content(bytes.cast::<PyBytes>()?.as_bytes().to_vec()));
    }
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        let path: PathBuf = obj.extract()?;
        let bytes = lib(codec::read_input(&path))?;
        return Ok(Input {
            bytes,
            name: path.display().to_string(),
            path,
        });
    }
    Err(PyTypeError::new_err(format!(
        "`{what}` must be bytes or a path (str or os.PathLike), not {}",
        obj.get_type().name()?
    )))
}

impl Input {
    /// Content given as bytes, named [`BYTES`].
    fn content(bytes: Vec<u8>) -> Self {
        Input {
            bytes,
            name: BYTES.to_string(),
            path: PathBuf::from(BYTES),
        }
    }

    /// The input under the name the caller gave, if any.
    fn renamed(mut self, name: Option<String>) -> Self {
        if let Some(name) = name {
            self.path = PathBuf::from(&name);
            self.name = name;
        }
        self
    }
}

/// `min_macos` as an int (`14`), a float (`15.4`) or a string (`"15.4"`).
fn macos(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<MacOs>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let text = if obj.is_instance_of::<PyString>() {
        obj.extract::<String>()?
    } else if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>() {
        obj.str()?.to_string()
    } else {
        return Err(PyTypeError::new_err(format!(
            "`min_macos` must be an int, a float or a str, not {}",
            obj.get_type().name()?
        )));
    };
    text.parse::<MacOs>()
        .map(Some)
        .map_err(|e| py_err(&Error::from(e)))
}

/// A time given as text (RFC 3339) or a `datetime` with a time zone (its
/// `isoformat()`).
fn time_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if obj.is_instance_of::<PyString>() {
        return obj.extract();
    }
    if obj.hasattr("isoformat")? && obj.hasattr("tzinfo")? {
        return obj.call_method0("isoformat")?.extract();
    }
    Err(PyTypeError::new_err(format!(
        "a time must be an RFC 3339 str or a datetime, not {}",
        obj.get_type().name()?
    )))
}

/// `signing_time`: `None` or `"now"` (the current time), `"none"` (no signing-time
/// attribute), an RFC 3339 string or an aware `datetime` (pins the output bytes).
fn signing_time(obj: Option<&Bound<'_, PyAny>>) -> PyResult<SigningTime> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(SigningTime::Now),
        Some(obj) => {
            parse_signing_time(&time_text(obj)?).map_err(|e| PyValueError::new_err(e.message()))
        }
    }
}

/// The verification options of `validate` and `verify`: `ca` is one CA file or
/// a list of them.
fn verify_options(ca: Option<&Bound<'_, PyAny>>, strict: bool) -> PyResult<VerifyOptions> {
    let mut options = VerifyOptions::new().strict(strict);
    let Some(ca) = ca.filter(|o| !o.is_none()) else {
        return Ok(options);
    };
    let files: Vec<Bound<'_, PyAny>> =
        if ca.is_instance_of::<PyList>() || ca.is_instance_of::<PyTuple>() {
            ca.try_iter()?.collect::<PyResult<_>>()?
        } else {
            vec![ca.clone()]
        };
    for file in &files {
        let pem = input(file, "ca")?;
        lib(options
            .add_roots_pem(&pem.bytes)
            .map(drop)
            .map_err(|source| Error::SigningInput {
                files: vec![pem.path],
                source,
            }))?;
    }
    Ok(options)
}

/// Reads a signer from PEM certificate and key (and chain), warning when the
/// certificate has expired now or at the signing time, as the command line does.
fn pem_signer(
    py: Python<'_>,
    cert: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    chain: Option<&Bound<'_, PyAny>>,
    time: SigningTime,
) -> PyResult<Signer> {
    let cert = input(cert, "cert")?;
    let key = input(key, "key")?;
    let chain = chain
        .filter(|o| !o.is_none())
        .map(|c| input(c, "chain"))
        .transpose()?;
    let mut files = vec![cert.path.clone(), key.path.clone()];
    files.extend(chain.as_ref().map(|c| c.path.clone()));
    let signer = Signer::from_pem(
        &cert.bytes,
        &key.bytes,
        chain.as_ref().map(|c| &c.bytes[..]),
    )
    .map_err(|source| py_err(&Error::SigningInput { files, source }))?;
    check_validity(py, &signer, time)?;
    Ok(signer)
}

/// Reads a signer from a PKCS#12 file and its password.
fn p12_signer(
    py: Python<'_>,
    p12: &Bound<'_, PyAny>,
    password: &str,
    time: SigningTime,
) -> PyResult<Signer> {
    let p12 = input(p12, "p12")?;
    let signer = Signer::from_pkcs12(&p12.bytes, password).map_err(|source| {
        py_err(&Error::SigningInput {
            files: vec![p12.path],
            source,
        })
    })?;
    check_validity(py, &signer, time)?;
    Ok(signer)
}

/// Warns as the command line does when the certificate has expired, now or at the
/// signing time.
fn check_validity(py: Python<'_>, signer: &Signer, time: SigningTime) -> PyResult<()> {
    for warning in validity_warnings(signer, time) {
        warn(py, &warning)?;
    }
    Ok(())
}

fn warn_placeholders(py: Python<'_>, placeholders: &[String]) -> PyResult<()> {
    for placeholder in placeholders {
        warn(py, &placeholder_warning(placeholder))?;
    }
    Ok(())
}

/// `format`: `"xml"`, `"binary"`, `"json"` or `"declaration"`.
fn format(text: &str, key: &str) -> PyResult<Format> {
    match text.to_ascii_lowercase().as_str() {
        "xml" => Ok(Format::Xml),
        "binary" => Ok(Format::Binary),
        "json" => Ok(Format::Json),
        "declaration" => Ok(Format::Declaration),
        _ => Err(py_err(&Error::InvalidValue {
            key: key.to_string(),
            value: text.to_string(),
            expected: "`xml`, `binary`, `json` or `declaration`".to_string(),
        })),
    }
}

/// A keyword argument of `generate` as a spec-file value: what a TOML spec file
/// would hold for it.
fn toml_value(obj: &Bound<'_, PyAny>, key: &str) -> PyResult<toml::Value> {
    if obj.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        let int: i64 = obj.extract().map_err(|_| {
            PyValueError::new_err(format!("`{key}`: {obj} does not fit in 64 bits"))
        })?;
        return Ok(toml::Value::Integer(int));
    }
    if obj.is_instance_of::<PyFloat>() {
        // `min_macos=15.4`: a version, read as its text.
        return Ok(toml::Value::String(obj.str()?.to_string()));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(obj.extract()?));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, v) in dict.iter() {
            let k: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!("`{key}`: the keys of a dict must be str"))
            })?;
            table.insert(k, toml_value(&v, key)?);
        }
        return Ok(toml::Value::Table(table));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items = obj
            .try_iter()?
            .map(|item| toml_value(&item?, key))
            .collect::<PyResult<_>>()?;
        return Ok(toml::Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "`{key}` must be a str, an int, a bool, a list or a dict, not {}",
        obj.get_type().name()?
    )))
}

/// The settings given as keyword arguments: each is a field of [`Spec`] (a spec
/// key in snake_case), read as a spec file reads it; `None` leaves it unset.
fn given_spec(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Spec> {
    let mut spec = Spec::default();
    for (key, value) in settings.into_iter().flat_map(|s| s.iter()) {
        let key: String = key.extract()?;
        let spec_key = key.replace('_', "-");
        if key.contains('-') || !spec::keys().contains(&spec_key.as_str()) {
            return Err(PyTypeError::new_err(format!(
                "generate() got an unexpected keyword argument '{key}'"
            )));
        }
        if value.is_none() {
            continue;
        }
        let mut table = toml::Table::new();
        table.insert(spec_key, toml_value(&value, &key)?);
        spec.overlay(lib(spec::deserialize(table, &key))?);
    }
    Ok(spec)
}

/// Builds a Platform SSO profile, checks it, and returns its bytes.
///
/// Settings are keyword arguments named after `generate`'s long options in
/// snake_case (`auth`, `min_macos`, `org`, `registration_token`, `filevault_policy`,
/// `extension_data`...): the fields of the library's `Spec`, with the values a spec
/// file takes (a list or a comma-separated string for lists, a dict for
/// `extension_data` and `authorization_groups`). They override `spec` (a TOML spec
/// file), which overrides `template` (a built-in template's name).
///
/// `format` is `"xml"` (default), `"binary"` or `"json"`. With `sign_cert` and
/// `sign_key` (PEM, and `sign_chain`), or `sign_p12` and `sign_p12_password`, the
/// profile is signed; `signing_time` is `"now"` (default), `"none"`, an RFC 3339
/// string or an aware datetime.
///
/// Raises `ProfileError` when the rules find errors (nothing is built), and
/// `ValueError` or `TypeError` for a setting it cannot take. Warnings are issued as
/// `ProfileWarning`.
#[pyfunction]
#[pyo3(name = "generate", signature = (*, template=None, spec=None, format="xml", sign_cert=None, sign_key=None, sign_chain=None, sign_p12=None, sign_p12_password=None, signing_time=None, **settings))]
#[allow(clippy::too_many_arguments)]
fn py_generate<'py>(
    py: Python<'py>,
    template: Option<String>,
    spec: Option<PathBuf>,
    format: &str,
    sign_cert: Option<&Bound<'py, PyAny>>,
    sign_key: Option<&Bound<'py, PyAny>>,
    sign_chain: Option<&Bound<'py, PyAny>>,
    sign_p12: Option<&Bound<'py, PyAny>>,
    sign_p12_password: Option<String>,
    signing_time: Option<&Bound<'py, PyAny>>,
    settings: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let format = self::format(format, "format")?;
    let given = given_spec(settings)?;
    let mut spec = match lib(SpecFile::layered(template.as_deref(), spec.as_deref()))? {
        Some(file) => lib(file.to_spec())?,
        None => Spec::default(),
    };
    spec.overlay(given);
    if sign_cert.is_none() && sign_key.is_none() && sign_p12.is_none() {
        let extra = [
            ("sign_chain", sign_chain.is_some()),
            ("sign_p12_password", sign_p12_password.is_some()),
            ("signing_time", signing_time.is_some()),
        ];
        if let Some((name, _)) = extra.iter().find(|(_, given)| *given) {
            return Err(PyTypeError::new_err(format!(
                "`{name}` needs `sign_cert` and `sign_key`, or `sign_p12`"
            )));
        }
    }
    let time = self::signing_time(signing_time)?;
    let signer = match (sign_cert, sign_key, sign_p12) {
        (None, None, None) => None,
        (Some(cert), Some(key), None) => Some(pem_signer(py, cert, key, sign_chain, time)?),
        (None, None, Some(p12)) => {
            let password = sign_p12_password
                .ok_or_else(|| PyTypeError::new_err("`sign_p12` needs `sign_p12_password`"))?;
            Some(p12_signer(py, p12, &password, time)?)
        }
        _ => {
            return Err(PyTypeError::new_err(
                "give either `sign_cert` and `sign_key`, or `sign_p12`",
            ));
        }
    };
    let generated = lib(py.detach(|| spec.generate()))?;
    if generated.is_refused() {
        return Err(refused(py, "<generated>", &generated.report));
    }
    let rendered = lib(py.detach(|| {
        Output {
            format,
            signing: signer.as_ref().map(|s| (s, time)),
            command: None,
        }
        .render_generated(&generated, &spec.declaration_options())
    }))?;
    warn_placeholders(py, &rendered.signed_placeholders)?;
    for finding in &generated.report.findings {
        if finding.severity == Severity::Warning {
            warn(py, format_finding("<generated>", finding, false).trim_end())?;
        }
    }
    Ok(PyBytes::new(py, &rendered.bytes))
}

/// Reads and lints a profile (XML, binary or CMS-signed, whose signature is
/// verified) and returns one file entry of `psso-profile validate --format json`:
/// `path`, `format`, `signature_valid`, `error`, `target`, `payloads`, `findings`,
/// `fixes`, `reregistration`.
///
/// `min_macos` is the fleet's oldest macOS (default: read from the profile, as
/// `validate` reads it); `expect` is what the Microsoft SSO payloads must configure
/// (`"platform-sso"`, `"sso-extension"` or `"any"`, the default). `strict` makes an expired
/// signing certificate invalidate the signature; `ca` is a CA certificate (PEM)
/// or a list of them that a signature must chain to. `name` names the profile in
/// the result (default: the path, or `<bytes>`). Raises `ValueError` when `data`
/// is not a profile.
#[pyfunction]
#[pyo3(name = "validate", signature = (data, *, min_macos=None, expect="any", strict=false, ca=None, name=None))]
#[allow(clippy::too_many_arguments)]
fn py_validate(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    min_macos: Option<&Bound<'_, PyAny>>,
    expect: &str,
    strict: bool,
    ca: Option<&Bound<'_, PyAny>>,
    name: Option<String>,
) -> PyResult<Py<PyAny>> {
    let input = input(data, "data")?.renamed(name);
    let min_macos = macos(min_macos)?;
    let expect = expectation(expect)?;
    let verify = verify_options(ca, strict)?;
    let linted = lib(py.detach(|| {
        let decoded = codec::parse(&input.bytes, &input.path)?;
        let options = lint::options_for(&decoded, min_macos, expect, false);
        Ok(lint::lint_with(decoded, &options, &verify))
    }))?;
    to_py(py, &FileReport::new(&input.name, &linted, &[], &[]))
}

/// `expect=` as the command line's `--expect` takes it.
fn expectation(text: &str) -> PyResult<Expect> {
    text.parse::<Expect>().map_err(|_| {
        PyValueError::new_err(format!(
            "invalid value `{text}` for `expect`: expected `platform-sso`, `sso-extension` or `any`"
        ))
    })
}

/// Repairs what `validate` can repair and returns the repaired profile's bytes
/// (XML, or binary when it came binary; a signed profile comes back unsigned, with
/// a `ProfileWarning`) and the file entry of the repaired profile, as
/// `psso-profile validate --fix --format json` prints it: `fixes` lists the
/// repairs, `findings` what remains. A signed profile whose signature does not
/// verify raises `ValueError` unless `drop_signature`.
#[pyfunction]
#[pyo3(name = "fix", signature = (data, *, min_macos=None, expect="any", drop_signature=false, name=None))]
fn py_fix<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    min_macos: Option<&Bound<'py, PyAny>>,
    expect: &str,
    drop_signature: bool,
    name: Option<String>,
) -> PyResult<(Bound<'py, PyBytes>, Py<PyAny>)> {
    let input = input(data, "data")?.renamed(name);
    let min_macos = macos(min_macos)?;
    let expect = expectation(expect)?;
    let verify = VerifyOptions::new();
    let (bytes, fixed) = lib(py.detach(|| {
        let decoded = codec::parse(&input.bytes, &input.path)?;
        let options = lint::options_for(&decoded, min_macos, expect, false);
        let linted = lint::lint_with(decoded, &options, &verify);
        let broken = if drop_signature {
            lint::BrokenSignature::Drop
        } else {
            lint::BrokenSignature::Refuse
        };
        lint::fix_bytes(&linted, &input.path, &verify, broken)
    }))?;
    if fixed.dropped_signature {
        warn(
            py,
            &format!(
                "`{}` was signed; the repaired profile is unsigned and must be signed again",
                input.name
            ),
        )?;
    }
    let report = to_py(
        py,
        &FileReport::new(
            &input.name,
            &fixed.linted,
            &fixed.fixes,
            &fixed.reregistration,
        ),
    )?;
    Ok((PyBytes::new(py, &bytes), report))
}

/// Refuses what `psso-profile sign` refuses: a profile already signed, and one
/// with findings at error level unless `force`.
fn check_before_signing(
    py: Python<'_>,
    input: &Input,
    min_macos: Option<MacOs>,
    force: bool,
) -> PyResult<()> {
    let decoded = lib(codec::parse(&input.bytes, &input.path))?;
    if decoded.signed.is_some() {
        return Err(PyValueError::new_err(format!(
            "`{}` is already signed; sign the unsigned profile",
            input.name
        )));
    }
    let report = crate::rules::check(&decoded.value, &Target::new(min_macos.unwrap_or_default()));
    if report.has_errors() && !force {
        return Err(refused(py, &input.name, &report));
    }
    Ok(())
}

/// Signs a profile (CMS, as `psso-profile sign`) with a PEM certificate and its
/// key (`cert`, `key`, `chain`: bytes or paths) and returns the signed bytes.
///
/// `signing_time` is `"now"` (default), `"none"`, an RFC 3339 string or an aware
/// datetime (pins the output bytes). A profile with findings at error level for
/// `min_macos` (default 14) raises `ProfileError` unless `force`; a signed one
/// raises `ValueError`.
#[pyfunction]
#[pyo3(name = "sign", signature = (data, *, cert, key, chain=None, signing_time=None, min_macos=None, force=false))]
#[allow(clippy::too_many_arguments)]
fn py_sign<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    cert: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    chain: Option<&Bound<'py, PyAny>>,
    signing_time: Option<&Bound<'py, PyAny>>,
    min_macos: Option<&Bound<'py, PyAny>>,
    force: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = input(data, "data")?;
    let time = self::signing_time(signing_time)?;
    check_before_signing(py, &input, macos(min_macos)?, force)?;
    let signer = pem_signer(py, cert, key, chain, time)?;
    sign_with(py, &input, &signer, time)
}

/// Signs a profile with the certificate, chain and key of a PKCS#12 file (`p12`:
/// bytes or a path) and its `password`; otherwise as `sign`.
#[pyfunction]
#[pyo3(name = "sign_p12", signature = (data, *, p12, password, signing_time=None, min_macos=None, force=false))]
fn py_sign_p12<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    p12: &Bound<'py, PyAny>,
    password: &str,
    signing_time: Option<&Bound<'py, PyAny>>,
    min_macos: Option<&Bound<'py, PyAny>>,
    force: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = input(data, "data")?;
    let time = self::signing_time(signing_time)?;
    check_before_signing(py, &input, macos(min_macos)?, force)?;
    let signer = p12_signer(py, p12, password, time)?;
    sign_with(py, &input, &signer, time)
}

fn sign_with<'py>(
    py: Python<'py>,
    input: &Input,
    signer: &Signer,
    time: SigningTime,
) -> PyResult<Bound<'py, PyBytes>> {
    warn_placeholders(py, &sign::placeholders(&input.bytes))?;
    let signed = py
        .detach(|| sign::sign(&input.bytes, signer, time))
        .map_err(|e| py_err(&Error::Sign(e)))?;
    Ok(PyBytes::new(py, &signed))
}

/// Verifies a signed profile and returns the document of
/// `psso-profile verify --format json`: `file`, `valid`, `signer`,
/// `digest_algorithm`, `signature_algorithm`, `signing_time`, `encoding`,
/// `content_bytes`, `content_is_profile`, `certificates`, `chain_checked`, `chain`,
/// `problems`.
///
/// `ca` is a CA certificate (PEM) or a list of them the signer must chain to (not
/// checked without); `strict` makes an expired certificate invalid. Raises
/// `ValueError` when `data` is not CMS.
#[pyfunction]
#[pyo3(name = "verify", signature = (data, *, ca=None, strict=false, name=None))]
fn py_verify(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    ca: Option<&Bound<'_, PyAny>>,
    strict: bool,
    name: Option<String>,
) -> PyResult<Py<PyAny>> {
    let input = input(data, "data")?.renamed(name);
    let options = verify_options(ca, strict)?;
    let signed = sign::open(&input.bytes).map_err(|source| {
        py_err(&Error::Unreadable {
            path: input.path.clone(),
            source,
        })
    })?;
    let verification = py.detach(|| sign::verify(&signed, &options));
    to_py(py, &VerifyReport::new(&input.name, &verification))
}

/// What a profile does: the document of `psso-profile inspect --format json`
/// (`file`, `encoding`, `signed`, `identity`, `payloads`, `sso`, `macos`,
/// `signature`, `lint`). Secrets are `<redacted>` unless `show_secrets`;
/// `min_macos` defaults to 13 for a profile carrying macOS 13's top-level
/// `AuthenticationMethod`, else 14.
#[pyfunction]
#[pyo3(name = "inspect", signature = (data, *, show_secrets=false, min_macos=None, name=None))]
fn py_inspect(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    show_secrets: bool,
    min_macos: Option<&Bound<'_, PyAny>>,
    name: Option<String>,
) -> PyResult<Py<PyAny>> {
    let input = input(data, "data")?.renamed(name);
    let options = Options {
        show_secrets,
        min_macos: macos(min_macos)?,
        expect: Expect::Any,
    };
    let inspection = lib(py.detach(|| {
        let decoded = codec::parse(&input.bytes, &input.path)?;
        Ok(inspect::inspect(decoded, &input.name, &options))
    }))?;
    to_py(py, &inspection)
}

/// Compares two profiles by meaning: the document of
/// `psso-profile diff --format json` (`old`, `new`, `same`, `changes`,
/// `reregistration`). Secrets are `<redacted>` unless `show_secrets`.
#[pyfunction]
#[pyo3(name = "diff", signature = (old, new, *, show_secrets=false))]
fn py_diff(
    py: Python<'_>,
    old: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    show_secrets: bool,
) -> PyResult<Py<PyAny>> {
    let read = |obj: &Bound<'_, PyAny>, what: &str| -> PyResult<_> {
        let mut input = input(obj, what)?;
        if input.name == BYTES {
            input = input.renamed(Some(format!("<{what}>")));
        }
        let decoded = lib(codec::parse(&input.bytes, &input.path))?;
        Ok((input.name, decoded))
    };
    let (old_name, old) = read(old, "old")?;
    let (new_name, new) = read(new, "new")?;
    let result = crate::diff::diff(&old.value, &new.value, show_secrets);
    to_py(
        py,
        &DiffReport::new(
            Side::new(old_name, &old),
            Side::new(new_name, &new),
            &result,
        ),
    )
}

/// The MDM `InstallProfile` command carrying the profile's bytes, unchanged (as
/// `psso-profile wrap`): `format` `"xml"` (default), `"binary"` or `"json"` (the
/// payload in base64). `command_uuid` defaults to a v5 UUID of the bytes. Raises
/// `ValueError` when `data` is not a configuration profile, or is signed with a
/// signature that does not verify (unless `drop_signature`: its content is then
/// carried unsigned).
#[pyfunction]
#[pyo3(name = "install_profile_command", signature = (data, *, format="xml", command_uuid=None, drop_signature=false))]
fn py_install_profile_command<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    format: &str,
    command_uuid: Option<&str>,
    drop_signature: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = input(data, "data")?;
    let format = match self::format(format, "format")? {
        Format::Declaration => {
            return Err(py_err(&Error::DeclarationOutput {
                what: "not carried by an InstallProfile command",
            }));
        }
        format => format,
    };
    let decoded = lib(crate::mdm::read_profile(&input.bytes, &input.path))?;
    let broken = if drop_signature {
        lint::BrokenSignature::Drop
    } else {
        lint::BrokenSignature::Refuse
    };
    let payload = lib(crate::mdm::payload(
        &input.bytes,
        &decoded,
        &input.path,
        broken,
    ))?;
    let uuid = match command_uuid {
        Some(text) => uuid::Uuid::try_parse(text).map_err(|_| {
            py_err(&Error::InvalidValue {
                key: "command-uuid".into(),
                value: text.into(),
                expected: "a UUID such as 0D5B2C84-8E0B-4B0B-9A44-3B2A8E7D1F20".into(),
            })
        })?,
        None => crate::mdm::derived_command_uuid(payload),
    };
    let command = crate::mdm::install_profile_command(payload, uuid);
    Ok(PyBytes::new(py, &lib(codec::write(&command, format))?))
}

/// Every setting of `generate`: the keyword arguments of `generate` (`field`) and
/// what `psso-profile explain` says of each (`key`, `option`, `help`, `default`,
/// `place`, `macos`).
#[pyfunction]
#[pyo3(name = "settings")]
fn py_settings(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let list = PyList::empty(py);
    for setting in SETTINGS {
        let entry = to_py(py, setting)?;
        let entry = entry.bind(py).cast::<PyDict>()?.clone();
        let fields = PyDict::new(py);
        fields.set_item("field", setting.field_name())?;
        fields.update(entry.as_mapping())?;
        list.append(fields)?;
    }
    Ok(list.into_any().unbind())
}

/// Registration state of every device seen, fed one Platform SSO notification at
/// a time in any order (as the library's `events::Tracker`).
#[pyclass(module = "psso_profile", name = "Tracker")]
#[derive(Default)]
struct PyTracker {
    inner: events::Tracker,
}

#[pymethods]
impl PyTracker {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Records one notification: `device` (not empty), `event` (one of the nine
    /// `Microsoft.PlatformSSO.*` names), `time` (an RFC 3339 str or an aware
    /// datetime). Returns the change of compliance it causes, in the shape of a row
    /// of `psso-profile events reduce --transitions --format json` (`time`,
    /// `device`, `compliant`, `event`), or `None`. Raises `ValueError` for a
    /// notification that is not one.
    fn record(
        &mut self,
        py: Python<'_>,
        device: &str,
        event: &str,
        time: &Bound<'_, PyAny>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let event = Event::from_fields(device, event, &time_text(time)?)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        match self.inner.record(&event) {
            Some(change) => Ok(Some(to_py(py, &TransitionRow::from(&change))?)),
            None => Ok(None),
        }
    }

    /// Every device's state, sorted by device: the rows of
    /// `psso-profile events reduce --format json` (`device`, `device_registration`,
    /// `user_registration`, `registration_failed`, `compliant`, `last_change`).
    fn states(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.rows())
    }

    /// How many devices the tracker has seen.
    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

/// Runs the `psso-profile` command line with `args` (the program name first, as
/// `sys.argv`) and returns its exit code: the same program as the binary, with the
/// GIL released while it runs.
#[pyfunction]
#[pyo3(name = "run_cli")]
fn py_run_cli(py: Python<'_>, args: Vec<std::ffi::OsString>) -> u8 {
    py.detach(|| crate::cli::run_from(args))
}

/// The native part of the `psso_profile` package.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ProfileError", m.py().get_type::<ProfileError>())?;
    m.add("ProfileWarning", m.py().get_type::<ProfileWarning>())?;
    m.add_class::<PyTracker>()?;
    m.add_function(wrap_pyfunction!(py_generate, m)?)?;
    m.add_function(wrap_pyfunction!(py_validate, m)?)?;
    m.add_function(wrap_pyfunction!(py_fix, m)?)?;
    m.add_function(wrap_pyfunction!(py_sign, m)?)?;
    m.add_function(wrap_pyfunction!(py_sign_p12, m)?)?;
    m.add_function(wrap_pyfunction!(py_verify, m)?)?;
    m.add_function(wrap_pyfunction!(py_inspect, m)?)?;
    m.add_function(wrap_pyfunction!(py_diff, m)?)?;
    m.add_function(wrap_pyfunction!(py_install_profile_command, m)?)?;
    m.add_function(wrap_pyfunction!(py_settings, m)?)?;
    m.add_function(wrap_pyfunction!(py_run_cli, m)?)?;
    Ok(())
}
