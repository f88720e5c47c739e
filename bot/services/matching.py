"""Scoring mentors for a family: a pure function, documented here and in the README (worked
examples), tested with Hypothesis (tests/test_matching_score.py).

A mentor is **left out** (never proposed), with the reason, when they
- share no language with the family (they could not talk),
- have no place left (as many open matches as the families they said they can take),
- have no free slot in common with the family (both gave their availability, no overlap).

A mentor who is proposed gets points, each with a reason the coordinator reads:

| criterion | points |
| --- | --- |
| the best language they share: the lower of the two levels (1 basic, 2 good, 3 fluent) | 10 per level (10–30) |
| the same area (district, neighbourhood; compared without case or accents) | 20 |
| free slots in common (day and part of day) | 5 each, at most 20 |
| needs of the family the mentor has as skills | 10 each, at most 30 |
| the family's preference for a mentor's gender: met / not met | +15 / −25 |
| places left: free places ÷ capacity × 10, rounded down | 0–10 |

Mentors are ranked by score, highest first; equal scores by fewer families already, then by id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from storage.match_life import ALL_SLOTS, PREFERENCE_MENTOR_GENDER

LANGUAGE_POINTS = 10
AREA_POINTS = 20
SLOT_POINTS, SLOT_MAX = 5, 20
SKILL_POINTS, SKILL_MAX = 10, 30
GENDER_MET, GENDER_UNMET = 15, -25
LOAD_POINTS = 10

# Reasons, as (code, arguments); rendered in the reader's language by
# `bot.notifications.match_texts`.
LANGUAGE = "language"
AREA = "area"
SLOTS = "slots"
SKILLS = "skills"
GENDER_OK = "gender_ok"
GENDER_NOT = "gender_not"
LOAD = "load"
# Why a mentor is left out.
NO_LANGUAGE = "no_language"
FULL = "full"
NO_SLOT = "no_slot"


@dataclass(frozen=True)
class MentorFacts:
    id: int
    languages: Mapping[str, int]  # {"ar": 3}
    area: str | None = None
    availability: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    capacity: int = 1
    load: int = 0  # open matches now
    gender: str | None = None


@dataclass(frozen=True)
class FamilyFacts:
    languages: Mapping[str, int]
    area: str | None = None
    needs: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    preferences: Mapping[str, Any] = field(default_factory=dict)


Reason = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Score:
    mentor_id: int
    points: int
    eligible: bool
    reasons: tuple[Reason, ...]  # why the points (eligible) or why left out (not eligible)


def same_area(a: str | None, b: str | None) -> bool:
    def key(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text.casefold())
        return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())

    return bool(a and b and key(a) and key(a) == key(b))


def _slots(values: Iterable[str]) -> list[str]:
    """In the week's order (Monday morning first)."""
    wanted = set(values)
    return [s for s in ALL_SLOTS if s in wanted]


def score(mentor: MentorFacts, family: FamilyFacts) -> Score:
    """How well `mentor` suits `family`; see the module's docstring for the rules."""
    shared = {
        code: min(int(level), int(family.languages[code]))
        for code, level in mentor.languages.items()
        if code in family.languages
    }
    out: list[Reason] = []
    if not shared:
        out.append((NO_LANGUAGE, {}))
    if mentor.load >= mentor.capacity:
        out.append((FULL, {"load": mentor.load, "capacity": mentor.capacity}))
    common = _slots(mentor.availability & family.availability)
    if mentor.availability and family.availability and not common:
        out.append((NO_SLOT, {}))
    if out:
        return Score(mentor.id, 0, False, tuple(out))

    reasons: list[Reason] = []
    best = max(shared.items(), key=lambda item: (item[1], item[0]))
    points = best[1] * LANGUAGE_POINTS
    reasons.append((LANGUAGE, {"language": best[0], "level": int(mentor.languages[best[0]])}))
    if same_area(mentor.area, family.area):
        points += AREA_POINTS
        reasons.append((AREA, {"area": mentor.area}))
    if common:
        points += min(SLOT_MAX, SLOT_POINTS * len(common))
        reasons.append((SLOTS, {"slots": common}))
    skills = sorted(mentor.skills & family.needs)
    if skills:
        points += min(SKILL_MAX, SKILL_POINTS * len(skills))
        reasons.append((SKILLS, {"skills": skills}))
    wanted = family.preferences.get(PREFERENCE_MENTOR_GENDER)
    if wanted:
        if mentor.gender == wanted:
            points += GENDER_MET
            reasons.append((GENDER_OK, {"gender": wanted}))
        else:
            points += GENDER_UNMET
            reasons.append((GENDER_NOT, {"gender": wanted}))
    free = mentor.capacity - mentor.load
    points += (free * LOAD_POINTS) // mentor.capacity
    reasons.append((LOAD, {"load": mentor.load, "capacity": mentor.capacity}))
    return Score(mentor.id, points, True, tuple(reasons))


def rank(mentors: Iterable[MentorFacts], family: FamilyFacts) -> tuple[list[Score], list[Score]]:
    """(proposed, left out): the proposed best first; the left out by id."""
    by_id = {m.id: m for m in mentors}
    scores = [score(m, family) for m in by_id.values()]
    proposed = sorted(
        (s for s in scores if s.eligible),
        key=lambda s: (-s.points, by_id[s.mentor_id].load, s.mentor_id),
    )
    left_out = sorted((s for s in scores if not s.eligible), key=lambda s: s.mentor_id)
    return proposed, left_out
