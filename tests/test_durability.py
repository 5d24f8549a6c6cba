"""Nothing the reader said was saved is ever lost: SIGKILL mid-coding, and two processes at once.

The crash test drives the real ``nkreader`` process in a pseudo-terminal, codes with the keys a
coder uses, kills it with SIGKILL at seeded random moments and checks the file after each kill.
"""

from __future__ import annotations

import fcntl
import os
import pty
import random
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.db import BUSY_TIMEOUT_MS, StoreError, known_migrations, open_database
from reader.exchange.codebook_file import load_default_codebook
from reader.exchange.importing import import_paths, import_seeds
from reader.store import Store

REPO = Path(__file__).resolve().parent.parent
CODER = "crash"
CODED = re.compile("·  ".encode() + rb"(\d[\d,]*)/[\d,]+ sentences coded")
"""The status bar's progress: how many sentences the screen says this coder has coded (the
separator before it ensures the whole number is matched)."""
POSITION = re.compile(rb"Sentence (\d[\d,]*) of")
PICKERS = {"actor": b"suggestion", "stance": b"1-9 or", "target": b"0 none"}
"""Text from each picker's key line, proof that it is on the screen and takes keys."""
KILL_ROUNDS = int(os.environ.get("NKREADER_CRASH_ROUNDS", "30"))
KILL_SEED = int(os.environ.get("NKREADER_CRASH_SEED", "20240611"))
BUDGET_S = float(os.environ.get("NKREADER_CRASH_BUDGET", "30"))
"""After the first ``MIN_KILLS`` kills, no new round starts once this many seconds have passed:
a slow or busy machine makes fewer kills instead of taking much longer."""
MIN_KILLS = 10
"""Kills made however long they take: the test never passes on a handful of kills."""
WAIT_S = 30.0
"""How long one step (a start, a key's screen) may take: far beyond what a loaded machine needs,
so only a hung or broken app reaches it."""


def number(raw: bytes) -> int:
    return int(raw.replace(b",", b""))


def shows_sentence(place: int) -> re.Pattern[bytes]:
    return re.compile(rb"Sentence %d of" % place)


class Terminal:
    """One ``nkreader`` process on a 120x40 pseudo-terminal, and everything it has drawn.

    A frame may arrive in several reads, and the app paints some screens more than once, so
    every check searches all the output (or all of it since a key was sent), never one read.
    """

    def __init__(self, db: Path) -> None:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": "120",
            "LINES": "40",
            "PYTHONPATH": str(REPO),
        }
        env.pop("NKREADER_DB", None)
        # Relative to ``cwd``: a short path keeps the status bar's progress on the screen.
        argv = [sys.executable, "-m", "reader", "--db", db.name, "--annotator", CODER]
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before Textual asks, then become nkreader
            try:
                os.chdir(db.parent)
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                os.execve(sys.executable, argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self.open = True

    def pump(self, seconds: float) -> None:
        """Read what the app draws until it pauses for ``seconds`` (or the terminal closes)."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        while self.open and ready:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:  # EIO: the app is gone and everything it wrote has been read
                chunk = b""
            if not chunk:
                self.open = False
                return
            self.output += chunk
            ready, _, _ = select.select([self.fd], [], [], 0)

    def wait_for(self, found: Callable[[], bool], what: str) -> None:
        """Read until ``found()``; fail only if the app dies or hangs for ``WAIT_S``."""
        end = time.monotonic() + WAIT_S
        while not found():
            if not self.open or time.monotonic() > end:
                tail = bytes(self.output[-1500:]).decode("utf-8", "replace")
                raise AssertionError(f"nkreader never showed {what}; last output: {tail!r}")
            self.pump(0.05)

    def counts(self, since: int = 0) -> list[int]:
        """Every progress count the status bar has shown (after byte ``since``)."""
        return [number(m.group(1)) for m in CODED.finditer(self.output, since)]

    def shown_coded(self, since: int = 0) -> int | None:
        """The highest progress count the status bar has shown (after byte ``since``)."""
        return max(self.counts(since), default=None)

    def first_place(self) -> int:
        """Wait for the first full screen (progress and place); return the sentence it shows."""
        self.wait_for(
            lambda: (
                CODED.search(self.output) is not None and POSITION.search(self.output) is not None
            ),
            "its first screen",
        )
        first = POSITION.search(self.output)
        assert first is not None
        return number(first.group(1))

    def press(self, key: bytes) -> int:
        """Send one key; return where the output stood before it, to wait for what follows."""
        mark = len(self.output)
        os.write(self.fd, key)
        return mark

    def shows_after(self, mark: int, text: bytes | re.Pattern[bytes]) -> bool:
        if isinstance(text, bytes):
            return self.output.find(text, mark) >= 0
        return text.search(self.output, mark) is not None

    def kill(self) -> None:
        """SIGKILL, then read all the app had written to the terminal before it died."""
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        end = time.monotonic() + WAIT_S
        while self.open and time.monotonic() < end:
            self.pump(0.05)
        os.close(self.fd)
        self.open = False


def in_order(values: list[int]) -> list[int]:
    """``values`` without repeats in a row: the progress counts as the screen went through them."""
    return [value for index, value in enumerate(values) if index == 0 or values[index - 1] != value]


def first_uncoded(db: Path, place: int) -> int:
    """The first sentence from ``place`` on (numbered as on screen, from 1) that the file holds
    as neither annotated nor marked by the coder."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM annotations x WHERE x.annotator = ?1"
            " AND x.sentence_id = s.id) OR EXISTS (SELECT 1 FROM sentence_status t"
            " WHERE t.annotator = ?1 AND t.sentence_id = s.id) FROM sentences s"
            " ORDER BY s.article_id, s.position",
            [CODER],
        ).fetchall()
    conn.close()
    return next(index + 1 for index in range(place - 1, len(rows)) if not rows[index][0])


