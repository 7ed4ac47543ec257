"""Corpora from gensim's test data, read once per test session."""

import pytest
from gensim.models.word2vec import LineSentence
from gensim.test.utils import datapath


@pytest.fixture(scope="session")
def lee():
    """Return the Lee background corpus (300 documents) as token lists."""
    return list(LineSentence(datapath("lee_background.cor")))


@pytest.fixture(scope="session")
def head500():
    """Return head500.noblanks.cor, the first 500 lines of a stemmed Wikipedia dump, as token lists."""
    return list(LineSentence(datapath("head500.noblanks.cor")))
