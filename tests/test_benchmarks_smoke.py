"""Smoke runs of the benchmarks in benchmarks/, at tiny sizes, so that they cannot rot. They
check that each runs to the end and reports its figures; the figures themselves are read by
people (benchmarks/README.md), never asserted against a time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the benchmarks make their own SQLite database: run once, in the SQLite pass",
)


def test_throughput_reports_both_bots() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/throughput.py",
            "--seconds",
            "1",
            "--warmup",
            "0.5",
            "--users",
            "4",
            "--families",
            "10",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line.strip()}
    # bot, updates/s, x echo, CPU/upd, gen CPU/upd, emu CPU/upd, p50, p99, max, lost, ...
    lost_column = 9
    for bot in ("echo", "mentorbot"):
        assert bot in rows, done.stdout
        updates_per_second, lost = float(rows[bot][1]), int(rows[bot][lost_column])
        assert updates_per_second > 0 and lost == 0, done.stdout
    assert re.search(r"load average \d", done.stdout)


def test_privacy_bench_reports_encryption_and_erasure() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/privacy_bench.py",
            "--rounds",
            "10",
            "--programmes",
            "2",
            "--outbox",
            "5",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"200-character note\s+encrypt\s+[\d.]+ µs", done.stdout), done.stdout
    assert re.search(r"mentee alone\s+median\s+[\d.]+ ms", done.stdout), done.stdout


def test_matching_bench_reports_a_time() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/matching_bench.py", "--mentors", "50", "--repeat", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"50 mentors: median [\d.]+ ms", done.stdout), done.stdout


def test_export_bench_reports_exports_and_the_report() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/export_bench.py", "--meetings", "300", "--matches", "6",
         "--formats", "csv"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {line.split(" --")[0].split(" (")[0]: line.split() for line in done.stdout.splitlines()}
    assert float(rows["export meetings"][-2]) > 0 and float(rows["export meetings"][-1]) > 0
    assert float(rows["report"][-2]) > 0, done.stdout


def run_benchmark(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_update_cost_counts_statements_and_cpu() -> None:
    out = run_benchmark(
        "benchmarks/update_cost.py", "--families", "5", "--users", "2", "--rounds", "1"
    )
    found = re.search(r"statements/update ([\d.]+)\s+CPU/update ([\d.]+) ms", out)
    assert found is not None, out
    assert float(found[1]) > 0 and float(found[2]) > 0, out


def test_tick_bench_times_the_whole_tick() -> None:
    out = run_benchmark(
        "benchmarks/tick_bench.py", "--whole", "--future", "50", "--due", "5",
        "--families", "10", "--runs", "1",
    )  # fmt: skip
    assert re.search(r"the whole tick, SQLite, load average [\d.]+, 5 due reminders", out), out


def test_memory_bench_reports_cold_start_and_memory() -> None:
    out = run_benchmark(
        "benchmarks/memory_bench.py", "--families", "10", "--appointments", "20",
        "--users", "2", "--seconds", "0.5", "--idle", "0.2",
    )  # fmt: skip
    assert re.search(r"seeded 21 people, 10 matches, 20 appointments", out), out
    assert re.search(r"SQLite, .*load average [\d.]+", out), out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    for bot in ("echo", "mentorbot"):
        # bot, cold s, idle MiB, load MiB, after MiB, peak MiB, updates, lost
        cold, idle, peak = float(rows[bot][1]), float(rows[bot][2]), float(rows[bot][5])
        updates, lost = int(rows[bot][6]), int(rows[bot][7])
        assert cold > 0 and 0 < idle <= peak and updates > 0 and lost == 0, out
