"""Discourse networks as DNA computes them: hand-computed values on a small study, DNA's own
sample figures on a study of the same shape, the duplicates filter, time windows, and whose
statements a network is made of (never several coders pooled)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.analysis.network import (
    Matrix,
    NetworkError,
    NetworkOptions,
    Span,
    Statement,
    compute,
    compute_series,
    filter_duplicates,
    parse_span,
    qualifier_levels,
    windows,
)
from reader.cli import cli
from reader.db import open_database, transaction
from reader.exchange.networks import NetworkRequest, build_networks
from reader.store import Store
from reader.store.networks import TOP

STANCES = (("support", 1.0), ("oppose", -1.0), ("neutral", 0.0))
ACTORS = {
    "P": ("state", None),
    "A": ("organization", "P"),
    "B": ("organization", "P"),
    "C": ("state", None),
    "D": ("person", "A"),
}
"""P is a state with two organisations, A and B; D is a person of A's."""
TARGETS = ("X", "Y", "Z")
PUBLISHED = {1: "2024-01-01", 2: "January 2, 2024", 3: "10.02.2024"}
"""Three articles, dated as sources write dates: 1, 2 January and 10 February 2024."""

HAND: tuple[tuple[int, str, str, str | None], ...] = (
    (1, "A", "support", "X"),
    (1, "A", "oppose", "Y"),
    (1, "B", "support", "X"),
    (2, "A", "support", "X"),
    (2, "B", "support", "Y"),
    (2, "C", "oppose", "X"),
    (3, "C", "neutral", "Y"),
    (3, "D", "oppose", "Y"),
    (3, "C", "support", None),
)
"""(article, actor, stance, target) of each sentence's statement: the hand-computed study.

Per target and actor, statements at each score (-1, 0, +1); the last has no target, so it is in
no network (but its score is one of the qualifier's levels):

    X: A 2 x +1          B 1 x +1   C 1 x -1
    Y: A 1 x -1          B 1 x +1   C 1 x 0    D 1 x -1

Each actor's statements (its activity a): A 3, B 2, C 2, D 1. The scores range over r = 2.
"""


def build(path: Path, codes: dict[str, Iterable[tuple[int, str, str, str | None]]]) -> Path:
    """A database holding the codebook above, one sentence per statement of ``HAND`` (their
    articles as dated in ``PUBLISHED``) and each coder's codes, given as (index of the sentence
    in ``HAND``, actor, stance, target)."""
    db = open_database(path)
    conn = db.conn
    with transaction(conn):
        for position, (key, score) in enumerate(STANCES, 1):
            conn.execute(
                "INSERT INTO stances (key, label, score, position) VALUES (?, ?, ?, ?)",
                [key, key.title(), score, position],
            )
        for name, (kind, _) in ACTORS.items():
            conn.execute("INSERT INTO actors (name, kind) VALUES (?, ?)", [name, kind])
        for name, (_, parent) in ACTORS.items():
            if parent:
                conn.execute(
                    "UPDATE actors SET parent_id = (SELECT id FROM actors WHERE name = ?)"
                    " WHERE name = ?",
                    [parent, name],
                )
        for name in TARGETS:
            conn.execute("INSERT INTO targets (name) VALUES (?)", [name])
        texts: dict[int, list[str]] = {}
        for index, (article, *_rest) in enumerate(HAND):
            texts.setdefault(article, []).append(f"Sentence {index}.")
        sentence_ids: list[int] = []
        for article, published in PUBLISHED.items():
            text = " ".join(texts[article])
            conn.execute(
                "INSERT INTO articles (id, title, text, source, content_hash, imported_at,"
                " published) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [article, f"Article {article}", text, f"{article}.txt",
                 hashlib.sha256(text.encode()).hexdigest(), "2024-06-01", published],
            )  # fmt: skip
            offset = 0
            for position, sentence in enumerate(texts[article]):
                cursor = conn.execute(
                    'INSERT INTO sentences (article_id, position, start, "end", paragraph)'
                    " VALUES (?, ?, ?, ?, 0)",
                    [article, position, offset, offset + len(sentence)],
                )
                sentence_ids.append(int(cursor.lastrowid or 0))
                offset += len(sentence) + 1
        for coder, statements in codes.items():
            for index, actor, stance, target in statements:
                conn.execute(
                    "INSERT INTO annotations (sentence_id, actor_id, stance_id, target_id,"
                    " annotator, created_at, updated_at) VALUES (?,"
                    " (SELECT id FROM actors WHERE name = ?),"
                    " (SELECT id FROM stances WHERE key = ?),"
                    " (SELECT id FROM targets WHERE name = ?), ?, '', '')",
                    [sentence_ids[index], actor, stance, target, coder],
                )
    conn.close()
    return path


