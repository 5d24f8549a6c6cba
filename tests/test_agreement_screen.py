"""The agreement screen (A in the reader): the figures it shows are those of the report computed
on the same database, they come off the UI thread, and its keys open the review on the
sentences where the coders differ."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable

import reader.tui.screens.agreement as agreement_screen
from reader.analysis.disagreement import differs
from reader.exchange.agreement import FINAL, read_agreement
from reader.store import Store
from reader.tui.screens.agreement import AgreementScreen
from reader.tui.screens.review import ReviewScreen
from tests.helpers import Session, run_reader, screen_text
from tests.test_adjudication import two_coders


def three_coders(store: Store) -> list[int]:
    """``two_coders`` (alice and bob agree on sentence 1, differ on 2 and 3), and carol on
    sentences 1-3: she agrees with alice on 1 and 2 and codes 3 as alice did."""
    alice, _, ids = two_coders(store)
    carol = Store(store.conn, "carol")
    for sentence in ids[1:4]:
        for code in alice.annotations_for_sentence(sentence):
            if code.annotator == "alice":
                carol.add_annotation(sentence, code.actor_id, code.stance_id, code.target_id)
    return ids


async def settled(ui: Session[Any]) -> AgreementScreen:
    """The agreement screen once its figures (intervals too) are all shown."""
    screen = ui.app.screen
    assert isinstance(screen, AgreementScreen)
    for _ in range(500):
        if not screen.computing:
            break
        await ui.pilot.pause(0.02)
    assert not screen.computing
    await ui.pilot.pause()
    return screen


def cells(screen: AgreementScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def cell(row: list[str], column: str) -> str:
    return row[agreement_screen.COLUMNS.index(column)]


async def test_the_figures_shown_are_the_reports(store: Store) -> None:
    """A opens the screen: one row per group and variable, each alpha, alpha given a claim,
    interval and unit count equal to read_agreement's on the same database, in that order;
    the frame shows them and the highlighted row in words."""
    three_coders(store)
    report = read_agreement(store)
    groups = [("all", report.variables)]
    groups += [(",".join(pair.coders), pair.variables) for pair in report.pairs]
    expected = [(name, v) for name, variables in groups for v in variables]
    async with run_reader(Store(store.conn, "judge"), size=(120, 40)) as ui:
        await ui.press("A")
        screen = await settled(ui)
        rows = cells(screen)
        assert len(rows) == len(expected) == 4 * 7
        for row, (name, v) in zip(rows, expected, strict=True):
            assert (cell(row, "coders"), cell(row, "variable")) == (name, v.variable)
            assert cell(row, "distance") == v.distance
            assert cell(row, "alpha") == ("-" if v.alpha is None else f"{v.alpha:.3f}")
            if v.distance == "masi" and v.alpha_given_claim is not None:
                assert cell(row, "given claim") == f"{v.alpha_given_claim:.3f}"
            if v.ci95 is not None:
                assert cell(row, "95% interval") == f"[{v.ci95[0]:.3f}, {v.ci95[1]:.3f}]"
            assert cell(row, "units") == str(v.pairable_units)
            assert cell(row, "reason") == (v.reason or "")
        shown = screen_text(ui.app)
        claim = report.variables[0]
        assert claim.alpha is not None
        assert "alice, bob, carol  ·  claim (nominal)" in shown
        assert f"alpha {claim.alpha:.3f}" in shown
        assert f"{report.units} sentences decided by at least two of them" in shown


async def test_enter_steps_into_the_sentences_where_the_row_differs(store: Store) -> None:
    """enter on the stance row opens the review on its first disagreement on stance; on a
    pair's row, on theirs only; R on any variable; escape comes back to the figures."""
    ids = three_coders(store)
    judge = Store(store.conn, "judge")
    async with run_reader(judge, size=(120, 40)) as ui:
        await ui.press("A")
        screen = await settled(ui)
        await ui.press("j", "j", "enter")  # all: claim, actor, stance
        review = ui.app.screen
        assert isinstance(review, ReviewScreen)
        assert review.variable == "stance" and review.coders is None
        entry = review.current
        assert entry is not None and differs("stance", entry.coders)
        assert entry.sentence_id == judge.disagreements("stance")[0].sentence_id == ids[2]
        assert "disagreements on stance" in screen_text(ui.app)
        await ui.press("escape")
        assert ui.app.screen is screen
        # alice,carol: agree everywhere both coded; bob,carol: differ where alice and bob do
        await ui.press("G", "k", "k", "k", "k", "k", "k", "enter")  # bob,carol claim
        review = ui.app.screen
        assert isinstance(review, ReviewScreen)
        assert (review.variable, review.coders) == ("claim", ["bob", "carol"])
        entry = review.current
        assert entry is not None and set(entry.coders) == {"bob", "carol"}
        assert differs("claim", entry.coders) and entry.sentence_id == ids[3]
        await ui.press("escape", "R")
        review = ui.app.screen
        assert isinstance(review, ReviewScreen) and review.variable is None
        assert [e.sentence_id for e in review.items] == [ids[2], ids[3]]
        await ui.press("escape", "escape")
        assert ui.app.screen is ui.app.main


async def test_each_stance_by_actor_row_reviews_that_variable(store: Store) -> None:
    """The stance given an actor is a variable of the review too: sentence 2, where Japan
    supports for alice and opposes for bob."""
    _, _, ids = two_coders(store)
    async with run_reader(Store(store.conn, "judge")) as ui:
        await ui.press("A")
        await settled(ui)
        await ui.press("G", "enter")
        review = ui.app.screen
        assert isinstance(review, ReviewScreen) and review.variable == "stance_by_actor"
        assert [e.sentence_id for e in review.items] == [ids[2]]


