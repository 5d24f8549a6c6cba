"""A large, realistic news corpus for benchmarks, built from real sentences.

Synthetic lorem-ipsum text splits and indexes very differently from news prose (no abbreviations,
no quotations, uniform lengths), so the corpus recombines real sentences: the gold sentences of the
GUM news articles and the sentences of the seed articles. The same arguments always give the same
files, so runs on different days measure the same work.

Usage from another benchmark::

    from corpus import build_corpus
    files = build_corpus(out_dir, 10_000, gold=GOLD, seeds=SEEDS)
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.text.sentences import split_sentences  # noqa: E402

GOLD = ROOT.parent / "shared" / "bench" / "gum_news_gold.json"
"""The GUM news gold data, next to the repository (``../shared/bench``)."""

SEEDS = ROOT / "seeds"

SEED = 20_240_601
"""The random seed: fixed, so the corpus is the same on every run."""


def sentence_pool(gold: Path, seeds: Path) -> list[str]:
    """Every real sentence available: gold sentences plus the seed articles' sentences."""
    pool: list[str] = []
    for document in json.loads(gold.read_text(encoding="utf-8")):
        text = document["text"]
        pool.extend(text[start:end] for start, end in document["spans"])
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        pool.extend(text[span.start : span.end] for span in split_sentences(text))
    cleaned = (" ".join(sentence.split()) for sentence in pool)
    return [sentence for sentence in cleaned if len(sentence.split()) >= 3]


def _headline(rng: random.Random, pool: list[str]) -> str:
    """A headline-like first line: the opening words of a real sentence, no end punctuation."""
    words = rng.choice(pool).split()[: rng.randint(5, 12)]
    return " ".join(words).rstrip(".!?:;,\"'”’")


def article_text(rng: random.Random, pool: list[str]) -> str:
    """A title line, a blank line, then 8-40 paragraphs of 1-4 sentences, blank-line separated."""
    paragraphs = [
        " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
        for _ in range(rng.randint(8, 40))
    ]
    return _headline(rng, pool) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def build_corpus(out_dir: Path, n: int, gold: Path = GOLD, seeds: Path = SEEDS) -> list[Path]:
    """Write ``n`` articles as ``out_dir/NNNNN.txt`` (UTF-8) and return their paths in order."""
    pool = sentence_pool(gold, seeds)
    rng = random.Random(SEED)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index in range(n):
        path = out_dir / f"{index:05d}.txt"
        path.write_text(article_text(rng, pool), encoding="utf-8")
        paths.append(path)
    return paths
