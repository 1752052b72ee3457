"""Files on disk: reading only regular files, and writing so that nothing is lost.

Reading. :func:`open_regular` opens a path for reading only if it is a regular file (or a
symbolic link to one): a FIFO would block forever and ``/dev/zero`` never ends, so both are
refused with ``ValueError`` before a byte is read.

Writing. :func:`atomic_path` (and :func:`atomic_write`, :func:`atomic_write_text` on top of
it) writes to a temporary file next to the target and renames it over the target only once
it is complete and flushed to disk, so the target is always either the old file or the new
one, whole:

- the temporary name is short, ``.bpl-tmp-<pid>-<8 random characters><suffix>``, so any
  target name the file system allows can be written;
- the data is ``fsync``-ed before the rename, and the folder after it;
- an existing target keeps its permission bits (a 0600 file stays 0600); a new one gets
  0666 less the umask, as ``open`` would give it;
- a symbolic link is written through: the file it points to is replaced and the link stays.
  A target (or a link's target) that exists but is not a regular file — a FIFO, a device,
  a folder — is refused with ``ValueError``;
- a process killed mid-write (SIGKILL, SIGTERM, power loss) can leave its temporary file
  behind; the next write into the same folder removes every such file whose process is
  gone (:func:`remove_stale_temporaries`). Files of a process still running are kept.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".bpl-tmp-"
# mkstemp's eight random characters come from this alphabet.
_TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-[a-z0-9_]{{8}}(\.[A-Za-z0-9]{{1,16}})?$")


def open_regular(path):
    """Open ``path`` for binary reading, refusing anything but a regular file.

    The file is opened without blocking (a FIFO would otherwise wait for a writer) and
    checked with ``fstat`` on the open descriptor, so the check and the read concern the
    same file.

    Raises:
        ValueError: if ``path`` is a FIFO, a device, a socket or a folder.
        OSError: if it cannot be opened (missing, no permission, ...).
    """
    fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path} is not a regular file ({_kind(info.st_mode)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return open(fd, "rb")  # the caller closes it
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def write_target(path) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or the file a symbolic link
    at ``path`` points to (followed to the end of a chain of links).

    Raises:
        ValueError: if that file exists and is not a regular file.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return path
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"will not write over {path}: it is {_kind(info.st_mode)}")
    return path


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: not ours to judge
    return True


def remove_stale_temporaries(folder) -> list[Path]:
    """Remove the temporary files (and staging folders) that writes into ``folder`` left
    behind when their process was killed. Returns what was removed.

    Only names of the exact form this module creates are considered, and only those whose
    process id no longer runs; errors (a file removed meanwhile, no permission) are ignored.
    """
    import shutil

    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or _process_alive(int(match.group(1))):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def temporary_name(suffix: str = "") -> tuple[str, str]:
    """``(prefix, suffix)`` for ``tempfile.mkstemp``/``mkdtemp``: short, and recognisable
    by :func:`remove_stale_temporaries` as this process's."""
    suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,16}", suffix or "") else ""
    return f"{TEMP_PREFIX}{os.getpid()}-", suffix


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path`` (same suffix) to write to; on success it is
    flushed to disk and renamed to ``path``, on any error removed, so ``path`` is never
    half-written. See the module docstring for modes, links and leftovers."""
    target = write_target(path)
    remove_stale_temporaries(target.parent)
    prefix, suffix = temporary_name(target.suffix)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    try:
        yield tmp
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()  # mkstemp makes 0600; give the usual permissions
        os.chmod(tmp, mode)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path, write) -> None:
    """Call ``write(file_object)`` on a temporary file, then rename it to ``path``."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        write(f)


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
