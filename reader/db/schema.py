"""The nkreader schema as steps for sqlite-utils ``Migrations``: every database records the steps
it has had.

The steps are plain functions listed in ``STEPS``; ``build_migrations`` registers them with
sqlite-utils only when a database needs one (a new file, or one from an older nkreader). Opening
an up-to-date file compares the recorded step names with ``step_names()`` through plain
``sqlite3``, which keeps sqlite-utils' import off the way to the reader's first screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "nkreader"
"""The name under which the steps are recorded in ``_sqlite_migrations``."""

Step = Callable[["Database"], None]


def m001_initial(db: Database) -> None:
    """The first schema: articles, sentences, codebook, annotations, statuses and the event log."""
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            imported_at TEXT NOT NULL,
            published TEXT,
            outlet TEXT,
            url TEXT,
            metadata TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            position INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            UNIQUE (article_id, position)
        )"""
    )
    db.execute(
        """
        CREATE TABLE actors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL DEFAULT 'other',
            aliases TEXT NOT NULL DEFAULT '[]',
            parent_id INTEGER REFERENCES actors(id),
            description TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """
        CREATE TABLE stances (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE COLLATE NOCASE,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            score REAL NOT NULL DEFAULT 0,
            position INTEGER NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE targets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            description TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            actor_id INTEGER NOT NULL REFERENCES actors(id),
            stance_id INTEGER NOT NULL REFERENCES stances(id),
            target_id INTEGER REFERENCES targets(id),
            note TEXT NOT NULL DEFAULT '',
            annotator TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE UNIQUE INDEX annotations_unique ON annotations
            (sentence_id, actor_id, stance_id, coalesce(target_id, 0), annotator)"""
    )
    db.execute("CREATE INDEX annotations_actor ON annotations (actor_id)")
    db.execute("CREATE INDEX annotations_annotator ON annotations (annotator, sentence_id)")
    db.execute(
        """
        CREATE TABLE sentence_status (
            sentence_id INTEGER NOT NULL REFERENCES sentences(id),
            annotator TEXT NOT NULL,
            status TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (sentence_id, annotator)
        )"""
    )
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            article_id INTEGER,
            sentence_id INTEGER,
            before TEXT,
            after TEXT,
            reverts INTEGER REFERENCES events(id)
        )"""
    )
    db.execute("CREATE INDEX events_annotator ON events (annotator, id)")
    db.execute(
        """
        CREATE TABLE ui_state (
            annotator TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (annotator, key)
        )"""
    )
    # Full-text search over titles and texts for the article filter; kept in step by triggers so
    # every writer (CLI, TUI, a second process) updates it in the same transaction.
    db.execute(
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id', detail=none
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )


def m002_search_index_on_demand(db: Database) -> None:
    """Articles enter the search index when it is next brought up to date, not as they are
    inserted.

    Indexing every word of an article cost as much as splitting it into sentences, which made
    an import twice as slow for an index that is needed only when someone searches. Now
    ``search_index.indexed_through`` is the highest article id the index holds: the reader
    indexes newer articles in the background, and a search scans the few not indexed yet
    (``reader.store.search``). Article ids only grow, so every article up to the mark is indexed
    and none after it; the triggers keep that true for the rare article that is edited, deleted,
    or given an id at or below the mark by hand.
    """
    db.execute("DROP TRIGGER articles_ai")
    db.execute("DROP TRIGGER articles_ad")
    db.execute("DROP TRIGGER articles_au")
    db.execute(
        """
        CREATE TABLE search_index (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            indexed_through INTEGER NOT NULL
        )"""
    )
    db.execute("INSERT INTO search_index VALUES (1, (SELECT coalesce(max(id), 0) FROM articles))")
    db.execute(
        """
        CREATE TRIGGER articles_ai AFTER INSERT ON articles
        WHEN new.id <= (SELECT indexed_through FROM search_index) BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_ad AFTER DELETE ON articles
        WHEN old.id <= (SELECT indexed_through FROM search_index) BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                SELECT 'delete', old.id, old.title, old.text
                WHERE old.id <= (SELECT indexed_through FROM search_index);
            INSERT INTO articles_fts(rowid, title, text)
                SELECT new.id, new.title, new.text
                WHERE new.id <= (SELECT indexed_through FROM search_index);
        END"""
    )


def m003_event_kinds_and_coded_view(db: Database) -> None:
    """Events say in a column how undo reads them; one view says which sentences are coded.

    ``events.kind`` is ``annotation`` or ``status`` for a change to one annotation or one
    sentence status, ``rows`` for a change kept as a snapshot of several rows (an actor merge,
    and from now on every codebook change), and null for what cannot be undone. Earlier undo
    found merges by matching the JSON text of ``before`` and ``after``. Existing events get the
    kind of what they changed; an undo or redo the kind of the event it reverted.

    ``coded_sentences`` lists (sentence, coder) for every annotation and every sentence status
    (a "no claim" mark): a sentence is coded by a coder when it appears there. Rows may repeat
    (``UNION ALL``), so that a lookup of one sentence and coder reaches each table's index;
    counts use ``DISTINCT``.
    """
    db.execute("ALTER TABLE events ADD COLUMN kind TEXT")
    kinds: dict[int, str | None] = {}
    rows = db.execute("SELECT id, action, entity, reverts FROM events ORDER BY id").fetchall()
    for event_id, action, entity, reverts in rows:
        if reverts is not None:
            kind = kinds.get(reverts)
        elif action == "merge":
            kind = "rows"
        elif entity == "annotation":
            kind = "annotation"
        elif entity == "sentence_status":
            kind = "status"
        else:
            kind = None
        kinds[event_id] = kind
    db.conn.executemany(
        "UPDATE events SET kind = ? WHERE id = ?",
        [(kind, event_id) for event_id, kind in kinds.items() if kind is not None],
    )
    db.execute(
        """
        CREATE VIEW coded_sentences AS
            SELECT sentence_id, annotator FROM annotations
            UNION ALL
            SELECT sentence_id, annotator FROM sentence_status"""
    )


def m004_settings_and_assignments(db: Database) -> None:
    """Project settings (blind coding) and which coder codes which article.

    ``settings`` holds a value per key for the whole project (``blind``: "on" or "off"), so
    every coder's reader obeys the same rule. ``assignments`` gives each article to one coder,
    and the articles of the overlap sample to two (``overlap`` = 1), so that agreement can be
    measured; a coder with assignments works through their own articles first.
    """
    db.execute(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE assignments (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            overlap INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (article_id, annotator)
        )"""
    )
    db.execute("CREATE INDEX assignments_annotator ON assignments (annotator, article_id)")


def m006_final_layer(db: Database) -> None:
    """The adjudicated layer: for a sentence the coders disagreed on, the final codes.

    ``final_decisions`` holds one row per adjudicated sentence (its ``id`` is the sentence's):
    who decided, when, why, and whether a coder's codes were accepted (``source_coder``) or
    others written. ``final_annotations`` holds the final codes themselves; a decision without
    any is a final "no claim". Sentences the coders agree on are final without a row here.
    """
    db.execute(
        """
        CREATE TABLE final_decisions (
            id INTEGER PRIMARY KEY REFERENCES sentences(id),
            adjudicator TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            source_coder TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE final_annotations (
            id INTEGER PRIMARY KEY,
            sentence_id INTEGER NOT NULL REFERENCES final_decisions(id),
            actor_id INTEGER NOT NULL REFERENCES actors(id),
            stance_id INTEGER NOT NULL REFERENCES stances(id),
            target_id INTEGER REFERENCES targets(id),
            note TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX final_annotations_sentence ON final_annotations (sentence_id)")


def m007_speaker_and_span(db: Database) -> None:
    """An annotation's speaker, and a span of its own.

    ``speaker_id`` is the actor who voiced the claim, beside the actor who holds the stance
    ("Nakasone said Japan wants ...": actor Japan, speaker Nakasone); null when the actor speaks
    for itself or nobody is named. ``start`` and ``end`` are the annotation's own character
    offsets into the article's text, for a code that marks a span other than its sentence (a
    statement brought in from a DNA project keeps the span its coder marked); null means the
    sentence's span, which is every code made in the reader.

    Two codes differing only in speaker or span are two codes, so the unique index holds both;
    the final layer keeps the speaker of the codes it takes.
    """
    db.execute("ALTER TABLE annotations ADD COLUMN speaker_id INTEGER REFERENCES actors(id)")
    db.execute("ALTER TABLE annotations ADD COLUMN start INTEGER")
    db.execute('ALTER TABLE annotations ADD COLUMN "end" INTEGER')
    db.execute("DROP INDEX annotations_unique")
    db.execute(
        """
        CREATE UNIQUE INDEX annotations_unique ON annotations
            (sentence_id, actor_id, stance_id, coalesce(target_id, 0), annotator,
             coalesce(speaker_id, 0), coalesce(start, -1), coalesce("end", -1))"""
    )
    db.execute("CREATE INDEX annotations_speaker ON annotations (speaker_id)")
    db.execute("ALTER TABLE final_annotations ADD COLUMN speaker_id INTEGER REFERENCES actors(id)")


def m008_near_duplicates(db: Database) -> None:
    """Near-duplicate articles, and the index that finds them (``reader.text.shingles``).

    ``near_duplicates`` has a row for each article imported as a near-copy of one stored before
    it (Jaccard similarity of their word 5-shingles at least 0.9): ``original_id`` is the first
    article of the group, never itself a copy, and ``similarity`` the measured Jaccard.

    ``shingle_bands`` holds each article's MinHash band keys; articles sharing a key are
    candidates. ``shingle_index.indexed_through`` is the highest article id up to which every
    article's keys are stored: articles that came in otherwise (from an older nkreader, a merge,
    an import that did not look for copies) are keyed by the next import that does, as the
    search index is caught up (``m002``). It starts at 0, so a file of an older schema has its
    articles keyed then. Both tables' rows go with their article when it is deleted (by hand:
    nkreader never deletes one); so does a copy's mark when its original goes.
    """
    db.execute(
        """
        CREATE TABLE near_duplicates (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            original_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            similarity REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX near_duplicates_original ON near_duplicates (original_id)")
    db.execute(
        """
        CREATE TABLE shingle_bands (
            band_key INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (band_key, article_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """
        CREATE TABLE shingle_index (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            indexed_through INTEGER NOT NULL
        )"""
    )
    db.execute("INSERT INTO shingle_index VALUES (1, 0)")


def m009_coders(db: Database) -> None:
    """Coders who log in to a served reader (``nkreader serve``), and the lockout of a name.

    ``coders`` holds each coder's name, exactly as their annotations carry it, and their
    password only as a salted slow hash whose parameters are written with it
    (``scrypt$n=…,r=…,p=…$salt$hash``, ``reader.store.passwords``). ``login_failures`` counts
    the wrong passwords in a row typed for a name (any name, so that a name nobody has behaves
    as a coder's does) and, after too many, until when that name is locked: kept in the file,
    so the lock holds in every browser tab's process at once.
    """
    db.execute(
        """
        CREATE TABLE coders (
            name TEXT PRIMARY KEY,
            password TEXT NOT NULL,
            created_at TEXT NOT NULL,
            changed_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE login_failures (
            name TEXT PRIMARY KEY,
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT
        )"""
    )


def m010_search_prefixes(db: Database) -> None:
    """The search index also indexes the first letter and the first two letters of each word
    (FTS5's ``prefix='1 2'``).

    The filter reads its last word as a prefix. A one- or two-letter prefix matched thousands
    of words, each looked up in the index on every keystroke: a one-letter filter on 100,000
    short articles took 17 ms to count its matches and the same again for each window of the
    list, against 2 ms with these prefixes. The index is rebuilt with what it held (the
    articles up to ``search_index.indexed_through``): about 1.5 s per 100,000 short articles,
    once, after the backup the upgrade takes.
    """
    db.execute("DROP TABLE articles_fts")
    db.execute(
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id', detail=none, prefix='1 2'
        )"""
    )
    db.execute(
        "INSERT INTO articles_fts(rowid, title, text) SELECT id, title, text FROM articles"
        " WHERE id <= (SELECT indexed_through FROM search_index) ORDER BY id"
    )


STEPS: tuple[Step, ...] = (
    m001_initial,
    m002_search_index_on_demand,
    m003_event_kinds_and_coded_view,
    m004_settings_and_assignments,
    m006_final_layer,
    m007_speaker_and_span,
    m008_near_duplicates,
    m009_coders,
    m010_search_prefixes,
)
"""Every schema step, oldest first. A step, once released, is never edited: a later change is a
new step appended here."""


def step_names(steps: Sequence[Step] | None = None) -> list[str]:
    """The names of the steps, oldest first, as ``_sqlite_migrations`` records them."""
    return [step.__name__ for step in (STEPS if steps is None else steps)]


def build_migrations(steps: Sequence[Step] | None = None) -> Migrations:
    """The steps registered as sqlite-utils ``Migrations`` (importing sqlite-utils)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS if steps is None else steps:
        migrations()(step)
    return migrations
