"""Compare the training quality of stablevec's models with gensim's own, seed by seed.

Word2Vec (skip-gram and CBOW) trains on the shortened English Wikipedia dump and
head500.noblanks.cor from gensim's test data.  Both libraries get identical
parameters and ``workers=1``, so two runs with the same seed differ only in their
initial vectors.  Each model is scored on WordSim-353 and
SimLex-999 (Spearman correlation) and on the Google analogy questions (accuracy).
Doc2Vec trains on lee_background.cor and is scored by gensim's self-similarity check:
the rank of each training document's own tag among the tags nearest to its inferred
vector.

For every metric the script reports each library's mean and standard deviation over
the seeds and the difference of the means (stablevec minus gensim) with a 95 %
Welch t confidence interval.  Everything it reads is bundled with gensim, so it
needs no network access.

Usage::

    python benchmarks/bench_quality.py            # full run, writes benchmarks/results/quality.json
    python benchmarks/bench_quality.py --quick    # reduced run for CI, writes quality-quick.json
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

RESULTS_DIRECTORY = Path(__file__).resolve().parent / "results"
WIKI_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
#: gensim's Cython training routines drop the words of a sentence beyond this count
#: (gensim.models.word2vec.MAX_WORDS_IN_BATCH), so longer articles are split first.
MAX_SENTENCE_WORDS = 10_000
LIBRARIES = ("gensim", "stablevec")
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Settings:
    """Parameters of one benchmark run."""

    seeds: tuple[int, ...]
    word2vec_modes: tuple[str, ...]
    word2vec_parameters: dict[str, Any]
    doc2vec_seeds: tuple[int, ...]
    doc2vec_parameters: dict[str, Any]


# min_count=3 keeps more of the evaluation words in the 0.8-million-token corpus, and
# sample=1e-4 with 8 epochs gives scores well above the seed-to-seed noise while a
# full run stays within minutes on two cores.
FULL = Settings(
    seeds=(1, 2, 3, 4, 5),
    word2vec_modes=("skip-gram", "cbow"),
    word2vec_parameters={
        "vector_size": 100, "window": 5, "min_count": 3, "sample": 1e-4, "negative": 5, "epochs": 8,
    },
    doc2vec_seeds=(1, 2, 3),
    # The parameters of gensim's Doc2Vec tutorial on the Lee corpus.
    doc2vec_parameters={"vector_size": 50, "min_count": 2, "epochs": 40},
)

# Skip-gram, because CBOW with 2 epochs scored close to zero on this corpus in a trial run.
QUICK = Settings(
    seeds=(1, 2),
    word2vec_modes=("skip-gram",),
    word2vec_parameters={
        "vector_size": 50, "window": 5, "min_count": 3, "sample": 1e-4, "negative": 5, "epochs": 3,
    },
    doc2vec_seeds=(1, 2),
    doc2vec_parameters={"vector_size": 50, "min_count": 2, "epochs": 20},
)


def read_word2vec_corpus() -> list[list[str]]:
    """Return the Wikipedia articles and head500 lines as token lists of at most MAX_SENTENCE_WORDS."""
    from gensim.corpora import WikiCorpus
    from gensim.test.utils import datapath

    # An empty dictionary stops WikiCorpus from building one, which would scan the dump twice.
    wiki = WikiCorpus(datapath(WIKI_DUMP), dictionary={})
    documents = list(wiki.get_texts())
    with open(datapath("head500.noblanks.cor"), encoding="utf-8") as lines:
        documents.extend(line.split() for line in lines)
    return [
        document[start : start + MAX_SENTENCE_WORDS]
        for document in documents
        for start in range(0, len(document), MAX_SENTENCE_WORDS)
    ]


def read_doc2vec_corpus() -> list[Any]:
    """Return lee_background.cor as one TaggedDocument per line, tagged with its line number."""
    from gensim.models.doc2vec import TaggedDocument
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    with open(datapath("lee_background.cor"), encoding="utf-8") as lines:
        return [TaggedDocument(simple_preprocess(line), [number]) for number, line in enumerate(lines)]


def count_analogy_questions() -> int:
    from gensim.test.utils import datapath

    with open(datapath("questions-words.txt"), encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip() and not line.startswith(":"))


def model_class(kind: str, library: str) -> Any:
    if library == "stablevec":
        import stablevec

        return getattr(stablevec, kind)
    import gensim.models

    return getattr(gensim.models, kind)


# The corpora of this process, set once per worker by the pool initializer.
_CORPUS: dict[str, Any] = {}


def read_corpora(kinds: tuple[str, ...]) -> dict[str, Any]:
    """Return the corpus of each model kind in `kinds`.

    WikiCorpus starts its own process pool, which a pool worker may not do, so the
    parent process reads the corpora and hands them to the workers.
    """
    corpora: dict[str, Any] = {}
    if "Word2Vec" in kinds:
        corpora["Word2Vec"] = read_word2vec_corpus()
    if "Doc2Vec" in kinds:
        corpora["Doc2Vec"] = read_doc2vec_corpus()
    return corpora


def set_corpora(corpora: dict[str, Any]) -> None:
    _CORPUS.update(corpora)


def evaluate_word2vec(model: Any, analogy_questions: int) -> dict[str, float]:
    from gensim.test.utils import datapath

    scores: dict[str, float] = {}
    for name, file_name in (("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
        _pearson, spearman, oov_percent = model.wv.evaluate_word_pairs(datapath(file_name))
        scores[f"{name}_spearman"] = float(spearman[0])
        scores[f"{name}_coverage"] = 1 - oov_percent / 100
    accuracy, sections = model.wv.evaluate_word_analogies(datapath("questions-words.txt"))
    total = next(section for section in sections if section["section"] == "Total accuracy")
    scores["analogy_accuracy"] = float(accuracy)
    scores["analogy_coverage"] = (len(total["correct"]) + len(total["incorrect"])) / analogy_questions
    return scores


def self_similarity_ranks(model: Any, documents: list[Any]) -> list[int]:
    """Return, per training document, the rank of its own tag among the tags nearest its inferred vector."""
    ranks = []
    for document in documents:
        inferred = model.infer_vector(document.words)
        nearest = model.dv.most_similar([inferred], topn=len(model.dv))
        ranks.append([tag for tag, _similarity in nearest].index(document.tags[0]))
    return ranks


def run_one(task: tuple[str, str, str, int, dict[str, Any], int]) -> dict[str, Any]:
    """Train and score one model; `task` is (kind, mode, library, seed, parameters, analogy questions)."""
    kind, mode, library, seed, parameters, analogy_questions = task
    started = time.perf_counter()
    cls = model_class(kind, library)
    if kind == "Word2Vec":
        model = cls(_CORPUS[kind], sg=int(mode == "skip-gram"), seed=seed, workers=1, **parameters)
        trained = time.perf_counter()
        scores = evaluate_word2vec(model, analogy_questions)
    else:
        model = cls(_CORPUS[kind], seed=seed, workers=1, **parameters)
        trained = time.perf_counter()
        ranks = self_similarity_ranks(model, _CORPUS[kind])
        scores = {
            "self_rank_0_share": sum(rank == 0 for rank in ranks) / len(ranks),
            "self_rank_mean": sum(ranks) / len(ranks),
        }
    return {
        "model": kind,
        "mode": mode,
        "library": library,
        "seed": seed,
        "vocabulary": len(model.wv),
        "train_seconds": round(trained - started, 2),
        "score_seconds": round(time.perf_counter() - trained, 2),
        "scores": scores,
    }


def mean_and_deviation(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, math.nan
    return mean, math.sqrt(sum((value - mean) ** 2 for value in values) / (len(values) - 1))


def welch_interval(first: list[float], second: list[float]) -> tuple[float, float, float]:
    """Return mean(second) - mean(first) and its Welch t confidence interval at CONFIDENCE."""
    from scipy import stats

    mean_first, deviation_first = mean_and_deviation(first)
    mean_second, deviation_second = mean_and_deviation(second)
    difference = mean_second - mean_first
    if len(first) < 2 or len(second) < 2:
        return difference, math.nan, math.nan
    variance_first = deviation_first**2 / len(first)
    variance_second = deviation_second**2 / len(second)
    standard_error = math.sqrt(variance_first + variance_second)
    if standard_error == 0:
        return difference, difference, difference
    freedom = (variance_first + variance_second) ** 2 / (
        variance_first**2 / (len(first) - 1) + variance_second**2 / (len(second) - 1)
    )
    half_width = stats.t.ppf((1 + CONFIDENCE) / 2, freedom) * standard_error
    return difference, difference - half_width, difference + half_width


def verdict(low: float, high: float) -> str:
    if math.isnan(low):
        return "not tested (one seed)"
    if low <= 0 <= high:
        return "indistinguishable"
    return "stablevec higher" if low > 0 else "gensim higher"


#: Metrics compared between the libraries; coverage is reported but is the same for both.
METRICS = {
    "Word2Vec": ("wordsim353_spearman", "simlex999_spearman", "analogy_accuracy"),
    "Doc2Vec": ("self_rank_0_share", "self_rank_mean"),
}
COVERAGES = ("wordsim353_coverage", "simlex999_coverage", "analogy_coverage")


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one row per (model, mode, metric) with both libraries' statistics and the difference."""
    rows = []
    groups = sorted({(run["model"], run["mode"]) for run in runs}, key=lambda group: (group[0] != "Word2Vec", group))
    for kind, mode in groups:
        for metric in METRICS[kind]:
            values = {
                library: [
                    run["scores"][metric]
                    for run in runs
                    if (run["model"], run["mode"], run["library"]) == (kind, mode, library)
                ]
                for library in LIBRARIES
            }
            difference, low, high = welch_interval(values["gensim"], values["stablevec"])
            row: dict[str, Any] = {"model": kind, "mode": mode, "metric": metric, "seeds": len(values["gensim"])}
            for library in LIBRARIES:
                row[f"{library}_mean"], row[f"{library}_std"] = mean_and_deviation(values[library])
            row.update(difference=difference, ci_low=low, ci_high=high, verdict=verdict(low, high))
            rows.append(row)
    return rows


