"""Models saved by older gensim versions and by plain gensim 4, loaded and trained through stablevec.

The files are the saved models in gensim's own test data. gensim 4 itself cannot
read some of them: Word2Vec files before 0.13.4, every Doc2Vec file, and FastText
files that need the removed ``gensim.models.wrappers``. For those files, stablevec
must raise the same exception type as gensim.
"""

import threading

import numpy as np
import pytest
from gensim.models import Doc2Vec as GensimDoc2Vec
from gensim.models import FastText as GensimFastText
from gensim.models import Word2Vec as GensimWord2Vec
from gensim.models.doc2vec import TaggedDocument
from gensim.models.word2vec import LineSentence
from gensim.test.utils import datapath
from numpy.testing import assert_array_equal

from stablevec import Doc2Vec, FastText, Word2Vec, stable_vectors

#: Maximum time a training call may take before the test treats it as hung.
TRAIN_TIMEOUT_SECONDS = 120

OLD_WORD2VEC_FILES = [
    "word2vec_old",
    "word2vec_old_sep",
    "word2vec_3.3",
    "model-from-gensim-3.8.0.w2v",
    *(f"old_w2v_models/w2v_{version}.mdl" for version in [
        "0.13.4", "1.0.0", "1.0.1", "2.0.0", "2.1.0", "2.2.0", "2.3.0", "3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0",
    ]),
]

OLD_FASTTEXT_FILES = ["compatible-hash-true.model"]

#: Files that gensim 4's own load rejects, with the class that should read them.
UNREADABLE_FILES = [
    *((Word2Vec, GensimWord2Vec, name) for name in [
        "w2v-lee-v0.12.0", "word2vec_pre_kv_py3", "word2vec_pre_kv_sep_py3",
        *(f"old_w2v_models/w2v_{version}.mdl" for version in [
            "0.12.0", "0.12.1", "0.12.2", "0.12.3", "0.12.4", "0.13.0", "0.13.1", "0.13.2", "0.13.3",
        ]),
    ]),
    *((Doc2Vec, GensimDoc2Vec, name) for name in [
        "doc2vec_old", "doc2vec_old_sep", "d2v-lee-v0.13.0",
        *(f"old_d2v_models/d2v_{version}.mdl" for version in [
            "0.12.0", "0.12.1", "0.12.2", "0.12.3", "0.12.4", "0.13.0", "0.13.1", "0.13.2", "0.13.3", "0.13.4",
            "1.0.0", "1.0.1", "2.0.0", "2.1.0", "2.2.0", "2.3.0", "3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0",
        ]),
    ]),
    *((FastText, GensimFastText, name) for name in ["fasttext_old", "fasttext_old_sep", "ft_model_2.3.0"]),
]


@pytest.fixture(scope="module")
def lee():
    return list(LineSentence(datapath("lee_background.cor")))[:120]


@pytest.fixture(scope="module")
def lee_documents(lee):
    return [TaggedDocument(words, [f"lee_{number}"]) for number, words in enumerate(lee)]


def train_with_timeout(model, corpus):
    """Train one epoch in a thread, and fail instead of hanging if gensim's workers die."""
    errors = []

    def train():
        try:
            model.train(corpus, total_examples=len(corpus), epochs=1)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=train, daemon=True)
    thread.start()
    thread.join(TRAIN_TIMEOUT_SECONDS)
    assert not thread.is_alive(), f"train() did not return within {TRAIN_TIMEOUT_SECONDS} s"
    if errors:
        raise errors[0]


def new_words_after_update(model, corpus):
    """Run build_vocab(update=True) and return the words it added, in row order."""
    old_count = len(model.wv.index_to_key)
    model.build_vocab(corpus, update=True)
    return model.wv.index_to_key[old_count:]


@pytest.mark.parametrize("name", OLD_WORD2VEC_FILES)
def test_word2vec_old_file_loads_as_stablevec(name):
    model = Word2Vec.load(datapath(name))
    assert type(model) is Word2Vec
    assert isinstance(model.random, np.random.RandomState)
    assert model.hashfxn is None


@pytest.mark.parametrize("name", OLD_WORD2VEC_FILES)
def test_word2vec_old_file_update_gives_stable_rows(name, lee):
    model = Word2Vec.load(datapath(name))
    old_vectors = np.array(model.wv.vectors, copy=True)
    new_words = new_words_after_update(model, lee)
    assert new_words
    assert_array_equal(model.wv.vectors[: len(old_vectors)], old_vectors)
    expected = stable_vectors(new_words, model.wv.vector_size, model.seed)
    assert_array_equal(model.wv.vectors[len(old_vectors):], expected)


@pytest.mark.parametrize("name", OLD_WORD2VEC_FILES)
def test_word2vec_old_file_trains(name, lee):
    model = Word2Vec.load(datapath(name))
    model.workers = 1
    new_words_after_update(model, lee)
    train_with_timeout(model, lee)
    assert np.isfinite(model.wv.vectors).all()


@pytest.mark.parametrize("name", OLD_FASTTEXT_FILES)
def test_fasttext_old_file_loads_as_stablevec(name):
    model = FastText.load(datapath(name))
    assert type(model) is FastText
    assert isinstance(model.random, np.random.RandomState)


@pytest.mark.parametrize("name", OLD_FASTTEXT_FILES)
def test_fasttext_old_file_update_gives_stable_rows(name, lee):
    model = FastText.load(datapath(name))
    old_vocab_rows = np.array(model.wv.vectors_vocab, copy=True)
    new_words = new_words_after_update(model, lee)
    assert new_words
    assert_array_equal(model.wv.vectors_vocab[: len(old_vocab_rows)], old_vocab_rows)
    expected = stable_vectors(new_words, model.wv.vector_size, model.seed)
    assert_array_equal(model.wv.vectors_vocab[len(old_vocab_rows):], expected)