async def test_against_the_final_layer(store: Store) -> None:
    """f compares each coder with the final layer: the figures are read_agreement's with
    final=True, the disagreements still waiting are counted; a decision made in the review
    opened from there is in the figures on the way back."""
    _, _, ids = two_coders(store)
    judge = Store(store.conn, "judge")
    judge.accept_codes(ids[2], "bob")
    async with run_reader(judge, size=(120, 40)) as ui:
        await ui.press("A")
        await settled(ui)
        await ui.press("f")
        screen = await settled(ui)
        report = read_agreement(judge, final=True)
        assert report.coders == ("alice", "bob", FINAL)
        rows = cells(screen)
        names = [",".join(pair.coders) for pair in report.pairs]
        assert names == ["alice,final", "bob,final"]
        assert [cell(row, "coders") for row in rows[::7]] == ["all", *names]
        by_pair = {n: p.variables for n, p in zip(names, report.pairs, strict=True)}
        for row in rows[7:]:
            v = next(
                v
                for v in by_pair[cell(row, "coders")]
                if v.variable == cell(row, "variable") and v.distance == cell(row, "distance")
            )
            assert cell(row, "alpha") == ("-" if v.alpha is None else f"{v.alpha:.3f}")
            assert cell(row, "units") == str(v.pairable_units)
        shown = screen_text(ui.app)
        assert "Agreement with the final layer" in shown
        assert "1 disagreement has no final codes yet" in shown
        before = cell(rows[7], "units")  # alice,final claim: sentences 1 and 2
        assert before == "2"
        await ui.press("enter")  # the coders' disagreements on claim: sentence 3
        review = ui.app.screen
        assert isinstance(review, ReviewScreen) and review.current is not None
        assert review.current.sentence_id == ids[3]
        await ui.press("2")  # bob's "no claim" is final
        await ui.press("escape")
        screen = await settled(ui)
        assert cell(cells(screen)[7], "units") == "3"
        assert "no final codes yet" not in screen_text(ui.app)
        await ui.press("f")
        screen = await settled(ui)
        assert "Agreement between coders" in screen_text(ui.app)


async def test_figures_are_computed_off_the_ui_thread(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the bootstrap runs (held here until the test lets it go), the alphas are shown,
    the intervals say they are being computed and the keys work; the intervals come after.
    Closing the screen meanwhile drops the late answer."""
    two_coders(store)
    second = store.adjacent_article_id(store.first_article_id() or 0, 1)
    assert second is not None
    for coder in ("alice", "bob"):  # a second article, for the bootstrap to resample
        Store(store.conn, coder).set_no_claim(store.sentences(second)[1].id, True)
    release = threading.Event()
    real = agreement_screen.compute_agreement

    def held(data: Any, *, draws: int, seed: int = 1) -> Any:
        if draws:
            assert threading.current_thread() is not threading.main_thread()
            release.wait(10)
        return real(data, draws=draws, seed=seed)

    monkeypatch.setattr(agreement_screen, "compute_agreement", held)
    async with run_reader(Store(store.conn, "judge"), size=(120, 40)) as ui:
        await ui.press("A")
        screen = ui.app.screen
        assert isinstance(screen, AgreementScreen)
        for _ in range(200):
            if screen.report is not None:
                break
            await ui.pilot.pause(0.02)
        assert screen.computing and screen.report is not None
        assert screen.report.variables[0].interval is None
        rows = cells(screen)
        assert cell(rows[0], "alpha") != "-" and cell(rows[0], "95% interval") == "…"
        assert "computing the 95% intervals (1,000 draws)" in screen_text(ui.app)
        await ui.press("j", "j")
        assert screen.query_one(DataTable).cursor_row == 2
        assert "stance (masi)" in screen_text(ui.app)
        release.set()
        screen = await settled(ui)
        assert screen.report is not None and screen.report.variables[0].ci95 is not None
        assert screen.query_one(DataTable).cursor_row == 2  # the highlight stays
        release.clear()
        await ui.press("f", "escape")  # leave while the final layer's bootstrap is held
        assert ui.app.screen is ui.app.main
        release.set()
        await ui.pilot.pause(0.1)
        assert ui.app.screen is ui.app.main


async def test_blind_mode_shows_the_figures_and_says_whose_work_they_count(store: Store) -> None:
    """Blind coding: the screen opens (it is where the team's work is compared, with the
    review) and a line says what its figures and enter reveal."""
    two_coders(store)
    store.set_setting("blind", "on")
    async with run_reader(Store(store.conn, "alice"), size=(120, 40)) as ui:
        await ui.press("A")
        await settled(ui)
        shown = " ".join(screen_text(ui.app).split())
        assert "Blind coding is on: these figures count every coder's work" in shown


async def test_one_coder_is_told_why_there_are_no_figures(store: Store) -> None:
    """Only this coder has coded: the screen says agreement needs two coders, and enter has
    nothing to open."""
    first = store.sentences(store.first_article_id() or 0)[0]
    store.set_no_claim(first.id, True)
    async with run_reader(store) as ui:
        await ui.press("A")
        screen = await settled(ui)
        assert screen.rows == []
        shown = screen_text(ui.app)
        assert "agreement needs at least two coders who coded; there is only 'tester'" in shown
        await ui.press("enter")
        assert ui.app.screen is screen
        await ui.press("q")
        assert ui.app.screen is ui.app.main


async def test_the_key_is_in_help(store: Store) -> None:
    """? lists A with the other views."""
    async with run_reader(store) as ui:
        views = dict(ui.app.key_groups())["Views"]
        assert ("A", "Agreement between coders") in views
