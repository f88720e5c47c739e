"""How long `mentorbot export meetings` takes for a million meetings, and the memory it needs;
and how long `mentorbot report` takes for a programme of 5,000 matches over a year.

Makes a fresh database with one organisation: M matches (default 5,000), each a family of two
mentees, a mentor and one of 50 workers, and N meetings (default 1,000,000) spread over 2025
across the matches, with activities, moods and notes; per match a few concerns, help requests
with an answer, and progress reports. Then runs each command as its own process, as staff
would, and measures wall time and peak memory (maximum RSS of that process).

    .venv/bin/python benchmarks/export_bench.py --database postgresql+asyncpg://…/db
    .venv/bin/python benchmarks/export_bench.py                        # a temporary SQLite file
    .venv/bin/python benchmarks/export_bench.py --meetings 2000 --matches 20   # a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Concern,
    Family,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    Meeting,
    Organisation,
    Person,
    ProgressReport,
)

ROOT = Path(__file__).resolve().parent.parent

FIRST, LAST = date(2025, 1, 1), date(2025, 12, 31)
BATCH = 10_000
ACTS = ("walk", "sport", "language", "paperwork", "job", "housing", "health", "culture", "meal")


async def _reset(db: Database) -> None:
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db)


async def _insert(db: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if not db.is_sqlite and table is Meeting:
        # PostgreSQL: COPY, some twenty times faster than INSERTs for a million rows.
        columns = list(rows[0])
        records = [
            tuple(json.dumps(r[c]) if c == "activities" else r[c] for c in columns) for r in rows
        ]
        async with db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                "meeting", records=records, columns=columns
            )
            await conn.commit()
        return
    for start in range(0, len(rows), BATCH):
        async with db.transaction() as session:
            await session.execute(insert(table), rows[start : start + BATCH])


async def seed(url: str, matches: int, meetings: int) -> int:
    rnd = random.Random(23)
    db = Database(url)
    await _reset(db)
    now = datetime(2024, 12, 1, tzinfo=UTC)
    async with db.transaction() as session:
        org = Organisation(
            name="Casal Raval", timezone="Europe/Madrid", locale="en", created_at=now
        )
        session.add(org)
        await session.flush()
        org_id = org.id
    workers = 50
    people: list[dict[str, Any]] = [
        {"id": i + 1, "organisation_id": org_id, "role": "worker", "name": f"Worker {i}",
         "created_at": now}
        for i in range(workers)
    ]  # fmt: skip
    families = [
        {"id": m + 1, "organisation_id": org_id, "name": f"Família {m}", "created_at": now}
        for m in range(matches)
    ]
    pid = workers
    match_rows, mentor_rows = [], []
    for m in range(matches):
        for k in range(2):
            pid += 1
            people.append(
                {"id": pid, "organisation_id": org_id, "role": "mentee", "name": f"Mentee {m}-{k}",
                 "family_id": m + 1, "phone": f"+3461{m:07d}", "created_at": now}
            )  # fmt: skip
        pid += 1
        people.append(
            {"id": pid, "organisation_id": org_id, "role": "mentor", "name": f"Mentor {m}",
             "email": f"mentor{m}@example.org", "created_at": now}
        )  # fmt: skip
        started = FIRST + timedelta(days=rnd.randint(-200, 300))
        closed = (
            datetime.combine(
                started + timedelta(days=rnd.randint(60, 300)), datetime.min.time(), UTC
            )
            if rnd.random() < 0.2
            else None
        )
        match_rows.append(
            {"id": m + 1, "organisation_id": org_id, "family_id": m + 1,
             "worker_id": m % workers + 1, "status": "closed" if closed else "active",
             "started_on": started, "closed_at": closed, "created_at": now}
        )  # fmt: skip
        mentor_rows.append({"match_id": m + 1, "mentor_id": pid})
    mentor_of = {r["match_id"]: r["mentor_id"] for r in mentor_rows}
    await _insert(db, Family, families)
    await _insert(db, Person, people)
    await _insert(db, Match, match_rows)
    await _insert(db, MatchMentor, mentor_rows)
    days = (LAST - FIRST).days + 1
    chunk: list[dict[str, Any]] = []
    for n in range(meetings):
        match_id = n % matches + 1
        chunk.append(
            {"match_id": match_id, "mentor_id": mentor_of[match_id],
             "occurred_on": FIRST + timedelta(days=rnd.randrange(days)),
             "duration_minutes": rnd.choice((30, 60, 90, 120)),
             "activities": rnd.sample(ACTS, rnd.randint(1, 3)), "mood": rnd.choice((None, 2, 3, 4, 5)),
             "notes": f"We went to the library and practised form {n}." if n % 3 == 0 else None,
             "created_at": now + timedelta(seconds=n), "updated_at": now}
        )  # fmt: skip
        if len(chunk) == BATCH:
            await _insert(db, Meeting, chunk)
            chunk = []
    await _insert(db, Meeting, chunk)
    concerns, helps, messages, reports = [], [], [], []
    for m in range(matches):
        moment = datetime.combine(FIRST, datetime.min.time(), UTC) + timedelta(
            days=rnd.randrange(days), hours=10
        )
        concerns.append(
            {"organisation_id": org_id, "match_id": m + 1, "raised_by_id": mentor_of[m + 1],
             "category": "housing", "severity": rnd.choice(("low", "medium", "high")),
             "description": "The landlord wants them out.", "status": "acknowledged",
             "assigned_worker_id": m % workers + 1, "raised_at": moment,
             "acknowledged_at": moment + timedelta(minutes=rnd.randint(5, 3000))}
        )  # fmt: skip
        helps.append(
            {"id": m + 1, "organisation_id": org_id, "match_id": m + 1,
             "requester_id": mentor_of[m + 1], "worker_id": m % workers + 1, "kind": "practical",
             "status": "open", "created_at": moment}
        )  # fmt: skip
        messages.append(
            {"help_request_id": m + 1, "author_id": m % workers + 1, "text": "Call me",
             "created_at": moment + timedelta(hours=rnd.randint(1, 80))}
        )  # fmt: skip
        for k in range(4):
            reports.append(
                {"match_id": m + 1, "mentor_id": mentor_of[m + 1],
                 "domains": {d: {"rating": rnd.randint(1, 4)} for d in ("language", "social")},
                 "relationship": 3, "needs_support": k == 0,
                 "created_at": moment + timedelta(days=k)}
            )  # fmt: skip
    await _insert(db, Concern, concerns)
    await _insert(db, HelpRequest, helps)
    await _insert(db, HelpMessage, messages)
    await _insert(db, ProgressReport, reports)
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            for table in ("person", "family", "match", "help_request"):
                await conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM \"{table}\"))")
                )  # fmt: skip
            await conn.execute(text("ANALYZE"))
    await db.dispose()
    return org_id


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `mentorbot …` process."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"mentorbot {' '.join(args)} failed: {err.read().strip()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    parser.add_argument("--meetings", type=int, default=1_000_000)
    parser.add_argument("--matches", type=int, default=5_000)
    parser.add_argument("--formats", default="csv,xlsx", help="export formats to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        start = time.perf_counter()
        org = asyncio.run(seed(url, args.matches, args.meetings))
        print(
            f"seeded {args.matches:,} matches and {args.meetings:,} meetings in "
            f"{time.perf_counter() - start:.0f} s ({'SQLite' if 'sqlite' in url else 'PostgreSQL'})"
        )
        env = {**os.environ, "MENTORBOT_DATABASE_URL": url}
        period = ["--org", str(org), "--from", str(FIRST), "--to", str(LAST)]
        print(f"{'command':<44} {'rows':>10} {'seconds':>8} {'peak MB':>8}")
        for fmt in args.formats.split(","):
            for pseudo in ([], ["--pseudonymise"]):
                out = Path(tmp) / f"meetings.{fmt}"
                seconds, peak = timed(
                    ["export", "meetings", *period, "--format", fmt, "--out", str(out), *pseudo],
                    env,
                )
                label = f"export meetings --format {fmt} {' '.join(pseudo)}".strip()
                print(f"{label:<44} {args.meetings:>10,} {seconds:>8.1f} {peak:>8.0f}")
                out.unlink()
        seconds, peak = timed(["report", *period, "--out", f"{tmp}/report.pdf"], env)
        label = f"report ({args.matches:,} matches)"
        print(f"{label:<44} {'':>10} {seconds:>8.1f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
