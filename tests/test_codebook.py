"""The codebook: the default that ships with nkreader, TOML export and import, and its checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.db import open_database
from reader.exchange.codebook_file import (
    CodebookError,
    Counts,
    codebook_to_toml,
    export_codebook,
    load_default_codebook,
    merge_codebook,
    read_codebook,
)
from reader.models import ACTOR_KINDS
from reader.store import Store
from tests.helpers import dump

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TABLES = ("actors", "stances", "targets", "events", "annotations")
"""The tables an import may touch."""


def actors(db: Store) -> dict[str, dict[str, Any]]:
    """Actors by name, with aliases decoded and the parent given by name."""
    rows = db.conn.execute(
        "SELECT a.name, a.kind, a.aliases, p.name, a.description"
        " FROM actors a LEFT JOIN actors p ON p.id = a.parent_id"
    ).fetchall()
    return {
        name: {"kind": kind, "aliases": json.loads(aliases), "parent": parent, "description": d}
        for name, kind, aliases, parent, d in rows
    }


def stances(db: Store) -> list[tuple[str, str, float, int]]:
    return db.conn.execute(
        "SELECT key, label, score, position FROM stances ORDER BY position"
    ).fetchall()


def import_text(db: Store, path: Path, text: str, annotator: str = "tester") -> Any:
    path.write_text(text, encoding="utf-8")
    return merge_codebook(Store(db.conn, annotator), read_codebook(path))


@pytest.fixture
def db(empty_store: Store) -> Store:
    """A new database holding the default codebook."""
    load_default_codebook(empty_store)
    return empty_store


# -- the default codebook -----------------------------------------------------------------------


def test_default_stances_in_order_with_scores(db: Store) -> None:
    """The digit keys 1, 2, 3 pick support, oppose and neutral, scored 1, -1 and 0."""
    assert stances(db) == [
        ("support", "Support", 1.0, 1),
        ("oppose", "Oppose", -1.0, 2),
        ("neutral", "Neutral", 0.0, 3),
    ]
    descriptions = [d for (d,) in db.conn.execute("SELECT description FROM stances")]
    assert all(descriptions)


@pytest.mark.parametrize(
    ("name", "kind", "aliases"),
    [
        ("North Korea", "state", {"Pyongyang", "the North", "North Korean", "DPRK"}),
        ("United States", "state", {"U.S.", "Washington", "American", "the United States"}),
        ("Japan", "state", {"Japanese", "Tokyo"}),
        ("China", "state", {"Chinese", "Beijing"}),
        ("South Korea", "state", {"South Korean", "Seoul"}),
        ("Russia", "state", {"Russian", "Moscow"}),
        ("Britain", "state", {"British", "UK"}),
        (
            "U.N. Security Council",
            "organization",
            {"Security Council", "UN Security Council", "UNSC"},
        ),
        ("United Nations", "organization", {"U.N.", "UN"}),
        ("Hirofumi Nakasone", "person", {"Nakasone", "Foreign Minister Nakasone"}),
        ("Japanese Foreign Ministry", "organization", {"Foreign Ministry"}),
        ("Japan Defense Agency", "organization", {"Defense Agency"}),
        ("South Korean Presidential Office", "organization", {"Roh's office"}),
    ],
)
def test_default_actor_aliases(db: Store, name: str, kind: str, aliases: set[str]) -> None:
    """The ways the seed articles refer to an actor are its aliases."""
    actor = actors(db)[name]
    assert actor["kind"] == kind
    assert aliases <= set(actor["aliases"])


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("Hirofumi Nakasone", "Japan"),
        ("Yang Jiechi", "China"),
        ("Roh Moo-hyun", "South Korea"),
        ("George W. Bush", "United States"),
        ("Japanese Foreign Ministry", "Japan"),
        ("Japan Defense Agency", "Japan"),
        ("South Korean Presidential Office", "South Korea"),
        ("U.N. Security Council", "United Nations"),
        ("Rodong Sinmun", "North Korea"),
        ("38 North", "United States"),
        ("Hong Lei", "Chinese Foreign Ministry"),
        ("North Korea", None),
    ],
)
def test_default_parents(db: Store, name: str, parent: str | None) -> None:
    """Persons and bodies hang under the state (or body) they speak for."""
    assert actors(db)[name]["parent"] == parent


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("Pyongyang", "North Korea"),
        ("Washington", "United States"),
        ("Yang Jiechi", "Yang Jiechi"),
        ("Wang Qishan", "Wang Qishan"),
        ("Junichiro Koizumi", "Junichiro Koizumi"),
        ("Fukushiro Nukaga", "Fukushiro Nukaga"),
        ("Rumsfeld", "Donald H. Rumsfeld"),
        ("Roh's office", "South Korean Presidential Office"),
        ("Lee Jong-seok", "Lee Jong-seok"),
        ("Wu Dawei", "Wu Dawei"),
        ("Kimihiro Ishikane", "Kimihiro Ishikane"),
        ("Rodong Sinmun", "Rodong Sinmun"),
        ("38 North", "38 North"),
        ("Barack Obama", "Barack Obama"),
        ("Xi Jinping", "Xi Jinping"),
        ("Hong Lei", "Hong Lei"),
        ("Kishida", "Fumio Kishida"),
        ("Wang Yi", "Wang Yi"),
        ("Defense Agency", "Japan Defense Agency"),
        ("Russia", "Russia"),
        ("Britain", "Britain"),
        ("Security Council", "U.N. Security Council"),
    ],
)
def test_seed_actors_are_in_the_codebook(db: Store, mention: str, name: str) -> None:
    """An actor named in a seed article is found by the words the article uses for it."""
    assert any(mention in path.read_text() for path in SEEDS.glob("*.txt"))
    found = [n for n, a in actors(db).items() if mention.casefold() in
             {n.casefold(), *(x.casefold() for x in a["aliases"])}]  # fmt: skip
    assert found == [name]


def test_default_names_and_aliases_are_unambiguous(db: Store) -> None:
    """No word picks two actors: aliases are unique and never another actor's name."""
    words = [w.casefold() for n, a in actors(db).items() for w in (n, *a["aliases"])]
    assert len(words) == len(set(words))
    assert {a["kind"] for a in actors(db).values()} <= set(ACTOR_KINDS)


