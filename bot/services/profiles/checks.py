"""Every profile value checked against the fixed lists of `storage.match_life` before
anything is written: languages (Babel's codes) with levels, time slots, topics, gender,
capacity and area."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from babel import Locale, UnknownLocaleError

from bot.services import texts
from bot.services.errors import Invalid
from storage.match_life import ALL_SLOTS, Gender, LanguageLevel, Topic

AREA_MAX = 100


CAPACITY = (1, 10)


MAX_LANGUAGES = 12


LEVEL_NAMES = {"basic": 1, "good": 2, "fluent": 3, "native": 3}


def check_language(code: str) -> str:
    """A language code Babel knows ("ar", "ti", "prs"), lower case."""
    text = code.strip().lower().replace("_", "-")
    if not text or not text.replace("-", "").isalpha() or len(text) > 12:
        raise Invalid("language", f"unknown language {code!r} (use codes like ar, es, uk)")
    try:
        Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError):
        raise Invalid(
            "language", f"unknown language {code!r} (use codes like ar, es, uk)"
        ) from None
    return text


def check_level(value: str | int) -> int:
    text = str(value).strip().lower()
    level = LEVEL_NAMES.get(text) or (int(text) if text.isdigit() else 0)
    if level not in tuple(LanguageLevel):
        raise Invalid("level", f"unknown language level {value!r} (1 basic, 2 good, 3 fluent)")
    return level


def parse_languages(value: str | Mapping[str, Any]) -> dict[str, int]:
    """ "ar:3,es:2" (a code without a level is fluent) or a mapping, checked."""
    pairs: list[tuple[str, Any]]
    if isinstance(value, str):
        pairs = []
        for item in value.replace(";", ",").split(","):
            if item.strip():
                code, _, level = item.partition(":")
                pairs.append((code, level.strip() or LanguageLevel.FLUENT))
    else:
        pairs = list(value.items())
    out: dict[str, int] = {}
    for code, level in pairs:
        clean = check_language(code)
        if clean in out:
            raise Invalid("language", f"the language {clean!r} is given twice")
        out[clean] = check_level(level)
    if len(out) > MAX_LANGUAGES:
        raise Invalid("language", f"at most {MAX_LANGUAGES} languages")
    return out


def parse_slots(value: str | Iterable[str]) -> list[str]:
    """ "tue:eve,sat:am" (days mon–sun; parts am, pm, eve), in the week's order."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    found: set[str] = set()
    for item in items:
        text = item.strip().lower().replace("-", ":")
        if not text:
            continue
        if text not in ALL_SLOTS:
            raise Invalid(
                "slot", f"unknown time slot {item!r} (use day:part, e.g. tue:eve, sat:am)"
            )
        found.add(text)
    return [s for s in ALL_SLOTS if s in found]


def parse_topics(value: str | Iterable[str]) -> list[str]:
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    known = [t.value for t in Topic]
    found: set[str] = set()
    for item in items:
        text = item.strip().lower()
        if not text:
            continue
        if text not in known:
            raise Invalid("topic", f"unknown topic {item!r} (one of {', '.join(known)})")
        found.add(text)
    return [t for t in known if t in found]


def check_gender(value: str | None) -> Gender | None:
    text = (value or "").strip().lower()
    if not text or text in ("-", "none", "any"):
        return None
    try:
        return Gender(text)
    except ValueError:
        names = ", ".join(g.value for g in Gender)
        raise Invalid("gender", f"unknown gender {value!r} (one of {names})") from None


def check_capacity(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not CAPACITY[0] <= int(text) <= CAPACITY[1]:
        raise Invalid(
            "capacity", f"capacity must be a whole number from {CAPACITY[0]} to {CAPACITY[1]}"
        )
    return int(text)


def check_area(value: str) -> str | None:
    area = " ".join(texts.clean(value).split())
    if len(area) > AREA_MAX:
        raise Invalid("area", f"the area is longer than {AREA_MAX} characters")
    return area or None
