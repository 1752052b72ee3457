"""What a run leaves on disk and on the screen, whatever happens.

- **The output folder.** :func:`check_out_folder` runs before anything is trained. It
  refuses (``ValueError``, so one line and exit 2) a folder that would mean writing over
  one of the run's inputs (never allowed, not even with ``--force``), a folder that holds
  anything other than a previous backproplab run (unless ``--force``), and any file of
  the run's names that is a link, a folder or a device rather than a regular file. A
  previous run is recognised by the ``.backproplab-run.json`` every run leaves (or, for
  a run of a version before it, by holding nothing but the run's file names, among them
  ``model.npz`` and ``history.json``).
- **A run's files are written as a set.** :func:`staged_run` gives the run a hidden
  staging folder inside the output folder; only once every file is complete are they
  moved into place, together, and the files an older run left there that this run did not
  write are removed. Until then the folder holds the old run, untouched; an error or an
  interruption removes the staging folder, and one left by a killed process is removed
  by the next run (see :mod:`backproplab.formats.files`).
- **Printing never loses a run.** :class:`Printer` stops printing when the reader has
  gone (``backproplab train … | head -1``) instead of failing: the files come first.
- **Ctrl-C is deterministic.** :func:`sigint_guard` records every SIGINT. A library that
  catches the ``KeyboardInterrupt`` cannot make the run go on to success: the run checks
  the record before it moves its files into place and again before it ends, so any
  SIGINT means exit 130. The moves themselves finish first (they take microseconds), so
  an interruption never leaves a mix of old and new files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..formats.files import remove_stale_temporaries, temporary_name

MARKER = ".backproplab-run.json"


# -- Ctrl-C -------------------------------------------------------------------------------


class Interrupts:
    """A SIGINT handler that remembers: ``received`` stays True once a SIGINT came, even
    if the ``KeyboardInterrupt`` it raised was caught and dropped somewhere."""

    def __init__(self):
        self.received = False
        self._deferred = 0

    def handle(self, signum, frame) -> None:
        self.received = True
        if not self._deferred:
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold SIGINT back while the body runs; it takes effect at :meth:`check`."""
        self._deferred += 1
        try:
            yield
        finally:
            self._deferred -= 1

    def check(self) -> None:
        """Raise KeyboardInterrupt if a SIGINT has come at any time."""
        if self.received:
            raise KeyboardInterrupt


@contextmanager
def sigint_guard() -> Iterator[Interrupts]:
    """Install :class:`Interrupts` as the SIGINT handler for the body (main thread only;
    elsewhere the handler is left alone and only ``check`` calls are made)."""
    interrupts = Interrupts()
    try:
        previous = signal.signal(signal.SIGINT, interrupts.handle)
    except ValueError:  # not the main thread
        previous = None
    try:
        yield interrupts
        interrupts.check()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


# -- printing -----------------------------------------------------------------------------


class Printer:
    """``print`` to standard output, silent if ``quiet``; once the reader is gone (a
    closed pipe) it prints nothing more and raises nothing, so the run goes on."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.broken = False

    def __call__(self, *args) -> None:
        if self.quiet or self.broken:
            return
        try:
            print(*args, flush=True)
        except (BrokenPipeError, ValueError, OSError):  # ValueError: stdout was closed
            self.broken = True
            _silence_stdout()


def _silence_stdout() -> None:
    """Point standard output at the null device, so that Python's own flush at exit does
    not fail on the broken pipe either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor behind sys.stdout:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (kept open until exit)


# -- the output folder --------------------------------------------------------------------


