"""Audit action names have one style, "<what>.<happened>"; rows stored under the names used
before it are read back under today's names."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.services import appointments, audit, exports
from mentorbot_testkit.factories import building
from storage.db import Database
from storage.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
# The places an action is named: audit.record(session, now, "…"), ctx.audit("…"), the
# importer's bulk rows and its _audit("…").
LITERAL = re.compile(
    r'(?:audit\.record\(\s*[\w.]+,\s*[\w.()]+,\s*|ctx\.audit\(\s*|self\._audit\(\s*|"action":\s*)'
    r'f?"([^"]+)"'
)


def _named_actions() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
                found.append((str(path.relative_to(ROOT)), match.group(1)))
    return found


def test_every_action_named_in_the_code_has_the_one_style() -> None:
    named = _named_actions()
    assert len(named) >= 30  # the scan finds them (or this test proves nothing)
    actions = [a.replace("{kind}", "raised") for _, a in named]
    actions += list(appointments.AUDIT_ACTIONS.values())
    odd = [a for a in actions if not audit.ACTION.match(a)]
    assert odd == []
    assert not audit.ACTION.match("match_created")


def test_every_old_name_reads_as_a_name_of_the_one_style() -> None:
    assert audit.canonical("match_created") == "match.created"
    assert audit.canonical("refused") == "access.refused"
    assert audit.canonical("match.viewed") == "match.viewed"
    for old, new in audit.RENAMED.items():
        assert not audit.ACTION.match(old) and audit.ACTION.match(new), old
    named = {a for _, a in _named_actions()}
    assert not named & set(audit.RENAMED), "the code still writes an old name"


async def test_the_audit_export_reads_old_rows_under_todays_names(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        for action in ("match_created", "match.created", "refused"):
            b.session.add(
                AuditEvent(organisation_id=org.id, action=action, detail={}, created_at=b.now)
            )
    today = clock.now().date()
    period = exports.Period.of(today - timedelta(days=1), today + timedelta(days=1), org.timezone)
    rows: list[list[object]] = []
    async with db.transaction() as session:
        async for batch in exports.batches(
            session, org, exports.kind_of("audit"), period, exports.AsTheyAre()
        ):
            rows.extend(batch)
    assert sorted(str(r[3]) for r in rows) == ["access.refused", "match.created", "match.created"]
