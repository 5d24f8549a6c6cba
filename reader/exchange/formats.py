"""Which files are read, and how JSON Lines, JSON and CSV files become article records.

Folders are walked in a stable order so that article ids follow file names, and every path
that cannot be read becomes a result instead of an exception. Record files hold one article per
record; their fields are picked by name (``FIELDS``, or the user's ``--map``) and anything else
is kept as metadata, so no column of a carefully built data set is lost.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.text.decoding import normalise

__all__ = [
    "FIELDS",
    "MAX_SIZE",
    "SUFFIXES",
    "BadFile",
    "NotAFile",
    "Problem",
    "Record",
    "display",
    "find_files",
    "format_size",
    "parse_size",
    "read_file",
    "read_records",
    "resolve_field_map",
    "why",
]

SUFFIXES = (
    ".txt", ".md", ".jsonl", ".json", ".csv", ".docx", ".rtf", ".doc", ".html", ".htm", ".xml",
)  # fmt: skip
"""File types read: plain text and Markdown (one article per file), JSON Lines, JSON and CSV,
and news downloads (Nexis Uni .docx, LexisNexis .txt/.rtf/.doc, Factiva .html/.xml, saved web
pages; ``reader.exchange.news``), in any letter case."""

FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "text": ("text", "body"),
    "published": ("date", "published"),
    "outlet": ("outlet", "source"),
    "url": ("url",),
    "id": ("id",),
}
"""Record fields understood, each with the names recognised for it (in any letter case)."""

_ALIASES = {name: field for field, names in FIELDS.items() for name in (field, *names)}

MAX_SIZE = 1_000_000_000
"""Files larger than this (1 GB) are refused unless the user raises the limit (``--max-size``):
a file is read whole into memory, and so is every article of it, several times over while it
is split, so a runaway log or a disk image named ``.txt`` would exhaust the machine."""

_UNITS = {
    "": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
    "t": 10**12, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}  # fmt: skip
_CHUNK = 1 << 20
"""Bytes read at a time from a file that grows while it is read."""
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def display(path: Path, cwd: str | None = None) -> str:
    """The path as users should see it: relative to the current folder when it is inside it.

    ``cwd`` is the current folder with a trailing separator, when the caller already has it.
    """
    absolute = os.path.abspath(path)
    if cwd is None:
        cwd = os.path.join(os.getcwd(), "")
    shown = absolute[len(cwd) :] if absolute.startswith(cwd) else os.fspath(path)
    # A file name that is not valid UTF-8 is shown (and stored) with U+FFFD in its place.
    return os.fsencode(shown).decode("utf-8", "replace").replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class Problem:
    """A path or record that cannot be imported, such as a malformed JSON line."""

    source: str
    message: str
    """One line for the user, starting with the file (and line or record) it is about."""
    skipped: bool = False
    """True for a file left alone on purpose (an unknown type), False for a failure."""


def find_files(paths: Sequence[Path], max_size: int = MAX_SIZE) -> tuple[list[Path], list[Problem]]:
    """The files to read under ``paths`` (folders walked recursively, sorted, hidden names
    skipped; symbolic links followed, loops reported) and a problem for each bad path.

    Only regular files are read, by what the link or name finally points at: a FIFO would block
    the import forever and ``/dev/zero`` would fill the memory, so those, devices and sockets
    are left alone with a reason. In a folder they and files of unknown types are skipped; a
    path named in ``paths`` itself that cannot be imported is a failure, since the user asked
    for it by name. Files over ``max_size`` bytes fail.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()

    def fail(path: Path, reason: str, skipped: bool = False) -> None:
        shown = display(path)
        problems.append(Problem(shown, f"{shown}: {reason}", skipped))

    def visit(path: Path, stack: tuple[tuple[int, int], ...]) -> None:
        named = not stack  # given by the user rather than found in a folder
        try:
            info = path.stat()
            key = (info.st_dev, info.st_ino)  # the same file reached twice is read once
            if not stat.S_ISDIR(info.st_mode):
                suffix = path.suffix.lower()
                if not stat.S_ISREG(info.st_mode):
                    what = f"{_kind(info.st_mode)}, not a regular file"
                    if named:
                        fail(path, f"{what}; save what it holds to a file and import that")
                    else:
                        fail(path, f"{what}; skipped", skipped=True)
                elif suffix not in SUFFIXES:
                    if named:
                        what = f"{suffix} files" if suffix else "files without an extension"
                        fail(path, f"nkreader does not read {what}; use {', '.join(SUFFIXES)}")
                    else:
                        fail(path, f"unknown file type; use {', '.join(SUFFIXES)}", skipped=True)
                elif info.st_size > max_size:
                    fail(path, _too_large(info.st_size, max_size))
                elif key not in seen:
                    seen.add(key)
                    files.append(path)
                return
            if key in stack:
                fail(path, "symbolic link loop; skipped")
                return
            with os.scandir(path) as listing:
                names = sorted(entry.name for entry in listing if not entry.name.startswith("."))
        except OSError as error:
            fail(path, why(error))
            return
        for name in names:
            visit(path / name, (*stack, key))

    for path in paths:
        visit(Path(path), ())
    return files, problems


