"""stablevec.Word2Vec on real text: launch stability, vocabulary invariance, updates, guards."""

import logging
import textwrap
import warnings

import numpy as np
import pytest
from gensim.models import Word2Vec as GensimWord2Vec
from gensim.test.utils import datapath
from launches import HASH_SEEDS, run_fresh, run_in_launches
from numpy.testing import assert_array_equal

import stablevec
from stablevec import Word2Vec, stable_vectors

LEE = datapath("lee_background.cor")


def vocabulary_model(corpus, **params):
    """Return a model whose vocabulary is built from `corpus` but which is not trained."""
    model = Word2Vec(vector_size=40, workers=1, **params)
    model.build_vocab(corpus)
    return model


def test_word2vec_launch_stable_on_lee():
    """Three interpreters with different PYTHONHASHSEED build and train identical vectors."""
    code = textwrap.dedent(
        """
        import hashlib, json
        from gensim.models.word2vec import LineSentence
        from gensim.test.utils import datapath
        from stablevec import Word2Vec
        corpus = list(LineSentence(datapath("lee_background.cor")))
        model = Word2Vec(vector_size=50, min_count=2, workers=1, epochs=5)
        model.build_vocab(corpus)
        initial = hashlib.sha256(model.wv.vectors.tobytes()).hexdigest()
        model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
        trained = hashlib.sha256(model.wv.vectors.tobytes()).hexdigest()
        keys = hashlib.sha256("\\n".join(model.wv.index_to_key).encode()).hexdigest()
        print(json.dumps([keys, initial, trained]))
        """
    )
    results = run_in_launches(code)
    assert len(results) == len(HASH_SEEDS)
    assert results[0][1] != results[0][2], "training must change the vectors"
    for result in results[1:]:
        assert result == results[0]


def test_word2vec_classic_reproduction_launch_stable():
    """The classic three-sentence example gives the same "boy" vector in every launch.

    The corpus fits in one job per epoch, so gensim's default three workers still
    process it on one thread at a time, as in the original report.
    """
    code = textwrap.dedent(
        """
        import json, warnings
        from stablevec import Word2Vec
        text = ["He is a boy", "He is a man", "She is a girl"] * 10
        sentences = [line.lower().split(" ") for line in text]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            model = Word2Vec(size=50, min_count=1)
        model.build_vocab(sentences)
        model.train(sentences, total_examples=model.corpus_count, epochs=30)
        print(json.dumps([float(x) for x in model.wv["boy"][:5]]))
        """
    )
    results = run_in_launches(code)
    for result in results[1:]:
        assert result == results[0]


def test_word2vec_plain_gensim_3_hash_differs_across_launches():
    """Python's hash(), which gensim 3 seeded with, changes between launches: the bug being fixed."""
    code = 'import json; print(json.dumps(hash("boy1")))'
    assert len({run_fresh(code, hash_seed) for hash_seed in ("1", "2", "3")}) == 3


def test_word2vec_initial_vectors_are_stable_rows(lee):
    """After build_vocab, each word's vector is its stable_vectors row."""
    model = vocabulary_model(lee, min_count=2, seed=7)
    assert_array_equal(model.wv.vectors, stable_vectors(model.wv.index_to_key, 40, 7))
    assert model.wv.vectors.dtype == np.float32


def test_word2vec_vocabulary_invariance(lee, head500):
    """A word starts at the same vector whatever corpus, min_count or corpus order built the vocabulary."""
    models = [
        vocabulary_model(lee, min_count=1),
        vocabulary_model(lee, min_count=5),
        vocabulary_model(lee + head500, min_count=1),
        vocabulary_model(lee + head500, min_count=5),
        vocabulary_model(head500 + lee[::-1], min_count=5),
    ]
    common = set(models[0].wv.index_to_key)
    for model in models[1:]:
        common &= set(model.wv.index_to_key)
    common_words = sorted(common)
    assert len(common_words) > 500
    reference = models[0].wv[common_words]
    for model in models[1:]:
        assert_array_equal(model.wv[common_words], reference)


