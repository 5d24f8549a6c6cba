"""What finding near-duplicates costs an import, and how well it finds them.

Usage::

    python bench/bench_near_duplicates.py [--articles 10000] [--copies 0.1] [--repeat 3]

Builds the import benchmark's corpus (``bench/corpus.py``: real news sentences recombined), then
turns a share of its files (``--copies``) into edited copies of others, as wire stories reach
many outlets: 0 to 3 words in 100 replaced, so their Jaccard similarity with the story they copy
runs from 1.0 down to about 0.75, on both sides of the 0.9 threshold.

In the same run, alternating, fastest of ``--repeat`` rounds each, it imports the folder into a
new database (a) with ``near_duplicates="keep"`` (no sketches, no lookups: the import as it was)
and (b) with ``"mark"`` (the default). The target is (b) / (a) <= 1.5.

Then it checks detection against exact Jaccard on a sample (``--sample`` articles: edited copies
with the stories they copy, and others drawn at random), imported on its own with ``mark``:
every pair of the sample's articles is compared on its exact shingle sets, and an article is truly
a near-copy when some earlier article of the sample has Jaccard >= 0.9 with it. The targets are
precision and recall >= 0.95. (The corpus recombines a pool of a few thousand real sentences, so
unrelated articles share sentences too; all pairs of the whole corpus would take hours.)

With ``datasketch`` installed it also times datasketch's MinHash (the same number of hash
functions, its ``update_batch``) on the same texts beside ``reader.text.shingles.sketches``.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import GOLD, SEEDS, build_corpus  # noqa: E402

from reader.db import open_database  # noqa: E402
from reader.exchange.importing import import_paths, summarize  # noqa: E402
from reader.store import Store  # noqa: E402
from reader.text import shingles  # noqa: E402
from reader.text.decoding import normalise  # noqa: E402

TARGET_COST = 1.5
TARGET_QUALITY = 0.95


def make_copies(paths: list[Path], share: float, seed: int = 11) -> list[tuple[int, int]]:
    """Overwrite ``share`` of the files with edited copies of other files: (copy, source) each."""
    rng = random.Random(seed)
    count = int(len(paths) * share)
    targets = rng.sample(range(len(paths)), count)
    chosen = set(targets)
    made = []
    for target in targets:
        source = rng.choice([i for i in rng.sample(range(len(paths)), 5) if i not in chosen] or [0])
        made.append((target, source))
        text = paths[source].read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        words = body.split(" ")
        for _ in range(len(words) * rng.randint(0, 3) // 100):
            words[rng.randrange(len(words))] = f"w{rng.randrange(10**6)}"
        paths[target].write_text(f"Copy: {title}\n" + " ".join(words), encoding="utf-8")
    return made


def timed_import(folder: Path, db_path: Path, mode: str) -> tuple[tuple[float, float], Store]:
    """Wall-clock and CPU seconds (the process's, both threads') of one import, and its Store."""
    store = Store(open_database(db_path), "bench")
    start, cpu = time.perf_counter(), time.process_time()
    results = import_paths(store, [folder], near_duplicates=mode)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start, time.process_time() - cpu
    summary = summarize(results)
    if summary.failed:
        print(f"warning: {summary.failed} failed", file=sys.stderr)
    return seconds, store


def sample_files(paths: list[Path], made: list[tuple[int, int]], size: int, folder: Path) -> Path:
    """Copy a sample into ``folder``, in the corpus's order: copies with their sources first,
    then other articles at random, ``size`` in all."""
    rng = random.Random(3)
    chosen: set[int] = set()
    for target, source in made:
        if len(chosen) + 2 > size * 2 // 3:
            break
        chosen.update((target, source))
    others = [i for i in range(len(paths)) if i not in chosen]
    chosen.update(rng.sample(others, max(0, size - len(chosen))))
    folder.mkdir()
    for index in sorted(chosen):
        (folder / paths[index].name).write_bytes(paths[index].read_bytes())
    return folder


def exact_truth(store: Store) -> tuple[set[int], int]:
    """The articles with Jaccard >= 0.9 to an earlier one, comparing every pair's exact shingle
    sets, and how many pairs were compared."""
    rows = store.conn.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall()
    sets = [(i, shingles.shingle_set(shingles.body_text(text, title))) for i, title, text in rows]
    truth = set()
    pairs = 0
    for n, (b, later) in enumerate(sets):
        for _, earlier in sets[:n]:
            pairs += 1
            if shingles.jaccard(earlier, later) >= shingles.THRESHOLD:
                truth.add(b)
                break
    return truth, pairs


def compare_datasketch(texts: list[str]) -> str | None:
    try:
        from datasketch import MinHash
    except ImportError:
        return None
    start = time.perf_counter()
    for text in texts:
        words = text.lower().split()
        grams = {" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)}
        sketch = MinHash(num_perm=shingles.BANDS * shingles.ROWS)
        sketch.update_batch(list(grams))
    theirs = time.perf_counter() - start
    start = time.perf_counter()
    for first in range(0, len(texts), 500):
        shingles.sketches(texts[first : first + 500])
    ours = time.perf_counter() - start
    return (
        f"sketching {len(texts):,} texts: datasketch MinHash(num_perm=32).update_batch "
        f"{theirs:.2f} s, reader.text.shingles.sketches {ours:.2f} s ({theirs / ours:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--copies", type=float, default=0.1, help="share of edited copies")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1000, help="articles compared exactly")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nkreader-neardup-") as tmp:
        folder = Path(tmp) / "corpus"
        paths = build_corpus(folder, args.articles, GOLD, SEEDS)
        made = make_copies(paths, args.copies)
        copies = len(made)
        plain: list[tuple[float, float]] = []
        marked: list[tuple[float, float]] = []
        store: Store | None = None
        for round_ in range(max(1, args.repeat)):
            seconds, other = timed_import(folder, Path(tmp) / f"keep{round_}.db", "keep")
            other.close()
            plain.append(seconds)
            seconds, store = timed_import(folder, Path(tmp) / f"mark{round_}.db", "mark")
            marked.append(seconds)
            if round_ < args.repeat - 1:
                store.close()
        assert store is not None
        corpus_copies = store.near_copy_count()
        store.close()
        sample = sample_files(paths, made, args.sample, Path(tmp) / "sample")
        _, store = timed_import(sample, Path(tmp) / "sample.db", "mark")
        found = {i for (i,) in store.conn.execute("SELECT article_id FROM near_duplicates")}
        truth, pairs = exact_truth(store)
        store.close()
        texts = [normalise(path.read_text(encoding="utf-8")) for path in paths[:2000]]
    hit = len(found & truth)
    precision = hit / len(found) if found else 1.0
    recall = hit / len(truth) if truth else 1.0
    wall = min(m[0] for m in marked) / min(p[0] for p in plain)
    cpu = min(m[1] for m in marked) / min(p[1] for p in plain)
    rounds = ", ".join(f"{m[0] / p[0]:.2f}" for m, p in zip(marked, plain, strict=True))
    cpu_rounds = ", ".join(f"{m[1] / p[1]:.2f}" for m, p in zip(marked, plain, strict=True))
    ratio = max(wall, cpu)
    print(f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print(
        f"{os.cpu_count()} CPU cores; {args.articles:,} articles, {copies:,} of them edited copies"
    )
    print(f"(0-3 words in 100 replaced); fastest of {args.repeat} alternating rounds.\n")
    print("| import | seconds | CPU seconds | articles/s |")
    print("|---|---:|---:|---:|")
    for name, runs in (("keep` (no detection)", plain), ("mark` (the default)", marked)):
        best = min(run[0] for run in runs)
        print(
            f"| `--near-duplicates {name} | {best:.2f} | {min(run[1] for run in runs):.2f} "
            f"| {args.articles / best:,.0f} |"
        )
    verdict = "meets" if ratio <= TARGET_COST else "misses"
    print(
        f"\nmark / keep: wall {wall:.2f} (rounds {rounds}), CPU {cpu:.2f} (rounds {cpu_rounds}); "
        f"the larger, {ratio:.2f}, {verdict} the target of <= {TARGET_COST}"
    )
    print(f"near-copies marked in the whole corpus: {corpus_copies:,}")
    quality = "meet" if min(precision, recall) >= TARGET_QUALITY else "miss"
    print(
        f"sample of {args.sample:,} against exact Jaccard ({pairs:,} pairs compared): "
        f"{len(truth):,} true "
        f"near-copies, {len(found):,} marked, precision {precision:.3f}, recall {recall:.3f} "
        f"({quality} the target of >= {TARGET_QUALITY})"
    )
    line = compare_datasketch(texts)
    if line:
        print(line)


if __name__ == "__main__":
    main()
