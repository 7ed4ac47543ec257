"""Property-based tests of stable_vectors and key_seeds with hypothesis.

Every test uses the PROPERTY settings: derandomized and without an example database,
so a run draws the same examples on every machine, and a failure prints the
``@reproduce_failure`` blob that replays it.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from reference import reference_key_seed, reference_row

from stablevec import key_seeds, stable_vectors

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

#: Any code point. Lone surrogates (category Cs) get their own branch because they are
#: only 2048 of the 1.1 million code points and would otherwise be rare.
ANY_TEXT = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=()), st.characters(categories=["Cs"])),
    max_size=12,
)
INT_KEYS = st.integers(min_value=-(2**70), max_value=2**70)
KEYS = st.one_of(ANY_TEXT, INT_KEYS)
KEY_LISTS = st.lists(KEYS, min_size=1, max_size=40, unique=True)
SEEDS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, -1, 2**32, 2**63, 2**64 - 1, 2**64, 2**64 + 1, -(2**64) - 1]),
)
VECTOR_SIZES = st.integers(min_value=1, max_value=301)
DTYPES = st.sampled_from([np.float32, np.float64])


def rows_by_key(keys, rows):
    return {key: rows[index] for index, key in enumerate(keys)}


@PROPERTY
@given(keys=KEY_LISTS, vector_size=VECTOR_SIZES, seed=SEEDS, data=st.data())
def test_stable_vectors_permutation_same_rows(keys, vector_size, seed, data):
    permuted = data.draw(st.permutations(keys), label="permuted")
    expected = rows_by_key(keys, stable_vectors(keys, vector_size, seed))
    rows = stable_vectors(permuted, vector_size, seed)
    for index, key in enumerate(permuted):
        assert_array_equal(rows[index], expected[key])


@PROPERTY
@given(keys=KEY_LISTS, vector_size=VECTOR_SIZES, seed=SEEDS, data=st.data())
def test_stable_vectors_subset_same_rows(keys, vector_size, seed, data):
    subset = data.draw(st.lists(st.sampled_from(keys), min_size=1, unique=True), label="subset")
    expected = rows_by_key(keys, stable_vectors(keys, vector_size, seed))
    rows = stable_vectors(subset, vector_size, seed)
    for index, key in enumerate(subset):
        assert_array_equal(rows[index], expected[key])


@PROPERTY
@given(keys=KEY_LISTS, extra=KEY_LISTS, vector_size=VECTOR_SIZES, seed=SEEDS, data=st.data())
def test_stable_vectors_superset_same_rows(keys, extra, vector_size, seed, data):
    # Duplicate-free: extra keys equal to one of `keys` are dropped.
    superset = keys + [key for key in extra if key not in keys]
    superset = data.draw(st.permutations(superset), label="superset")
    expected = rows_by_key(keys, stable_vectors(keys, vector_size, seed))
    rows = rows_by_key(superset, stable_vectors(superset, vector_size, seed))
    for key in keys:
        assert_array_equal(rows[key], expected[key])


@PROPERTY
@given(
    keys=st.lists(KEYS, min_size=1, max_size=200),
    vector_size=VECTOR_SIZES,
    seed=SEEDS,
    block_rows=st.integers(min_value=1, max_value=64),
    threads=st.integers(min_value=1, max_value=8),
)
def test_stable_vectors_blocks_threads_same_array(keys, vector_size, seed, block_rows, threads):
    expected = stable_vectors(keys, vector_size, seed, threads=1)
    rows = stable_vectors(keys, vector_size, seed, block_rows=block_rows, threads=threads)
    assert_array_equal(rows, expected)


@PROPERTY
@given(key=ANY_TEXT, seed=SEEDS, vector_size=VECTOR_SIZES, dtype=DTYPES)
def test_stable_vectors_any_text_deterministic(key, seed, vector_size, dtype):
    first = stable_vectors([key], vector_size, seed, dtype=dtype)
    second = stable_vectors([key], vector_size, seed, dtype=dtype)
    assert_array_equal(first, second)
    assert_array_equal(first[0], reference_row(key, vector_size, seed, dtype))


@PROPERTY
@given(keys=KEY_LISTS, seed=SEEDS)
def test_key_seeds_any_key_deterministic(keys, seed):
    first = key_seeds(keys, seed)
    assert_array_equal(first, key_seeds(keys, seed))
    assert first.tolist() == [reference_key_seed(key, seed) for key in keys]


@PROPERTY
@given(keys=KEY_LISTS, vector_size=st.integers(min_value=1, max_value=4096), seed=SEEDS, dtype=DTYPES)
def test_stable_vectors_values_in_range(keys, vector_size, seed, dtype):
    rows = stable_vectors(keys, vector_size, seed, dtype=dtype)
    # The bound 1/d rounded once in the output dtype, as docs/scheme.md step 4 rounds
    # every value. The smallest value -2**23 / (2**23 * d) rounds to exactly -bound.
    bound = dtype(1) / dtype(vector_size)
    assert np.isfinite(rows).all()
    assert (rows >= -bound).all()
    assert (rows < bound).all()


def million_keys():
    """Return 1,000,000 distinct keys: ASCII words, ints and random Unicode text with surrogates."""
    generator = np.random.default_rng(20240601)
    words = [f"w{number}" for number in range(400_000)]
    ints = list(range(-150_000, 150_000))
    # Any code point below 0x110000, lone surrogates included, in strings of 1 to 8 code points.
    code_points = generator.integers(0, 0x110000, size=(400_000, 8))
    lengths = generator.integers(1, 9, size=400_000)
    texts = {"".join(map(chr, points[:length])) for points, length in zip(code_points, lengths)}
    texts -= set(words)
    keys = words + ints + sorted(texts)[:300_000]
    assert len(keys) == 1_000_000
    return keys


@pytest.mark.slow
def test_stable_vectors_million_keys_distinct_rows():
    keys = million_keys()
    seeds = key_seeds(keys, seed=1)
    assert len(np.unique(seeds)) == len(keys)
    # Eight float32 columns carry 24 random bits each, and rows compare as 32-byte records.
    rows = stable_vectors(keys, 8, seed=1)
    assert len(np.unique(rows.view(np.dtype((np.void, rows.strides[0]))))) == len(keys)
