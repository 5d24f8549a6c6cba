"""What the article filter asks of the Store on a keystroke, timed on databases already built.

Usage::

    python bench/bench_filter.py DB [DB ...] [--queries n,nu,nuclear] [--repeat 5]

For each database (made by ``bench/bench_million.py`` or ``bench/bench_tui.py``, its search index
caught up) and each query, as the reader asks on a keystroke: the count of matching articles
(``article_count``), the open article's place among them (``article_index``, for an article in
the middle), the first window of the list (``article_summaries``) and the next article
(``adjacent_article_id``); the best of ``--repeat`` runs, after one untimed run of every query
(which learns the tokenizer's table). Prints a Markdown table with the command line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.db import open_database  # noqa: E402
from reader.store import Store  # noqa: E402

WINDOW = 50
"""Rows of the list's first window."""


def keystroke(store: Store, query: str, middle: int, repeat: int) -> list[float]:
    """Milliseconds, best of ``repeat``, of each call the list makes for ``query``: the count,
    the place of the article ``middle``, the first window and the article after ``middle``."""
    calls: list[Callable[[], object]] = [
        lambda: store.article_count(query),
        lambda: store.article_index(middle, query),
        lambda: store.article_summaries(0, WINDOW, query),
        lambda: store.adjacent_article_id(middle, 1, query),
    ]
    figures = []
    for call in calls:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        figures.append(min(times) * 1000)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", type=Path)
    parser.add_argument("--queries", default="n,nu,nuclear,nuclear talks")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    queries = [q for q in args.queries.split(",") if q]
    print(f"`python bench/bench_filter.py {' '.join(sys.argv[1:])}` (best of {args.repeat})")
    print()
    print("| database | articles | query | matches | count | place | first window | next |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for path in args.databases:
        store = Store(open_database(path), "bench-filter")
        total = store.article_count()
        middle = store.article_ids()[total // 2]
        for query in queries:
            store.article_count(query)
        for query in queries:
            matches = store.article_count(query)
            figures = keystroke(store, query, middle, args.repeat)
            cells = " | ".join(f"{ms:.1f} ms" for ms in figures)
            print(f"| {path.name} | {total:,} | `{query}` | {matches:,} | {cells} |")
        store.close()


if __name__ == "__main__":
    main()
