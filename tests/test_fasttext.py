"""stablevec.FastText: stable vocabulary and n-gram bucket vectors, updates, save and load."""

import hashlib
import textwrap

import numpy as np
import pytest
from gensim.models import FastText as GensimFastText
from gensim.models.fasttext import FastTextKeyedVectors, ft_ngram_hashes
from launches import HASH_SEEDS, run_fresh, run_in_launches
from numpy.testing import assert_array_equal
from reference import reference_row

from stablevec import FastText, Word2Vec

NGRAM_BUCKET = b"\xfd"
BUCKETS = 5000
NON_ENGLISH = ["소년", "男孩", "\U0001f680", "cafe\u0301", "café"]


def vocabulary_model(corpus, **params):
    """Return a model whose vocabulary is built from `corpus` but which is not trained."""
    settings = {"vector_size": 16, "min_count": 2, "bucket": BUCKETS, "workers": 1, **params}
    model = FastText(**settings)
    model.build_vocab(corpus)
    return model


def reference_word_vector(model, word):
    """Compose a word's initial vector from reference rows, in gensim's order of float32 sums."""
    buckets = ft_ngram_hashes(word, model.wv.min_n, model.wv.max_n, model.wv.bucket)
    if word in model.wv.key_to_index:
        total = reference_row(word, model.vector_size, model.seed)
        count = len(buckets) + 1
    else:
        total = np.zeros(model.vector_size, dtype=np.float32)
        count = len(buckets)
    for bucket in buckets:
        total += reference_row(int(bucket), model.vector_size, model.seed, prefix=NGRAM_BUCKET)
    return total / np.float32(count)


@pytest.mark.slow
def test_fasttext_launch_stable_on_lee():
    """Three launches build and train identical vocabulary, bucket and OOV vectors."""
    code = textwrap.dedent(
        """
        import hashlib, json
        from gensim.models.word2vec import LineSentence
        from gensim.test.utils import datapath
        from stablevec import FastText

        def digest(array):
            return hashlib.sha256(array.tobytes()).hexdigest()

        corpus = list(LineSentence(datapath("lee_background.cor")))
        model = FastText(vector_size=24, min_count=2, bucket=20000, epochs=3, workers=1)
        model.build_vocab(corpus)
        oov = ["qwertyuiop", "소년", "\\U0001f680"]
        initial = [digest(model.wv.vectors_vocab), digest(model.wv.vectors_ngrams)]
        initial += [digest(model.wv[word]) for word in oov]
        model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
        trained = [digest(model.wv.vectors_vocab), digest(model.wv.vectors_ngrams), digest(model.wv.vectors)]
        trained += [digest(model.wv[word]) for word in oov]
        print(json.dumps([initial, trained]))
        """
    )
    results = run_in_launches(code)
    assert len(results) == len(HASH_SEEDS)
    initial, trained = results[0]
    assert initial[0] != trained[0], "training must change the vocabulary vectors"
    assert initial[2] != trained[3], "training must change the out-of-vocabulary vector"
    for result in results[1:]:
        assert result == results[0]


@pytest.mark.slow
def test_fasttext_ngram_hashing_launch_independent():
    """gensim's n-gram buckets (FNV-1a of UTF-8 bytes) do not depend on PYTHONHASHSEED."""
    code = textwrap.dedent(
        """
        import json
        from gensim.models.fasttext import ft_ngram_hashes
        words = ["boy", "소년", "男孩", "\\U0001f680", "cafe\\u0301", "café", "reproducibility"]
        print(json.dumps([[int(b) for b in ft_ngram_hashes(word, 3, 6, 2000000)] for word in words]))
        """
    )
    results = run_in_launches(code)
    assert all(result == results[0] for result in results[1:])
    assert len(results[0][1]) > 0


def test_fasttext_vocabulary_rows_are_stable_rows(lee):
    model = vocabulary_model(lee, seed=5)
    for row in (0, 1, 100, len(model.wv) - 1):
        word = model.wv.index_to_key[row]
        assert_array_equal(model.wv.vectors_vocab[row], reference_row(word, 16, 5))


def test_fasttext_bucket_rows_are_stable_rows(lee):
    model = vocabulary_model(lee, seed=5)
    assert model.wv.vectors_ngrams.shape == (BUCKETS, 16)
    for bucket in (0, 1, 2500, BUCKETS - 1):
        assert_array_equal(model.wv.vectors_ngrams[bucket], reference_row(bucket, 16, 5, prefix=NGRAM_BUCKET))


