"""What a command leaves on disk and on the screen, whatever happens.

**One rule for every command that writes** (``train``, ``demo``, ``predict``, ``sweep``,
``view``), checked before any work:

- never write over an input of the same command (not even with ``--force``);
- write only into a folder that is new, empty, or a previous run of the *same* command,
  unless ``--force`` (then only the command's own file names are written, and nothing of
  another command's run is removed). A command's folder is recognised by the marker
  ``.backproplab-run.json`` it leaves, which names the command and the files it wrote (a
  folder of a version before the marker is recognised by its files alone);
- a command that writes a single file (``predict --out FILE``) applies the same rule to
  that file: it must be new or a previous output of the command (recognised by its first
  line), unless ``--force``;
- none of the names written may be a link, a folder or a device;
- every file is written to a temporary name and renamed (:mod:`backproplab.formats.files`).

The parts:

- :func:`check_out_folder` and :func:`check_out_file` apply the rule (``ValueError``, so
  one line and exit 2).
- **A run's files are written as a set.** :func:`staged_run` gives the run a hidden
  staging folder inside the output folder; only once every file is complete are they
  moved into place, together, and the files an older run of the same command left there
  that this run did not write are removed. Until then the folder holds the old run,
  untouched; an error or an interruption removes the staging folder, and one left by a
  killed process is removed by the next run (see :mod:`backproplab.formats.files`).
  :func:`claim_folder` is the rule for a command that writes run by run (``sweep``): the
  folder is checked and marked at once, each file written atomically as it comes.
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..formats.files import atomic_write_text, remove_stale_temporaries, temporary_name
from ..formats.text import shown

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

    def lines(self, lines: Iterable[str]) -> None:
        """Write ``lines`` (each ending in a newline) as they are, then flush: many
        lines without a flush each."""
        if self.quiet or self.broken:
            return
        try:
            sys.stdout.writelines(lines)
            sys.stdout.flush()
        except (BrokenPipeError, ValueError, OSError):
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

# Files that mark a run of a version before the marker recorded its command.
_LEGACY_FILES = {"train": {"model.npz", "history.json"}, "sweep": {"sweep.json"}}
# The commands whose markers did not yet name them (a marker without "command").
_MARKED_BEFORE = ("train", "demo slowdown", "demo vanishing")


def check_out_folder(
    out: Path,
    *,
    command: str,
    names: Iterable[str],
    inputs: Iterable[Path] = (),
    force: bool = False,
    folders: Iterable[str] = (),
) -> None:
    """Refuse an output folder that would cost the user something (see the module
    docstring); create it if it does not exist. ``names`` are the files the command
    writes, ``folders`` the sub-folders it keeps (``sweep``'s ``runs``)."""
    names = set(names)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {shown(out)} is not a folder")
    for given in inputs:
        for name in names:
            if _same_file(out / name, given):
                raise ValueError(
                    f"--out {shown(out)} would overwrite the input {shown(given)} (as {name}); "
                    "choose another --out"
                )
    if out.is_dir():
        remove_stale_temporaries(out)
        for name in names:
            info = _lstat(out / name)
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise ValueError(
                    f"--out {shown(out)}: {name} is not a regular file (a link, folder or "
                    "device); remove it or choose another --out"
                )
        entries = sorted(os.listdir(out))
        if entries and not force and not _previous_run(out, entries, command, names, folders):
            listed = ", ".join(shown(e, 30) for e in entries[:3])
            raise ValueError(
                f"--out {shown(out)} holds files that are not a backproplab run of {command} "
                f"({listed}{', ...' if len(entries) > 3 else ''}); choose an empty or new "
                "folder, or pass --force to write among them"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=temporary_name()[0])
        probe.close()
    except OSError as exc:
        raise ValueError(
            f"--out {shown(out)} is not a writable folder ({exc.strerror or exc})"
        ) from None


def check_out_file(
    out: Path,
    *,
    command: str,
    inputs: Iterable[Path] = (),
    force: bool = False,
    recognise: Callable[[bytes], bool],
) -> None:
    """The rule for a command that writes one file: ``out`` is not an input, not a link
    to one, nor a folder or device; an existing file must be a previous output of
    ``command`` (``recognise(first_bytes)``), unless ``force``."""
    for given in inputs:
        if _same_file(out, given):
            raise ValueError(
                f"--out {shown(out)} is the input {shown(given)}; choose another --out"
            )
    info = _stat(out)
    if info is None:
        if not out.parent.is_dir():
            raise ValueError(f"--out {shown(out)}: no folder {shown(out.parent)}")
        return
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"--out {shown(out)} is not a regular file; choose another --out")
    if force:
        return
    try:
        with open(out, "rb") as f:
            first = f.read(4096)
    except OSError as exc:
        raise ValueError(f"--out {shown(out)} cannot be read ({exc.strerror or exc})") from None
    if not recognise(first):
        raise ValueError(
            f"--out {shown(out)} exists and is not the output of a backproplab {command}; "
            "choose a new file, or pass --force to replace it"
        )