def test_default_targets(db: Store) -> None:
    """The policy targets the seeds argue about are there, each described."""
    rows = dict(db.conn.execute("SELECT name, description FROM targets").fetchall())
    for name in (
        "Sanctions on North Korea",
        "Six-party talks",
        "Dialogue with North Korea",
        "U.N. Security Council resolution",
        "North Korean nuclear program",
        "North Korean missile program",
        "Denuclearization of the Korean Peninsula",
        "Cooperation between states",
        "South China Sea disputes",
    ):
        assert rows[name]
    assert all(rows.values())


def test_default_load_is_idempotent(db: Store) -> None:
    """Loading the default codebook again changes nothing and logs nothing."""
    before = dump(db, TABLES)
    report = load_default_codebook(db)
    assert dump(db, TABLES) == before
    assert report.actors.added == report.actors.updated == 0
    assert report.actors.unchanged == len(before["actors"])


def test_import_logs_one_event(empty_store: Store) -> None:
    """An import records who ran it and what it counted, in one event."""
    report = load_default_codebook(empty_store)
    events = empty_store.events()
    assert [(e.action, e.entity, e.annotator) for e in events] == [
        ("import", "codebook", "nkreader")
    ]
    after = json.loads(events[0].after or "")
    assert after["actors"] == {"added": report.actors.added, "updated": 0, "unchanged": 0}
    assert after["stances"] == {"added": 3, "updated": 0, "unchanged": 0}


# -- export and import --------------------------------------------------------------------------


def test_export_import_round_trip(db: Store, tmp_path: Path) -> None:
    """Export, import into an empty database and export again gives the same text."""
    path = tmp_path / "codebook.toml"
    export_codebook(db, path)
    text = path.read_text(encoding="utf-8")
    assert text == codebook_to_toml(db)
    fresh = Store(open_database(tmp_path / "fresh.db"), "tester")
    report = merge_codebook(fresh, read_codebook(path))
    assert report.actors == Counts(added=len(actors(db)))
    assert codebook_to_toml(fresh) == text
    assert actors(fresh) == actors(db)
    assert 'parent = "Japan"' in text


def test_export_to_missing_folder_fails_cleanly(db: Store, tmp_path: Path) -> None:
    """A path that cannot be written gives one line naming it."""
    path = tmp_path / "nowhere" / "codebook.toml"
    with pytest.raises(CodebookError, match="nowhere"):
        export_codebook(db, path)


