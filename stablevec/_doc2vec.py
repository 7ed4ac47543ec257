"""gensim's Doc2Vec with stable initial word and tag vectors and a deterministic infer_vector."""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any, Optional

import numpy as np
from gensim import matutils
from gensim.models import doc2vec as gensim_doc2vec
from gensim.models.doc2vec_inner import train_document_dbow, train_document_dm, train_document_dm_concat
from gensim.models.keyedvectors import KeyedVectors

from stablevec._hashing import DOCTAG_NAMESPACE
from stablevec._inference import InferenceModel, document_seed, inference_random, start_vector
from stablevec._stable_model import StableInitMixin, accept_legacy_keywords

logger = logging.getLogger(__name__)


def _is_int_tag(tag: Any) -> bool:
    return isinstance(tag, (int, np.integer)) and not isinstance(tag, (bool, np.bool_))


def merged_tag_keys(old_keys: Sequence[Any], scanned_keys: Sequence[Any]) -> list[Any]:
    """Return the tag index after an update, in gensim's layout.

    gensim gives the int tags ``0 .. max`` the first rows, so that an int tag is its
    own row number, and the other tags the rows after them.  The merged index keeps
    that layout: the ints up to the larger maximum, then the old other tags in their
    order, then the new ones in order of first appearance.
    """
    int_limit = 1 + max((int(tag) for tag in (*old_keys, *scanned_keys) if _is_int_tag(tag)), default=-1)
    other_tags = [tag for tag in old_keys if not _is_int_tag(tag)]
    known = set(other_tags)
    other_tags.extend(tag for tag in scanned_keys if not _is_int_tag(tag) and tag not in known)
    return [*range(int_limit), *other_tags]


class _TagUpdate:
    """The tag index, vectors and counts of `old` extended by the tags of `scanned`.

    Everything is computed at construction, so that a failure (for example a tag of an
    unsupported type) leaves the model's ``dv`` untouched; :meth:`apply` only assigns.
    """

    def __init__(self, model: StableInitMixin, old: KeyedVectors, scanned: KeyedVectors) -> None:
        self.keys = merged_tag_keys(old.index_to_key, scanned.index_to_key)
        old_rows = {tag: row for row, tag in enumerate(old.index_to_key)}
        scanned_rows = {tag: row for row, tag in enumerate(scanned.index_to_key)}
        source = np.array([old_rows.get(tag, -1) for tag in self.keys], dtype=np.int64)
        has_old_row = source >= 0
        new_keys = [tag for tag, row in zip(self.keys, source) if row < 0]

        self.vectors = np.empty((len(self.keys), old.vector_size), dtype=np.float32)
        self.vectors[has_old_row] = old.vectors[source[has_old_row]]
        self.vectors[~has_old_row] = model.stable_rows(new_keys, old.vector_size, DOCTAG_NAMESPACE)
        self.gained = len(new_keys)

        # Counts of a tag seen in both corpora add up, as gensim adds word counts on an update.
        self.expandos: dict[str, np.ndarray] = {}
        for attr in {*old.expandos, *scanned.expandos}:
            dtype = old.expandos[attr].dtype if attr in old.expandos else scanned.expandos[attr].dtype
            values = np.zeros(len(self.keys), dtype=dtype)
            if attr in old.expandos:
                values[has_old_row] = old.expandos[attr][source[has_old_row]]
            if attr in scanned.expandos:
                for position, tag in enumerate(self.keys):
                    row = scanned_rows.get(tag)
                    if row is not None:
                        values[position] += scanned.expandos[attr][row]
            self.expandos[attr] = values

    def apply(self, dv: KeyedVectors) -> None:
        dv.index_to_key = self.keys
        # Int tags stay out of key_to_index, as in gensim: get_index finds them by position.
        dv.key_to_index = {tag: row for row, tag in enumerate(self.keys) if not _is_int_tag(tag)}
        dv.expandos = self.expandos
        dv.vectors = self.vectors
        dv.norms = None


