"""``nkreader agreement`` on a small hand-coded database: every alpha against the reference
packages (``krippendorff`` for nominal and ordinal, nltk for MASI) computed from the reliability
data written out by hand below, the output formats, the filters and the errors."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance as nltk_masi

from reader.cli import cli
from reader.db import open_database
from reader.store import Store

Units = dict[str, dict[str, Hashable]]
CODERS = ("alice", "bob", "carol")
NK, US, CN = "North Korea", "United States", "China"
T1, T2 = "Sanctions on North Korea", "Six-party talks"
SCORES = {"support": 1.0, "oppose": -1.0, "neutral": 0.0}

# What each coder decided, sentence by sentence: a set of (actor, stance, target) statements,
# "no" for a "no claim" mark, and nothing for a sentence the coder has not decided. Sentences
# s1-s6 are in the first article, t1-t4 in the second.
CODED: dict[str, dict[str, Any]] = {
    "s1": {"alice": {(NK, "support", T1)}, "bob": {(NK, "support", T1)},
           "carol": {(NK, "support", T1)}},
    "s2": {"alice": {(US, "oppose", None)}, "bob": {(US, "oppose", T1)}},
    "s3": {"alice": "no", "bob": "no", "carol": {(CN, "neutral", T2)}},
    "s4": {"alice": {(NK, "support", T1), (US, "oppose", T1)}, "bob": {(NK, "support", T1)}},
    "s5": {"alice": {(US, "support", T1), (US, "oppose", T2)}, "bob": {(US, "oppose", T2)},
           "carol": {(US, "oppose", T2)}},
    "s6": {"alice": {(NK, "support", T1)}},
    "t1": {"bob": {(CN, "support", None)}, "carol": {(CN, "oppose", None)}},
    "t2": {"alice": "no", "carol": "no"},
    "t3": {"alice": {(NK, "neutral", T2)}, "bob": "no", "carol": {(NK, "neutral", T2)}},
    "t4": {},
}  # fmt: skip
S = frozenset

# The reliability data the report must compute alpha from, written out by hand from CODED
# (sentences at least two coders decided; a coder who did not decide one is absent from it).
CLAIM: Units = {
    "s1": {"alice": 1, "bob": 1, "carol": 1}, "s2": {"alice": 1, "bob": 1},
    "s3": {"alice": 0, "bob": 0, "carol": 1}, "s4": {"alice": 1, "bob": 1},
    "s5": {"alice": 1, "bob": 1, "carol": 1}, "t1": {"bob": 1, "carol": 1},
    "t2": {"alice": 0, "carol": 0}, "t3": {"alice": 1, "bob": 0, "carol": 1},
}  # fmt: skip
SETS: dict[str, Units] = {
    "actor": {
        "s1": {"alice": S({NK}), "bob": S({NK}), "carol": S({NK})},
        "s2": {"alice": S({US}), "bob": S({US})},
        "s3": {"alice": S(), "bob": S(), "carol": S({CN})},
        "s4": {"alice": S({NK, US}), "bob": S({NK})},
        "s5": {"alice": S({US}), "bob": S({US}), "carol": S({US})},
        "t1": {"bob": S({CN}), "carol": S({CN})},
        "t2": {"alice": S(), "carol": S()},
        "t3": {"alice": S({NK}), "bob": S(), "carol": S({NK})},
    },
    "stance": {
        "s1": {"alice": S({"support"}), "bob": S({"support"}), "carol": S({"support"})},
        "s2": {"alice": S({"oppose"}), "bob": S({"oppose"})},
        "s3": {"alice": S(), "bob": S(), "carol": S({"neutral"})},
        "s4": {"alice": S({"support", "oppose"}), "bob": S({"support"})},
        "s5": {"alice": S({"support", "oppose"}), "bob": S({"oppose"}), "carol": S({"oppose"})},
        "t1": {"bob": S({"support"}), "carol": S({"oppose"})},
        "t2": {"alice": S(), "carol": S()},
        "t3": {"alice": S({"neutral"}), "bob": S(), "carol": S({"neutral"})},
    },
    "target": {
        "s1": {"alice": S({T1}), "bob": S({T1}), "carol": S({T1})},
        "s2": {"alice": S({None}), "bob": S({T1})},
        "s3": {"alice": S(), "bob": S(), "carol": S({T2})},
        "s4": {"alice": S({T1}), "bob": S({T1})},
        "s5": {"alice": S({T1, T2}), "bob": S({T2}), "carol": S({T2})},
        "t1": {"bob": S({None}), "carol": S({None})},
        "t2": {"alice": S(), "carol": S()},
        "t3": {"alice": S({T2}), "bob": S(), "carol": S({T2})},
    },
    "statement": {
        sentence: {
            coder: S() if codes == "no" else S(codes) for coder, codes in CODED[sentence].items()
        }
        for sentence in CLAIM
    },
}
# (sentence, actor) that two coders or more coded, each giving it one stance; alice gave the
# United States two stances in s5, so she is not part of that unit.
STANCE_BY_ACTOR: Units = {
    "s1 NK": {"alice": "support", "bob": "support", "carol": "support"},
    "s2 US": {"alice": "oppose", "bob": "oppose"},
    "s4 NK": {"alice": "support", "bob": "support"},
    "s5 US": {"bob": "oppose", "carol": "oppose"},
    "t1 CN": {"bob": "support", "carol": "oppose"},
    "t3 NK": {"alice": "neutral", "carol": "neutral"},
}
VARIABLE_NAMES = [
    ("claim", "nominal"), ("actor", "masi"), ("stance", "masi"), ("target", "masi"),
    ("statement", "masi"), ("stance_by_actor", "nominal"), ("stance_by_actor", "ordinal"),
]  # fmt: skip
ENTRY_KEYS = [
    "variable", "distance", "alpha", "alpha_given_claim", "ci95", "p_below", "pairable_units",
    "values", "percent_agreement", "reason",
]  # fmt: skip


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seed articles and the default codebook, coded as ``CODED`` says."""
    from reader.exchange.codebook_file import load_default_codebook
    from reader.exchange.importing import import_seeds

    path = tmp_path_factory.mktemp("agreement") / "study.db"
    db = open_database(path)
    store = Store(db, "setup")
    load_default_codebook(store)
    import_seeds(store)
    first, second = (a.id for a in store.article_progress()[:2])
    sentences = {f"s{i + 1}": s.id for i, s in enumerate(store.sentences(first)[:6])}
    sentences.update({f"t{i + 1}": s.id for i, s in enumerate(store.sentences(second)[:4])})
    actors = {a.name: a.id for a in store.actors()}
    stances = {s.key: s.id for s in store.stances()}
    assert {key: s.score for key, s in ((s.key, s) for s in store.stances())} == SCORES
    targets = {t.name: t.id for t in store.targets()}
    for coder in CODERS:
        mine = Store(db, coder)
        for sentence, decisions in CODED.items():
            codes = decisions.get(coder)
            if codes == "no":
                mine.set_no_claim(sentences[sentence], True)
            for actor, stance, target in codes if isinstance(codes, set) else ():
                mine.add_annotation(
                    sentences[sentence],
                    actors[actor],
                    stances[stance],
                    None if target is None else targets[target],
                )
    db.close()
    yield path


