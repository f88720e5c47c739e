"""Importing a file: every row read, checked and written in batches, then the matches; all
rows or none (`ImportRejected` names each rejected line, and the caller rolls back)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import ServiceError
from bot.services.importer import rules
from bot.services.importer.checking import Checked, Checker
from bot.services.importer.matching import Matcher
from bot.services.importer.orgs import Orgs
from bot.services.importer.reading import read
from bot.services.importer.rules import ImportRejected, ImportReport, Row
from bot.services.importer.writing import MentorRow, Writer


async def import_csv(session: AsyncSession, now: datetime, text: str) -> ImportReport:
    """Import every row of a CSV text, or raise `ImportRejected` (the caller rolls back)."""
    return await import_lines(session, now, io.StringIO(text))


async def import_lines(
    session: AsyncSession,
    now: datetime,
    lines: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every row of a CSV stream, or raise `ImportRejected` (the caller rolls back).
    `progress(rows)` is called after each batch. The limits are `rules.MAX_ROWS` rows and
    batches of `rules.BATCH` rows."""
    header, found, problems = read(lines)
    report = ImportReport(rejected=list(problems))
    if problems:
        raise ImportRejected(report)
    orgs = Orgs(session)
    checker = Checker(session, now, orgs)
    writer = Writer(session, now, report, orgs)
    mentor_rows: list[MentorRow] = []
    batch: list[Checked] = []
    for line, values in found:
        report.rows += 1
        if report.rows > rules.MAX_ROWS:
            report.reject(line, f"more than {rules.MAX_ROWS:,} rows: split the file")
            break
        if len(values) > len(header):
            report.reject(line, "more cells than columns")
            continue
        row = Row(line, dict(zip(header, values, strict=False)))
        try:
            batch.append(await checker.check(row))
        except ServiceError as exc:
            report.reject(line, str(exc))
        if len(batch) >= rules.BATCH:
            mentor_rows += await writer.write(batch)
            batch = []
            if progress is not None:
                progress(report.rows)
    mentor_rows += await writer.write(batch)
    if progress is not None:
        progress(report.rows)
    await Matcher(session, now, report, orgs).matches(mentor_rows)
    if report.rejected:
        report.rejected.sort(key=lambda r: r.line)
        raise ImportRejected(report)
    return report
