"""stablevec.Doc2Vec: stable tag vectors, deterministic infer_vector, updates, save and load."""

import hashlib
import struct
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import xxhash
from gensim.models import KeyedVectors
from gensim.models.doc2vec import Doc2Vec as GensimDoc2Vec
from gensim.models.doc2vec import TaggedDocument
from gensim.test.utils import datapath
from gensim.utils import simple_preprocess
from launches import HASH_SEEDS, run_fresh, run_in_launches
from numpy.testing import assert_array_equal
from reference import reference_row

from stablevec import Doc2Vec, Word2Vec
from stablevec._inference import document_seed

DOCTAG = b"\xfe"
INFERENCE = b"\xfc"

# Code shared by the fresh interpreters: the corpora, read as the tests below read them.
CORPUS_CODE = textwrap.dedent(
    """
    from gensim.models.doc2vec import TaggedDocument
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    def read_lines(name):
        with open(datapath(name), encoding="latin-1") as lines:
            return [simple_preprocess(line) for line in lines]

    documents = [TaggedDocument(words, [i]) for i, words in enumerate(read_lines("lee_background.cor"))]
    unseen = read_lines("lee.cor")[:5]
    """
)


def read_lines(name):
    """Return one token list per line of a gensim test corpus (the Lee files are Latin-1)."""
    with open(datapath(name), encoding="latin-1") as lines:
        return [simple_preprocess(line) for line in lines]


@pytest.fixture(scope="module")
def lee_documents():
    return [TaggedDocument(words, [i]) for i, words in enumerate(read_lines("lee_background.cor"))]


@pytest.fixture(scope="module")
def unseen():
    return read_lines("lee.cor")[:5]


def trained_model(documents, **params):
    """Return a small model trained with one worker on `documents`."""
    settings = {"vector_size": 30, "min_count": 2, "epochs": 3, "workers": 1, **params}
    model = Doc2Vec(**settings)
    model.build_vocab(documents)
    model.train(documents, total_examples=model.corpus_count, epochs=model.epochs)
    return model


@pytest.fixture(scope="module")
def pv_dm(lee_documents):
    return trained_model(lee_documents, dm=1)


@pytest.fixture(scope="module")
def pv_dbow(lee_documents):
    return trained_model(lee_documents, dm=0)


def snapshot(model):
    """Return copies of every array that inference could touch, and the RNG state."""
    arrays = {"wv": model.wv.vectors, "dv": model.dv.vectors, "syn1neg": model.syn1neg}
    state = model.random.get_state()
    return {name: array.copy() for name, array in arrays.items()}, state


def assert_unchanged(model, before):
    arrays, state = before
    assert_array_equal(model.wv.vectors, arrays["wv"])
    assert_array_equal(model.dv.vectors, arrays["dv"])
    assert_array_equal(model.syn1neg, arrays["syn1neg"])
    now = model.random.get_state()
    assert now[0] == state[0]
    assert_array_equal(now[1], state[1])
    assert now[2:] == state[2:]


def reference_document_bytes(tokens, seed):
    """Encode a document as docs/scheme.md specifies, independently of the package."""
    encoded = INFERENCE + struct.pack("<Q", len(tokens))
    for token in tokens:
        if isinstance(token, str):
            token_bytes = token.encode("utf-8", "surrogatepass")
        else:
            token_bytes = b"\xff" + str(token).encode("ascii")
        encoded += struct.pack("<Q", len(token_bytes)) + token_bytes
    return encoded + str(seed).encode("ascii")


def reference_start_vector(tokens, vector_size, seed):
    doc_seed = xxhash.xxh64(reference_document_bytes(tokens, seed), seed=0).intdigest()
    return reference_row(doc_seed, vector_size, seed, prefix=INFERENCE) / np.float32(2)


# ---------------------------------------------------------------------------
# Launch stability


