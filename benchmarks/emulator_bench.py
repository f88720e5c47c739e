"""Throughput of the Bot API emulator: sendMessage calls per second over loopback HTTP.

The emulator runs in its own process (``python -m emulator``, flood limits off); this
process drives it with keep-alive HTTP/1.1 connections sending form-encoded sendMessage
requests, as python-telegram-bot does.

    .venv/bin/python benchmarks/emulator_bench.py [--seconds 5] [--connections 8] [--client raw|httpx]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

TOKEN = "123456:BENCH"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator",
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--no-flood-limit",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # the server prints its address once it listens
    return proc


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to measure the server's cost per call."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_json(url: str, payload: dict[str, object]) -> dict[str, object]:
    req = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as r:
        result: dict[str, object] = json.loads(r.read())
        return result


async def raw_client(port: int, body: bytes, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    n = 0
    while time.perf_counter() < stop_at:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        payload = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(payload.decode())
        n += 1
    counts.append(n)
    writer.close()


async def httpx_client(port: int, form: dict[str, str], stop_at: float, counts: list[int]) -> None:
    import httpx

    n = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        while time.perf_counter() < stop_at:
            r = await client.post(f"/bot{TOKEN}/sendMessage", data=form)
            r.raise_for_status()
            n += 1
    counts.append(n)


async def run(
    port: int, seconds: float, connections: int, client: str, chat_id: int
) -> tuple[float, int]:
    form = {
        "chat_id": str(chat_id),
        "text": "Hello! This is a benchmark message with <b>some</b> text.",
        "parse_mode": "HTML",
    }
    counts: list[int] = []
    started = time.perf_counter()
    stop_at = started + seconds
    if client == "raw":
        body = urlencode(form).encode()
        await asyncio.gather(*(raw_client(port, body, stop_at, counts) for _ in range(connections)))
    else:
        await asyncio.gather(
            *(httpx_client(port, form, stop_at, counts) for _ in range(connections))
        )
    return sum(counts) / (time.perf_counter() - started), sum(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    args = parser.parse_args(argv)
    port = free_port()
    proc = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}/_emulator"
        user = post_json(f"{base}/users", {"first_name": "Bench"})
        post_json(f"{base}/users/{user['id']}/send", {"text": "/start"})
        asyncio.run(run(port, 1.0, args.connections, args.client, int(str(user["id"]))))  # warm-up
        cpu_before = cpu_seconds(proc.pid)
        rate, calls = asyncio.run(
            run(port, args.seconds, args.connections, args.client, int(str(user["id"])))
        )
        server_cpu = cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.wait()
    print(
        f"sendMessage: {rate:,.0f} calls/s ({args.client} client, {args.connections} connections, {args.seconds:g} s)"
    )
    per_call = server_cpu / calls * 1e6
    print(
        f"server CPU: {per_call:.0f} µs per call, i.e. at most {1e6 / per_call:,.0f} calls/s on one core"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
