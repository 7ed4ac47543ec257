"""Threads, block sizes and the batch key encoders change no output bit; updates hash only new keys."""

import enum

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from reference import reference_key_bytes, reference_row

import stablevec._initializer as initializer
import stablevec._stable_model as stable_model
from stablevec import Word2Vec, key_seeds, stable_vectors
from stablevec._hashing import DOCTAG_NAMESPACE, NGRAM_BUCKET_NAMESPACE, WORD_NAMESPACE, encode_keys
from stablevec._initializer import fill_stable_rows

NON_ENGLISH = ["소년", "男孩", "\U0001f680", "\U0001f469\u200d\U0001f4bb", "cafe\u0301", "café", "\ud83d", "Straße"]
THREAD_COUNTS = (1, 2, 4)
BLOCK_ROWS = (1, 7, 64, 1000, None)


@pytest.fixture(scope="module")
def vocabulary(lee):
    """Return the Lee corpus's words, then non-English words, then int keys."""
    words = sorted({word for sentence in lee for word in sentence})
    return [*words, *NON_ENGLISH, *range(-40, 40), 2**70, np.int64(-(2**63))]


@pytest.fixture(scope="module")
def expected_rows(vocabulary):
    """Return {vector_size: rows} computed with one thread and the default block size."""
    return {size: stable_vectors(vocabulary, size, 7, threads=1) for size in (1, 3, 100)}


@pytest.mark.parametrize("threads", THREAD_COUNTS)
@pytest.mark.parametrize("block_rows", BLOCK_ROWS)
@pytest.mark.parametrize("vector_size", [1, 3, 100])
def test_stable_vectors_threads_and_blocks_identical(vocabulary, expected_rows, threads, block_rows, vector_size):
    actual = stable_vectors(vocabulary, vector_size, 7, threads=threads, block_rows=block_rows)
    assert actual.tobytes() == expected_rows[vector_size].tobytes()


@pytest.mark.parametrize("threads", THREAD_COUNTS)
def test_stable_vectors_many_hash_rounds_identical(monkeypatch, vocabulary, expected_rows, threads):
    # Small rounds make the calling thread hash round after round while workers mix,
    # including a last round shorter than the others.
    monkeypatch.setattr(initializer, "_HASH_CHUNK_KEYS", 100)
    actual = stable_vectors(vocabulary, 3, 7, threads=threads, block_rows=9)
    assert actual.tobytes() == expected_rows[3].tobytes()


@pytest.mark.parametrize("threads", THREAD_COUNTS)
def test_stable_vectors_threads_match_reference(vocabulary, threads):
    sample = vocabulary[::97] + vocabulary[-90:]
    for vector_size, dtype in [(1, np.float32), (5, np.float32), (8, np.float64), (33, np.float64)]:
        expected = np.array([reference_row(key, vector_size, -3, dtype) for key in sample], dtype=dtype)
        actual = stable_vectors(sample, vector_size, -3, dtype=dtype, threads=threads, block_rows=4)
        assert actual.tobytes() == expected.tobytes(), (vector_size, dtype)


@pytest.mark.parametrize("threads", THREAD_COUNTS)
def test_fill_stable_rows_memmap_out_identical(tmp_path, vocabulary, expected_rows, threads):
    out = np.lib.format.open_memmap(
        tmp_path / "rows.npy", mode="w+", dtype=np.float32, shape=(len(vocabulary), 100)
    )
    fill_stable_rows(vocabulary, 7, out, threads=threads, block_rows=50)
    out.flush()
    assert np.load(tmp_path / "rows.npy").tobytes() == expected_rows[100].tobytes()


@pytest.mark.parametrize("prefix", [DOCTAG_NAMESPACE, NGRAM_BUCKET_NAMESPACE])
@pytest.mark.parametrize("threads", [1, 2])
def test_fill_stable_rows_namespace_matches_reference(prefix, threads):
    keys = [*range(0, 3000, 7), "king", *NON_ENGLISH]
    out = np.empty((len(keys), 6), dtype=np.float32)
    fill_stable_rows(keys, 11, out, prefix=prefix, threads=threads, block_rows=16)
    expected = np.array([reference_row(key, 6, 11, np.float32, prefix) for key in keys])
    assert out.tobytes() == expected.tobytes()


