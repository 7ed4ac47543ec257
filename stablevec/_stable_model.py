"""Behaviour shared by the stablevec model classes: stable weight resets and guards.

The mixin goes first in each model's bases so that its ``init_weights`` and
``update_weights`` replace gensim's, which fill the matrix from one RNG stream in
vocabulary order.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any, Callable, Optional, TypeVar

import numpy as np

from stablevec._hashing import WORD_NAMESPACE
from stablevec._initializer import fill_stable_rows
from stablevec._version import SCHEME_VERSION, __version__

logger = logging.getLogger(__name__)

#: gensim 3 keyword names accepted by the constructors, mapped to their gensim 4 names.
LEGACY_KEYWORDS = {"size": "vector_size", "iter": "epochs"}

_Init = TypeVar("_Init", bound=Callable[..., None])


def accept_legacy_keywords(init: _Init) -> _Init:
    """Wrap a constructor so gensim 3 keyword names map to gensim 4 ones with a warning."""
    parameters = list(inspect.signature(init).parameters)

    @functools.wraps(init)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        for old, new in LEGACY_KEYWORDS.items():
            if old not in kwargs:
                continue
            # args excludes self, which is parameters[0].
            given_positionally = len(args) >= parameters.index(new)
            if new in kwargs or given_positionally:
                raise TypeError(
                    f"{type(self).__name__}() got both {old!r} and {new!r}; {old!r} is the gensim 3 name "
                    f"of {new!r}, so pass only {new}="
                )
            warnings.warn(
                f"the {old!r} keyword is deprecated since gensim 4; use {new}= instead",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs[new] = kwargs.pop(old)
        init(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def check_hashfxn(hashfxn: Any) -> None:
    """Warn when a caller passes a hash function that stablevec will not use."""
    if hashfxn is not hash:
        warnings.warn(
            f"hashfxn={hashfxn!r} is ignored: stablevec seeds every initial vector with XXH64 of "
            "key + str(seed), which is the same in every interpreter launch",
            UserWarning,
            stacklevel=3,
        )


def resolve_workers(workers: Optional[int], deterministic: bool) -> int:
    """Return the worker count to use, rejecting counts that break a deterministic run."""
    if workers is None:
        return 1 if deterministic else 3
    if deterministic and workers != 1:
        raise ValueError(
            f"deterministic=True requires workers=1, got workers={workers}: several worker threads "
            "update shared weights in an order that changes from run to run. Pass workers=1, or "
            "deterministic=False to accept non-reproducible training"
        )
    return workers


class StableInitMixin:
    """Replace gensim's vector-reset hooks with per-key stable vectors.

    Attributes
    ----------
    deterministic : bool
        Whether the model rejects settings that make training non-reproducible.
    stablevec_scheme : int
        Scheme version that initialised the model; later vocabulary updates use the
        same scheme so that a saved model keeps its rules when a newer stablevec loads it.
    """

    # Attributes that gensim's model classes define; declared for the type checker.
    wv: Any
    seed: int
    hs: int
    negative: int
    layer1_size: int
    workers: int
    syn1: np.ndarray
    syn1neg: np.ndarray
    deterministic: bool = False
    stablevec_scheme: int = SCHEME_VERSION
    add_lifecycle_event: Callable[..., None]

    def stable_rows(self, keys: Sequence[Any], vector_size: int, prefix: bytes = WORD_NAMESPACE) -> np.ndarray:
        """Return the float32 initial rows of `keys` in namespace `prefix`, with this model's seed."""
        rows = np.empty((len(keys), vector_size), dtype=np.float32)
        fill_stable_rows(keys, self.seed, rows, prefix=prefix)
        return rows

    def _log_initialisation(self, what: str, count: int, started: float) -> None:
        seconds = time.perf_counter() - started
        logger.info(
            "stablevec scheme %d initialised %d %s (seed %d, vector_size %d) in %.3f s",
            self.stablevec_scheme, count, what, self.seed, self.wv.vector_size, seconds,
        )
        # gensim logs each lifecycle event at INFO; DEBUG keeps one INFO line per initialisation.
        self.add_lifecycle_event(
            "stablevec_init",
            log_level=logging.DEBUG,
            stablevec_version=__version__,
            scheme=self.stablevec_scheme,
            seed=self.seed,
            initialised=what,
            count=count,
        )

    def init_weights(self) -> None:
        """Set every word vector to its stable row and zero the output-layer weights."""
        started = time.perf_counter()
        wv = self.wv
        wv.vectors = self.stable_rows(wv.index_to_key, wv.vector_size)
        wv.allocate_vecattrs()
        wv.norms = None
        # Output-layer weights start at zero, as in gensim.
        if self.hs:
            self.syn1 = np.zeros((len(wv), self.layer1_size), dtype=np.float32)
        if self.negative:
            self.syn1neg = np.zeros((len(wv), self.layer1_size), dtype=np.float32)
        self._log_initialisation("word vectors", len(wv), started)

    def update_weights(self) -> None:
        """Keep existing word rows, trained or not, and give each new word its stable row."""
        started = time.perf_counter()
        wv = self.wv
        self.check_update_allowed()
        old_count = len(wv.vectors)
        new_keys = wv.index_to_key[old_count:]
        vectors = np.empty((len(wv.index_to_key), wv.vector_size), dtype=np.float32)
        vectors[:old_count] = wv.vectors
        fill_stable_rows(new_keys, self.seed, vectors[old_count:])
        wv.vectors = vectors
        wv.allocate_vecattrs()
        wv.norms = None
        gained = len(new_keys)
        if self.hs:
            self.syn1 = np.vstack([self.syn1, np.zeros((gained, self.layer1_size), dtype=np.float32)])
        if self.negative:
            self.syn1neg = np.vstack([self.syn1neg, np.zeros((gained, self.layer1_size), dtype=np.float32)])
        self._log_initialisation("new word vectors", gained, started)

    def build_vocab(
        self,
        corpus_iterable: Any = None,
        corpus_file: Optional[str] = None,
        update: bool = False,
        progress_per: int = 10000,
        keep_raw_vocab: bool = False,
        trim_rule: Any = None,
        **kwargs: Any,
    ) -> None:
        """Build the vocabulary as gensim does; see gensim's ``Word2Vec.build_vocab``.

        Raises
        ------
        RuntimeError
            If `update` is true but the model has no vocabulary yet.  The check runs
            before the corpus is scanned, so the model is left unchanged.
        """
        if update:
            self.check_update_allowed()
        super().build_vocab(  # type: ignore[misc]
            corpus_iterable=corpus_iterable,
            corpus_file=corpus_file,
            update=update,
            progress_per=progress_per,
            keep_raw_vocab=keep_raw_vocab,
            trim_rule=trim_rule,
            **kwargs,
        )

    def check_update_allowed(self) -> None:
        """Raise RuntimeError when an online vocabulary update has no vocabulary to extend."""
        if not len(self.wv.index_to_key) or not len(self.wv.vectors):
            raise RuntimeError(
                "build_vocab(update=True) needs an existing vocabulary, but this model has none; "
                "call build_vocab(corpus) without update=True first"
            )

    def train(self, *args: Any, **kwargs: Any) -> Any:
        """Train as gensim does, after checking the worker settings; see gensim's ``train``."""
        self.check_training_settings()
        return super().train(*args, **kwargs)  # type: ignore[misc]

    def check_training_settings(self) -> None:
        """Raise for a deterministic model set to train with several workers; else log once."""
        if self.deterministic and self.workers != 1:
            raise ValueError(
                f"deterministic=True requires workers=1, but model.workers is {self.workers}; set "
                "model.workers = 1 before training"
            )
        if self.workers > 1 and not getattr(self, "_stablevec_workers_logged", False):
            logger.info(
                "training with workers=%d: initial vectors are reproducible, but trained vectors will not "
                "be bit-reproducible because worker threads update shared weights in varying order; "
                "use workers=1 or deterministic=True for bit-identical results",
                self.workers,
            )
            self._stablevec_workers_logged = True
