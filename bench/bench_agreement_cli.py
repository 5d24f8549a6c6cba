"""How long ``nkreader agreement`` takes on a study's worth of double coding.

Usage::

    python bench/bench_agreement_cli.py [--sentences 10000] [--per-article 20] [--draws 1000]
                                        [--repeat 3] [--db bench/out/agreement.db]

Builds (once, then reuses) a database of ``--sentences`` sentences in articles of
``--per-article``, with a codebook of 40 actors, three stances (scores 1, 0, -1) and 15 targets,
each sentence decided by two or three of three coders (a third by all three). Four in ten
sentences hold no claim; the others one to three statements, a few actors (the state and its
leader, say) far more often than the rest, three in ten statements without a target. Each coder
departs from that now and then as coders do: misses the claim or sees one that is not there,
drops or adds a statement, picks another stance or target.

Then it times, best of ``--repeat``:

* the Store's query (``decided_sentences``) alone;
* the whole computation the command does, ``read_agreement`` (query, every variable, all
  coders and the three pairs), with ``draws=0`` and with ``--draws`` bootstrap draws;
* the ``nkreader agreement --format json`` command in a new process, with ``--draws 0`` and with
  the bootstrap (Python's start and the imports included);
* ``agreement()`` on ``claim`` against ``krippendorff.alpha`` on the same coders x units matrix
  (NaN where a coder did not decide the sentence), checking they agree within 1e-9.

Each time is the fastest run by the wall clock and by the processor time used (the process's own,
or the child's for the command), which other work on a shared machine inflates less. Prints
Markdown tables and the command line that produced them. The target: under 1 s of processor
time without the bootstrap. Exits 1 when it is missed or the alphas differ.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import krippendorff  # noqa: E402
import numpy as np  # noqa: E402

from reader.analysis.agreement import agreement  # noqa: E402
from reader.analysis.variables import build_variables  # noqa: E402
from reader.db import open_database, transaction  # noqa: E402
from reader.exchange.agreement import read_agreement  # noqa: E402
from reader.store import Store  # noqa: E402

CODERS = ("ana", "ben", "chloé")
ACTORS = 40
TARGETS = 15
STANCES = (("support", "Support", 1.0), ("neutral", "Neutral", 0.0), ("oppose", "Oppose", -1.0))
TARGET_SECONDS = 1.0
T = TypeVar("T")
Statement = tuple[int, int, int | None]


def truth(rng: random.Random) -> set[Statement]:
    """What a sentence really says: no claim (40 %) or one to three statements."""
    if rng.random() < 0.4:
        return set()
    actors = rng.choices(range(1, ACTORS + 1), weights=[40 / a for a in range(1, ACTORS + 1)], k=3)
    return {
        (
            actor,
            rng.choices((1, 2, 3), (5, 2, 4))[0],
            None if rng.random() < 0.3 else rng.randint(1, TARGETS),
        )
        for actor in actors[: rng.choice((1, 1, 1, 2, 2, 3))]
    }


def coded(rng: random.Random, statements: set[Statement]) -> set[Statement]:
    """One coder's reading of ``statements``, now and then departing from it."""
    mine = set(statements)
    if mine and rng.random() < 0.06:
        return set()  # missed the claim
    if not mine and rng.random() < 0.08:
        return {(rng.randint(1, ACTORS), rng.randint(1, 3), rng.randint(1, TARGETS))}
    changed = set()
    for actor, stance, target in mine:
        if rng.random() < 0.08:
            stance = rng.randint(1, 3)
        if rng.random() < 0.1:
            target = None if rng.random() < 0.3 else rng.randint(1, TARGETS)
        if rng.random() < 0.05:
            actor = rng.randint(1, ACTORS)
        changed.add((actor, stance, target))
    if len(changed) > 1 and rng.random() < 0.1:
        changed.discard(rng.choice(sorted(changed, key=str)))
    if changed and rng.random() < 0.08:
        changed.add((rng.randint(1, ACTORS), rng.randint(1, 3), rng.randint(1, TARGETS)))
    return changed


def build(path: Path, sentences: int, per_article: int, seed: int) -> None:
    """A new database at ``path``: bulk inserts in one transaction, no Store overhead."""
    rng = random.Random(seed)
    db = open_database(path)
    conn = db.conn
    stamp = "2024-06-01T00:00:00.000+00:00"
    articles = math.ceil(sentences / per_article)
    sentence_text = "Officials said the talks would resume next week. "
    with transaction(db):
        conn.executemany(
            "INSERT INTO stances (id, key, label, score, position) VALUES (?, ?, ?, ?, ?)",
            [(i, key, label, score, i) for i, (key, label, score) in enumerate(STANCES, 1)],
        )
        conn.executemany(
            "INSERT INTO actors (id, name) VALUES (?, ?)",
            [(i, f"Actor {i:02d}") for i in range(1, ACTORS + 1)],
        )
        conn.executemany(
            "INSERT INTO targets (id, name) VALUES (?, ?)",
            [(i, f"Target {i}") for i in range(1, TARGETS + 1)],
        )
        conn.executemany(
            "INSERT INTO articles (id, title, text, source, content_hash, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (a, f"Article {a}", sentence_text * per_article, f"bench/{a}.txt", f"h{a}", stamp)
                for a in range(1, articles + 1)
            ],
        )
        width = len(sentence_text)
        conn.executemany(
            'INSERT INTO sentences (id, article_id, position, start, "end", paragraph)'
            " VALUES (?, ?, ?, ?, ?, 0)",
            [
                (
                    s + 1,
                    s // per_article + 1,
                    s % per_article,
                    (s % per_article) * width,
                    (s % per_article + 1) * width - 1,
                )
                for s in range(sentences)
            ],
        )
        annotations: list[tuple[object, ...]] = []
        statuses: list[tuple[object, ...]] = []
        for sentence in range(1, sentences + 1):
            said = truth(rng)
            coders = CODERS if rng.random() < 1 / 3 else rng.sample(CODERS, 2)
            for coder in coders:
                mine = coded(rng, said)
                if not mine:
                    statuses.append((sentence, coder, "no_claim", stamp))
                annotations.extend(
                    (sentence, actor, stance, target, coder, stamp, stamp)
                    for actor, stance, target in sorted(mine, key=str)
                )
        conn.executemany(
            "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id, annotator,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            annotations,
        )
        conn.executemany(
            "INSERT INTO sentence_status (sentence_id, annotator, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            statuses,
        )
    db.close()


