"""`mentorbot run`: the bot itself, by long polling or webhook, stopped in order on a signal."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading

from bot.cli.common import Call, CliError
from bot.config import Settings

WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
STOP_SECONDS = 9.0  # after SIGTERM, the process is gone within this, whatever hangs


def _check_webhook(settings: Settings) -> None:
    if settings.webhook_url is None:
        raise CliError("MENTORBOT_WEBHOOK_URL is not set: give the public HTTPS URL")
    if not settings.webhook_url.startswith("https://"):
        raise CliError("MENTORBOT_WEBHOOK_URL must be an https:// URL (Telegram requires it)")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not WEBHOOK_SECRET.match(secret):
        raise CliError(
            "MENTORBOT_WEBHOOK_SECRET must be set to 1-256 characters of A-Z a-z 0-9 _ -: "
            "Telegram sends it with every update, and other requests are refused"
        )


def _force_exit() -> None:
    sys.stderr.write(
        f"mentorbot: still stopping {STOP_SECONDS:.0f} s after the signal: exiting now "
        "(messages being sent are sent again at the next start)\n"
    )
    sys.stderr.flush()
    os._exit(1)


def run(call: Call) -> int:
    from bot import preflight
    from bot.intake import serve

    settings, webhook = call.settings, bool(call.args.webhook)
    settings.require_token()
    if webhook:
        _check_webhook(settings)
    # Transient faults (database restarting, network) wait here with backoff; permanent ones
    # end the command with one line.
    asyncio.run(preflight.check(settings))
    watchdog: list[threading.Timer] = []

    def on_signal() -> None:
        if not watchdog:  # the first signal: stop in order, but within STOP_SECONDS
            timer = threading.Timer(STOP_SECONDS, _force_exit)
            timer.daemon = True
            timer.start()
            watchdog.append(timer)

    try:
        # Updates are stored in the inbox before Telegram is told they arrived (bot/intake.py).
        fatal = asyncio.run(serve(settings, webhook=webhook, on_signal=on_signal))
    finally:
        for timer in watchdog:
            timer.cancel()
    if fatal is not None:
        raise CliError(fatal)
    return 0
