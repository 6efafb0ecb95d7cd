"""Files in and out, safely: input checked before it is read, output replaced in one step.

Every input a command reads (a table, an evidence, parameters or rubric file, a mapping file) goes
through :func:`open_input` or :func:`check_input`: it must be a regular file (a symlink to one is
fine; a device such as ``/dev/zero``, a FIFO or a directory is refused before any byte is read)
and no larger than a limit, so a mistaken path fails at once with a message instead of reading
until memory runs out.

Every output goes through :class:`AtomicFile`: written to a temporary file beside the target and
moved into place only when whole. The new file gets the mode a plain ``open()`` would give it
(``0666`` less the umask), or keeps the mode of the file it replaces; when the disk fills up the
temporary file is removed and :class:`~gridrules.DataFileError` says so.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO

from ..errors import DataFileError

__all__ = [
    "MAPPING_LIMIT",
    "TABLE_LIMIT",
    "AtomicFile",
    "check_input",
    "describe_size",
    "new_file_mode",
    "open_input",
    "write_bytes",
    "write_error",
    "write_text",
]

TABLE_LIMIT = 4 * 1024**3
"""The largest table (CSV, JSON lines, Excel) read: 4 GiB, some 100 million rows of CSV."""
MAPPING_LIMIT = 64 * 1024**2
"""The largest evidence, parameters, rubric or column-mapping file read: 64 MiB."""

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def describe_size(size: int) -> str:
    """A byte count for people: ``512 bytes``, ``3.2 MiB``, ``4 GiB``."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _check_status(path: Path, status: os.stat_result, what: str, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a regular file")
        raise DataFileError(
            f"{path}: the {what} is {kind}, not a regular file; name a file saved on disk"
        )
    if status.st_size > limit:
        raise DataFileError(
            f"{path}: the {what} is {describe_size(status.st_size)}, more than the "
            f"{describe_size(limit)} gridrules reads; split it into smaller files"
        )


def check_input(path: Path, what: str = "input file", limit: int | None = None) -> int:
    """Check that ``path`` is a regular file of at most ``limit`` bytes; return its size.

    A symlink is followed. Nothing is opened, so a FIFO or a device is refused without blocking.
    ``limit`` defaults to :data:`TABLE_LIMIT`.

    :raises DataFileError: the file is missing, unreadable, not a regular file, or too large,
        naming ``what`` it was to be (``"input file"``, ``"evidence file"``, ...).
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such {what}") from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot read the {what}: {error.strerror}") from None
    _check_status(path, status, what, TABLE_LIMIT if limit is None else limit)
    return status.st_size


def open_input(path: Path, what: str = "input file", limit: int | None = None) -> BinaryIO:
    """Open ``path`` for reading in binary, after the checks of :func:`check_input`.

    The checks are made on the opened file itself (so a file swapped between a check and the
    opening is caught), and the opening does not block on a FIFO.

    :raises DataFileError: as :func:`check_input`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such {what}") from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot read the {what}: {error.strerror}") from None
    try:
        _check_status(path, os.fstat(fd), what, TABLE_LIMIT if limit is None else limit)
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


def new_file_mode(target: Path) -> int:
    """The mode a file written to ``target`` should have: that of the file it replaces, else
    what ``open()`` would give a new one (``0666`` less the umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def write_error(path: Path, error: OSError) -> DataFileError:
    """A :class:`DataFileError` for a failed write to ``path``, saying why in plain words."""
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = f"the disk is full ({reason})"
    elif error.errno == errno.EFBIG:
        reason = f"the file is larger than this system allows ({reason})"
    return DataFileError(f"{path}: cannot write the file: {reason}; nothing was changed")


class AtomicFile:
    """A temporary file beside ``path`` that becomes ``path`` on :meth:`commit`.

    Use it as a context manager: leaving the block without :meth:`commit` (an error, Ctrl-C)
    removes the temporary file and leaves any earlier file at ``path`` as it was. ``name`` is the
    temporary file's path, for writers that open it themselves; :meth:`stream` opens it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise DataFileError(f"{path}: the directory {directory} does not exist")
        self.mode = new_file_mode(path)
        try:
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        except OSError as error:
            raise DataFileError(f"{path}: cannot write here: {error.strerror}") from None
        os.close(handle)
        self.name = Path(name)
        self.done = False

    def stream(self, mode: str = "w", **options: object) -> IO[str]:
        """Open the temporary file (text, ``mode`` ``"w"``), with ``open``'s ``options``."""
        return open(self.name, mode, **options)  # type: ignore[no-any-return, call-overload]

    def commit(self) -> None:
        """Give the file its mode, flush it to disk and move it to ``path`` in one step."""
        try:
            os.chmod(self.name, self.mode)
            fd = os.open(self.name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(self.name, self.path)
        except OSError as error:
            self.abort()
            raise write_error(self.path, error) from None
        self.done = True

    def abort(self) -> None:
        """Remove the temporary file."""
        with contextlib.suppress(FileNotFoundError):
            self.name.unlink()

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.done:
            self.abort()


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` whole or not at all."""
    with AtomicFile(path) as atomic:
        try:
            with atomic.stream("w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as error:
            raise write_error(path, error) from None
        atomic.commit()


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    with AtomicFile(path) as atomic:
        try:
            atomic.name.write_bytes(data)
        except OSError as error:
            raise write_error(path, error) from None
        atomic.commit()