def hand_codes() -> list[tuple[int, str, str, str | None]]:
    return [(index, actor, stance, target) for index, (_, actor, stance, target) in enumerate(HAND)]


@pytest.fixture
def hand_db(tmp_path: Path) -> Path:
    """The hand-computed study, coded by ana alone."""
    return build(tmp_path / "hand.db", {"ana": hand_codes()})


@pytest.fixture
def hand_store(hand_db: Path) -> Iterable[Store]:
    store = Store(open_database(hand_db), "ana")
    yield store
    store.close()


def network(store: Store, **options: str) -> Matrix:
    """The single network of the store's only coder with these DNA options."""
    result = build_networks(store, NetworkRequest(NetworkOptions(**options)))
    assert len(result.matrices) == 1
    return result.matrices[0]


def cells(matrix: Matrix) -> dict[tuple[str, str], float]:
    """Every non-zero cell, both triangles of a one-mode network."""
    return {
        (row, column): value
        for row, values in zip(matrix.rows, matrix.values, strict=True)
        for column, value in zip(matrix.columns, values, strict=True)
        if value
    }


def flat(rows: Sequence[Sequence[float]]) -> list[float]:
    """A matrix's values row after row, for ``pytest.approx``."""
    return [value for row in rows for value in row]


def pairs(**values: float) -> dict[tuple[str, str], float]:
    """``AB=3`` as both cells (A, B) and (B, A) of a symmetric matrix; zeros left out."""
    found: dict[tuple[str, str], float] = {}
    for pair, value in values.items():
        if value:
            found[(pair[0], pair[1])] = found[(pair[1], pair[0])] = value
    return found


# -- two-mode -------------------------------------------------------------------------------


def test_two_mode_ignore_subtract_and_combine(hand_store: Store) -> None:
    """Actor x target, by hand from the table in ``HAND``'s docstring:

    ignore counts statements:        A: X 2, Y 1   B: X 1, Y 1   C: X 1, Y 1   D: Y 1 (sum 8)
    subtract sums their scores:      A: X 2, Y -1  B: X 1, Y 1   C: X -1, Y 0  D: Y -1
    combine, levels ascending (-1, 0, +1) worth 4, 2, 1:
                                     A: X 1, Y 4   B: X 1, Y 1   C: X 4, Y 2   D: Y 4
    The statement without a target is in none; Z, P have no statement: no nodes.
    """
    ignore = network(hand_store)
    assert (ignore.rows, ignore.columns) == (("A", "B", "C", "D"), ("X", "Y"))
    assert ignore.values == [[2, 1], [1, 1], [1, 1], [0, 1]]
    assert ignore.statements == 8
    assert network(hand_store, aggregation="subtract").values == [[2, -1], [1, 1], [-1, 0], [0, -1]]
    combine = network(hand_store, aggregation="combine")
    assert combine.values == [[1, 4], [1, 1], [4, 2], [0, 4]]
    assert combine.combinations == {1: (1.0,), 2: (0.0,), 4: (-1.0,)}


