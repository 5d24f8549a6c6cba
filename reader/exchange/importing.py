"""Files and folders of news articles -> articles and their sentences in the database.

Every problem with one file or record becomes a one-line ``ImportResult`` naming it, never an
exception, so a folder of ten thousand files with three bad ones imports the rest and says which
three failed. Texts are read, decoded and split before any transaction starts; only the
inserts run under the write lock, a batch of articles per transaction (one commit and one fsync
for hundreds of small files). When there is more than one batch, a second thread writes each
batch while the next one is split (``reader.store.article_batches``). An article and its
sentences are always in the same transaction, so each is stored whole or not at all.

An article is identified by the SHA-256 of its normalised text alone (``content_hash``): the same
text imported again, from any file or with another title, is skipped and reported, because a
second copy would split coders' work between two sets of sentences. A changed file is a new
article; the old one keeps its annotations.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Literal

from reader.exchange.formats import (
    MAX_SIZE,
    SUFFIXES,
    BadFile,
    NotAFile,
    Problem,
    Record,
    display,
    find_files,
    parse_size,
    read_file,
    read_records,
    resolve_field_map,
    why,
)
from reader.exchange.near_copies import Match, Mode, NearCopies
from reader.exchange.news import binary_kind, is_rtf, read_binary, read_text, rtf_to_text
from reader.store import Store
from reader.store.article_batches import Batch, Copy, StoredBatch, encode_batch, flatten_spans
from reader.text.decoding import NotText, check_encoding, decode, normalise
from reader.text.sentences import SentenceSpan, split_sentences

__all__ = [
    "MAX_SIZE",
    "SUFFIXES",
    "ImportResult",
    "ImportSummary",
    "check_encoding",
    "collect_files",
    "import_file",
    "import_paths",
    "import_seeds",
    "parse_size",
    "seed_dir",
    "summarize",
]

RECORD_SUFFIXES = (".jsonl", ".json", ".csv")
"""Files of records, each read by its own rules (``read_records``), never as news."""

_TITLE_MAX = 150
_TITLE_ENDS = tuple('.!?:;,"”')
_DERIVED_MAX = 80
_BATCH_ARTICLES = 500
"""Articles written per transaction: one fsync for many small files, the lock held briefly."""

Status = Literal["imported", "skipped", "failed"]


@dataclass(frozen=True)
class ImportResult:
    source: str
    status: Status
    article_id: int | None
    title: str | None
    message: str
    """One line for the user, starting with the file (and line or record) it is about."""
    warning: str | None = None
    """Lines about what the user should check (an encoding guessed, bytes replaced), given on
    the first result of the file only."""
    near_copy: bool = False
    """Imported and marked as a near-copy of another article, or skipped as one."""


@dataclass(frozen=True)
class ImportSummary:
    imported: int
    skipped: int
    failed: int
    near_copies: int = 0
    """Of those imported, how many were marked as near-copies."""


@dataclass(frozen=True, slots=True)
class _Draft:
    """An article ready to insert: everything but its id."""

    record: Record
    title: str
    content_hash: str
    offsets: list[int]
    """``start, end, paragraph`` of each sentence, one after another (see ``flatten_spans``)."""
    warning: str | None
    ref: int = -1
    """Its number among this import's new texts (for near-copies of one another)."""
    match: Match | None = None
    """What it is a near-copy of, when it is one."""


def _fail(source: str, message: str) -> ImportResult:
    return ImportResult(source, "failed", None, None, message)


def collect_files(
    paths: Sequence[Path], max_size: int = MAX_SIZE
) -> tuple[list[Path], list[ImportResult]]:
    """The files to import under ``paths`` (folders walked recursively, in name order, hidden
    names skipped) and a skipped or failed result for each path that cannot be imported (see
    ``find_files``: only regular files of at most ``max_size`` bytes are read)."""
    files, problems = find_files(paths, max_size)
    return files, [
        ImportResult(p.source, "skipped" if p.skipped else "failed", None, None, p.message)
        for p in problems
    ]


# -- reading files into drafts ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Read:
    """A text read and hashed but not yet split: whether it is new is asked for a whole batch
    at once, and only new texts are split."""

    record: Record
    content_hash: str
    warning: str | None


