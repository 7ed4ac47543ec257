"""End-to-end tests of ``python -m stablevec verify``, run as a user would, in subprocesses."""

import bz2
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gensim.test.utils import datapath

from stablevec._corpus import CorpusError, check_vocabulary, read_corpus
from stablevec._verify import Row
from stablevec._verify_command import CommandResult
from stablevec._verify_report import stablevec_rows_agree

REPOSITORY = Path(__file__).resolve().parent.parent

#: Prints one line that is the same in every launch and one that depends on PYTHONHASHSEED.
HASH_DEPENDENT_CODE = "print('stable line'); print(hash('stablevec'))"

#: Options that keep a training run of the CLI short: a 100-document slice is passed separately.
FAST_TRAINING = ["--runs", "2", "--epochs", "1", "--vector-size", "10"]


def run_stablevec(*arguments, cwd=None):
    """Run ``python -m stablevec`` with `arguments` and return the completed process (text mode)."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(REPOSITORY), *filter(None, [environment.get("PYTHONPATH")])])
    return subprocess.run(
        [sys.executable, "-m", "stablevec", *arguments],
        capture_output=True, text=True, env=environment, cwd=cwd, timeout=1800, check=False,
    )


def python_hash_in_launch(text, hash_seed):
    completed = subprocess.run(
        [sys.executable, "-c", f"print(hash({text!r}))"],
        env=dict(os.environ, PYTHONHASHSEED=str(hash_seed)), capture_output=True, text=True, check=True,
    )
    return completed.stdout.strip()


def lee_lines(count):
    with open(datapath("lee_background.cor"), encoding="utf-8") as lines:
        return [line for line, _ in zip(lines, range(count))]


@pytest.fixture
def lee_slice(tmp_path):
    """The first 100 documents of lee_background.cor as a .bz2 file."""
    path = tmp_path / "lee_slice.txt.bz2"
    with bz2.open(path, "wt", encoding="utf-8") as file:
        file.writelines(lee_lines(100))
    return path


def assert_one_line_error(completed, *fragments):
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert completed.stdout == ""


# Corpus reading, in process.


def test_read_corpus_gzip_and_bz2_equal_plain(tmp_path):
    text = "".join(lee_lines(20))
    plain = tmp_path / "corpus.txt"
    plain.write_text(text, encoding="utf-8")
    with gzip.open(tmp_path / "corpus.txt.gz", "wt", encoding="utf-8") as file:
        file.write(text)
    with bz2.open(tmp_path / "corpus.txt.bz2", "wt", encoding="utf-8") as file:
        file.write(text)
    expected = read_corpus(str(plain))
    assert read_corpus(str(tmp_path / "corpus.txt.gz")) == expected
    assert read_corpus(str(tmp_path / "corpus.txt.bz2")) == expected


def test_read_corpus_whitespace_tokens(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("임금 国王\t👑\n\n   \ncafe\u0301  king\n", encoding="utf-8")
    assert read_corpus(str(path)) == [["임금", "国王", "👑"], ["cafe\u0301", "king"]]


def test_read_corpus_limit_counts_documents():
    documents = read_corpus(datapath("lee.cor"), encoding="latin-1", limit=5)
    assert len(documents) == 5


def test_read_corpus_latin1_file_needs_encoding():
    with pytest.raises(CorpusError, match="--encoding"):
        read_corpus(datapath("lee.cor"))


def test_check_vocabulary_counts_surviving_words(tmp_path):
    documents = [["a", "b", "a"], ["a", "b", "c"]]
    assert check_vocabulary(documents, 2, "corpus.txt") == 2
    with pytest.raises(CorpusError, match="--min-count 3"):
        check_vocabulary(documents, 4, "corpus.txt")


# Verdicts, in process.


def test_stablevec_rows_agree_ignores_gensim_rows():
    rows = [
        Row("doc2vec", "inferred", "stablevec", ("a" * 64, "a" * 64)),
        Row("doc2vec", "inferred", "gensim", ("b" * 64, "c" * 64)),
    ]
    assert stablevec_rows_agree(rows)


def test_stablevec_rows_agree_false_when_a_run_differs():
    rows = [Row("word2vec", "trained", "stablevec", ("a" * 64, "a" * 64, "d" * 64))]
    assert not stablevec_rows_agree(rows)


def test_command_result_diff_names_first_differing_run():
    result = CommandResult(("cmd",), "stdout", (0, 1, 2), (b"x\n", b"x\n", b"y\n"))
    lines = result.diff.splitlines()
    assert lines[0] == "--- run 1 (PYTHONHASHSEED=0)"
    assert lines[1] == "+++ run 3 (PYTHONHASHSEED=2)"
    assert "-x" in lines
    assert "+y" in lines


def test_command_result_diff_of_final_newline_only():
    result = CommandResult(("cmd",), "stdout", (0, 1), (b"x\n", b"x"))
    assert not result.agree
    assert "differ only in bytes" in result.diff


# Model mode, end to end.


@pytest.mark.slow
def test_verify_word2vec_text_report(lee_slice):
    completed = run_stablevec("verify", "--models", "word2vec", "--corpus", str(lee_slice), *FAST_TRAINING)
    assert completed.returncode == 0, completed.stderr
    assert "OK: all 2 stablevec rows agree across 2 runs." in completed.stdout
    table = [line.split() for line in completed.stdout.splitlines() if line.startswith("word2vec")]
    assert [row[:3] for row in table] == [
        ["word2vec", "initial", "stablevec"],
        ["word2vec", "initial", "gensim"],
        ["word2vec", "trained", "stablevec"],
        ["word2vec", "trained", "gensim"],
    ]
    progress = completed.stderr.splitlines()
    assert len(progress) == 4
    assert progress[0].startswith("[1/4] word2vec with stablevec, run 1 of 2 (PYTHONHASHSEED=0)")


@pytest.mark.slow
def test_verify_doc2vec_json(lee_slice):
    completed = run_stablevec("verify", "--models", "doc2vec", "--corpus", str(lee_slice), "--json", *FAST_TRAINING)
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert document["mode"] == "models"
    assert document["hash_seeds"] == [0, 1]
    assert document["settings"]["vector_size"] == 10
    assert document["settings"]["models"] == ["doc2vec"]
    assert document["stablevec_rows_agree"] is True
    assert document["exit_status"] == 0
    rows = {(row["stage"], row["library"]): row for row in document["rows"]}
    assert set(rows) == {(stage, library) for stage in ("initial", "trained", "inferred")
                         for library in ("stablevec", "gensim")}
    for (stage, library), row in rows.items():
        assert len(row["fingerprints"]) == 2
        assert all(len(value) == 64 for value in row["fingerprints"])
        if library == "stablevec":
            assert row["agree"] is True, stage
    # gensim seeds each inferred vector with Python's hash() of the document text.
    assert rows[("inferred", "gensim")]["agree"] is False


@pytest.mark.slow
def test_verify_default_command_end_to_end(tmp_path):
    completed = run_stablevec("verify", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "OK: all 7 stablevec rows agree across 3 runs." in completed.stdout
    assert "gensim rows that differ across runs: doc2vec inferred" in completed.stdout
    for model in ("word2vec", "doc2vec", "fasttext"):
        rows = [line.split() for line in completed.stdout.splitlines() if line.startswith(model)]
        stablevec_rows = [row for row in rows if row[2] == "stablevec"]
        assert stablevec_rows, model
        assert all(row[-1] == "yes" for row in stablevec_rows), model
    assert len(completed.stderr.splitlines()) == 18


# Command mode, end to end.


def test_verify_command_stable_output(tmp_path):
    completed = run_stablevec("verify", "--", sys.executable, "-c", "print('임금 国王 👑')")
    assert completed.returncode == 0, completed.stderr
    assert "OK: the stdout is identical in all 3 runs." in completed.stdout
    assert len(completed.stderr.splitlines()) == 3


def test_verify_command_hash_dependent_output_diff():
    completed = run_stablevec("verify", "--", sys.executable, "-c", HASH_DEPENDENT_CODE)
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert "FAILED: the stdout differs between runs. First difference:" in lines
    assert "--- run 1 (PYTHONHASHSEED=0)" in lines
    assert "+++ run 2 (PYTHONHASHSEED=1)" in lines
    assert "-" + python_hash_in_launch("stablevec", 0) in lines
    assert "+" + python_hash_in_launch("stablevec", 1) in lines
    assert " stable line" in lines


def test_verify_command_output_file_compared(tmp_path):
    output = tmp_path / "out.txt"
    code = f"open({str(output)!r}, 'w').write('stable\\n' + str(hash('a')) + '\\n'); print('same stdout')"
    completed = run_stablevec("verify", "--output-file", str(output), "--", sys.executable, "-c", code)
    assert completed.returncode == 1, completed.stderr
    assert f"compared: file {output}" in completed.stdout
    assert "+++ run 2 (PYTHONHASHSEED=1)" in completed.stdout


def test_verify_command_output_file_stable(tmp_path):
    output = tmp_path / "out.txt"
    code = f"open({str(output)!r}, 'w').write('stable\\n'); print(hash('a'))"
    completed = run_stablevec("verify", "--output-file", str(output), "--", sys.executable, "-c", code)
    assert completed.returncode == 0, completed.stderr
    assert f"OK: the file {output} is identical in all 3 runs." in completed.stdout


def test_verify_command_json():
    completed = run_stablevec("verify", "--runs", "4", "--json", "--", sys.executable, "-c", HASH_DEPENDENT_CODE)
    assert completed.returncode == 1, completed.stderr
    document = json.loads(completed.stdout)
    assert document["mode"] == "command"
    assert document["command"] == [sys.executable, "-c", HASH_DEPENDENT_CODE]
    assert document["output"] == "stdout"
    assert document["hash_seeds"] == [0, 1, 2, 3]
    assert [run["same_as_first"] for run in document["runs"]] == [True, False, False, False]
    assert document["agree"] is False
    assert document["exit_status"] == 1
    assert document["diff"].startswith("--- run 1 (PYTHONHASHSEED=0)\n+++ run 2 (PYTHONHASHSEED=1)")
    assert len(completed.stderr.splitlines()) == 4


# Bad input: one line on stderr, exit status 2, no traceback.


def test_verify_missing_corpus(tmp_path):
    missing = tmp_path / "missing.txt"
    assert_one_line_error(run_stablevec("verify", "--corpus", str(missing)), repr(str(missing)), "not found")


def test_verify_corpus_is_directory(tmp_path):
    assert_one_line_error(run_stablevec("verify", "--corpus", str(tmp_path)), repr(str(tmp_path)), "is a directory")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_verify_unreadable_corpus(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("a b c\n", encoding="utf-8")
    path.chmod(0)
    assert_one_line_error(run_stablevec("verify", "--corpus", str(path)), repr(str(path)), "permission")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.txt.gz", b"\x1f\x8b\x08\x00" + bytes(6) + b"not a deflate stream" * 3),
        ("broken.txt.bz2", b"BZh9" + b"not a bzip2 stream" * 3),
    ],
)
def test_verify_corrupt_compressed_corpus(tmp_path, name, data):
    """A damaged .gz or .bz2 corpus fails in one line; unlike a chmod 000 file, this holds for root too."""
    path = tmp_path / name
    path.write_bytes(data)
    assert_one_line_error(run_stablevec("verify", "--corpus", str(path)), repr(str(path)), "cannot read corpus")


def test_verify_empty_corpus(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_one_line_error(run_stablevec("verify", "--corpus", str(path)), repr(str(path)), "is empty")


def test_verify_blank_lines_corpus(tmp_path):
    path = tmp_path / "blank.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write("\n  \n\t\n")
    assert_one_line_error(run_stablevec("verify", "--corpus", str(path)), repr(str(path)), "is empty")


def test_verify_no_word_survives_min_count(tmp_path):
    path = tmp_path / "rare.txt"
    path.write_text("임금 国王 👑\nking queen\n", encoding="utf-8")
    completed = run_stablevec("verify", "--corpus", str(path))
    assert_one_line_error(completed, repr(str(path)), "at least 5 times", "--min-count 1")


def test_verify_damaged_gzip_corpus(tmp_path):
    path = tmp_path / "damaged.txt.gz"
    path.write_bytes(b"this is not gzip data\n")
    assert_one_line_error(run_stablevec("verify", "--corpus", str(path)), repr(str(path)), "cannot read corpus")


def test_verify_damaged_bz2_corpus(tmp_path):
    path = tmp_path / "damaged.txt.bz2"
    path.write_bytes(b"this is not bz2 data\n")
    assert_one_line_error(run_stablevec("verify", "--corpus", str(path)), repr(str(path)), "cannot read corpus")


def test_verify_corpus_in_other_encoding():
    # lee.cor is Latin-1: it contains a pound sign as byte 0xA3.
    completed = run_stablevec("verify", "--corpus", datapath("lee.cor"))
    assert_one_line_error(completed, "not valid utf-8", "0xa3", "--encoding latin-1")


def test_verify_unknown_encoding(tmp_path):
    completed = run_stablevec("verify", "--corpus", datapath("lee.cor"), "--encoding", "klingon")
    assert_one_line_error(completed, "'klingon'", "codec")


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [
        (["--runs", "1"], ["--runs", "at least 2, got 1"]),
        (["--runs", "two"], ["--runs", "'two'"]),
        (["--vector-size", "0"], ["--vector-size", "at least 1, got 0"]),
        (["--seed", "1.5"], ["--seed", "'1.5'"]),
        (["--models", "word2vec,glove"], ["--models", "'glove'", "word2vec, doc2vec, fasttext"]),
        (["--bogus"], ["--bogus"]),
    ],
    ids=["runs-1", "runs-text", "vector-size-0", "seed-float", "unknown-model", "unknown-option"],
)
def test_verify_invalid_option(arguments, fragments):
    assert_one_line_error(run_stablevec("verify", *arguments), *fragments)


def test_verify_output_file_without_command(tmp_path):
    completed = run_stablevec("verify", "--output-file", str(tmp_path / "out.txt"))
    assert_one_line_error(completed, "--output-file", "command mode")


def test_verify_model_option_with_command():
    completed = run_stablevec("verify", "--epochs", "2", "--", sys.executable, "-c", "print(1)")
    assert_one_line_error(completed, "--epochs", "model mode")


def test_verify_empty_command():
    assert_one_line_error(run_stablevec("verify", "--"), "no command after '--'")


def test_verify_command_not_found():
    completed = run_stablevec("verify", "--", "stablevec-test-no-such-command", "--flag")
    assert_one_line_error(completed, "'stablevec-test-no-such-command'", "not found")


def test_verify_command_not_executable(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("print(1)\n", encoding="utf-8")
    script.chmod(0o644)
    assert_one_line_error(run_stablevec("verify", "--", str(script)), repr(str(script)), "chmod +x")


def test_verify_command_fails():
    completed = run_stablevec("verify", "--", sys.executable, "-c", "import sys; sys.exit('broken pipeline')")
    assert_one_line_error(completed, "exit status 1", "run 1 (PYTHONHASHSEED=0)", "broken pipeline")


def test_verify_command_without_output_file(tmp_path):
    output = tmp_path / "never-written.txt"
    completed = run_stablevec("verify", "--output-file", str(output), "--", sys.executable, "-c", "print(1)")
    assert_one_line_error(completed, repr(str(output)), "did not create")


# Help and the console script.


def test_stablevec_without_subcommand_prints_help():
    completed = run_stablevec()
    assert completed.returncode == 2
    assert "verify" in completed.stderr


def test_verify_help_states_defaults():
    completed = run_stablevec("verify", "--help")
    assert completed.returncode == 0
    help_text = " ".join(completed.stdout.split())
    for fragment in ("(default 50)", "(default 5)", "(default 3)", "(default 1)", "lee_background.cor", "--json"):
        assert fragment in help_text


@pytest.mark.skipif(shutil.which("stablevec") is None, reason="the stablevec console script is not installed")
def test_console_script_version():
    completed = subprocess.run(["stablevec", "--version"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert completed.stdout.startswith("stablevec ")
