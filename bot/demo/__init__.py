"""`mentorbot demo`: the bot on this machine without Telegram. One process runs the Bot API
emulator, the bot (production wiring, pointed at the emulator), a seeded SQLite database and a
web page with the phones of a mentor, a mentee and a social worker side by side."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from bot import logs

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.demo.stack import Demo

DEFAULT_PORT = 8080
HOST = "127.0.0.1"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot demo",
        description="Try the bot in a web page: emulated Telegram, seeded programme, "
        "no token and no account needed.",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT,
        help=f"port of the page on {HOST} (default {DEFAULT_PORT}; 0 picks a free one)",
    )  # fmt: skip
    parser.add_argument(
        "--database", type=Path, default=None,
        help="SQLite file to use (default: a fresh temporary file, removed on exit)",
    )  # fmt: skip
    parser.add_argument(
        "--tick-seconds", type=float, default=2.0, help="scheduler tick interval (default 2)"
    )
    return parser


class PortTaken(Exception):
    pass


def bind(port: int, host: str = HOST) -> socket.socket:
    """The page's listening socket, bound now so that a port in use is refused before
    anything starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse a port left in TIME_WAIT by a previous run; a port someone listens on still fails.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortTaken(
            f"port {port} on {host} is already in use; stop what uses it or choose another "
            "with --port"
        ) from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


class _Server(uvicorn.Server):
    """Uvicorn, leaving Ctrl-C to the demo (which stops the page, the bot and the emulator in
    order)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Served:
    demo: Demo
    server: uvicorn.Server
    task: asyncio.Task[None]
    url: str


@contextlib.asynccontextmanager
async def running(
    sock: socket.socket,
    database: Path | None = None,
    tick_seconds: float = 2.0,
    wall: Clock | None = None,
) -> AsyncIterator[Served]:
    """The demo and its page served on `sock`, until the block ends (or the server is told to
    exit: `server.should_exit = True`)."""
    from bot.demo.stack import Demo
    from bot.demo.web import create_app

    demo = Demo(database, tick_seconds=tick_seconds, wall=wall)
    await demo.start()
    try:
        config = uvicorn.Config(
            create_app(demo),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
        )
        server = _Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn has no event)
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # it failed to start: say why
        try:
            yield Served(demo, server, task, f"http://{HOST}:{sock.getsockname()[1]}")
        finally:
            demo.feed.close()  # open event streams end, so the server can stop
            server.should_exit = True
            await task
    finally:
        await demo.stop()


async def serve(
    sock: socket.socket, database: Path | None, tick_seconds: float, started: float
) -> int:
    """Run until SIGINT or SIGTERM, then stop the page, the bot and the emulator."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled = (signal.SIGINT, signal.SIGTERM)
    for sig in handled:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running(sock, database, tick_seconds) as served:
            took = time.monotonic() - started
            print(
                f"mentorbot demo: open {served.url}/ (ready in {took:.1f} s; Ctrl-C stops it)",
                flush=True,
            )
            waiter = asyncio.create_task(stop.wait())
            await asyncio.wait({waiter, served.task}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
    print("mentorbot demo: stopped", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo until Ctrl-C; returns the process's exit status."""
    started = time.monotonic()
    from bot.demo.stack import DemoError

    args = _parser().parse_args(argv)
    try:
        sock = bind(args.port)
    except PortTaken as exc:
        print(f"mentorbot demo: {exc}", file=sys.stderr)
        return 2
    logs.configure("WARNING")
    try:
        return asyncio.run(serve(sock, args.database, args.tick_seconds, started))
    except DemoError as exc:
        print(f"mentorbot demo: {exc}", file=sys.stderr)
        return 2
    finally:
        sock.close()
