"""Start fresh interpreters and commands, each with its own PYTHONHASHSEED."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["hash_seeds", "run_python_module", "run_with_hash_seed"]

#: Directory that contains the ``stablevec`` package, for workers started from a source checkout.
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


def hash_seeds(runs: int) -> list[int]:
    """Return the PYTHONHASHSEED of each run: 0, 1, 2, and so on.

    Fixed values make a verify report reproducible.  Each value gives ``str``
    hashes of its own, and 0 turns hash randomisation off.
    """
    return list(range(runs))


def run_with_hash_seed(command: list[str], hash_seed: int) -> subprocess.CompletedProcess[bytes]:
    """Run `command` with PYTHONHASHSEED set to `hash_seed` and capture its output.

    stdin is empty, so every run reads the same input.  FileNotFoundError and
    PermissionError from starting the command propagate to the caller.
    """
    environment = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    return subprocess.run(command, env=environment, stdin=subprocess.DEVNULL, capture_output=True, check=False)


def run_python_module(module: str, arguments: list[str], hash_seed: int) -> subprocess.CompletedProcess[bytes]:
    """Run ``main(sys.argv)`` of a stablevec module in a fresh interpreter.

    The package's directory is appended to the child's ``sys.path``, so this works
    from a source checkout as well as from an installed package, and shadows nothing.
    """
    code = (
        "import sys, importlib; "
        f"sys.path.append({_PACKAGE_PARENT!r}); "
        f"sys.exit(importlib.import_module({module!r}).main(sys.argv))"
    )
    return run_with_hash_seed([sys.executable, "-c", code, *arguments], hash_seed)