def _read(
    path: Path, mapping: dict[str, str], cwd: str, encoding: str | None, max_size: int
) -> list[_Read | ImportResult]:
    """Read and decode one file into its texts; a failure result for the file or each bad
    record. What the user should check about the file is the first item's warning."""
    shown = display(path, cwd)
    try:
        data = read_file(path, max_size)
    except OSError as error:
        return [_fail(shown, f"{shown}: {why(error)}")]
    except NotAFile as error:
        return [_fail(shown, f"{shown}: {error}")]
    if not data:
        return [_fail(shown, f"{shown}: empty file, nothing to import")]
    suffix = path.suffix.lower()
    kind = binary_kind(data) if suffix not in RECORD_SUFFIXES else None
    if kind is not None:
        return [_item(item) for item in read_binary(shown, kind, data, max_size)]
    try:
        decoded = decode(data, encoding)
    except NotText as error:
        return [_fail(shown, f"{shown}: {error}")]
    text = decoded.text
    if is_rtf(data):
        text = rtf_to_text(text)
    notes = []
    if decoded.guessed:
        notes.append(
            f"{shown}: not UTF-8, read as {decoded.encoding}; convert it to UTF-8 to be sure"
        )
    if (problem := decoded.problem()) is not None:
        notes.append(f"{shown}: {problem}")
    # Leading blank lines are dropped from the text stored; lines are named as in the file.
    unstripped = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    dropped = unstripped[: len(unstripped) - len(unstripped.lstrip())].count("\n")
    items = _texts(shown, suffix, normalise(text), mapping, dropped)
    if notes and items:
        first = items[0]
        warning = "\n".join(notes)
        if isinstance(first, _Read):
            items[0] = _Read(first.record, first.content_hash, warning)
        else:
            items[0] = replace(first, warning=warning)
    return items


def _texts(
    shown: str, suffix: str, text: str, mapping: dict[str, str], dropped: int = 0
) -> list[_Read | ImportResult]:
    """The texts of a decoded file: itself (.txt, .md), its records, or the articles of a
    news download; ``dropped`` blank lines were taken off its start."""
    if not text:
        return [_fail(shown, f"{shown}: only whitespace, nothing to import")]
    news = read_text(shown, suffix, text, first_line=dropped + 1)
    if news is not None:
        return [_item(item) for item in news]
    if suffix not in RECORD_SUFFIXES:
        return [_hashed(Record(shown, text))]
    items: list[_Read | ImportResult] = []
    try:
        for record in read_records(shown, suffix, text, mapping):
            if isinstance(record, Problem):
                items.append(_fail(record.source, record.message))
            else:
                items.append(_hashed(record))
    except BadFile as error:
        items.append(_fail(shown, str(error)))
    return items


def _item(item: Record | Problem) -> _Read | ImportResult:
    return _fail(item.source, item.message) if isinstance(item, Problem) else _hashed(item)


def _hashed(record: Record) -> _Read | ImportResult:
    """The record with the hash that identifies its text, or why it cannot be stored."""
    text_fields = (record.title, record.source, record.published, record.outlet, record.url)
    fields = (*text_fields, record.metadata)
    try:
        content_hash = hashlib.sha256(record.text.encode()).hexdigest()
        "".join(field for field in fields if field).encode()
    except UnicodeEncodeError:  # a lone surrogate such as "\\ud800" in a JSON string
        message = f"{record.source}: invalid character (unpaired surrogate); fix the record"
        return _fail(record.source, message)
    return _Read(record, content_hash, None)


def _drafts(store: Store, texts: Sequence[_Read]) -> list[_Draft | ImportResult]:
    """Split and title the texts not stored yet; the others are reported as skipped.

    One query asks which of the batch's hashes are stored already, instead of one per text.
    """
    stored = store.stored_article_ids([read.content_hash for read in texts])
    return [
        _skipped(read.record.source, stored[read.content_hash], read.warning)
        if read.content_hash in stored
        else _draft(read)
        for read in texts
    ]


def _draft(read: _Read) -> _Draft:
    """Split a text into sentences and give it a title."""
    record = read.record
    text, title = record.text, record.title
    spans = split_sentences(text)
    if title is None:
        title = _title_line(text)
        if title is not None:
            # A headline is one unit even when it contains "U.N." or a question mark.
            head = [span for span in spans if span.paragraph == 0]
            spans[: len(head)] = [SentenceSpan(head[0].start, head[-1].end, 0)]
        else:
            title = _derived_title(text[spans[0].start : spans[0].end])
    title = " ".join(title.split())
    return _Draft(record, title, read.content_hash, flatten_spans(spans), read.warning)


def _title_line(text: str) -> str | None:
    """The first line when it looks like a headline: short, unpunctuated, then a blank line."""
    first, _, rest = text.partition("\n")
    line = first.strip().lstrip("#").strip()
    if not line or len(line) > _TITLE_MAX or line.endswith(_TITLE_ENDS):
        return None
    second, newline, _ = rest.partition("\n")
    return line if newline and not second.strip() else None


