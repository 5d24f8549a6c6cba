"""Frozen records handed out by the Store.

Widgets and commands receive these, never raw database rows, so the schema can change behind the
Store without touching the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class Codebook:
    """Everything a coder chooses from."""

    actors: tuple[Actor, ...] = field(default_factory=tuple)
    stances: tuple[Stance, ...] = field(default_factory=tuple)
    targets: tuple[Target, ...] = field(default_factory=tuple)
