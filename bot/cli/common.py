"""What every command of the CLI shares: its one-line error, one transaction per command
(`Call.run_in_transaction`), and printing a result as an id, a table or JSON."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SystemClock
from bot.config import Settings
from bot.notifications import bus
from storage.db import Database
from storage.migrate import check_schema

T = TypeVar("T")
Work = Callable[[AsyncSession, datetime], Awaitable[T]]


class CliError(Exception):
    """A one-line reason to stop, printed without a traceback."""


# arguments ----------------------------------------------------------------------------------
def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (use YYYY-MM-DD)") from None


def period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", required=True, help="organisation name or id")
    parser.add_argument(
        "--from", dest="first", required=True, type=day, metavar="DAY", help="YYYY-MM-DD"
    )
    parser.add_argument(
        "--to", dest="last", required=True, type=day, metavar="DAY", help="YYYY-MM-DD (included)"
    )


def person_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CliError(f"not a person id: {text!r}") from None


# output -----------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    print(json.dumps(_plain(value), ensure_ascii=False, indent=2, default=str))


def table(rows: list[list[Any]], header: list[str]) -> None:
    cells = [header, *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# running ----------------------------------------------------------------------------------
async def in_transaction(settings: Settings, work: Work[T]) -> T:
    db = Database(settings.database_url, keyring=settings.keyring())
    try:
        await check_schema(db)
        async with db.transaction() as session:
            result = await work(session, SystemClock().now())
            await bus.dispatch(session)
            return result
    finally:
        await db.dispose()


@dataclasses.dataclass(frozen=True)
class Call:
    """One command as invoked: its parsed arguments and the settings."""

    args: argparse.Namespace
    settings: Settings

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def run_in_transaction(self, fn: Work[T], render: Callable[[T], None] | None = None) -> T:
        """Run `fn` in one transaction; once it committed, hand its result to `render`."""
        result = asyncio.run(in_transaction(self.settings, fn))
        if render is not None:
            render(result)
        return result

    def id_or_json(self, value: Any) -> None:
        """What was created or changed: its id, or the whole of it with --json."""
        print_json(value) if self.as_json else print(value.id)

    def rows_or_json(
        self, header: list[str], row: Callable[[Any], list[Any]]
    ) -> Callable[[list[Any]], None]:
        """A listing: a table with `header`, one `row` an item, or JSON with --json."""

        def render(items: list[Any]) -> None:
            if self.as_json:
                print_json(items)
            else:
                table([row(item) for item in items], header)

        return render


Subcommand = Callable[[Call], None]
# A group's commands by (command, action); (command, None) takes every action of a command.
Commands = dict[tuple[str, str | None], Subcommand]
