"""How fast mention detection is compared with one plain regular-expression scan of the same text.

Usage::

    python bench/bench_mentions.py [--articles 10000] [--gold PATH] [--seeds DIR] [--repeat 3]
        [--rank-articles 100]

Builds a corpus of real news sentences (see ``bench/corpus.py``), then in the same run times, over
every article text already in memory, (a) one scan with ``re.finditer(r"\\b[A-Z][a-z]+\\b", text)``
(every capitalised word: about the least work any name finder must do) and (b)
``MentionFinder.find`` with a codebook of 50 and of 5,000 actors: the default codebook plus
generated, plausible actors (persons with titled aliases, ministries, agencies, cities). The target
is detection time at most twice the plain scan for both sizes. Each timing is the best of
``--repeat`` runs. Prints a Markdown table and the command line that produced it.

Then it times what the actor picker does with those mentions, per sentence, over the first
``--rank-articles`` articles split into sentences, with the default codebook: ranking one sentence
(``suggest_actors``) and, when the checkout has it, ranking it read after the sentences before it
(``suggest_actor_groups``). Each is the best of ``--repeat`` runs.

Last, the options for a codebook that changes (``--no-codebook`` skips them), with the default
codebook and with 5,000 actors: reading the codebook from a database (``Store.codebook``);
building the finder, split into what a copy cached in the database could hold (the terms and
the pattern's text) and what it could not (compiling the pattern: ``re`` keeps no compiled
pattern on disk); adding one actor as the picker did before (the codebook read again and the
finder rebuilt) and with ``MentionFinder.add`` (median of 20 actors added one after another);
and the scan of every text after those 20 additions (two patterns) against the finder built
with them (one pattern).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shlex
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEEDS, build_corpus  # noqa: E402

from reader.models import Actor  # noqa: E402
from reader.text import mentions  # noqa: E402
from reader.text.mentions import MentionFinder  # noqa: E402
from reader.text.sentences import split_sentences  # noqa: E402

SYLLABLES = tuple(
    [
        "ka",
        "ki",
        "ko",
        "ta",
        "to",
        "na",
        "no",
        "ha",
        "hi",
        "mo",
        "ra",
        "ri",
        "ya",
        "yo",
        "shi",
        "chi",
        "wa",
        "an",
        "ber",
        "mar",
        "lin",
        "son",
        "ton",
        "ley",
        "vic",
        "dor",
        "gar",
        "sel",
        "mil",
        "ros",
        "tan",
        "vek",
        "jin",
        "wei",
        "han",
        "zhu",
        "park",
        "choi",
        "kov",
        "ski",
        "ova",
        "el",
        "ia",
    ]
)
TITLES = (
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Senator",
    "General",
)
COUNTRIES = tuple(
    [
        "Aldoria",
        "Borvania",
        "Caldera",
        "Dravonia",
        "Estmark",
        "Fenwick",
        "Galdor",
        "Hestia",
        "Istria",
        "Jorvik",
        "Kalmar",
        "Lutea",
        "Mordania",
        "Norland",
        "Ostrava",
        "Pellaria",
        "Quarnia",
        "Rovenia",
        "Sylvania",
        "Tarsis",
        "Umbria",
        "Valdoria",
        "Westria",
    ]
)
BODIES = (
    "Ministry of Finance",
    "Defense Agency",
    "Central Bank",
    "Foreign Ministry",
    "Coast Guard",
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def default_actors() -> list[Actor]:
    """The actors of the codebook that ships with nkreader, as the Store would return them."""
    text = (resources.files("reader") / "data" / "codebook.toml").read_text("utf-8")
    entries = tomllib.loads(text)["actors"]
    return [
        Actor(i, e["name"], e.get("kind", "other"), tuple(e.get("aliases", ())))
        for i, e in enumerate(entries, 1)
    ]


def codebook(size: int) -> list[Actor]:
    """The default actors plus generated ones up to ``size``: names and aliases a codebook holds."""
    actors = default_actors()
    rng = random.Random(size)
    names = {a.name for a in actors}
    while len(actors) < size:
        roll = rng.random()
        if roll < 0.7:
            first, last = _word(rng), _word(rng)
            name = f"{first} {last}"
            title = rng.choice(TITLES)
            aliases: tuple[str, ...] = (last, f"{title} {last}", f"{title} {name}")
            kind = "person"
        elif roll < 0.9:
            country = rng.choice(COUNTRIES)
            name = f"{country} {rng.choice(BODIES)} {_word(rng)}"
            aliases = (f"{country}'s {name.split(' ', 1)[1]}",)
            kind = "organization"
        else:
            name = f"{_word(rng)}ia"
            aliases = (f"{name}n", _word(rng))
            kind = "state"
        if name not in names:
            names.add(name)
            actors.append(Actor(len(actors) + 1, name, kind, aliases))
    return actors


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def ranking_rows(texts: Sequence[str], repeat: int) -> list[str]:
    """Microseconds per sentence to rank the actor suggestions, alone and in its article."""
    actors = default_actors()
    finder = MentionFinder(actors)
    articles = [[text[s.start : s.end] for s in split_sentences(text)] for text in texts]
    found = [finder.find_in_article(sentences) for sentences in articles]
    count = sum(len(sentences) for sentences in articles)

    def alone() -> None:
        for sentences, article in zip(articles, found, strict=True):
            for sentence, sentence_mentions in zip(sentences, article, strict=True):
                mentions.suggest_actors(sentence, actors, [], finder, sentence_mentions)

    rows = [
        f"| `suggest_actors`, the sentence alone | {best_of(repeat, alone) / count * 1e6:.0f} |"
    ]
    groups = getattr(mentions, "suggest_actor_groups", None)
    if groups is not None:

        def in_article() -> None:
            for sentences, article in zip(articles, found, strict=True):
                for position in range(len(sentences)):
                    groups(sentences, position, actors, [], finder, article)

        seconds = best_of(repeat, in_article)
        rows.append(
            f"| `suggest_actor_groups`, read in its article | {seconds / count * 1e6:.0f} |"
        )
    return [f"{count:,} sentences of {len(texts):,} articles, default codebook\n", *rows]


def median_of(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def codebook_rows(texts: Sequence[str], repeat: int) -> list[str]:
    """Milliseconds of each option when the codebook changes, and the scan after additions."""
    from reader.db import open_database
    from reader.store import Store
    from reader.text.mentions import _trie_regex

    rows = []
    for size in (len(default_actors()), 5_000):
        actors = codebook(size + 20)
        kept, new = actors[:size], actors[size:]
        with tempfile.TemporaryDirectory() as folder:
            store = Store(open_database(Path(folder) / "codebook.db"), "bench")
            with store.conn:
                store.conn.executemany(
                    "INSERT INTO actors (id, name, kind, aliases) VALUES (?, ?, ?, ?)",
                    [(a.id, a.name, a.kind, json.dumps(list(a.aliases))) for a in kept],
                )
            read = best_of(repeat, store.codebook)
            store.close()
        build = best_of(repeat, lambda k=kept: MentionFinder(k))  # type: ignore[misc]
        finder = MentionFinder(kept)
        terms = [*finder._by_term, *finder._surnames]
        text = best_of(repeat, lambda t=terms: _trie_regex(t))  # type: ignore[misc]
        pattern = _trie_regex(terms)

        def compile_once(p: str = pattern) -> None:
            re.purge()
            re.compile(p)

        compiled = best_of(repeat, compile_once)
        adds = []
        for actor in new:
            began = time.perf_counter()
            finder.add(actor)
            adds.append(time.perf_counter() - began)
        grown = best_of(repeat, lambda f=finder: [f.find(t) for t in texts])  # type: ignore[misc]
        rebuilt = MentionFinder(actors)
        whole = best_of(repeat, lambda f=rebuilt: [f.find(t) for t in texts])  # type: ignore[misc]
        same = all(finder.find(t) == rebuilt.find(t) for t in texts)
        rows.append(
            f"| {size:,} | {read * 1e3:.1f} | {build * 1e3:.0f} | {text * 1e3:.0f}"
            f" | {compiled * 1e3:.0f} | {(read + build) * 1e3:.0f}"
            f" | {median_of(adds) * 1e3:.2f} | {grown / whole:.2f} | {'yes' if same else 'NO'} |"
        )
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rank-articles", type=int, default=100)
    parser.add_argument(
        "--codebook",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the options for a codebook that changes (last table)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        paths = build_corpus(Path(folder), args.articles, args.gold, args.seeds)
        texts = [path.read_text(encoding="utf-8") for path in paths]
    megabytes = sum(len(t) for t in texts) / 1e6
    plain = re.compile(r"\b[A-Z][a-z]+\b")
    baseline = best_of(args.repeat, lambda: [list(plain.finditer(t)) for t in texts])
    rows = [f"| plain scan `\\b[A-Z][a-z]+\\b` | - | {baseline:.3f} | 1.00 | - |"]
    for size in (50, 5_000):
        actors = codebook(size)
        began = time.perf_counter()
        finder = MentionFinder(actors)
        build = time.perf_counter() - began
        found = sum(len(finder.find(t)) for t in texts)
        seconds = best_of(args.repeat, lambda f=finder: [f.find(t) for t in texts])  # type: ignore[misc]
        rows.append(
            f"| MentionFinder.find, {size:,} actors | {build * 1000:.0f} | {seconds:.3f}"
            f" | {seconds / baseline:.2f} | {found:,} |"
        )
    print(f"{len(texts):,} articles, {megabytes:.1f} MB of text, best of {args.repeat} runs\n")
    print("| scan | build (ms) | seconds | × plain scan | mentions |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    ranking = ranking_rows(texts[: args.rank_articles], args.repeat)
    print(f"\n{ranking[0]}")
    print("| ranking the picker's suggestions | µs per sentence |")
    print("|---|---:|")
    print("\n".join(ranking[1:]))
    if args.codebook:
        print(
            "\n| actors | read codebook (ms) | build finder (ms) | of it: terms and pattern"
            " text, cacheable (ms) | compile, not cacheable (ms) | add an actor before: read +"
            " build (ms) | add an actor: `MentionFinder.add` (ms) | scan after 20 adds ×"
            " rebuilt | same mentions |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        print("\n".join(codebook_rows(texts[:1000], args.repeat)))
    print(f"\nCommand: python {shlex.join(sys.argv)}")


if __name__ == "__main__":
    main()
