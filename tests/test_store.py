"""The Store: annotations, statuses, the event log, undo and redo, on a temporary database."""

from __future__ import annotations

import pytest

from reader.db import open_database
from reader.store import DuplicateAnnotation, Store, StoreError
from tests.helpers import dump

CODING = ("annotations", "sentence_status")
"""The tables coding writes."""


def first_ids(store: Store) -> tuple[int, int, int, int]:
    """A sentence, an actor, a stance and a target to code with."""
    article_id = store.first_article_id()
    assert article_id is not None
    sentence = store.sentences(article_id)[1]
    actor = store.actors()[0]
    stance = store.stances()[0]
    target = store.targets()[0]
    return sentence.id, actor.id, stance.id, target.id


def test_sentences_cut_the_article_text_exactly(store: Store) -> None:
    """Every stored sentence's offsets slice the stored text to that sentence."""
    for summary in store.article_summaries(0, 10):
        article = store.article(summary.id)
        assert article is not None
        sentences = store.sentences(summary.id)
        assert len(sentences) == summary.sentence_count > 3
        for sentence in sentences:
            assert article.text[sentence.start : sentence.end] == sentence.text
            assert store.sentence(sentence.id) == sentence


def test_add_annotation_is_stored_with_annotator_and_times(store: Store) -> None:
    """An annotation lands in the table with the coder's name and equal created/updated times."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    annotation = store.add_annotation(sentence_id, actor_id, stance_id, target_id, note=" why ")
    row = store.conn.execute("SELECT * FROM annotations").fetchall()
    assert len(row) == 1
    assert annotation.annotator == "tester"
    assert annotation.note == "why"
    assert annotation.created_at == annotation.updated_at
    assert store.annotations_for_sentence(sentence_id) == [annotation]


def test_several_annotations_per_sentence_but_no_duplicates(store: Store) -> None:
    """Two actors on one sentence are fine; the same five-tuple twice is refused."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    other_actor = store.actors()[1].id
    store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    store.add_annotation(sentence_id, other_actor, stance_id, target_id)
    with pytest.raises(DuplicateAnnotation):
        store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    store.add_annotation(sentence_id, actor_id, stance_id, None)
    with pytest.raises(DuplicateAnnotation):
        store.add_annotation(sentence_id, actor_id, stance_id, None)
    assert len(store.annotations_for_sentence(sentence_id)) == 3


def test_another_annotator_may_code_the_same(store: Store, db_path) -> None:
    """The uniqueness rule is per coder: a second coder can give the same code."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    other = Store(open_database(db_path), "second")
    other.add_annotation(sentence_id, actor_id, stance_id, target_id)
    assert {a.annotator for a in store.annotations_for_sentence(sentence_id)} == {
        "tester",
        "second",
    }


def test_unknown_references_are_refused(store: Store) -> None:
    """A missing sentence, actor or stance is a StoreError and nothing is written."""
    sentence_id, actor_id, stance_id, _ = first_ids(store)
    with pytest.raises(StoreError):
        store.add_annotation(999_999, actor_id, stance_id)
    with pytest.raises(StoreError):
        store.add_annotation(sentence_id, 999_999, stance_id)
    with pytest.raises(StoreError):
        store.add_annotation(sentence_id, actor_id, 999_999)
    assert dump(store, CODING)["annotations"] == []


def test_every_change_is_logged(store: Store) -> None:
    """Add, edit, delete and status changes each append one event with before and after."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    annotation = store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    store.update_annotation(
        annotation.id, actor_id=actor_id, stance_id=stance_id, target_id=None, note="n"
    )
    store.delete_annotation(annotation.id)
    store.set_no_claim(sentence_id, True)
    actions = [e.action for e in reversed(store.events(annotator="tester"))]
    assert actions[-4:] == ["add", "edit", "delete", "status"]
    edit = store.events(annotator="tester")[2]
    assert (
        edit.before
        and '"target_id": ' in edit.before
        and edit.after
        and '"note": "n"' in edit.after
    )


def test_no_claim_toggles_and_counts_as_progress(store: Store) -> None:
    """Marking "no claim" sets the status, unmarking removes it; progress counts it."""
    sentence_id = first_ids(store)[0]
    done_before, total = store.progress()
    store.set_no_claim(sentence_id, True)
    article_id = store.first_article_id()
    assert article_id is not None
    assert store.statuses(article_id) == {sentence_id: "no_claim"}
    assert store.progress() == (done_before + 1, total)
    store.set_no_claim(sentence_id, False)
    assert store.statuses(article_id) == {}


