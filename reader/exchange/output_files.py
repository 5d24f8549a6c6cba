"""Files nkreader writes (exports, codebooks, backups): whole or not at all, never over the data.

A mistyped path must not cost a study its codes: the database, its write-ahead log and shared
memory file are refused as output under any name (a symlink, a hard link, the same folder spelled
differently), with or without ``--force``. Devices, FIFOs and sockets are never replaced by a
plain file (``-o -`` is how to write to standard output), and a symlink's target is written, the
link itself kept. The bytes go to a hidden temporary file beside the target, flushed to disk and
renamed over it only once complete, so a full disk, a crash or a SIGTERM leaves the old file as
it was and no temporary file behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["OutputError", "check_output", "describe_write_error", "written_whole"]


class OutputError(Exception):
    """An output path that is refused or cannot be written; one line naming it and the fix."""


def _same_file(path: Path, other: Path) -> bool:
    """Whether two paths name one file: the same resolved path, or the same inode (a hard link)."""
    if path.resolve() == other.resolve():
        return True
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def check_output(path: Path, *, force: bool, protected: Sequence[Path] = ()) -> Path:
    """The file to write for the output ``path``, or ``OutputError`` saying why not.

    ``protected`` are files that must never be overwritten (the open database and its
    companions). A symlink is followed: its target is the file written.
    """
    path = Path(path)
    for kept in protected:
        if _same_file(path, kept):
            raise OutputError(
                f"{path} is the database nkreader is using ({kept.name}); writing there would"
                " destroy it: choose another file name"
            )
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(
            f"{path}: cannot look at it ({error.strerror}); choose another path"
        ) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path} is a folder; give the name of a file to write")
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
        raise OutputError(
            f"{path} is {kind}, not a file; nkreader does not replace it"
            " (to write to standard output, give - as the file)"
        )
    if not target.parent.is_dir():
        raise OutputError(
            f"{path}: the folder {target.parent} does not exist; create it or choose another path"
        )
    if mode is not None and not force:
        raise OutputError(f"{path} exists; pass --force to overwrite")
    return target


def describe_write_error(
    path: Path, error: OSError, what: str = "the file", verb: str = "write"
) -> OutputError:
    """A one-line message for a failed write of ``what`` (``verb``: what the user was doing),
    saying what the user can do about it."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"{path}: the disk is full; free some space or {verb} to another disk")
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return OutputError(
            f"{path}: cannot write in {path.parent} (permission denied); choose a folder you can"
            " write"
        )
    reason = error.strerror or str(error)
    return OutputError(f"{path}: cannot write {what} ({reason}); choose another path")


@contextmanager
def written_whole(target: Path, what: str = "the file", verb: str = "write") -> Iterator[BinaryIO]:
    """A binary file to write ``target`` through: renamed over it only once complete and on disk.

    Any failure, including an interrupt or a SIGTERM turned into ``SystemExit`` by the command
    line, removes the temporary file and leaves ``target`` as it was; an ``OSError`` becomes an
    ``OutputError``.
    """
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb", buffering=1 << 20) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise describe_write_error(target, error, what, verb) from None
        raise