def check_out_folder(
    out: Path, *, names: Iterable[str], inputs: Iterable[Path] = (), force: bool = False
) -> None:
    """Refuse an output folder that would cost the user something (see the module
    docstring); create it if it does not exist. ``names`` are the files a run writes."""
    names = set(names)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is not a folder")
    for given in inputs:
        for name in names:
            if _same_file(out / name, given):
                raise ValueError(
                    f"--out {out} would overwrite the input {given} (as {name}); "
                    "choose another --out"
                )
    if out.is_dir():
        remove_stale_temporaries(out)
        for name in names:
            info = _lstat(out / name)
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise ValueError(
                    f"--out {out}: {out / name} is not a regular file (a link, folder or "
                    "device); remove it or choose another --out"
                )
        entries = sorted(os.listdir(out))
        if entries and not _previous_run(entries, names) and not force:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise ValueError(
                f"--out {out} holds files that are not a backproplab run ({shown}); "
                "choose an empty or new folder, or pass --force to write among them"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=temporary_name()[0])
        probe.close()
    except OSError as exc:
        raise ValueError(f"--out {out} is not a writable folder ({exc.strerror or exc})") from None


def _previous_run(entries: list[str], names: set[str]) -> bool:
    """A folder a run wrote: it holds ``MARKER``, or (left by a version before the marker)
    nothing but the run's own file names, among them ``model.npz`` and ``history.json``."""
    if MARKER in entries:
        return True
    return set(entries) <= names and {"model.npz", "history.json"} <= set(entries)


def _lstat(path: Path):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class StagedRun:
    """A staging folder inside ``out``; :meth:`commit` moves its files into place."""

    def __init__(self, out: Path, inputs: Iterable[Path], interrupts: Interrupts | None):
        self.out = out
        self.inputs = list(inputs)
        self.interrupts = interrupts or Interrupts()
        prefix, _ = temporary_name()
        self.path = Path(tempfile.mkdtemp(dir=out, prefix=prefix))
        self.written: list[str] = []

    def commit(self) -> None:
        """Move every staged file into ``out`` and record the run in ``MARKER``."""
        self.interrupts.check()  # a SIGINT that something swallowed: do not commit
        names = sorted(p.name for p in self.path.iterdir() if p.is_file())
        for name in names:
            for given in self.inputs:
                if _same_file(self.out / name, given):
                    raise ValueError(f"will not overwrite the input {given}")
        old = _previous_files(self.out)
        record = json.dumps({"written_by": "backproplab", "files": names}, indent=1) + "\n"
        (self.path / MARKER).write_text(record, encoding="utf-8")
        with self.interrupts.deferred():
            for name in sorted(old - set(names)):
                info = _lstat(self.out / name)
                is_input = any(_same_file(self.out / name, given) for given in self.inputs)
                if info is not None and stat.S_ISREG(info.st_mode) and not is_input:
                    (self.out / name).unlink()
            for name in [*names, MARKER]:
                os.replace(self.path / name, self.out / name)
            self.path.rmdir()
            _fsync_folder(self.out)
        self.written = names

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _previous_files(out: Path) -> set[str]:
    """The files the previous run's ``MARKER`` lists (plain names only)."""
    try:
        record = json.loads((out / MARKER).read_text(encoding="utf-8"))
        files = record["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    if not isinstance(files, list):
        return set()
    return {f for f in files if isinstance(f, str) and f and "/" not in f and f not in ".."}


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def staged_run(
    out: Path,
    *,
    names: Iterable[str],
    inputs: Iterable[Path] = (),
    force: bool = False,
    interrupts: Interrupts | None = None,
) -> Iterator[StagedRun]:
    """Check ``out`` (:func:`check_out_folder`), then yield a :class:`StagedRun` whose
    ``path`` the run writes into. On success the files are committed; on any error the
    staging folder is removed and ``out`` is as it was (removed again if this created it
    and it is empty)."""
    inputs = list(inputs)
    created = not out.exists()
    check_out_folder(out, names=names, inputs=inputs, force=force)
    stage = StagedRun(out, inputs, interrupts)
    try:
        yield stage
        stage.commit()
    except BaseException:
        stage.discard()
        if created:
            try:
                out.rmdir()  # only if empty
            except OSError:
                pass
        raise
