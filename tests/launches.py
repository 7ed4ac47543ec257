"""Run Python code in fresh interpreters, each with its own PYTHONHASHSEED."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Hash seeds of the fresh interpreters; different values make str hash() differ.
HASH_SEEDS = ("0", "12345", "random")

_REPOSITORY = Path(__file__).resolve().parent.parent


def run_fresh(code: str, hash_seed: str, timeout: float = 600) -> Any:
    """Run `code` in a new interpreter and return the JSON it prints on its last line."""
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    # The tests directory goes on the path so the code can import helpers such as reference.py.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(_REPOSITORY / "tests"), *filter(None, [env.get("PYTHONPATH")])]
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if completed.returncode != 0:
        raise AssertionError(f"fresh interpreter failed (PYTHONHASHSEED={hash_seed}):\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_in_launches(code: str) -> list[Any]:
    """Run `code` once per hash seed in HASH_SEEDS and return the results in order."""
    return [run_fresh(code, hash_seed) for hash_seed in HASH_SEEDS]
