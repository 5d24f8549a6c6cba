"""How fast Krippendorff's alpha is in ``reader.analysis.agreement``, against reference packages.

Usage::

    python bench/bench_agreement.py [--units 10000] [--per-article 20] [--draws 1000] [--repeat 5]

Generates reliability data like a coding study's: ``--units`` sentences in articles of
``--per-article`` sentences, each decided by two or three of three coders (a third of them by all
three). Three variables: a stance (nine nominal categories), an intensity (1 to 5, interval) and
the set of actors a sentence quotes (MASI: 0 to 3 of 36 actors, 40 % of sentences none), each
coder sometimes disagreeing with the truth. Times, best of ``--repeat``:

* ``agreement()`` against ``krippendorff.alpha`` on the same coders x units matrix (NaN where a
  coder did not decide a sentence; nominal, ordinal and interval), the ratio being ours / theirs;
* for the sets, ``agreement(metric="masi")`` against nltk's ``AnnotationTask(...).alpha()`` with
  ``masi_distance`` (``krippendorff`` takes numbers only, and its per-unit value counts would be
  units x values x values);
* a cluster ``bootstrap`` of ``--draws`` draws over the articles, for each variable.

Checks that both sides give the same alpha (within 1e-9) and prints a Markdown table and the
command line that produced it. numpy is used here only to build the reference package's matrix.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shlex
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import krippendorff  # noqa: E402
import numpy as np  # noqa: E402
from nltk.metrics.agreement import AnnotationTask  # noqa: E402

from reader.analysis.agreement import Metric, agreement, bootstrap, masi_distance  # noqa: E402

CODERS = ("ana", "ben", "cho")
T = TypeVar("T")
Units = dict[int, dict[str, Hashable]]


def generate(units: int, seed: int) -> tuple[Units, Units, Units]:
    """Stance, intensity and actor-set data for ``units`` sentences, decided by 2 or 3 coders."""
    rng = random.Random(seed)
    stance: Units = {}
    intensity: Units = {}
    actors: Units = {}
    for unit in range(units):
        coders = CODERS if rng.random() < 1 / 3 else tuple(rng.sample(CODERS, 2))
        true_stance = rng.choices(range(9), weights=(30, 20, 15, 10, 8, 6, 5, 4, 2))[0]
        true_intensity = rng.randint(1, 5)
        true_actors = (
            frozenset()
            if rng.random() < 0.4
            else frozenset(rng.sample(range(36), rng.choice((1, 1, 1, 2, 2, 3))))
        )
        stance[unit], intensity[unit], actors[unit] = {}, {}, {}
        for coder in coders:
            stance[unit][coder] = true_stance if rng.random() < 0.8 else rng.randrange(9)
            intensity[unit][coder] = min(5, max(1, true_intensity + rng.choice((-1, 0, 0, 0, 1))))
            coded = set(true_actors)
            if coded and rng.random() < 0.15:
                coded.discard(rng.choice(sorted(coded)))
            if rng.random() < 0.15:
                coded.add(rng.randrange(36))
            actors[unit][coder] = frozenset(coded)
    return stance, intensity, actors


def matrix(data: Units) -> np.ndarray:
    """The coders x units reliability matrix ``krippendorff.alpha`` takes, NaN for missing."""
    out = np.full((len(CODERS), len(data)), np.nan)
    for column, coded in enumerate(data.values()):
        for row, coder in enumerate(CODERS):
            if coder in coded:
                out[row, column] = float(coded[coder])  # type: ignore[arg-type]
    return out


def masi(a: frozenset[int], b: frozenset[int]) -> float:
    """nltk's ``masi_distance``, except that two empty sets are equal (nltk divides by zero)."""
    return 0.0 if not a and not b else masi_distance(a, b)


def best(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The fastest of ``repeat`` runs, in seconds, and the result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def reference_alpha(data: Units, metric: Metric) -> tuple[str, Callable[[], float]]:
    """The reference program for ``metric`` and a call computing alpha with it."""
    if metric == "masi":
        triples = [(c, u, v) for u, coded in data.items() for c, v in coded.items()]
        return "nltk `AnnotationTask.alpha`", lambda: AnnotationTask(triples, masi).alpha()
    m = matrix(data)
    return "`krippendorff.alpha`", lambda: krippendorff.alpha(
        reliability_data=m, level_of_measurement=metric
    )


def measure(
    name: str, data: Units, metric: Metric, clusters: dict[int, int], args: argparse.Namespace
) -> tuple[str, bool]:
    """One row of the table, and whether both programs gave the same alpha."""
    ours_s, ours = best(lambda: agreement(data, metric), args.repeat)
    reference, run = reference_alpha(data, metric)
    ref_s, theirs = best(run, args.repeat if metric != "masi" else max(1, args.repeat // 2))
    same = ours.alpha is not None and math.isclose(ours.alpha, float(theirs), abs_tol=1e-9)
    boot_s, interval = best(
        lambda: bootstrap(data, metric, clusters=clusters, draws=args.draws, seed=1),
        max(1, args.repeat // 2),
    )
    distinct = len({v for coded in data.values() for v in coded.values()})
    row = (
        f"| {name} ({metric}) | {ours.values:,} | {distinct:,} | {ours.alpha:.4f} | "
        f"{ours_s * 1000:.1f} ms | {reference} {ref_s * 1000:.1f} ms | "
        f"**{ours_s / ref_s:.2f}** | {'yes' if same else 'NO'} | "
        f"{boot_s:.2f} s [{interval.low:.3f}, {interval.high:.3f}] |"
    )
    return row, same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--per-article", type=int, default=20)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2011)
    args = parser.parse_args(argv)

    stance, intensity, actors = generate(args.units, args.seed)
    clusters = {unit: unit // args.per_article for unit in stance}
    variables: list[tuple[str, Units, Metric]] = [
        ("stance", stance, "nominal"),
        ("intensity", intensity, "ordinal"),
        ("intensity", intensity, "interval"),
        ("actors", actors, "masi"),
    ]
    measured = [measure(name, data, metric, clusters, args) for name, data, metric in variables]

    print(f"`{shlex.join([Path(sys.executable).name, *sys.argv])}`")
    print()
    print(
        f"{args.units:,} sentences in articles of {args.per_article}, each decided by 2 or 3 of "
        f"3 coders; best of {args.repeat} (nltk and the bootstrap: best of "
        f"{max(1, args.repeat // 2)}; {args.draws:,} draws over "
        f"{len(set(clusters.values())):,} articles). Load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    print()
    print(
        "| variable | pairable values | distinct values | alpha | `agreement()` | reference "
        "| ratio | same alpha | `bootstrap()` [95 % interval] |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(row for row, _ in measured))
    return 0 if all(same for _, same in measured) else 1


if __name__ == "__main__":
    sys.exit(main())
