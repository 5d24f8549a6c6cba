"""The speaker of a code (who voiced the claim, beside the actor holding the stance): asked only
when the coder presses ``s`` at the stance, stored, undone in one step, kept through edits,
notes, merges, exports and restored exports."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.db import StoreError, open_database
from reader.exchange.exporting import write_export
from reader.exchange.final_export import write_final_export
from reader.models import Actor, CodeRow
from reader.store import Store
from tests.helpers import run_reader


def person(store: Store, name: str = "Taro Aso") -> Actor:
    return store.add_actor(name, "person", (), None)


async def test_fast_keys_code_a_speaker_and_undo_takes_it_back(store: Store) -> None:
    """a enter s 1 1 enter typed in one burst: one code whose speaker is the speaker step's
    first suggestion; the panel says who said it; u removes the code in one step."""
    async with run_reader(store) as ui:
        main = ui.app.main
        sentence = main.current_sentence
        assert sentence is not None
        await ui.press("a", "enter", "s")
        picker = main.picker.view
        assert picker.title == "Speaker"
        first = next(row.label for row in picker.rows if row.number == 1)
        await ui.press("escape", "escape", "escape")
        assert main.flow is None
        await ui.burst("a", "enter", "s", "1", "1", "enter")
        assert main.flow is None
        [code] = store.annotations_for_sentence(sentence.id)
        speaker = next(a for a in store.actors() if a.id == code.speaker_id)
        assert speaker.name == first and code.stance_id == store.stances()[0].id
        assert f"said by {first}" in main.panel.text
        await ui.press("u")
        assert store.annotations_for_sentence(sentence.id) == []
        await ui.press("ctrl+r")
        [again] = store.annotations_for_sentence(sentence.id)
        assert again.speaker_id == speaker.id


async def test_four_keys_still_code_without_a_speaker(store: Store) -> None:
    """The common case stays a enter 1 enter: no speaker is stored."""
    async with run_reader(store) as ui:
        await ui.burst("a", "enter", "1", "enter")
        sentence = ui.app.main.current_sentence
        assert sentence is not None
    [code] = store.annotations_for_sentence(sentence.id)
    assert code.speaker_id is None


async def test_a_new_speaker_typed_in_a_burst_is_created_as_a_person(store: Store) -> None:
    """A speaker nobody knows, typed and created at speed (name, enter, enter for person, enter
    for no parent), is added to the codebook as a person and stored on the code."""
    async with run_reader(store) as ui:
        await ui.burst("a", "enter", "s", *"Taro Aso", "enter", "enter", "enter", "2", "0")
        assert ui.app.main.flow is None
        sentence = ui.app.main.current_sentence
        assert sentence is not None
    hong = next(a for a in store.actors() if a.name == "Taro Aso")
    assert hong.kind == "person"
    [code] = store.annotations_for_sentence(sentence.id)
    assert (code.speaker_id, code.stance_id, code.target_id) == (
        hong.id, store.stances()[1].id, None,
    )  # fmt: skip


async def test_edit_changes_the_speaker_and_a_note_keeps_it(store: Store) -> None:
    """e keeps the speaker unless changed; s 0 there takes it away; m (a note) never touches
    it."""
    hong = person(store)
    sentence = store.sentences(store.first_article_id() or 0)[0]
    actor, stance = store.actors()[0], store.stances()[0]
    code = store.add_annotation(sentence.id, actor.id, stance.id, speaker_id=hong.id)
    async with run_reader(store) as ui:
        await ui.burst("m", *"hedged", "enter")
        noted = store.annotation(code.id)
        assert noted is not None and (noted.note, noted.speaker_id) == ("hedged", hong.id)
        await ui.burst("e", "enter", "enter", "enter")
        kept = store.annotation(code.id)
        assert kept is not None and kept.speaker_id == hong.id
        await ui.burst("e", "enter", "s", "0", "enter", "enter")
        gone = store.annotation(code.id)
        assert gone is not None and gone.speaker_id is None
        await ui.press("u")
        back = store.annotation(code.id)
        assert back is not None and back.speaker_id == hong.id


def test_repeat_and_duplicates_count_the_speaker(store: Store) -> None:
    """The same actor, stance and target with another speaker is another code; the same with
    the same speaker is refused."""
    hong = person(store)
    sentence = store.sentences(store.first_article_id() or 0)[0]
    actor, stance = store.actors()[0], store.stances()[0]
    store.add_annotation(sentence.id, actor.id, stance.id)
    store.add_annotation(sentence.id, actor.id, stance.id, speaker_id=hong.id)
    with pytest.raises(StoreError, match="speaker"):
        store.add_annotation(sentence.id, actor.id, stance.id, speaker_id=hong.id)
    with pytest.raises(StoreError, match="no speaker with id"):
        store.add_annotation(sentence.id, actor.id, stance.id, speaker_id=99999)


def test_an_actor_used_as_speaker_is_kept_and_merges_carry_it(store: Store) -> None:
    """Deleting an actor used only as a speaker is refused; merging it into another moves the
    speaker, and undo puts it back."""
    hong = person(store)
    other = person(store, "Taro Aso (minister)")
    sentence = store.sentences(store.first_article_id() or 0)[0]
    code = store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id,
                                speaker_id=hong.id)  # fmt: skip
    with pytest.raises(StoreError, match="used by 1 annotation"):
        store.delete_actor(hong.id)
    store.merge_actors(hong.id, other.id)
    moved = store.annotation(code.id)
    assert moved is not None and moved.speaker_id == other.id
    store.undo()
    restored = store.annotation(code.id)
    assert restored is not None and restored.speaker_id == hong.id


def export_rows(store: Store, fmt: str = "csv") -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_export(store, out, fmt=fmt)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_export_has_the_speaker_column_and_import_restores_it(store: Store, tmp_path: Path) -> None:
    """The export has a ``speaker`` column after ``actor_top`` (empty for none; only
    ``duplicate_group`` came after it); importing the file into
    another database with the same articles and codebook restores the speakers; an export
    from before the column is still read."""
    hong = person(store)
    sentences = store.sentences(store.first_article_id() or 0)
    actor, stance = store.actors()[0], store.stances()[0]
    store.add_annotation(sentences[0].id, actor.id, stance.id, speaker_id=hong.id)
    store.add_annotation(sentences[1].id, actor.id, stance.id)
    rows = export_rows(store)
    assert list(rows[0])[-3:] == ["actor_top", "speaker", "duplicate_group"]
    assert [row["speaker"] for row in rows] == ["Taro Aso", ""]
    path = tmp_path / "codes.csv"
    out = io.StringIO(newline="")
    write_export(store, out)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    old = tmp_path / "old.csv"
    lines = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    with old.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(row[:-2] for row in lines)  # before speakers

    other = Store(open_database(tmp_path / "other.db"), "tester")
    from tests.conftest import _bootstrap

    _bootstrap(other)
    other.add_actor("Taro Aso", "person", (), None)
    report = other.restore_codes(*_read(path))
    assert not report.problems
    speakers = {
        (a.sentence_id, a.speaker_id) for a in other.annotations_for_article(
            other.first_article_id() or 0)
    }  # fmt: skip
    hong_there = next(a for a in other.actors() if a.name == "Taro Aso")
    assert {speaker for _, speaker in speakers} == {hong_there.id, None}
    third = Store(open_database(tmp_path / "third.db"), "tester")
    _bootstrap(third)
    assert not third.restore_codes(*_read(old)).problems
    assert len(third.annotations_for_article(third.first_article_id() or 0)) == 2
    other.close()
    third.close()


def _read(path: Path) -> tuple[list[CodeRow], str, list[str]]:
    from reader.exchange.codes_file import read_codes

    rows, problems = read_codes(path)
    return rows, path.name, problems


def test_merge_brings_speakers_from_another_database(store: Store, tmp_path: Path) -> None:
    """A code with a speaker in another coder's file arrives with its speaker, created here by
    name when the codebook here lacks it."""
    other_path = tmp_path / "bob.db"
    bob = Store(open_database(other_path), "bob")
    from tests.conftest import _bootstrap

    _bootstrap(bob)
    nakasone = bob.add_actor("Yasuhiro Nakasone", "person", (), None)
    sentence = bob.sentences(bob.first_article_id() or 0)[0]
    bob.add_annotation(sentence.id, bob.actors()[0].id, bob.stances()[0].id,
                       speaker_id=nakasone.id)  # fmt: skip
    bob.close()
    result = CliRunner().invoke(cli, ["merge", str(other_path), "--db", str(store.path)])
    assert result.exit_code == 0, result.output
    [code] = [a for a in store.annotations_for_article(store.first_article_id() or 0)]
    here = next(a for a in store.actors() if a.name == "Yasuhiro Nakasone")
    assert code.speaker_id == here.id and code.annotator == "bob"


def test_final_export_names_the_speaker(store: Store) -> None:
    """The final export's ``speaker``: the speaker of the agreed code, or of the accepted one."""
    hong = person(store)
    sentence = store.sentences(store.first_article_id() or 0)[0]
    actor, stance = store.actors()[0], store.stances()[0]
    store.add_annotation(sentence.id, actor.id, stance.id, speaker_id=hong.id)
    out = io.StringIO(newline="")
    write_final_export(store, out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert row["speaker"] == "Taro Aso" and row["final"] == "single"
    bob = Store(sqlite3.connect(store.path or ""), "bob")
    bob.add_annotation(sentence.id, actor.id, store.stances()[1].id)
    bob.close()
    store.accept_codes(sentence.id, "tester")
    out = io.StringIO(newline="")
    write_final_export(store, out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert (row["speaker"], row["final"]) == ("Taro Aso", "adjudicated")
