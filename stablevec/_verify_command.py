"""``stablevec verify -- COMMAND``: run any command under several hash seeds and compare its output."""

from __future__ import annotations

import difflib
import hashlib
import os
import shlex
import time
from dataclasses import dataclass
from typing import Callable, Optional

from stablevec._fresh_runs import hash_seeds, run_with_hash_seed

__all__ = ["CommandError", "CommandResult", "verify_command"]


class CommandError(RuntimeError):
    """A command that could not be started, failed, or did not write its output file."""


@dataclass(frozen=True)
class CommandResult:
    """The outputs of one command across runs, in run order."""

    command: tuple[str, ...]
    output_name: str
    hash_seeds: tuple[int, ...]
    outputs: tuple[bytes, ...]

    @property
    def command_text(self) -> str:
        """The command as a shell would quote it."""
        return shlex.join(self.command)

    @property
    def digests(self) -> tuple[str, ...]:
        """Hex SHA-256 of each run's output."""
        return tuple(hashlib.sha256(output).hexdigest() for output in self.outputs)

    @property
    def agree(self) -> bool:
        """Whether every run produced byte-identical output."""
        return len(set(self.outputs)) == 1

    @property
    def diff(self) -> str:
        """Unified diff from run 1 to the first run whose output differs, or "" when all agree."""
        first = self.outputs[0]
        for number, output in enumerate(self.outputs[1:], start=2):
            if output != first:
                # Invalid UTF-8 shows as U+FFFD in the diff; the byte comparison above decides equality.
                diff = difflib.unified_diff(
                    first.decode("utf-8", "replace").splitlines(),
                    output.decode("utf-8", "replace").splitlines(),
                    fromfile=f"run 1 (PYTHONHASHSEED={self.hash_seeds[0]})",
                    tofile=f"run {number} (PYTHONHASHSEED={self.hash_seeds[number - 1]})",
                    lineterm="",
                )
                text = "\n".join(diff)
                # Outputs that differ only in bytes that decode alike, or in a final newline, give no lines.
                return text or f"(run 1 and run {number} differ only in bytes that do not show as text lines)"
        return ""


def _start(command: list[str], hash_seed: int, number: int) -> bytes:
    """Run `command` once and return its stdout, raising CommandError when it cannot run or fails."""
    program = command[0]
    try:
        completed = run_with_hash_seed(command, hash_seed)
    except FileNotFoundError:
        raise CommandError(
            f"command {program!r} not found; check its spelling or give its full path, for example "
            "stablevec verify -- python my_script.py"
        ) from None
    except PermissionError:
        raise CommandError(
            f"command {program!r} cannot be executed (permission denied); make it executable "
            f"with chmod +x {shlex.quote(program)}, or run it through its interpreter"
        ) from None
    except OSError as error:
        raise CommandError(f"command {program!r} cannot be started: {error.strerror}; check the command") from None
    if completed.returncode != 0:
        lines = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else "(no output on stderr)"
        raise CommandError(
            f"command {shlex.join(command)!r} failed with exit status {completed.returncode} in run {number} "
            f"(PYTHONHASHSEED={hash_seed}): {last}; fix the command so that it succeeds, then verify again"
        )
    return completed.stdout


def _read_output_file(path: str, command: list[str], hash_seed: int, number: int) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise CommandError(
            f"command {shlex.join(command)!r} did not create the output file {path!r} in run {number} "
            f"(PYTHONHASHSEED={hash_seed}); pass the file that the command writes as --output-file"
        ) from None
    except OSError as error:
        raise CommandError(f"cannot read the output file {path!r}: {error.strerror}; check the path") from None


def _remove_stale(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise CommandError(
            f"cannot remove the output file {path!r} before a run: {error.strerror}; pass a file that "
            "stablevec may delete and the command writes"
        ) from None


def verify_command(
    command: list[str],
    runs: int = 3,
    output_file: Optional[str] = None,
    progress: Optional[Callable[[str], None]] = None,
) -> CommandResult:
    """Run `command` `runs` times, each with its own PYTHONHASHSEED, and collect its output.

    The output of a run is the command's stdout or, when `output_file` is given, the
    contents of that file after the run.  The file is deleted before each run, so a
    run that does not write it is detected instead of reusing an earlier run's file.

    Raises
    ------
    CommandError
        If the command is not found, cannot be executed, exits with a non-zero
        status, or does not create `output_file`.
    """
    seeds = hash_seeds(runs)
    outputs = []
    for number, hash_seed in enumerate(seeds, start=1):
        started = time.perf_counter()
        if output_file is not None:
            _remove_stale(output_file)
        output = _start(command, hash_seed, number)
        if output_file is not None:
            output = _read_output_file(output_file, command, hash_seed, number)
        outputs.append(output)
        if progress is not None:
            seconds = time.perf_counter() - started
            progress(f"[{number}/{runs}] run {number} of {runs} (PYTHONHASHSEED={hash_seed}): {seconds:.1f} s")
    output_name = "stdout" if output_file is None else f"file {output_file}"
    return CommandResult(tuple(command), output_name, tuple(seeds), tuple(outputs))
