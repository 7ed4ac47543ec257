"""The models that ``stablevec verify`` trains, and the stages it fingerprints for each."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from stablevec._corpus import read_corpus
from stablevec._fingerprint import fingerprint

#: Libraries compared by ``stablevec verify``: stablevec first, plain gensim as the baseline.
LIBRARIES = ("stablevec", "gensim")

#: Documents of gensim's ``lee.cor`` test file that Doc2Vec's ``infer_vector`` runs on.
INFER_DOCUMENTS = 5

#: ``lee.cor`` is Latin-1 text (it contains a pound sign as byte 0xA3).
INFER_ENCODING = "latin-1"


@dataclass(frozen=True)
class ModelSpec:
    """One row group of the verify table: a model class and the stages to fingerprint."""

    name: str
    class_name: str
    tagged: bool = False
    infers: bool = False

    @property
    def stages(self) -> tuple[str, ...]:
        """Stage names in the order the worker reaches them."""
        return ("initial", "trained", "inferred") if self.infers else ("initial", "trained")


#: Every model that verify trains, in table order.  Adding a model is one entry here.
MODELS = (
    ModelSpec("word2vec", "Word2Vec"),
    ModelSpec("doc2vec", "Doc2Vec", tagged=True, infers=True),
    ModelSpec("fasttext", "FastText"),
)

MODELS_BY_NAME = {spec.name: spec for spec in MODELS}


def model_class(spec: ModelSpec, library: str) -> Any:
    """Return the class of `spec` from `library` ("stablevec" or "gensim")."""
    module = importlib.import_module("stablevec" if library == "stablevec" else "gensim.models")
    return getattr(module, spec.class_name)


def _training_corpus(spec: ModelSpec, documents: list[list[str]]) -> list[Any]:
    if not spec.tagged:
        return documents
    from gensim.models.doc2vec import TaggedDocument

    # The tag of each document is its number among the corpus's non-blank lines.
    return [TaggedDocument(words, [number]) for number, words in enumerate(documents)]


def _infer_documents() -> list[list[str]]:
    from gensim.test.utils import datapath

    return read_corpus(datapath("lee.cor"), encoding=INFER_ENCODING, limit=INFER_DOCUMENTS)


def fingerprint_stages(spec: ModelSpec, library: str, job: dict[str, Any]) -> dict[str, str]:
    """Train `spec` from `library` with workers=1 and return a fingerprint per stage.

    `job` contains the corpus path and encoding and the model settings.  "initial" is
    the model right after ``build_vocab``, "trained" after ``train``, and "inferred"
    the stacked ``infer_vector`` results of the first documents of gensim's ``lee.cor``.
    """
    cls = model_class(spec, library)
    corpus = _training_corpus(spec, read_corpus(job["corpus"], encoding=job["encoding"]))
    model = cls(
        vector_size=job["vector_size"],
        min_count=job["min_count"],
        seed=job["seed"],
        epochs=job["epochs"],
        workers=1,
    )
    model.build_vocab(corpus)
    stages = {"initial": fingerprint(model)}
    model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
    stages["trained"] = fingerprint(model)
    if spec.infers:
        inferred = np.stack([model.infer_vector(words) for words in _infer_documents()])
        stages["inferred"] = fingerprint(inferred)
    return stages
