"""Calls from several threads at once return exactly what sequential calls return."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from gensim.models.doc2vec import TaggedDocument
from numpy.testing import assert_array_equal

from stablevec import Doc2Vec, key_seeds, stable_vectors

THREADS = 8


@pytest.fixture(scope="module")
def vocabulary(lee):
    words = sorted({word for sentence in lee for word in sentence})
    return [*words, "소년", "男孩", "\U0001f680", "cafe\u0301", "\ud83d", *range(-50, 50)]


@pytest.fixture(scope="module")
def doc2vec(lee):
    documents = [TaggedDocument(words, [number]) for number, words in enumerate(lee)]
    return Doc2Vec(documents, vector_size=24, min_count=2, epochs=2, workers=1, seed=5)


def run_together(function, arguments):
    """Call `function` on every argument from THREADS threads that start at the same moment."""
    barrier = threading.Barrier(THREADS)

    def call(argument):
        barrier.wait()
        return function(argument)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(call, arguments))


def test_stable_vectors_threads_match_sequential(vocabulary):
    # Each caller also splits its own work across threads, so the pools overlap.
    requests = [(vocabulary[start::THREADS], 50 + start, start) for start in range(THREADS)]
    expected = [stable_vectors(keys, size, seed, threads=1) for keys, size, seed in requests]
    results = run_together(lambda request: stable_vectors(*request, threads=2, block_rows=64), requests)
    for rows, expected_rows in zip(results, expected):
        assert_array_equal(rows, expected_rows)


def test_stable_vectors_same_call_threads_match(vocabulary):
    expected = stable_vectors(vocabulary, 100, 7)
    results = run_together(lambda _: stable_vectors(vocabulary, 100, 7), range(THREADS))
    for rows in results:
        assert_array_equal(rows, expected)


def test_key_seeds_threads_match_sequential(vocabulary):
    expected = key_seeds(vocabulary, 3)
    results = run_together(lambda _: key_seeds(vocabulary, 3), range(THREADS))
    for seeds in results:
        assert_array_equal(seeds, expected)


def test_doc2vec_infer_vector_threads_match_sequential(doc2vec, lee):
    documents = [lee[number] for number in range(0, 8 * THREADS, 8)]
    expected = [doc2vec.infer_vector(words) for words in documents]
    results = run_together(doc2vec.infer_vector, documents)
    for vector, expected_vector in zip(results, expected):
        assert_array_equal(vector, expected_vector)


def test_doc2vec_infer_vector_same_document_threads_match(doc2vec, lee):
    expected = doc2vec.infer_vector(lee[0])
    results = run_together(lambda _: doc2vec.infer_vector(lee[0]), range(THREADS))
    for vector in results:
        assert_array_equal(vector, expected)
    assert np.isfinite(expected).all()