def test_two_mode_activity_and_prominence(hand_store: Store) -> None:
    """Activity divides a row, prominence a column, by its statements (ignore: its sum):

    activity, ignore:     A: 2/3, 1/3   B: 1/2, 1/2   C: 1/2, 1/2   D: 0, 1
    activity, subtract:   A: 2/3, -1/3  B: 1/2, 1/2   C: -1/2, 0    D: 0, -1
    prominence, ignore:   X has 4 statements: A 2/4, B 1/4, C 1/4; Y has 4: each 1/4
    prominence, subtract: X: A 2/4, B 1/4, C -1/4;  Y: A -1/4, B 1/4, C 0, D -1/4
    """

    def values(**options: str) -> list[float]:
        return flat(network(hand_store, **options).values)

    assert values(normalization="activity") == pytest.approx(
        [2 / 3, 1 / 3, 0.5, 0.5, 0.5, 0.5, 0, 1]
    )
    assert values(aggregation="subtract", normalization="activity") == pytest.approx(
        [2 / 3, -1 / 3, 0.5, 0.5, -0.5, 0, 0, -1]
    )
    assert values(normalization="prominence") == pytest.approx(
        [0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0, 0.25]
    )
    assert values(aggregation="subtract", normalization="prominence") == pytest.approx(
        [0.5, -0.25, 0.25, 0.25, -0.25, 0, 0, -0.25]
    )


# -- one-mode -------------------------------------------------------------------------------


def test_one_mode_ignore_congruence_conflict_subtract(hand_store: Store) -> None:
    """Actor x actor through shared targets; for each target, every pair of the two actors'
    statements n x n' weighted by their scores' distance d = |q - q'| / r (r = 2):

    pair  on X                 on Y                  ignore  congruence  conflict  subtract
    A-B   A+1 x2, B+1: d 0     A-1, B+1: d 1         2+1=3   2+0=2       0+1=1     1
    A-C   A+1 x2, C-1: d 1     A-1, C 0: d 1/2       2+1=3   0+1/2       2+1/2     -2
    A-D   -                    A-1, D-1: d 0         1       1           0         1
    B-C   B+1, C-1: d 1        B+1, C 0: d 1/2       1+1=2   0+1/2       1+1/2     -1
    B-D   -                    B+1, D-1: d 1         1       0           1         -1
    C-D   -                    C 0, D-1: d 1/2       1       1/2         1/2       0

    ignore adds n n', congruence n n' (1 - d), conflict n n' d, subtract congruence - conflict.
    The diagonal is 0.
    """
    ignore = network(hand_store, type="onemode")
    assert ignore.rows == ignore.columns == ("A", "B", "C", "D")
    assert cells(ignore) == pairs(AB=3, AC=3, AD=1, BC=2, BD=1, CD=1)
    assert sum(map(sum, ignore.values)) == 22
    assert all(ignore.values[i][i] == 0 for i in range(4))
    congruence = network(hand_store, type="onemode", aggregation="congruence")
    assert cells(congruence) == pairs(AB=2, AC=0.5, AD=1, BC=0.5, BD=0, CD=0.5)
    conflict = network(hand_store, type="onemode", aggregation="conflict")
    assert cells(conflict) == pairs(AB=1, AC=2.5, AD=0, BC=1.5, BD=1, CD=0.5)
    subtract = network(hand_store, type="onemode", aggregation="subtract")
    assert cells(subtract) == pairs(AB=1, AC=-2, AD=1, BC=-1, BD=-1, CD=0)


