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
    assert json.loads(event[3])["name"] == "Lee Jong-seok"
    assert json.loads(event[4])["name"] == "Lee Jong Seok"


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
    parent = store._one("SELECT parent_id FROM actors WHERE id = ?", [ishikane])
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
    assert store._one("SELECT parent_id FROM actors WHERE id = ?", [hong]) == china
    aliases = json.loads(store._one("SELECT aliases FROM actors WHERE id = ?", [china]))
    assert {"Chinese Foreign Ministry", "China's Foreign Ministry"} <= set(aliases)
    assert cfm not in {a.id for a in store.actors()}
    after = json.loads(store._one("SELECT after FROM events ORDER BY id DESC LIMIT 1"))
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