def test_merge_updates_and_adds_without_deleting(db: Store, tmp_path: Path) -> None:
    """Listed entries are added or updated; entries the file leaves out stay as they were."""
    before = actors(db)
    report = import_text(
        db,
        tmp_path / "more.toml",
        """
        [[actors]]
        name = "japan"
        kind = "state"
        aliases = ["Tokyo", "Nippon"]
        description = "Japan."

        [[actors]]
        name = "Korean Central News Agency"
        kind = "media"
        aliases = ["KCNA"]
        parent = "North Korea"

        [[actors]]
        name = "Russia"
        kind = "state"
        aliases = ["Russian", "Moscow"]
        description = "The Russian Federation and its government."

        [[stances]]
        key = "mixed"
        label = "Mixed"
        score = 0.5

        [[targets]]
        name = "Six-party talks"
        description = "Changed."
        """,
    )
    assert report.actors == Counts(added=1, updated=1, unchanged=1)
    assert report.stances == Counts(added=1)
    assert report.targets == Counts(updated=1)
    after = actors(db)
    assert set(after) == set(before) - {"Japan"} | {"japan", "Korean Central News Agency"}
    assert after["japan"]["aliases"] == ["Tokyo", "Nippon"]
    assert after["Hirofumi Nakasone"]["parent"] == "japan"
    assert after["Korean Central News Agency"] == {
        "kind": "media", "aliases": ["KCNA"], "parent": "North Korea", "description": ""
    }  # fmt: skip
    assert [row[0] for row in stances(db)] == ["support", "oppose", "neutral", "mixed"]
    assert db.conn.execute("SELECT count(*) FROM targets").fetchone()[0] == 15


def test_merge_reorders_stances_listed(db: Store, tmp_path: Path) -> None:
    """The file's stance order wins; a stance it leaves out keeps its digit key."""
    report = import_text(
        db,
        tmp_path / "order.toml",
        '[[stances]]\nkey = "oppose"\nlabel = "Oppose"\nscore = -1\n'
        '[[stances]]\nkey = "support"\nlabel = "Support"\nscore = 1\n',
    )
    assert [row[0] for row in stances(db)] == ["oppose", "support", "neutral"]
    assert report.stances == Counts(updated=2)


def test_actor_in_use_survives_import_that_omits_it(empty_store: Store, tmp_path: Path) -> None:
    """An import never deletes, so an annotation keeps its actor, stance and target."""
    db = empty_store
    load_default_codebook(db)
    db.conn.execute(
        "INSERT INTO articles (id, title, text, source, content_hash, imported_at)"
        " VALUES (1, 'T', 'Japan spoke.', 's', 'h', 'now')"
    )
    db.conn.execute(
        'INSERT INTO sentences (id, article_id, position, start, "end", paragraph)'
        " VALUES (1, 1, 0, 0, 12, 0)"
    )
    actor = empty_store.add_actor("Local Mayor", "person")
    stance = empty_store.stances()[0]
    target = empty_store.targets()[0]
    empty_store.add_annotation(1, actor.id, stance.id, target.id)
    import_text(db, tmp_path / "small.toml", '[[actors]]\nname = "Japan"\nkind = "state"\n')
    annotation = empty_store.annotations_for_sentence(1)[0]
    assert (annotation.actor_id, annotation.stance_id, annotation.target_id) == (
        actor.id,
        stance.id,
        target.id,
    )
    assert "Local Mayor" in actors(db)
    assert len(empty_store.stances()) == 3


