"""A slow, literal pure-Python implementation of scheme 1, written from docs/scheme.md.

It shares no code with the package, so that a test comparing the two checks the
vectorised implementation against the written specification.
"""

from __future__ import annotations

import numpy as np
import xxhash

MASK64 = (1 << 64) - 1


def reference_key_bytes(key, seed, prefix=b""):
    """Return the bytes that the specification hashes for `key` under `seed`."""
    if isinstance(key, str):
        return prefix + (key + str(seed)).encode("utf-8", "surrogatepass")
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return prefix + b"\xff" + (str(int(key)) + str(seed)).encode("ascii")
    raise TypeError(key)


def reference_key_seed(key, seed, prefix=b""):
    """Return XXH64 with xxhash seed 0 of the key's bytes."""
    return xxhash.xxh64(reference_key_bytes(key, seed, prefix), seed=0).intdigest()


def splitmix64_output(state, number):
    """Return output `number` (counting from 1) of SplitMix64 started at `state`."""
    z = (state + number * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def signed24(bits):
    """Read a 24-bit unsigned integer as two's complement."""
    return bits - (1 << 24) if bits >= (1 << 23) else bits


def reference_row(key, vector_size, seed=1, dtype=np.float32, prefix=b""):
    """Return the initial vector of one key, one value at a time."""
    dtype = np.dtype(dtype)
    state = reference_key_seed(key, seed, prefix)
    denominator = dtype.type(2**23 * vector_size)
    row = np.empty(vector_size, dtype=dtype)
    for column in range(vector_size):
        z = splitmix64_output(state, column // 2 + 1)
        if column % 2 == 0:
            bits = (z >> 8) & 0xFFFFFF
        else:
            bits = (z >> 40) & 0xFFFFFF
        # The integer is exact in both dtypes, so the division is the only rounding.
        row[column] = dtype.type(signed24(bits)) / denominator
    return row