def test_undo_and_redo_restore_exactly(store: Store) -> None:
    """Each undo returns the coding tables to the state before the change; redo re-applies it."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    states = [dump(store, CODING)]
    annotation = store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    states.append(dump(store, CODING))
    store.update_annotation(
        annotation.id, actor_id=actor_id, stance_id=stance_id, target_id=None, note="x"
    )
    states.append(dump(store, CODING))
    store.set_no_claim(sentence_id + 1, True)
    states.append(dump(store, CODING))
    store.delete_annotation(annotation.id)
    states.append(dump(store, CODING))
    for expected in reversed(states[:-1]):
        assert store.undo() is not None
        assert dump(store, CODING) == expected
    assert store.undo() is None
    for expected in states[1:]:
        assert store.redo() is not None
        assert dump(store, CODING) == expected
    assert store.redo() is None


def test_undo_survives_a_restart(store: Store, db_path) -> None:
    """A new Store on the same file can undo the previous session's change."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    store.close()
    reopened = Store(open_database(db_path), "tester")
    assert reopened.undo() is not None
    assert dump(reopened, CODING)["annotations"] == []


def test_a_new_change_clears_redo(store: Store) -> None:
    """After undo, a fresh change makes the undone change unreachable by redo."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    store.add_annotation(sentence_id, actor_id, stance_id, target_id)
    store.undo()
    store.set_no_claim(sentence_id, True)
    assert store.redo() is None


def test_undo_is_per_annotator(store: Store, db_path) -> None:
    """One coder's undo never reverts another coder's change."""
    sentence_id, actor_id, stance_id, target_id = first_ids(store)
    other = Store(open_database(db_path), "second")
    other.add_annotation(sentence_id, actor_id, stance_id, target_id)
    assert store.undo() is None
    assert len(store.annotations_for_sentence(sentence_id)) == 1


def test_article_window_and_filter(store: Store) -> None:
    """The list window pages through articles; the full-text filter narrows it."""
    assert store.article_count() == 3
    assert [s.id for s in store.article_summaries(1, 5)] == [
        s.id for s in store.article_summaries(0, 5)
    ][1:]
    assert store.article_count("Nakasone") == 1
    assert store.article_count("nakas") == 1
    assert store.article_count('"unbalanced quote') == 0
    match = store.article_summaries(0, 5, "Nakasone")[0]
    assert store.article_index(match.id, "Nakasone") == 0
    assert store.article_index(match.id) == [s.id for s in store.article_summaries(0, 5)].index(
        match.id
    )


def test_ui_state_is_per_annotator(store: Store, db_path) -> None:
    """Saved positions belong to one coder."""
    store.set_state("article", "2")
    other = Store(open_database(db_path), "second")
    assert store.get_state("article") == "2"
    assert other.get_state("article") is None


def test_add_actor_refuses_duplicates_and_bad_kinds(store: Store) -> None:
    """An actor created on the spot needs a new name and a known kind."""
    actor = store.add_actor("Mongolia", "state", ["Ulaanbaatar"])
    assert actor in store.actors()
    with pytest.raises(StoreError):
        store.add_actor("mongolia", "state")
    with pytest.raises(StoreError):
        store.add_actor("Someone", "alien")


def test_filter_accepts_punctuated_words(store: Store) -> None:
    """Typed words with periods, apostrophes or hyphens filter instead of failing."""
    assert store.article_count("U.N. Security") == 3
    assert store.article_count("Japan's") == 3
    assert store.article_count("six-party") == 2
    assert store.article_count("...") == 3


def test_a_reading_copy_reads_on_another_thread_and_never_writes(store: Store) -> None:
    """``reading_copy`` opens, on the thread that calls it, a Store that sees what was committed
    (the agreement screen reads the codes there) and refuses every change."""
    import sqlite3
    import threading

    sentence = store.sentences(store.first_article_id() or 0)[0]
    store.set_no_claim(sentence.id, True)
    open_copy = store.reading_copy()
    assert open_copy is not None
    seen: list[object] = []

    def read() -> None:
        copy = open_copy()
        try:
            seen.append(copy.coders())
            seen.append(copy.annotator)
            try:
                copy.set_no_claim(sentence.id, False)
            except (StoreError, sqlite3.Error) as error:
                seen.append(type(error).__name__)
        finally:
            copy.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert seen[:2] == [["tester"], "tester"] and len(seen) == 3
    assert store.coders() == ["tester"] and store.progress()[0] == 1
