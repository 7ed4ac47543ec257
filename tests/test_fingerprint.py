"""Tests of stablevec.fingerprint: the documented byte format, golden values and what changes it."""

import hashlib
import struct

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.models import Word2Vec as GensimWord2Vec
from gensim.test.utils import datapath
from launches import run_in_launches

from stablevec import Doc2Vec, FastText, Word2Vec, fingerprint

#: Keys in several scripts: Korean, Chinese, an emoji, "e" plus U+0301 (combining acute), an int.
MIXED_KEYS = ["king", "임금", "国王", "👑", "cafe\u0301", 7]

GOLDEN_ARRAY = "703512208f149ba909ec89a109f58823742459bfcc502ced575493f277a4e898"
GOLDEN_KEYED_VECTORS = "2cb1517723b686f14e51cc41db3a3e4e797d457e1d3fe69bbda1f937eaeebdaa"


def lee_sentences(count=100):
    with open(datapath("lee_background.cor"), encoding="utf-8") as lines:
        return [line.split() for line, _ in zip(lines, range(count))]


def small_array():
    return np.arange(6, dtype=np.float32).reshape(2, 3)


def mixed_keyed_vectors():
    kv = KeyedVectors(vector_size=3)
    kv.add_vectors(MIXED_KEYS, np.arange(18, dtype=np.float32).reshape(6, 3) / 8)
    return kv


def length_prefixed(data):
    return struct.pack("<Q", len(data)) + data


def format_array(array):
    """Encode an array as the fingerprint docstring specifies, written independently of the package."""
    little = array.astype(array.dtype.newbyteorder("<"))
    header = b"A" + length_prefixed(little.dtype.str.encode()) + struct.pack("<Q", little.ndim)
    return header + b"".join(struct.pack("<Q", size) for size in little.shape) + little.tobytes(order="C")


def format_keys(keys):
    encoded = [b"K" + struct.pack("<Q", len(keys))]
    for key in keys:
        if isinstance(key, str):
            encoded.append(b"s" + length_prefixed(key.encode("utf-8", "surrogatepass")))
        else:
            encoded.append(b"i" + length_prefixed(str(key).encode("ascii")))
    return b"".join(encoded)


def sha256_of_fields(fields):
    data = b"stablevec-fingerprint\x001"
    for name, value in fields:
        data += length_prefixed(name.encode("ascii")) + value
    return hashlib.sha256(data).hexdigest()


def test_fingerprint_array_golden():
    assert fingerprint(small_array()) == GOLDEN_ARRAY


def test_fingerprint_array_matches_documented_format():
    array = small_array()
    assert fingerprint(array) == sha256_of_fields([("array", format_array(array))])


def test_fingerprint_keyed_vectors_golden():
    assert fingerprint(mixed_keyed_vectors()) == GOLDEN_KEYED_VECTORS


def test_fingerprint_keyed_vectors_matches_documented_format():
    kv = mixed_keyed_vectors()
    expected = sha256_of_fields([("keys", format_keys(MIXED_KEYS)), ("vectors", format_array(kv.vectors))])
    assert fingerprint(kv) == expected


def test_fingerprint_big_endian_array_equals_little_endian():
    array = small_array()
    assert fingerprint(array.astype(">f4")) == fingerprint(array)


def test_fingerprint_memory_layout_does_not_matter():
    array = np.arange(24, dtype=np.float64).reshape(4, 6)
    assert fingerprint(np.asfortranarray(array)) == fingerprint(array)
    assert fingerprint(array[:, ::2]) == fingerprint(np.ascontiguousarray(array[:, ::2]))


def test_fingerprint_dtype_changes_it():
    array = small_array()
    assert fingerprint(array.astype(np.float64)) != fingerprint(array)


def test_fingerprint_shape_changes_it():
    array = small_array()
    assert fingerprint(array.reshape(3, 2)) != fingerprint(array)
    assert fingerprint(array.reshape(6)) != fingerprint(array)


def test_fingerprint_one_bit_changes_it():
    array = small_array()
    flipped = array.copy()
    flipped.view(np.uint32)[1, 2] ^= 1
    assert fingerprint(flipped) != fingerprint(array)


def test_fingerprint_negative_zero_differs_from_zero():
    # Bit identity is the point, so values that compare equal but differ in bits must differ.
    assert fingerprint(np.array([-0.0])) != fingerprint(np.array([0.0]))


def test_fingerprint_empty_and_zero_dimensional_arrays():
    empty = np.zeros((0, 5), dtype=np.float32)
    assert fingerprint(empty) == sha256_of_fields([("array", format_array(empty))])
    scalar = np.array(1.5)
    assert fingerprint(scalar) == sha256_of_fields([("array", format_array(scalar))])


def test_fingerprint_int_key_differs_from_str_key():
    vectors = np.ones((1, 2), dtype=np.float32)
    int_keyed = KeyedVectors(vector_size=2)
    int_keyed.add_vectors([1], vectors)
    str_keyed = KeyedVectors(vector_size=2)
    str_keyed.add_vectors(["1"], vectors)
    assert fingerprint(int_keyed) != fingerprint(str_keyed)


