"""Rejected input: each case raises an error that names the value and the fix, and changes nothing.

docs/errors.md lists these tests, one per row, and the last test checks that the two lists match.
"""

import copy
import logging
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from gensim.test.utils import datapath
from numpy.testing import assert_array_equal

import stablevec._validation
from stablevec import Word2Vec, key_seeds, stable_vectors

KEYS = ["boy", "소년", "男孩", "\U0001f680", "cafe\u0301", 7]

WRONG_TYPE_SEEDS = [None, 1.0, True, "1"]
WRONG_TYPE_KEYS = [b"boy", ("boy", "girl"), None, 1.5]
NON_INTEGER_SIZES = [100.0, "100", True]

#: One MiB, far less than the weights of the Lee corpus vocabulary need.
TINY_MEMORY = 2**20


@pytest.fixture
def trained(lee):
    return Word2Vec(lee, vector_size=24, min_count=2, workers=1, epochs=1, seed=3)


def model_state(model):
    """Return deep copies of everything that build_vocab and train change."""
    wv = model.wv
    return {
        "index_to_key": list(wv.index_to_key),
        "key_to_index": dict(wv.key_to_index),
        "vectors": np.array(wv.vectors, copy=True),
        "expandos": {name: np.array(values, copy=True) for name, values in wv.expandos.items()},
        "syn1neg": np.array(getattr(model, "syn1neg", np.empty(0)), copy=True),
        "corpus_count": model.corpus_count,
        "corpus_total_words": model.corpus_total_words,
        "raw_vocab": copy.deepcopy(getattr(model, "raw_vocab", None)),
        "random": model.random.get_state(),
    }


def assert_state_equal(before, after):
    assert after["index_to_key"] == before["index_to_key"]
    assert after["key_to_index"] == before["key_to_index"]
    assert_array_equal(after["vectors"], before["vectors"])
    assert after["expandos"].keys() == before["expandos"].keys()
    for name, values in before["expandos"].items():
        assert_array_equal(after["expandos"][name], values)
    assert_array_equal(after["syn1neg"], before["syn1neg"])
    assert after["corpus_count"] == before["corpus_count"]
    assert after["corpus_total_words"] == before["corpus_total_words"]
    assert after["raw_vocab"] == before["raw_vocab"]
    assert after["random"][0] == before["random"][0]
    assert_array_equal(after["random"][1], before["random"][1])
    assert after["random"][2:] == before["random"][2:]


class CountingCorpus:
    """A re-iterable corpus that counts the sentences read from it."""

    def __init__(self, sentences):
        self.sentences = sentences
        self.read = 0

    def __iter__(self):
        for sentence in self.sentences:
            self.read += 1
            yield sentence


# vector_size


def test_stable_vectors_vector_size_zero():
    with pytest.raises(ValueError, match=r"vector_size must be a positive integer, got 0; pass for example 100"):
        stable_vectors(KEYS, 0)


def test_word2vec_vector_size_zero(lee):
    corpus = CountingCorpus(lee)
    with pytest.raises(ValueError, match=r"vector_size must be a positive integer, got 0; pass for example 100"):
        Word2Vec(corpus, vector_size=0, min_count=1)
    assert corpus.read == 0


def test_stable_vectors_vector_size_negative():
    with pytest.raises(ValueError, match=r"got -5; pass for example 100"):
        stable_vectors(KEYS, -5)


def test_word2vec_vector_size_negative(lee):
    corpus = CountingCorpus(lee)
    with pytest.raises(ValueError, match=r"got -5; pass for example 100"):
        Word2Vec(corpus, vector_size=-5, min_count=1)
    assert corpus.read == 0


@pytest.mark.parametrize("vector_size", NON_INTEGER_SIZES)
def test_stable_vectors_vector_size_non_integer(vector_size):
    message = rf"got {re.escape(repr(vector_size))} of type {type(vector_size).__name__}; pass an int"
    with pytest.raises(TypeError, match=message):
        stable_vectors(KEYS, vector_size)


@pytest.mark.parametrize("vector_size", NON_INTEGER_SIZES)
def test_word2vec_vector_size_non_integer(lee, vector_size):
    corpus = CountingCorpus(lee)
    message = rf"got {re.escape(repr(vector_size))} of type {type(vector_size).__name__}; pass an int"
    with pytest.raises(TypeError, match=message):
        Word2Vec(corpus, vector_size=vector_size, min_count=1)
    assert corpus.read == 0


