"""Reproducible initial vectors for gensim's Word2Vec, Doc2Vec and FastText.

Each key's initial vector is a pure function of (key, seed, vector_size): XXH64 of the
key's bytes seeds a counter-based integer expansion, so vectors are bit-identical across
interpreter launches, machines and vocabulary changes.
"""

from stablevec._doc2vec import Doc2Vec
from stablevec._fasttext import FastText
from stablevec._fingerprint import fingerprint
from stablevec._hashing import key_seeds
from stablevec._initializer import stable_vectors
from stablevec._version import SCHEME_VERSION, __version__
from stablevec._word2vec import Word2Vec

__all__ = [
    "SCHEME_VERSION",
    "Doc2Vec",
    "FastText",
    "Word2Vec",
    "__version__",
    "fingerprint",
    "key_seeds",
    "stable_vectors",
]