def test_word2vec_gensim_init_depends_on_vocabulary(lee, head500):
    """Plain gensim 4 starts a word elsewhere when the vocabulary changes; stablevec does not."""
    small = GensimWord2Vec(vector_size=40, min_count=5, workers=1)
    small.build_vocab(lee)
    large = GensimWord2Vec(vector_size=40, min_count=5, workers=1)
    large.build_vocab(lee + head500)
    assert not np.array_equal(small.wv["government"], large.wv["government"])


def test_word2vec_online_update_keeps_old_rows(lee, head500):
    """build_vocab(update=True) leaves trained rows alone and gives new words their stable rows."""
    model = Word2Vec(lee, vector_size=30, min_count=3, workers=1, epochs=2, seed=3)
    old_words = list(model.wv.index_to_key)
    trained = model.wv.vectors.copy()
    trained_output = model.syn1neg.copy()
    model.build_vocab(head500, update=True)
    new_words = model.wv.index_to_key[len(old_words):]
    assert len(new_words) > 100
    assert model.wv.index_to_key[: len(old_words)] == old_words
    assert_array_equal(model.wv.vectors[: len(old_words)], trained)
    assert_array_equal(model.wv.vectors[len(old_words):], stable_vectors(new_words, 30, 3))
    assert_array_equal(model.syn1neg[: len(old_words)], trained_output)
    assert not model.syn1neg[len(old_words):].any()
    assert model.wv.expandos["count"].shape == (len(model.wv),)
    model.train(head500, total_examples=len(head500), epochs=1)
    assert np.isfinite(model.wv.vectors).all()


def test_word2vec_online_update_hierarchical_softmax(lee, head500):
    """With hs=1 the syn1 output layer grows with zero rows for new words, as in gensim."""
    model = Word2Vec(lee, vector_size=20, min_count=3, workers=1, epochs=1, hs=1, negative=0)
    old_count = len(model.wv)
    model.build_vocab(head500, update=True)
    assert model.syn1.shape == (len(model.wv), 20)
    assert not model.syn1[old_count:].any()
    assert not hasattr(model, "syn1neg")


def test_word2vec_update_without_vocabulary_rejected():
    """An online update of a model without vocabulary raises before changing anything."""
    model = Word2Vec(vector_size=10, workers=1)
    with pytest.raises(RuntimeError, match="build_vocab"):
        model.build_vocab([["a", "b"]], update=True)
    assert len(model.wv) == 0
    assert model.corpus_count == 0


def test_word2vec_deterministic_rejects_workers():
    """deterministic=True with workers=4 raises a ValueError naming the setting."""
    with pytest.raises(ValueError, match="deterministic=True requires workers=1, got workers=4"):
        Word2Vec(vector_size=10, workers=4, deterministic=True)


def test_word2vec_deterministic_rejects_workers_changed_later(lee):
    """Changing workers on a deterministic model makes train() raise before any update."""
    model = Word2Vec(vector_size=10, min_count=5, deterministic=True)
    assert model.workers == 1
    model.build_vocab(lee)
    before = model.wv.vectors.copy()
    model.workers = 2
    with pytest.raises(ValueError, match=r"model\.workers is 2"):
        model.train(lee, total_examples=model.corpus_count, epochs=1)
    assert_array_equal(model.wv.vectors, before)


def test_word2vec_deterministic_rejects_corpus_file_with_workers():
    """corpus_file training split across workers is rejected in deterministic mode."""
    with pytest.raises(ValueError, match="deterministic"):
        Word2Vec(corpus_file=LEE, vector_size=10, workers=2, deterministic=True)