def run(db: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["agreement", "--db", str(db), *args])


def article_ids(db: Path) -> list[int]:
    store = Store(open_database(db), "reader")
    try:
        return [a.id for a in store.article_progress()]
    finally:
        store.close()


def report(db: Path, *args: str) -> dict[str, Any]:
    result = run(db, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def only(units: Units, coders: tuple[str, ...]) -> Units:
    """The units as only ``coders`` decided them, those with two values or more."""
    kept = {u: {c: v for c, v in coded.items() if c in coders} for u, coded in units.items()}
    return {u: coded for u, coded in kept.items() if len(coded) >= 2}


def given_claim(units: Units) -> Units:
    return {u: coded for u, coded in units.items() if all(coded.values())}


def krippendorff_alpha(units: Units, level: str, codes: dict[Hashable, float]) -> float:
    data = np.full((len(CODERS), len(units)), np.nan)
    for column, coded in enumerate(units.values()):
        for row, coder in enumerate(CODERS):
            if coder in coded:
                data[row, column] = codes[coded[coder]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def nltk_alpha(units: Units) -> float:
    def masi(a: frozenset[Hashable], b: frozenset[Hashable]) -> float:
        return 0.0 if not a and not b else float(nltk_masi(a, b))

    triples = [(c, u, v) for u, coded in units.items() for c, v in coded.items()]
    return float(AnnotationTask(triples, masi).alpha())


def reference(coders: tuple[str, ...]) -> dict[tuple[str, str], tuple[float, float | None]]:
    """(alpha, alpha given a claim) of each variable, from the hand-written data."""
    identity = {0: 0.0, 1: 1.0}
    found: dict[tuple[str, str], tuple[float, float | None]] = {
        ("claim", "nominal"): (krippendorff_alpha(only(CLAIM, coders), "nominal", identity), None)
    }
    for name, units in SETS.items():
        mine = only(units, coders)
        found[name, "masi"] = (nltk_alpha(mine), nltk_alpha(given_claim(mine)))
    by_actor = only(STANCE_BY_ACTOR, coders)
    numbered = {"support": 1.0, "oppose": 2.0, "neutral": 3.0}
    found["stance_by_actor", "nominal"] = (krippendorff_alpha(by_actor, "nominal", numbered), None)
    found["stance_by_actor", "ordinal"] = (krippendorff_alpha(by_actor, "ordinal", SCORES), None)  # type: ignore[arg-type]
    return found


def test_every_alpha_matches_the_reference_packages(study: Path) -> None:
    """All three coders and each pair: alpha and alpha given a claim within 1e-9 of the
    reference packages on the data written out by hand; pairable units and values counted."""
    out = report(study, "--draws", "0")
    assert out["coders"] == list(CODERS)
    assert out["units"] == len(CLAIM) == 8
    groups = [(tuple(out["coders"]), out["variables"])]
    groups += [(tuple(pair["coders"]), pair["variables"]) for pair in out["pairs"]]
    assert [names for names, _ in groups] == [
        CODERS, ("alice", "bob"), ("alice", "carol"), ("bob", "carol")
    ]  # fmt: skip
    for names, entries in groups:
        expected = reference(names)
        assert [(e["variable"], e["distance"]) for e in entries] == VARIABLE_NAMES
        for entry in entries:
            alpha, given = expected[entry["variable"], entry["distance"]]
            assert entry["alpha"] == pytest.approx(alpha, abs=1e-9), (names, entry)
            if given is None:
                assert entry["alpha_given_claim"] is None
            else:
                assert entry["alpha_given_claim"] == pytest.approx(given, abs=1e-9), (names, entry)
    claim, actor = out["variables"][:2]
    assert (claim["pairable_units"], claim["values"]) == (8, 20)
    assert (actor["pairable_units"], actor["values"]) == (8, 20)
    by_actor = out["variables"][5]
    assert (by_actor["pairable_units"], by_actor["values"]) == (6, 13)
    # percent agreement of claim: 17 of the 22 pairs of values within sentences are equal
    assert claim["percent_agreement"] == pytest.approx(
        sum(
            (a == b)
            for coded in CLAIM.values()
            for i, a in enumerate(coded.values())
            for b in list(coded.values())[i + 1 :]
        )
        / sum(len(c) * (len(c) - 1) // 2 for c in CLAIM.values())
    )


def test_a_coder_who_did_not_decide_a_sentence_is_missing_not_no_claim(study: Path) -> None:
    """carol never decided s2 and s4: counting her as "no claim" there would lower alpha."""
    out = report(study, "--draws", "0")
    claim = out["variables"][0]
    as_no_claim = {u: dict(coded) for u, coded in CLAIM.items()}
    for sentence in ("s2", "s4"):
        as_no_claim[sentence]["carol"] = 0
    wrong = krippendorff_alpha(as_no_claim, "nominal", {0: 0.0, 1: 1.0})
    assert claim["alpha"] == pytest.approx(reference(CODERS)["claim", "nominal"][0], abs=1e-12)
    assert not math.isclose(claim["alpha"], wrong, abs_tol=1e-3)
    assert claim["values"] == 20  # not 22


def test_json_has_exactly_the_documented_shape(study: Path) -> None:
    out = report(study)
    assert list(out) == ["coders", "units", "variables", "pairs"]
    assert [list(pair) for pair in out["pairs"]] == [["coders", "variables"]] * 3
    for entry in [*out["variables"], *(e for pair in out["pairs"] for e in pair["variables"])]:
        assert list(entry) == ENTRY_KEYS
        assert list(entry["p_below"]) == ["0.667", "0.8"]
        if entry["alpha"] is None:
            assert entry["ci95"] is None and entry["reason"]
            continue
        if entry["ci95"] is None:  # the units of one article: nothing to resample
            assert "ci95: every unit comes from one article" in entry["reason"]
            continue
        low, high = entry["ci95"]
        assert isinstance(low, float) and isinstance(high, float) and low <= high
        assert all(0 <= p <= 1 for p in entry["p_below"].values())
        assert isinstance(entry["pairable_units"], int) and isinstance(entry["values"], int)


def test_the_bootstrap_is_reproducible_with_its_seed(study: Path) -> None:
    """The same seed gives the same figures, byte for byte; the default seed is fixed."""
    first = run(study, "--format", "json", "--seed", "7", "--draws", "1000")
    again = run(study, "--format", "json", "--seed", "7", "--draws", "1000")
    assert first.exit_code == 0 and first.stdout == again.stdout
    assert run(study, "--format", "json").stdout == run(study, "--format", "json").stdout
    intervals = {tuple(e["ci95"] or ()) for e in json.loads(first.stdout)["variables"]}
    assert len(intervals) > 1


def test_figures_that_cannot_be_computed_are_null_with_a_reason(study: Path) -> None:
    """In the second article alice and carol agree on everything: a single actor set among
    claims (no alpha given a claim) and a single stance for North Korea (no alpha at all)."""
    second = article_ids(study)[1]
    out = report(study, "--coders", "alice,carol", "--article", str(second))
    assert out["units"] == 2  # t2 (both no claim), t3 (both a claim)
    entries = {(e["variable"], e["distance"]): e for e in out["variables"]}
    claim = entries["claim", "nominal"]
    assert claim["alpha"] == 1.0 and claim["ci95"] is None
    assert claim["reason"] == (
        "ci95: every unit comes from one article; resampling needs two or more"
    )
    actor = entries["actor", "masi"]
    assert actor["alpha"] == 1.0 and actor["alpha_given_claim"] is None
    assert actor["reason"].startswith("alpha_given_claim: only one value was coded")
    nominal = entries["stance_by_actor", "nominal"]
    assert nominal["alpha"] is None and nominal["ci95"] is None
    assert nominal["p_below"] == {"0.667": None, "0.8": None}
    assert nominal["reason"].startswith("only one value was coded")
    out = report(study, "--coders", "alice,bob", "--article", str(second))
    by_actor = {(e["variable"], e["distance"]): e for e in out["variables"]}
    assert by_actor["stance_by_actor", "ordinal"]["reason"] == (
        "fewer than two coders on every unit"
    )
    assert by_actor["stance_by_actor", "ordinal"]["pairable_units"] == 0


def test_coders_and_articles_narrow_the_units(study: Path) -> None:
    """--coders compares only those coders (the pair is the whole group); --article keeps only
    the sentences of the articles named."""
    out = report(study, "--coders", "bob, carol", "--draws", "0")
    assert out["coders"] == ["bob", "carol"]
    assert out["units"] == len(only(CLAIM, ("bob", "carol"))) == 5
    assert [pair["coders"] for pair in out["pairs"]] == [["bob", "carol"]]
    assert out["pairs"][0]["variables"] == out["variables"]
    out = report(study, "--article", str(article_ids(study)[0]), "--draws", "0")
    assert out["units"] == 5  # s1-s5; s6 only alice decided
    expected = nltk_alpha({u: v for u, v in SETS["actor"].items() if u.startswith("s")})
    assert out["variables"][1]["alpha"] == pytest.approx(expected, abs=1e-9)


def test_csv_has_a_row_per_group_and_variable(study: Path) -> None:
    result = run(study, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 4 * len(VARIABLE_NAMES)
    assert list(rows[0]) == [
        "coders", "variable", "distance", "alpha", "alpha_given_claim", "ci95_low", "ci95_high",
        "p_below_0.667", "p_below_0.8", "pairable_units", "values", "percent_agreement", "reason",
    ]  # fmt: skip
    assert [r["coders"] for r in rows[:: len(VARIABLE_NAMES)]] == [
        "all", "alice,bob", "alice,carol", "bob,carol"
    ]  # fmt: skip
    as_json = report(study)
    for row, entry in zip(rows, as_json["variables"], strict=False):
        assert (row["variable"], row["distance"]) == (entry["variable"], entry["distance"])
        assert float(row["alpha"]) == entry["alpha"]
        assert float(row["ci95_low"]) == entry["ci95"][0]
        assert int(row["values"]) == entry["values"]
        assert row["alpha_given_claim"] == (
            "" if entry["alpha_given_claim"] is None else repr(entry["alpha_given_claim"])
        )


def test_table_shows_alpha_to_three_decimals_and_what_the_thresholds_mean(study: Path) -> None:
    result = run(study)
    assert result.exit_code == 0, result.output
    out = report(study)
    claim = out["variables"][0]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("coders: alice, bob, carol; units: 8 sentences")
    row = next(line for line in lines if line.startswith("all") and " claim " in line)
    assert f"{claim['alpha']:.3f}" in row
    assert f"[{claim['ci95'][0]:.3f}, {claim['ci95'][1]:.3f}]" in row
    assert any("0.800: reliable" in line and "0.667" in line for line in lines)
    assert sum(line.startswith("alice,bob") for line in lines) == len(VARIABLE_NAMES)


def test_errors_are_one_line(study: Path, tmp_path: Path) -> None:
    """An unknown coder or article, a single coder, too few draws: one line, nothing else."""
    for args, message in [
        (["--coders", "alice,dave"], "unknown coder 'dave': the database has alice, bob, carol"),
        (["--coders", "alice"], "agreement needs at least two coders who coded; there is only"),
        (["--article", "999"], "no article with id 999"),
    ]:
        result = run(study, *args)
        assert result.exit_code == 1, result.output
        assert result.stderr.strip() == f"Error: {message}" or (
            result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1
        )
        assert result.stdout == ""
    result = run(study, "--draws", "500")
    assert result.exit_code == 2 and "at least 1000 draws" in result.stderr
    result = run(tmp_path / "missing.db")
    assert result.exit_code == 1 and "does not exist" in result.stderr
    empty = tmp_path / "empty.db"
    open_database(empty).close()
    result = run(empty)
    assert result.exit_code == 1
    assert result.stderr == "Error: agreement needs at least two coders who coded; there is none\n"


# -- against the final layer ------------------------------------------------------------------

# The final layer of CODED once an adjudicator has decided three of its disagreements: s1 and
# t2 are agreed (every coder coded them alike); s2 takes bob's codes, s3 is "no claim" and t3
# takes carol's; s4, s5 and t1 are still waiting; s6 only alice decided (its final codes are
# hers by definition, so it is no unit).
FINAL_CODES: dict[str, Any] = {
    "s1": {(NK, "support", T1)},
    "t2": "no",
    "s2": {(US, "oppose", T1)},
    "s3": "no",
    "t3": {(NK, "neutral", T2)},
}
FINAL_CLAIM: Units = {
    sentence: {**{c: v for c, v in CLAIM[sentence].items()}, "final": int(codes != "no")}
    for sentence, codes in FINAL_CODES.items()
}
FINAL_STATEMENT: Units = {
    sentence: {
        **SETS["statement"][sentence],
        "final": S() if codes == "no" else S(codes),
    }
    for sentence, codes in FINAL_CODES.items()
}


@pytest.fixture(scope="module")
def adjudicated(study: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the study in which a judge decided s2 (bob's codes), s3 (no claim) and t3
    (carol's codes)."""
    path = tmp_path_factory.mktemp("adjudicated") / "study.db"
    source = Store(open_database(study), "copy")
    try:
        source.conn.execute("VACUUM INTO ?", [str(path)])
    finally:
        source.close()
    judge = Store(open_database(path), "judge")
    try:
        first, second = (a.id for a in judge.article_progress()[:2])
        s = [x.id for x in judge.sentences(first)]
        t = [x.id for x in judge.sentences(second)]
        judge.accept_codes(s[1], "bob")
        judge.write_final(s[2], [], "a question, not a claim")
        judge.accept_codes(t[2], "carol")
    finally:
        judge.close()
    return path


def krippendorff_final(units: Units, coders: tuple[str, ...]) -> float:
    data = np.full((len(coders), len(units)), np.nan)
    for column, coded in enumerate(units.values()):
        for row, coder in enumerate(coders):
            if coder in coded:
                data[row, column] = coded[coder]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_final_compares_each_coder_with_the_final_layer(adjudicated: Path) -> None:
    """--final: "final" is one more coder, paired with each coder; claim's alpha of every
    group against the krippendorff package, and statement's against nltk, on the reliability
    data written out by hand; the shape is the report's; the waiting disagreements are said."""
    result = run(adjudicated, "--final", "--format", "json", "--draws", "0")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == ["coders", "units", "variables", "pairs"]
    assert out["coders"] == [*CODERS, "final"]
    assert out["units"] == len(FINAL_CODES) == 5
    assert [pair["coders"] for pair in out["pairs"]] == [[c, "final"] for c in CODERS]
    groups = [((*CODERS, "final"), out["variables"])]
    groups += [(tuple(pair["coders"]), pair["variables"]) for pair in out["pairs"]]
    for names, entries in groups:
        assert [(e["variable"], e["distance"]) for e in entries] == VARIABLE_NAMES
        assert all(list(e) == ENTRY_KEYS for e in entries)
        claim, statement = entries[0], entries[4]
        units = only(FINAL_CLAIM, names)
        assert claim["pairable_units"] == len(units)
        assert claim["values"] == sum(len(coded) for coded in units.values())
        assert claim["alpha"] == pytest.approx(krippendorff_final(units, names), abs=1e-9)
        assert statement["alpha"] == pytest.approx(
            nltk_alpha(only(FINAL_STATEMENT, names)), abs=1e-9
        )
    # bob against the final layer: s1, s2 and s3 alike; t3 he saw no claim, the final a claim
    bob = out["pairs"][1]["variables"][0]
    assert (bob["pairable_units"], bob["percent_agreement"]) == (4, 0.75)
    assert result.stderr == (
        "warning: 3 disagreements have no final codes yet and are left out"
        " (nkreader review decides them)\n"
    )


def test_final_with_one_coder_and_as_a_table(adjudicated: Path) -> None:
    """One coder is enough against the final layer (the pair is the whole group); the table
    names the units and what is left out; --article narrows the final layer too."""
    out = report(adjudicated, "--final", "--coders", "carol", "--draws", "0")
    assert out["coders"] == ["carol", "final"]
    assert [pair["coders"] for pair in out["pairs"]] == [["carol", "final"]]
    assert out["pairs"][0]["variables"] == out["variables"]
    units = only(FINAL_CLAIM, ("carol", "final"))
    assert out["units"] == len(units) == 4  # s1, s3, t2, t3
    claim = out["variables"][0]
    assert claim["alpha"] == pytest.approx(krippendorff_final(units, ("carol", "final")), abs=1e-9)
    result = run(adjudicated, "--final")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "coders: alice, bob, carol, final; units: 5 sentences with final codes (agreed or"
        " adjudicated) that a coder decided; 95% intervals"
    )
    assert lines[1] == (
        "3 disagreements have no final codes yet and are left out (nkreader review decides them)"
    )
    assert sum(line.startswith("bob,final ") for line in lines) == len(VARIABLE_NAMES)
    assert not any(line.startswith("alice,bob ") for line in lines)
    second = article_ids(adjudicated)[1]
    out = report(adjudicated, "--final", "--article", str(second), "--draws", "0")
    assert out["units"] == 2  # t2, t3; t1 waits
    result = run(adjudicated, "--final", "--article", str(second), "--format", "csv")
    assert "1 disagreement has no final codes yet and is left out" in result.stderr


def test_final_before_any_decision_and_a_coder_named_final(study: Path, tmp_path: Path) -> None:
    """Before any adjudication the final layer holds only what the coders agreed on; a coder
    named "final" cannot be told from it and is refused by name."""
    out = report(study, "--final", "--draws", "0")
    assert out["units"] == 2  # s1 and t2, agreed
    entries = [*out["variables"], *(e for pair in out["pairs"] for e in pair["variables"])]
    assert {e["alpha"] for e in entries} <= {1.0, None}  # agreed: nothing to disagree on
    path = tmp_path / "named.db"
    source = Store(open_database(study), "copy")
    try:
        source.conn.execute("VACUUM INTO ?", [str(path)])
    finally:
        source.close()
    named = Store(open_database(path), "final")
    try:
        named.set_no_claim(named.sentences(article_ids(path)[0])[7].id, True)
    finally:
        named.close()
    result = run(path, "--final")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: a coder is named 'final'")
    assert run(path, "--final", "--coders", "alice,bob").exit_code == 0