def coverage_rows(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Return the evaluation coverage per library (it depends only on the vocabulary, not on the seed)."""
    coverage: dict[str, dict[str, float]] = {}
    for run in runs:
        if run["model"] == "Word2Vec":
            coverage.setdefault(run["library"], {}).update({name: run["scores"][name] for name in COVERAGES})
            coverage[run["library"]]["vocabulary"] = run["vocabulary"]
    return coverage


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| model | mode | metric | seeds | gensim mean ± std | stablevec mean ± std | difference [95 % CI] | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['model']} | {row['mode']} | {row['metric']} | {row['seeds']} "
            f"| {row['gensim_mean']:.4f} ± {row['gensim_std']:.4f} "
            f"| {row['stablevec_mean']:.4f} ± {row['stablevec_std']:.4f} "
            f"| {row['difference']:+.4f} [{row['ci_low']:+.4f}, {row['ci_high']:+.4f}] | {row['verdict']} |"
        )
    return "\n".join(lines)


def machine_description() -> dict[str, Any]:
    import gensim
    import numpy
    import scipy

    cpu_model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            cpu_model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "gensim": gensim.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def doc2vec_available() -> bool:
    try:
        from stablevec import Doc2Vec  # noqa: F401
    except ImportError:
        return False
    return True


def build_tasks(settings: Settings, include_doc2vec: bool) -> list[tuple[str, str, str, int, dict[str, Any], int]]:
    questions = count_analogy_questions()
    tasks = [
        ("Word2Vec", mode, library, seed, settings.word2vec_parameters, questions)
        for mode in settings.word2vec_modes
        for seed in settings.seeds
        for library in LIBRARIES
    ]
    if include_doc2vec:
        tasks += [
            ("Doc2Vec", "PV-DM", library, seed, settings.doc2vec_parameters, questions)
            for seed in settings.doc2vec_seeds
            for library in LIBRARIES
        ]
    return tasks


def run_tasks(tasks: list[Any], jobs: int) -> list[dict[str, Any]]:
    corpora = read_corpora(tuple(sorted({task[0] for task in tasks})))
    if jobs == 1:
        set_corpora(corpora)
        return [run_one(task) for task in tasks]
    # One BLAS thread per process keeps parallel jobs from competing for the same cores.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    # "spawn" gives each worker a fresh NumPy that reads the thread settings above.
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=set_corpora, initargs=(corpora,)) as pool:
        return pool.map(run_one, tasks, chunksize=1)


def parse_arguments(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true",
        help="reduced run for CI: skip-gram only, 2 seeds, 50 dimensions, 3 epochs; Doc2Vec with 2 seeds, 20 epochs",
    )
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1),
        help="models trained in parallel, each with workers=1 (default: 2, or 1 on a single core)",
    )
    parser.add_argument(
        "--output", type=Path,
        help="JSON results file (default: results/quality.json, or quality-quick.json with --quick)",
    )
    parser.add_argument("--no-doc2vec", action="store_true", help="skip the Doc2Vec self-similarity check")
    arguments = parser.parse_args(argv)
    if arguments.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {arguments.jobs}")
    return arguments


def main(argv: Optional[list[str]] = None) -> int:
    arguments = parse_arguments(argv)
    settings = QUICK if arguments.quick else FULL
    output = arguments.output or RESULTS_DIRECTORY / ("quality-quick.json" if arguments.quick else "quality.json")

    include_doc2vec = not arguments.no_doc2vec and doc2vec_available()
    if not arguments.no_doc2vec and not include_doc2vec:
        print("stablevec has no Doc2Vec class; skipping the Doc2Vec check", file=sys.stderr)

    started = time.perf_counter()
    runs = run_tasks(build_tasks(settings, include_doc2vec), arguments.jobs)
    elapsed = time.perf_counter() - started

    rows = summarise(runs)
    results = {
        "command": " ".join(["python", "benchmarks/bench_quality.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine_description(),
        "wall_seconds": round(elapsed, 1),
        "jobs": arguments.jobs,
        "settings": {
            "seeds": settings.seeds,
            "word2vec_modes": settings.word2vec_modes,
            "word2vec_parameters": settings.word2vec_parameters,
            "doc2vec_seeds": settings.doc2vec_seeds if include_doc2vec else [],
            "doc2vec_parameters": settings.doc2vec_parameters,
        },
        "coverage": coverage_rows(runs),
        "summary": rows,
        "runs": runs,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    print(markdown_table(rows))
    for library, coverage in results["coverage"].items():
        print(
            f"\n{library}: vocabulary {coverage['vocabulary']}, pairs in vocabulary: WordSim-353 "
            f"{coverage['wordsim353_coverage']:.1%}, SimLex-999 {coverage['simlex999_coverage']:.1%}, "
            f"analogy questions {coverage['analogy_coverage']:.1%}"
        )
    print(f"\n{len(runs)} models in {elapsed:.0f} s with {arguments.jobs} jobs; results in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