def test_word2vec_deterministic_defaults_launch_stable():
    """deterministic=True with its default workers trains Lee identically across launches."""
    code = textwrap.dedent(
        """
        import hashlib, json
        from gensim.models.word2vec import LineSentence
        from gensim.test.utils import datapath
        from stablevec import Word2Vec
        model = Word2Vec(LineSentence(datapath("lee_background.cor")), vector_size=30, epochs=3,
                         deterministic=True)
        print(json.dumps([model.workers, hashlib.sha256(model.wv.vectors.tobytes()).hexdigest()]))
        """
    )
    results = run_in_launches(code)
    assert results[0][0] == 1
    for result in results[1:]:
        assert result == results[0]


def test_word2vec_workers_default_matches_gensim():
    """Without deterministic=True the default is gensim's three workers."""
    assert Word2Vec(vector_size=10).workers == GensimWord2Vec(vector_size=10).workers == 3


def test_word2vec_logs_multiworker_limit_once(lee, caplog):
    """Training with several workers logs once at INFO that trained vectors are not reproducible."""
    model = Word2Vec(vector_size=10, min_count=5, workers=2)
    model.build_vocab(lee)
    with caplog.at_level(logging.INFO, logger="stablevec"):
        model.train(lee, total_examples=model.corpus_count, epochs=1)
        model.train(lee, total_examples=model.corpus_count, epochs=1)
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("stablevec")]
    assert sum("not be bit-reproducible" in message for message in messages) == 1


def test_word2vec_logs_one_info_line_per_initialisation(lee, caplog):
    """build_vocab logs one INFO line from stablevec with scheme, count, seed and seconds."""
    with caplog.at_level(logging.INFO, logger="stablevec"):
        model = vocabulary_model(lee, min_count=5)
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("stablevec")]
    assert len(lines) == 1
    assert f"initialised {len(model.wv)} word vectors" in lines[0]
    assert "scheme 1" in lines[0]


def test_word2vec_records_lifecycle_event(lee):
    """The model records the stablevec version and scheme that initialised it."""
    model = vocabulary_model(lee, min_count=5)
    events = [event for event in model.lifecycle_events if event.get("event") == "stablevec_init"]
    assert len(events) == 1
    assert events[0]["stablevec_version"] == stablevec.__version__
    assert events[0]["scheme"] == stablevec.SCHEME_VERSION
    assert model.stablevec_scheme == stablevec.SCHEME_VERSION


@pytest.mark.parametrize(("old", "new", "value"), [("size", "vector_size", 12), ("iter", "epochs", 2)])
def test_word2vec_legacy_keyword_warns(old, new, value):
    """gensim 3 keyword names work with a DeprecationWarning that names the new keyword."""
    with pytest.warns(DeprecationWarning, match=f"use {new}="):
        model = Word2Vec(workers=1, **{old: value})
    assert getattr(model, new) == value


def test_word2vec_legacy_and_new_keyword_rejected():
    """Passing a gensim 3 name together with its gensim 4 name raises TypeError."""
    with pytest.raises(TypeError, match="both 'size' and 'vector_size'"):
        Word2Vec(size=10, vector_size=20)
    with pytest.raises(TypeError, match="both 'iter' and 'epochs'"):
        Word2Vec(iter=3, epochs=4)
    with pytest.raises(TypeError, match="both 'size' and 'vector_size'"):
        Word2Vec(None, None, 20, size=10)


def test_word2vec_signature_matches_gensim():
    """Every gensim constructor parameter exists with the same default, except workers."""
    import inspect

    ours = inspect.signature(Word2Vec.__init__).parameters
    theirs = inspect.signature(GensimWord2Vec.__init__).parameters
    assert list(ours)[: len(theirs)] == list(theirs)
    for name, parameter in theirs.items():
        if name != "workers":
            assert ours[name].default == parameter.default, name
    assert ours["deterministic"].kind is inspect.Parameter.KEYWORD_ONLY


def test_word2vec_hashfxn_lambda_warns_and_saves(lee, tmp_path):
    """A custom hashfxn gets a warning, is not stored, and the model still saves and loads."""
    with pytest.warns(UserWarning, match="hashfxn=.* is ignored"):
        model = Word2Vec(lee, vector_size=10, min_count=5, workers=1, epochs=1, hashfxn=lambda text: 0)
    assert model.hashfxn is None
    path = tmp_path / "model.w2v"
    model.save(str(path))
    assert_array_equal(Word2Vec.load(str(path)).wv.vectors, model.wv.vectors)