def start(db: Path, coded: int) -> tuple[Terminal, int]:
    """Start nkreader and bring it to an uncoded sentence; return that sentence's number.

    The start must be clean: its first screen shows exactly ``coded``, the count the file holds.
    If the app reopens on a sentence coded just before a kill, ``]`` moves on to the next
    uncoded one. The wait is then for that sentence's number, not for any number: the app may
    still be repainting its first screen, at the old place, when ``]`` arrives.
    """
    term = Terminal(db)
    try:
        place = term.first_place()
        assert set(term.counts()) == {coded}, "the start does not show what the file holds"
        target = first_uncoded(db, place)
        if target != place:
            mark = term.press(b"]")
            moved = shows_sentence(target)
            term.wait_for(lambda: term.shows_after(mark, moved), f"sentence {target}")
    except BaseException:
        term.kill()
        raise
    return term, target


def flow_keys(kind: str) -> list[tuple[bytes, bytes | None]]:
    """The keys of one coding act, each with what to wait for before the next key."""
    if kind == "annotate":
        return [
            (b"a", PICKERS["actor"]),
            (b"\r", PICKERS["stance"]),
            (b"1", PICKERS["target"]),
            (b"\r", None),  # then: the progress count goes up
            (b"j", None),  # then: the next sentence is shown
        ]
    return [(b" ", None)]  # "no claim", which also moves on


def run_flow(
    term: Terminal, kind: str, coded: int, place: int, stop_after: int | None = None
) -> tuple[int, int]:
    """Code sentence ``place`` with keys, waiting for each screen; return the progress shown
    after, and the sentence then shown.

    With ``stop_after``, only that many keys are sent, without waiting for the last one.
    """
    for index, (key, expect) in enumerate(flow_keys(kind)):
        mark = term.press(key)
        if stop_after is not None and index + 1 == stop_after:
            return coded, place
        if expect is not None:
            term.wait_for(lambda m=mark, e=expect: term.shows_after(m, e), repr(expect))
        elif key in (b"\r", b" "):
            term.wait_for(
                lambda m=mark: (term.shown_coded(m) or 0) > coded, f"progress above {coded}"
            )
        if key in (b"j", b" "):
            moved = shows_sentence(place + 1)
            term.wait_for(lambda m=mark, p=moved: term.shows_after(m, p), f"sentence {place + 1}")
    assert term.shown_coded() == coded + 1
    return coded + 1, place + 1


