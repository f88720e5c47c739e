"""The commands that look after the installation: `setup`, `doctor`, `db`, `keys` (and the
arguments of `run`, in `serve`)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli.common import Call, CliError, print_json
from bot.config import Settings
from storage.db import Database
from storage.migrate import check_schema, upgrade


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook")

    setup = sub.add_parser(
        "setup",
        help="set up or change the bot, its settings file, the database, the organisation and "
        "its first coordinator (asks questions; run it again to change an answer)",
    )
    setup.add_argument(
        "--settings",
        type=Path,
        default=Path(".env"),
        metavar="FILE",
        help="the settings file to write (default: .env here, which the bot reads)",
    )
    setup.add_argument(
        "--from-file",
        type=Path,
        metavar="ANSWERS.toml",
        help="take the answers from a TOML file instead of asking (keys: see the README)",
    )
    sub.add_parser(
        "doctor",
        parents=[out],
        help="check everything that can fail in production, each with its fix "
        "(exit 0 only when all pass)",
    )

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or upgrade the schema")
    db_sub.add_parser("check", help="say whether the schema is current")

    keys = sub.add_parser("keys", help="encryption keys of the free texts stored")
    keys_sub = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    keys_sub.add_parser("new", help="print a fresh key for MENTORBOT_ENCRYPTION_KEY")
    rotate = keys_sub.add_parser(
        "rotate",
        help="re-encrypt every free text under the first key (and encrypt plain ones)",
        description="Re-encrypt, a batch at a time, every value that is plain or encrypted "
        "with another key than the first of MENTORBOT_ENCRYPTION_KEY (or the key file); the "
        "old keys must still be listed after it until this has finished.",
    )
    rotate.add_argument("--batch", type=int, default=200, help="rows per transaction")


def run_doctor(call: Call) -> int:
    from bot import doctor

    results = asyncio.run(doctor.run(call.settings))
    ok = all(r.ok for r in results)
    if call.as_json:
        print_json({"ok": ok, "checks": [r.as_dict() for r in results]})
    else:
        print(doctor.render(results))
    return 0 if ok else 1


def run_db(call: Call) -> int:
    asyncio.run(_db(call.settings, call.args.action))
    return 0


async def _db(settings: Settings, action: str) -> None:
    database = Database(settings.database_url, keyring=settings.keyring())
    try:
        if action == "upgrade":
            await upgrade(database)
        await check_schema(database)
    finally:
        await database.dispose()
    print("database schema is up to date")


def run_keys(call: Call) -> int:
    from storage.crypto import new_key

    if call.args.action == "new":
        print(new_key())
        return 0
    keyring = call.settings.keyring()
    if keyring is None:
        raise CliError("no key is set: set MENTORBOT_ENCRYPTION_KEY (see `mentorbot keys new`)")
    if not 1 <= call.args.batch <= 10_000:
        raise CliError("--batch must be 1-10000")
    total = asyncio.run(_rotate(call.settings, keyring, call.args.batch))
    print(f"{total} row(s) re-encrypted under key {keyring.current}")
    return 0


async def _rotate(settings: Settings, keyring: Any, batch: int) -> int:
    from bot.services import keys

    database = Database(settings.database_url, keyring=keyring)
    total = 0
    try:
        await check_schema(database)
        for table in keys.encrypted_tables():
            after: Any = None
            while True:
                async with database.transaction() as session:
                    done, after = await keys.rotate_batch(session, table, keyring, after, batch)
                total += done
                if after is None:
                    break
    finally:
        await database.dispose()
    return total
