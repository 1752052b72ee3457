"""``backproplab check path/to/student.py:backprop``: which equation of a learner's backprop
is wrong, at which layer — usable as an autograder.

Exit codes: 0 every case passes; 1 a diagnosis (wrong gradients, an exception, a
time-out); 2 the file cannot be loaded (syntax or import error) or the command is wrong.

The learner's file is executed — it is code, and it runs — but never in this process: in a
separate one (:mod:`backproplab.checking.learner.worker`) started with ``python -I`` (so
nothing from the file's folder is imported by accident), within these limits:

- time: ``--time-limit`` seconds per call of the function and for loading the file
  (default 10, at most :data:`MAX_TIME_LIMIT`), and ``30 + 41 × --time-limit`` seconds
  for the whole check, after which the process is killed;
- memory: :data:`MEMORY_LIMIT` bytes of address space (``RLIMIT_AS``), beyond which the
  learner's allocations fail with ``MemoryError``;
- output: the first :data:`OUTPUT_CAP` bytes of what it prints (to stdout and to stderr,
  each) are kept and shown after the report; the rest is counted and dropped.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

MAX_CASES = 40  # more than any battery holds: bounds the whole run's time
MAX_TIME_LIMIT = 600.0  # seconds per call; more is a typo
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the learner's process
OUTPUT_CAP = 64 * 1024  # bytes of the learner's printed output kept, per stream
COST_CHOICES = {"auto": None, "quadratic": "quadratic", "cross-entropy": "cross_entropy"}


def parse_target(text: str) -> tuple[Path, str]:
    """``"path/to/student.py:Network.backprop"`` → (absolute path, ``"Network.backprop"``)."""
    path_text, sep, attribute = text.rpartition(":")
    if not sep or not path_text or not attribute:
        raise ValueError(f"give the function as path/to/file.py:function, got {text!r}")
    if not all(part.isidentifier() for part in attribute.split(".")):
        raise ValueError(
            f"{attribute!r} is not a function name (like backprop or Network.backprop)"
        )
    path = Path(path_text).expanduser().resolve()
    if path.suffix != ".py":
        raise ValueError(f"{path_text} is not a Python file (.py)")
    if not path.is_file():
        raise ValueError(f"no such file: {path_text}")
    return path, attribute


def check_time_limit(seconds) -> float:
    """``--time-limit``: a finite number of seconds in (0, :data:`MAX_TIME_LIMIT`]."""
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds)):
        raise ValueError(f"--time-limit must be a finite number of seconds, got {seconds}")
    if not 0 < seconds <= MAX_TIME_LIMIT:
        raise ValueError(
            f"--time-limit must be more than 0 and at most {MAX_TIME_LIMIT:g} seconds, "
            f"got {seconds:g}"
        )
    return float(seconds)


class CappedReader:
    """Read a stream to its end in a thread, keeping the first ``cap`` bytes and counting
    the rest: a learner that prints gigabytes costs this process ``cap`` bytes."""

    def __init__(self, stream, cap: int = OUTPUT_CAP):
        self.kept, self.dropped, self._cap = bytearray(), 0, cap
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        while chunk := stream.read(65536):
            room = self._cap - len(self.kept)
            self.kept += chunk[:room]
            self.dropped += max(len(chunk) - room, 0)

    def text(self) -> str:
        """What was kept, decoded, with ``… N bytes more`` when some was dropped."""
        self._thread.join(timeout=5)
        text = self.kept.decode("utf-8", errors="replace")
        return text + (f"\n… {self.dropped} bytes more" if self.dropped else "")


def run_worker(command: list[str], cwd: Path, backstop: float):
    """Run the worker; ``(return code or None if killed, stdout text, stderr text)``."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = CappedReader(proc.stdout), CappedReader(proc.stderr)
    try:
        code = proc.wait(timeout=backstop)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    return code, out.text(), err.text()


def cmd_check(args: argparse.Namespace) -> int:
    path, attribute = parse_target(args.target)
    seconds = check_time_limit(args.time_limit)
    backstop = 30 + seconds * (MAX_CASES + 1)
    with tempfile.TemporaryDirectory(prefix="backproplab-check-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-I",
            "-m",
            "backproplab.checking.learner.worker",
            str(path),
            attribute,
            args.style,
            args.samples,
            repr(seconds),
            args.cost,
            str(MEMORY_LIMIT),
            str(out),
        ]
        code, printed, errors = run_worker(command, path.parent, backstop)
        if code is None:
            print(
                f"backproplab check: {path.name} was stopped after {backstop:g} s", file=sys.stderr
            )
            return 1
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    if result is None:
        tail = "\n".join(errors.strip().splitlines()[-5:])
        print(
            f"backproplab check: the code in {path.name} ended the checking process "
            f"(exit status {code})" + (f":\n{tail}" if tail else ""),
            file=sys.stderr,
        )
        return 1
    if result["status"] == "load_error":
        print(f"backproplab check: {result['message']}", file=sys.stderr)
        return 2
    print(
        json.dumps(result["report"], indent=2, ensure_ascii=False) if args.json else result["text"]
    )
    if printed.strip():
        print(f"\n{path.name} printed (first {OUTPUT_CAP // 1024} KB kept):", file=sys.stderr)
        print(printed.rstrip(), file=sys.stderr)
    return 0 if result["passed"] else 1


def register(sub) -> None:
    """Add ``check`` to the ``backproplab`` parser."""
    p = sub.add_parser(
        "check",
        help="check a learner's backprop: which equation is wrong, at which layer",
        description="Run the backprop function in a learner's file on a fixed battery of "
        "small networks and say which of BP1-BP4 is wrong, at which layer, with a hint. "
        "Exit code 0: all pass; 1: a diagnosis; 2: the file cannot be loaded. "
        "The file is EXECUTED (its top-level code runs): in a separate Python process "
        f"started with -I, limited to --time-limit seconds per call and "
        f"30 + {MAX_CASES + 1} x --time-limit seconds in all, "
        f"{MEMORY_LIMIT // 1024**3} GB of memory, and the first {OUTPUT_CAP // 1024} KB "
        "of what it prints. Check only code you are willing to run.",
    )
    p.add_argument("target", help="path/to/file.py:function (or :Class.method)")
    p.add_argument(
        "--style",
        choices=["nielsen", "batch"],
        default="nielsen",
        help="nielsen: fn(net, x, y) -> (nabla_b, nabla_w) per example (default); "
        "batch: fn(weights, biases, X, Y) -> (grads_w, grads_b) of the batch-mean cost",
    )
    p.add_argument(
        "--samples",
        choices=["columns", "rows"],
        default="columns",
        help="batch style: one column per sample (default) or one row per sample",
    )
    p.add_argument(
        "--cost",
        choices=list(COST_CHOICES),
        default="auto",
        help="the cost to check: auto (default) checks the costs the code responds to — "
        "a backprop that gives the same gradients whatever the cost is checked with the "
        "one it implements; the report names the costs checked",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        help=f"seconds per call and for loading the file (default 10, at most {MAX_TIME_LIMIT:g})",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_check)
