"""The import's columns and limits, the report it makes, and the checks of one cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.services import profiles
from bot.services.errors import Invalid, ServiceError
from storage.models import Role

MAX_ROWS = 200_000
MAX_BYTES = 64 * 1024 * 1024  # checked by the CLI before reading
BATCH = 2_000
MAX_REPORTED = 1_000  # rejected lines listed at most (the count is always right)

MENTOR_PROFILE = ("languages", "area", "availability", "skills", "capacity", "gender")
FAMILY_PROFILE = ("languages", "area", "needs", "availability", "prefers")
PROFILE_COLUMNS = tuple(dict.fromkeys([*MENTOR_PROFILE, *FAMILY_PROFILE]))
COLUMNS = (
    "organisation",
    "role",
    "name",
    "locale",
    "timezone",
    "phone",
    "email",
    "country",
    "family",
    "worker",
    "started_on",
    *PROFILE_COLUMNS,
)
REQUIRED = ("organisation", "role", "name")
MATCH_COLUMNS = ("family", "worker", "started_on")
ALIASES = {"organization": "organisation", "org": "organisation", "started": "started_on"}


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    people: list[int] = field(default_factory=list)
    families: list[int] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejected(line, reason))


class ImportRejected(ServiceError):
    """At least one row was rejected: nothing may be stored."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.rejected)} rejected")
        self.report = report


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()


def column(name: str) -> str:
    key = "_".join((name or "").strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def _preferences(text: str) -> dict[str, Any]:
    wanted = profiles.check_gender(text)
    return {"mentor_gender": wanted.value} if wanted else {}


# Each profile column: the key of its checked value, and its check (in this order).
_PROFILE_CHECKS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "languages": ("languages", profiles.parse_languages),
    "area": ("area", profiles.check_area),
    "availability": ("availability", profiles.parse_slots),
    "skills": ("skills", profiles.parse_topics),
    "needs": ("needs", profiles.parse_topics),
    "capacity": ("capacity", profiles.check_capacity),
    "gender": ("gender", profiles.check_gender),
    "prefers": ("preferences", _preferences),
}


def profile(role: Role, row: Row) -> dict[str, Any]:
    """The profile values of a row, checked: a mentor's own, or a mentee's family's."""
    allowed = MENTOR_PROFILE if role == Role.MENTOR else FAMILY_PROFILE
    given = {c: row.get(c) for c in PROFILE_COLUMNS if row.get(c)}
    if given and role not in (Role.MENTOR, Role.MENTEE):
        raise Invalid("profile_role", f"a {role.value} has no matching profile")
    wrong = sorted(set(given) - set(allowed))
    if wrong:
        raise Invalid("profile_role", f"{wrong[0]} does not belong on a {role.value}'s row")
    return {
        key: check(given[column])
        for column, (key, check) in _PROFILE_CHECKS.items()
        if column in given
    }


def chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("started_on", f"malformed date {text!r} (use YYYY-MM-DD)") from None
