"""The scoring of mentors for a family (bot/services/matching.py): worked examples (the
README's table) and properties that hold for any mentors and family (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.matching import FamilyFacts, MentorFacts, rank, score
from storage.match_life import ALL_SLOTS, Gender, Topic

LANGS = ["ar", "es", "ca", "uk", "fa", "ti"]
AREAS = ["Raval", "raval", "Gràcia", "Gracia", "Sants", None]

languages = st.dictionaries(st.sampled_from(LANGS), st.integers(1, 3), max_size=3)
slots = st.frozensets(st.sampled_from(ALL_SLOTS), max_size=5)
topics = st.frozensets(st.sampled_from([t.value for t in Topic]), max_size=4)


@st.composite
def mentor(draw: st.DrawFn, mentor_id: int) -> MentorFacts:
    capacity = draw(st.integers(1, 4))
    return MentorFacts(
        id=mentor_id,
        languages=draw(languages),
        area=draw(st.sampled_from(AREAS)),
        availability=draw(slots),
        skills=draw(topics),
        capacity=capacity,
        load=draw(st.integers(0, capacity + 1)),
        gender=draw(st.sampled_from([None, *[g.value for g in Gender]])),
    )


@st.composite
def mentors(draw: st.DrawFn) -> list[MentorFacts]:
    n = draw(st.integers(1, 8))
    return [draw(mentor(i + 1)) for i in range(n)]


@st.composite
def family(draw: st.DrawFn) -> FamilyFacts:
    return FamilyFacts(
        languages=draw(languages.filter(bool)),
        area=draw(st.sampled_from(AREAS)),
        needs=draw(topics),
        availability=draw(slots),
        preferences=draw(
            st.sampled_from([{}, {"mentor_gender": "female"}, {"mentor_gender": "male"}])
        ),
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(mentors(), family())
def test_a_mentor_sharing_no_language_is_never_first(ms: list[MentorFacts], f: FamilyFacts) -> None:
    proposed, left_out = rank(ms, f)
    assert len(proposed) + len(left_out) == len(ms)
    if proposed:
        first = next(m for m in ms if m.id == proposed[0].mentor_id)
        assert set(first.languages) & set(f.languages)
    for s in proposed:
        m = next(m for m in ms if m.id == s.mentor_id)
        assert set(m.languages) & set(f.languages), "no shared language, yet proposed"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(mentors(), family())
def test_load_and_availability_are_respected(ms: list[MentorFacts], f: FamilyFacts) -> None:
    proposed, left_out = rank(ms, f)
    by_id = {m.id: m for m in ms}
    for s in proposed:
        m = by_id[s.mentor_id]
        assert m.load < m.capacity, "a mentor without a free place was proposed"
        if m.availability and f.availability:
            assert m.availability & f.availability, "never free together, yet proposed"
    for s in left_out:
        assert not s.eligible and s.reasons and s.points == 0


@settings(max_examples=200, deadline=None, derandomize=True)
@given(mentors(), family())
def test_ranked_best_first_and_every_point_has_a_reason(
    ms: list[MentorFacts], f: FamilyFacts
) -> None:
    proposed, _ = rank(ms, f)
    points = [s.points for s in proposed]
    assert points == sorted(points, reverse=True)
    for s in proposed:
        codes = [code for code, _ in s.reasons]
        assert codes[0] == "language" and codes[-1] == "load"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(mentor(1), family())
def test_a_free_place_never_lowers_the_score(m: MentorFacts, f: FamilyFacts) -> None:
    busier = MentorFacts(**{**m.__dict__, "load": max(0, m.capacity - 1)})
    freer = MentorFacts(**{**m.__dict__, "load": 0})
    assert score(freer, f).points >= score(busier, f).points


ARABIC_RAVAL = FamilyFacts(
    languages={"ar": 3, "es": 1},
    area="Raval",
    needs=frozenset({"paperwork", "school"}),
    availability=frozenset({"tue:eve", "sat:am"}),
    preferences={"mentor_gender": "female"},
)

# The README's worked examples: (mentor, proposed, points, reasons' codes).
EXAMPLES = [
    (
        MentorFacts(
            1, {"ar": 3, "ca": 3}, "raval", frozenset({"tue:eve"}),
            frozenset({"paperwork"}), 2, 1, "female",
        ),
        True, 30 + 20 + 5 + 10 + 15 + 5, ["language", "area", "slots", "skills", "gender_ok", "load"],
    ),
    (
        MentorFacts(
            2, {"es": 3}, "Gràcia", frozenset({"tue:eve", "sat:am"}),
            frozenset({"paperwork", "school"}), 1, 0, "female",
        ),
        True, 10 + 10 + 20 + 15 + 10, ["language", "slots", "skills", "gender_ok", "load"],
    ),
    (
        MentorFacts(3, {"ar": 2}, "Raval", frozenset(), frozenset(), 1, 0, "male"),
        True, 20 + 20 - 25 + 10, ["language", "area", "gender_not", "load"],
    ),
    (
        MentorFacts(4, {"uk": 3}, "Raval", frozenset({"tue:eve"}), frozenset(), 2, 0, "female"),
        False, 0, ["no_language"],
    ),
    (
        MentorFacts(5, {"ar": 3}, "Raval", frozenset({"tue:eve"}), frozenset(), 1, 1, "female"),
        False, 0, ["full"],
    ),
    (
        MentorFacts(6, {"ar": 3}, "Raval", frozenset({"mon:am"}), frozenset(), 1, 0, "female"),
        False, 0, ["no_slot"],
    ),
]  # fmt: skip


def test_worked_examples() -> None:
    for m, eligible, points, codes in EXAMPLES:
        s = score(m, ARABIC_RAVAL)
        assert (s.eligible, s.points, [c for c, _ in s.reasons]) == (eligible, points, codes), m.id
    proposed, left_out = rank([m for m, *_ in EXAMPLES], ARABIC_RAVAL)
    assert [s.mentor_id for s in proposed] == [1, 2, 3]
    assert [s.mentor_id for s in left_out] == [4, 5, 6]


def test_areas_compare_without_case_or_accents() -> None:
    m = MentorFacts(1, {"es": 3}, "GRACIA", frozenset(), frozenset(), 1, 0)
    f = FamilyFacts({"es": 2}, area="Gràcia")
    assert ("area", {"area": "GRACIA"}) in score(m, f).reasons