def database_state(db: Path) -> tuple[int, int, int]:
    """(sentences coded by the coder, annotations, events), checking the file is sound."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        coded = conn.execute(
            "SELECT count(*) FROM (SELECT sentence_id FROM annotations WHERE annotator = ?"
            " UNION SELECT sentence_id FROM sentence_status WHERE annotator = ?)",
            [CODER, CODER],
        ).fetchone()[0]
        annotations = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        # A row and its event-log entry are one transaction: never one without the other.
        orphans = conn.execute(
            "SELECT count(*) FROM annotations x WHERE NOT EXISTS (SELECT 1 FROM events e"
            " WHERE e.entity = 'annotation' AND e.entity_id = x.id AND e.action = 'add')"
        ).fetchone()[0]
        assert orphans == 0
    conn.close()
    return int(coded), int(annotations), int(events)


@pytest.fixture
def long_article_db(tmp_path: Path) -> Path:
    """The default codebook and one 400-sentence article, so coding never runs out of text."""
    sentences = " ".join(
        f"Japan urged China on day {n} to press North Korea over its missile tests."
        for n in range(400)
    )
    article = tmp_path / "long.txt"
    article.write_text(f"Talks on North Korea\n\n{sentences}\n", encoding="utf-8")
    db_path = tmp_path / "crash.db"
    db = Store(open_database(db_path), "tester")
    load_default_codebook(db)
    [result] = import_paths(db, [article])
    assert result.status == "imported"
    db.conn.close()
    return db_path


def test_sigkill_never_loses_what_the_screen_confirmed(long_article_db: Path) -> None:
    """Killed at random points while coding: all it showed as saved is in a sound file."""
    rng = random.Random(KILL_SEED)
    db = long_article_db
    started = time.monotonic()
    coded, annotations, events = database_state(db)
    kills = 0
    while kills < KILL_ROUNDS and (kills < MIN_KILLS or time.monotonic() - started < BUDGET_S):
        term, place = start(db, coded)
        start_coded = coded
        try:
            for _ in range(rng.randint(0, 3)):
                kind = "annotate" if rng.random() < 0.8 else "no_claim"
                coded, place = run_flow(term, kind, coded, place)
            kind = "annotate" if rng.random() < 0.8 else "no_claim"
            stop_after = rng.randint(1, len(flow_keys(kind)))
            confirmed, _ = run_flow(term, kind, coded, place, stop_after=stop_after)
            time.sleep(rng.uniform(0, 0.08))  # lands the kill at varied moments of the flow
        finally:
            term.kill()
        kills += 1
        shown = term.shown_coded() or 0
        # The progress went from the file's count at the start up by one per change, never
        # skipping or going back.
        steps = in_order(term.counts())
        assert steps == list(range(start_coded, shown + 1)), f"the progress went {steps}"
        now_coded, now_annotations, now_events = database_state(db)
        assert now_coded >= max(shown, confirmed), "a change the screen showed as saved is lost"
        assert now_coded <= confirmed + 1, "more in the file than the one change in flight"
        assert now_annotations >= annotations and now_events >= events
        coded, annotations, events = now_coded, now_annotations, now_events
    assert kills >= MIN_KILLS, f"only {kills} kills: NKREADER_CRASH_ROUNDS is below {MIN_KILLS}"
    final, _ = start(db, coded)
    final.kill()
    assert coded >= kills // 2  # the run really coded, it did not only start and stop


# -- two processes, one database ---------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from reader.db import open_database
    from reader.store import Store

    path, coder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(open_database(path), coder)
    actors = [a.id for a in store.actors()][:6]
    stances = [s.id for s in store.stances()]
    sentences = [s.id for a in (1, 2, 3) for s in store.sentences(a)]
    combos = [(s, a, t) for a in actors for t in stances for s in sentences]
    for sentence, actor, stance in combos[:count]:
        store.add_annotation(sentence, actor, stance, None, f"{coder} {sentence}")
    print("done", count)
    """
)


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database file with the default codebook and the seed articles."""
    monkeypatch.chdir(REPO)
    path = tmp_path / "shared.db"
    db = Store(open_database(path), "tester")
    load_default_codebook(db)
    import_seeds(db)
    db.conn.close()
    return path


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_two_processes_write_hundreds_each_and_all_land(seeded: Path) -> None:
    """Two processes adding 300 annotations each at once: 600 rows, no lock error surfaces."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(seeded), coder, "300"],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for coder in ("alice", "bob")
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert "locked" not in err and out.strip() == "done 300"
    with sqlite3.connect(seeded) as conn:
        counts = dict(
            conn.execute("SELECT annotator, count(*) FROM annotations GROUP BY annotator")
        )
        events = conn.execute("SELECT count(*) FROM events WHERE entity = 'annotation'")
        assert counts == {"alice": 300, "bob": 300}
        assert events.fetchone()[0] == 600
    conn.close()


