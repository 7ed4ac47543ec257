"""The vectorised initialiser against the pure-Python reference of docs/scheme.md."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from reference import reference_key_seed, reference_row

from stablevec import key_seeds, stable_vectors
from stablevec._initializer import _mix_pairs, _pair_offsets, _signed_columns, signed_columns_portable


def mixed_keys(count):
    """Return `count` keys covering scripts, int keys, NumPy ints, surrogates and the empty string."""
    samples = ["", "a", "the", "소년", "男孩", "\U0001f600", "e\u0301", "\ud800x", "Straße", "مرحبا", "a b"]
    keys = []
    for index in range(count):
        kind = index % 4
        if kind == 0:
            keys.append(f"{samples[index % len(samples)]}{index}")
        elif kind == 1:
            keys.append(index * 7919 - 10**6)
        elif kind == 2:
            keys.append(samples[index % len(samples)] * (index % 5 + 1) + str(index))
        else:
            keys.append(np.int64(index))
    return keys


@pytest.mark.parametrize("seed", [1, 0, -5, 42, 2**70])
def test_key_seeds_match_reference(seed):
    """key_seeds equals XXH64 of the specified bytes for mixed keys and seeds of any size and sign."""
    keys = mixed_keys(500)
    expected = np.array([reference_key_seed(key, seed) for key in keys], dtype=np.uint64)
    assert_array_equal(key_seeds(keys, seed), expected)


@pytest.mark.parametrize("vector_size", [1, 2, 3, 7, 100, 301])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_vectors_match_reference(vector_size, dtype):
    """Every value of the vectorised output equals the reference bit for bit."""
    keys = mixed_keys(300)
    expected = np.array([reference_row(key, vector_size, 3, dtype) for key in keys])
    actual = stable_vectors(keys, vector_size, 3, dtype=dtype)
    assert actual.dtype == np.dtype(dtype)
    assert actual.tobytes() == expected.astype(dtype).tobytes()


def test_stable_vectors_match_reference_on_lee_vocabulary():
    """The rows of a real vocabulary, the Lee corpus's words, equal the reference."""
    from gensim.test.utils import datapath

    with open(datapath("lee_background.cor"), encoding="utf-8") as corpus:
        words = sorted({word for line in corpus for word in line.split()})[::20]
    expected = np.array([reference_row(word, 50, 1) for word in words])
    assert stable_vectors(words, 50, 1).tobytes() == expected.tobytes()


def test_signed_columns_portable_matches_fast_path():
    """The byte-order-independent column extraction equals the little-endian view path."""
    seeds = key_seeds(mixed_keys(64), 1)
    z = np.empty((64, 9), dtype=np.uint64)
    _mix_pairs(seeds, _pair_offsets(9), z, np.empty_like(z))
    portable = signed_columns_portable(z.copy())
    assert_array_equal(_signed_columns(z), portable)


def test_stable_vectors_row_depends_only_on_key():
    """A key's row is the same alone, among other keys, reordered and with duplicates."""
    keys = mixed_keys(200)
    together = stable_vectors(keys, 30, 9)
    reordered = stable_vectors(keys[::-1], 30, 9)[::-1]
    assert_array_equal(together, reordered)
    for index in (0, 1, 57, 199):
        assert_array_equal(stable_vectors([keys[index]], 30, 9)[0], together[index])
    duplicated = stable_vectors([keys[5], keys[5]], 30, 9)
    assert_array_equal(duplicated[0], duplicated[1])


def test_stable_vectors_int_and_str_keys_differ():
    """An int key and its decimal string start from different vectors."""
    rows = stable_vectors([1, "1", np.int32(1)], 10)
    assert not np.array_equal(rows[0], rows[1])
    assert_array_equal(rows[0], rows[2])


def test_stable_vectors_seed_changes_rows():
    """Different seeds give different rows for the same key."""
    assert not np.array_equal(stable_vectors(["boy"], 10, 1), stable_vectors(["boy"], 10, 2))


def test_stable_vectors_normalisation_forms_differ():
    """No Unicode normalisation: precomposed and decomposed "café" are different keys."""
    rows = stable_vectors(["caf\u00e9", "cafe\u0301"], 10)
    assert not np.array_equal(rows[0], rows[1])


def test_stable_vectors_values_in_range():
    """Values lie in [-1/d, 1/d) computed in the output dtype and are finite."""
    for vector_size in (1, 3, 100, 300):
        rows = stable_vectors(mixed_keys(2000), vector_size)
        bound = np.float32(1) / np.float32(vector_size)
        assert np.isfinite(rows).all()
        assert rows.min() >= -bound
        assert rows.max() < bound


def test_stable_vectors_empty_keys():
    """No keys give an empty array of the requested width."""
    rows = stable_vectors([], 10)
    assert rows.shape == (0, 10)
    assert rows.dtype == np.float32


def test_stable_vectors_accepts_iterables_and_arrays():
    """A generator and a NumPy array of keys give the same rows as a list."""
    words = ["alpha", "beta", "감마"]
    expected = stable_vectors(words, 8)
    assert_array_equal(stable_vectors((word for word in words), 8), expected)
    assert_array_equal(stable_vectors(np.array(words), 8), expected)
    assert_array_equal(stable_vectors(np.arange(5), 8), stable_vectors([0, 1, 2, 3, 4], 8))


def test_stable_vectors_fills_out(tmp_path):
    """`out` is filled in place and returned, a memory map included."""
    keys = mixed_keys(1000)
    expected = stable_vectors(keys, 20)
    out = np.zeros((1000, 20), dtype=np.float32)
    assert stable_vectors(keys, 20, out=out) is out
    assert_array_equal(out, expected)
    mapped = np.lib.format.open_memmap(tmp_path / "rows.npy", mode="w+", dtype=np.float32, shape=(1000, 20))
    stable_vectors(keys, 20, out=mapped)
    mapped.flush()
    assert_array_equal(np.load(tmp_path / "rows.npy"), expected)


def test_stable_vectors_fills_non_contiguous_out():
    """A strided view as `out` receives the same rows as a fresh array."""
    keys = mixed_keys(100)
    backing = np.zeros((100, 40), dtype=np.float64)
    view = backing[:, ::2]
    stable_vectors(keys, 20, dtype=np.float64, out=view)
    assert_array_equal(view, stable_vectors(keys, 20, dtype=np.float64))
    assert not backing[:, 1::2].any()


def test_stable_vectors_rejects_unknown_scheme():
    """Only scheme 1 exists; another number is a ValueError naming it."""
    with pytest.raises(ValueError, match="scheme 2"):
        stable_vectors(["a"], 5, scheme=2)
