"""Time stablevec's initialiser against gensim 4's and against gensim-3-style per-word seeding.

Run from the repository root, which benchmarks the stablevec of this checkout::

    python benchmarks/bench_init.py            # 10k, 100k and 1M keys x 100 and 300 dims
    python benchmarks/bench_init.py --quick    # small sizes, a few seconds (CI runs this)
    python benchmarks/bench_init.py --large    # adds 3M keys x 300 dims
    python benchmarks/bench_init.py --huge     # adds 10M x 300 float32 into a memory-mapped file

Every method runs in this one process, interleaved, and the tables show medians.
The script prints Markdown tables, writes ``init.json`` and, when matplotlib is
installed, ``init.png`` to the output directory.  It exits with status 1 if a
sampled stablevec row differs from the pure-Python reference in ``tests/reference.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from itertools import cycle
from pathlib import Path
from typing import Any, Callable

import numpy as np

REPOSITORY = Path(__file__).resolve().parent.parent
# The checkout's stablevec, and tests/reference.py for the equality check.
sys.path[:0] = [str(REPOSITORY), str(REPOSITORY / "tests")]

import gensim  # noqa: E402
from gensim.models.keyedvectors import KeyedVectors, prep_vectors  # noqa: E402
from gensim.models.word2vec import Word2Vec as GensimWord2Vec  # noqa: E402
from gensim.test.utils import datapath  # noqa: E402
from reference import reference_row  # noqa: E402

import stablevec  # noqa: E402
from stablevec._initializer import default_threads, fill_stable_rows  # noqa: E402
from stablevec._stable_model import StableInitMixin  # noqa: E402

SEED = 1
MIB = 2**20
NON_ENGLISH = ["소년", "男孩", "\U0001f680", "cafe\u0301", "Straße", "مرحبا", "ничего", "नमस्ते"]

# Targets at 1M keys x 100 dims, float32, from the feature request.
TARGET_RATIO_TO_GENSIM4 = 0.8
TARGET_SPEEDUP_OVER_GENSIM3 = 40.0
TARGET_MEMORY_MIB = 64.0


def benchmark_keys(count: int) -> list[str]:
    """Return `count` distinct words: the Lee corpus vocabulary, then the same words with numeric suffixes.

    A few non-English words join the cycle so that the UTF-8 path is timed too.
    """
    with open(datapath("lee_background.cor"), encoding="utf-8") as corpus:
        words = sorted({word for line in corpus for word in line.split()}) + NON_ENGLISH
    return [
        word if index < len(words) else f"{word}_{index // len(words)}"
        for index, word in zip(range(count), cycle(words))
    ]


def gensim3_style(keys: list[str], vector_size: int) -> np.ndarray:
    """Seed a new generator per word from hash(word + str(seed)), as gensim's pseudorandom_weak_vector does."""
    out = np.empty((len(keys), vector_size), dtype=np.float32)
    suffix = str(SEED)
    for row, key in enumerate(keys):
        generator = np.random.Generator(np.random.SFC64(hash(key + suffix) & 0xFFFFFFFF))
        out[row] = (generator.random(vector_size).astype(np.float32) - 0.5) / vector_size
    return out


class UpdateModelState:
    """The attributes that update_weights reads, without a corpus or training state."""

    hs = 0
    negative = 5

    def __init__(self, wv: KeyedVectors) -> None:
        self.wv = wv
        self.seed = SEED
        self.layer1_size = wv.vector_size
        self.syn1neg = np.zeros((len(wv.vectors), wv.vector_size), dtype=np.float32)


class StableUpdateModel(StableInitMixin, UpdateModelState):
    """A stand-in with stablevec's update_weights."""

    def add_lifecycle_event(self, *args: Any, **kwargs: Any) -> None:
        """Skip gensim's lifecycle log, which this stand-in has no storage for."""


class GensimUpdateModel(UpdateModelState):
    """A stand-in with gensim 4's own Word2Vec.update_weights."""

    update_weights = GensimWord2Vec.update_weights


def vocabulary_after_update(old_keys: list[str], new_keys: list[str], old_vectors: np.ndarray) -> KeyedVectors:
    """Return KeyedVectors holding the rows of `old_keys` whose vocabulary already lists `new_keys` too."""
    wv = KeyedVectors(old_vectors.shape[1], count=0)
    wv.vectors = old_vectors
    wv.index_to_key = old_keys + new_keys
    wv.key_to_index = {key: index for index, key in enumerate(wv.index_to_key)}
    return wv


