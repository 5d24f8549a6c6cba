"""Coding as a team: blind coding, assignments with an overlap sample, progress per coder."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from click.testing import CliRunner

from reader.cli.commands import cli
from reader.db import open_database
from reader.exchange.importing import import_paths
from reader.store import Store
from tests.helpers import run_reader


def corpus(store: Store, folder: Path, count: int = 30) -> list[int]:
    """``count`` small articles of three sentences each."""
    folder.mkdir()
    for n in range(count):
        (folder / f"{n:03d}.txt").write_text(
            f"Story {n}\n\nJapan urged China to act. China said no. Talks went on.\n"
        )
    results = import_paths(store, [folder])
    return [int(r.article_id or 0) for r in results]


def test_assign_gives_every_article_and_shares_an_overlap(store: Store, tmp_path: Path) -> None:
    """Every article goes to one coder; 20% (at least one per pair) to two; each pair of coders
    shares articles; the same seed gives the same split."""
    corpus(store, tmp_path / "news")
    articles = store.article_count()
    plan = store.assign(["alice", "bob", "carol"], 0.2, seed=7)
    rows = store.conn.execute("SELECT article_id, annotator, overlap FROM assignments").fetchall()
    per_article: dict[int, set[str]] = {}
    for article, coder, _ in rows:
        per_article.setdefault(article, set()).add(coder)
    assert len(per_article) == articles == plan.total
    shared = [coders for coders in per_article.values() if len(coders) == 2]
    assert len(shared) == round(0.2 * articles)
    for pair in combinations(["alice", "bob", "carol"], 2):
        assert any(set(pair) == coders for coders in shared), pair
    again = store.assign(["alice", "bob", "carol"], 0.2, seed=7)
    assert again == plan
    assert sorted(store.conn.execute("SELECT * FROM assignments").fetchall()) == sorted(rows)


def test_assign_and_progress_through_the_commands(store: Store, db_path: Path) -> None:
    """assign prints each coder's share, --show lists it, progress counts coded / total per
    coder and over the overlap sample."""
    store.close()
    runner = CliRunner()
    made = runner.invoke(cli, ["assign", "--coders", "alice,bob", "--overlap", "0.5",
                               "--seed", "1", "--db", str(db_path)])  # fmt: skip
    assert made.exit_code == 0, made.output
    shown = runner.invoke(cli, ["assign", "--show", "--db", str(db_path)])
    assert shown.stdout.splitlines()[0].split() == ["coder", "articles", "overlap"]
    alice = Store(open_database(db_path), "alice")
    article = alice.first_article_id()
    assert article is not None
    first = alice.sentences(article)[0]
    alice.set_no_claim(first.id, True)
    alice.close()
    progress = runner.invoke(cli, ["progress", "--db", str(db_path)])
    assert progress.exit_code == 0, progress.output
    lines = {line.split()[0]: line.split() for line in progress.stdout.splitlines()[2:]}
    assert lines["alice"][2].startswith("1/")
    assert lines["bob"][2].startswith("0/")


def test_blind_setting_is_kept_and_logged(store: Store, db_path: Path) -> None:
    """config blind on is stored for everyone and logged; config shows it."""
    store.close()
    runner = CliRunner()
    assert runner.invoke(cli, ["config", "blind", "on", "--db", str(db_path)]).exit_code == 0
    shown = runner.invoke(cli, ["config", "--db", str(db_path)]).stdout
    assert shown == "blind\ton\ndates\tmonth-first\n"
    other = Store(open_database(db_path), "bob")
    assert other.blind
    [event] = other.events(limit=1)
    assert (event.action, event.entity) == ("config", "setting")


async def test_blind_reader_shows_only_the_coders_own_codes(store: Store) -> None:
    """With blind on, bob's badge and panel leave out alice's code; the header says blind."""
    alice = Store(store.conn, "alice")
    sentence = alice.sentences(alice.first_article_id() or 0)[0]
    alice.add_annotation(sentence.id, alice.actors()[0].id, alice.stances()[0].id)
    store.set_setting("blind", "on")
    bob = Store(store.conn, "bob")
    async with run_reader(bob) as ui:
        main = ui.app.main
        assert "blind" in main.status_bar.text
        assert main.annotations.get(sentence.id, []) == []
        assert "alice" not in main.panel.text
    store.set_setting("blind", "off")
    async with run_reader(Store(store.conn, "bob")) as ui:
        assert "alice" in ui.app.main.panel.text


async def test_assigned_coder_walks_their_own_queue(store: Store, tmp_path: Path) -> None:
    """With assignments, the list holds the coder's articles, ] goes to the next of them, and
    o shows every article again."""
    corpus(store, tmp_path / "news", 6)
    store.assign(["alice", "bob"], 0, seed=3)
    alice = Store(store.conn, "alice")
    mine = [
        int(r[0])
        for r in store.conn.execute(
            "SELECT article_id FROM assignments WHERE annotator = 'alice' ORDER BY article_id"
        )
    ]
    async with run_reader(alice) as ui:
        main = ui.app.main
        assert main.article_list.count == len(mine)
        assert main.current_article_id == mine[0]
        for _ in main.sentences:
            await ui.press("space")
        await ui.press("right_square_bracket")
        assert main.current_article_id == mine[1]
        await ui.press("o")
        assert main.article_list.count == store.article_count()