class NotAFile(Exception):
    """A path that is not a regular file of a size nkreader reads; the message is the reason."""


def read_file(path: Path, max_size: int = MAX_SIZE) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_size`` of them.

    ``find_files`` checked the path, but it may have been replaced since: the file is opened
    without waiting (a FIFO would block ``open`` until a writer came), checked again through
    the open descriptor, and read no further than the limit (a file may grow while it is read).
    Raises ``OSError`` or ``NotAFile``.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(
                f"{_kind(info.st_mode)}, not a regular file (it was replaced during the import)"
            )
        # The size it has now, and one byte more to notice that it grew (a log being written,
        # a /proc file that says it is empty); then on, a chunk at a time, up to the limit.
        # Read with os.read: a buffered file object costs more than reading a small file.
        data = _read_up_to(fd, min(info.st_size, max_size) + 1)
        if len(data) > info.st_size:
            parts, total = [data], len(data)
            while total <= max_size and (chunk := os.read(fd, min(_CHUNK, max_size + 1 - total))):
                parts.append(chunk)
                total += len(chunk)
            data = b"".join(parts)
    finally:
        os.close(fd)
    if len(data) > max_size:
        if info.st_size > max_size:
            raise NotAFile(_too_large(info.st_size, max_size))
        raise NotAFile(
            f"grew past the {format_size(max_size)} limit while it was read; "
            "pass a larger --max-size to import it"
        )
    return data


