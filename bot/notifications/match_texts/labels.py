"""Labels of the fixed lists of a match's life (storage/match_life.py), the reasons a score
gives, and the summary a mentor is shown before accepting, in the reader's language."""

from __future__ import annotations

from typing import Any

from babel import UnknownLocaleError

from bot.i18n import N_, Translator, cldr_locale, isolate
from storage.match_life import (
    ALL_SLOTS,
    DeclineReason,
    Gender,
    LanguageLevel,
    Topic,
    Urgency,
)

TOPICS: dict[Topic, str] = {
    Topic.PAPERWORK: N_("paperwork"),
    Topic.LANGUAGE: N_("language practice"),
    Topic.JOB: N_("job search"),
    Topic.HOUSING: N_("housing"),
    Topic.SCHOOL: N_("school"),
    Topic.LEISURE: N_("leisure"),
    Topic.HEALTH: N_("health appointments"),
}
LEVELS: dict[int, str] = {
    LanguageLevel.BASIC: N_("basic"),
    LanguageLevel.GOOD: N_("good"),
    LanguageLevel.FLUENT: N_("fluent"),
}
GENDERS: dict[Gender, str] = {
    Gender.FEMALE: N_("woman"),
    Gender.MALE: N_("man"),
    Gender.NONBINARY: N_("non-binary"),
}
URGENCIES: dict[Urgency, str] = {
    Urgency.LOW: N_("not urgent"),
    Urgency.NORMAL: N_("normal"),
    Urgency.HIGH: N_("urgent"),
}
DECLINES: dict[DeclineReason, str] = {
    DeclineReason.NO_TIME: N_("I have no time now"),
    DeclineReason.TOO_FAR: N_("It is too far for me"),
    DeclineReason.NOT_MY_SKILLS: N_("It does not fit what I can offer"),
    DeclineReason.PERSONAL: N_("Personal reasons"),
    DeclineReason.OTHER: N_("Another reason"),
}
DAYS = {
    "mon": N_("Mon"),
    "tue": N_("Tue"),
    "wed": N_("Wed"),
    "thu": N_("Thu"),
    "fri": N_("Fri"),
    "sat": N_("Sat"),
    "sun": N_("Sun"),
}
PARTS = {"am": N_("morning"), "pm": N_("afternoon"), "eve": N_("evening")}


def language(tr: Translator, code: str) -> str:
    """A language's name in the reader's language ("árabe" for a Spanish reader)."""
    try:
        name = cldr_locale(tr.locale).languages.get(code.split("-")[0])
    except (UnknownLocaleError, ValueError):
        name = None
    return name or code


def slot(tr: Translator, value: str) -> str:
    day, _, part = value.partition(":")
    return f"{tr.gettext(DAYS.get(day, day))} {tr.gettext(PARTS.get(part, part))}"


def slots(tr: Translator, values: list[str]) -> str:
    ordered = [s for s in ALL_SLOTS if s in set(values)]
    return tr.join([slot(tr, s) for s in ordered])


def topics(tr: Translator, values: list[str]) -> str:
    return tr.join([tr.gettext(TOPICS[Topic(v)]) for v in values if v in set(Topic)])


def languages(tr: Translator, values: dict[str, int]) -> str:
    return tr.join(
        [
            f"{language(tr, code)} ({tr.gettext(LEVELS.get(int(level), ''))})"
            for code, level in sorted(values.items(), key=lambda kv: (-int(kv[1]), kv[0]))
        ]
    )


def reason(tr: Translator, code: str, args: dict[str, Any]) -> str:
    """One reason of a score (bot.services.matching), in the reader's language."""
    _ = tr.gettext
    if code == "language":
        return _("speaks %(language)s (%(level)s)") % {
            "language": language(tr, args["language"]),
            "level": _(LEVELS.get(int(args["level"]), "")),
        }
    if code == "area":
        return _("lives in %(area)s") % {"area": isolate(str(args["area"]))}
    if code == "slots":
        return _("free %(slots)s") % {"slots": slots(tr, list(args["slots"]))}
    if code == "skills":
        return _("can help with %(topics)s") % {"topics": topics(tr, list(args["skills"]))}
    if code == "gender_ok":
        return _("the gender the family prefers")
    if code == "gender_not":
        return _("not the gender the family prefers")
    if code == "load":
        return _("has %(load)s of %(capacity)s families") % {
            "load": tr.number(int(args["load"])),
            "capacity": tr.number(int(args["capacity"])),
        }
    if code == "no_language":
        return _("shares no language with the family")
    if code == "full":
        return _("has no place left (%(load)s of %(capacity)s families)") % {
            "load": tr.number(int(args["load"])),
            "capacity": tr.number(int(args["capacity"])),
        }
    if code == "no_slot":
        return _("is never free when the family is")
    return code


def reasons(tr: Translator, items: list[Any]) -> str:
    return tr.join([reason(tr, str(code), dict(args)) for code, args in items])


def summary(tr: Translator, data: dict[str, Any]) -> str:
    """What a mentor is shown before accepting: needs, area, languages, availability; no
    name, contact or free text (the request's note stays with staff)."""
    _ = tr.gettext
    none = _("not given")
    lines = [
        _("Needs: %(value)s") % {"value": topics(tr, list(data.get("needs", []))) or none},
        _("Area: %(value)s") % {"value": isolate(str(data["area"])) if data.get("area") else none},
        _("Languages: %(value)s")
        % {"value": languages(tr, dict(data.get("languages", {}))) or none},
        _("Availability: %(value)s")
        % {"value": slots(tr, list(data.get("availability", []))) or none},
    ]
    return "\n".join(lines)
