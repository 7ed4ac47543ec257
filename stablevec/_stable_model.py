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
from typing import Any, Callable, ClassVar, Optional, TypeVar

import numpy as np

from stablevec._hashing import WORD_NAMESPACE
from stablevec._initializer import fill_stable_rows
from stablevec._validation import (
    caller_stacklevel,
    check_allocation,
    check_model_seed,
    check_vector_size,
    check_vocabulary_keys,
    check_workers,
    warn_if_corpus_of_strings,
)
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
            stacklevel=caller_stacklevel(),
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


def weight_matrices(hs: Any, negative: Any) -> int:
    """Return how many (words, vector_size) float32 matrices a model with these settings keeps."""
    return 1 + bool(hs) + bool(negative)


def adopt_model(model: Any, cls: Any, gensim_cls: type) -> Any:
    """Turn a loaded gensim model of `gensim_cls` into an instance of `cls`, in place."""
    if isinstance(model, cls):
        pass
    elif type(model) is gensim_cls:
        # The subclass adds no instance state beyond the attributes set below, so
        # switching the class keeps every array as it is, with no copy.
        model.__class__ = cls
    else:
        raise TypeError(
            f"{cls.__name__} can adopt a {gensim_cls.__module__}.{gensim_cls.__name__} model, got "
            f"{type(model).__module__}.{type(model).__name__}; load it with the matching stablevec class"
        )
    vars(model).setdefault("deterministic", False)
    vars(model).setdefault("stablevec_scheme", SCHEME_VERSION)
    if callable(getattr(model, "hashfxn", None)):
        model.hashfxn = None
    # gensim's loader installs a numpy Generator when a file has no RNG, but the
    # Cython training routines call RandomState.randint(low, high, size), which a
    # Generator lacks, so train() would fail inside its worker thread and hang.
    if not isinstance(getattr(model, "random", None), np.random.RandomState):
        model.random = np.random.RandomState(model.seed)
    return model


