"""Command-line interface: ``stablevec verify`` (also ``python -m stablevec verify``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, Optional

from stablevec._corpus import CorpusError
from stablevec._fresh_runs import hash_seeds
from stablevec._verify import ModelSettings, VerifyError, verify_models
from stablevec._verify_command import CommandError, verify_command
from stablevec._verify_models import INFER_DOCUMENTS, MODELS, MODELS_BY_NAME
from stablevec._verify_report import (
    command_document,
    format_command_report,
    format_models_report,
    models_document,
    stablevec_rows_agree,
)
from stablevec._version import __version__

__all__ = ["main"]

#: Exit status for invalid usage and for runs that could not be compared (argparse uses 2 too).
USAGE_ERROR = 2

DEFAULT_CORPUS_NAME = "lee_background.cor"

#: Defaults of the options that only model mode takes; None marks "not given" on the command line.
MODEL_DEFAULTS: dict[str, Any] = {
    "corpus": None,
    "encoding": "utf-8",
    "seed": 1,
    "vector_size": 50,
    "epochs": 5,
    "min_count": 5,
    "models": tuple(spec.name for spec in MODELS),
}

DESCRIPTION = f"""\
Check that training gives bit-identical vectors in every interpreter launch.

Model mode (no command): train stablevec's and plain gensim's Word2Vec, Doc2Vec
and FastText with workers=1, each in RUNS fresh interpreters with PYTHONHASHSEED
0, 1, 2, ..., and print the SHA-256 fingerprint (stablevec.fingerprint) of each
stage: "initial" right after build_vocab, "trained" after train, and for
Doc2Vec "inferred", the infer_vector results of the first {INFER_DOCUMENTS} documents of
gensim's lee.cor test file. The default corpus is lee_background.cor (300
documents, about 60,000 words), which ships inside gensim.

Command mode (stablevec verify [options] -- COMMAND [ARGS...]): run any
command RUNS times with PYTHONHASHSEED 0, 1, 2, ... and compare its stdout, or
the file named by --output-file, byte for byte. The first difference is shown
as a unified diff.
"""

EPILOG = """\
exit status:
  0  every stablevec row (or every run of the command) agrees
  1  a stablevec row, or the command's output, differs between runs
  2  invalid usage, a bad corpus, or a run that failed

examples:
  stablevec verify
  stablevec verify --models word2vec --runs 5 --json
  stablevec verify --corpus sentences.txt.gz --min-count 2
  stablevec verify --output-file vectors.txt -- python train.py
"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are a single line on stderr."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}; run '{self.prog} --help' for usage\n")


def _integer_at_least(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _model_names(text: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError(f"expected model names separated by commas, got {text!r}")
    for name in names:
        if name not in MODELS_BY_NAME:
            raise argparse.ArgumentTypeError(
                f"unknown model {name!r}; choose from {', '.join(MODELS_BY_NAME)}, separated by commas"
            )
    # dict.fromkeys drops repeated names and keeps the order given.
    return tuple(dict.fromkeys(names))


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``stablevec`` command."""
    parser = _Parser(prog="stablevec", description="Tools for stablevec, launch-stable initial vectors for gensim.")
    parser.add_argument("--version", action="version", version=f"stablevec {__version__}")

    subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    verify = subcommands.add_parser(
        "verify",
        help="check that training (or any command) gives identical results in every interpreter launch",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    verify.add_argument("--runs", type=_integer_at_least(2), default=3, metavar="N",
                        help="fresh interpreters per library, or runs of the command; at least 2 (default 3)")
    verify.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout instead of the table; progress stays on stderr")

    model = verify.add_argument_group("model mode")
    model.add_argument("--corpus", metavar="PATH",
                       help="training text: one sentence or document per line, tokens separated by whitespace; "
                            ".gz and .bz2 files are decompressed (default: gensim's lee_background.cor)")
    model.add_argument("--encoding", metavar="CODEC", help="text encoding of --corpus (default utf-8)")
    model.add_argument("--seed", type=_integer, help="model seed passed to every model (default 1)")
    model.add_argument("--vector-size", type=_integer_at_least(1), metavar="N",
                       help="dimensions of each vector (default 50)")
    model.add_argument("--epochs", type=_integer_at_least(1), metavar="N", help="training epochs (default 5)")
    model.add_argument("--min-count", type=_integer_at_least(1), metavar="N",
                       help="ignore words with fewer occurrences in the corpus (default 5, gensim's default)")
    model.add_argument("--models", type=_model_names, metavar="LIST",
                       help=f"comma-separated subset of {','.join(MODELS_BY_NAME)} (default: all)")

    command = verify.add_argument_group("command mode")
    command.add_argument("--output-file", metavar="PATH",
                         help="compare this file, which the command writes, instead of its stdout; "
                              "it is deleted before each run")
    return parser


def _print_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"stablevec verify: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def _model_settings(args: argparse.Namespace) -> ModelSettings:
    values = {name: default if getattr(args, name) is None else getattr(args, name)
              for name, default in MODEL_DEFAULTS.items()}
    if values["corpus"] is None:
        from gensim.test.utils import datapath

        values["corpus"] = datapath(DEFAULT_CORPUS_NAME)
    return ModelSettings(runs=args.runs, **values)


def _run_models(args: argparse.Namespace) -> int:
    if args.output_file is not None:
        return _fail("--output-file applies to command mode only; put the command after '--', for example "
                     "stablevec verify --output-file out.txt -- python train.py")
    settings = _model_settings(args)
    seeds = hash_seeds(settings.runs)
    rows = verify_models(settings, progress=_print_progress)
    if args.json:
        print(json.dumps(models_document(settings, rows, seeds), indent=2))
    else:
        print(format_models_report(settings, rows, seeds))
    return 0 if stablevec_rows_agree(rows) else 1


def _run_command(args: argparse.Namespace, command: list[str]) -> int:
    if not command:
        return _fail("no command after '--'; write the command to check after it, for example "
                     "stablevec verify -- python train.py")
    model_options = [name for name in MODEL_DEFAULTS if getattr(args, name) is not None]
    if model_options:
        option = "--" + model_options[0].replace("_", "-")
        return _fail(f"{option} applies to model mode only, not to a command after '--'; remove {option}")
    result = verify_command(command, runs=args.runs, output_file=args.output_file, progress=_print_progress)
    if args.json:
        print(json.dumps(command_document(result), indent=2))
    else:
        print(format_command_report(result))
    return 0 if result.agree else 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``stablevec`` command with `argv` (default ``sys.argv[1:]``) and return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    command: Optional[list[str]] = None
    if "--" in arguments:
        split = arguments.index("--")
        arguments, command = arguments[:split], arguments[split + 1 :]
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.subcommand is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    try:
        if command is None:
            return _run_models(args)
        return _run_command(args, command)
    except (CorpusError, VerifyError, CommandError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        print("stablevec verify: interrupted", file=sys.stderr)
        return 130
