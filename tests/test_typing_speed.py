"""The real reader in a terminal, typed into faster than it can draw: nothing is lost or
misapplied. (Pilot waits for the app after every key, so only a real terminal shows this.)"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from tests.test_durability import WAIT_S, Terminal, long_article_db

__all__ = ["long_article_db"]  # the fixture, shared with the crash test

ROUNDS = 50


def annotations(db: Path) -> list[tuple[int, int, int | None]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT sentence_id, stance_id, target_id FROM annotations ORDER BY id"
        ).fetchall()
    conn.close()
    return rows


def test_fifty_annotations_typed_without_a_pause(long_article_db: Path) -> None:
    """`a enter 1 9 j` fifty times in one write to the terminal, with no gap between keys:
    fifty annotations on fifty sentences, each with support and the ninth target."""
    term = Terminal(long_article_db)
    try:
        term.first_place()
        term.press(b"a\r19j" * ROUNDS)
        end = time.monotonic() + WAIT_S * 3
        while len(annotations(long_article_db)) < ROUNDS and time.monotonic() < end:
            term.pump(0.1)
        time.sleep(0.5)  # a fifty-first would have landed by now
        term.pump(0.1)
    finally:
        term.kill()
    stored = annotations(long_article_db)
    with sqlite3.connect(f"file:{long_article_db}?mode=ro", uri=True) as conn:
        support = conn.execute("SELECT id FROM stances ORDER BY position LIMIT 1").fetchone()[0]
        ninth = conn.execute("SELECT id FROM targets ORDER BY id LIMIT 1 OFFSET 8").fetchone()[0]
    conn.close()
    assert len(stored) == ROUNDS
    assert len({sentence for sentence, _, _ in stored}) == ROUNDS
    assert {(stance, target) for _, stance, target in stored} == {(support, ninth)}
