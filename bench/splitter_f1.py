"""Score sentence splitters against gold boundaries and time them.

Usage::

    python bench/splitter_f1.py [--gold PATH] [--seconds S]

Prints a Markdown table with boundary precision, recall and F1, exact-sentence
accuracy and throughput for ``reader.text.sentences.split_sentences`` and for every
candidate library that is installed.  A boundary is the end offset of a
sentence once trailing whitespace is stripped; a sentence counts as exact when
both its stripped start and end match a gold sentence.  Candidates are run one
line at a time, as ``split_sentences`` treats every line break as a boundary,
so the comparison measures the splitters and not the paragraph handling.

Throughput is the number of sentences each splitter returns per second while
it goes over the gold texts again and again for at least ``--seconds``; the
best of three such passes is reported.  Import time is measured in a fresh
interpreter.  The machine is shared and noisy: compare rows of one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.text.sentences import split_sentences  # noqa: E402

Span = tuple[int, int]
LineSplitter = Callable[[str], list[Span]]


def _tight(text: str, start: int, end: int) -> Span:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, line)`` for every line that has visible text."""
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def _by_line(split_line: LineSplitter) -> Callable[[str], list[Span]]:
    """Run a per-line splitter over a whole text and shift its spans."""

    def split(text: str) -> list[Span]:
        spans: list[Span] = []
        for offset, line in _lines(text):
            spans.extend((offset + s, offset + e) for s, e in split_line(line))
        return spans

    return split


def _find_spans(text: str, pieces: list[str]) -> list[Span]:
    """Map sentence strings back to offsets by searching forward in ``text``."""
    spans: list[Span] = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # the library rewrote the text: give up on this piece
            continue
        cursor = start + len(piece)
        spans.append((start, cursor))
    return spans


def _candidates() -> dict[str, Callable[[str], list[Span]]]:
    """Every splitter to compare; libraries that are not installed are skipped.

    Each candidate is keyed by a label whose first word is the module to import,
    which is what the import-time column measures.
    """
    found: dict[str, Callable[[str], list[Span]]] = {
        "reader.text.sentences (sentencex + rules)": lambda t: [
            (s.start, s.end) for s in split_sentences(t)
        ]
    }
    try:
        import blingfire

        found["blingfire (text_to_sentences + find)"] = _by_line(
            lambda line: _find_spans(line, blingfire.text_to_sentences(line).split("\n"))
        )
        found["blingfire (text_to_sentences_and_offsets)"] = _by_line(
            lambda line: blingfire.text_to_sentences_and_offsets(line)[1]
        )
    except ImportError:
        pass
    try:
        import syntok.segmenter as syntok_segmenter

        def syntok_line(line: str) -> list[Span]:
            spans = []
            for paragraph in syntok_segmenter.analyze(line):
                for sentence in paragraph:
                    first, last = sentence[0], sentence[-1]
                    spans.append((first.offset, last.offset + len(last.value)))
            return spans

        found["syntok.segmenter"] = _by_line(syntok_line)
    except ImportError:
        pass
    try:
        import sentencex

        found["sentencex"] = _by_line(
            lambda line: [
                (b["start_index"], b["end_index"])
                for b in sentencex.get_sentence_boundaries("en", line)
            ]
        )
    except ImportError:
        pass
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
        found["pysbd"] = _by_line(lambda line: [(c.start, c.end) for c in segmenter.segment(line)])
    except ImportError:
        pass
    try:
        import nupunkt

        found["nupunkt"] = _by_line(nupunkt.sent_spans)
    except ImportError:
        pass
    return found


def score(docs: list[dict], split: Callable[[str], list[Span]]) -> dict[str, float]:
    """Boundary precision/recall/F1 and exact-sentence accuracy over ``docs``."""
    hits = predicted = gold_total = exact = 0
    for doc in docs:
        text = doc["text"]
        gold = {_tight(text, s, e) for s, e in doc["spans"]}
        pred = {_tight(text, s, e) for s, e in split(text)}
        gold_ends = {e for _, e in gold}
        pred_ends = {e for s, e in pred if e > s}
        hits += len(gold_ends & pred_ends)
        predicted += len(pred_ends)
        gold_total += len(gold_ends)
        exact += len(gold & pred)
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f1": f1, "acc": exact / gold_total}


def throughput(texts: list[str], split: Callable[[str], list[Span]], seconds: float) -> float:
    """Sentences per second: best of three timed passes of at least ``seconds``."""
    split(texts[0])  # warm up lazy imports and caches
    best = 0.0
    for _ in range(3):
        count = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            for text in texts:
                count += len(split(text))
        best = max(best, count / elapsed)
    return best


def import_ms(module: str) -> float:
    """Milliseconds to import ``module`` in a fresh interpreter, best of three."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
            ).stdout
        )
        for _ in range(3)
    ]
    return 1000 * min(runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold",
        type=Path,
        default=ROOT.parent / "shared" / "bench" / "gum_news_gold.json",
        help="gold JSON file (default: ../shared/bench/gum_news_gold.json)",
    )
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="minimum length of each timed pass"
    )
    args = parser.parse_args(argv)
    docs = json.loads(args.gold.read_text(encoding="utf-8"))
    texts = [doc["text"] for doc in docs]
    print(f"{len(docs)} documents, {sum(len(d['spans']) for d in docs)} gold sentences\n")
    print("| splitter | precision | recall | F1 | exact | sentences/s | import ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, split in _candidates().items():
        m = score(docs, split)
        rate = throughput(texts, split, args.seconds)
        print(
            f"| {name} | {m['p']:.3f} | {m['r']:.3f} | {m['f1']:.3f} "
            f"| {m['acc']:.3f} | {rate:,.0f} | {import_ms(name.split()[0]):.0f} |"
        )


if __name__ == "__main__":
    main()
