"""The disk where the database (or, on PostgreSQL, the bot) writes: enough free space."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.doctor.results import Check, failed, passed

DISK_MIN_FREE_BYTES = 500 * 2**20  # SQLite's file, its journal, backups and logs grow here


def check_disk(settings: Settings) -> Check:
    url = make_url(settings.database_url)
    folder = Path.cwd()
    if url.get_backend_name() == "sqlite" and url.database:
        database = url.database.removeprefix("file:").split("?", 1)[0]
        if database and database != ":memory:":
            folder = Path(database).resolve().parent
    try:
        usage = shutil.disk_usage(folder)
    except OSError as exc:
        return failed("disk", f"{folder}: {exc.strerror}", "create the folder of the database")
    free_mb = usage.free // 2**20
    detail = f"{free_mb:,} MB free in {folder}"
    if usage.free < DISK_MIN_FREE_BYTES:
        return failed(
            "disk",
            detail,
            f"free at least {DISK_MIN_FREE_BYTES // 2**20} MB there "
            "(old backups, logs: `journalctl --vacuum-size=200M`)",
        )
    return passed("disk", detail)