@pytest.mark.slow
def test_doc2vec_launch_stable_dm_and_dbow():
    """Three launches build, train and infer identical vectors in PV-DM and PV-DBOW mode."""
    code = CORPUS_CODE + textwrap.dedent(
        """
        import hashlib, json
        from stablevec import Doc2Vec

        def digest(array):
            return hashlib.sha256(array.tobytes()).hexdigest()

        results = {}
        for dm in (1, 0):
            model = Doc2Vec(vector_size=40, min_count=2, epochs=5, workers=1, dm=dm)
            model.build_vocab(documents)
            initial = [digest(model.wv.vectors), digest(model.dv.vectors)]
            model.train(documents, total_examples=model.corpus_count, epochs=model.epochs)
            trained = [digest(model.wv.vectors), digest(model.dv.vectors)]
            inferred = [digest(model.infer_vector(words)) for words in unseen]
            results[dm] = [initial, trained, inferred]
        print(json.dumps(results))
        """
    )
    results = run_in_launches(code)
    assert len(results) == len(HASH_SEEDS)
    for mode in ("1", "0"):
        initial, trained, inferred = results[0][mode]
        assert initial != trained, "training must change the vectors"
        assert len(set(inferred)) == len(inferred), "different documents must infer different vectors"
    for result in results[1:]:
        assert result == results[0]


# ---------------------------------------------------------------------------
# Initial tag vectors


def test_doc2vec_int_tag_rows_are_stable_rows(lee_documents):
    model = Doc2Vec(vector_size=20, min_count=2, workers=1, seed=3)
    model.build_vocab(lee_documents)
    assert model.dv.index_to_key == list(range(len(lee_documents)))
    for tag in (0, 1, 150, len(lee_documents) - 1):
        assert_array_equal(model.dv[tag], reference_row(tag, 20, 3, prefix=DOCTAG))


def test_doc2vec_str_tag_rows_are_stable_rows(lee_documents):
    tags = ["소년", "男孩", "\U0001f680", "cafe\u0301", "café", "boy"]
    documents = [TaggedDocument(doc.words, [tags[i % len(tags)]]) for i, doc in enumerate(lee_documents)]
    model = Doc2Vec(vector_size=20, min_count=2, workers=1)
    model.build_vocab(documents)
    assert model.dv.index_to_key == tags
    for tag in tags:
        assert_array_equal(model.dv[tag], reference_row(tag, 20, 1, prefix=DOCTAG))


def test_doc2vec_int_tag_gap_rows(lee_documents):
    """gensim allocates rows for every int up to the largest tag; row i starts at key i."""
    documents = [TaggedDocument(lee_documents[0].words, [0]), TaggedDocument(lee_documents[1].words, [4, "x"])]
    model = Doc2Vec(vector_size=10, min_count=1, workers=1)
    model.build_vocab(documents)
    assert model.dv.index_to_key == [0, 1, 2, 3, 4, "x"]
    for row, key in enumerate(model.dv.index_to_key):
        assert_array_equal(model.dv.vectors[row], reference_row(key, 10, 1, prefix=DOCTAG))


def test_doc2vec_tag_and_word_start_different(lee_documents):
    documents = [TaggedDocument(doc.words, ["boy"]) for doc in lee_documents[:50]]
    documents.append(TaggedDocument(["boy"] * 5, ["boy"]))
    model = Doc2Vec(vector_size=20, min_count=2, workers=1)
    model.build_vocab(documents)
    assert "boy" in model.wv.key_to_index
    assert not np.array_equal(model.dv["boy"], model.wv["boy"])
    assert_array_equal(model.wv["boy"], reference_row("boy", 20, 1))
    assert_array_equal(model.dv["boy"], reference_row("boy", 20, 1, prefix=DOCTAG))


def test_doc2vec_golden_int_tag_5():
    documents = [TaggedDocument(["a", "b"], [5])]
    model = Doc2Vec(vector_size=6, min_count=1, workers=1, seed=1)
    model.build_vocab(documents)
    golden = np.array(
        [-0.04182722046971321, 0.07014858722686768, -0.03875668719410896,
         0.0950259193778038, 0.07887297868728638, -0.02368217706680298],
        dtype=np.float32,
    )
    assert_array_equal(model.dv[5], golden)


