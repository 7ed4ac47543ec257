"""Per-document seeding for Doc2Vec inference: the document seed, start vector and RNG.

``docs/scheme.md`` specifies the encoding.  In short, for model seed ``seed``:

* the document's bytes are ``0xFC``, the token count as an unsigned 64-bit
  little-endian integer, then each token as its byte length (same format) followed
  by its bytes, then the ASCII of ``str(seed)``.  A ``str`` token's bytes are its
  UTF-8 (``surrogatepass``); an ``int`` token's are ``0xFF`` and the ASCII of
  ``str(token)``.  The lengths make the encoding injective, so ``["a b"]`` and
  ``["a", "b"]`` differ;
* the document seed is XXH64 (xxhash seed 0) of those bytes;
* the start vector is the stable row of the ``int`` key ``document seed`` in the
  ``0xFC`` namespace, divided by 2: uniform on [-1/(2d), 1/(2d)), the range gensim 4
  starts inference at;
* the training randomness comes from a ``numpy.random.RandomState`` (MT19937) seeded
  by ``init_by_array`` with the document seed's low and high 32-bit words.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import xxhash

from stablevec._hashing import INT_KEY_TAG
from stablevec._initializer import fill_stable_rows

__all__ = ["INFERENCE_NAMESPACE", "document_seed", "inference_random", "start_vector"]

#: Prefix of a document's bytes and namespace of its start vector.  0xFC never occurs in
#: UTF-8 and differs from the word, tag and n-gram bucket prefixes.
INFERENCE_NAMESPACE = b"\xfc"

_LENGTH = struct.Struct("<Q")


def _encode_token(token: Any) -> bytes:
    if isinstance(token, str):
        return token.encode("utf-8", "surrogatepass")
    if isinstance(token, (int, np.integer)) and not isinstance(token, (bool, np.bool_)):
        return INT_KEY_TAG + str(int(token)).encode("ascii")
    raise TypeError(
        f"document token {token!r} has unsupported type {type(token).__name__}; infer_vector takes a list "
        "of str or int tokens. Convert the token, for example with str(token)"
    )


def encode_document(doc_words: Sequence[Any], seed: int) -> bytes:
    """Return the bytes that XXH64 hashes into the document seed of `doc_words`."""
    parts = [INFERENCE_NAMESPACE, _LENGTH.pack(len(doc_words))]
    for token in doc_words:
        encoded = _encode_token(token)
        parts.append(_LENGTH.pack(len(encoded)))
        parts.append(encoded)
    parts.append(str(seed).encode("ascii"))
    return b"".join(parts)


def document_seed(doc_words: Sequence[Any], seed: int) -> int:
    """Return the 64-bit document seed of `doc_words` under model seed `seed`."""
    return xxhash.xxh64_intdigest(encode_document(doc_words, seed))


def start_vector(doc_seed: int, seed: int, vector_size: int) -> np.ndarray:
    """Return the float32 start vector of inference for document seed `doc_seed`."""
    vector = np.empty((1, vector_size), dtype=np.float32)
    fill_stable_rows([doc_seed], seed, vector, prefix=INFERENCE_NAMESPACE)
    # Halving maps [-1/d, 1/d) onto gensim 4's inference range [-1/(2d), 1/(2d)).  It is
    # exact because every non-zero value is at least 1/(2**23 * d), far above the subnormals.
    vector /= 2
    return vector


def inference_random(doc_seed: int) -> np.random.RandomState:
    """Return a RandomState seeded with the low and high 32-bit words of `doc_seed`.

    NumPy's compatibility policy (NEP 19) freezes RandomState's stream, so the
    same seed gives the same draws with every NumPy version.
    """
    words = np.array([doc_seed & 0xFFFFFFFF, doc_seed >> 32], dtype=np.uint32)
    return np.random.RandomState(words)


class InferenceModel:
    """Read-only view of a Doc2Vec model with its own random number generator.

    gensim's Cython training routines read ``model.random`` and the model's settings
    and arrays by attribute access.  Passing this view instead of the model gives one
    inference call a private RandomState, so concurrent calls do not share state and
    the model's own RNG is never advanced.
    """

    __slots__ = ("_model", "random")

    def __init__(self, model: Any, random: np.random.RandomState) -> None:
        self._model = model
        self.random = random

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)