def test_import_names_the_annotator(db: Store, tmp_path: Path) -> None:
    """The import event names whoever ran it and the file."""
    path = tmp_path / "one.toml"
    import_text(db, path, '[[targets]]\nname = "Famine relief"\n', annotator="alice")
    row = db.conn.execute(
        "SELECT annotator, action, entity, after FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row[:3] == ("alice", "import", "codebook")
    assert json.loads(row[3])["targets"] == {"added": 1, "updated": 0, "unchanged": 0}
    assert json.loads(row[3])["source"] == str(path)


# -- errors -------------------------------------------------------------------------------------


def stance_entries(count: int) -> str:
    return "".join(f'[[stances]]\nkey = "s{n}"\nlabel = "S"\nscore = 0\n' for n in range(count))


BAD_FILES = {
    "malformed": ('[[actors]]\nname = "A"\nkind = \n', ["line 3", "not valid TOML"]),
    "unknown_table": ('[[actor]]\nname = "A"\n', ["'actor'"]),
    "unknown_field": ('[[actors]]\nname = "A"\nkinds = "state"\n', ["'kinds'", "allowed"]),
    "no_name": ('[[actors]]\nkind = "state"\n', ["actors entry 1", "no name"]),
    "no_key": ('[[stances]]\nlabel = "X"\n', ["stances entry 1", "no key"]),
    "bad_kind": ('[[actors]]\nname = "A"\nkind = "country"\n', ["'country'", "state"]),
    "duplicate_actor": ('[[actors]]\nname = "Aa"\n[[actors]]\nname = "aA"\n', ["'aA'", "twice"]),
    "duplicate_target": ('[[targets]]\nname = "T"\n[[targets]]\nname = "t"\n', ["'t'"]),
    "alias_twice": (
        '[[actors]]\nname = "A"\naliases = ["X"]\n[[actors]]\nname = "B"\naliases = ["x"]\n',
        ["'x'", "'A'"],
    ),
    "alias_is_name": (
        '[[actors]]\nname = "A"\naliases = ["b"]\n[[actors]]\nname = "B"\n',
        ["'b'", "the name of actor 'B'"],
    ),
    "aliases_not_list": ('[[actors]]\nname = "A"\naliases = "X"\n', ["'A'", "list"]),
    "unknown_parent": ('[[actors]]\nname = "A"\nparent = "Atlantis"\n', ["'Atlantis'"]),
    "parent_cycle": (
        '[[actors]]\nname = "A"\nparent = "B"\n[[actors]]\nname = "B"\nparent = "A"\n',
        ["A -> B -> A"],
    ),
    "too_many_stances": (stance_entries(10), ["10 stances", "at most 9"]),
    "score_text": ('[[stances]]\nkey = "s"\nlabel = "S"\nscore = "high"\n', ["'high'"]),
    "score_nan": ('[[stances]]\nkey = "s"\nlabel = "S"\nscore = nan\n', ["nan"]),
    "score_bool": ('[[stances]]\nkey = "s"\nlabel = "S"\nscore = true\n', ["True"]),
    "duplicate_stance": ('[[stances]]\nkey = "s"\n[[stances]]\nkey = "S"\n', ["'S'", "twice"]),
    "alias_is_database_name": (
        '[[actors]]\nname = "A"\naliases = ["japan"]\n',
        ["'japan'", "'Japan' in the database"],
    ),
    "name_is_database_alias": (
        '[[actors]]\nname = "Pyongyang"\n',
        ["'Pyongyang'", "'North Korea' in the database"],
    ),
    "stances_over_nine_with_database": (stance_entries(7), ["10 stances", "database has 3"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_and_nothing_written(db: Store, tmp_path: Path, case: str) -> None:
    """Each mistake gives one line naming the file and the value; the database is untouched."""
    text, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.toml"
    before = dump(db, TABLES)
    with pytest.raises(CodebookError) as caught:
        import_text(db, path, text)
    message = str(caught.value)
    assert str(path) in message
    assert "\n" not in message
    for part in expected:
        assert part in message
    assert dump(db, TABLES) == before


@pytest.mark.parametrize("name", ["missing.toml", "folder"])
def test_unreadable_file(tmp_path: Path, name: str) -> None:
    """A missing file or a folder is named in the error."""
    (tmp_path / "folder").mkdir()
    with pytest.raises(CodebookError, match=name):
        read_codebook(tmp_path / name)


def test_partial_file_may_name_a_parent_from_the_database(db: Store, tmp_path: Path) -> None:
    """A file holding only new actors may hang them under actors the database already has."""
    import_text(
        db, tmp_path / "p.toml", '[[actors]]\nname = "NHK"\nkind = "media"\nparent = "Japan"\n'
    )
    assert actors(db)["NHK"]["parent"] == "Japan"


def test_names_match_ignoring_case_beyond_ascii(db: Store, tmp_path: Path) -> None:
    """Ö and ö name the same actor, though SQLite's NOCASE tells them apart."""
    import_text(db, tmp_path / "a.toml", '[[actors]]\nname = "Ölwerke"\nkind = "organization"\n')
    report = import_text(db, tmp_path / "b.toml", '[[actors]]\nname = "ölwerke"\nkind = "other"\n')
    assert report.actors == Counts(updated=1)
    assert actors(db)["ölwerke"]["kind"] == "other"
    assert "Ölwerke" not in actors(db)
