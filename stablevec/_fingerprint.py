"""Content fingerprints of arrays, KeyedVectors and models, equal across launches and platforms."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from gensim.models.keyedvectors import KeyedVectors

__all__ = ["fingerprint"]

#: First bytes of every hashed stream; the trailing number is the format version.
MAGIC = b"stablevec-fingerprint\x001"

#: Array dtype kinds with a fixed, platform-independent byte layout once made little-endian.
_SUPPORTED_KINDS = "biufc"

_CHUNK_BYTES = 1 << 24


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack("<Q", len(data)) + data


def _encode_key(key: Any) -> bytes:
    if isinstance(key, str):
        return b"s" + _length_prefixed(key.encode("utf-8", "surrogatepass"))
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return b"i" + _length_prefixed(str(int(key)).encode("ascii"))
    raise TypeError(
        f"key {key!r} has unsupported type {type(key).__name__}; fingerprint() hashes str and int keys only"
    )


def _keys_field(keys: Iterable[Any]) -> Iterator[Any]:
    keys = list(keys)
    yield b"K" + struct.pack("<Q", len(keys))
    for key in keys:
        yield _encode_key(key)


def _array_field(array: np.ndarray) -> Iterator[Any]:
    if array.dtype.kind not in _SUPPORTED_KINDS or array.dtype.fields is not None:
        raise TypeError(
            f"cannot fingerprint an array of dtype {array.dtype}; convert it to a numeric dtype such as "
            "float32 with array.astype(numpy.float32)"
        )
    little = array.astype(array.dtype.newbyteorder("<"), order="C", copy=False)
    header = b"A" + _length_prefixed(little.dtype.str.encode("ascii")) + struct.pack("<Q", little.ndim)
    yield header + b"".join(struct.pack("<Q", size) for size in little.shape)
    # Hashing a uint8 view in slices avoids a bytes copy of a large matrix.
    raw = np.ascontiguousarray(little).reshape(-1).view(np.uint8)
    for start in range(0, raw.size, _CHUNK_BYTES):
        yield raw[start : start + _CHUNK_BYTES]


def _named(name: str, field: Iterator[Any]) -> Iterator[Any]:
    yield _length_prefixed(name.encode("ascii"))
    yield from field


def _keyed_vectors_fields(kv: KeyedVectors, prefix: str) -> Iterator[Any]:
    yield from _named(prefix + "keys", _keys_field(kv.index_to_key))
    yield from _named(prefix + "vectors", _array_field(np.asarray(kv.vectors)))
    ngrams = getattr(kv, "vectors_ngrams", None)
    if ngrams is not None:
        yield from _named(prefix + "vectors_ngrams", _array_field(np.asarray(ngrams)))


def _fields(obj: Any) -> Iterator[Any]:
    if isinstance(obj, np.ndarray):
        yield from _named("array", _array_field(obj))
    elif isinstance(obj, KeyedVectors):
        yield from _keyed_vectors_fields(obj, "")
    elif isinstance(getattr(obj, "wv", None), KeyedVectors):
        yield from _keyed_vectors_fields(obj.wv, "wv.")
        if isinstance(getattr(obj, "dv", None), KeyedVectors):
            yield from _keyed_vectors_fields(obj.dv, "dv.")
    else:
        raise TypeError(
            f"cannot fingerprint an object of type {type(obj).__name__}; pass a numpy.ndarray, a gensim "
            "KeyedVectors, or a model with a .wv attribute such as Word2Vec, Doc2Vec or FastText"
        )


def fingerprint(obj: Any) -> str:
    """Compute a SHA-256 fingerprint of the keys and vectors of `obj`.

    Two objects have the same fingerprint when they hold the same keys in the same
    order and bit-identical vectors.  The hashed bytes do not depend on
    ``PYTHONHASHSEED``, the byte order of the machine, or the Python and NumPy
    versions, so a fingerprint can be compared across launches and platforms.

    Parameters
    ----------
    obj : numpy.ndarray, gensim KeyedVectors, or model
        An array of a boolean, integer, floating or complex dtype.  A
        KeyedVectors, FastText's included.  Or a model with a ``wv`` attribute,
        such as Word2Vec, FastText or Doc2Vec, whose document vectors (``dv``)
        are hashed along with its word vectors.

    Returns
    -------
    str
        64 lowercase hexadecimal digits.

    Raises
    ------
    TypeError
        If `obj` is none of the above, an array has an object, string or
        structured dtype, or a key is neither ``str`` nor ``int``.

    Notes
    -----
    Format 1 hashes the concatenation of these bytes.  ``u64(n)`` is ``n`` as an
    unsigned 64-bit little-endian integer, and ``lp(b)`` is ``u64(len(b)) + b``.

    * The header ``b"stablevec-fingerprint\\x001"``.
    * One field per part of `obj`, each ``lp(name)`` (ASCII) followed by a value:

      - an array: the fields ``array``;
      - a KeyedVectors: ``keys``, ``vectors``, and ``vectors_ngrams`` when the
        object has n-gram vectors (FastText);
      - a model: the fields of its ``wv`` with names prefixed ``wv.``, then, for a
        model with a ``dv`` attribute, those of ``dv`` prefixed ``dv.``.

    * A keys value is ``b"K" + u64(count)`` followed by each key in index order:
      a ``str`` key as ``b"s" + lp(UTF-8 bytes)``, encoded with the
      ``surrogatepass`` error handler and not Unicode-normalised; an ``int`` key
      (Python or NumPy integer) as ``b"i" + lp(ASCII decimal digits)``, so ``1``
      and ``"1"`` differ.
    * An array value is ``b"A" + lp(dtype) + u64(ndim) + u64(size)`` for each
      dimension, then the elements in C order as little-endian bytes.  ``dtype``
      is NumPy's little-endian type string, such as ``"<f4"`` for float32 or
      ``"|b1"`` for bool.

    A model's fingerprint therefore differs from the fingerprint of its ``wv``.

    Examples
    --------
    >>> import numpy as np
    >>> from stablevec import fingerprint
    >>> len(fingerprint(np.zeros((2, 3), dtype=np.float32)))
    64
    """
    digest = hashlib.sha256(MAGIC)
    for chunk in _fields(obj):
        digest.update(chunk)
    return digest.hexdigest()
