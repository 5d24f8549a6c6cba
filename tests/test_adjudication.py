"""Disagreements stepped through and adjudicated; the final layer exported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from reader.analysis.disagreement import differs
from reader.cli.commands import cli
from reader.exchange.final_export import write_final_export
from reader.store import Store
from tests.helpers import dump, run_reader

FINAL = ("final_decisions", "final_annotations")


def two_coders(store: Store) -> tuple[Store, Store, list[int]]:
    """Alice and Bob on the first article: agree on sentence 1, differ on 2 (stance) and 3
    (claim: Bob found none), only Alice coded 4."""
    alice, bob = Store(store.conn, "alice"), Store(store.conn, "bob")
    ids = [s.id for s in store.sentences(store.first_article_id() or 0)]
    japan = next(a.id for a in store.actors() if a.name == "Japan")
    support, oppose = store.stances()[0].id, store.stances()[1].id
    target = store.targets()[0].id
    for coder in (alice, bob):
        coder.add_annotation(ids[1], japan, support, target)
    alice.add_annotation(ids[2], japan, support)
    bob.add_annotation(ids[2], japan, oppose)
    alice.add_annotation(ids[3], japan, oppose)
    bob.set_no_claim(ids[3], True)
    alice.add_annotation(ids[4], japan, support)
    return alice, bob, ids


def test_disagreements_per_variable(store: Store) -> None:
    """Sentence 2 differs on stance only, sentence 3 on the claim; agreed and single-coded
    sentences are no disagreements."""
    _, _, ids = two_coders(store)
    assert [e.sentence_id for e in store.disagreements()] == [ids[2], ids[3]]
    assert [e.sentence_id for e in store.disagreements("stance")] == [ids[2], ids[3]]
    assert [e.sentence_id for e in store.disagreements("claim")] == [ids[3]]
    assert [e.sentence_id for e in store.disagreements("actor")] == [ids[3]]
    entry = store.disagreements("claim")[0]
    assert not differs("claim", {"alice": entry.coders["alice"]})


def test_accepting_a_coders_codes_is_one_undoable_step(store: Store) -> None:
    """Accepting Bob's codes makes them final; undo takes the decision back whole."""
    _, bob, ids = two_coders(store)
    judge = Store(store.conn, "judge")
    before = dump(store, FINAL)
    decision = judge.accept_codes(ids[2], "bob", "Bob read the quote right")
    assert decision.statements == frozenset(
        (a.actor_id, a.stance_id, a.target_id)
        for a in bob.annotations_for_sentence(ids[2])
        if a.annotator == "bob"
    )
    assert (decision.adjudicator, decision.source_coder) == ("judge", "bob")
    assert [e.sentence_id for e in judge.disagreements(unadjudicated=True)] == [ids[3]]
    assert judge.undo() is not None
    assert dump(store, FINAL) == before


def test_final_export_says_where_each_code_comes_from(store: Store) -> None:
    """Agreed, single and adjudicated rows; an undecided disagreement is left out and counted;
    a final "no claim" has no row."""
    _, _, ids = two_coders(store)
    out = io.StringIO(newline="")
    count, waiting = write_final_export(store, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert waiting == 2 and count == len(rows) == 2
    assert [(r["sentence_position"], r["final"]) for r in rows] == [
        ("1", "agreed"),
        ("4", "single"),
    ]
    judge = Store(store.conn, "judge")
    judge.accept_codes(ids[2], "alice")
    judge.write_final(ids[3], [], "a question, not a claim")
    out = io.StringIO(newline="")
    count, waiting = write_final_export(store, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert waiting == 0
    assert [(r["sentence_position"], r["final"], r["adjudicator"]) for r in rows] == [
        ("1", "agreed", ""), ("2", "adjudicated", "judge"), ("4", "single", ""),
    ]  # fmt: skip
    assert rows[1]["stance"] == "support" and rows[1]["coders"] == "alice;bob"


def test_export_final_through_the_command(store: Store, db_path: Path) -> None:
    """export --final writes the final layer and warns about undecided disagreements."""
    two_coders(store)
    store.close()
    result = CliRunner().invoke(cli, ["export", "--final", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert ",final,coders,adjudicator,reason,outlet,file,published_date," in header
    assert "2 sentences where coders disagree have no final codes yet" in result.stderr


async def test_review_screen_accepts_writes_and_undoes(store: Store) -> None:
    """R opens the review on the first disagreement: 1 accepts the first coder (alice), ]
    goes to the next undecided one, w enter 2 enter writes a final code, u undoes it."""
    _, _, ids = two_coders(store)
    judge = Store(store.conn, "judge")
    async with run_reader(judge) as ui:
        await ui.press("R")
        screen = ui.app.screen
        assert type(screen).__name__ == "ReviewScreen"
        assert "alice" in str(screen.body.render()) and "bob" in str(screen.body.render())
        await ui.press("1")
        decision = judge.final_decision(ids[2])
        assert decision is not None and decision.source_coder == "alice"
        await ui.press("right_square_bracket")
        await ui.burst("w", "enter", "2", "0")
        decided = judge.final_decision(ids[3])
        assert decided is not None and decided.source_coder is None
        assert len(decided.statements) == 1
        await ui.press("u")
        assert judge.final_decision(ids[3]) is None
        await ui.press("escape")
        assert ui.app.screen is ui.app.main
