"""gensim's FastText with stable initial vocabulary and n-gram bucket vectors."""

from __future__ import annotations

import logging
import time
from typing import Any, Optional

import numpy as np
from gensim.models import fasttext as gensim_fasttext
from gensim.models.word2vec import MAX_WORDS_IN_BATCH

from stablevec._hashing import NGRAM_BUCKET_NAMESPACE
from stablevec._stable_model import StableInitMixin, accept_legacy_keywords

logger = logging.getLogger(__name__)


class FastText(StableInitMixin, gensim_fasttext.FastText):
    """gensim's FastText whose initial vocabulary and n-gram vectors are stable per key.

    Every parameter is gensim's and means what it means there, except these:

    Parameters
    ----------
    hashfxn : callable, optional
        Accepted so that gensim code runs unchanged, but ignored, with a warning
        for any value other than the built-in ``hash``.  The model stores ``None``.
    workers : int, optional
        Training threads.  Defaults to 3, gensim's default, or to 1 when
        `deterministic` is true.
    deterministic : bool, default False
        If true, reject settings that make training non-reproducible (``workers``
        other than 1), raising ValueError.
    size, iter : int, optional
        gensim 3 names of `vector_size` and `epochs`, accepted with a
        DeprecationWarning.  Passing both names raises TypeError.

    Notes
    -----
    Word ``w``'s full-word vector (``wv.vectors_vocab``) starts at
    ``stable_vectors([w], vector_size, seed)[0]``, and n-gram bucket ``b``
    (``wv.vectors_ngrams[b]``) at the stable row of the int key ``b`` in the n-gram
    bucket namespace.  gensim maps n-grams to buckets with the FNV-1a hash of their
    UTF-8 bytes, which does not depend on ``PYTHONHASHSEED``, so the initial vector
    of an out-of-vocabulary word is stable too.  ``build_vocab(update=True)`` keeps
    every existing vocabulary and bucket row and gives new words their stable rows.

    Examples
    --------
    >>> from gensim.test.utils import common_texts
    >>> from stablevec import FastText
    >>> model = FastText(common_texts, vector_size=10, min_count=1, bucket=1000, workers=1)
    >>> model.wv["computation"].shape
    (10,)
    """

    gensim_class = gensim_fasttext.FastText

    @accept_legacy_keywords
    def __init__(
        self,
        sentences: Any = None,
        corpus_file: Optional[str] = None,
        sg: int = 0,
        hs: int = 0,
        vector_size: int = 100,
        alpha: float = 0.025,
        window: int = 5,
        min_count: int = 5,
        max_vocab_size: Optional[int] = None,
        word_ngrams: int = 1,
        sample: float = 1e-3,
        seed: int = 1,
        workers: Optional[int] = None,
        min_alpha: float = 0.0001,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        hashfxn: Any = hash,
        epochs: int = 5,
        null_word: int = 0,
        min_n: int = 3,
        max_n: int = 6,
        sorted_vocab: int = 1,
        bucket: int = 2000000,
        trim_rule: Any = None,
        batch_words: int = MAX_WORDS_IN_BATCH,
        callbacks: Any = (),
        max_final_vocab: Optional[int] = None,
        shrink_windows: bool = True,
        *,
        deterministic: bool = False,
    ) -> None:
        vector_size, workers = self.prepare_construction(
            hashfxn=hashfxn, seed=seed, vector_size=vector_size, workers=workers, deterministic=deterministic,
            hs=hs, negative=negative,
        )
        super().__init__(
            sentences=sentences, corpus_file=corpus_file, sg=sg, hs=hs, vector_size=vector_size, alpha=alpha,
            window=window, min_count=min_count, max_vocab_size=max_vocab_size, word_ngrams=word_ngrams,
            sample=sample, seed=seed, workers=workers, min_alpha=min_alpha, negative=negative,
            ns_exponent=ns_exponent, cbow_mean=cbow_mean, hashfxn=hash, epochs=epochs, null_word=null_word,
            min_n=min_n, max_n=max_n, sorted_vocab=sorted_vocab, bucket=bucket, trim_rule=trim_rule,
            batch_words=batch_words, callbacks=callbacks, max_final_vocab=max_final_vocab,
            shrink_windows=shrink_windows,
        )
        self.hashfxn = None

    def init_weights(self) -> None:
        """Set every vocabulary and n-gram bucket vector to its stable row and zero the output layer."""
        # The mixin fills wv.vectors with the words' stable rows; in FastText those rows
        # belong in vectors_vocab, and wv.vectors is recomposed from them and the n-grams.
        super().init_weights()
        started = time.perf_counter()
        wv = self.wv
        wv.vectors_vocab = wv.vectors
        wv.vectors_ngrams = self.stable_rows(range(wv.bucket), wv.vector_size, NGRAM_BUCKET_NAMESPACE)
        self._recompose_vectors()
        self._log_initialisation("n-gram bucket vectors", wv.bucket, started)

    def update_weights(self) -> None:
        """Keep existing vocabulary and bucket rows and give each new word its stable row."""
        self.check_update_allowed()
        wv = self.wv
        # The mixin extends wv.vectors by the new words' stable rows.  Handing it the
        # full-word matrix instead of the composed vectors makes it extend vectors_vocab.
        wv.vectors = wv.vectors_vocab
        super().update_weights()
        wv.vectors_vocab = wv.vectors
        self._fill_missing_buckets()
        self._recompose_vectors()

    def _fill_missing_buckets(self) -> None:
        """Give bucket rows that do not exist yet their stable rows, keeping the others."""
        wv = self.wv
        existing = 0 if wv.vectors_ngrams is None else len(wv.vectors_ngrams)
        if existing == wv.bucket:
            return
        if existing > wv.bucket:
            raise RuntimeError(
                f"model.wv.vectors_ngrams has {existing} rows but wv.bucket is {wv.bucket}; the number of "
                "buckets cannot shrink, so restore wv.bucket to the number of rows"
            )
        ngrams = np.empty((wv.bucket, wv.vector_size), dtype=np.float32)
        if existing:
            ngrams[:existing] = wv.vectors_ngrams
        ngrams[existing:] = self.stable_rows(range(existing, wv.bucket), wv.vector_size, NGRAM_BUCKET_NAMESPACE)
        wv.vectors_ngrams = ngrams

    def _recompose_vectors(self) -> None:
        """Recompute the n-gram buckets of every word and the composed word vectors."""
        wv = self.wv
        wv.allocate_vecattrs()
        wv.norms = None
        wv.recalc_char_ngram_buckets()
        wv.adjust_vectors()