def timed(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def peak_memory_beyond(function: Callable[[], Any], output_bytes: int) -> float:
    """Return the traced peak allocation of `function`, minus `output_bytes`, in MiB.

    NumPy reports its array allocations to tracemalloc, so the peak includes the
    output array, work arrays and the encoded keys.
    """
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0.0, (peak - output_bytes) / MIB)


def methods_for(keys: list[str], sample: list[str], vector_size: int) -> dict[str, Callable[[], Any]]:
    """Return the timed calls for one size; gensim 3 style runs on `sample`, a prefix of `keys`."""
    return {
        "gensim 4 prep_vectors": lambda: prep_vectors((len(keys), vector_size), seed=SEED),
        "stablevec": lambda: stablevec.stable_vectors(keys, vector_size, SEED),
        "stablevec, 1 thread": lambda: stablevec.stable_vectors(keys, vector_size, SEED, threads=1),
        "gensim 3 style": lambda: gensim3_style(sample, vector_size),
    }


def sample_rows(count: int) -> list[int]:
    return sorted({*range(min(count, 50)), *range(0, count, max(1, count // 150)), count - 1})


def rows_match_reference(keys: list[str], vectors: np.ndarray, rows: list[int]) -> bool:
    expected = np.array([reference_row(keys[row], vectors.shape[1], SEED) for row in rows], dtype=np.float32)
    return vectors[rows].tobytes() == expected.tobytes()


def machine_description() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else None
    return {
        "cpu": cpu,
        "cores_available": default_threads(),
        "memory_gib": round(memory / 2**30, 1) if memory else None,
        "system": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "gensim": gensim.__version__,
        "stablevec": stablevec.__version__,
    }


def load_average() -> list[float] | None:
    return [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None


def run_sizes(sizes: list[tuple[int, int]], repeats: int, gensim3_sample: int) -> tuple[list[dict[str, Any]], bool]:
    """Time every method on every size, interleaved, and return the result rows and the equality verdict."""
    all_keys = benchmark_keys(max(count for count, _ in sizes))
    timings: dict[tuple[int, int, str], list[float]] = {}
    identical = True
    for repeat in range(repeats):
        for count, vector_size in sizes:
            keys = all_keys[:count]
            sample = keys[: min(count, gensim3_sample)]
            methods = methods_for(keys, sample, vector_size)
            # Rotating the order spreads slow periods of a shared machine over all methods.
            names = list(methods)
            names = names[repeat % len(names) :] + names[: repeat % len(names)]
            for name in names:
                timings.setdefault((count, vector_size, name), []).append(timed(methods[name]))
            if repeat == 0:
                vectors = stablevec.stable_vectors(keys, vector_size, SEED)
                identical &= rows_match_reference(keys, vectors, sample_rows(count))
                del vectors

    results = []
    for count, vector_size in sizes:
        keys = all_keys[:count]
        sample = keys[: min(count, gensim3_sample)]
        gensim4 = statistics.median(timings[(count, vector_size, "gensim 4 prep_vectors")])
        memory = {}
        for name, call in methods_for(keys, sample, vector_size).items():
            rows = len(sample) if name == "gensim 3 style" else count
            memory[name] = peak_memory_beyond(call, rows * vector_size * 4)
        for name in memory:
            seconds = statistics.median(timings[(count, vector_size, name)])
            extrapolated = name == "gensim 3 style" and len(sample) < count
            if extrapolated:
                seconds *= count / len(sample)
            results.append({
                "keys": count,
                "vector_size": vector_size,
                "method": name,
                "seconds": seconds,
                "ratio_to_gensim4": seconds / gensim4,
                "keys_per_second": count / seconds,
                "peak_mib_beyond_output": memory[name],
                "extrapolated_from_keys": len(sample) if extrapolated else None,
                "repeats": len(timings[(count, vector_size, name)]),
            })
    return results, identical


def run_update(vocabulary: int, repeats: int) -> tuple[list[dict[str, Any]], bool]:
    """Time update_weights adding 1% new words to `vocabulary` words, stablevec against gensim 4."""
    vector_size = 100
    keys = benchmark_keys(vocabulary + vocabulary // 100)
    old_keys, new_keys = keys[:vocabulary], keys[vocabulary:]
    old_vectors = stablevec.stable_vectors(old_keys, vector_size, SEED)
    models = {"stablevec update_weights": StableUpdateModel, "gensim 4 update_weights": GensimUpdateModel}
    timings: dict[str, list[float]] = {name: [] for name in models}
    identical = True

    for repeat in range(repeats):
        names = list(models) if repeat % 2 == 0 else list(models)[::-1]
        for name in names:
            model = models[name](vocabulary_after_update(old_keys, new_keys, old_vectors))
            timings[name].append(timed(model.update_weights))
            if name.startswith("stablevec") and repeat == 0:
                vectors = model.wv.vectors
                identical &= vectors[:vocabulary].tobytes() == old_vectors.tobytes()
                new_rows = [vocabulary + row for row in sample_rows(len(new_keys))]
                identical &= rows_match_reference(keys, vectors, new_rows)

    gensim_seconds = statistics.median(timings["gensim 4 update_weights"])
    results = []
    for name, values in timings.items():
        seconds = statistics.median(values)
        results.append({
            "vocabulary": vocabulary,
            "new_keys": len(new_keys),
            "vector_size": vector_size,
            "method": name,
            "seconds": seconds,
            "ratio_to_gensim4": seconds / gensim_seconds,
            "repeats": len(values),
        })
    return results, identical


def run_huge(count: int, vector_size: int) -> dict[str, Any]:
    """Fill a `count` x `vector_size` float32 numpy.memmap under the system temp directory, once."""
    needed = count * vector_size * 4
    directory = tempfile.gettempdir()
    free = shutil.disk_usage(directory).free
    result: dict[str, Any] = {"keys": count, "vector_size": vector_size, "file_gib": needed / 2**30}
    # 1 GiB of headroom, so that the benchmark never fills the disk.
    if free < needed + 2**30:
        result["skipped"] = (
            f"needs {needed / 2**30:.1f} GiB plus 1 GiB headroom in {directory}, but only "
            f"{free / 2**30:.1f} GiB is free; free disk space or set TMPDIR to a larger disk"
        )
        return result
    keys = benchmark_keys(count)
    with tempfile.TemporaryDirectory() as scratch:
        out = np.lib.format.open_memmap(
            os.path.join(scratch, "vectors.npy"), mode="w+", dtype=np.float32, shape=(count, vector_size)
        )
        start = time.perf_counter()
        fill_stable_rows(keys, SEED, out)
        out.flush()
        result["seconds"] = time.perf_counter() - start
        result["keys_per_second"] = count / result["seconds"]
        result["identical_to_reference"] = rows_match_reference(keys, out, sample_rows(count))
        del out
    return result


def markdown_tables(report: dict[str, Any]) -> str:
    lines = [
        "| keys | dims | method | seconds | / gensim 4 | keys per second | peak MiB beyond output |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in report["sizes"]:
        seconds = f"{row['seconds']:.3f}"
        if row["extrapolated_from_keys"]:
            seconds += f" (extrapolated from {row['extrapolated_from_keys']:,} keys)"
        lines.append(
            f"| {row['keys']:,} | {row['vector_size']} | {row['method']} | {seconds} | "
            f"{row['ratio_to_gensim4']:.2f} | {row['keys_per_second']:,.0f} | {row['peak_mib_beyond_output']:.1f} |"
        )
    lines += ["", "| vocabulary | new words | method | seconds | / gensim 4 |", "| ---: | ---: | --- | ---: | ---: |"]
    for row in report["update"]:
        lines.append(
            f"| {row['vocabulary']:,} | {row['new_keys']:,} | {row['method']} | {row['seconds']:.3f} | "
            f"{row['ratio_to_gensim4']:.2f} |"
        )
    huge = report.get("huge")
    if huge:
        lines.append("")
        if "skipped" in huge:
            lines.append(f"{huge['keys']:,} x {huge['vector_size']} into a memory map: skipped, {huge['skipped']}.")
        else:
            lines.append(
                f"{huge['keys']:,} x {huge['vector_size']} float32 into a memory-mapped "
                f"{huge['file_gib']:.1f} GiB file: "
                f"{huge['seconds']:.1f} s, {huge['keys_per_second']:,.0f} keys per second, "
                f"sampled rows identical to the reference: {huge['identical_to_reference']}."
            )
    return "\n".join(lines)


def target_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the feature request's targets at 1M x 100 with the measured figures, when that size ran."""
    by_method = {
        row["method"]: row for row in report["sizes"] if row["keys"] == 1_000_000 and row["vector_size"] == 100
    }
    if not by_method:
        return []
    stable = by_method["stablevec"]
    speedup = by_method["gensim 3 style"]["seconds"] / stable["seconds"]
    memory = max(row["peak_mib_beyond_output"] for row in report["sizes"] if row["method"] == "stablevec")
    return [
        {"target": "time / gensim 4 at 1M x 100", "limit": TARGET_RATIO_TO_GENSIM4,
         "measured": stable["ratio_to_gensim4"], "met": stable["ratio_to_gensim4"] <= TARGET_RATIO_TO_GENSIM4},
        {"target": "speed-up over gensim 3 style at 1M x 100", "limit": TARGET_SPEEDUP_OVER_GENSIM3,
         "measured": speedup, "met": speedup >= TARGET_SPEEDUP_OVER_GENSIM3},
        {"target": "peak MiB beyond output, every size", "limit": TARGET_MEMORY_MIB,
         "measured": memory, "met": memory <= TARGET_MEMORY_MIB},
    ]


def draw_plot(report: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    vector_sizes = sorted({row["vector_size"] for row in report["sizes"]})
    figure, axes = plt.subplots(1, len(vector_sizes), figsize=(5 * len(vector_sizes), 3.6), squeeze=False)
    for axis, vector_size in zip(axes[0], vector_sizes):
        rows = [row for row in report["sizes"] if row["vector_size"] == vector_size]
        for method in dict.fromkeys(row["method"] for row in rows):
            points = [row for row in rows if row["method"] == method]
            style = "--" if method == "gensim 3 style" else "-"
            keys = [row["keys"] for row in points]
            axis.plot(keys, [row["seconds"] for row in points], style, marker="o", label=method)
        axis.set(xscale="log", yscale="log", xlabel="keys", ylabel="seconds (median)")
        axis.set_title(f"{vector_size} dims, float32")
        axis.grid(True, which="major", alpha=0.3)
    axes[0][0].legend(fontsize="small")
    figure.suptitle("Initialisation time; gensim 3 style is extrapolated above its sample", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return True


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2k and 20k keys, 3 repeats: a smoke run of a few seconds")
    parser.add_argument("--large", action="store_true", help="add 3M keys x 300 dims (about 3.6 GB of output)")
    parser.add_argument(
        "--huge", action="store_true",
        help="add one 10M x 300 float32 fill into a numpy.memmap in the system temp directory (writes 12 GB)",
    )
    parser.add_argument("--repeats", type=int, help="timed runs per method and size (default: 5, or 3 with --quick)")
    parser.add_argument(
        "--output-dir", type=Path,
        help="directory for init.json and init.png (default: benchmarks/results, or a new temp directory with --quick)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.quick:
        sizes = [(2_000, 100), (20_000, 100), (2_000, 300), (20_000, 300)]
        repeats, gensim3_sample, update_vocabulary = arguments.repeats or 3, 2_000, 20_000
        output_dir = arguments.output_dir or Path(tempfile.mkdtemp(prefix="stablevec-bench-"))
    else:
        sizes = [(count, dims) for dims in (100, 300) for count in (10_000, 100_000, 1_000_000)]
        if arguments.large:
            sizes.append((3_000_000, 300))
        repeats, gensim3_sample, update_vocabulary = arguments.repeats or 5, 20_000, 1_000_000
        output_dir = arguments.output_dir or REPOSITORY / "benchmarks" / "results"
    if repeats < 1:
        print(f"--repeats must be at least 1, got {repeats}", file=sys.stderr)
        return 2

    report: dict[str, Any] = {"machine": machine_description(), "load_average_before": load_average()}
    report["threads"] = default_threads()
    report["sizes"], sizes_identical = run_sizes(sizes, repeats, gensim3_sample)
    report["update"], update_identical = run_update(update_vocabulary, repeats)
    if arguments.huge:
        report["huge"] = run_huge(10_000_000, 300)
    report["load_average_after"] = load_average()
    report["identical_to_reference"] = sizes_identical and update_identical
    report["targets"] = target_rows(report)

    print(markdown_tables(report))
    for target in report["targets"]:
        verdict = "met" if target["met"] else "NOT met"
        print(f"- {target['target']}: {target['measured']:.2f} (limit {target['limit']}), {verdict}")
    print(f"\nthreads: {report['threads']}; load average before {report['load_average_before']}, "
          f"after {report['load_average_after']}")

    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "init.json"
    json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {json_path}")
    if draw_plot(report, output_dir / "init.png"):
        print(f"wrote {output_dir / 'init.png'}")
    else:
        print("matplotlib is not installed, so no plot was drawn (pip install stablevec[benchmarks])")

    if not report["identical_to_reference"]:
        print("ERROR: stablevec rows differ from tests/reference.py; the initialiser changed output bits",
              file=sys.stderr)
        return 1
    print("sampled stablevec rows are bit-identical to tests/reference.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
