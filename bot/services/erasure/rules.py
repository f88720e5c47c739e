"""What an erasure returns, and the scope its steps share: the person, the records about them
(their family's matches while nobody else of the family remains), the counts by kind and the
changes each step plans, applied in order once every step has looked (never in a dry run)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Family, Person

T = TypeVar("T")
DELETE_WINDOW = timedelta(hours=48)  # Telegram deletes a bot's messages up to 48 h old
ERASED_REASON = "erased"
Change = Callable[[], Awaitable[None]]


@dataclass
class Erasure:
    """What an erasure removed (or, in a dry run, would remove): counts by kind, never the
    values themselves."""

    person_id: int
    name: str  # as it was before (for the staff's confirmation; never logged)
    role: str
    dry_run: bool
    already_erased: bool
    counts: dict[str, int] = field(default_factory=dict)
    # The person's Telegram chat and the messages to delete there (sent within 48 hours).
    chat_id: int | None = None
    locale: str | None = None
    messages: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Scope:
    """What the steps of one erasure share. Each step finds what it would change, counts it
    (`count`) and plans the change (`edit`, `execute`); ids found by one step for a later one
    are kept here (help threads, concerns, appointments, progress reports)."""

    session: AsyncSession
    now: datetime
    person: Person
    counts: dict[str, int]
    sole_matches: list[int] = field(default_factory=list)
    lone_family: Family | None = None
    help_requests: list[int] = field(default_factory=list)
    concerns_about: set[int] = field(default_factory=set)
    appointment_ids: list[int] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.person.id

    @property
    def concern_ids(self) -> list[int]:
        return sorted(self.concerns_about)

    def count(self, kind: str, n: int) -> None:
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n

    def in_sole(self, column: Any) -> Any:
        return column.in_(self.sole_matches)

    def edit(self, change: Callable[[], None]) -> None:
        """Plan a change of loaded rows."""

        async def run() -> None:
            change()

        self.changes.append(run)

    def execute(self, *statements: Any) -> None:
        """Plan statements (deletes, bulk updates), run in order."""

        async def run() -> None:
            for statement in statements:
                await self.session.execute(statement)

        self.changes.append(run)

    async def ids(self, column: Any, *conditions: Any) -> list[Any]:
        return list((await self.session.execute(select(column).where(*conditions))).scalars())

    async def rows(self, model: type[T], *conditions: Any) -> list[T]:
        return list((await self.session.execute(select(model).where(*conditions))).scalars())


def pseudonym(person_id: int) -> str:
    return f"#{person_id}"


def commented(domains: dict[str, Any] | None) -> bool:
    return any(isinstance(v, dict) and v.get("comment") for v in (domains or {}).values())


def chunks(ids: Iterable[int], size: int = 100) -> list[list[int]]:
    """Message ids in calls of at most `size` (deleteMessages takes 100 at most)."""
    found = list(ids)
    return [found[i : i + size] for i in range(0, len(found), size)]