@pytest.mark.parametrize("name", OLD_FASTTEXT_FILES)
def test_fasttext_old_file_trains(name, lee):
    model = FastText.load(datapath(name))
    model.workers = 1
    new_words_after_update(model, lee)
    train_with_timeout(model, lee)
    assert np.isfinite(model.wv.vectors).all()


@pytest.mark.parametrize(
    ("cls", "gensim_cls", "name"), UNREADABLE_FILES, ids=[name for _, _, name in UNREADABLE_FILES]
)
def test_load_unreadable_file_fails_like_gensim(cls, gensim_cls, name):
    # Any exception type: the second check requires the same type from stablevec.
    with pytest.raises(Exception) as gensim_error:
        gensim_cls.load(datapath(name))
    with pytest.raises(type(gensim_error.value)):
        cls.load(datapath(name))


# Files without a stored RNG: gensim's load installs numpy.random.Generator, which
# gensim's Cython training cannot use. Deleting the attribute before saving makes such
# a file, whereas save(ignore=["random"]) would store None.


def gensim_models(lee, lee_documents):
    """Return plain gensim models of each class, trained on the Lee corpus."""
    return {
        Word2Vec: GensimWord2Vec(lee, vector_size=16, min_count=2, workers=1, epochs=1),
        Doc2Vec: GensimDoc2Vec(lee_documents, vector_size=16, min_count=2, workers=1, epochs=1),
        FastText: GensimFastText(lee, vector_size=16, min_count=2, bucket=2000, workers=1, epochs=1),
    }


@pytest.fixture(scope="module")
def rng_less_files(lee, lee_documents, tmp_path_factory):
    directory = tmp_path_factory.mktemp("rng_less")
    paths = {}
    for cls, model in gensim_models(lee, lee_documents).items():
        paths[cls] = directory / f"{cls.__name__}.model"
        del model.random
        model.save(str(paths[cls]))
    return paths


@pytest.mark.parametrize("cls", [Word2Vec, Doc2Vec, FastText])
def test_gensim_load_without_rng_installs_generator(cls, rng_less_files):
    # Checks that the files below reproduce the hazard with this gensim version.
    gensim_cls = {Word2Vec: GensimWord2Vec, Doc2Vec: GensimDoc2Vec, FastText: GensimFastText}[cls]
    model = gensim_cls.load(str(rng_less_files[cls]))
    assert isinstance(model.random, np.random.Generator)


@pytest.mark.parametrize("cls", [Word2Vec, Doc2Vec, FastText])
def test_load_without_rng_gives_random_state(cls, rng_less_files):
    model = cls.load(str(rng_less_files[cls]))
    assert type(model) is cls
    assert isinstance(model.random, np.random.RandomState)
    assert_array_equal(model.random.get_state()[1], np.random.RandomState(model.seed).get_state()[1])


@pytest.mark.parametrize("cls", [Word2Vec, FastText])
def test_load_without_rng_trains(cls, rng_less_files, lee):
    model = cls.load(str(rng_less_files[cls]))
    new_words = new_words_after_update(model, lee[:60] + [["미등록", "単語", "\U0001f680"] * 3] * 3)
    assert "미등록" in new_words
    train_with_timeout(model, lee)
    assert np.isfinite(model.wv.vectors).all()


def test_doc2vec_load_without_rng_trains(rng_less_files, lee_documents):
    model = Doc2Vec.load(str(rng_less_files[Doc2Vec]))
    train_with_timeout(model, lee_documents)
    assert np.isfinite(model.dv.vectors).all()


def test_word2vec_from_gensim_shares_arrays(lee, lee_documents):
    model = gensim_models(lee, lee_documents)[Word2Vec]
    vectors, syn1neg = model.wv.vectors, model.syn1neg
    adopted = Word2Vec.from_gensim(model)
    assert adopted is model
    assert type(adopted) is Word2Vec
    assert adopted.wv.vectors is vectors
    assert adopted.syn1neg is syn1neg


def test_doc2vec_from_gensim_shares_arrays(lee, lee_documents):
    model = gensim_models(lee, lee_documents)[Doc2Vec]
    word_vectors, document_vectors = model.wv.vectors, model.dv.vectors
    adopted = Doc2Vec.from_gensim(model)
    assert adopted is model
    assert type(adopted) is Doc2Vec
    assert adopted.wv.vectors is word_vectors
    assert adopted.dv.vectors is document_vectors


def test_fasttext_from_gensim_shares_arrays(lee, lee_documents):
    model = gensim_models(lee, lee_documents)[FastText]
    vocab_vectors, ngram_vectors = model.wv.vectors_vocab, model.wv.vectors_ngrams
    adopted = FastText.from_gensim(model)
    assert adopted is model
    assert type(adopted) is FastText
    assert adopted.wv.vectors_vocab is vocab_vectors
    assert adopted.wv.vectors_ngrams is ngram_vectors


def test_word2vec_from_gensim_update_gives_stable_rows(lee, lee_documents):
    model = Word2Vec.from_gensim(gensim_models(lee, lee_documents)[Word2Vec])
    new_words = new_words_after_update(model, [["미등록", "単語", "cafe\u0301"]] * 6)
    assert_array_equal(model.wv[new_words], stable_vectors(new_words, 16, model.seed))
