"""The labels of a meeting's codes, marked for translation (`NP_`) and translated when rendered:
the activities a mentor ticks and how the family seemed, shown by the /log conversation and
/mylogs and counted by the programme report. The codes are the rules' (`check_activities`,
`MOODS`); the words are only translated for a reader, never here."""

from __future__ import annotations

from bot.i18n import NP_

# Activity codes, in the order shown; labels are translated when rendered.
ACTIVITIES: dict[str, str] = {
    # Translators: something done at a meeting, a button the mentor ticks.
    "walk": NP_("meeting activity", "Walk or outing"),
    # Translators: something done at a meeting: playing or watching sport together.
    "sport": NP_("meeting activity", "Sport"),
    # Translators: something done at a meeting: practising the country's language.
    "language": NP_("meeting activity", "Language practice"),
    "paperwork": NP_("meeting activity", "Paperwork or appointments"),
    "job": NP_("meeting activity", "Job or training search"),
    # Translators: something done at a meeting: looking for a flat, dealing with the landlord.
    "housing": NP_("meeting activity", "Housing"),
    # Translators: something done at a meeting: going to the doctor or a health centre together.
    "health": NP_("meeting activity", "Health visit"),
    "culture": NP_("meeting activity", "Cultural or leisure"),
    "meal": NP_("meeting activity", "Shared meal"),
    # Translators: something done at a meeting that is none of the others (an activity).
    "other": NP_("meeting activity", "Other"),
}
MOOD_LABELS: dict[int, str] = {
    # Translators: how the family seemed at a meeting, 1 of 5 (mood, not a level).
    1: NP_("mood", "😟 Very low"),
    # Translators: how the family seemed at a meeting, 2 of 5: sad, down (mood, not a level).
    2: NP_("mood", "🙁 Low"),
    # Translators: how the family seemed at a meeting, 3 of 5.
    3: NP_("mood", "😐 Okay"),
    # Translators: how the family seemed at a meeting, 4 of 5.
    4: NP_("mood", "🙂 Well"),
    # Translators: how the family seemed at a meeting, 5 of 5.
    5: NP_("mood", "😄 Very well"),
}