def test_doc2vec_golden_korean_tag():
    documents = [TaggedDocument(["a", "b"], ["소년"])]
    model = Doc2Vec(vector_size=6, min_count=1, workers=1, seed=1)
    model.build_vocab(documents)
    golden = np.array(
        [-0.10288659483194351, -0.16635535657405853, 0.14396631717681885,
         0.09708511829376221, 0.05096582695841789, -0.13145937025547028],
        dtype=np.float32,
    )
    assert_array_equal(model.dv["소년"], golden)


# ---------------------------------------------------------------------------
# infer_vector


def test_document_seed_golden():
    tokens = ["the", "소년", "\U0001f680", 7]
    assert document_seed(tokens, 1) == 8810051678950725154
    assert document_seed([], 1) == 12515556721152820451


def test_document_seed_matches_reference_encoding():
    documents = [[], ["a"], ["a b"], ["a", "b"], ["cafe\u0301"], ["café"], [7], ["7"], ["\ud83d"], ["", ""]]
    for tokens in documents:
        for seed in (1, -3, 2**70):
            expected = xxhash.xxh64(reference_document_bytes(tokens, seed), seed=0).intdigest()
            assert document_seed(tokens, seed) == expected


def test_document_seed_token_boundaries_matter():
    assert document_seed(["a b"], 1) != document_seed(["a", "b"], 1)
    assert document_seed(["ab"], 1) != document_seed(["a", "b"], 1)
    assert document_seed(["", "a"], 1) != document_seed(["a", ""], 1)
    assert document_seed([7], 1) != document_seed(["7"], 1)


def test_infer_vector_repeated_calls_identical(pv_dm, unseen):
    first = pv_dm.infer_vector(unseen[0])
    second = pv_dm.infer_vector(unseen[0])
    assert_array_equal(first, second)


def test_infer_vector_independent_of_earlier_calls(pv_dm, unseen):
    first = pv_dm.infer_vector(unseen[0])
    for words in unseen[1:]:
        pv_dm.infer_vector(words, epochs=3)
    assert_array_equal(pv_dm.infer_vector(unseen[0]), first)


def test_infer_vector_threads_identical(pv_dbow, unseen):
    expected = [pv_dbow.infer_vector(words) for words in unseen]
    jobs = [unseen[i % len(unseen)] for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(pv_dbow.infer_vector, jobs))
    for i, vector in enumerate(results):
        assert_array_equal(vector, expected[i % len(unseen)])


@pytest.mark.parametrize("mode", ["pv_dm", "pv_dbow"])
def test_infer_vector_leaves_model_unchanged(mode, request, unseen):
    model = request.getfixturevalue(mode)
    before = snapshot(model)
    for words in unseen:
        model.infer_vector(words)
    assert_unchanged(model, before)


@pytest.mark.parametrize(
    "params",
    [
        {"dm": 0, "dbow_words": 1},
        {"dm": 1, "dm_concat": 1, "window": 2},
        {"dm": 1, "hs": 1, "negative": 0},
        {"dm": 0, "sample": 0},
        {"dm": 1, "shrink_windows": False},
    ],
)
def test_infer_vector_deterministic_in_other_modes(params, lee_documents, unseen):
    model = trained_model(lee_documents[:100], epochs=2, **params)
    before = snapshot(model) if model.negative else None
    first = [model.infer_vector(words) for words in unseen]
    second = [model.infer_vector(words) for words in reversed(unseen)][::-1]
    for a, b in zip(first, second):
        assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])
    if before is not None:
        assert_unchanged(model, before)


def test_infer_vector_training_afterwards_unaffected(lee_documents, unseen):
    documents = lee_documents[:120]
    plain = Doc2Vec(vector_size=20, min_count=2, epochs=2, workers=1)
    probed = Doc2Vec(vector_size=20, min_count=2, epochs=2, workers=1)
    for model in (plain, probed):
        model.build_vocab(documents)
    for words in unseen:
        probed.infer_vector(words)
    for model in (plain, probed):
        model.train(documents, total_examples=model.corpus_count, epochs=model.epochs)
    assert_array_equal(probed.wv.vectors, plain.wv.vectors)
    assert_array_equal(probed.dv.vectors, plain.dv.vectors)


