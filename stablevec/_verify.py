"""Train each model in fresh interpreters and compare the fingerprints of the runs."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from stablevec._corpus import check_vocabulary, read_corpus
from stablevec._fresh_runs import hash_seeds, run_python_module
from stablevec._verify_models import LIBRARIES, MODELS_BY_NAME, ModelSpec

__all__ = ["ModelSettings", "Row", "VerifyError", "verify_models"]

WORKER_MODULE = "stablevec._verify_worker"


class VerifyError(RuntimeError):
    """A run that failed, so its fingerprints cannot be compared."""


@dataclass(frozen=True)
class ModelSettings:
    """Training settings shared by every run of ``stablevec verify``."""

    corpus: str
    encoding: str = "utf-8"
    seed: int = 1
    vector_size: int = 50
    epochs: int = 5
    min_count: int = 5
    runs: int = 3
    models: tuple[str, ...] = field(default_factory=lambda: tuple(MODELS_BY_NAME))

    def job(self, model: str, library: str) -> dict[str, Any]:
        """Return the JSON-ready job that a worker runs for `model` from `library`."""
        return {
            "model": model,
            "library": library,
            "corpus": self.corpus,
            "encoding": self.encoding,
            "seed": self.seed,
            "vector_size": self.vector_size,
            "epochs": self.epochs,
            "min_count": self.min_count,
        }


@dataclass(frozen=True)
class Row:
    """The fingerprints of one (model, stage, library) across the runs, in run order."""

    model: str
    stage: str
    library: str
    fingerprints: tuple[str, ...]

    @property
    def agree(self) -> bool:
        """Whether every run produced the same fingerprint."""
        return len(set(self.fingerprints)) == 1


def _last_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(no output)"


def _run_worker(settings: ModelSettings, spec: ModelSpec, library: str, hash_seed: int) -> dict[str, str]:
    job = json.dumps(settings.job(spec.name, library))
    completed = run_python_module(WORKER_MODULE, [job], hash_seed)
    if completed.returncode != 0:
        raise VerifyError(
            f"the {spec.name} run with {library} failed (PYTHONHASHSEED={hash_seed}, exit status "
            f"{completed.returncode}): {_last_line(completed.stderr)}; rerun with --models to isolate it"
        )
    stages: dict[str, str] = json.loads(_last_line(completed.stdout))["stages"]
    return stages


def check_corpus(settings: ModelSettings) -> int:
    """Read the corpus once and return its vocabulary size, raising CorpusError for a bad corpus."""
    return check_vocabulary(read_corpus(settings.corpus, settings.encoding), settings.min_count, settings.corpus)


def verify_models(settings: ModelSettings, progress: Optional[Callable[[str], None]] = None) -> list[Row]:
    """Train every model of `settings` in `settings.runs` fresh interpreters per library.

    Each run is a new interpreter with its own PYTHONHASHSEED (see
    :func:`stablevec._fresh_runs.hash_seeds`) that trains with workers=1.  Rows come
    grouped by model, then stage, with stablevec's row before gensim's.

    Raises
    ------
    CorpusError
        If the corpus is missing, unreadable, empty or has no word with `min_count` occurrences.
    VerifyError
        If a run exits with an error.
    """
    check_corpus(settings)
    seeds = hash_seeds(settings.runs)
    specs = [MODELS_BY_NAME[name] for name in settings.models]
    total = len(specs) * len(LIBRARIES) * len(seeds)
    done = 0
    rows: list[Row] = []
    for spec in specs:
        results: dict[str, list[dict[str, str]]] = {}
        for library in LIBRARIES:
            results[library] = []
            for number, hash_seed in enumerate(seeds, start=1):
                started = time.perf_counter()
                results[library].append(_run_worker(settings, spec, library, hash_seed))
                done += 1
                if progress is not None:
                    seconds = time.perf_counter() - started
                    progress(
                        f"[{done}/{total}] {spec.name} with {library}, run {number} of {len(seeds)} "
                        f"(PYTHONHASHSEED={hash_seed}): {seconds:.1f} s"
                    )
        for stage in spec.stages:
            for library in LIBRARIES:
                fingerprints = tuple(stages[stage] for stages in results[library])
                rows.append(Row(spec.name, stage, library, fingerprints))
    return rows
