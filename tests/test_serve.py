"""nkreader serve: coders and their passwords, the lock on a name, and served readers driven
through textual-serve's websocket into a terminal emulator (``tests/served.py``)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from click.testing import CliRunner
from served import ENTER, ESCAPE, Tab, add_coder, served

from reader.cli.commands import cli
from reader.cli.serving import is_loopback, session_command, unencrypted_warning
from reader.store import Store
from reader.store.coders import MAX_FAILURES

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _events(db: Path, action: str) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT annotator, after FROM events WHERE action = ? ORDER BY id", [action]
        ).fetchall()


# -- coders in the Store and on the command line --------------------------------------------------


def test_passwords_are_stored_only_as_salted_scrypt_hashes(store: Store) -> None:
    """The coders table holds scrypt with its parameters and a salt, never the password; two
    coders with one password get different hashes."""
    store.add_coder("alice", "same secret")
    store.add_coder("bob", "same secret")
    stored = dict(store.conn.execute("SELECT name, password FROM coders").fetchall())
    assert all(value.startswith("scrypt$n=32768,r=8,p=1$") for value in stored.values())
    assert stored["alice"] != stored["bob"]
    assert "same secret" not in " ".join(stored.values())
    dumped = "\n".join(store.conn.iterdump())
    assert "same secret" not in dumped
    assert store.log_in("alice", "same secret").ok
    assert not store.log_in("alice", "other").ok
    assert [c.name for c in store.login_coders()] == ["alice", "bob"]


def test_five_wrong_passwords_lock_a_name_for_a_minute(store: Store) -> None:
    """The fifth wrong password in a row locks the name (logged); while locked even the right
    password is refused; a minute later it works; an unknown name is answered alike."""
    store.add_coder("alice", "right")
    for i in range(MAX_FAILURES - 1):
        result = store.log_in("alice", "wrong", at=T0 + timedelta(seconds=i))
        assert (result.ok, result.message) == (False, "wrong name or password")
    locked = store.log_in("alice", "wrong", at=T0 + timedelta(seconds=5))
    assert not locked.ok and locked.locked_until is not None and "locked" in locked.message
    assert not store.log_in("alice", "right", at=T0 + timedelta(seconds=30)).ok
    assert store.login_coders(at=T0 + timedelta(seconds=30))[0].locked_until is not None
    assert store.log_in("alice", "right", at=T0 + timedelta(seconds=66)).ok
    [(who, after)] = _events(store.path or Path(), "locked")
    assert who == "alice" and after is not None and '"failures": 5' in after
    assert [who for who, _ in _events(store.path or Path(), "login")] == ["alice"]
    for i in range(MAX_FAILURES):
        nobody = store.log_in("mallory", "guess", at=T0 + timedelta(seconds=i))
    assert not nobody.ok and nobody.locked_until is not None


def test_a_new_password_lifts_the_lock_and_removal_keeps_the_codes(store: Store) -> None:
    """coders passwd replaces the hash and unlocks; remove stops logins, the codes stay."""
    store.add_coder("alice", "old")
    for i in range(MAX_FAILURES):
        store.log_in("alice", "wrong", at=T0 + timedelta(seconds=i))
    store.set_password("alice", "new")
    assert store.log_in("alice", "new", at=T0 + timedelta(seconds=6)).ok
    store.remove_coder("alice")
    assert not store.log_in("alice", "new").ok
    assert store.login_coders() == []


def test_coders_commands(db_path: Path, store: Store) -> None:
    """coders add (stdin), list, passwd, remove through the CLI; a duplicate, an unknown name and
    an empty password are one-line errors."""
    runner = CliRunner()
    db = ["--db", str(db_path)]
    added = runner.invoke(cli, ["coders", "add", "alice", "--password-stdin", *db], input="pw\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(cli, ["coders", "add", "alice", "--password-stdin", *db], input="x\n")
    assert again.exit_code == 1 and "is a coder already" in again.output
    empty = runner.invoke(cli, ["coders", "add", "bob", "--password-stdin", *db], input="\n")
    assert empty.exit_code == 1 and "password is empty" in empty.output
    prompted = runner.invoke(cli, ["coders", "add", "bob", *db], input="s3cret\ns3cret\n")
    assert prompted.exit_code == 0, prompted.output
    listed = runner.invoke(cli, ["coders", "list", *db])
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["alice", "bob"]
    changed = runner.invoke(cli, ["coders", "passwd", "bob", "--password-stdin", *db], input="n\n")
    assert changed.exit_code == 0
    assert Store(sqlite3.connect(db_path), "x").log_in("bob", "n").ok
    unknown = runner.invoke(cli, ["coders", "passwd", "carol", "--password-stdin", *db], input="n")
    assert unknown.exit_code == 1 and "no coder named carol" in unknown.output
    assert runner.invoke(cli, ["coders", "remove", "bob", *db]).exit_code == 0
    assert runner.invoke(cli, ["coders", "remove", "bob", *db]).exit_code == 1


def test_serve_refuses_without_coders_and_warns_off_loopback(db_path: Path, store: Store) -> None:
    """No coder: serve says how to add one. Loopback hosts are told apart from others, which
    get the warning about unencrypted traffic; the command line is fixed by the server."""
    result = CliRunner().invoke(cli, ["serve", "--db", str(db_path)])
    assert result.exit_code == 1 and "nkreader coders add NAME" in result.output
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "::", "example.org"))
    assert "unencrypted" in unencrypted_warning("0.0.0.0", 8000)
    assert session_command(db_path).endswith(f"-m reader.cli.session {db_path}")


# -- served readers through the websocket ---------------------------------------------------------


@pytest.fixture
def team_db(db_path: Path, store: Store) -> Path:
    """The seeds and codebook, and two coders who can log in."""
    store.close()
    add_coder(db_path, "alice", "alice-pw")
    add_coder(db_path, "bob", "bob-pw")
    return db_path


def _codes(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT annotator, sentence_id FROM annotations ORDER BY id").fetchall()


async def _code_first_sentence(tab: Tab) -> None:
    """a, enter (the suggested actor), 1 (support), enter (the target): one code."""
    await tab.type("a")
    await tab.wait_until("Actor")
    await tab.type(ENTER)
    await tab.wait_until("Stance")
    await tab.type("1")
    await tab.wait_until("Target")
    await tab.type(ENTER)
    await tab.wait_until(lambda text: "Target" not in text and "1/66 sentences" in text)


async def test_served_login_codes_as_the_coder_never_the_environment(team_db: Path) -> None:
    """A tab shows only the login screen (help and the palette stay shut, no download route
    serves anything); the logged-in coder codes a sentence and it is in the database under
    their name, though the server was started with NKREADER_ANNOTATOR=mallory."""
    with served(team_db, env={"NKREADER_ANNOTATOR": "mallory"}) as url:
        async with Tab(url) as tab:
            before = await tab.wait_until("Password")
            await tab.type("?")  # typed into the name field, not help
            await tab.type("\x10")  # ctrl+p: no palette before a login
            await asyncio.sleep(0.5)
            for text in (before, tab.text):
                assert "Japan" not in text and "Sentence" not in text and "palette" not in text
            async with aiohttp.ClientSession() as http, http.get(f"{url}/download/x") as r:
                assert r.status == 404
            await tab.type("\x7falice" + ENTER)  # backspace the "?"; enter moves on
            await tab.type("alice-pw" + ENTER)
            await tab.wait_until("Sentence 1 of")
            assert "coder alice" in tab.text
            await _code_first_sentence(tab)
    assert _codes(team_db) == [("alice", 1)]
    assert [who for who, _ in _events(team_db, "login")] == ["alice"]
    with sqlite3.connect(team_db) as conn:
        assert (
            conn.execute("SELECT count(*) FROM events WHERE annotator = 'mallory'").fetchone()[0]
            == 0
        )


async def test_wrong_passwords_are_refused_and_lock_the_name_across_tabs(team_db: Path) -> None:
    """Wrong passwords are refused at the login screen; five of them, typed in two tabs, lock
    the name in both, so even the right one is refused until the minute is over."""
    with served(team_db) as url:
        async with Tab(url) as first, Tab(url) as second:
            await first.wait_until("Password")
            await second.wait_until("Password")
            await first.type("alice\t")
            await second.type("alice\t")
            for tab, tries in ((first, 3), (second, 2)):
                for _ in range(tries):
                    await tab.type("nope" + ENTER)
                    await tab.wait_until(lambda t: "Wrong name or password" in t or "locked" in t)
                    await asyncio.sleep(0.3)
            await second.wait_until("locked until")
            await first.type("alice-pw" + ENTER)
            await first.wait_until("locked until")
            assert "Sentence" not in first.text
    [(who, _)] = _events(team_db, "locked")
    assert who == "alice"
    assert _codes(team_db) == []


async def test_blind_mode_holds_for_the_second_coder_served(team_db: Path) -> None:
    """With blind coding on, bob logged in beside alice sees none of her codes; with it off,
    her code shows on his screen."""
    with sqlite3.connect(team_db) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('blind', 'on')")
    with served(team_db) as url:
        async with Tab(url) as alice:
            await alice.log_in("alice", "alice-pw")
            await _code_first_sentence(alice)
            async with Tab(url) as bob:
                await bob.log_in("bob", "bob-pw")
                await bob.wait_until("coder bob")
                assert "alice" not in bob.text
                assert "0/66" in bob.text
        with sqlite3.connect(team_db) as conn:
            conn.execute("UPDATE settings SET value = 'off' WHERE key = 'blind'")
        async with Tab(url) as bob:
            await bob.log_in("bob", "bob-pw")
            await bob.wait_until("alice")
    assert _codes(team_db) == [("alice", 1)]


async def test_export_in_the_browser_is_a_download(team_db: Path, tmp_path: Path) -> None:
    """x then enter in a served reader sends the CSV to the browser (a download key, then the
    file at /download/KEY) and writes nothing beside the server."""
    with served(team_db) as url:
        async with Tab(url) as tab:
            await tab.log_in("alice", "alice-pw")
            await _code_first_sentence(tab)
            await tab.type("x")
            await tab.wait_until("your browser downloads it")
            await tab.type(ENTER)
            await tab.wait_until("sent to your browser")
            [key] = [m[1] for m in tab.messages if m[0] == "deliver_file_start"]
            async with aiohttp.ClientSession() as http, http.get(f"{url}/download/{key}") as r:
                assert r.status == 200
                assert "attachment; filename=annotations.csv" in r.headers["Content-Disposition"]
                body = await r.text()
            await tab.type(ESCAPE)
    assert body.splitlines()[0].startswith("annotation_id,")
    assert ",alice," in body.splitlines()[1]
    assert sorted(p.name for p in tmp_path.iterdir() if "csv" in p.name) == []