def test_one_mode_average_jaccard_cosine(hand_store: Store) -> None:
    """Congruence (above: AB 2, AC 1/2, AD 1, BC 1/2, CD 1/2) divided, with activities
    A 3, B 2, C 2, D 1, by

    average (a_i + a_j) / 2:  AB 2/2.5 = 0.8   AC 0.5/2.5 = 0.2   AD 1/2   BC 0.5/2   CD 0.5/1.5
    cosine a_i a_j:           AB 2/6           AC 0.5/6           AD 1/3   BC 0.5/4   CD 0.5/2
    jaccard m10 + m01 + m11, counting statements per target and score: A has X+1 2, Y-1 1;
      B X+1 1, Y+1 1; C X-1 1, Y0 1; D Y-1 1.
      A-B: both on X+1: m11 = 2 x 1; m10 = A's Y-1 = 1; m01 = B's Y+1 = 1: 2/4
      A-C: nothing in common: m10 = 3, m01 = 2: 0.5/5;   A-D: Y-1 shared: m11 1, m10 2: 1/3
      B-C: 0.5/(2 + 2);   C-D: 0.5/(2 + 1)
    and ignore (AB 3) with jaccard: 3/4.
    """

    def onemode(
        normalization: str, aggregation: str = "congruence"
    ) -> dict[tuple[str, str], float]:
        matrix = network(
            hand_store, type="onemode", aggregation=aggregation, normalization=normalization
        )
        return cells(matrix)

    assert onemode("average") == pytest.approx(pairs(AB=0.8, AC=0.2, AD=0.5, BC=0.25, CD=1 / 3))
    assert onemode("cosine") == pytest.approx(
        pairs(AB=1 / 3, AC=1 / 12, AD=1 / 3, BC=0.125, CD=0.25)
    )
    assert onemode("jaccard") == pytest.approx(pairs(AB=0.5, AC=0.1, AD=1 / 3, BC=0.125, CD=1 / 6))
    assert onemode("jaccard", "ignore")[("A", "B")] == pytest.approx(0.75)


def test_one_mode_of_targets_through_shared_actors(hand_store: Store) -> None:
    """Target x target: X and Y share A (X: +1 x2, Y: -1), B (+1, +1) and C (-1, 0):
    ignore 2x1 + 1 + 1 = 4; congruence 0 + 1 + 1/2 = 1.5; conflict 2x1 + 0 + 1/2 = 2.5."""
    ignore = network(hand_store, type="onemode", mode="targets")
    assert ignore.rows == ("X", "Y")
    assert cells(ignore) == pairs(XY=4)
    congruence = network(hand_store, type="onemode", mode="targets", aggregation="congruence")
    assert cells(congruence) == pairs(XY=1.5)
    conflict = network(hand_store, type="onemode", mode="targets", aggregation="conflict")
    assert cells(conflict) == pairs(XY=2.5)


# -- DNA's sample figures -------------------------------------------------------------------

SAMPLE_SHAPE = (
    (0, 2, 2, 0, 3, 2),
    (0, 2, 2, 0, 0, 2),
    (0, 0, 0, 0, 1, 1),
    (0, 1, 3, 1, 1, 0),
    (0, 0, 0, 0, 3, 1),
    (2, 3, 2, 0, 1, 0),
    (0, 0, 1, 0, 3, 1),
)
"""Statements of 7 actors on 6 targets, 40 in all: a study of the shape of rDNA's sample
(its tests: a 7 x 6 two-mode network summing to 40, a 7 x 7 one-mode one summing to 276),
made up here."""


