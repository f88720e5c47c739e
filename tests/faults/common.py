"""What the fault scenarios share: a burst of people writing once each, and the count of what
came back (lost: never answered; duplicated: answered more than once)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import Emulator, SimulatedUser
from tests.conftest import eventually


@dataclass
class Tally:
    people: int
    lost: int
    duplicated: int
    most: int  # the most answers one person received


def people(emulator: Emulator, n: int, prefix: str = "P") -> list[SimulatedUser]:
    return [emulator.user(first_name=f"{prefix}{i}") for i in range(n)]


def answers(user: SimulatedUser) -> int:
    return sum(1 for m in user.messages if m.from_bot)


def tally(users: list[SimulatedUser]) -> Tally:
    counts = [answers(u) for u in users]
    return Tally(
        people=len(users),
        lost=sum(1 for c in counts if c == 0),
        duplicated=sum(c - 1 for c in counts if c > 1),
        most=max(counts, default=0),
    )


async def all_answered(users: list[SimulatedUser], within: float) -> bool:
    """Wait (with a deadline, for an event) until everyone has an answer; False at the
    deadline."""

    async def everyone() -> bool:
        return all(answers(u) > 0 for u in users)

    try:
        await eventually(everyone, within=within)
    except TimeoutError:
        return False
    return True