@dataclass
class Timing:
    """The fastest of several runs: wall-clock seconds, and the processor seconds it used (its
    own, or its child process's), which a machine busy with other work inflates less."""

    wall: float
    cpu: float


def best(run: Callable[[], T], repeat: int) -> tuple[Timing, T]:
    """The fastest of ``repeat`` runs (by wall clock and by processor time), and the result."""
    walls, cpus = [], []
    for _ in range(repeat):
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time()
        start = time.perf_counter()
        result = run()
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        cpus.append(time.process_time() - cpu + child)
    return Timing(min(walls), min(cpus)), result


def command(db: Path, draws: int) -> Callable[[], None]:
    """Run ``nkreader agreement --format json`` in a new process."""
    argv = [sys.executable, "-m", "reader", "agreement", "--db", str(db), "--format", "json"]
    argv += ["--draws", str(draws)]

    def run() -> None:
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--per-article", type=int, default=20)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "agreement.db")
    args = parser.parse_args(argv)

    db: Path = args.db
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        build(db, args.sentences, args.per_article, args.seed)
    store = Store(open_database(db), "bench")
    coders = store.coders()
    query, sentences = best(lambda: store.decided_sentences(coders), args.repeat)
    plain, report = best(lambda: read_agreement(store, draws=0), args.repeat)
    boot, booted = best(lambda: read_agreement(store, draws=args.draws), 1)
    cli_plain, _ = best(command(db, 0), args.repeat)
    cli_boot, _ = best(command(db, args.draws), 1)

    scores = {i: score for i, (_, _, score) in enumerate(STANCES, 1)}
    claim = build_variables(sentences, scores)[0]
    assert claim.name == "claim"
    matrix = np.full((len(coders), len(claim.units)), np.nan)
    for column, values in enumerate(claim.units.values()):
        for row, coder in enumerate(coders):
            if coder in values:
                matrix[row, column] = 1.0 if values[coder] == "claim" else 0.0
    ours_t, ours = best(lambda: agreement(claim.units, "nominal"), args.repeat * 3)
    ref_t, theirs = best(
        lambda: krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"),
        args.repeat * 3,
    )
    same = ours.alpha is not None and math.isclose(ours.alpha, float(theirs), abs_tol=1e-9)
    store.close()

    values = sum(len(s.decisions) for s in sentences)
    statements = sum(len(d.statements) for s in sentences for d in s.decisions.values())
    print(f"`{shlex.join([Path(sys.executable).name, *sys.argv])}`")
    print()
    print(
        f"{len(sentences):,} sentences decided by 2 or 3 of {len(coders)} coders ({values:,} "
        f"decisions, {statements:,} statements) in articles of {args.per_article}; "
        f"{len(report.variables)} variable entries for all coders and each of "
        f"{len(report.pairs)} pairs; best of {args.repeat} (the bootstrap: one run of "
        f"{args.draws:,} draws per entry). Load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    print()
    print("| what | wall clock | processor time |")
    print("|---|---|---|")
    rows = [
        ("`Store.decided_sentences` (the query)", query),
        ("`read_agreement(draws=0)`: query and every alpha, all coders and each pair", plain),
        (f"`read_agreement(draws={args.draws})`: the same with every bootstrap", boot),
        ("`nkreader agreement --format json --draws 0` (a new process)", cli_plain),
        (f"`nkreader agreement --format json` (a new process, {args.draws:,} draws)", cli_boot),
        ("`claim`: `agreement()`", ours_t),
        ("`claim`: `krippendorff.alpha` on the coders x sentences matrix", ref_t),
    ]
    for name, timing in rows:
        print(f"| {name} | {_shown(timing.wall)} | {_shown(timing.cpu)} |")
    print()
    print(
        f"`claim`: alpha {ours.alpha:.6f} here, {float(theirs):.6f} from `krippendorff` "
        f"({'equal' if same else 'DIFFERENT'} within 1e-9); time ratio ours / theirs "
        f"**{ours_t.cpu / ref_t.cpu:.2f}** (processor time)."
    )
    print()
    print("| variable | distance | alpha | given claim | 95 % interval | units |")
    print("|---|---|---|---|---|---|")
    for v in booted.variables:
        ci = f"[{v.ci95[0]:.3f}, {v.ci95[1]:.3f}]" if v.ci95 else "-"
        given = "" if v.alpha_given_claim is None else f"{v.alpha_given_claim:.3f}"
        alpha = "-" if v.alpha is None else f"{v.alpha:.3f}"
        print(f"| {v.variable} | {v.distance} | {alpha} | {given} | {ci} | {v.pairable_units:,} |")
    return 0 if same and plain.cpu < TARGET_SECONDS else 1


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
