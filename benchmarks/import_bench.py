"""How long `mentorbot import` takes for a large CSV file, and how much memory it needs.

Writes a file of N rows (default 100,000) the way a programme's spreadsheet would hold them
(per 10 rows: a worker, two families of two mentees, three mentees on their own, and two
mentors who form one match with the worker and one of the families), makes a fresh database,
and runs `mentorbot import` as its own process, measuring wall time and peak memory (RSS).

    .venv/bin/python benchmarks/import_bench.py                       # SQLite
    .venv/bin/python benchmarks/import_bench.py --database postgresql+asyncpg://…/db
    .venv/bin/python benchmarks/import_bench.py --rows 200000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parent.parent
MENTORBOT = [sys.executable, "-m", "bot"]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("organisation;role;name;locale;phone;family;worker;started_on\n")
        for g in range(rows // 10):
            worker = f"Worker {g}"
            out.write(f"Casal Raval;worker;{worker};ca;+34 612 {g % 1000:03d} 679;;;\n")
            for f in (0, 1):
                for m in (0, 1):
                    out.write(f"Casal Raval;mentee;Mentee {g}-{f}-{m};ar;;Família {g}-{f};;\n")
            for m in range(3):
                out.write(f"Casal Raval;mentee;Sola {g}-{m} نور;fa;;;;\n")
            for m in (0, 1):
                out.write(
                    f"Casal Raval;mentor;Mentor {g}-{m};es;611 222 {m}33;Família {g}-0;"
                    f"{worker};2026-01-15\n"
                )


async def reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()


def run(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(MENTORBOT + args, env=env, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default="")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = opts.database or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        asyncio.run(reset(url))
        env = {**os.environ, "MENTORBOT_DATABASE_URL": url}
        csv_path = Path(tmp) / "people.csv"
        write_csv(csv_path, opts.rows)
        for setup in (
            ["db", "upgrade"],
            [
                "org",
                "add",
                "--name",
                "Casal Raval",
                "--timezone",
                "Europe/Madrid",
                "--locale",
                "ca",
            ],
        ):
            _, done = run(setup, env)
            assert done.returncode == 0, done.stderr
        seconds, done = run(["import", str(csv_path)], env)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = csv_path.stat().st_size / 2**20
        print(done.stdout.strip() or done.stderr.strip()[-500:])
        kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(
            f"{kind}: {opts.rows:,} rows ({size:.1f} MB) imported in {seconds:.1f} s, "
            f"{opts.rows / seconds:,.0f} rows/s, peak RSS {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
