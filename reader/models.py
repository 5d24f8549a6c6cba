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
    copy_of: int | None = None
    """The original's id when the article was imported as its near-copy."""


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
    speaker_id: int | None = None
    """The actor who voiced the claim, when it is not the actor itself ("Nakasone said Japan
    wants ...": actor Japan, speaker Nakasone)."""
    start: int | None = None
    """The code's own span in the article's text (character offsets), when it is not its
    sentence's (a statement brought in from DNA); None: the sentence's span."""
    end: int | None = None


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


# -- codes brought in from elsewhere: another database (merge) or an export file ----------------


def _n(count: int, word: str, plural: str | None = None) -> str:
    """``1 code``, ``2 codes``."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _per_coder(counts: tuple[tuple[str, int], ...]) -> str:
    """``alice 120, bob 3``: a count per coder, as the reports show it."""
    return ", ".join(f"{coder or '(no name)'} {count}" for coder, count in counts)


@dataclass(frozen=True, slots=True)
class Placement:
    """What became of codes brought in from elsewhere, beside the ones already here.

    Counts per coder are ``(coder, count)`` pairs in name order, so the record stays frozen and
    reads the same every time. ``conflicts`` are lines saying what was left as it is here and
    why: nothing here is ever overwritten by what comes in.
    """

    codes_added: tuple[tuple[str, int], ...] = ()
    marks_added: tuple[tuple[str, int], ...] = ()
    """"No claim" marks, per coder."""
    present: int = 0
    """Codes and marks that were here already (merged or restored before, or never apart)."""
    conflicts: tuple[str, ...] = ()

    @property
    def added(self) -> int:
        return sum(n for _, n in self.codes_added) + sum(n for _, n in self.marks_added)

    def parts(self) -> list[str]:
        """The counts as phrases for a summary line."""
        codes = sum(n for _, n in self.codes_added)
        marks = sum(n for _, n in self.marks_added)
        found = [_n(codes, "code") + (f" ({_per_coder(self.codes_added)})" if codes else "")]
        found.append(
            _n(marks, "no-claim mark") + (f" ({_per_coder(self.marks_added)})" if marks else "")
        )
        if self.present:
            found.append(f"{self.present} already here")
        if self.conflicts:
            found.append(f"{_n(len(self.conflicts), 'conflict')} left as they are here")
        return found


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What merging another nkreader database did (or, in a dry run, would do)."""

    source: str
    """The other database, as the user named it."""
    articles_added: int = 0
    actors_added: int = 0
    stances_added: int = 0
    targets_added: int = 0
    aliases_added: int = 0
    """Aliases the other database gave actors known here."""
    placement: Placement = field(default_factory=Placement)
    events_copied: int = 0
    refused: tuple[str, ...] = ()
    """One line per article whose codes were not merged (split into different sentences)."""
    codebook_conflicts: tuple[str, ...] = ()
    """One line per codebook entry that differs here (kind, parent, score); kept as it is here."""

    @property
    def changed(self) -> bool:
        """Whether the merge added anything (a merge that adds nothing is not logged)."""
        added = (self.articles_added, self.actors_added, self.stances_added, self.targets_added,
                 self.aliases_added, self.placement.added, self.events_copied)  # fmt: skip
        return any(added)

    def summary(self, dry_run: bool = False) -> str:
        """One line: ``alice.db: added 3 articles; 120 codes (alice 120); ...``."""
        verb = "would add" if dry_run else "added"
        parts = [
            _n(self.articles_added, "article"),
            *self.placement.parts(),
            f"{_n(self.events_copied, 'event')} of their history",
            f"codebook: {_n(self.actors_added, 'actor')}, {_n(self.stances_added, 'stance')},"
            f" {_n(self.targets_added, 'target')}, {_n(self.aliases_added, 'alias', 'aliases')}",
        ]
        if self.refused:
            parts.append(f"{_n(len(self.refused), 'article')} refused")
        return f"{self.source}: {verb} " + "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """What the merge's event in the log keeps."""
        return {
            "file": self.source,
            "articles_added": self.articles_added,
            "codes_added": dict(self.placement.codes_added),
            "no_claim_marks_added": dict(self.placement.marks_added),
            "already_present": self.placement.present,
            "events_copied": self.events_copied,
            "actors_added": self.actors_added,
            "stances_added": self.stances_added,
            "targets_added": self.targets_added,
            "aliases_added": self.aliases_added,
            "articles_refused": len(self.refused),
            "conflicts": len(self.placement.conflicts) + len(self.codebook_conflicts),
        }


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One row of an nkreader export (CSV or JSON Lines), read back to restore its code.

    Text cells are as they were stored (a CSV cell's formula escape taken off). ``status`` is
    ``coded`` for a row with an annotation, ``no_claim`` or ``uncoded`` (``--all-sentences``).
    """

    line: str
    """Where the row is, for messages: ``codes.csv:17``."""
    source: str
    title: str
    start: int | None
    end: int | None
    sentence: str
    sentence_position: int | None
    actor: str
    stance: str
    target: str
    note: str
    annotator: str
    created_at: str
    updated_at: str
    status: str = "coded"
    speaker: str = ""
    """The speaker's name (empty: none); exports older than the ``speaker`` column have none."""


@dataclass(frozen=True, slots=True)
class CodesReport:
    """What restoring the codes of an export file did: all its rows, or none of them."""

    source: str
    placement: Placement = field(default_factory=Placement)
    problems: tuple[str, ...] = ()
    """One line per row that cannot be placed here; when there are any, nothing was restored."""

    def summary(self) -> str:
        if self.problems:
            count = len(self.problems)
            return (
                f"{self.source}: nothing restored: {count} row{'s' * (count != 1)} cannot be"
                " placed here (listed above); fix them and import the file again"
            )
        return f"{self.source}: restored " + "; ".join(self.placement.parts())


# -- networks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetworkNode:
    """An actor as a network node: the actor itself, or the ancestor it is rolled up to."""

    name: str
    kind: str
    parent: str | None = None
    """The name of the node's own parent actor, if it has one."""


# -- a DNA project brought in (``nkreader import study.dna``) --------------------------------


@dataclass(frozen=True, slots=True)
class DnaDocument:
    """A document of a DNA project, ready to store as an article (its text exactly as DNA keeps
    it, split into sentences as every import splits them)."""

    dna_id: int
    title: str
    text: str
    source: str
    """Where it came from, as the article's ``source``: ``study.dna#3`` (DNA's document id)."""
    content_hash: str
    published: str | None
    outlet: str | None
    """DNA's ``Source`` (the newspaper, the hearing)."""
    metadata: str | None
    """DNA's author, section, type and notes, as a JSON object."""
    spans: tuple[int, ...]
    """``start, end, paragraph`` of each sentence, one after another."""


@dataclass(frozen=True, slots=True)
class DnaStatement:
    """A DNA statement of the "DNA Statement" kind, its offsets made code points."""

    dna_id: int
    document: int
    """DNA's document id."""
    start: int
    end: int
    coder: str
    organization: str
    person: str
    concept: str
    agreement: int
    boolean: bool
    """DNA's yes/no agreement (1 agrees, 0 disagrees); else an integer (-1, 0, 1, ...)."""


@dataclass(frozen=True, slots=True)
class DnaReport:
    """What importing a DNA project did: everything in it, or (on an error) nothing."""

    source: str
    documents_added: int = 0
    documents_present: int = 0
    """Documents whose text was here already: their statements go onto those articles."""
    placement: Placement = field(default_factory=Placement)
    actors_added: int = 0
    targets_added: int = 0
    stances_added: int = 0
    skipped: tuple[str, ...] = ()
    """One line per kind of statement left out (another statement type, no actor)."""

    def summary(self) -> str:
        codes = sum(n for _, n in self.placement.codes_added)
        coders = _per_coder(self.placement.codes_added)
        parts = [
            _n(self.documents_added, "document") + " added"
            + (f" ({self.documents_present} here already)" if self.documents_present else ""),
            _n(codes, "statement") + (f" ({coders})" if codes else ""),
        ]  # fmt: skip
        if self.placement.present:
            parts.append(f"{self.placement.present} already here")
        parts.append(
            f"codebook: {_n(self.actors_added, 'actor')}, {_n(self.targets_added, 'target')},"
            f" {_n(self.stances_added, 'stance')} added"
        )
        return f"{self.source}: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Coder:
    """A coder who can log in to a served reader (``nkreader coders``); never their password."""

    name: str
    created_at: str
    changed_at: str
    """When the password was last set."""
    locked_until: str | None = None
    """Until when wrong passwords locked the name (UTC, ISO 8601), if that is still ahead."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    """What a login attempt came to: in, refused (a wrong name or password), or locked."""

    ok: bool
    message: str
    """One line for the login screen; the same for an unknown name as for a wrong password."""
    locked_until: str | None = None
