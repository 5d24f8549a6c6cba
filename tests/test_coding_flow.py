"""The coding loop's questions as plain state: numbering, going back, creating on the spot."""

from __future__ import annotations

from reader.models import Actor, Annotation, Stance, Target
from reader.tui.coding_flow import (
    Cancelled,
    Codes,
    CodingFlow,
    Confirmed,
    ConfirmFlow,
    CreateActor,
    CreateTarget,
    NoteFlow,
    NoteText,
)

JAPAN = Actor(1, "Japan", "state", ("Tokyo",))
CHINA = Actor(2, "China", "state", ("Beijing",))
KOREA = Actor(3, "North Korea", "state", ("Pyongyang",))
YANG = Actor(4, "Yang Jiechi", "person", (), 2)
ACTORS = [JAPAN, CHINA, KOREA, YANG]
SUPPORT, OPPOSE = Stance(1, "support", "Support", 1, 1), Stance(2, "oppose", "Oppose", -1, 2)
SANCTIONS, TALKS = Target(1, "Sanctions on North Korea"), Target(2, "Six-party talks")


def flow(**options: object) -> CodingFlow:
    settings: dict[str, object] = {
        "actors": ACTORS,
        "stances": [SUPPORT, OPPOSE],
        "targets": [SANCTIONS, TALKS],
        "here": [CHINA, KOREA],
        "elsewhere": [YANG],
        **options,
    }
    return CodingFlow(**settings)  # type: ignore[arg-type]


def labels(f: CodingFlow) -> list[tuple[int | None, str]]:
    return [(row.number, row.label) for row in f.view.rows]


def test_four_keys_code_the_common_case() -> None:
    """enter (first suggestion), a digit (stance), enter (the last target used)."""
    f = flow(last_target_id=TALKS.id)
    assert f.accept() is None
    assert f.view.title == "Stance" and f.view.chosen == ("China",)
    assert f.pick(2) is None
    assert f.view.title == "Target" and f.view.chosen == ("China", "Oppose")
    assert f.accept() == Codes(CHINA, OPPOSE, TALKS)


def test_suggestions_are_numbered_here_first_then_elsewhere_under_a_heading() -> None:
    """The sentence's and article's actors get 1-2, recent ones elsewhere 3, after a heading;
    the rest are listed unnumbered."""
    rows = flow().view.rows
    assert [(r.number, r.label, r.kind) for r in rows[:5]] == [
        (1, "China", "item"),
        (2, "North Korea", "item"),
        (None, "recent, other articles", "heading"),
        (3, "Yang Jiechi", "item"),
        (None, "everyone", "heading"),
    ]
    assert [r.label for r in rows[5:7]] == ["Japan", "+ New actor…"]


def test_escape_goes_back_one_step_keeping_earlier_answers() -> None:
    """esc at the target returns to the stance, at the stance to the actor, then cancels."""
    f = flow()
    f.pick(2)  # North Korea
    f.pick(1)  # support
    assert f.view.title == "Target"
    assert f.back() is None and f.view.title == "Stance"
    assert f.view.chosen == ("North Korea",)
    assert f.back() is None and f.view.title == "Actor"
    assert isinstance(f.back(), Cancelled)


def test_digits_are_text_once_something_is_typed() -> None:
    """With a filter typed, a digit is part of it; without, it picks."""
    f = flow()
    assert f.takes_digit(1)
    f.type("j")
    assert not f.takes_digit(1)
    assert f.view.filter == "j"
    f.backspace()
    assert f.view.filter == "" and f.takes_digit(1)


def test_typing_finds_by_alias_and_enter_takes_the_best_match() -> None:
    """ "pyong" finds North Korea by its alias; enter chooses it."""
    f = flow()
    f.type("pyong")
    assert f.view.rows[0].label == "North Korea" and "Pyongyang" in f.view.rows[0].detail
    assert f.accept() is None and f.actor == KOREA


def test_new_target_costs_its_name_and_one_key() -> None:
    """A name that matches no target puts "+ New target" first: enter asks to create it."""
    f = flow()
    f.pick(1)
    f.pick(1)
    f.type("Famine relief")
    assert f.view.rows[0].kind == "create"
    wanted = f.accept()
    assert wanted == CreateTarget("Famine relief")
    relief = Target(3, "Famine relief")
    assert f.created(relief) == Codes(CHINA, SUPPORT, relief)


def test_a_partial_name_of_an_existing_target_chooses_it() -> None:
    """Typing the start of an existing target's name picks that target, not a new one."""
    f = flow()
    f.pick(1)
    f.pick(1)
    f.type("sanc")
    assert f.view.rows[0].label == SANCTIONS.name
    assert f.accept() == Codes(CHINA, SUPPORT, SANCTIONS)


def test_new_actor_with_kind_and_parent_then_stance() -> None:
    """A typed name that matches nobody: enter, a kind digit, a parent by name, then the stance
    step, with the created actor chosen."""
    f = flow()
    f.type("Taro Kono")
    assert f.view.rows[0].kind == "create"
    assert f.accept() is None and f.view.title == "Kind of the new actor"
    assert f.pick(3) is None  # person (the third kind)
    f.type("japan")
    assert f.accept() == CreateActor("Taro Kono", "person", JAPAN.id)
    kono = Actor(9, "Taro Kono", "person", (), JAPAN.id)
    assert f.created(kono) is None
    assert f.view.title == "Stance" and f.actor == kono


