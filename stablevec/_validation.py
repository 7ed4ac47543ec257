"""Input checks shared by the stablevec model classes.

Each check raises before the model changes: TypeError for a value of the wrong kind,
ValueError for a value out of range, with a message that names the value and the fix.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, Optional

import numpy as np

from stablevec._hashing import check_seed

__all__ = [
    "caller_stacklevel",
    "check_allocation",
    "check_model_seed",
    "check_vector_size",
    "check_vocabulary_keys",
    "check_workers",
    "physical_memory_bytes",
    "warn_if_corpus_of_strings",
]

#: gensim seeds ``numpy.random.RandomState`` with the model seed, which accepts 0 to 2**32 - 1.
MAX_MODEL_SEED = 2**32 - 1


def _is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_vector_size(vector_size: Any) -> int:
    """Return `vector_size` as an int, or raise for a non-integer or non-positive value."""
    if not _is_integer(vector_size):
        raise TypeError(
            f"vector_size must be a positive integer, got {vector_size!r} of type "
            f"{type(vector_size).__name__}; pass an int such as vector_size=100"
        )
    if vector_size <= 0:
        raise ValueError(f"vector_size must be a positive integer, got {vector_size}; pass for example 100")
    return int(vector_size)


def check_model_seed(seed: Any) -> int:
    """Return a model seed as an int, or raise when gensim's RandomState cannot take it.

    :func:`stablevec.stable_vectors` accepts any integer seed, but a model also seeds
    ``numpy.random.RandomState`` with it for negative sampling and downsampling.
    """
    seed = check_seed(seed)
    if not 0 <= seed <= MAX_MODEL_SEED:
        raise ValueError(
            f"seed must be between 0 and 2**32 - 1 for a model, got {seed}, because gensim seeds "
            "numpy.random.RandomState with it; pass a seed in that range, for example seed % 2**32"
        )
    return seed


def check_workers(workers: Any) -> Optional[int]:
    """Return `workers` as an int or None, or raise for a non-integer or non-positive value."""
    if workers is None:
        return None
    if not _is_integer(workers):
        raise TypeError(
            f"workers must be a positive integer or None, got {workers!r} of type {type(workers).__name__}; "
            "pass for example workers=1"
        )
    if workers < 1:
        # gensim starts no worker thread for workers=0, so train() would return without training.
        raise ValueError(f"workers must be at least 1, got {workers}; pass for example workers=1")
    return int(workers)


def physical_memory_bytes() -> Optional[int]:
    """Return the machine's physical memory in bytes, or None where the OS does not report it."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        # NOTE: os.sysconf has no such names on Windows, so the memory checks are skipped there.
        return None


def check_allocation(rows: int, vector_size: int, arrays: int, subject: str) -> None:
    """Raise ValueError when `arrays` float32 matrices of shape (rows, vector_size) exceed physical memory.

    The check runs before anything is allocated. Linux usually lets an oversized
    ``numpy.empty`` succeed and kills the process later, when the rows are written.
    """
    available = physical_memory_bytes()
    if available is None:
        return
    needed = rows * vector_size * np.dtype(np.float32).itemsize * arrays
    if needed > available:
        raise ValueError(
            f"{subject} need {arrays} float32 array(s) of shape ({rows}, {vector_size}), "
            f"{needed / 2**30:.1f} GiB in all, more than the {available / 2**30:.1f} GiB of physical memory; "
            "reduce vector_size, or raise min_count or set max_final_vocab to keep fewer words"
        )


def check_vocabulary_keys(keys: Iterable[Any]) -> None:
    """Raise TypeError for the first key that is neither str nor int (bool excluded)."""
    for key in keys:
        if isinstance(key, str) or _is_integer(key):
            continue
        raise TypeError(
            f"the corpus contains the token {key!r} of type {type(key).__name__}, but stablevec seeds "
            "vectors only for str and int tokens; decode bytes tokens (token.decode('utf-8')) or "
            "convert the tokens with str() before building the vocabulary"
        )


def caller_stacklevel() -> int:
    """Return the ``warnings.warn`` stacklevel of the nearest caller outside stablevec and gensim.

    Model methods reach the checks through gensim's own methods, at depths that
    differ between the constructor and ``build_vocab``, so a fixed stacklevel would
    point into gensim.
    """
    # Level 1 is the function that calls warnings.warn, which is this function's caller.
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").partition(".")[0] in _LIBRARY_PACKAGES:
        frame = frame.f_back
        level += 1
    return level


_LIBRARY_PACKAGES = ("stablevec", "gensim")


def warn_if_corpus_of_strings(corpus_iterable: Any) -> None:
    """Warn when the first corpus item is a str, which trains on its characters as words.

    gensim logs its own warning for this while scanning; the Python warning adds the
    fix. A one-pass iterator is not inspected, because reading its first item would
    remove that item from the corpus.
    """
    if corpus_iterable is None or isinstance(corpus_iterable, (str, Iterator)):
        return
    if not isinstance(corpus_iterable, Iterable):
        return
    first = next(iter(corpus_iterable), None)
    if isinstance(first, str):
        warnings.warn(
            f"the corpus items are strings (the first is {first[:40]!r}), so every character becomes a word; "
            "pass lists of tokens instead, for example [line.split() for line in lines] or "
            "gensim.utils.simple_preprocess(line)",
            UserWarning,
            stacklevel=caller_stacklevel(),
        )
