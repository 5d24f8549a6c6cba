"""How fast the article filter answers while the search index has not caught up.

Usage::

    python bench/bench_search.py [--articles 100000] [--repeat 3] [--gold PATH] [--seeds DIR]

Builds a database of news articles from real sentences (``bench/corpus.py``; one in ten also
has a paragraph with German or French accents, one in twenty a Korean one), inserted without
indexing them, as an import leaves them. Then times, for a few queries, what the reader asks on
each keystroke of a search, ``article_count`` and then the first window of
``article_summaries``: (a) with every article past the index (scanned, cutting and folding
words as the index's tokenizer does: ``reader.store.tokenizer.SCAN``), on a new connection, so
the count reads every article and the window after it is answered from the connection's memory
of that query; (b) the same database after ``update_search_index`` (FTS5 alone); (c) for
reference, the scan the filter used before, ``instr(lower(title), ?) OR instr(lower(text), ?)``
per word, which folded ASCII only and matched inside words. Also times learning the
tokenizer's table, once per process. Fastest of ``--repeat`` runs each; prints a Markdown table
and the command line.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEED, SEEDS, article_text, sentence_pool  # noqa: E402

from reader.db import open_database, transaction  # noqa: E402
from reader.store import Store, tokenizer  # noqa: E402

QUERIES = ("pyongyang", "nuclear talks", "über", "평양", "zzzz", "n")
"""A name, two words, a word with an umlaut, a Korean word, no match, one letter typed."""

GERMAN = "Die Gespräche über Nordkoreas Atomprogramm sollen im März in Genf weitergehen."
FRENCH = "Séoul s'est dit « très déçu » après l'essai nucléaire annoncé à Pyongyang."
KOREAN = "북한은 오늘 평양에서 핵 실험을 했다고 발표했다. 한국 정부는 강하게 비난했다."


def build(path: Path, articles: int, gold: Path, seeds: Path) -> Store:
    """A database of ``articles`` articles, none of them in the search index."""
    pool = sentence_pool(gold, seeds)
    rng = random.Random(SEED)
    store = Store(open_database(path), "bench")
    rows = []
    for number in range(articles):
        text = article_text(rng, pool).strip()
        if number % 10 == 3:
            text += "\n\n" + rng.choice((GERMAN, FRENCH))
        if number % 20 == 7:
            text += "\n\n" + KOREAN
        title = text.partition("\n")[0]
        digest = hashlib.sha256(f"{number} {text}".encode()).hexdigest()
        rows.append((title, text, f"{number:06d}.txt", digest, "2024-06-01T00:00:00.000+00:00"))
    with transaction(store.conn):
        store.conn.executemany(
            "INSERT INTO articles (title, text, source, content_hash, imported_at)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return store


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` runs of ``work`` and what it returned."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def cold_search(path: Path, repeat: int, query: str) -> tuple[float, float, tuple[int, list[int]]]:
    """The fastest count and window after it, each time on a new connection (which has no
    answers to remember yet), and what they gave."""
    counts, windows = [], []
    found: tuple[int, list[int]] = (0, [])
    for _ in range(repeat):
        store = Store(open_database(path), "bench")
        start = time.perf_counter()
        count = store.article_count(query)
        middle = time.perf_counter()
        window = [s.id for s in store.article_summaries(0, 50, query)]
        windows.append(time.perf_counter() - middle)
        counts.append(middle - start)
        found = (count, window)
        store.close()
    return min(counts), min(windows), found


def search(store: Store, query: str) -> tuple[int, list[int]]:
    """What the reader asks on a keystroke: the count and the first window of the list."""
    return store.article_count(query), [s.id for s in store.article_summaries(0, 50, query)]


def old_scan(store: Store, query: str) -> int:
    """The count the filter's earlier scan gave over the articles past the index."""
    words = [word.lower() for word in query.split()]
    scan = " AND ".join(["(instr(lower(title), ?) OR instr(lower(text), ?))"] * len(words))
    sql = f"SELECT count(*) FROM articles WHERE {scan}"
    return int(store.conn.execute(sql, [w for w in words for _ in (0, 1)]).fetchone()[0])


def run(articles: int, repeat: int, gold: Path, seeds: Path) -> None:
    start = time.perf_counter()
    tokenizer.words()
    learn = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="nkreader-bench-") as tmp:
        path = Path(tmp) / "search.db"
        store = build(path, articles, gold, seeds)
        backlog = store.search_backlog()
        scanned = {q: cold_search(path, repeat, q) for q in QUERIES}
        old = {q: best_of(repeat, lambda q=q: old_scan(store, q)) for q in QUERIES}
        start = time.perf_counter()
        store.update_search_index()
        index = time.perf_counter() - start
        indexed = {q: best_of(repeat, lambda q=q: search(store, q)) for q in QUERIES}
        store.close()
    print(f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print(f"{articles:,} articles, {backlog:,} of them past the index; fastest of {repeat} runs.")
    print(f"Learning the tokenizer's table: {learn:.2f} s, once per process;")
    print(f"indexing every article afterwards (`update_search_index`): {index:.1f} s.\n")
    print(
        "| query | matches | scan: count | then first 50 | index: count + first 50 | same "
        "| old scan: count | old count |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for query in QUERIES:
        count_s, window_s, found = scanned[query]
        index_s, index_found = indexed[query]
        old_s, old_count = old[query]
        same = "yes" if found == index_found else "**no**"
        print(
            f"| `{query}` | {found[0]:,} | {count_s:.2f} s | {window_s * 1000:.0f} ms "
            f"| {index_s * 1000:.0f} ms | {same} | {old_s:.2f} s | {old_count:,} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    args = parser.parse_args()
    run(args.articles, args.repeat, args.gold, args.seeds)


if __name__ == "__main__":
    main()