def test_fasttext_composed_vectors_match_reference(lee):
    model = vocabulary_model(lee)
    for word in [model.wv.index_to_key[0], model.wv.index_to_key[50]]:
        assert_array_equal(model.wv[word], reference_word_vector(model, word))


def test_fasttext_oov_initial_vector_is_stable(lee):
    model = vocabulary_model(lee)
    for word in ["qwertyuiop", *NON_ENGLISH]:
        assert word not in model.wv.key_to_index
        assert_array_equal(model.wv[word], reference_word_vector(model, word))


def test_fasttext_golden_bucket_rows():
    model = FastText(vector_size=6, min_count=1, bucket=20000, workers=1, seed=1)
    model.build_vocab([["boy", "소년"]])
    golden = {
        0: [-0.08170858770608902, -0.1518208384513855, 0.0321328230202198,
            -0.11314304918050766, 0.1538672298192978, -0.13058894872665405],
        12345: [0.14158833026885986, -0.1562773734331131, -0.09334850311279297,
                0.10011442750692368, -0.10810190439224243, 0.052423398941755295],
    }
    for bucket, values in golden.items():
        assert_array_equal(model.wv.vectors_ngrams[bucket], np.array(values, dtype=np.float32))


def test_fasttext_word_and_bucket_namespaces_differ():
    model = FastText(vector_size=8, min_count=1, bucket=100, workers=1)
    model.build_vocab([["boy"]])
    assert not np.array_equal(model.wv.vectors_ngrams[7], reference_row(7, 8, 1))


def test_fasttext_vocabulary_invariance(lee):
    small = vocabulary_model(lee[:50], min_count=1)
    large = vocabulary_model(lee, min_count=1)
    for word in small.wv.index_to_key[:200]:
        assert_array_equal(small.wv.vectors_vocab[small.wv.get_index(word)],
                           large.wv.vectors_vocab[large.wv.get_index(word)])
    assert_array_equal(small.wv.vectors_ngrams, large.wv.vectors_ngrams)


def test_fasttext_update_keeps_rows(lee):
    model = vocabulary_model(lee[:100], min_count=1, epochs=1)
    model.train(lee[:100], total_examples=100, epochs=1)
    old_count = len(model.wv)
    old_vocab = model.wv.vectors_vocab.copy()
    old_ngrams = model.wv.vectors_ngrams.copy()
    new_sentences = [["소년", "男孩", "\U0001f680", "cafe\u0301"], *lee[100:150]]

    model.build_vocab(new_sentences, update=True)

    assert len(model.wv) > old_count
    assert len(model.wv.vectors_vocab) == len(model.wv)
    assert len(model.wv.vectors) == len(model.wv)
    assert len(model.wv.buckets_word) == len(model.wv)
    assert_array_equal(model.wv.vectors_vocab[:old_count], old_vocab)
    assert_array_equal(model.wv.vectors_ngrams, old_ngrams)
    for word in NON_ENGLISH[:3]:
        assert_array_equal(model.wv.vectors_vocab[model.wv.get_index(word)], reference_row(word, 16, 1))
    assert model.syn1neg.shape == (len(model.wv), 16)
    model.train(new_sentences, total_examples=len(new_sentences), epochs=1)


def test_fasttext_update_without_vocabulary_raises(lee):
    model = FastText(vector_size=8, bucket=100, workers=1)
    with pytest.raises(RuntimeError, match="needs an existing vocabulary"):
        model.build_vocab(lee[:5], update=True)


def test_fasttext_without_ngrams(lee):
    model = vocabulary_model(lee[:50], min_n=4, max_n=3)
    assert model.wv.bucket == 0
    assert model.wv.vectors_ngrams.shape == (0, 16)
    word = model.wv.index_to_key[0]
    assert_array_equal(model.wv[word], reference_row(word, 16, 1))


def test_fasttext_training_bit_reproducible_in_process(lee):
    corpus = lee[:80]
    first = FastText(corpus, vector_size=12, min_count=2, bucket=BUCKETS, epochs=1, workers=1)
    second = FastText(corpus, vector_size=12, min_count=2, bucket=BUCKETS, epochs=1, workers=1)
    assert_array_equal(first.wv.vectors_vocab, second.wv.vectors_vocab)
    assert_array_equal(first.wv.vectors_ngrams, second.wv.vectors_ngrams)


