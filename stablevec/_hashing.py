"""Key seeds: the 64-bit XXH64 hash that each key's initial vector grows from.

The byte encoding of a key is part of the stability contract and is specified in
``docs/scheme.md``.  In short, for a model seed ``seed``:

* a ``str`` key hashes the UTF-8 bytes of ``key + str(seed)``, encoded with the
  ``surrogatepass`` error handler so that every Python string (lone surrogates
  included) has an encoding; no Unicode normalisation is applied;
* an ``int`` key (Python ``int`` or a NumPy integer, but not ``bool``) hashes
  ``b"\\xff" + ASCII(str(key) + str(seed))``.  The byte 0xFF never occurs in UTF-8, so
  no ``str`` key produces the same bytes as an ``int`` key, and ``1`` and ``"1"``
  start from different vectors;
* a namespace prefix byte (also never valid UTF-8) goes in front of the bytes above
  for keys that are not vocabulary words, so that a document tag ``"king"`` and the
  word ``"king"`` hash differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import xxhash

__all__ = ["key_seeds"]

#: Prefix of an ``int`` key's bytes.  0xFF is not a valid byte anywhere in UTF-8.
INT_KEY_TAG = b"\xff"

#: Namespace prefixes.  Vocabulary words have none, which keeps gensim's documented
#: rule "hash of word + str(seed)" for them.  The others use bytes that never start
#: (or occur in) UTF-8, so a namespaced key cannot collide with a word's bytes.
WORD_NAMESPACE = b""
DOCTAG_NAMESPACE = b"\xfe"
NGRAM_BUCKET_NAMESPACE = b"\xfd"


def check_seed(seed: Any) -> int:
    """Return `seed` as a Python int, or raise TypeError when it is not an integer."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"seed must be an integer (Python int or NumPy integer), got {seed!r} of type "
            f"{type(seed).__name__}; pass an integer such as seed=1"
        )
    return int(seed)


def _encode_key(key: Any, seed_text: str, prefix: bytes) -> bytes:
    """Encode one key with the type checks; the slow path of :func:`encode_keys`."""
    if isinstance(key, str):
        return prefix + (key + seed_text).encode("utf-8", "surrogatepass")
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return prefix + INT_KEY_TAG + (str(int(key)) + seed_text).encode("ascii")
    raise TypeError(
        f"key {key!r} has unsupported type {type(key).__name__}; keys must be str or int "
        "(Python int or NumPy integer, not bool). Convert the key, for example with str(key)"
    )


def encode_keys(keys: Iterable[Any], seed: int, prefix: bytes = WORD_NAMESPACE) -> list[bytes]:
    """Return the bytes that XXH64 hashes for each key, as the module docstring specifies."""
    seed_text = str(seed)
    try:
        # Fast path for the common all-str vocabulary: concatenation raises TypeError
        # on the first key that is not a str, and the checked path takes over.
        if prefix:
            return [prefix + (key + seed_text).encode("utf-8", "surrogatepass") for key in keys]
        return [(key + seed_text).encode("utf-8", "surrogatepass") for key in keys]
    except TypeError:
        return [_encode_key(key, seed_text, prefix) for key in keys]


def hash_encoded(encoded: Sequence[bytes]) -> np.ndarray:
    """Return XXH64 with xxhash seed 0 of each byte string, as a uint64 array."""
    return np.fromiter(map(xxhash.xxh64_intdigest, encoded), dtype=np.uint64, count=len(encoded))


def key_seeds(keys: Iterable[Any], seed: int = 1) -> np.ndarray:
    """Compute the 64-bit key seed of each key.

    A key seed is XXH64 (xxhash seed 0) of the UTF-8 bytes of ``key + str(seed)``;
    ``int`` keys get a type tag first (see ``docs/scheme.md``).  The result is the
    same in every interpreter launch and on every platform, whatever
    ``PYTHONHASHSEED`` is.

    Parameters
    ----------
    keys : iterable of str or int
        Vocabulary keys.  ``str`` keys are encoded with the ``surrogatepass`` error
        handler and are not Unicode-normalised, so ``"é"`` written as one code point
        and as ``"e"`` plus a combining accent are different keys, as they are in
        gensim's ``KeyedVectors``.
    seed : int, default 1
        Model seed.  Any Python or NumPy integer, negative and arbitrarily large
        values included; ``bool`` is rejected.

    Returns
    -------
    numpy.ndarray
        A ``uint64`` array with one seed per key, in the order of `keys`.

    Raises
    ------
    TypeError
        If `seed` is not an integer, or a key is neither ``str`` nor ``int``.

    Examples
    --------
    >>> from stablevec import key_seeds
    >>> key_seeds(["boy", 1], seed=1).dtype
    dtype('uint64')
    """
    seed = check_seed(seed)
    return hash_encoded(encode_keys(keys, seed))
