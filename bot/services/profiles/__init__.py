"""Profiles for matching: a mentor's languages (with levels), area, availability, skills,
capacity and gender; a family's languages, area, needs, availability and preferences.

Staff fill them in the CLI (`mentorbot profile mentor|family`) or a CSV import; a mentor
fills their own in the bot (`/profile`). Every value is checked against the fixed lists of
`storage.match_life` before anything is written; changes are audited by field name.

The package: `checks` (parsing and checking values), `views` (reading, and the facts the
scoring sees) and `writing`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.profiles.checks import (
    AREA_MAX,
    CAPACITY,
    LEVEL_NAMES,
    MAX_LANGUAGES,
    check_area,
    check_capacity,
    check_gender,
    check_language,
    check_level,
    parse_languages,
    parse_slots,
    parse_topics,
)
from bot.services.profiles.views import (
    FamilyView,
    MentorView,
    facts_of_family,
    facts_of_mentor,
    family_view,
    mentor_view,
    mentors_of_org,
    open_load,
)
from bot.services.profiles.writing import (
    set_family_profile,
    set_mentor_profile,
    set_own_profile,
)

__all__ = [
    "AREA_MAX",
    "CAPACITY",
    "LEVEL_NAMES",
    "MAX_LANGUAGES",
    "FamilyView",
    "MentorView",
    "check_area",
    "check_capacity",
    "check_gender",
    "check_language",
    "check_level",
    "facts_of_family",
    "facts_of_mentor",
    "family_view",
    "mentor_view",
    "mentors_of_org",
    "open_load",
    "parse_languages",
    "parse_slots",
    "parse_topics",
    "set_family_profile",
    "set_mentor_profile",
    "set_own_profile",
]
