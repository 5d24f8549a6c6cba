"""Frozen records handed out by the Store.

Widgets and commands receive these, never raw database rows, so the schema can change behind the
Store without touching the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

ACTOR_KINDS: tuple[str, ...] = ("state", "organization", "person", "media", "other")
"""The kinds an actor may have; anything else is refused by the codebook and the Store."""

MAX_STANCES = 9
"""Stances are picked with the digit keys 1-9, so a codebook holds at most nine."""


@dataclass(frozen=True, slots=True)
class Article:
    id: int
    title: str
    text: str
    source: str
    content_hash: str
    imported_at: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    metadata: str | None = None
    """Extra fields of the imported record, as a JSON object."""


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list: enough to draw it without loading the text."""

    id: int
    title: str
    sentence_count: int
    coded_count: int
    """Sentences the annotator has coded or marked "no claim"."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of ``nkreader log``: an event with the place it happened, as people read it."""

    id: int
    at: str
    annotator: str
    action: str
    entity: str
    entity_id: int | None
    article_id: int | None
    sentence_position: int | None
    """Counted from 0, as stored; the log shows it from 1, as the reader does."""
    change: str
    """The row after the change (or before, for a deletion), as JSON."""


class StanceRow(NamedTuple):
    actor: str
    counts: list[int]
    """Annotations per stance, in the table's stance order."""
    total: int


class StanceTable(NamedTuple):
    """The actor × stance count matrix: every stance as a column, actors with a code as rows."""

    keys: list[str]
    rows: list[StanceRow]


@dataclass(frozen=True, slots=True)
class Sentence:
    id: int
    article_id: int
    position: int
    start: int
    end: int
    paragraph: int
    text: str


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent_id: int | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Stance:
    id: int
    key: str
    label: str
    score: float
    position: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    id: int
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """One coded statement: in this sentence, this actor takes this stance (toward this target)."""

    id: int
    sentence_id: int
    actor_id: int
    stance_id: int
    target_id: int | None
    note: str
    annotator: str
    created_at: str
    updated_at: str


Statement = tuple[int, int, int | None]
"""One coded statement by its ids: (actor, stance, target or None when it has no target)."""


@dataclass(frozen=True, slots=True)
class CoderDecision:
    """What one coder decided about one sentence: the statements coded there, if any.

    A coder has decided a sentence when they coded a statement in it or marked it "no claim";
    a coder who has done neither has no ``CoderDecision`` for it (missing, not "no claim").
    """

    statements: frozenset[Statement]
    """Every (actor, stance, target) the coder annotated in the sentence; empty for no claim."""
    marked_no_claim: bool = False
    """Whether the coder's "no claim" mark is set. Annotations win over a mark left beside them
    (as in the export's ``status`` column), so a claim is ``bool(statements)``."""

    @property
    def claim(self) -> bool:
        return bool(self.statements)


@dataclass(frozen=True, slots=True)
class DecidedSentence:
    """A sentence with every chosen coder's decision about it: one unit of reliability data."""

    sentence_id: int
    article_id: int
    """The article it comes from: the cluster a bootstrap resamples."""
    decisions: dict[str, CoderDecision]
    """By coder, only the coders who decided the sentence."""


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only change log that undo, redo and the audit trail read."""

    id: int
    at: str
    annotator: str
    action: str
    entity: str
    entity_id: int | None
    article_id: int | None
    sentence_id: int | None
    before: str | None
    after: str | None
    reverts: int | None = None
    kind: str | None = None
    """How undo reads ``before`` and ``after``: ``annotation``, ``status``, ``rows`` (a snapshot of
    several rows), or None for an event that cannot be undone."""


@dataclass(frozen=True, slots=True)
class Codebook:
    """Everything a coder chooses from."""

    actors: tuple[Actor, ...] = field(default_factory=tuple)
    stances: tuple[Stance, ...] = field(default_factory=tuple)
    targets: tuple[Target, ...] = field(default_factory=tuple)


# -- a codebook as a file describes it: entries by name, merged into a database by name ---------


@dataclass(frozen=True, slots=True)
class ActorSpec:
    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    """Another actor's name: the state of a minister, the organization of a spokesman."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class StanceSpec:
    key: str
    label: str
    score: float = 0.0
    description: str = ""


@dataclass(frozen=True, slots=True)
class TargetSpec:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class CodebookSpec:
    """A codebook read from a file, checked on its own but not yet against a database."""

    actors: tuple[ActorSpec, ...] = ()
    stances: tuple[StanceSpec, ...] = ()
    """In the order the digit keys pick them."""
    targets: tuple[TargetSpec, ...] = ()
    source: str = "codebook"
    """The file it came from, so that errors found while merging can name it."""


@dataclass(frozen=True, slots=True)
class Counts:
    """What an import did to one table's entries (those the file lists)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


CODEBOOK_TABLES = ("actors", "stances", "targets")


@dataclass(frozen=True, slots=True)
class CodebookReport:
    """What a codebook import did, per table; shown by the command and kept in the event log."""

    actors: Counts = field(default_factory=Counts)
    stances: Counts = field(default_factory=Counts)
    targets: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            table: {"added": c.added, "updated": c.updated, "unchanged": c.unchanged}
            for table, c in zip(
                CODEBOOK_TABLES, (self.actors, self.stances, self.targets), strict=True
            )
        }

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated for c in (self.actors, self.stances, self.targets))

    def summary(self) -> str:
        """One line for the command line, e.g. ``actors: 2 added, 1 updated, 30 unchanged; ...``."""
        return "; ".join(
            f"{kind}: {c['added']} added, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.as_dict().items()
        )
