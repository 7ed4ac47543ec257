"""Vectorised expansion of key seeds into initial vectors (scheme version 1).

For a key seed ``k`` (see :mod:`stablevec._hashing`) and vector size ``d``, pair
``p = 0, 1, ..., ceil(d / 2) - 1`` takes output number ``p + 1`` of SplitMix64 started
at state ``k``::

    z = k + (p + 1) * 0x9E3779B97F4A7C15                 (mod 2**64)
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9             (mod 2**64)
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB             (mod 2**64)
    z =  z ^ (z >> 31)

Column ``2p`` takes bits 8-31 of ``z`` and column ``2p + 1`` bits 40-63, each read as
a two's-complement signed 24-bit integer ``s`` in [-2**23, 2**23).  The value is
``s / (2**23 * d)``, one correctly rounded IEEE 754 division in the output dtype, so
it lies in [-1/d, 1/d) like gensim 4's ``prep_vectors``.  Every step before the
division is integer arithmetic, which makes the bits independent of the platform
and of the NumPy version.  ``docs/scheme.md`` is the full specification.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Optional

import numpy as np
from numpy.typing import DTypeLike

from stablevec._hashing import WORD_NAMESPACE, check_keys_container, check_seed, encode_keys, hash_encoded
from stablevec._validation import check_vector_size, physical_memory_bytes
from stablevec._version import SCHEME_VERSION

__all__ = ["stable_vectors"]

logger = logging.getLogger(__name__)

SUPPORTED_SCHEMES = (1,)

_GAMMA = 0x9E3779B97F4A7C15
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK64 = (1 << 64) - 1

# Each block's uint64 work arrays take about this many bytes.  That fits a typical
# per-core L2 cache, so the chain of in-place ufuncs does not stream from RAM.
_BLOCK_BYTES = 256 * 1024

# Keys that the calling thread encodes and hashes per round.  A round's bytes objects
# take a few MiB, and the round is long enough that the per-call costs are negligible.
_HASH_CHUNK_KEYS = 32768

_LITTLE_ENDIAN = sys.byteorder == "little"


def _check_dtype(dtype: DTypeLike) -> np.dtype:
    checked = np.dtype(dtype)
    if checked not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be float32 or float64, got {checked}; pass dtype=numpy.float32")
    return checked


def _check_scheme(scheme: Any) -> int:
    if scheme not in SUPPORTED_SCHEMES or isinstance(scheme, bool):
        raise ValueError(
            f"scheme {scheme!r} is not supported; this stablevec supports schemes {SUPPORTED_SCHEMES}"
        )
    return int(scheme)


def _check_out(out: np.ndarray, shape: tuple[int, int], dtype: np.dtype) -> None:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}; pass out=None to allocate one")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, expected {shape} (len(keys), vector_size)")
    if out.dtype != dtype:
        raise ValueError(f"out has dtype {out.dtype}, expected {dtype}; allocate it with dtype={dtype}")
    if not out.flags.writeable:
        raise ValueError("out is read-only; pass a writeable array, or a memory map opened with mode 'r+' or 'w+'")


def _allocate(shape: tuple[int, int], dtype: np.dtype) -> np.ndarray:
    needed = shape[0] * shape[1] * dtype.itemsize
    available = physical_memory_bytes()
    if available is not None and needed > available:
        raise ValueError(
            f"an array of shape {shape} and dtype {dtype} needs {needed / 2**30:.1f} GiB, more than the "
            f"{available / 2**30:.1f} GiB of physical memory; reduce vector_size or the number of keys, "
            "or pass a memory-mapped array as out"
        )
    return np.empty(shape, dtype=dtype)


def default_threads() -> int:
    """Return the number of CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_block_rows(vector_size: int) -> int:
    """Return the rows per block that keep one block's work arrays near 256 KiB."""
    pairs = (vector_size + 1) // 2
    return max(1, _BLOCK_BYTES // (8 * pairs))


def _pair_offsets(pairs: int) -> np.ndarray:
    """Return ``(p + 1) * gamma mod 2**64`` for p = 0 .. pairs - 1, the SplitMix64 increments."""
    return np.array([((p + 1) * _GAMMA) & _MASK64 for p in range(pairs)], dtype=np.uint64)


def _mix_pairs(seeds: np.ndarray, offsets: np.ndarray, z: np.ndarray, scratch: np.ndarray) -> None:
    """Fill z[i, p] with SplitMix64 output number p + 1 from state seeds[i], in place."""
    np.add(seeds[:, None], offsets[None, :], out=z)
    np.right_shift(z, np.uint64(30), out=scratch)
    np.bitwise_xor(z, scratch, out=z)
    np.multiply(z, _MIX1, out=z)
    np.right_shift(z, np.uint64(27), out=scratch)
    np.bitwise_xor(z, scratch, out=z)
    np.multiply(z, _MIX2, out=z)
    np.right_shift(z, np.uint64(31), out=scratch)
    np.bitwise_xor(z, scratch, out=z)


def signed_columns_portable(z: np.ndarray) -> np.ndarray:
    """Return the signed 24-bit column values of mixed pairs `z`, on any byte order.

    Column 2p is bits 8-31 of z[:, p] and column 2p + 1 is bits 40-63, each as a
    two's-complement integer.  The result has shape (rows, 2 * pairs) and dtype int32.
    """
    rows, pairs = z.shape
    low = (z & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.int32)
    high = (z >> np.uint64(32)).astype(np.uint32).view(np.int32)
    columns = np.empty((rows, 2 * pairs), dtype=np.int32)
    columns[:, 0::2] = low
    columns[:, 1::2] = high
    # An arithmetic shift of the int32 word drops bits 0-7 and keeps the sign of bit 31.
    np.right_shift(columns, 8, out=columns)
    return columns


def _signed_columns(z: np.ndarray) -> np.ndarray:
    if not _LITTLE_ENDIAN:
        return signed_columns_portable(z)
    # On a little-endian machine the int32 view of each uint64 is (low word, high word),
    # which is already column order 2p, 2p + 1; shifting in place avoids any copy.
    columns = z.view(np.int32)
    np.right_shift(columns, 8, out=columns)
    return columns


def _write_values(columns: np.ndarray, target: np.ndarray, denominator: np.floating) -> None:
    """Write ``columns / denominator`` into `target`, dividing in the dtype of `target`.

    The ``dtype`` argument makes NumPy convert the int32 columns to the output dtype
    before the one division, as the scheme specifies, instead of promoting to float64.
    The conversion is exact because ``|s| <= 2**23``, so the division is the only rounding.
    """
    np.divide(columns[:, : target.shape[1]], denominator, out=target, dtype=target.dtype)


class _Expander:
    """Expands key seeds into rows of `out`; one instance per fill_stable_rows call.

    Each worker owns one pair of uint64 work arrays of `block_rows` rows, so the
    temporary memory is ``workers * 2 * block_rows * pairs * 8`` bytes, whatever
    the number of keys.
    """

    def __init__(self, out: np.ndarray, block_rows: int, workers: int) -> None:
        self.out = out
        self.block_rows = block_rows
        self.pairs = (out.shape[1] + 1) // 2
        self.offsets = _pair_offsets(self.pairs)
        self.denominator = out.dtype.type(2**23 * out.shape[1])
        self.work = [
            (np.empty((block_rows, self.pairs), dtype=np.uint64), np.empty((block_rows, self.pairs), dtype=np.uint64))
            for _ in range(workers)
        ]

    def fill_blocks(self, seeds: np.ndarray, first_row: int, worker: int, workers: int) -> None:
        """Fill blocks worker, worker + workers, ... of the rows that start at `first_row`.

        `seeds` contains the key seeds of rows ``first_row`` to ``first_row + len(seeds)``.
        """
        z, scratch = self.work[worker]
        for start in range(worker * self.block_rows, len(seeds), workers * self.block_rows):
            stop = min(start + self.block_rows, len(seeds))
            z_block = z[: stop - start]
            _mix_pairs(seeds[start:stop], self.offsets, z_block, scratch[: stop - start])
            _write_values(_signed_columns(z_block), self.out[first_row + start : first_row + stop], self.denominator)


def _chunk_rows(block_rows: int, workers: int) -> int:
    """Return the keys hashed per round: a multiple of ``block_rows * workers`` near _HASH_CHUNK_KEYS."""
    round_rows = block_rows * workers
    return round_rows * max(1, _HASH_CHUNK_KEYS // round_rows)


def _wait(futures: list[Future[None]]) -> None:
    # result() re-raises an exception of the worker in the calling thread.
    for future in futures:
        future.result()


def fill_stable_rows(
    keys: Sequence[Any],
    seed: int,
    out: np.ndarray,
    *,
    prefix: bytes = WORD_NAMESPACE,
    threads: Optional[int] = None,
    block_rows: Optional[int] = None,
) -> None:
    """Fill `out` (validated by the caller) with the stable rows of `keys` in namespace `prefix`.

    The calling thread encodes and hashes the keys in rounds of about
    _HASH_CHUNK_KEYS keys, which holds the GIL.  Then it and the worker threads mix
    the round's seeds block by block with NumPy ufuncs, which release the GIL.
    Each row depends only on its key, so neither the thread count nor the block
    size changes any output bit.
    """
    count, vector_size = out.shape
    if count == 0:
        return
    block_rows = default_block_rows(vector_size) if block_rows is None else block_rows
    threads = default_threads() if threads is None else threads
    threads = max(1, min(threads, -(-count // block_rows)))
    expander = _Expander(out, block_rows, threads)
    chunk = _chunk_rows(block_rows, threads)
    if threads == 1:
        for first in range(0, count, chunk):
            seeds = hash_encoded(encode_keys(keys[first : first + chunk], seed, prefix))
            expander.fill_blocks(seeds, first, 0, 1)
        return
    # Hashing the next round waits until the workers finish this one.  Hashing holds
    # the GIL in long C calls (str.join, bytes.split, numpy.fromiter), so a worker
    # running beside it stalls for the GIL between two ufunc calls.
    with ThreadPoolExecutor(max_workers=threads - 1, thread_name_prefix="stablevec") as pool:
        for first in range(0, count, chunk):
            seeds = hash_encoded(encode_keys(keys[first : first + chunk], seed, prefix))
            pending = [pool.submit(expander.fill_blocks, seeds, first, worker, threads) for worker in range(1, threads)]
            expander.fill_blocks(seeds, first, 0, threads)
            _wait(pending)


def _check_threads(threads: Any) -> Optional[int]:
    if threads is None:
        return None
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}; pass for example threads=2")
    return int(threads)


def _check_block_rows(block_rows: Any) -> Optional[int]:
    if block_rows is None:
        return None
    if isinstance(block_rows, bool) or not isinstance(block_rows, (int, np.integer)) or block_rows < 1:
        raise ValueError(
            f"block_rows must be a positive integer or None, got {block_rows!r}; pass for example block_rows=512"
        )
    return int(block_rows)


def stable_vectors(
    keys: Sequence[Any],
    vector_size: int,
    seed: int = 1,
    *,
    dtype: DTypeLike = np.float32,
    out: Optional[np.ndarray] = None,
    scheme: int = SCHEME_VERSION,
    threads: Optional[int] = None,
    block_rows: Optional[int] = None,
) -> np.ndarray:
    """Compute the initial vector of each key, independently of every other key.

    Row ``i`` is a pure function of ``(keys[i], seed, vector_size, dtype, scheme)``:
    the same in every interpreter launch, on every platform and with every supported
    NumPy, Python and gensim version, whatever the other keys are.  Values are
    uniform on [-1/vector_size, 1/vector_size), the range gensim 4 initialises with.

    Parameters
    ----------
    keys : sequence of str or int
        Keys in row order.  A non-sequence iterable is read into a list first.
    vector_size : int
        Number of columns, at least 1.
    seed : int, default 1
        Model seed; see :func:`stablevec.key_seeds`.
    dtype : {numpy.float32, numpy.float64}, default numpy.float32
        Output dtype.  Both dtypes round the same 24-bit integers, so float64 rows
        have 24 random bits per value, not 53.
    out : numpy.ndarray, optional
        Writeable array of shape ``(len(keys), vector_size)`` and dtype `dtype` to
        fill, for example a ``numpy.memmap`` for a matrix larger than memory.
    scheme : int, default SCHEME_VERSION
        Version of the key-to-vector scheme.  Only scheme 1 exists so far.
    threads : int, optional
        Worker threads; by default the number of cores available to the process.
        The output does not depend on it.
    block_rows : int, optional
        Keys processed per block; by default sized so that one block's work arrays
        take about 256 KiB.  Temporary memory is about two blocks per thread plus
        the encoded keys of one hashing round (32,768 keys), whatever the number
        of keys.  The output does not depend on it.

    Returns
    -------
    numpy.ndarray
        `out` if given, otherwise a new array of shape ``(len(keys), vector_size)``.

    Raises
    ------
    TypeError
        If `keys` is a single ``str`` or ``bytes``, `seed` or `vector_size` is not
        an integer, a key is neither ``str`` nor ``int``, or `dtype` is not float32
        or float64.
    ValueError
        If `vector_size` is not positive, `out` has the wrong shape or dtype or is
        read-only, the array would not fit in physical memory, or `scheme`,
        `threads` or `block_rows` is invalid.  Every check except the key type
        runs before anything is written.  A key of the wrong type is found while its
        block is encoded, so rows of earlier blocks of a given `out` are then
        already filled.

    Examples
    --------
    >>> from stablevec import stable_vectors
    >>> vectors = stable_vectors(["boy", "girl"], vector_size=4, seed=1)
    >>> vectors.shape
    (2, 4)
    >>> bool(abs(vectors).max() <= 0.25)
    True
    """
    check_keys_container(keys)
    seed = check_seed(seed)
    vector_size = check_vector_size(vector_size)
    checked_dtype = _check_dtype(dtype)
    _check_scheme(scheme)
    threads = _check_threads(threads)
    block_rows = _check_block_rows(block_rows)
    if not isinstance(keys, Sequence) and not isinstance(keys, np.ndarray):
        keys = list(keys)
    shape = (len(keys), vector_size)
    if out is None:
        out = _allocate(shape, checked_dtype)
    else:
        _check_out(out, shape, checked_dtype)
    fill_stable_rows(keys, seed, out, threads=threads, block_rows=block_rows)
    return out

