"""Test matrix: the test suite under three Python, gensim and NumPy combinations.

Run every session with ``nox``, or one with ``nox -s tests-3.9``. Arguments after
``--`` go to pytest (``nox -s tests-3.11 -- -k golden``). Interpreters come from
pyenv when it is installed: ``$(pyenv root)/versions/<version>.*/bin`` is put first
on PATH, so the newest installed patch release of each version is used. Without
pyenv, nox looks for ``python3.9`` and so on on PATH. nox never downloads an
interpreter here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

import nox

#: Python version -> requirements installed together with ``.[test]``. The last
#: entry pins nothing, so pip resolves the newest gensim and NumPy for that Python.
MATRIX = {
    "3.9": ["gensim==4.3.3", "numpy==1.26.*"],
    "3.11": ["gensim==4.4.*", "numpy>=2,<3"],
    "3.13": ["gensim", "numpy"],
}

nox.options.sessions = ["tests"]
nox.options.default_venv_backend = "venv"
# A missing interpreter is an error, not a download from the network.
nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = True


def _pyenv_root() -> Optional[Path]:
    """Return pyenv's root directory, or None when pyenv is not installed."""
    if "PYENV_ROOT" in os.environ:
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    completed = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return None
    return Path(completed.stdout.strip())


def _patch_level(directory: Path) -> tuple[int, ...]:
    parts = directory.name.split(".")
    return tuple(int(part) if part.isdigit() else -1 for part in parts)


def _put_pyenv_interpreters_on_path() -> None:
    """Prepend the bin directory of the newest pyenv patch release of each MATRIX version to PATH."""
    root = _pyenv_root()
    if root is None:
        return
    directories = []
    for version in MATRIX:
        candidates = [path for path in (root / "versions").glob(f"{version}.*") if (path / "bin").is_dir()]
        # Only plain CPython releases such as 3.9.18, not 3.9-dev or virtualenvs.
        candidates = [path for path in candidates if all(part.isdigit() for part in path.name.split("."))]
        if candidates:
            directories.append(str(max(candidates, key=_patch_level) / "bin"))
    os.environ["PATH"] = os.pathsep.join([*directories, os.environ.get("PATH", "")])


_put_pyenv_interpreters_on_path()


@nox.session(python=list(MATRIX))
def tests(session: nox.Session) -> None:
    """Install stablevec with its test extra and the session's pins, then run pytest.

    Tests marked slow are skipped here because the main CI run executes them once;
    the golden-vector tests are not slow, so every session checks them.
    """
    assert isinstance(session.python, str)
    session.install(".[test]", *MATRIX[session.python])
    session.run(
        "python", "-c",
        "import sys, gensim, numpy; print('Python', sys.version.split()[0], 'gensim', gensim.__version__, "
        "'numpy', numpy.__version__)",
    )
    # pytest, not "python -m pytest": the current directory stays off sys.path, so the
    # tests import the installed package rather than the source tree.
    session.run("pytest", "-m", "not slow", "-p", "no:cacheprovider", *session.posargs)
