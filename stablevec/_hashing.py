"""Key seeds: the 64-bit XXH64 hash that each key's initial vector grows from.

The byte encoding of a key is part of the stability contract and is specified in
``docs/scheme.md``.  In short, for a model seed ``seed``:

* a ``str`` key hashes the UTF-8 bytes of ``key + str(seed)``, encoded with the
  ``surrogatepass`` error handler so that every Python string (lone surrogates
  included) has an encoding.  No Unicode normalisation is applied;
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
from typing import Any, Optional

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


def check_keys_container(keys: Any) -> None:
    """Raise TypeError when `keys` is one str or bytes object instead of a collection of keys."""
    if isinstance(keys, (str, bytes)):
        raise TypeError(
            f"keys must be a sequence of keys, got the single {type(keys).__name__} {keys[:40]!r}, which "
            f"would be read as one key per character; pass a list such as [{keys[:40]!r}]"
        )


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


# Separator of the batch encoders below.  UTF-8 (with surrogatepass) and ASCII encode
# only U+0000 as the byte 0x00, and the seed text is digits and "-", so splitting
# the joined bytes on 0x00 gives back one part per key unless a key contains U+0000.
_SEPARATOR = "\x00"
_SEPARATOR_BYTE = b"\x00"


def _encode_str_batch(keys: Sequence[Any], seed_text: str, prefix: bytes) -> Optional[list[bytes]]:
    """Encode all-str `keys` with one join, one encode and one split.

    Three C-level passes replace a concatenation and an encode per key, which is
    most of the encoding time of a large vocabulary.  Raises TypeError (from
    ``str.join``) when a key is not a str, and returns None when a key contains
    U+0000 or `prefix` contains 0x00, so the caller falls back to per-key encoding.
    """
    if _SEPARATOR_BYTE in prefix:
        return None
    text = (seed_text + _SEPARATOR).join(keys) + seed_text
    data = text.encode("utf-8", "surrogatepass")
    if prefix:
        data = prefix + data.replace(_SEPARATOR_BYTE, _SEPARATOR_BYTE + prefix)
    parts = data.split(_SEPARATOR_BYTE)
    return parts if len(parts) == len(keys) else None


def _encode_int_batch(keys: Sequence[Any], seed_text: str, prefix: bytes) -> Optional[list[bytes]]:
    """Encode `keys` of exact type int with one join, one encode and one split, or return None.

    Latin-1 maps code points 0-255 to the byte of the same value, so the prefix and
    the 0xFF tag can ride inside the joined str.  NumPy integers, bool and int
    subclasses such as IntEnum return None and take the checked per-key path.
    """
    if _SEPARATOR_BYTE in prefix:
        return None
    if not isinstance(keys, range) and set(map(type, keys)) != {int}:
        return None
    tag = (prefix + INT_KEY_TAG).decode("latin-1")
    text = tag + (seed_text + _SEPARATOR + tag).join(map(str, keys)) + seed_text
    return text.encode("latin-1").split(_SEPARATOR_BYTE)


def encode_keys(keys: Iterable[Any], seed: int, prefix: bytes = WORD_NAMESPACE) -> list[bytes]:
    """Return the bytes that XXH64 hashes for each key, as the module docstring specifies."""
    seed_text = str(seed)
    sequence: Sequence[Any]
    if isinstance(keys, np.ndarray):
        # tolist() turns NumPy integers into Python ints, which the int batch encoder takes.
        sequence = keys.tolist() if keys.dtype.kind in "iu" else list(keys)
    elif isinstance(keys, Sequence):
        sequence = keys
    else:
        sequence = list(keys)
    if len(sequence) == 0:
        return []
    encoded: Optional[list[bytes]]
    try:
        encoded = _encode_str_batch(sequence, seed_text, prefix)
    except TypeError:
        encoded = _encode_int_batch(sequence, seed_text, prefix)
    if encoded is None:
        encoded = [_encode_key(key, seed_text, prefix) for key in sequence]
    return encoded


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
        If `keys` is a single ``str`` or ``bytes``, `seed` is not an integer, or a
        key is neither ``str`` nor ``int``.

    Examples
    --------
    >>> from stablevec import key_seeds
    >>> key_seeds(["boy", 1], seed=1).dtype
    dtype('uint64')
    """
    check_keys_container(keys)
    seed = check_seed(seed)
    return hash_encoded(encode_keys(keys, seed))
