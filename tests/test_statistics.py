"""Statistical checks that stable_vectors draws from uniform [-1/d, 1/d) as docs/scheme.md states.

The sample is fixed: 100,000 keys of 300 dimensions, 20,000 in each of five families
(ASCII, Korean, Chinese, emoji and combining-mark keys), seed 1.  Each bound below is
``Z_BOUND`` standard errors of its statistic, derived from the sample size under the
null hypothesis of independent uniform values.  A normal tail beyond 6 standard
errors has probability 2e-9, so across the roughly 45,000 comparisons in this file a
correct initialiser passes with probability above 0.9999.  Since the input is fixed,
the outcome is also deterministic.  The bounds are tight enough to catch a wrong
scale, a biased sign, a repeated column, correlated rows of similar keys and a lost
bit of resolution.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from stablevec import stable_vectors

VECTOR_SIZE = 300
KEYS_PER_FAMILY = 20_000
#: Key families; keys within a family differ only in their trailing number.
KEY_PREFIXES = ("word", "단어", "词", "🙂", "e\u0301")
SAMPLE_SIZE = KEYS_PER_FAMILY * len(KEY_PREFIXES)
SEED = 1

#: Standard errors allowed for each statistic.
Z_BOUND = 6.0

HALF_WIDTH = 1.0 / VECTOR_SIZE
UNIFORM_VARIANCE = HALF_WIDTH**2 / 3
UNIFORM_FOURTH_MOMENT = HALF_WIDTH**4 / 5

#: docs/scheme.md, step 4: a value is s / (2**23 * d) for a signed 24-bit integer s.
SCALE = 2**23 * VECTOR_SIZE
RESOLUTION_LEVELS = 2**24

#: Rows converted to float64 at a time, so that no float64 copy of the whole matrix is made.
CHUNK_ROWS = 10_000

#: Columns for the Kolmogorov-Smirnov test: both halves of the first, a middle and the last SplitMix64 output.
KS_COLUMNS = (0, 1, 2, 3, 150, 151, 298, 299)
#: Family-wise false-alarm probability of the KS tests, split evenly over the columns.
KS_FAMILY_ALPHA = 1e-6


def make_keys() -> list[str]:
    return [f"{prefix}{i}" for prefix in KEY_PREFIXES for i in range(KEYS_PER_FAMILY)]


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return stable_vectors(make_keys(), VECTOR_SIZE, seed=SEED)


@pytest.fixture(scope="module")
def moments(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the column sums and the Gram matrix X^T X, accumulated in float64."""
    sums = np.zeros(VECTOR_SIZE)
    gram = np.zeros((VECTOR_SIZE, VECTOR_SIZE))
    for start in range(0, len(vectors), CHUNK_ROWS):
        chunk = vectors[start : start + CHUNK_ROWS].astype(np.float64)
        sums += chunk.sum(axis=0)
        gram += chunk.T @ chunk
    return sums, gram


