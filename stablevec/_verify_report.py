"""Text tables and JSON documents for the results of ``stablevec verify``."""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from typing import Any

import gensim
import numpy as np

from stablevec._verify import ModelSettings, Row
from stablevec._verify_command import CommandResult
from stablevec._version import SCHEME_VERSION, __version__

#: Hex digits of each fingerprint shown in the text table; --json gives all 64.
SHORT_DIGITS = 12

#: Lines of unified diff printed in the text report; --json gives the whole diff.
MAX_DIFF_LINES = 200


def _format_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[column]) for row in [header, *body]) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *body]]
    return "\n".join(lines)


def _environment() -> dict[str, str]:
    return {
        "stablevec": __version__,
        "gensim": gensim.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "byteorder": sys.byteorder,
    }


def stablevec_rows_agree(rows: Sequence[Row]) -> bool:
    """Return whether every stablevec row has the same fingerprint in all runs."""
    return all(row.agree for row in rows if row.library == "stablevec")


def format_models_report(settings: ModelSettings, rows: Sequence[Row], seeds: Sequence[int]) -> str:
    """Return the settings line, the text table of `rows` and a verdict on the stablevec rows."""
    intro = (
        f"corpus {settings.corpus}; vector_size {settings.vector_size}, {settings.epochs} epochs, "
        f"min_count {settings.min_count}, seed {settings.seed}, workers 1; {len(seeds)} fresh interpreters "
        "per model and library. Fingerprints are the first 12 hex digits of stablevec.fingerprint."
    )
    header = ["model", "stage", "library", *(f"PYTHONHASHSEED={seed}" for seed in seeds), "runs agree"]
    body = [
        [row.model, row.stage, row.library, *(value[:SHORT_DIGITS] for value in row.fingerprints),
         "yes" if row.agree else "NO"]
        for row in rows
    ]
    lines = [intro, "", _format_table(header, body), ""]
    stablevec_rows = [row for row in rows if row.library == "stablevec"]
    differing = [f"{row.model} {row.stage}" for row in stablevec_rows if not row.agree]
    if differing:
        lines.append(
            f"FAILED: {len(differing)} of {len(stablevec_rows)} stablevec rows differ across runs: "
            + ", ".join(differing)
        )
    else:
        lines.append(f"OK: all {len(stablevec_rows)} stablevec rows agree across {len(seeds)} runs.")
    gensim_differing = [f"{row.model} {row.stage}" for row in rows if row.library == "gensim" and not row.agree]
    if gensim_differing:
        lines.append("gensim rows that differ across runs: " + ", ".join(gensim_differing) + ".")
    else:
        lines.append("All gensim rows agree across runs as well.")
    return "\n".join(lines)


def models_document(settings: ModelSettings, rows: Sequence[Row], seeds: Sequence[int]) -> dict[str, Any]:
    """Return the --json document of a model verification."""
    agree = stablevec_rows_agree(rows)
    return {
        "mode": "models",
        "environment": _environment(),
        "scheme": SCHEME_VERSION,
        "settings": {
            "corpus": settings.corpus,
            "encoding": settings.encoding,
            "seed": settings.seed,
            "vector_size": settings.vector_size,
            "epochs": settings.epochs,
            "min_count": settings.min_count,
            "workers": 1,
            "models": list(settings.models),
        },
        "hash_seeds": list(seeds),
        "rows": [
            {
                "model": row.model,
                "stage": row.stage,
                "library": row.library,
                "fingerprints": list(row.fingerprints),
                "agree": row.agree,
            }
            for row in rows
        ],
        "stablevec_rows_agree": agree,
        "exit_status": 0 if agree else 1,
    }


def _truncated_diff(diff: str) -> str:
    lines = diff.splitlines()
    if len(lines) <= MAX_DIFF_LINES:
        return diff
    hidden = len(lines) - MAX_DIFF_LINES
    return "\n".join([*lines[:MAX_DIFF_LINES], f"... {hidden} more diff lines; --json prints the whole diff"])


def format_command_report(result: CommandResult) -> str:
    """Return the text report of a command verification, with the diff of the first difference."""
    header = ["run", "PYTHONHASHSEED", "output SHA-256", "bytes", "same as run 1"]
    first = result.outputs[0]
    runs = zip(result.hash_seeds, result.outputs, result.digests)
    body = [
        [str(number), str(seed), digest[:SHORT_DIGITS], str(len(output)), "yes" if output == first else "NO"]
        for number, (seed, output, digest) in enumerate(runs, start=1)
    ]
    lines = [f"command: {result.command_text}", f"compared: {result.output_name}", "", _format_table(header, body), ""]
    if result.agree:
        lines.append(f"OK: the {result.output_name} is identical in all {len(result.outputs)} runs.")
    else:
        lines.append(f"FAILED: the {result.output_name} differs between runs. First difference:")
        lines.append(_truncated_diff(result.diff))
    return "\n".join(lines)


def command_document(result: CommandResult) -> dict[str, Any]:
    """Return the --json document of a command verification."""
    return {
        "mode": "command",
        "environment": _environment(),
        "command": list(result.command),
        "output": result.output_name,
        "hash_seeds": list(result.hash_seeds),
        "runs": [
            {"hash_seed": seed, "sha256": digest, "bytes": len(output), "same_as_first": output == result.outputs[0]}
            for seed, output, digest in zip(result.hash_seeds, result.outputs, result.digests)
        ],
        "agree": result.agree,
        "diff": None if result.agree else result.diff,
        "exit_status": 0 if result.agree else 1,
    }
