"""What the package installs beside the functions: typed stubs that list every
setting, docstrings, `py.typed`, and the README's Python example."""

import ast
import inspect
import re
from pathlib import Path

import psso_profile
from conftest import ROOT

PACKAGE = Path(psso_profile.__file__).parent
SPECIAL = {"template", "spec", "format", "sign_cert", "sign_key", "sign_chain", "sign_p12",
           "sign_p12_password", "signing_time"}


def stub_functions():
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    return functions, classes


def test_the_stub_lists_every_setting_of_generate():
    functions, _ = stub_functions()
    arguments = [a.arg for a in functions["generate"].args.kwonlyargs]
    settings = [s["field"] for s in psso_profile.settings()]
    assert [a for a in arguments if a not in SPECIAL] == settings
    assert SPECIAL <= set(arguments)


def test_the_stub_and_the_module_agree():
    functions, classes = stub_functions()
    public = set(psso_profile.__all__) - {"__version__"}
    assert set(functions) | set(classes) == public
    for name in functions:
        runtime = getattr(psso_profile, name)
        assert runtime.__doc__ and runtime.__doc__.strip(), name
        if name == "generate":
            continue  # its settings are **kwargs at run time
        stub_args = [a.arg for a in functions[name].args.args + functions[name].args.kwonlyargs]
        runtime_args = list(inspect.signature(runtime).parameters)
        assert stub_args == runtime_args, name
    for method in ["record", "states"]:
        assert getattr(psso_profile.Tracker, method).__doc__, method
    assert psso_profile.ProfileError.__doc__ and issubclass(psso_profile.ProfileError, ValueError)
    assert issubclass(psso_profile.ProfileWarning, UserWarning)
    assert (PACKAGE / "py.typed").is_file()


def test_the_module_docstring_example_runs():
    import doctest

    assert doctest.testmod(psso_profile, raise_on_error=True).attempted == 3


def test_the_version_is_the_crate_version():
    cargo = (ROOT / "Cargo.toml").read_text()
    assert psso_profile.__version__ == re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```$", readme, re.S | re.M)
    assert blocks, "README.md has no ```python block"
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