def test_stable_vectors_vector_size_exceeds_memory():
    # 1200 rows of 2**40 float32 values need 4.7 PiB; the check runs before numpy.empty.
    with pytest.raises(ValueError, match=r"shape \(1200, 1099511627776\) .* needs 4915200\.0 GiB, more than the"):
        stable_vectors(KEYS * 200, 2**40)


def test_word2vec_vector_size_exceeds_memory(lee):
    corpus = CountingCorpus(lee)
    with pytest.raises(ValueError, match=r"shape \(1, 1099511627776\).*reduce vector_size"):
        Word2Vec(corpus, vector_size=2**40, min_count=1)
    assert corpus.read == 0


def test_word2vec_build_vocab_exceeds_memory_unchanged(lee, monkeypatch):
    model = Word2Vec(vector_size=100, min_count=1, workers=1)
    before = model_state(model)
    monkeypatch.setattr(stablevec._validation, "physical_memory_bytes", lambda: TINY_MEMORY)
    with pytest.raises(ValueError, match=r"float32 array\(s\) of shape \(\d+, 100\).*raise min_count"):
        model.build_vocab(lee)
    assert_state_equal(before, model_state(model))


def test_word2vec_update_exceeds_memory_unchanged(trained, head500, monkeypatch):
    before = model_state(trained)
    monkeypatch.setattr(stablevec._validation, "physical_memory_bytes", lambda: TINY_MEMORY)
    with pytest.raises(ValueError, match=r"of shape \(\d+, 24\).*more than the 0\.0 GiB of physical memory"):
        trained.build_vocab(head500, update=True)
    assert_state_equal(before, model_state(trained))


# seed


@pytest.mark.parametrize("seed", WRONG_TYPE_SEEDS)
def test_stable_vectors_seed_wrong_type(seed):
    message = rf"seed must be an integer .*got {re.escape(repr(seed))} of type .*such as seed=1"
    with pytest.raises(TypeError, match=message):
        stable_vectors(KEYS, 8, seed)


@pytest.mark.parametrize("seed", WRONG_TYPE_SEEDS)
def test_key_seeds_seed_wrong_type(seed):
    with pytest.raises(TypeError, match=rf"got {re.escape(repr(seed))} of type {type(seed).__name__}; pass an integer"):
        key_seeds(KEYS, seed)


@pytest.mark.parametrize("seed", WRONG_TYPE_SEEDS)
def test_word2vec_seed_wrong_type(lee, seed):
    corpus = CountingCorpus(lee)
    with pytest.raises(TypeError, match=rf"got {re.escape(repr(seed))} of type {type(seed).__name__}; pass an integer"):
        Word2Vec(corpus, seed=seed, min_count=1)
    assert corpus.read == 0


@pytest.mark.parametrize("seed", [-1, 2**32, 2**64 + 1])
def test_word2vec_seed_out_of_range(lee, seed):
    corpus = CountingCorpus(lee)
    with pytest.raises(ValueError, match=rf"between 0 and 2\*\*32 - 1 for a model, got {seed}.*seed % 2\*\*32"):
        Word2Vec(corpus, seed=seed, min_count=1)
    assert corpus.read == 0


# keys and tokens


@pytest.mark.parametrize("key", WRONG_TYPE_KEYS)
def test_stable_vectors_key_wrong_type(key):
    with pytest.raises(TypeError, match=rf"has unsupported type {type(key).__name__}; .*for example with str\(key\)"):
        stable_vectors([*KEYS, key], 8)


@pytest.mark.parametrize("function", [stable_vectors, key_seeds])
@pytest.mark.parametrize("keys", ["boy", b"boy"])
def test_keys_single_string_rejected(function, keys):
    """One str or bytes in place of a list of keys raises instead of splitting it into characters."""
    arguments = (keys, 8) if function is stable_vectors else (keys,)
    with pytest.raises(TypeError, match=rf"keys must be a sequence of keys, got the single {type(keys).__name__}"):
        function(*arguments)


@pytest.mark.parametrize("key", WRONG_TYPE_KEYS)
def test_key_seeds_key_wrong_type(key):
    with pytest.raises(TypeError, match=rf"key {re.escape(repr(key))} has unsupported type {type(key).__name__}"):
        key_seeds([*KEYS, key])