def sample_statements() -> list[Statement]:
    statements = []
    number = 0
    for i, row in enumerate(SAMPLE_SHAPE):
        for j, count in enumerate(row):
            for _ in range(count):
                score = 1.0 if (i + j + number) % 3 else -1.0
                day = date(2005, 1, 26 + number % 6)
                statements.append(
                    Statement(f"Org {i + 1}", f"Concept {j + 1}", score, day, number // 4, "1")
                )
                number += 1
    return statements


def test_a_study_of_the_samples_shape_gives_dnas_figures() -> None:
    """rDNA's defaults on a study of its sample's shape: two-mode 7 x 6 summing to 40, one-mode
    (ignore) 7 x 7 summing to 276, i.e. sum over targets of (column sum)^2 - sum of squares.
    With scores +1 and -1, each pair of statements is either congruent or in conflict, so
    congruence + conflict = ignore, cell by cell."""
    statements = sample_statements()
    levels = qualifier_levels(s.score for s in statements)
    kept = filter_duplicates(statements)
    two = compute(kept, levels, NetworkOptions())
    assert (len(two.rows), len(two.columns), sum(map(sum, two.values))) == (7, 6, 40)
    one = compute(kept, levels, NetworkOptions(type="onemode"))
    assert (len(one.rows), len(one.columns), sum(map(sum, one.values))) == (7, 7, 276)
    congruence, conflict = (
        compute(kept, levels, NetworkOptions(type="onemode", aggregation=a))
        for a in ("congruence", "conflict")
    )
    for i in range(7):
        for j in range(7):
            assert congruence.values[i][j] + conflict.values[i][j] == one.values[i][j]


# -- duplicates -----------------------------------------------------------------------------


def statement(actor: str, target: str, score: float, day: date, document: int) -> Statement:
    return Statement(actor, target, score, day, document, "ana")


def test_duplicates_as_dna_filters_them() -> None:
    """A statement identical to one kept before it is dropped: in the same document, ISO week,
    calendar month (of the same year: DNA's code compares the month number alone) or year, or
    anywhere (acrossrange). Under ignore the score is not compared; the earliest is kept.
    Statements come each document's together, as the Store gives them."""
    statements = [
        statement("A", "X", 1, date(2024, 1, 1), 1),  # Monday, week 1
        statement("A", "X", -1, date(2024, 1, 1), 1),  # same document, other score
        statement("A", "Y", 1, date(2024, 1, 1), 1),
        statement("A", "X", 1, date(2024, 1, 7), 2),  # Sunday, still week 1
        statement("A", "X", 1, date(2024, 1, 8), 3),  # week 2, January
        statement("A", "X", 1, date(2024, 2, 1), 4),  # February
        statement("A", "X", 1, date(2025, 1, 1), 5),  # next year (January again)
    ]

    def kept(duplicates: str, aggregation: str = "ignore") -> int:
        return sum(k.times for k in filter_duplicates(statements, duplicates, aggregation))

    assert kept("include") == 7
    assert kept("document") == 6  # the second of document 1
    assert kept("document", "subtract") == 7  # its score differs
    assert kept("week") == 5  # the two of week 1 after the first
    assert kept("month") == 4  # Jan 2024 once, Feb 2024, Jan 2025, and Y
    assert kept("year") == 3
    assert kept("acrossrange") == 2
    assert kept("acrossrange", "congruence") == 3  # A-X +1, A-X -1, A-Y
    first = filter_duplicates(reversed(statements), "acrossrange")
    assert {k.day for k in first if k.target == "X"} == {date(2024, 1, 1)}
    with pytest.raises(ValueError, match="statements of document 1 are not together"):
        filter_duplicates([*statements, statements[0]], "document")


def test_duplicates_through_the_command(hand_db: Path) -> None:
    """A's support of X in articles 1 and 2: counted once with --duplicates acrossrange, twice
    per document; an edge list on standard output shows it."""
    runner = CliRunner()
    base = ["network", "--db", str(hand_db), "--format", "edgelist"]
    twice = runner.invoke(cli, base)
    once = runner.invoke(cli, [*base, "--duplicates", "acrossrange"])
    assert twice.exit_code == once.exit_code == 0, twice.output + once.output
    assert b"A,X,2\r\n" in twice.stdout_bytes
    assert b"A,X,1\r\n" in once.stdout_bytes


# -- time windows ---------------------------------------------------------------------------


def test_windows_are_dnas_moving_windows() -> None:
    """A window of w units reaches round((w - 1) / 2) units either side of its middle (halves
    up, as Java rounds), moves by the step, and is kept only inside the period."""
    first, last = date(2024, 1, 1), date(2024, 1, 31)
    seven = windows(first, last, Span(7, "d"))
    assert seven[0] == (date(2024, 1, 4), date(2024, 1, 1), date(2024, 1, 7))
    assert seven[-1] == (date(2024, 1, 28), date(2024, 1, 25), date(2024, 1, 31))
    assert len(seven) == 25
    thirty = windows(first, date(2024, 3, 31), Span(30, "d"), Span(7, "d"))
    assert thirty[0] == (date(2024, 1, 22), date(2024, 1, 7), date(2024, 2, 6))
    assert all((w.stop - w.start).days == 30 for w in thirty)
    assert [w.time for w in thirty[:2]] == [date(2024, 1, 22), date(2024, 1, 29)]
    months = windows(date(2024, 1, 31), date(2024, 6, 30), Span(3, "m"))
    assert months[0] == (date(2024, 3, 29), date(2024, 2, 29), date(2024, 4, 29))  # as plusMonths
    assert parse_span("30d") == Span(30, "d") and parse_span("2 weeks") == Span(2, "w")
    with pytest.raises(NetworkError, match="--window 'soon' is not a length of time"):
        parse_span("soon")


def test_the_score_range_is_the_whole_periods_in_every_window() -> None:
    """A window holding only support (+1) and neutral (0) statements still weighs them on the
    range of every loaded statement (-1 to +1, r = 2): congruence 1 - 1/2, not 1 - 1/1."""
    statements = [
        statement("A", "X", 1, date(2024, 1, 1), 1),
        statement("B", "X", 0, date(2024, 1, 1), 1),
        statement("C", "X", -1, date(2024, 3, 1), 2),
    ]
    levels = qualifier_levels(s.score for s in statements)
    options = NetworkOptions(type="onemode", aggregation="congruence")
    series = windows(date(2024, 1, 1), date(2024, 3, 1), Span(1, "d"), Span(1, "d"))
    matrices = compute_series(filter_duplicates(statements), levels, options, series)
    january = matrices[0]
    assert january.rows == ("A", "B") and january.values[0][1] == 0.5
    assert january.time == january.start == january.stop == date(2024, 1, 1)
    assert matrices[-1].rows == ("C",)


def test_windows_through_the_command(hand_db: Path, tmp_path: Path) -> None:
    """--window 2d over 1 January to 10 February: a window reaches round(1/2) = 1 day either
    side of its middle (as DNA's), so the first that fits is 1-3 January (articles 1 and 2)
    and the last 8-10 February: 39 windows, a file each; an edge list holds them all."""
    runner = CliRunner()
    out = tmp_path / "w.csv"
    result = runner.invoke(cli, ["network", "--db", str(hand_db), "--window", "2d", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("w-*.csv"))
    assert len(files) == 39
    assert files[0].name == "w-01-2024-01-02.csv"
    assert files[0].read_bytes().startswith(b'"";"X";"Y"\r\n"A";2;1\r\n')
    assert "39 twomode networks (one per window) of ana written to" in result.stderr
    edges = runner.invoke(
        cli, ["network", "--db", str(hand_db), "--window", "2d", "--format", "edgelist"]
    )
    assert edges.stdout.splitlines()[:2] == [
        "time,start,stop,source,target,weight",
        "2024-01-02,2024-01-01,2024-01-03,A,X,2",
    ]
    stdout = runner.invoke(cli, ["network", "--db", str(hand_db), "--window", "2d"])
    assert stdout.exit_code == 1
    assert "--window writes one csv file per window: give -o NAME.csv" in stdout.output


# -- whose statements, which actors, which dates --------------------------------------------


def test_several_coders_are_never_pooled(tmp_path: Path) -> None:
    """With two coders and neither --annotator nor --final, the command refuses in one line;
    --annotator picks one coder's codes; a coder without codes is named."""
    db = build(tmp_path / "two.db", {"ana": hand_codes(), "ben": [(0, "A", "support", "X")]})
    runner = CliRunner()
    refused = runner.invoke(cli, ["network", "--db", str(db)])
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        "Error: 2 coders have codes here (ana, ben): choose one with --annotator NAME, or use"
        " the final codes with --final; a network never pools coders"
    ]
    ben = runner.invoke(cli, ["network", "--db", str(db), "--annotator", "ben"])
    assert ben.stdout_bytes == b'"";"X"\r\n"A";1\r\n'
    nobody = runner.invoke(cli, ["network", "--db", str(db), "--annotator", "cy"])
    assert "cy has no codes here (coders: ana, ben)" in nobody.output


def test_the_final_layer(tmp_path: Path) -> None:
    """--final: the codes coders agreed on and adjudicated ones. Ben agrees with ana on the
    first sentence and not on the second (A-Y support, not oppose), which waits for an
    adjudicator and is left out (said once); accepting ana's codes brings it in."""
    codes = {"ana": hand_codes(), "ben": [(0, "A", "support", "X"), (1, "A", "support", "Y")]}
    db = build(tmp_path / "final.db", codes)
    store = Store(open_database(db), "judge")
    try:
        request = NetworkRequest(final=True)
        waiting = build_networks(store, request)
        assert waiting.coder == "final"
        assert waiting.matrices[0].values == [[2, 0], [1, 1], [1, 1], [0, 1]]
        assert waiting.notes == [
            "1 sentence where coders disagree have no final codes yet and are left out:"
            " nkreader review"
        ]
        second = store.codes_by_coder()[1].sentence_id
        store.accept_codes(second, "ana")
        decided = build_networks(store, request)
        assert decided.matrices[0].values == [[2, 1], [1, 1], [1, 1], [0, 1]] and not decided.notes
    finally:
        store.close()


def test_levels_kinds_dates_and_isolates(hand_store: Store) -> None:
    """--level 1: A and B roll up to their state P, D to A; --level top: D on to P. --kind
    keeps actors of a kind (after rolling up). --from/--to read the articles' published dates
    as written ("January 2, 2024", "10.02.2024"). --isolates: every actor and target a node."""

    def ignore(**fields: object) -> Matrix:
        return build_networks(hand_store, NetworkRequest(**fields)).matrices[0]  # type: ignore[arg-type]

    one = ignore(level=1)
    assert one.rows == ("A", "C", "P")
    assert one.values == [[0, 1], [1, 1], [3, 2]]
    top = ignore(level=TOP)
    assert (top.rows, top.values) == (("C", "P"), [[1, 1], [3, 3]])
    assert ignore(kinds=("organization",)).rows == ("A", "B")
    assert ignore(level=1, kinds=("state",)).rows == ("C", "P")
    january = ignore(start=date(2024, 1, 2), stop=date(2024, 1, 31))
    assert (january.rows, january.values) == (("A", "B", "C"), [[1, 0], [0, 1], [1, 0]])
    assert ignore(start=date(2024, 2, 10)).rows == ("C", "D")
    everything = ignore(isolates=True)
    assert everything.rows == ("A", "B", "C", "D", "P")
    assert everything.columns == ("X", "Y", "Z")
    assert everything.values[4] == [0, 0, 0]


def test_a_date_range_leaves_out_undated_articles(hand_db: Path) -> None:
    """An article whose published date cannot be read is in no dated network, and the command
    says how many statements that left out."""
    import sqlite3

    with sqlite3.connect(hand_db) as conn:
        conn.execute("UPDATE articles SET published = 'sometime' WHERE id = 3")
    result = CliRunner().invoke(
        cli, ["network", "--db", str(hand_db), "--from", "2024-01-01", "--format", "edgelist"]
    )
    assert result.exit_code == 0, result.output
    assert "D," not in result.stdout
    assert (
        "warning: 3 statements in articles without a readable published date left out"
        " (dates are needed for --from/--to)" in result.stderr
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--aggregation", "congruence"], "--aggregation congruence does not apply to a twomode"),
        (["--type", "onemode", "--aggregation", "combine"], "--aggregation combine does not"),
        (["--normalization", "jaccard"], "--normalization jaccard does not apply to a twomode"),
        (["--type", "onemode", "--normalization", "activity"], "--normalization activity does"),
        (["--aggregation", "combine", "--normalization", "activity"], "cannot be used with"),
        (["--mode", "targets"], "--mode targets applies to one-mode networks"),
        (["--step", "7d"], "--step moves a time window: give --window too"),
        (["--window", "often"], "--window 'often' is not a length of time"),
        (["--level", "up"], "'up': give 0 or more steps up the parent chain, or top"),
        (["--from", "2024-02-01", "--to", "2024-01-01"], "--from 2024-02-01 is after --to"),
        (["--final", "--annotator", "ana"], "--final and --annotator exclude each other"),
        (["-o", "net.txt"], "cannot tell the network format from extension '.txt'"),
    ],
)
def test_options_that_make_no_network_are_one_line(
    hand_db: Path, arguments: Sequence[str], message: str
) -> None:
    """Each combination DNA does not compute is refused by name, in one line, exit 1."""
    result = CliRunner().invoke(cli, ["network", "--db", str(hand_db), *arguments])
    assert result.exit_code in (1, 2), result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 and message in lines[0], result.output


