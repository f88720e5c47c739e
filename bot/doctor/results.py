"""One check's result: its name, whether it passed, what was found, and the fix in one line."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, what was found, and the fix in one line."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


def render(results: list[Check]) -> str:
    width = max(len(r.name) for r in results)
    lines = []
    for r in results:
        lines.append(f"{'ok  ' if r.ok else 'FAIL'}  {r.name.ljust(width)}  {r.detail}")
        if r.fix:
            lines.append(f"      {''.ljust(width)}  fix: {r.fix}")
    bad = sum(not r.ok for r in results)
    lines.append("all checks passed" if not bad else f"{bad} check(s) failed")
    return "\n".join(lines)