def test_fill_stable_rows_error_leaves_pool_clean(vocabulary, monkeypatch):
    # A bad key in a later hashing round raises in the calling thread after the
    # workers finished the earlier rounds, whose rows are filled.
    monkeypatch.setattr(initializer, "_HASH_CHUNK_KEYS", 64)
    keys = [*vocabulary[:200], 1.5]
    out = np.zeros((len(keys), 4), dtype=np.float32)
    with pytest.raises(TypeError, match=r"1\.5"):
        fill_stable_rows(keys, 7, out, threads=2, block_rows=8)
    assert_array_equal(out[:128], stable_vectors(vocabulary[:128], 4, 7))


class Colour(enum.IntEnum):
    RED = 1


ENCODER_CASES = {
    "words": ["the", "", "a b", *NON_ENGLISH],
    "nul in a key": ["a", "b\x00c", "\x00", "d"],
    "plain ints": [0, -1, 2**80, 7],
    "range": range(-5, 5),
    "numpy int array": np.arange(-3, 3, dtype=np.int64),
    "numpy uint64 array": np.array([0, 2**64 - 1], dtype=np.uint64),
    "numpy str array": np.array(["소년", "a", ""]),
    "numpy ints in a list": [np.int32(5), np.uint8(200)],
    "int enum": [Colour.RED, 1],
    "mixed": ["1", 1, "男孩", np.int16(-2)],
    "generator": (word for word in ["x", "y"]),
}


@pytest.mark.parametrize("case", sorted(ENCODER_CASES))
@pytest.mark.parametrize("prefix", [WORD_NAMESPACE, DOCTAG_NAMESPACE, NGRAM_BUCKET_NAMESPACE, b"\x00\xfe"])
@pytest.mark.parametrize("seed", [1, -12, 2**65])
def test_encode_keys_batch_matches_reference(case, prefix, seed):
    keys = ENCODER_CASES[case]
    if not isinstance(keys, (list, range, np.ndarray)):
        keys = list(keys)
    expected = [reference_key_bytes(key, seed, prefix) for key in keys]
    assert encode_keys(keys, seed, prefix) == expected


def test_encode_keys_generator_is_consumed_once():
    expected = [reference_key_bytes(word, 1) for word in ["x", "소년"]]
    assert encode_keys((word for word in ["x", "소년"]), 1) == expected


@pytest.mark.parametrize("key", [True, np.bool_(False), 1.0, b"bytes", None])
def test_encode_keys_batch_rejects_wrong_type(key):
    with pytest.raises(TypeError, match="unsupported type"):
        encode_keys(["a", key], 1)
    with pytest.raises(TypeError, match="unsupported type"):
        encode_keys([1, key], 1)


def test_key_seeds_empty():
    assert key_seeds([], 1).shape == (0,)
    assert key_seeds([], 1).dtype == np.uint64


def test_update_weights_fills_only_new_rows(lee, monkeypatch):
    model = Word2Vec(vector_size=20, min_count=3, workers=1, seed=3)
    model.build_vocab(lee[:200])
    old_keys = list(model.wv.index_to_key)
    old_vectors = model.wv.vectors.copy()
    calls = []

    def spy(keys, seed, out, **kwargs):
        calls.append(list(keys))
        fill_stable_rows(keys, seed, out, **kwargs)

    monkeypatch.setattr(stable_model, "fill_stable_rows", spy)
    extra = [["소년", "男孩", "\U0001f680"] * 3]
    model.build_vocab(lee[200:] + extra, update=True)
    new_keys = model.wv.index_to_key[len(old_keys) :]
    assert new_keys, "the update added no word, so the test checks nothing"
    assert calls == [new_keys]
    assert model.wv.index_to_key[: len(old_keys)] == old_keys
    assert_array_equal(model.wv.vectors[: len(old_keys)], old_vectors)
    assert model.wv.vectors[len(old_keys) :].tobytes() == stable_vectors(new_keys, 20, 3).tobytes()