def _read_up_to(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd``, or fewer at the end of the file."""
    data = os.read(fd, size)
    if len(data) in (0, size):
        return data
    parts, total = [data], len(data)
    while total < size and (chunk := os.read(fd, min(_CHUNK, size - total))):
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _too_large(size: int, max_size: int) -> str:
    return (
        f"{format_size(size)}, over the {format_size(max_size)} limit; "
        f"pass --max-size {format_size(size, exact=True)} or more to import it"
    )


def parse_size(text: str) -> int:
    """Bytes for a size such as ``2GB``, ``500MB``, ``1.5GiB`` or ``1000000``: KB, MB, GB and TB
    are powers of 1000, KiB, MiB, GiB and TiB powers of 1024. ``ValueError`` with one line when
    it is not one."""
    found = _SIZE.fullmatch(text)
    unit = found and _UNITS.get(found.group(2).lower())
    if not found or unit is None:
        raise ValueError(f"{text!r} is not a size; write bytes or e.g. 500MB, 2GB, 1.5GiB")
    size = int(float(found.group(1)) * unit)
    if size < 1:
        raise ValueError(f"{text!r} is too small; give at least one byte")
    return size


def format_size(size: int, *, exact: bool = False) -> str:
    """``1.3 GB``; with ``exact``, a size at least as large written without a space (``1.4GB``),
    for a message that says what to pass to ``--max-size``."""
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= factor:
            value = size / factor
            if exact:
                return f"{-(-size * 10 // factor) / 10:g}{unit}"  # rounded up, one decimal
            return f"{value:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size}B" if exact else f"{size} bytes"


def why(error: OSError) -> str:
    """A reason and a next step for a file-system error."""
    if isinstance(error, FileNotFoundError):
        if os.path.islink(error.filename or ""):
            return "broken symbolic link; fix or remove it"
        return "no such file or folder; check the path"
    if isinstance(error, PermissionError):
        return "permission denied; check its permissions"
    if error.errno == errno.ELOOP:
        return "symbolic link loop; fix or remove the link"
    return f"cannot read it ({error.strerror or error}); check the path"


# -- records ------------------------------------------------------------------------------------


class BadFile(Exception):
    """A JSON or CSV file that cannot be read as records; the message is the user's one line."""


@dataclass(frozen=True, slots=True)
class Record:
    """One article of a JSON Lines, JSON or CSV file, before it is split into sentences."""

    source: str
    """The file plus ``#id``, or ``:line`` (JSON Lines, CSV) or ``[index]`` (JSON list)."""
    text: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    metadata: str | None = None
    """The record's other fields, as a JSON object."""


def resolve_field_map(field_map: Mapping[str, str] | None) -> dict[str, str]:
    """Check ``{"text": "content", "date": "pubdate"}`` and resolve aliases (date, body, source).

    Raises ``ValueError`` naming an unknown field, so a typo in ``--map`` is caught up front.
    """
    mapping: dict[str, str] = {}
    for name, column in (field_map or {}).items():
        field = _ALIASES.get(name.lower())
        if field is None:
            raise ValueError(f"unknown field {name!r} in --map; use one of {', '.join(FIELDS)}")
        mapping[field] = column
    return mapping


def read_records(
    shown: str, suffix: str, text: str, mapping: Mapping[str, str]
) -> Iterator[Record | Problem]:
    """The records of a ``.jsonl``, ``.json`` or ``.csv`` text, or a problem per bad record.

    Raises ``BadFile`` when the file as a whole cannot be read (invalid JSON, no text column);
    records yielded before that are good and may be kept.
    """
    if suffix == ".jsonl":
        raw = _jsonl(shown, text)
    elif suffix == ".json":
        raw = _json(shown, text)
    else:
        raw = _csv(shown, text, mapping)
    for source, value in raw:
        if isinstance(value, str):
            yield Problem(source, value)
        else:
            yield _record(shown, source, value, mapping)


_Raw = Iterator[tuple[str, dict[str, Any] | str]]

_TOO_DEEP = "JSON nested too deeply to read (lists or objects inside each other hundreds deep)"
"""Python's JSON reader recurses once per level and stops at its recursion limit (about a
thousand levels); news records are a few levels deep, so such a file is a mistake or an attack."""


def _jsonl(shown: str, text: str) -> _Raw:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{shown}:{number}"
        try:
            value = json.loads(line)
        except ValueError as error:
            yield source, f"{source}: malformed JSON line ({error}); fix or remove the line"
            continue
        except RecursionError:
            yield source, f"{source}: {_TOO_DEEP}; flatten or remove the line"
            continue
        yield source, value if isinstance(value, dict) else f"{source}: not a JSON object"


def _json(shown: str, text: str) -> _Raw:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise BadFile(f"{shown}: invalid JSON ({error}); fix the file") from None
    except RecursionError:
        raise BadFile(f"{shown}: {_TOO_DEEP}; flatten the file") from None
    if isinstance(value, dict):
        yield shown, value
        return
    if not isinstance(value, list):
        raise BadFile(f"{shown}: expected a JSON list of records or one record object")
    for index, item in enumerate(value):
        source = f"{shown}[{index}]"
        yield source, item if isinstance(item, dict) else f"{source}: not a JSON object"


def _csv(shown: str, text: str, mapping: Mapping[str, str]) -> _Raw:
    """Rows as dicts keyed by the header; the delimiter is the commonest of , ; and tab in it."""
    header_line = text.partition("\n")[0]
    delimiter = max(",;\t", key=header_line.count)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # whole articles exceed the 128 KiB default
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
        text_column = _find(header, "text", mapping)
        if text_column is None:
            raise BadFile(
                f"{shown}: no text column (columns: {', '.join(header)}); "
                "name it with --map text=COLUMN"
            )
        needed = header.index(text_column) + 1
        start = reader.line_num + 1
        for row in reader:
            first, start = start, reader.line_num + 1
            source = f"{shown}:{first}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                yield (
                    source,
                    (
                        f"{source}: {len(row)} cells but {len(header)} columns; "
                        f"quote cells that contain {delimiter!r}"
                    ),
                )
                continue
            if len(row) < needed:
                # A quote left open swallows the rest of the file into one cell; a short row
                # has no text either. Said as such, not as a record without a text field.
                rest = text.split("\n", first - 1)[-1]  # from this row's line to the end
                unclosed = rest.count('"') % 2 == 1
                why = "a quote is never closed" if unclosed else "the row ends early"
                cells = "1 cell" if len(row) == 1 else f"{len(row)} cells"
                yield (
                    source,
                    (
                        f"{source}: {cells} but {len(header)} columns, no text ({why}); "
                        "close the quote or complete the row"
                    ),
                )
                continue
            yield source, dict(zip(header, row, strict=False))
    except csv.Error as error:
        raise BadFile(f"{shown}: malformed CSV near line {reader.line_num} ({error})") from None