def _previous_run(out: Path, entries, command: str, names: set[str], folders) -> bool:
    """A folder the same command wrote: its ``MARKER`` names ``command`` (a marker of a
    version before commands were recorded: one of this command's files), or, with no
    marker, it holds nothing but the command's own names and its legacy files."""
    if MARKER in entries:
        return _is_own(_marker(out), command, names)
    legacy = _LEGACY_FILES.get(command)
    allowed = names | set(folders)
    return legacy is not None and set(entries) <= allowed and legacy <= set(entries)


def _is_own(record: dict, command: str, names: set[str]) -> bool:
    """Whether a marker's ``record`` is of ``command``: it names it, or (a marker of a
    version before commands were recorded, which only ``_MARKED_BEFORE`` wrote) it lists
    one of the command's ``names``."""
    if "command" in record:
        return record["command"] == command
    return command in _MARKED_BEFORE and bool(_listed_files(record) & names)


def _marker(out: Path) -> dict:
    """The folder's ``MARKER`` record ({} if unreadable)."""
    try:
        with open(out / MARKER, "rb") as f:
            record = json.loads(f.read(1 << 20).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _listed_files(record: dict) -> set[str]:
    """The plain file names a marker lists."""
    files = record.get("files")
    if not isinstance(files, list):
        return set()
    return {f for f in files if isinstance(f, str) and f and "/" not in f and f not in ".."}


def write_marker(folder: Path, command: str, names: Iterable[str]) -> None:
    """Record in ``folder`` that ``command`` wrote ``names`` there (atomically)."""
    record = {"written_by": "backproplab", "command": command, "files": sorted(names)}
    atomic_write_text(folder / MARKER, json.dumps(record, indent=1) + "\n")


def _lstat(path: Path):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _stat(path: Path):
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


class StagedRun:
    """A staging folder inside ``out``; :meth:`commit` moves its files into place."""

    def __init__(
        self, out: Path, command: str, inputs: Iterable[Path], interrupts: Interrupts | None
    ):
        self.out = out
        self.command = command
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
                    raise ValueError(f"will not overwrite the input {shown(given)}")
        record = _marker(self.out)
        own = not record or _is_own(record, self.command, set(names))
        old = _listed_files(record) if own else set()  # another command's run: keep it all
        if own:  # (among another command's run, with --force, its marker stays)
            write_marker(self.path, self.command, names)
        with self.interrupts.deferred():
            for name in sorted(old - set(names)):
                info = _lstat(self.out / name)
                is_input = any(_same_file(self.out / name, given) for given in self.inputs)
                if info is not None and stat.S_ISREG(info.st_mode) and not is_input:
                    (self.out / name).unlink()
            for name in [*names, MARKER] if own else names:
                os.replace(self.path / name, self.out / name)
            self.path.rmdir()
            _fsync_folder(self.out)
        self.written = names

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


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
def staged_run(out: Path, *, interrupts: Interrupts | None = None, **rule) -> Iterator[StagedRun]:
    """Check ``out`` (:func:`check_out_folder`, whose keyword arguments ``rule`` are:
    ``command``, ``names``, ``inputs``, ``force``), then yield a :class:`StagedRun` whose
    ``path`` the run writes into. On success the files are committed; on any error the
    staging folder is removed and ``out`` is as it was (removed again if this created it
    and it is empty)."""
    rule["inputs"] = list(rule.get("inputs", ()))
    created = not out.exists()
    check_out_folder(out, **rule)
    stage = StagedRun(out, rule["command"], rule["inputs"], interrupts)
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


def claim_folder(out: Path, **rule) -> None:
    """The rule for a command that writes run by run: check ``out``
    (:func:`check_out_folder`, whose keyword arguments ``rule`` are) and mark it as the
    command's at once, so that an interrupted command's folder is recognised when it is
    run again. Among another command's run (``--force``) its marker is left as it is."""
    command, names = rule["command"], sorted(rule["names"])
    check_out_folder(out, **{**rule, "names": names})
    record = _marker(out)
    if record and not _is_own(record, command, set(names)):
        return
    if record.get("command") != command or set(names) - _listed_files(record):
        write_marker(out, command, names)