def test_escape_from_new_actor_steps_keeps_the_typed_name() -> None:
    """esc from the kind step returns to the actor step with the name still typed."""
    f = flow()
    f.type("Taro Kono")
    f.accept()
    assert f.back() is None
    assert f.view.title == "Actor" and f.view.filter == "Taro Kono"


def test_edit_starts_from_the_annotation() -> None:
    """Editing highlights the annotation's actor, stance and target at each step."""
    annotation = Annotation(5, 10, JAPAN.id, OPPOSE.id, SANCTIONS.id, "", "a", "t", "t")
    f = flow(editing=annotation)
    assert f.view.rows[f.view.highlight or 0].label == "Japan"
    f.accept()
    assert f.view.rows[f.view.highlight or 0].label == "oppose"
    f.accept()
    assert f.accept() == Codes(JAPAN, OPPOSE, SANCTIONS, annotation)


def test_note_and_confirm_flows() -> None:
    """A note is what is typed; a confirmation is space or y."""
    note = NoteFlow("Note", "old")
    note.backspace()
    note.type("der")
    assert note.accept() == NoteText("older")
    confirm = ConfirmFlow("Replace?")
    assert confirm.type("x") is None
    assert confirm.type(" ") == Confirmed()


# -- the optional speaker -------------------------------------------------------------------


def test_the_speaker_is_skipped_unless_asked_for() -> None:
    """Without ``s`` the four keys code the statement with no speaker."""
    f = flow(last_target_id=SANCTIONS.id)
    f.pick(1)
    f.pick(1)
    assert f.accept() == Codes(CHINA, SUPPORT, SANCTIONS)


def test_s_at_the_stance_asks_for_the_speaker_persons_first() -> None:
    """s at the stance opens "Speaker": 0 none, the suggested persons numbered first, never the
    actor itself; a digit picks and goes back to the stance, which then finishes as usual."""
    f = flow(last_target_id=SANCTIONS.id)
    f.pick(1)  # China
    assert "s speaker" in f.view.hint
    assert f.type("s") is None
    assert f.view.title == "Speaker" and f.view.chosen == ("China",)
    assert labels(f)[:3] == [(0, "(no speaker)"), (1, "Yang Jiechi"), (2, "North Korea")]
    assert f.view.rows[f.view.highlight or 0].label == "Yang Jiechi"
    assert f.pick(1) is None
    assert f.view.title == "Stance" and f.view.chosen == ("China", "said by Yang Jiechi")
    f.pick(2)
    assert f.view.chosen == ("China", "said by Yang Jiechi", "Oppose")
    assert f.accept() == Codes(CHINA, OPPOSE, SANCTIONS, speaker=YANG)


def test_speakers_the_sentence_names_come_first() -> None:
    """Among the speaker suggestions, the actors the sentence names come first (persons first
    among them), then the article's and recent ones."""
    f = flow(mentioned={KOREA.id})
    f.pick(1)  # China
    f.type("s")
    assert labels(f)[1:3] == [(1, "North Korea"), (2, "Yang Jiechi")]
    g = flow(mentioned={KOREA.id, YANG.id})
    g.pick(1)
    g.type("s")
    assert labels(g)[1:3] == [(1, "Yang Jiechi"), (2, "North Korea")]


def test_the_speaker_can_be_typed_removed_and_backed_out_of() -> None:
    """Typing filters every actor; esc leaves the speaker as it was; 0 takes it away."""
    f = flow()
    f.pick(2)  # North Korea
    f.type("s")
    for letter in "japan":
        f.type(letter)
    assert f.view.rows[f.view.highlight or 0].label == "Japan"
    f.accept()
    assert f.speaker == JAPAN
    f.type("s")
    assert f.back() is None and f.view.title == "Stance" and f.speaker == JAPAN
    f.type("s")
    f.pick(0)
    assert f.speaker is None and f.view.title == "Stance"


def test_a_new_speaker_is_created_as_a_person_and_kept() -> None:
    """A name that matches nobody: enter, enter (person), enter (no parent) creates the actor;
    once created it is the speaker and the stance is asked again."""
    f = flow()
    f.pick(1)
    f.type("s")
    for letter in "Hong Lei":
        f.type(letter)
    assert f.view.rows[f.view.highlight or 0].kind == "create"
    f.accept()
    assert f.view.title == "Kind of the new actor"
    f.accept()
    wanted = f.accept()
    assert wanted == CreateActor("Hong Lei", "person", None)
    hong = Actor(9, "Hong Lei", "person")
    assert f.created(hong) is None
    assert f.view.title == "Stance" and f.speaker == hong
    f.pick(1)
    assert f.accept() == Codes(CHINA, SUPPORT, None, speaker=hong)


def test_an_edit_starts_with_the_annotations_speaker() -> None:
    """Editing a code keeps its speaker unless the coder changes it."""
    old = Annotation(7, 1, CHINA.id, SUPPORT.id, None, "", "tester", "t", "t", YANG.id)
    f = flow(editing=old)
    f.accept()
    assert f.view.chosen == ("China", "said by Yang Jiechi")
    f.accept()
    outcome = f.accept()
    assert outcome == Codes(CHINA, SUPPORT, None, old, YANG)


def test_a_flow_without_speakers_ignores_s() -> None:
    """The review's final codes have no speaker: s at the stance does nothing there."""
    f = flow(speakers=False)
    f.pick(1)
    assert f.type("s") is None and f.view.title == "Stance"
    assert "speaker" not in f.view.hint
