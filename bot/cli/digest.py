"""`mentorbot digest`: a member of staff's weekly digest, composed now; printed, or queued."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import Call, CliError, Commands


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
    digest = sub.add_parser(
        "digest",
        help="a worker's or coordinator's weekly digest, as it would be sent now",
        description="Compose the digest of one member of staff now, in their language and "
        "timezone. With --dry-run, print its text and write its chart to a PNG file; "
        "without, queue both for the running bot to send.",
    )
    digest.add_argument("--person", type=int, required=True, metavar="N", help="the person's id")
    digest.add_argument("--dry-run", action="store_true", help="print, send nothing")
    digest.add_argument(
        "--chart", type=Path, metavar="FILE.png", help="where to write the chart (--dry-run)"
    )


async def _compose(session: AsyncSession, now: datetime, person_id: int, dry_run: bool) -> Any:
    from bot.notifications import digest
    from storage.models import Person

    person = await session.get(Person, person_id) if 0 < person_id < 2**31 else None
    if person is None:
        raise CliError(f"no person {person_id}")
    composed = await digest.compose(session, person, now)
    if not dry_run:
        key = f"digest:{person.id}:manual:{now.isoformat()}"
        digest.enqueue(session, now, person, composed, key=key)
    return composed


def _digest(call: Call) -> None:
    args = call.args
    composed = call.run_in_transaction(
        lambda s, now: _compose(s, now, args.person, bool(args.dry_run))
    )
    if composed.empty:
        print(f"nothing to say to person {args.person} this week: no digest")
        return
    print(composed.text)
    if args.dry_run and composed.chart is not None:
        path = args.chart or Path(f"digest-{args.person}.png")
        path.write_bytes(composed.chart)
        print(f"chart: {path}")
    elif not args.dry_run:
        print(f"queued for person {args.person}")


COMMANDS: Commands = {("digest", None): _digest}