@pytest.mark.parametrize("token", [b"bytes", ("a", "b"), None, 1.5])
def test_word2vec_token_wrong_type_unchanged(trained, head500, token):
    corpus = [*head500[:50], ["plain", token, "words"]]
    before = model_state(trained)
    message = rf"the token {re.escape(repr(token))} of type {type(token).__name__}.*convert the tokens"
    with pytest.raises(TypeError, match=message):
        trained.build_vocab(corpus, update=True, min_count=1)
    assert_state_equal(before, model_state(trained))


# corpus shape


def test_word2vec_corpus_of_strings_warns(caplog):
    with open(datapath("lee_background.cor"), encoding="utf-8") as lines:
        texts = [line.strip() for line in lines][:20]
    model = Word2Vec(vector_size=8, min_count=1, workers=1)
    with caplog.at_level(logging.WARNING, logger="gensim"):
        with pytest.warns(UserWarning, match=r"corpus items are strings \(the first is 'Hundreds of.*line\.split\(\)"):
            model.build_vocab(texts)
    gensim_warnings = [record for record in caplog.records if "should be a list of words" in record.getMessage()]
    assert len(gensim_warnings) == 1


def test_word2vec_update_before_vocabulary_unchanged(lee):
    model = Word2Vec(vector_size=16, workers=1)
    corpus = CountingCorpus(lee)
    before = model_state(model)
    with pytest.raises(RuntimeError, match=r"needs an existing vocabulary.*without update=True first"):
        model.build_vocab(corpus, update=True)
    assert corpus.read == 0
    assert_state_equal(before, model_state(model))


# workers


@pytest.mark.parametrize(("workers", "error"), [(0, ValueError), (-2, ValueError), (1.5, TypeError)])
def test_word2vec_workers_invalid(lee, workers, error):
    corpus = CountingCorpus(lee)
    with pytest.raises(error, match=rf"workers must be .*got {workers!r}.*workers=1"):
        Word2Vec(corpus, workers=workers, min_count=1)
    assert corpus.read == 0


# out arrays


@pytest.mark.parametrize(
    ("shape", "dtype", "writeable", "message"),
    [
        ((len(KEYS), 9), np.float32, True, r"out has shape \(6, 9\), expected \(6, 8\)"),
        ((len(KEYS) + 1, 8), np.float32, True, r"out has shape \(7, 8\), expected \(6, 8\)"),
        ((len(KEYS), 8), np.float64, True, r"out has dtype float64, expected float32; allocate it with dtype"),
        ((len(KEYS), 8), np.float32, False, r"out is read-only; pass a writeable array"),
    ],
    ids=["columns", "rows", "dtype", "read-only"],
)
def test_stable_vectors_out_invalid_unchanged(shape, dtype, writeable, message):
    out = np.full(shape, 7.0, dtype=dtype)
    out.flags.writeable = writeable
    with pytest.raises(ValueError, match=message):
        stable_vectors(KEYS, 8, out=out)
    assert_array_equal(out, np.full(shape, 7.0, dtype=dtype))


# NaN and infinity


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("vector_size", [1, 2, 3, 300, 2**24 + 1])
def test_stable_vectors_values_finite(vector_size, dtype):
    # 2**24 + 1 is the first size whose float32 denominator 2**23 * d is not exact;
    # one key keeps that row at 64 MiB (float32) or 128 MiB (float64).
    keys = KEYS if vector_size < 2**24 else KEYS[:1]
    rows = stable_vectors(keys, vector_size, seed=2**70, dtype=dtype)
    assert np.isfinite(rows).all()


def test_word2vec_trained_vectors_finite(trained):
    assert np.isfinite(trained.wv.vectors).all()
    assert np.isfinite(trained.syn1neg).all()


# The table in docs/errors.md


def test_errors_table_lists_every_test():
    table = (Path(__file__).resolve().parent.parent / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ") and line.rstrip().endswith("` |")]
    documented = [re.search(r"`(test_\w+)` \|$", row.rstrip()).group(1) for row in rows]
    module = sys.modules[__name__]
    tests = [name for name in vars(module) if name.startswith("test_") and name != "test_errors_table_lists_every_test"]
    assert sorted(documented) == sorted(tests)
    assert len(documented) == len(set(documented))
