"""Run the emulator alone: ``python -m emulator --port 8081 --token 123:ABC``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .core import DEFAULT_USERNAME, Emulator
from .flood import FloodLimits

DEFAULT_TOKEN = "123456:TEST-TOKEN"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emulator", description="A local Telegram Bot API emulator."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8081, help="port (0 = any free port; default 8081)"
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        help=f"bot token to accept (repeatable; default {DEFAULT_TOKEN})",
    )
    parser.add_argument("--bot-username", default=DEFAULT_USERNAME, help="username of the bot(s)")
    parser.add_argument(
        "--no-flood-limit", action="store_true", help="never answer 429 Too Many Requests"
    )
    parser.add_argument(
        "--lenient", action="store_true", help="ignore unknown parameters instead of answering 400"
    )
    parser.add_argument(
        "--no-groups",
        action="store_true",
        help="the bots cannot be added to groups (BotFather's Allow Groups off)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more logging")
    return parser


async def serve(args: argparse.Namespace, ready: asyncio.Event | None = None) -> None:
    emu = Emulator(
        args.host,
        args.port,
        tokens=args.token or [DEFAULT_TOKEN],
        bot_username=args.bot_username,
        flood_limits=FloodLimits.off() if args.no_flood_limit else FloodLimits(),
        strict_params=not args.lenient,
        max_recorded_calls=10_000,
    )
    for bot in emu.bots.values():
        bot.can_join_groups = not args.no_groups
    await emu.start()
    print(f"Telegram Bot API emulator on {emu.base_url}", flush=True)
    for token in emu.bots:
        print(f"  bot @{args.bot_username}: base_url {emu.base_url}/bot  token {token}", flush=True)
    print(f"  user API: {emu.base_url}/_emulator/users", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        await emu.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
