"""Time build_vocab plus train, stablevec.Word2Vec against gensim's Word2Vec with the same parameters.

Run from the repository root, which benchmarks the stablevec of this checkout::

    python benchmarks/bench_train.py           # 5 interleaved repeats per corpus
    python benchmarks/bench_train.py --quick   # 1 repeat, 1 epoch

Both models train with ``workers=1``: one training thread is the only setting that
is bit-reproducible, and it keeps the comparison free of thread-scheduling noise.
The corpora are gensim's test files lee_background.cor and head500.noblanks.cor.
The script prints a Markdown table and writes ``train.json`` to the output directory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import gensim  # noqa: E402
from gensim.models import Word2Vec as GensimWord2Vec  # noqa: E402
from gensim.models.word2vec import LineSentence  # noqa: E402
from gensim.test.utils import datapath  # noqa: E402

import stablevec  # noqa: E402

CORPORA = ("lee_background.cor", "head500.noblanks.cor")
PARAMETERS = {"vector_size": 100, "window": 5, "min_count": 5, "seed": 1, "workers": 1, "sg": 0, "negative": 5}
TARGET_RATIO = 1.02


def build_and_train(model_class: type, corpus: list[list[str]], epochs: int) -> float:
    """Return the seconds that build_vocab plus train take for a new model of `model_class`."""
    start = time.perf_counter()
    model = model_class(epochs=epochs, **PARAMETERS)
    model.build_vocab(corpus)
    model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
    return time.perf_counter() - start


def run(repeats: int, epochs: int) -> list[dict[str, Any]]:
    classes = {"gensim": GensimWord2Vec, "stablevec": stablevec.Word2Vec}
    results = []
    for name in CORPORA:
        corpus = list(LineSentence(datapath(name)))
        timings: dict[str, list[float]] = {label: [] for label in classes}
        for repeat in range(repeats):
            # Alternating the order keeps a slow period of a shared machine from favouring one side.
            order = list(classes) if repeat % 2 == 0 else list(classes)[::-1]
            for label in order:
                timings[label].append(build_and_train(classes[label], corpus, epochs))
        gensim_total, stable_total = sum(timings["gensim"]), sum(timings["stablevec"])
        results.append({
            "corpus": name,
            "sentences": len(corpus),
            "epochs": epochs,
            "repeats": repeats,
            "gensim_seconds": timings["gensim"],
            "stablevec_seconds": timings["stablevec"],
            "gensim_median": statistics.median(timings["gensim"]),
            "stablevec_median": statistics.median(timings["stablevec"]),
            "ratio_of_totals": stable_total / gensim_total,
        })
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 repeat of 1 epoch: a smoke run")
    parser.add_argument("--repeats", type=int, help="timed runs per library and corpus (default: 5, or 1 with --quick)")
    parser.add_argument(
        "--output-dir", type=Path,
        help="directory for train.json (default: benchmarks/results, or a new temp directory with --quick)",
    )
    arguments = parser.parse_args(argv)
    repeats = arguments.repeats or (1 if arguments.quick else 5)
    if repeats < 1:
        print(f"--repeats must be at least 1, got {repeats}", file=sys.stderr)
        return 2
    epochs = 1 if arguments.quick else 5
    output_dir = arguments.output_dir
    if output_dir is None and arguments.quick:
        output_dir = Path(tempfile.mkdtemp(prefix="stablevec-bench-"))
    elif output_dir is None:
        output_dir = REPOSITORY / "benchmarks" / "results"

    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = run(repeats, epochs)
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None

    print("| corpus | sentences | gensim s (median) | stablevec s (median) | ratio of totals | target |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for row in results:
        verdict = "met" if row["ratio_of_totals"] <= TARGET_RATIO else "NOT met"
        print(
            f"| {row['corpus']} | {row['sentences']:,} | {row['gensim_median']:.3f} | {row['stablevec_median']:.3f} | "
            f"{row['ratio_of_totals']:.3f} | <= {TARGET_RATIO}: {verdict} |"
        )
    print(f"\nparameters: {PARAMETERS}, epochs={epochs}, repeats={repeats}; gensim {gensim.__version__}; "
          f"load average before {load_before}, after {load_after}")

    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / "train.json"
    report = {"parameters": PARAMETERS, "load_average_before": load_before, "load_average_after": load_after,
              "gensim": gensim.__version__, "stablevec": stablevec.__version__, "results": results}
    path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
