"""Read the plain-text corpora that ``stablevec verify`` trains on."""

from __future__ import annotations

import bz2
import gzip
import zlib
from collections import Counter
from typing import IO, Optional

__all__ = ["CorpusError", "check_vocabulary", "read_corpus"]

#: Shown in every corpus error, so the user knows what a valid file looks like.
CORPUS_FORMAT = "plain text, one sentence or document per line, tokens separated by whitespace, optionally .gz or .bz2"


class CorpusError(ValueError):
    """A corpus file that is missing, unreadable, empty or too small to train on."""


def _open_text(path: str, encoding: str) -> IO[str]:
    # "strict" errors, so that a wrong encoding fails instead of silently changing words.
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, errors="strict")
    if path.endswith(".bz2"):
        return bz2.open(path, "rt", encoding=encoding, errors="strict")
    return open(path, encoding=encoding, errors="strict")


def read_corpus(path: str, encoding: str = "utf-8", limit: Optional[int] = None) -> list[list[str]]:
    """Read the whitespace-separated tokens of each non-blank line of `path`.

    A ``.gz`` or ``.bz2`` file is decompressed while it is read.  `limit`, if given,
    stops after that many non-blank lines.

    Raises
    ------
    CorpusError
        If the file is missing, cannot be read or decompressed, is not valid text in
        `encoding`, or has no tokens.
    """
    documents: list[list[str]] = []
    usage = f"pass --corpus with the path of a file in {CORPUS_FORMAT}"
    try:
        with _open_text(path, encoding) as lines:
            for line in lines:
                tokens = line.split()
                if tokens:
                    documents.append(tokens)
                if limit is not None and len(documents) >= limit:
                    break
    except FileNotFoundError:
        raise CorpusError(f"corpus file {path!r} not found; {usage}") from None
    except IsADirectoryError:
        raise CorpusError(f"corpus {path!r} is a directory; {usage}") from None
    except UnicodeDecodeError as error:
        # Text files decode in chunks, so the offending byte is known but its line is not.
        byte = error.object[error.start : error.start + 1].hex()
        raise CorpusError(
            f"corpus {path!r} is not valid {encoding} text (byte 0x{byte} cannot be decoded); "
            "pass --encoding with the file's encoding, for example --encoding latin-1"
        ) from None
    except LookupError:
        raise CorpusError(
            f"unknown text encoding {encoding!r}; pass a Python codec name such as utf-8 or latin-1"
        ) from None
    except (OSError, EOFError, zlib.error) as error:
        # Permission errors and damaged .gz or .bz2 data arrive here: gzip raises
        # zlib.error, which is not an OSError, for a corrupt deflate stream.
        raise CorpusError(f"cannot read corpus {path!r}: {error}; check the file's permissions and contents") from None
    if not documents:
        raise CorpusError(f"corpus {path!r} is empty: it has no tokens; {usage}")
    return documents


def check_vocabulary(documents: list[list[str]], min_count: int, path: str) -> int:
    """Return the number of distinct words that occur at least `min_count` times.

    Raises
    ------
    CorpusError
        If no word occurs `min_count` times, so gensim would have no vocabulary to train.
    """
    counts = Counter(token for document in documents for token in document)
    surviving = sum(1 for count in counts.values() if count >= min_count)
    if not surviving:
        max_count = max(counts.values())
        raise CorpusError(
            f"no word in corpus {path!r} occurs at least {min_count} times (min_count={min_count}; the most "
            f"frequent word occurs {max_count} times); pass a larger corpus or --min-count {max_count}"
        )
    return surviving