class StableInitMixin:
    """Replace gensim's vector-reset hooks with per-key stable vectors.

    Attributes
    ----------
    deterministic : bool
        Whether the model rejects settings that make training non-reproducible.
    stablevec_scheme : int
        Scheme version that initialised the model, saved with it so that a later
        stablevec can keep the same rules for the model's vocabulary updates.
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
    min_count: int
    max_final_vocab: Optional[int]
    deterministic: bool = False
    stablevec_scheme: int = SCHEME_VERSION
    add_lifecycle_event: Callable[..., None]

    #: The gensim class that this stablevec class extends and can adopt.
    gensim_class: ClassVar[type]

    def prepare_construction(
        self, *, hashfxn: Any, seed: Any, vector_size: Any, workers: Any, deterministic: Any, hs: Any, negative: Any
    ) -> tuple[int, int]:
        """Check the constructor arguments and set stablevec's attributes; return (vector_size, workers).

        gensim trains inside ``__init__`` when given a corpus, so every constructor
        calls this before ``super().__init__``: it rejects bad values before any
        corpus is read, and stablevec's own attributes exist when training starts.
        """
        check_hashfxn(hashfxn)
        check_model_seed(seed)
        vector_size = check_vector_size(vector_size)
        workers = check_workers(workers)
        # Even a one-word vocabulary needs one row per weight matrix, so a vector_size whose
        # row cannot fit is rejected here, before gensim scans a corpus.
        check_allocation(1, vector_size, weight_matrices(hs, negative), "a vocabulary of one word would")
        self.deterministic = bool(deterministic)
        self.stablevec_scheme = SCHEME_VERSION
        return vector_size, resolve_workers(workers, self.deterministic)

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> Any:
        """Load a model saved by stablevec or by plain gensim, as an instance of this class.

        A plain gensim file is adopted with :meth:`from_gensim`, so later vocabulary
        updates give new keys their stable rows.  Arguments are those of gensim's
        ``load`` of the same class.
        """
        model = super().load(*args, **kwargs)  # type: ignore[misc]
        return cls.from_gensim(model)

    @classmethod
    def from_gensim(cls, model: Any) -> Any:
        """Convert a plain gensim model of the matching class into this stablevec class, in place.

        No vector is copied or changed: the same object is returned with its class
        switched.  Existing keys keep their current vectors, and keys added later with
        ``build_vocab(update=True)`` get their stable rows.

        Raises
        ------
        TypeError
            If `model` is not an instance of exactly the matching gensim class (for
            example a FastText model given to ``stablevec.Word2Vec.from_gensim``).
        """
        return adopt_model(model, cls, cls.gensim_class)

    def stable_rows(self, keys: Sequence[Any], vector_size: int, prefix: bytes = WORD_NAMESPACE) -> np.ndarray:
        """Return the float32 initial rows of `keys` in namespace `prefix`, with this model's seed."""
        rows = np.empty((len(keys), vector_size), dtype=np.float32)
        fill_stable_rows(keys, self.seed, rows, prefix=prefix)
        return rows

    def _log_initialisation(self, description: str, count: int, started: float) -> None:
        seconds = time.perf_counter() - started
        logger.info(
            "stablevec scheme %d initialised %d %s (seed %d, vector_size %d) in %.3f s",
            self.stablevec_scheme, count, description, self.seed, self.wv.vector_size, seconds,
        )
        # gensim logs each lifecycle event at INFO; DEBUG keeps one INFO line per initialisation.
        self.add_lifecycle_event(
            "stablevec_init",
            log_level=logging.DEBUG,
            stablevec_version=__version__,
            scheme=self.stablevec_scheme,
            seed=self.seed,
            initialised=description,
            count=count,
        )

    def _check_weights_fit(self, subject: str) -> None:
        check_allocation(
            len(self.wv.index_to_key), self.wv.vector_size, weight_matrices(self.hs, self.negative), subject
        )

    def init_weights(self) -> None:
        """Set every word vector to its stable row and zero the output-layer weights."""
        self._check_weights_fit("the vocabulary's word vectors and output weights")
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
        self.check_update_allowed()
        # NOTE: gensim has already indexed the new words when this runs, so a rejected
        # update leaves words in wv.key_to_index without rows.
        self._check_weights_fit("the grown vocabulary's word vectors and output weights")
        started = time.perf_counter()
        wv = self.wv
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

    def scan_vocab(self, corpus_iterable: Any = None, *args: Any, **kwargs: Any) -> tuple[int, int]:
        """Count the corpus words as gensim does, then check the tokens and the memory the rows need.

        ``build_vocab`` calls this after its own checks and before it changes the model.
        A corpus whose items are strings gets a UserWarning with the fix, in addition
        to gensim's logged warning.

        Raises
        ------
        TypeError
            If a token is neither ``str`` nor ``int``.
        ValueError
            If the word vectors and output weights would not fit in physical memory.
        """
        state: dict[str, Any] = self.__dict__
        had_raw_vocab = "raw_vocab" in state
        previous_raw_vocab = state.get("raw_vocab")
        warn_if_corpus_of_strings(corpus_iterable)
        counts = super().scan_vocab(corpus_iterable, *args, **kwargs)  # type: ignore[misc]
        try:
            check_vocabulary_keys(state["raw_vocab"])
            check_allocation(
                self.estimate_rows(), self.wv.vector_size, weight_matrices(self.hs, self.negative),
                "the vocabulary's word vectors and output weights",
            )
        except (TypeError, ValueError):
            # gensim stores the scanned counts in raw_vocab before they can be checked.
            # Restoring the old value makes a rejected build_vocab leave the model as it was.
            if had_raw_vocab:
                state["raw_vocab"] = previous_raw_vocab
            else:
                del state["raw_vocab"]
            raise
        return counts

    def estimate_rows(self) -> int:
        """Return an upper bound of the vocabulary size after the scanned words are added.

        Counts the words already indexed plus the scanned words that reach ``min_count``
        and are not indexed yet, at most ``max_final_vocab`` of them. A ``trim_rule``
        that keeps rarer words can exceed it; ``init_weights`` checks the exact size.
        """
        indexed = self.wv.key_to_index
        raw_vocab: dict[Any, int] = vars(self)["raw_vocab"]
        new_words = 0
        for word, count in raw_vocab.items():
            if count >= self.min_count and word not in indexed:
                new_words += 1
        if self.max_final_vocab is not None:
            new_words = min(new_words, self.max_final_vocab)
        return len(indexed) + new_words

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