# ---------------------------------------------------------------------------
# Save and load


def test_fasttext_save_load_roundtrip(lee, tmp_path):
    model = vocabulary_model(lee[:60])
    path = str(tmp_path / "model.ft")
    model.save(path)
    loaded = FastText.load(path)
    assert type(loaded) is FastText
    assert_array_equal(loaded.wv.vectors_ngrams, model.wv.vectors_ngrams)
    assert_array_equal(loaded.wv["qwertyuiop"], model.wv["qwertyuiop"])
    loaded.build_vocab([["소년", "소년"]], update=True)
    assert_array_equal(loaded.wv.vectors_vocab[loaded.wv.get_index("소년")], reference_row("소년", 16, 1))


@pytest.mark.slow
def test_fasttext_keyed_vectors_load_with_plain_gensim(lee, tmp_path):
    model = vocabulary_model(lee[:60])
    path = str(tmp_path / "wv.kv")
    model.wv.save(path)
    # Blocking the stablevec import proves that the file needs only gensim.
    code = textwrap.dedent(
        f"""
        import hashlib, json, sys
        sys.modules["stablevec"] = None
        from gensim.models.fasttext import FastTextKeyedVectors
        vectors = FastTextKeyedVectors.load({path!r})
        print(json.dumps([type(vectors).__name__, hashlib.sha256(vectors["qwertyuiop"].tobytes()).hexdigest()]))
        """
    )
    result = run_fresh(code, HASH_SEEDS[2])
    assert result == ["FastTextKeyedVectors", hashlib.sha256(model.wv["qwertyuiop"].tobytes()).hexdigest()]
    assert type(FastTextKeyedVectors.load(path)) is FastTextKeyedVectors


def test_fasttext_load_adopts_plain_gensim_model(lee, tmp_path):
    plain = GensimFastText(lee[:60], vector_size=8, min_count=2, bucket=BUCKETS, epochs=1, workers=1)
    path = str(tmp_path / "plain.ft")
    plain.save(path)
    model = FastText.load(path)
    assert type(model) is FastText
    assert model.hashfxn is None
    assert_array_equal(model.wv.vectors_ngrams, plain.wv.vectors_ngrams)
    old_count = len(model.wv)
    model.build_vocab([["소년", "소년"]], update=True)
    assert_array_equal(model.wv.vectors_vocab[:old_count], plain.wv.vectors_vocab)
    assert_array_equal(model.wv.vectors_vocab[model.wv.get_index("소년")], reference_row("소년", 8, 1))


def test_fasttext_from_gensim_rejects_word2vec():
    with pytest.raises(TypeError, match=r"can adopt a gensim\.models\.fasttext\.FastText"):
        FastText.from_gensim(Word2Vec(vector_size=8, workers=1))


# ---------------------------------------------------------------------------
# Constructor conventions


def test_fasttext_workers_default():
    assert FastText(bucket=10).workers == 3
    assert FastText(bucket=10, deterministic=True).workers == 1


def test_fasttext_deterministic_rejects_workers():
    with pytest.raises(ValueError, match="requires workers=1"):
        FastText(bucket=10, workers=2, deterministic=True)


def test_fasttext_hashfxn_warns_and_is_dropped():
    with pytest.warns(UserWarning, match="is ignored"):
        model = FastText(bucket=10, hashfxn=lambda text: 0)
    assert model.hashfxn is None


def test_fasttext_legacy_keywords():
    with pytest.warns(DeprecationWarning, match="'size' keyword"):
        model = FastText(size=9, bucket=10)
    assert model.vector_size == 9
    with pytest.raises(TypeError, match="got both 'iter' and 'epochs'"):
        FastText(iter=3, epochs=3)


def test_fasttext_defaults_match_gensim():
    model, plain = FastText(), GensimFastText()
    names = ("vector_size", "epochs", "window", "alpha", "min_count", "negative", "sample", "seed", "sg")
    for name in names:
        assert getattr(model, name) == getattr(plain, name), name
    assert model.wv.bucket == plain.wv.bucket
    assert (model.wv.min_n, model.wv.max_n) == (plain.wv.min_n, plain.wv.max_n)
