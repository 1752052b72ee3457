"""The process ``backproplab check`` runs a learner's file in.

Run as ``python -I -m backproplab.checking.learner.worker FILE ATTRIBUTE STYLE SAMPLES SECONDS
COST MEMORY OUT`` (COST: ``auto``, ``quadratic`` or ``cross-entropy``; MEMORY: bytes of
address space the process may use, set as ``RLIMIT_AS`` before the file is loaded).
``-I`` keeps the learner's folder (and the current directory, and PYTHONPATH) off
``sys.path``, so nothing in that folder — a ``numpy.py``, a ``backproplab.py``, a helper
module — is imported by accident: the one file named is loaded by its path, under a
private module name. The result goes to the JSON file OUT, never to stdout, which the
learner's prints may fill:

- ``{"status": "checked", "passed": …, "text": …, "report": …}``, or
- ``{"status": "load_error", "message": …}`` when the file cannot be loaded (a syntax
  error, an import error, an exception or a time-out at import), has no such function, or
  the function does not take the style's arguments.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
from pathlib import Path

from ...formats.files import atomic_write_text

MODULE_NAME = "_backproplab_learner"


class LoadError(Exception):
    """The learner's file could not be loaded, or has no such function."""


def load_function(path: Path, attribute: str, seconds: float | None):
    """Execute the file at ``path`` as a module and return its ``attribute`` (``backprop``
    or ``Network.backprop``)."""
    from .run import TimeLimitExceeded, time_limit

    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path} cannot be loaded as a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module  # classes and dataclasses look their module up here
    try:
        with time_limit(seconds):
            spec.loader.exec_module(module)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f": {exc.text.strip()}" if exc.text else "")
        raise LoadError(f"{path.name} has a syntax error at {where} ({exc.msg})") from None
    except ImportError as exc:
        raise LoadError(
            f"{path.name} could not import {exc.name or 'a module'!r}: {exc}. Only this one "
            f"file is loaded; modules next to it are not importable (put what it needs into it)"
        ) from None
    except TimeLimitExceeded:
        raise LoadError(
            f"loading {path.name} took more than {seconds:g} s: put code that runs (training, "
            f'data loading) under `if __name__ == "__main__":`'
        ) from None
    except (Exception, SystemExit) as exc:
        line = traceback.extract_tb(exc.__traceback__)[-1].lineno
        raise LoadError(
            f"{path.name} raised {type(exc).__name__} while loading, at line {line}: {exc}"
        ) from None
    target = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            found = sorted(
                n
                for n, v in vars(module).items()
                if callable(v)
                and not n.startswith("_")
                and getattr(v, "__module__", None) == MODULE_NAME
            )
            raise LoadError(
                f"{path.name} has no {attribute!r}; it defines: {', '.join(found) or 'nothing'}"
            )
        target = getattr(target, part)
    if not callable(target):
        raise LoadError(
            f"{attribute!r} in {path.name} is a {type(target).__name__}, not a function"
        )
    return target


def limit_memory(limit: int) -> None:
    """Cap this process's address space (where the platform allows it), so that a learner's
    runaway allocation fails with ``MemoryError`` instead of taking the machine."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


COSTS = {"auto": None, "quadratic": ("quadratic",), "cross-entropy": ("cross_entropy",)}


def main(argv: list[str]) -> int:
    path, attribute, style, samples, seconds, cost, memory, out = argv
    limit = float(seconds)
    limit_memory(int(memory))
    try:
        fn = load_function(Path(path), attribute, limit)
    except LoadError as exc:
        result = {"status": "load_error", "message": str(exc)}
    else:
        from . import check_backprop

        try:
            report = check_backprop(fn, style, samples=samples, costs=COSTS[cost], time_limit=limit)
        except (TypeError, ValueError) as exc:  # the function does not fit the style
            atomic_write_text(out, json.dumps({"status": "load_error", "message": str(exc)}))
            return 0
        result = {
            "status": "checked",
            "passed": report.passed,
            "text": str(report),
            "report": report.to_dict(),
        }
    atomic_write_text(out, json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