def test_infer_vector_training_moves_start_vector(pv_dm, unseen):
    start = reference_start_vector(unseen[0], pv_dm.vector_size, pv_dm.seed)
    assert not np.array_equal(pv_dm.infer_vector(unseen[0]), start)


@pytest.mark.parametrize("tokens", [[], ["zzqx", "소년", "\U0001f680"]])
def test_infer_vector_unknown_words_return_start_vector(pv_dm, tokens):
    with pytest.warns(UserWarning, match="no token in the vocabulary"):
        vector = pv_dm.infer_vector(tokens)
    assert vector.dtype == np.float32
    assert_array_equal(vector, reference_start_vector(tokens, pv_dm.vector_size, pv_dm.seed))


def test_infer_vector_start_vector_half_training_range(pv_dm):
    bound = 1 / (2 * pv_dm.vector_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        vectors = np.array([pv_dm.infer_vector([f"unknown-{i}"]) for i in range(200)])
    assert vectors.min() >= -bound
    assert vectors.max() < bound
    assert vectors.min() < -0.9 * bound
    assert vectors.max() > 0.9 * bound


def test_infer_vector_int_tokens(lee_documents):
    documents = [TaggedDocument([len(w) for w in doc.words], [i]) for i, doc in enumerate(lee_documents[:100])]
    model = trained_model(documents, min_count=1, epochs=2)
    tokens = [3, 5, 8, 2, 4]
    assert_array_equal(model.infer_vector(tokens), model.infer_vector(list(tokens)))
    assert_array_equal(model.infer_vector(tokens), model.infer_vector([np.int64(t) for t in tokens]))


def test_infer_vector_accepts_generator(pv_dm, unseen):
    assert_array_equal(pv_dm.infer_vector(word for word in unseen[1]), pv_dm.infer_vector(unseen[1]))


def test_infer_vector_parameters_keep_gensim_meaning(pv_dm, unseen):
    words = unseen[2]
    default = pv_dm.infer_vector(words)
    assert_array_equal(pv_dm.infer_vector(words, epochs=pv_dm.epochs, alpha=pv_dm.alpha), default)
    assert not np.array_equal(pv_dm.infer_vector(words, epochs=pv_dm.epochs + 5), default)
    assert not np.array_equal(pv_dm.infer_vector(words, alpha=0.05), default)
    assert not np.array_equal(pv_dm.infer_vector(words, min_alpha=0.01), default)


def test_infer_vector_depends_on_seed(lee_documents, unseen):
    first = trained_model(lee_documents[:60], seed=1, epochs=1)
    second = trained_model(lee_documents[:60], seed=2, epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert not np.array_equal(first.infer_vector([]), second.infer_vector([]))


def test_infer_vector_rejects_string(pv_dm):
    with pytest.raises(TypeError, match="list of tokens"):
        pv_dm.infer_vector("a whole sentence")


def test_infer_vector_rejects_float_token(pv_dm):
    with pytest.raises(TypeError, match="unsupported type float"):
        pv_dm.infer_vector(["the", 1.5])


# ---------------------------------------------------------------------------
# Vocabulary updates


def test_doc2vec_update_adds_str_tags(lee_documents):
    first = [TaggedDocument(doc.words, [f"a{i}", "shared"]) for i, doc in enumerate(lee_documents[:100])]
    second = [TaggedDocument(doc.words, [f"b{i}", "shared"]) for i, doc in enumerate(lee_documents[100:150])]
    model = trained_model(first, epochs=1)
    old_keys = list(model.dv.index_to_key)
    old_vectors = model.dv.vectors.copy()
    old_shared_docs = model.dv.get_vecattr("shared", "doc_count")

    model.build_vocab(second, update=True)

    assert model.dv.index_to_key[: len(old_keys)] == old_keys
    assert model.dv.index_to_key[len(old_keys):] == [f"b{i}" for i in range(50)]
    assert all(model.dv.key_to_index[key] == row for row, key in enumerate(model.dv.index_to_key))
    assert len(model.dv.vectors) == len(model.dv.index_to_key)
    assert_array_equal(model.dv.vectors[: len(old_keys)], old_vectors)
    assert_array_equal(model.dv["b7"], reference_row("b7", 30, 1, prefix=DOCTAG))
    assert model.dv.get_vecattr("shared", "doc_count") == old_shared_docs + 50
    assert model.dv.get_vecattr("b3", "doc_count") == 1
    model.train(second, total_examples=len(second), epochs=1)
    assert not np.array_equal(model.dv["b7"], reference_row("b7", 30, 1, prefix=DOCTAG))


def test_doc2vec_update_extends_int_tags_before_str_tags(lee_documents):
    first = [TaggedDocument(doc.words, [i, "한국어"]) for i, doc in enumerate(lee_documents[:20])]
    second = [TaggedDocument(doc.words, [i + 20, "\U0001f680"]) for i, doc in enumerate(lee_documents[20:30])]
    model = Doc2Vec(vector_size=12, min_count=1, workers=1)
    model.build_vocab(first)
    korean = model.dv["한국어"].copy()
    model.dv.vectors[3] = 0.5

    model.build_vocab(second, update=True)

    assert model.dv.index_to_key == [*range(30), "한국어", "\U0001f680"]
    assert model.dv.get_index("한국어") == 30
    assert_array_equal(model.dv["한국어"], korean)
    assert_array_equal(model.dv[3], np.full(12, 0.5, dtype=np.float32))
    assert_array_equal(model.dv[25], reference_row(25, 12, 1, prefix=DOCTAG))
    assert_array_equal(model.dv["\U0001f680"], reference_row("\U0001f680", 12, 1, prefix=DOCTAG))


def test_doc2vec_update_with_known_tags_only(lee_documents):
    documents = lee_documents[:40]
    model = trained_model(documents, epochs=1)
    old_vectors = model.dv.vectors.copy()
    model.build_vocab(lee_documents[:10], update=True)
    assert model.dv.index_to_key == list(range(40))
    assert_array_equal(model.dv.vectors, old_vectors)


def test_doc2vec_update_failure_leaves_tags(lee_documents):
    model = Doc2Vec(vector_size=12, min_count=1, workers=1)
    model.build_vocab(lee_documents[:10])
    old_keys = list(model.dv.index_to_key)
    bad = [TaggedDocument(lee_documents[10].words, [("tuple", "tag")])]
    with pytest.raises(TypeError, match="unsupported type tuple"):
        model.build_vocab(bad, update=True)
    assert model.dv.index_to_key == old_keys
    assert len(model.dv.vectors) == len(old_keys)
    assert not hasattr(model, "_stablevec_updating")


def test_doc2vec_update_without_vocabulary_raises(lee_documents):
    model = Doc2Vec(vector_size=12, workers=1)
    with pytest.raises(RuntimeError, match="needs an existing vocabulary"):
        model.build_vocab(lee_documents[:5], update=True)


# ---------------------------------------------------------------------------
# Save and load


@pytest.mark.slow
def test_doc2vec_saved_model_infers_same_in_fresh_interpreter(pv_dbow, unseen, tmp_path):
    path = tmp_path / "model.d2v"
    expected = [pv_dbow.infer_vector(words).tolist() for words in unseen]
    pv_dbow.save(str(path))
    code = CORPUS_CODE + textwrap.dedent(
        f"""
        import json
        from stablevec import Doc2Vec
        model = Doc2Vec.load({str(path)!r})
        print(json.dumps([type(model).__module__, [model.infer_vector(words).tolist() for words in unseen]]))
        """
    )
    module, vectors = run_fresh(code, HASH_SEEDS[1])
    assert module == "stablevec._doc2vec"
    for vector, reference in zip(vectors, expected):
        assert_array_equal(np.array(vector, dtype=np.float32), np.array(reference, dtype=np.float32))


@pytest.mark.slow
def test_doc2vec_keyed_vectors_load_with_plain_gensim(pv_dm, tmp_path):
    pv_dm.dv.save(str(tmp_path / "dv.kv"))
    pv_dm.wv.save(str(tmp_path / "wv.kv"))
    # Blocking the stablevec import proves that the files need only gensim.
    code = textwrap.dedent(
        f"""
        import hashlib, json, sys
        sys.modules["stablevec"] = None
        from gensim.models import KeyedVectors
        digests = []
        for name in ("dv.kv", "wv.kv"):
            vectors = KeyedVectors.load({str(tmp_path)!r} + "/" + name)
            digests.append([type(vectors).__name__, hashlib.sha256(vectors.vectors.tobytes()).hexdigest()])
        print(json.dumps(digests))
        """
    )
    result = run_fresh(code, HASH_SEEDS[0])
    assert result == [
        ["KeyedVectors", hashlib.sha256(pv_dm.dv.vectors.tobytes()).hexdigest()],
        ["KeyedVectors", hashlib.sha256(pv_dm.wv.vectors.tobytes()).hexdigest()],
    ]


def test_doc2vec_load_adopts_plain_gensim_model(lee_documents, unseen, tmp_path):
    documents = lee_documents[:60]
    plain = GensimDoc2Vec(documents, vector_size=20, min_count=2, epochs=1, workers=1)
    path = str(tmp_path / "plain.d2v")
    plain.save(path)
    model = Doc2Vec.load(path)
    assert type(model) is Doc2Vec
    assert model.hashfxn is None
    assert model.deterministic is False
    assert_array_equal(model.dv.vectors, plain.dv.vectors)
    assert_array_equal(model.infer_vector(unseen[0]), model.infer_vector(unseen[0]))


def test_doc2vec_from_gensim_rejects_word2vec():
    word2vec = Word2Vec(vector_size=10, min_count=2, workers=1)
    with pytest.raises(TypeError, match=r"can adopt a gensim\.models\.doc2vec\.Doc2Vec"):
        Doc2Vec.from_gensim(word2vec)


def test_doc2vec_saved_dv_is_plain_keyed_vectors(pv_dm, tmp_path):
    path = str(tmp_path / "dv.kv")
    pv_dm.dv.save(path)
    assert type(KeyedVectors.load(path)) is KeyedVectors


# ---------------------------------------------------------------------------
# Constructor conventions


def test_doc2vec_workers_default():
    assert Doc2Vec().workers == 3
    assert Doc2Vec(deterministic=True).workers == 1


def test_doc2vec_deterministic_rejects_workers():
    with pytest.raises(ValueError, match="requires workers=1"):
        Doc2Vec(workers=2, deterministic=True)


def test_doc2vec_hashfxn_warns_and_is_dropped():
    with pytest.warns(UserWarning, match="is ignored"):
        model = Doc2Vec(hashfxn=lambda text: 0)
    assert model.hashfxn is None


def test_doc2vec_legacy_keywords():
    with pytest.warns(DeprecationWarning, match="'size' keyword"):
        model = Doc2Vec(size=17)
    assert model.vector_size == 17
    with pytest.warns(DeprecationWarning, match="'iter' keyword"):
        model = Doc2Vec(iter=4)
    assert model.epochs == 4
    with pytest.raises(TypeError, match="got both 'size' and 'vector_size'"):
        Doc2Vec(size=10, vector_size=10)


def test_doc2vec_defaults_match_gensim():
    model, plain = Doc2Vec(), GensimDoc2Vec()
    for name in ("vector_size", "epochs", "window", "alpha", "min_alpha", "min_count", "negative", "sample", "seed"):
        assert getattr(model, name) == getattr(plain, name), name


def test_doc2vec_rejects_bool_seed():
    with pytest.raises(TypeError, match="seed must be an integer"):
        Doc2Vec(seed=True)