def test_processes_creating_one_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    """Several processes opening the same new file together: the schema is applied once."""
    path = tmp_path / "new.db"
    script = "import sys; from reader.db import open_database; open_database(sys.argv[1])"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            env=child_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
    with sqlite3.connect(path) as conn:
        steps = conn.execute("SELECT name FROM _sqlite_migrations").fetchall()
    conn.close()
    assert steps == [(name,) for name in known_migrations()]


@pytest.fixture
def lock_holder(seeded: Path) -> Iterator[sqlite3.Connection]:
    """Another connection that holds the write lock, with an uncommitted annotation."""
    conn = sqlite3.connect(seeded, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO annotations (sentence_id, actor_id, stance_id, annotator, created_at,"
        " updated_at) VALUES (1, 1, 1, 'holder', 'now', 'now')"
    )
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def one_annotation(store: Store) -> None:
    sentence = store.sentences(1)[2]
    store.add_annotation(sentence.id, store.actors()[0].id, store.stances()[0].id)


def test_write_gives_up_with_a_clear_message_when_the_lock_never_frees(
    seeded: Path, lock_holder: sqlite3.Connection
) -> None:
    """Past the busy timeout the write is a StoreError naming the file; nothing is half-written."""
    store = Store(open_database(seeded, busy_timeout_ms=150), "alice")
    with pytest.raises(StoreError) as caught:
        one_annotation(store)
    assert str(caught.value) == (
        f"another nkreader process is busy writing to {seeded.resolve()}; try again"
    )
    assert not store.conn.in_transaction
    lock_holder.execute("ROLLBACK")
    one_annotation(store)  # the same store works once the lock is free
    assert [a.annotator for a in store.annotations_for_sentence(store.sentences(1)[2].id)] == [
        "alice"
    ]
    store.close()


def test_write_waits_for_a_lock_that_frees_within_the_timeout(
    seeded: Path, lock_holder: sqlite3.Connection
) -> None:
    """A write that meets another writer's lock waits for it, then succeeds."""
    assert BUSY_TIMEOUT_MS >= 5_000
    store = Store(open_database(seeded), "alice")
    release = threading.Timer(0.3, lambda: lock_holder.execute("COMMIT"))
    release.start()
    one_annotation(store)
    release.join()
    with sqlite3.connect(seeded) as conn:
        rows = conn.execute("SELECT annotator FROM annotations ORDER BY id").fetchall()
    conn.close()
    assert rows == [("holder",), ("alice",)]
    store.close()


def test_export_runs_while_another_process_holds_the_write_lock(
    seeded: Path, lock_holder: sqlite3.Connection
) -> None:
    """`nkreader export` reads the committed rows while a write transaction is open elsewhere."""
    store = Store(open_database(seeded), "alice")
    lock_holder.execute("ROLLBACK")
    one_annotation(store)
    store.close()
    lock_holder.execute("BEGIN IMMEDIATE")
    lock_holder.execute(
        "INSERT INTO annotations (sentence_id, actor_id, stance_id, annotator, created_at,"
        " updated_at) VALUES (1, 1, 1, 'holder', 'now', 'now')"
    )
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", "--db", str(seeded)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and ",alice," in lines[1]  # the header, then the committed row