def column_variances(moments: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    sums, gram = moments
    means = sums / SAMPLE_SIZE
    return np.diag(gram) / SAMPLE_SIZE - means**2


def test_stable_vectors_statistics_sample_shape(vectors: np.ndarray) -> None:
    assert vectors.shape == (SAMPLE_SIZE, VECTOR_SIZE)
    assert vectors.dtype == np.float32


def test_stable_vectors_column_means(moments: tuple[np.ndarray, np.ndarray]) -> None:
    sums, _ = moments
    standard_error = math.sqrt(UNIFORM_VARIANCE / SAMPLE_SIZE)
    z_scores = (sums / SAMPLE_SIZE) / standard_error
    worst = int(np.argmax(np.abs(z_scores)))
    assert abs(z_scores[worst]) < Z_BOUND, f"column {worst} mean is {z_scores[worst]:.2f} standard errors from 0"


def test_stable_vectors_overall_mean(moments: tuple[np.ndarray, np.ndarray]) -> None:
    sums, _ = moments
    count = SAMPLE_SIZE * VECTOR_SIZE
    standard_error = math.sqrt(UNIFORM_VARIANCE / count)
    z_score = (sums.sum() / count) / standard_error
    assert abs(z_score) < Z_BOUND


def test_stable_vectors_column_variances(moments: tuple[np.ndarray, np.ndarray]) -> None:
    # The sample variance of n uniform values has standard error sqrt((mu4 - sigma^4) / n);
    # 6 of them are 1.7 % of the variance, far less than the 75 % drop of a halved scale.
    standard_error = math.sqrt((UNIFORM_FOURTH_MOMENT - UNIFORM_VARIANCE**2) / SAMPLE_SIZE)
    z_scores = (column_variances(moments) - UNIFORM_VARIANCE) / standard_error
    worst = int(np.argmax(np.abs(z_scores)))
    assert abs(z_scores[worst]) < Z_BOUND, f"column {worst} variance is {z_scores[worst]:.2f} standard errors off"


def test_stable_vectors_overall_variance(moments: tuple[np.ndarray, np.ndarray]) -> None:
    # Over all 3e7 values the bound is 0.1 % of the variance, so even a scale of 1/(d + 1) fails it.
    sums, gram = moments
    count = SAMPLE_SIZE * VECTOR_SIZE
    variance = np.trace(gram) / count - (sums.sum() / count) ** 2
    standard_error = math.sqrt((UNIFORM_FOURTH_MOMENT - UNIFORM_VARIANCE**2) / count)
    assert abs(variance - UNIFORM_VARIANCE) / standard_error < Z_BOUND


def test_stable_vectors_values_in_range(vectors: np.ndarray) -> None:
    # docs/scheme.md, step 4: the bound is 1/d rounded to the output dtype, because
    # s = -2**23 gives exactly -float32(1/d), which lies below -1/d in float64.
    bound = np.float32(1) / np.float32(VECTOR_SIZE)
    assert vectors.min() >= -bound
    assert vectors.max() < bound


@pytest.mark.parametrize("column", KS_COLUMNS)
def test_stable_vectors_column_kolmogorov_smirnov(vectors: np.ndarray, column: int) -> None:
    # With n = 1e5 and alpha = 1e-6 / 8, a p-value below the bound means a KS distance
    # above about sqrt(ln(2 / alpha) / (2 n)) = 0.0091.  The 2**24 levels and the float32
    # rounding move the empirical CDF by less than 1e-7, which the test cannot see.
    uniform = stats.uniform(loc=-HALF_WIDTH, scale=2 * HALF_WIDTH)
    result = stats.kstest(vectors[:, column].astype(np.float64), uniform.cdf)
    assert result.pvalue > KS_FAMILY_ALPHA / len(KS_COLUMNS), f"KS statistic {result.statistic:.5f}"


def test_stable_vectors_columns_uncorrelated(moments: tuple[np.ndarray, np.ndarray]) -> None:
    # Each sample correlation of two independent columns has standard error 1/sqrt(n),
    # so the bound is 6/sqrt(1e5) = 0.019 for each of the 44,850 pairs.
    sums, gram = moments
    means = sums / SAMPLE_SIZE
    covariance = gram / SAMPLE_SIZE - np.outer(means, means)
    deviations = np.sqrt(np.diag(covariance))
    correlation = covariance / np.outer(deviations, deviations)
    off_diagonal = np.abs(correlation[np.triu_indices(VECTOR_SIZE, k=1)])
    bound = Z_BOUND / math.sqrt(SAMPLE_SIZE)
    first, second = (int(i) for i in np.argwhere(np.abs(np.triu(correlation, k=1)) == off_diagonal.max())[0])
    assert off_diagonal.max() < bound, f"columns {first} and {second} have correlation {correlation[first, second]:.4f}"


def adjacent_key_pairs(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows of keys 2i and 2i + 1 of each family, such as "word0" and "word1"."""
    families = vectors.reshape(len(KEY_PREFIXES), KEYS_PER_FAMILY, VECTOR_SIZE)
    first = families[:, 0::2].reshape(-1, VECTOR_SIZE).astype(np.float64)
    second = families[:, 1::2].reshape(-1, VECTOR_SIZE).astype(np.float64)
    return first, second


def test_stable_vectors_adjacent_keys_columns_uncorrelated(vectors: np.ndarray) -> None:
    # Within each column, the correlation of the value of "word2i" with that of
    # "word2i+1" over the 50,000 pairs has standard error 1/sqrt(50,000).
    first, second = adjacent_key_pairs(vectors)
    pairs = len(first)
    first -= first.mean(axis=0)
    second -= second.mean(axis=0)
    correlation = (first * second).sum(axis=0) / np.sqrt((first**2).sum(axis=0) * (second**2).sum(axis=0))
    bound = Z_BOUND / math.sqrt(pairs)
    worst = int(np.argmax(np.abs(correlation)))
    assert abs(correlation[worst]) < bound, f"column {worst} has lag correlation {correlation[worst]:.4f}"


def test_stable_vectors_adjacent_keys_rows_uncorrelated(vectors: np.ndarray) -> None:
    # For independent rows x, y, t = sum(x * y) / (d * sigma^2) has mean 0 and variance
    # 1/d, so d * t^2 has mean 1 and variance 2 + (mu4^2 / sigma^8 - 3) / d.  Its average
    # over the disjoint pairs must be 1 within 6 standard errors, which catches a
    # dependence of either sign between the rows of similar keys.
    first, second = adjacent_key_pairs(vectors)
    pairs = len(first)
    t = (first * second).sum(axis=1) / (VECTOR_SIZE * UNIFORM_VARIANCE)
    scaled_squares = VECTOR_SIZE * t**2
    squared_kurtosis = (UNIFORM_FOURTH_MOMENT / UNIFORM_VARIANCE**2) ** 2
    variance = 2 + (squared_kurtosis - 3) / VECTOR_SIZE
    standard_error = math.sqrt(variance / pairs)
    z_score = (scaled_squares.mean() - 1) / standard_error
    message = f"mean of d * t^2 is {scaled_squares.mean():.4f}, {z_score:.2f} standard errors from 1"
    assert abs(z_score) < Z_BOUND, message


def expected_distinct(samples: int, levels: int) -> tuple[float, float]:
    """Return the mean and standard deviation of the number of distinct values among
    `samples` uniform draws from `levels` equally likely values (occupancy problem)."""
    empty_one = math.exp(samples * math.log1p(-1 / levels))
    empty_two = math.exp(samples * math.log1p(-2 / levels))
    mean = levels * (1 - empty_one)
    # Variance of the count of empty levels, which equals that of the occupied ones.
    variance = levels * (levels - 1) * empty_two + levels * empty_one - (levels * empty_one) ** 2
    return mean, math.sqrt(variance)


def test_stable_vectors_distinct_values_per_column(vectors: np.ndarray) -> None:
    # With 2**24 levels and n = 1e5, about n^2 / (2 * 2**24) = 298 draws repeat an
    # earlier value, give or take 17.  A 16-bit value would repeat about 48,700 of them.
    mean, deviation = expected_distinct(SAMPLE_SIZE, RESOLUTION_LEVELS)
    distinct = np.array([len(np.unique(vectors[:, column])) for column in range(VECTOR_SIZE)])
    z_scores = (distinct - mean) / deviation
    worst = int(np.argmax(np.abs(z_scores)))
    assert abs(z_scores[worst]) < Z_BOUND, f"column {worst} has {distinct[worst]} distinct values, expected {mean:.0f}"


def test_stable_vectors_values_on_resolution_grid(vectors: np.ndarray) -> None:
    # v * 2**23 * d is exact in float64 (a 24-bit significand times 2**25 * 75), and the
    # float32 rounding of s / (2**23 * d) moves it by at most |s| * 2**-24 <= 0.5, so
    # rounding it recovers s.  Rebuilding v from s then has to give the same bits.
    for start in range(0, len(vectors), CHUNK_ROWS):
        chunk = vectors[start : start + CHUNK_ROWS]
        integers = np.rint(chunk.astype(np.float64) * SCALE)
        assert integers.min() >= -(2**23)
        assert integers.max() < 2**23
        rebuilt = integers.astype(np.float32) / np.float32(SCALE)
        np.testing.assert_array_equal(rebuilt, chunk)
