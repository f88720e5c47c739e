"""The cost of the data's life: encrypting and decrypting a free text (AES-256-GCM, per value),
and erasing one person (`mentorbot person erase`), on a fresh SQLite file with a key.

    .venv/bin/python benchmarks/privacy_bench.py
    .venv/bin/python benchmarks/privacy_bench.py --programmes 40 --outbox 5000

Each programme is the one the tests plant (tests/planting.py): seven people, two families, two
matches, and a free text in every table that holds one; `--outbox` adds that many sent
messages to the first organisation, which erasure reads to find the cards naming the person.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def crypto_costs(rounds: int) -> None:
    from storage.crypto import Keyring, new_key

    keyring = Keyring.of([new_key()])
    for label, size in (("a 200-character note", 200), ("a 3 KB raw update", 3000)):
        value = "é" * (size // 2)
        started = time.perf_counter()
        for _ in range(rounds):
            sealed = keyring.encrypt_text(value, "meeting.notes")
        sealed_at = time.perf_counter()
        for _ in range(rounds):
            keyring.decrypt_text(sealed, "meeting.notes")
        ended = time.perf_counter()
        print(
            f"{label:24} encrypt {(sealed_at - started) / rounds * 1e6:6.1f} µs   "
            f"decrypt {(ended - sealed_at) / rounds * 1e6:6.1f} µs   "
            f"stored {len(sealed.encode())} bytes for {len(value.encode())}"
        )


async def erasure_costs(programmes: int, outbox: int) -> None:
    from bot.services import erasure
    from mentorbot_testkit.planting import plant
    from storage.crypto import Keyring, new_key
    from storage.db import Database
    from storage.migrate import upgrade
    from storage.models import OutboxMessage, OutboxStatus

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(
            f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}", keyring=Keyring.of([new_key()])
        )
        await upgrade(db)
        now = datetime.now(UTC)
        planted = [await plant(db, now) for _ in range(programmes)]
        async with db.transaction() as session:
            worker = planted[0].people["worker"].id
            session.add_all(
                OutboxMessage(
                    person_id=worker,
                    kind="reminder",
                    text=f"message {i} " + "x" * 300,
                    status=OutboxStatus.SENT,
                    not_before=now,
                    created_at=now,
                    sent_at=now,
                )
                for i in range(outbox)
            )
        times: dict[str, list[float]] = {"mentee alone": [], "family member": []}
        for found in planted:
            for label, who in (("mentee alone", "sara"), ("family member", "amina")):
                started = time.perf_counter()
                async with db.transaction() as session:
                    await erasure.erase(session, now, found.people[who].id, actor_id=None)
                times[label].append(time.perf_counter() - started)
        await db.dispose()
    print(
        f"erasure, {programmes} programmes, {outbox} extra outbox rows in the first, "
        f"load average {os.getloadavg()[0]:.1f}:"
    )
    for label, values in times.items():
        print(
            f"  {label:14} median {statistics.median(values) * 1000:6.1f} ms   "
            f"max {max(values) * 1000:6.1f} ms   (first org {values[0] * 1000:.1f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--programmes", type=int, default=20)
    parser.add_argument("--outbox", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    crypto_costs(args.rounds)
    asyncio.run(erasure_costs(args.programmes, args.outbox))


if __name__ == "__main__":
    main()