def test_combine_says_what_its_codes_mean(hand_db: Path) -> None:
    """The command names each combine code's stances on standard error."""
    result = CliRunner().invoke(cli, ["network", "--db", str(hand_db), "--aggregation", "combine"])
    assert result.exit_code == 0, result.output
    assert "combine: 1 = support; 2 = neutral; 4 = oppose" in result.stderr


def test_numeric_dates_follow_the_projects_order(hand_db: Path) -> None:
    """Article 3 published "02/10/2024": 10 February read month first (the default), 2 October
    with `nkreader config dates day-first` or --day-first; --month-first overrides the setting."""
    import sqlite3

    with sqlite3.connect(hand_db) as conn:
        conn.execute("UPDATE articles SET published = '02/10/2024' WHERE id = 3")
    runner = CliRunner()
    autumn = ["network", "--db", str(hand_db), "--from", "2024-03-01", "--format", "edgelist"]
    assert runner.invoke(cli, autumn).stdout.splitlines() == ["source,target,weight"]
    assert "D,Y,1" in runner.invoke(cli, [*autumn, "--day-first"]).stdout
    assert runner.invoke(cli, ["config", "dates", "day-first", "--db", str(hand_db)]).exit_code == 0
    assert "D,Y,1" in runner.invoke(cli, autumn).stdout
    assert "D,Y,1" not in runner.invoke(cli, [*autumn, "--month-first"]).stdout


