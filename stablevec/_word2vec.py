"""gensim's Word2Vec with launch-stable, vocabulary-independent initial vectors."""

from __future__ import annotations

import logging
from typing import Any, Optional

from gensim.models import word2vec as gensim_word2vec
from gensim.models.word2vec import MAX_WORDS_IN_BATCH

from stablevec._stable_model import StableInitMixin, accept_legacy_keywords

logger = logging.getLogger(__name__)


class Word2Vec(StableInitMixin, gensim_word2vec.Word2Vec):
    """gensim's Word2Vec whose initial word vectors are stable per word.

    Every parameter is gensim's and means what it means there, except these:

    Parameters
    ----------
    hashfxn : callable, optional
        Accepted so that gensim code runs unchanged, but ignored: initial vectors
        always come from :func:`stablevec.stable_vectors`.  A value other than the
        built-in ``hash`` gets a warning; the model stores ``None``, so a lambda
        here cannot break ``save``.
    workers : int, optional
        Training threads.  Defaults to 3, gensim's default, or to 1 when
        `deterministic` is true.
    deterministic : bool, default False
        If true, reject settings that make training non-reproducible (``workers``
        other than 1, which also splits ``corpus_file`` training across threads),
        raising ValueError.
    size, iter : int, optional
        gensim 3 names of `vector_size` and `epochs`, accepted with a
        DeprecationWarning.  Passing both names raises TypeError.

    Notes
    -----
    Word ``w`` starts at ``stable_vectors([w], vector_size, seed)[0]``, whatever the
    rest of the vocabulary is.  ``build_vocab(update=True)`` leaves the rows of
    existing words as they are and gives new words their stable rows.  Output-layer
    weights (``syn1``, ``syn1neg``) start at zero, as in gensim.  Training with
    ``workers=1`` is bit-reproducible; with more workers only the initial vectors are.

    Examples
    --------
    >>> from gensim.test.utils import common_texts
    >>> from stablevec import Word2Vec
    >>> model = Word2Vec(common_texts, vector_size=10, min_count=1, workers=1)
    >>> model.wv["computer"].shape
    (10,)
    """

    gensim_class = gensim_word2vec.Word2Vec

    @accept_legacy_keywords
    def __init__(
        self,
        sentences: Any = None,
        corpus_file: Optional[str] = None,
        vector_size: int = 100,
        alpha: float = 0.025,
        window: int = 5,
        min_count: int = 5,
        max_vocab_size: Optional[int] = None,
        sample: float = 1e-3,
        seed: int = 1,
        workers: Optional[int] = None,
        min_alpha: float = 0.0001,
        sg: int = 0,
        hs: int = 0,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        hashfxn: Any = hash,
        epochs: int = 5,
        null_word: int = 0,
        trim_rule: Any = None,
        sorted_vocab: int = 1,
        batch_words: int = MAX_WORDS_IN_BATCH,
        compute_loss: bool = False,
        callbacks: Any = (),
        comment: Optional[str] = None,
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
            sentences=sentences, corpus_file=corpus_file, vector_size=vector_size, alpha=alpha,
            window=window, min_count=min_count, max_vocab_size=max_vocab_size, sample=sample, seed=seed,
            workers=workers, min_alpha=min_alpha, sg=sg, hs=hs, negative=negative, ns_exponent=ns_exponent,
            cbow_mean=cbow_mean, hashfxn=hash, epochs=epochs, null_word=null_word, trim_rule=trim_rule,
            sorted_vocab=sorted_vocab, batch_words=batch_words, compute_loss=compute_loss,
            callbacks=callbacks, comment=comment, max_final_vocab=max_final_vocab,
            shrink_windows=shrink_windows,
        )
        self.hashfxn = None
