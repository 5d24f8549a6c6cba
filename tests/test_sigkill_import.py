"""A killed import (SIGKILL, mid-run) leaves only whole articles, and running it again resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reader.text.sentences import split_sentences

ARTICLES = 3000


def write_corpus(folder: Path) -> dict[str, int]:
    """``ARTICLES`` small files, each its own text; the number of sentences each splits into."""
    folder.mkdir()
    expected = {}
    for n in range(ARTICLES):
        text = f"Story {n}\n\n" + " ".join(
            f"Officials in city {n} said on day {day} that talks would go on." for day in range(9)
        )
        (folder / f"{n:05d}.txt").write_text(text, encoding="utf-8")
        expected[f"{n:05d}.txt"] = len(split_sentences(text))
    return expected


def stored(db: Path) -> list[tuple[str, int, int, int]]:
    """Each article's source, sentence count, and lowest and highest position."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(
            "SELECT a.source, count(s.id), coalesce(min(s.position), -1),"
            " coalesce(max(s.position), -1)"
            " FROM articles a LEFT JOIN sentences s ON s.article_id = a.id GROUP BY a.id"
        ).fetchall()
    finally:
        conn.close()


def count_articles(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def check_whole(db: Path, expected: dict[str, int]) -> int:
    """Every stored article has all its sentences, numbered 0..n-1; none is stored twice."""
    rows = stored(db)
    names = [Path(source).name for source, *_ in rows]
    assert len(names) == len(set(names))
    for (source, count, low, high), name in zip(rows, names, strict=True):
        assert (count, low, high) == (expected[name], 0, expected[name] - 1), source
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = "SELECT count(*) FROM sentences WHERE article_id NOT IN (SELECT id FROM articles)"
        assert conn.execute(orphans).fetchone()[0] == 0
    finally:
        conn.close()
    return len(rows)


def test_a_killed_import_leaves_whole_articles_and_resumes(tmp_path: Path) -> None:
    """SIGKILL once some batches are committed: each stored article has all its sentences;
    the same command again imports exactly the rest."""
    expected = write_corpus(tmp_path / "news")
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "reader", "--db", str(db), "import", str(tmp_path / "news")]
    env = {**os.environ, "NKREADER_ANNOTATOR": "tester"}
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and count_articles(db) == 0 and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = check_whole(db, expected)
    assert 0 < before < ARTICLES  # killed mid-import, after a batch was committed
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert check_whole(db, expected) == ARTICLES
