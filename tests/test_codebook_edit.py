"""Editing the codebook through the Store: checks, the event log, and an undoable merge."""

from __future__ import annotations

import json

import pytest

from reader.models import MAX_STANCES
from reader.store import Store, StoreError
from tests.helpers import dump

MERGED = ("actors", "annotations")
"""The tables a merge touches."""


def by_name(store: Store, name: str) -> int:
    return next(a.id for a in store.actors() if a.name == name)


def last_event(store: Store) -> tuple[str, str]:
    row = store.conn.execute(
        "SELECT action, entity FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return row[0], row[1]


def test_add_actor_refuses_an_alias_in_use_ignoring_case(store: Store) -> None:
    """A new actor may not reuse another actor's name or alias as its own name or alias."""
    with pytest.raises(StoreError, match="'pyongyang' is already used by actor 'North Korea'"):
        store.add_actor("Pyongyang Regime", "state", ["pyongyang"])
    with pytest.raises(StoreError, match="already used by actor 'Japan'"):
        store.add_actor("tokyo", "state")
    with pytest.raises(StoreError, match="listed twice"):
        store.add_actor("Mongolia", "state", ["Ulaanbaatar", "ulaanbaatar"])
    assert "Mongolia" not in {a.name for a in store.actors()}


def test_update_actor_changes_the_row_and_logs_before_and_after(store: Store) -> None:
    """An edit rewrites name, kind, aliases and parent and records both versions."""
    japan = by_name(store, "Japan")
    lee = by_name(store, "Lee Jong-seok")
    store.update_actor(lee, name="Lee Jong Seok", kind="person", aliases=["Lee"], parent_id=japan)
    row = store.conn.execute(
        "SELECT name, kind, aliases, parent_id FROM actors WHERE id = ?", [lee]
    ).fetchone()
    assert row == ("Lee Jong Seok", "person", '["Lee"]', japan)
    event = store.conn.execute(
        "SELECT action, entity, entity_id, before, after FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert event[:3] == ("edit", "actor", lee)
    [[_, before]] = json.loads(event[3])["rows"]["actors"]
    [[_, after]] = json.loads(event[4])["rows"]["actors"]
    assert before["name"] == "Lee Jong-seok"
    assert after["name"] == "Lee Jong Seok"


def test_update_actor_refuses_cycles_duplicates_and_unknown_kinds(store: Store) -> None:
    """A parent chain may not loop, names stay unique, and the kind must be known."""
    japan, nakasone = by_name(store, "Japan"), by_name(store, "Hirofumi Nakasone")
    before = dump(store, MERGED)
    with pytest.raises(StoreError, match="its own ancestor"):
        store.update_actor(japan, name="Japan", kind="state", aliases=[], parent_id=nakasone)
    with pytest.raises(StoreError, match="its own ancestor"):
        store.update_actor(japan, name="Japan", kind="state", aliases=[], parent_id=japan)
    with pytest.raises(StoreError, match="already used by actor 'China'"):
        store.update_actor(japan, name="Japan", kind="state", aliases=["Beijing"], parent_id=None)
    with pytest.raises(StoreError, match="unknown actor kind"):
        store.update_actor(japan, name="Japan", kind="planet", aliases=[], parent_id=None)
    assert dump(store, MERGED) == before


def test_delete_actor_refused_while_used(store: Store) -> None:
    """An actor named by annotations cannot be deleted; the message suggests merging."""
    japan = by_name(store, "Japan")
    sentence = store.sentences(1)[1]
    store.add_annotation(sentence.id, japan, store.stances()[0].id)
    with pytest.raises(StoreError, match="'Japan' is used by 1 annotation; merge it into"):
        store.delete_actor(japan)
    assert japan in {a.id for a in store.actors()}


def test_delete_actor_moves_children_up(store: Store) -> None:
    """Deleting an unused actor gives its children its own parent and logs the deletion."""
    ministry = by_name(store, "Japanese Foreign Ministry")
    ishikane = by_name(store, "Kimihiro Ishikane")
    store.delete_actor(ministry)
    assert ministry not in {a.id for a in store.actors()}
    parent = store._value("SELECT parent_id FROM actors WHERE id = ?", [ishikane])
    assert parent == by_name(store, "Japan")
    assert last_event(store) == ("delete", "actor")


def test_merge_moves_annotations_children_and_names(store: Store) -> None:
    """A merge moves annotations and children, drops repeats, keeps the source's names."""
    support, oppose = (s.id for s in store.stances()[:2])
    s1, s2 = (s.id for s in store.sentences(1)[1:3])
    cfm, china = by_name(store, "Chinese Foreign Ministry"), by_name(store, "China")
    hong = by_name(store, "Hong Lei")
    moved = store.add_annotation(s1, cfm, support)
    repeat = store.add_annotation(s2, cfm, oppose)
    kept = store.add_annotation(s2, china, oppose)
    store.merge_actors(cfm, china)
    rows = dict(store.conn.execute("SELECT id, actor_id FROM annotations").fetchall())
    assert rows == {moved.id: china, kept.id: china}
    assert repeat.id not in rows
    assert store._value("SELECT parent_id FROM actors WHERE id = ?", [hong]) == china
    aliases = json.loads(store._value("SELECT aliases FROM actors WHERE id = ?", [china]))
    assert {"Chinese Foreign Ministry", "China's Foreign Ministry"} <= set(aliases)
    assert cfm not in {a.id for a in store.actors()}
    after = json.loads(store._value("SELECT after FROM events ORDER BY id DESC LIMIT 1"))
    assert after["removed_duplicates"] == [repeat.id]
    assert last_event(store) == ("merge", "actor")


def test_merge_is_undone_and_redone_exactly(store: Store) -> None:
    """undo() restores actors and annotations row for row; redo() re-applies the merge."""
    support = store.stances()[0].id
    s1, s2 = (s.id for s in store.sentences(1)[1:3])
    cfm, china = by_name(store, "Chinese Foreign Ministry"), by_name(store, "China")
    store.add_annotation(s1, cfm, support)
    store.add_annotation(s2, cfm, support)
    store.add_annotation(s2, china, support)
    before = dump(store, MERGED)
    store.merge_actors(cfm, china)
    merged = dump(store, MERGED)
    assert merged != before
    event = store.undo()
    assert event is not None and event.action == "merge"
    assert dump(store, MERGED) == before
    assert store.redo() is not None
    assert dump(store, MERGED) == merged
    store.undo()
    assert dump(store, MERGED) == before
    store.undo()  # then the annotations added before the merge, one by one
    assert len(dump(store, MERGED)["annotations"]) == 2


def test_merge_refuses_itself_and_a_descendant(store: Store) -> None:
    """An actor cannot be merged into itself or into one of its own children."""
    japan, nakasone = by_name(store, "Japan"), by_name(store, "Hirofumi Nakasone")
    with pytest.raises(StoreError, match="into itself"):
        store.merge_actors(japan, japan)
    with pytest.raises(StoreError, match="merge the other way"):
        store.merge_actors(japan, nakasone)


def test_targets_add_and_rename_with_unique_names(store: Store) -> None:
    """Targets are added and renamed; a name in use (ignoring case) is refused."""
    target = store.add_target("Humanitarian aid", "Food and medicine")
    assert last_event(store) == ("add", "target")
    with pytest.raises(StoreError, match="already exists"):
        store.add_target("six-party TALKS")
    store.update_target(target.id, name="Food aid", description="")
    assert ("Food aid", "") in store.conn.execute("SELECT name, description FROM targets")
    with pytest.raises(StoreError, match="already exists"):
        store.update_target(target.id, name="Six-party talks")


def test_stances_add_edit_and_refuse_a_tenth(store: Store) -> None:
    """New stances take the next digit; a tenth is refused; edits keep the position."""
    with pytest.raises(StoreError, match="already exists"):
        store.add_stance("SUPPORT")
    count = len(store.stances())
    for n in range(count, MAX_STANCES):
        stance = store.add_stance(f"extra{n}", f"Extra {n}", 0.5)
        assert stance.position == n + 1
    with pytest.raises(StoreError, match="at most 9"):
        store.add_stance("tenth")
    edited = store.update_stance(
        stance.id, key="hedge", label="Hedge", score=0.25, description="Both"
    )
    assert store.stances()[-1] == edited
    assert edited.position == MAX_STANCES
    assert last_event(store) == ("edit", "stance")


CODEBOOK = ("actors", "stances", "targets", "annotations")
"""The codebook tables, and the annotations that point into them."""


EDITS = {
    "add actor": lambda s: s.add_actor("Local Mayor", "person", ["Mayor"], by_name(s, "Japan")),
    "edit actor": lambda s: s.update_actor(
        by_name(s, "Japan"), name="Nippon", kind="state", aliases=["Tokyo"], parent_id=None
    ),
    "delete actor": lambda s: s.delete_actor(by_name(s, "Japan")),
    "add target": lambda s: s.add_target("Famine relief", "Food aid."),
    "edit target": lambda s: s.update_target(s.targets()[0].id, name="Renamed", description="x"),
    "add stance": lambda s: s.add_stance("mixed", "Mixed", 0.5),
    "edit stance": lambda s: s.update_stance(s.stances()[0].id, key="pro", label="Pro", score=2),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_every_codebook_edit_is_one_undoable_step(store: Store, edit: str) -> None:
    """Each codebook change is one event that undo reverts exactly and redo reapplies."""
    japan = by_name(store, "Japan")
    if edit == "delete actor":  # Japan has children; they move up and come back on undo
        assert store.conn.execute(
            "SELECT count(*) FROM actors WHERE parent_id = ?", [japan]
        ).fetchone()[0]
    before = dump(store, CODEBOOK)
    EDITS[edit](store)
    after = dump(store, CODEBOOK)
    assert after != before
    assert store.undo() is not None
    assert dump(store, CODEBOOK) == before
    assert store.redo() is not None
    assert dump(store, CODEBOOK) == after


def test_undo_of_an_actor_someone_has_used_since_is_refused(store: Store) -> None:
    """Undoing the creation of an actor another coder has coded with changes nothing."""
    mayor = store.add_actor("Local Mayor", "person")
    other = Store(store.conn, "bob")
    sentence = store.sentences(1)[0]
    used = other.add_annotation(sentence.id, mayor.id, store.stances()[0].id)
    before = dump(store, CODEBOOK)
    with pytest.raises(StoreError, match="cannot be undone"):
        store.undo()
    assert dump(store, CODEBOOK) == before
    other.delete_annotation(used.id)  # once nothing uses the actor, the same undo goes through
    assert store.undo() is not None
    assert all(actor.name != "Local Mayor" for actor in store.actors())


def test_undo_stack_reads_the_kind_column(store: Store) -> None:
    """Undo takes the event kind from its column: an event with a kind cleared is skipped."""
    store.add_target("Famine relief")
    store.conn.execute("UPDATE events SET kind = NULL WHERE entity = 'target'")
    assert store.undo() is None
    assert any(t.name == "Famine relief" for t in store.targets())