def _derived_title(sentence: str) -> str:
    """A title cut from the first sentence at a word boundary, marked with "…" when cut."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= _DERIVED_MAX:
        return sentence
    cut = sentence.rfind(" ", 0, _DERIVED_MAX)
    head = sentence[: cut if cut > _DERIVED_MAX // 2 else _DERIVED_MAX]
    return head.rstrip(" ,;:-–—") + "…"


def _skipped(source: str, article_id: int, warning: str | None) -> ImportResult:
    message = f"{source}: already imported as article {article_id} (same text); skipped"
    return ImportResult(source, "skipped", article_id, None, message, warning)


# -- writing ------------------------------------------------------------------------------------


def _encode(
    drafts: Sequence[_Draft],
    bands: Sequence[tuple[int, ...]] | None = None,
    hashes: Mapping[int, str] | None = None,
) -> Batch:
    """A batch of drafts with its rows flattened for the writer (see ``encode_batch``), with
    their near-duplicate band keys and copies when they were looked for (``hashes``: the content
    hash of each earlier text of this import, by its number)."""
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    rows = [
        (d.title, d.record.text, d.record.source, d.content_hash, stamp, d.record.published,
         d.record.outlet, d.record.url, d.record.metadata)
        for d in drafts
    ]  # fmt: skip
    copies = [
        Copy(
            index,
            d.match.original_id,
            None if d.match.original_id is not None or hashes is None
            else hashes[d.match.original_ref or 0],
            d.match.similarity,
        )
        for index, d in enumerate(drafts)
        if d.match is not None
    ]  # fmt: skip
    return encode_batch(rows, [draft.offsets for draft in drafts], bands, copies)


def _results(
    drafts: Sequence[_Draft], stored: StoredBatch, ids: dict[int, int]
) -> list[ImportResult]:
    """What became of each draft of a batch the Store wrote (all of it, or none).

    Drafts were checked while they were prepared, so a failure here is about the database
    (locked, full, read-only); the batch was rolled back and each of its articles is reported.
    """
    if stored.error is not None:
        reason = f"not saved, the database refused the write ({stored.error}); try again"
        return [_fail(d.record.source, f"{d.record.source}: {reason}") for d in drafts]
    return [_result(d, *outcome, ids) for d, outcome in zip(drafts, stored.articles, strict=True)]


def _result(draft: _Draft, article_id: int, new: bool, ids: dict[int, int]) -> ImportResult:
    """Imported, or skipped when another file of the batch (or process) had the same text;
    ``ids`` is told the article's id, and names the originals of near-copies."""
    source = draft.record.source
    ids[draft.ref] = article_id
    if not new:
        return _skipped(source, article_id, draft.warning)
    message = f"{source}: imported as article {article_id}, {len(draft.offsets) // 3} sentences"
    if draft.match is not None:
        message += f"; {_copy_of(draft.match, ids)}"
    return ImportResult(
        source, "imported", article_id, draft.title, message, draft.warning, draft.match is not None
    )


def _copy_of(match: Match, ids: Mapping[int, int]) -> str:
    original = match.original_id
    if original is None:
        original = ids.get(match.original_ref if match.original_ref is not None else -1)
    shown = f"article {original}" if original is not None else "an article not saved"
    return f"a near-copy of {shown} (similarity {match.similarity:.2f})"


def _near_copy_skipped(draft: _Draft, ids: Mapping[int, int]) -> ImportResult:
    source = draft.record.source
    assert draft.match is not None
    message = f"{source}: {_copy_of(draft.match, ids)}; skipped (--near-duplicates skip)"
    return ImportResult(source, "skipped", None, draft.title, message, draft.warning, True)


# -- public entry points ----------------------------------------------------------------------