def test_fingerprint_key_order_changes_it():
    vectors = np.zeros((2, 2), dtype=np.float32)
    forward = KeyedVectors(vector_size=2)
    forward.add_vectors(["국가", "国家"], vectors)
    backward = KeyedVectors(vector_size=2)
    backward.add_vectors(["国家", "국가"], vectors)
    assert fingerprint(forward) != fingerprint(backward)


def test_fingerprint_combining_mark_is_not_normalised():
    vectors = np.zeros((1, 2), dtype=np.float32)
    composed = KeyedVectors(vector_size=2)
    composed.add_vectors(["caf\u00e9"], vectors)
    decomposed = KeyedVectors(vector_size=2)
    decomposed.add_vectors(["cafe\u0301"], vectors)
    assert fingerprint(composed) != fingerprint(decomposed)


def test_fingerprint_lone_surrogate_key():
    kv = KeyedVectors(vector_size=2)
    kv.add_vectors(["\ud800"], np.zeros((1, 2), dtype=np.float32))
    expected = sha256_of_fields([("keys", format_keys(["\ud800"])), ("vectors", format_array(kv.vectors))])
    assert fingerprint(kv) == expected


def test_fingerprint_numpy_integer_key_equals_int_key():
    vectors = np.zeros((1, 2), dtype=np.float32)
    python_int = KeyedVectors(vector_size=2)
    python_int.add_vectors([5], vectors)
    numpy_int = KeyedVectors(vector_size=2)
    numpy_int.add_vectors([np.int64(5)], vectors)
    assert fingerprint(numpy_int) == fingerprint(python_int)


def test_fingerprint_word2vec_hashes_prefixed_wv():
    model = Word2Vec(lee_sentences(), vector_size=8, min_count=3, epochs=1, workers=1)
    expected = sha256_of_fields(
        [("wv.keys", format_keys(model.wv.index_to_key)), ("wv.vectors", format_array(model.wv.vectors))]
    )
    assert fingerprint(model) == expected
    assert fingerprint(model) != fingerprint(model.wv)


def test_fingerprint_plain_gensim_model_accepted():
    model = GensimWord2Vec(lee_sentences(), vector_size=8, min_count=3, epochs=1, workers=1)
    assert len(fingerprint(model)) == 64


def test_fingerprint_doc2vec_includes_document_vectors():
    from gensim.models.doc2vec import TaggedDocument

    documents = [TaggedDocument(words, [number]) for number, words in enumerate(lee_sentences())]
    model = Doc2Vec(vector_size=8, min_count=3, epochs=1, workers=1)
    model.build_vocab(documents)
    before = fingerprint(model)
    model.dv.vectors[0, 0] += 1.0
    assert fingerprint(model) != before


def test_fingerprint_fasttext_includes_ngram_vectors():
    model = FastText(vector_size=8, min_count=3, epochs=1, workers=1, bucket=1000)
    model.build_vocab(lee_sentences())
    before = fingerprint(model)
    model.wv.vectors_ngrams[0, 0] += 1.0
    assert fingerprint(model) != before


def test_fingerprint_saved_and_loaded_model_unchanged(tmp_path):
    model = Word2Vec(lee_sentences(), vector_size=8, min_count=3, epochs=1, workers=1)
    path = tmp_path / "model.bin"
    model.save(str(path))
    assert fingerprint(Word2Vec.load(str(path))) == fingerprint(model)


@pytest.mark.parametrize("obj", [[1.0, 2.0], "vectors", None, {"king": np.zeros(2)}], ids=repr)
def test_fingerprint_unsupported_object_raises_type_error(obj):
    with pytest.raises(TypeError, match="cannot fingerprint an object of type"):
        fingerprint(obj)


@pytest.mark.parametrize("array", [np.array(["a", "b"]), np.array([object()]), np.zeros(2, dtype="i4,f4")], ids=str)
def test_fingerprint_non_numeric_array_raises_type_error(array):
    with pytest.raises(TypeError, match="cannot fingerprint an array of dtype"):
        fingerprint(array)


def test_fingerprint_unsupported_key_raises_type_error():
    kv = KeyedVectors(vector_size=2)
    kv.add_vectors([("tuple", "key")], np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(TypeError, match="unsupported type tuple"):
        fingerprint(kv)


@pytest.mark.slow
def test_fingerprint_same_in_fresh_launches():
    code = (
        "import json, numpy as np\n"
        "from gensim.models import KeyedVectors\n"
        "from stablevec import fingerprint\n"
        "kv = KeyedVectors(vector_size=3)\n"
        f"kv.add_vectors({MIXED_KEYS!r}, np.arange(18, dtype=np.float32).reshape(6, 3) / 8)\n"
        "print(json.dumps(fingerprint(kv)))\n"
    )
    assert run_in_launches(code) == [GOLDEN_KEYED_VECTORS] * 3