class Doc2Vec(StableInitMixin, gensim_doc2vec.Doc2Vec):
    """gensim's Doc2Vec with stable initial vectors and a deterministic ``infer_vector``.

    Every parameter is gensim's and means what it means there, except these:

    Parameters
    ----------
    seed : int, default 1
        Model seed of every initial vector and of inference.
    workers : int, optional
        Training threads.  Defaults to 3, gensim's default, or to 1 when
        `deterministic` is true.
    hashfxn : callable, optional
        Accepted so that gensim code runs unchanged, but ignored, with a warning
        for any value other than the built-in ``hash``.  The model stores ``None``.
    deterministic : bool, default False
        If true, reject settings that make training non-reproducible (``workers``
        other than 1), raising ValueError.
    size, iter : int, optional
        gensim 3 names of `vector_size` and `epochs`, accepted with a
        DeprecationWarning.  Passing both names raises TypeError.

    Notes
    -----
    Word ``w`` starts at ``stable_vectors([w], vector_size, seed)[0]``, as in
    :class:`stablevec.Word2Vec`.  Document tag ``t`` (``str`` or ``int``) starts at its
    stable row in the document-tag namespace, so tag ``"king"`` and word ``"king"``
    start differently.  gensim gives an ``int`` tag ``n`` row ``n`` and allocates rows
    for every int from 0 to the largest int tag.  Each such row ``i`` starts at the
    stable row of the int key ``i``, whether or not a document used it.

    ``build_vocab(update=True)`` supports new tags: existing tags keep their rows and
    vectors, new tags start at their stable rows.  Int tags beyond the previous
    maximum move the other tags' rows down, as gensim's layout requires.

    Examples
    --------
    >>> from gensim.models.doc2vec import TaggedDocument
    >>> from gensim.test.utils import common_texts
    >>> from stablevec import Doc2Vec
    >>> documents = [TaggedDocument(words, [i]) for i, words in enumerate(common_texts)]
    >>> model = Doc2Vec(documents, vector_size=10, min_count=1, workers=1)
    >>> model.infer_vector(["human", "interface"]).shape
    (10,)
    """

    gensim_class = gensim_doc2vec.Doc2Vec

    # Set by gensim's constructor; declared for the type checker.
    dv: KeyedVectors

    @accept_legacy_keywords
    def __init__(
        self,
        documents: Any = None,
        corpus_file: Optional[str] = None,
        vector_size: int = 100,
        dm_mean: Optional[int] = None,
        dm: int = 1,
        dbow_words: int = 0,
        dm_concat: int = 0,
        dm_tag_count: int = 1,
        dv: Optional[KeyedVectors] = None,
        dv_mapfile: Optional[str] = None,
        comment: Optional[str] = None,
        trim_rule: Any = None,
        callbacks: Any = (),
        window: int = 5,
        epochs: int = 10,
        shrink_windows: bool = True,
        *,
        seed: int = 1,
        workers: Optional[int] = None,
        hashfxn: Any = hash,
        deterministic: bool = False,
        **kwargs: Any,
    ) -> None:
        vector_size, workers = self.prepare_construction(
            hashfxn=hashfxn, seed=seed, vector_size=vector_size, workers=workers, deterministic=deterministic,
            hs=kwargs.get("hs", 0), negative=kwargs.get("negative", 5),
        )
        super().__init__(
            documents=documents, corpus_file=corpus_file, vector_size=vector_size, dm_mean=dm_mean, dm=dm,
            dbow_words=dbow_words, dm_concat=dm_concat, dm_tag_count=dm_tag_count, dv=dv, dv_mapfile=dv_mapfile,
            comment=comment, trim_rule=trim_rule, callbacks=callbacks, window=window, epochs=epochs,
            shrink_windows=shrink_windows, seed=seed, workers=workers, hashfxn=hash, **kwargs,
        )
        self.hashfxn = None

    def init_weights(self) -> None:
        """Set every word and tag vector to its stable row and zero the output-layer weights."""
        super().init_weights()
        started = time.perf_counter()
        dv = self.dv
        dv.vectors = self.stable_rows(dv.index_to_key, dv.vector_size, DOCTAG_NAMESPACE)
        dv.allocate_vecattrs()
        dv.norms = None
        self._log_initialisation("document tag vectors", len(dv), started)

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
        """Build the vocabulary as gensim does, and with `update`, add new tags consistently.

        gensim 4.4 replaces the tag index with the new corpus's tags on an update and
        keeps the old vectors, so tags and rows no longer match.  Here the update scans
        the new tags aside and merges them into ``dv`` when the weights grow: old tags
        keep their vectors, new tags start at their stable rows.  Arguments are those of
        gensim's ``Doc2Vec.build_vocab``.

        Raises
        ------
        RuntimeError
            If `update` is true but the model has no vocabulary yet.
        """
        self.__dict__["_stablevec_updating"] = bool(update)
        try:
            super().build_vocab(
                corpus_iterable=corpus_iterable,
                corpus_file=corpus_file,
                update=update,
                progress_per=progress_per,
                keep_raw_vocab=keep_raw_vocab,
                trim_rule=trim_rule,
                **kwargs,
            )
        finally:
            # Neither attribute may outlive the call, or save() would store it.
            self.__dict__.pop("_stablevec_updating", None)
            self.__dict__.pop("_stablevec_scanned_tags", None)

    def _scan_vocab(self, corpus_iterable: Any, progress_per: int, trim_rule: Any) -> tuple[int, int]:
        if not self.__dict__.get("_stablevec_updating"):
            return super()._scan_vocab(corpus_iterable, progress_per, trim_rule)
        # gensim's scan writes the tags into self.dv; point it at a scratch index so that
        # the model's tags stay intact until update_weights merges the two.
        model_dv = self.dv
        scanned = KeyedVectors(model_dv.vector_size)
        self.dv = scanned
        try:
            counts = super()._scan_vocab(corpus_iterable, progress_per, trim_rule)
        finally:
            self.dv = model_dv
        self.__dict__["_stablevec_scanned_tags"] = scanned
        return counts

    def update_weights(self) -> None:
        """Keep existing word and tag rows and give new words and new tags their stable rows.

        Raises
        ------
        RuntimeError
            If the model has no vocabulary, or ``dv`` has a different number of tags
            than of vectors (its index was changed outside ``build_vocab``).
        """
        self.check_update_allowed()
        started = time.perf_counter()
        dv = self.dv
        if len(dv.index_to_key) != len(dv.vectors):
            raise RuntimeError(
                f"model.dv has {len(dv.index_to_key)} tags but {len(dv.vectors)} vectors, so its tag index is "
                "invalid; add tags only through build_vocab(corpus, update=True)"
            )
        scanned = self.__dict__.pop("_stablevec_scanned_tags", None)
        # Words first: prepare_vocab has already extended the word index, so their
        # vectors must follow even if the tags below turn out to be invalid.
        super().update_weights()
        if scanned is not None:
            tag_update = _TagUpdate(self, dv, scanned)
            tag_update.apply(dv)
            self._log_initialisation("new document tag vectors", tag_update.gained, started)

    def infer_vector(
        self,
        doc_words: Sequence[Any],
        alpha: Optional[float] = None,
        min_alpha: Optional[float] = None,
        epochs: Optional[int] = None,
    ) -> np.ndarray:
        """Infer the vector of a document, identically for the same document, model and parameters.

        The start vector and every random draw of training (negative sampling,
        frequent-word downsampling, window reduction) derive from the document seed,
        XXH64 of the length-prefixed tokens and the model seed (``docs/scheme.md``).
        The result is bit-identical across interpreter launches, on repeated calls and
        when called from several threads at once.  The model, its RNG state included,
        is not modified.

        Parameters
        ----------
        doc_words : sequence of str or int
            The document's tokens.  Tokens outside the vocabulary are skipped in
            training, as in gensim, but still count in the document seed.
        alpha, min_alpha : float, optional
            Learning rate of the first and the last epoch; a missing or zero value
            takes the model's, as in gensim.
        epochs : int, optional
            Training passes over the document; a missing or zero value takes the
            model's, as in gensim.

        Returns
        -------
        numpy.ndarray
            The inferred float32 vector of length ``vector_size``.

        Raises
        ------
        TypeError
            If `doc_words` is a single string, or a token is neither ``str`` nor ``int``.

        Warns
        -----
        UserWarning
            If no token is in the vocabulary, the empty document included; the start
            vector is returned untrained.
        """
        if isinstance(doc_words, str):
            raise TypeError(
                f"doc_words must be a list of tokens, got the string {doc_words[:40]!r}; "
                "pass a list such as doc_words.split()"
            )
        words = list(doc_words)
        alpha = alpha or self.alpha
        min_alpha = min_alpha or self.min_alpha
        epochs = epochs or self.epochs

        doc_seed = document_seed(words, self.seed)
        vector = start_vector(doc_seed, self.seed, self.dv.vector_size)
        if not any(token in self.wv.key_to_index for token in words):
            warnings.warn(
                f"the document has no token in the vocabulary ({len(words)} tokens), so infer_vector returns "
                "its untrained start vector; check that the document is tokenised like the training corpus",
                UserWarning,
                stacklevel=2,
            )
            return vector[0]
        self._train_inferred(words, vector, InferenceModel(self, inference_random(doc_seed)), alpha, min_alpha, epochs)
        return vector[0]

    def _train_inferred(
        self, words: list[Any], vector: np.ndarray, view: InferenceModel, alpha: float, min_alpha: float, epochs: int
    ) -> None:
        """Train `vector` in place on `words` with the model's weights frozen."""
        tag_indexes = [0]
        lockf = np.ones(1, dtype=np.float32)
        work = np.zeros(self.layer1_size, dtype=np.float32)
        neu1 = matutils.zeros_aligned(self.layer1_size, dtype=np.float32)
        alpha_step = (alpha - min_alpha) / max(epochs - 1, 1)
        frozen = {"learn_words": False, "learn_hidden": False, "doctag_vectors": vector, "doctags_lockf": lockf}
        for _ in range(epochs):
            if self.sg:
                train_document_dbow(view, words, tag_indexes, alpha, work, **frozen)
            elif self.dm_concat:
                train_document_dm_concat(view, words, tag_indexes, alpha, work, neu1, **frozen)
            else:
                train_document_dm(view, words, tag_indexes, alpha, work, neu1, **frozen)
            alpha -= alpha_step