def import_file(
    store: Store,
    path: Path,
    *,
    field_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_size: int = MAX_SIZE,
    near_duplicates: Mode = "mark",
) -> list[ImportResult]:
    """Import one file: a result per article or record, or one failure for the whole file."""
    return import_paths(
        store,
        [path],
        field_map=field_map,
        encoding=encoding,
        max_size=max_size,
        near_duplicates=near_duplicates,
    )


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    field_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_size: int = MAX_SIZE,
    on_file: Callable[[Path], None] | None = None,
    near_duplicates: Mode = "mark",
) -> list[ImportResult]:
    """Import files and folders; ``on_file`` is called after each file (for a progress bar).

    ``near_duplicates`` says what becomes of an article nearly identical to one stored before
    it or earlier in the import (``reader.exchange.near_copies``): ``mark`` imports it marked as
    a copy of the group's original, ``skip`` leaves it out (reported as skipped), ``keep``
    imports it without looking.

    ``field_map`` maps record fields to the file's own column names, e.g. ``{"text": "content"}``;
    an unknown field name raises ``ValueError`` before anything is read. ``encoding`` reads
    every file in that encoding instead of detecting it (an unknown name raises
    ``LookupError``, see ``check_encoding``); files over ``max_size`` bytes fail. Many files are
    written in batches of one transaction each; prefer one call for many files to a call per
    file.
    """
    mapping = resolve_field_map(field_map)
    codec = check_encoding(encoding) if encoding is not None else None
    files, problems = collect_files(paths, max_size)
    cwd = os.path.join(os.getcwd(), "")
    results: list[ImportResult | None] = [*problems]
    waiting: list[tuple[int, _Read]] = []  # texts read, with their place in the results
    places: list[list[int]] = []  # each submitted batch's places in the results
    batches: list[Sequence[_Draft]] = []  # each submitted batch's drafts
    copies = NearCopies(store, near_duplicates) if near_duplicates != "keep" and files else None
    hashes: dict[int, str] = {}  # each new text's content hash, by its number in the import
    left_out: list[tuple[int, _Draft]] = []  # near-copies skipped, with their places
    with store.article_writer() as writer:

        def submit(more: bool) -> None:
            drafts = _drafts(store, [read for _, read in waiting])
            batch: list[_Draft] = []
            places.append([])
            for (place, _), item in zip(waiting, drafts, strict=True):
                if isinstance(item, _Draft):
                    batch.append(item)
                    places[-1].append(place)
                else:
                    results[place] = item
            waiting.clear()
            bands = None
            if copies is not None and batch:
                batch, bands = _look_for_copies(copies, batch, places[-1], hashes, left_out)
            if batch:
                batches.append(batch)
                writer.submit(_encode(batch, bands, hashes), more=more)
            else:
                places.pop()

        for number, path in enumerate(files, start=1):
            for item in _read(path, mapping, cwd, codec, max_size):
                if isinstance(item, _Read):
                    waiting.append((len(results), item))
                    results.append(None)
                else:
                    results.append(item)
            if len(waiting) >= _BATCH_ARTICLES:
                submit(more=number < len(files))
            if on_file is not None:
                on_file(path)
        if waiting:
            submit(more=False)
        ids: dict[int, int] = {}
        for indexes, drafts, stored in zip(places, batches, writer.close(), strict=True):
            for index, result in zip(indexes, _results(drafts, stored, ids), strict=True):
                results[index] = result
        for index, draft in left_out:
            results[index] = _near_copy_skipped(draft, ids)
    return [result for result in results if result is not None]


def _look_for_copies(
    copies: NearCopies,
    batch: list[_Draft],
    places: list[int],
    hashes: dict[int, str],
    left_out: list[tuple[int, _Draft]],
) -> tuple[list[_Draft], list[tuple[int, ...]]]:
    """Number the batch's drafts, find their near-copies, and leave the copies out in ``skip``
    mode (into ``left_out``, with their places; ``places`` keeps those of the drafts kept).
    The drafts to write and their band keys."""
    from reader.text.shingles import body_text

    first = len(hashes)
    refs = list(range(first, first + len(batch)))
    bodies = [body_text(draft.record.text, draft.title) for draft in batch]
    bands, matches = copies.check(refs, bodies)
    kept: list[_Draft] = []
    kept_bands: list[tuple[int, ...]] = []
    kept_places: list[int] = []
    for ref, draft, keys, match, place in zip(refs, batch, bands, matches, places, strict=True):
        draft = replace(draft, ref=ref, match=match)
        hashes[ref] = draft.content_hash
        if match is not None and copies.mode == "skip":
            left_out.append((place, draft))
            continue
        kept.append(draft)
        kept_bands.append(keys)
        kept_places.append(place)
    places[:] = kept_places
    return kept, kept_bands


def summarize(results: Sequence[ImportResult]) -> ImportSummary:
    """How many articles were imported, skipped as already present, and failed."""
    statuses = [result.status for result in results]
    copies = sum(1 for result in results if result.near_copy and result.status == "imported")
    return ImportSummary(
        statuses.count("imported"), statuses.count("skipped"), statuses.count("failed"), copies
    )


def seed_dir() -> Path:
    """``./seeds`` when the current folder has one with .txt files, else the packaged copy."""
    local = Path("seeds")
    if local.is_dir() and any(local.glob("*.txt")):
        return local
    return Path(str(resources.files("reader") / "data" / "seeds"))


def import_seeds(store: Store) -> list[ImportResult]:
    """Import the three example articles (already imported ones are skipped)."""
    return import_paths(store, [seed_dir()])