def test_speakers_as_nodes(hand_db: Path) -> None:
    """--actor speaker: the speaker who voiced a statement is its node (DNA's person); codes
    without a speaker are in no network. D voiced A's support of X in articles 1 and 2, B voiced
    C's opposition to X: D-X 2, B-X 1; as a one-mode conflict network B-D 2 x 1 x d 1 = 2."""
    import sqlite3

    with sqlite3.connect(hand_db) as conn:
        speaker = "(SELECT id FROM actors WHERE name = ?)"
        for annotation, name in ((1, "D"), (4, "D"), (6, "B")):
            conn.execute(
                f"UPDATE annotations SET speaker_id = {speaker} WHERE id = ?", [name, annotation]
            )
    runner = CliRunner()
    base = ["network", "--db", str(hand_db), "--actor", "speaker"]
    assert runner.invoke(cli, base).stdout_bytes == b'"";"X"\r\n"B";1\r\n"D";2\r\n'
    conflict = runner.invoke(
        cli, [*base, "--type", "onemode", "--aggregation", "conflict", "--format", "edgelist"]
    )
    assert conflict.stdout.splitlines() == ["source,target,weight", "B,D,2"]
    by_article = runner.invoke(cli, [*base, "--duplicates", "document"])
    assert by_article.stdout_bytes == b'"";"X"\r\n"B";1\r\n"D";2\r\n'
    final = runner.invoke(cli, [*base, "--final"])
    assert final.exit_code == 1 and "--actor speaker needs one coder's codes" in final.output


def test_an_empty_network_says_why(tmp_path: Path) -> None:
    """A coder whose statements have no target gets an empty matrix and one warning line."""
    db = build(tmp_path / "empty.db", {"ana": [(8, "C", "support", None)]})
    result = CliRunner().invoke(cli, ["network", "--db", str(db)])
    assert result.exit_code == 0
    assert result.stdout_bytes == b'""\r\n'
    assert (
        "warning: no statement of ana with a target is selected: the network has no ties"
        in result.stderr
    )