def _find(keys: list[str], field: str, mapping: Mapping[str, str]) -> str | None:
    """The key holding ``field``: the mapped name, else a known name, exact case first."""
    lowered = {key.lower(): key for key in keys}
    for name in (mapping[field],) if field in mapping else FIELDS[field]:
        if name in keys:
            return name
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _record(
    shown: str, source: str, raw: dict[str, Any], mapping: Mapping[str, str]
) -> Record | Problem:
    """Pick the known fields out of a record; everything else becomes its metadata."""
    keys = list(raw)
    picked: dict[str, str] = {}
    for field in FIELDS:
        key = _find(keys, field, mapping)
        value = raw.get(key) if key is not None else None
        if value is None or value == "":
            continue
        if isinstance(value, dict | list):  # not a scalar: left in the metadata
            if field == "text":
                return Problem(source, f"{source}: the {key!r} field is not text; check --map")
            continue
        picked[field] = value if isinstance(value, str) else str(value)
        del raw[str(key)]
    if "text" not in picked:
        key = _find(keys, "text", mapping)
        if key is not None:  # the field is there, but holds nothing
            return Problem(source, f"{source}: the {key!r} field is empty; give it the text")
        found = ", ".join(keys) or "none"
        message = f"{source}: no text field (fields: {found}); name it with --map text=FIELD"
        return Problem(source, message)
    text = normalise(picked["text"])
    if not text:
        return Problem(source, f"{source}: the text is empty, nothing to import")
    try:
        metadata = json.dumps(raw, ensure_ascii=False) if raw else None
    except RecursionError:  # read just within the limit, written from a deeper call
        return Problem(source, f"{source}: {_TOO_DEEP}; flatten the record")
    return Record(
        source=f"{shown}#{picked['id']}" if "id" in picked else source,
        text=text,
        title=picked.get("title", "").strip() or None,
        published=picked.get("published"),
        outlet=picked.get("outlet"),
        url=picked.get("url"),
        metadata=metadata,
    )