def test_word2vec_default_hashfxn_no_warning():
    """The default hashfxn (the built-in hash) gives no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Word2Vec(vector_size=10, workers=1)


def test_word2vec_save_load_keeps_stable_updates(lee, head500, tmp_path):
    """A loaded model is a stablevec Word2Vec and later updates still use stable rows."""
    model = Word2Vec(lee, vector_size=20, min_count=3, workers=1, epochs=1, seed=11)
    path = tmp_path / "model.w2v"
    model.save(str(path))
    loaded = Word2Vec.load(str(path))
    assert type(loaded) is Word2Vec
    assert_array_equal(loaded.wv.vectors, model.wv.vectors)
    old_count = len(loaded.wv)
    loaded.build_vocab(head500, update=True)
    new_words = loaded.wv.index_to_key[old_count:]
    assert_array_equal(loaded.wv.vectors[old_count:], stable_vectors(new_words, 20, 11))
    loaded.train(head500, total_examples=len(head500), epochs=1)


def test_word2vec_keyed_vectors_load_without_stablevec(lee, tmp_path):
    """model.wv.save files load with plain gensim in a process that never imports stablevec."""
    model = Word2Vec(lee, vector_size=20, min_count=3, workers=1, epochs=1)
    path = tmp_path / "vectors.kv"
    model.wv.save(str(path))
    code = textwrap.dedent(
        f"""
        import hashlib, json, sys
        from gensim.models import KeyedVectors
        vectors = KeyedVectors.load({str(path)!r})
        print(json.dumps(["stablevec" in sys.modules, hashlib.sha256(vectors.vectors.tobytes()).hexdigest()]))
        """
    )
    imported, digest = run_fresh(code, "0")
    assert imported is False
    import hashlib

    assert digest == hashlib.sha256(model.wv.vectors.tobytes()).hexdigest()


def test_word2vec_loads_plain_gensim_model(lee, head500, tmp_path):
    """A file saved by plain gensim loads as a stablevec Word2Vec with its vectors unchanged."""
    plain = GensimWord2Vec(lee, vector_size=20, min_count=3, workers=1, epochs=1)
    path = tmp_path / "plain.w2v"
    plain.save(str(path))
    loaded = Word2Vec.load(str(path))
    assert type(loaded) is Word2Vec
    assert_array_equal(loaded.wv.vectors, plain.wv.vectors)
    loaded.build_vocab(head500, update=True)
    new_words = loaded.wv.index_to_key[len(plain.wv):]
    assert_array_equal(loaded.wv.vectors[len(plain.wv):], stable_vectors(new_words, 20, 1))


def test_word2vec_from_gensim_adopts_in_place(lee):
    """from_gensim switches the class of the same object without copying its vectors."""
    plain = GensimWord2Vec(lee, vector_size=20, min_count=3, workers=1, epochs=1)
    vectors = plain.wv.vectors
    adopted = Word2Vec.from_gensim(plain)
    assert adopted is plain
    assert isinstance(adopted, Word2Vec)
    assert adopted.wv.vectors is vectors
    assert adopted.deterministic is False


def test_word2vec_non_english_vocabulary():
    """Korean, Chinese, emoji and combining-mark words train and start at their stable rows."""
    sentences = [["소년", "소녀", "男孩", "女孩", "\U0001f680", "cafe\u0301", "café"]] * 20
    model = Word2Vec(sentences, vector_size=16, min_count=1, workers=1, epochs=1)
    assert len(model.wv) == 7
    fresh = Word2Vec(vector_size=16, min_count=1, workers=1)
    fresh.build_vocab(sentences)
    assert_array_equal(fresh.wv.vectors, stable_vectors(fresh.wv.index_to_key, 16, 1))
