"""How updates arrive, from `getWebhookInfo`: by long polling with no webhook set, or by the
webhook of MENTORBOT_WEBHOOK_URL, which Telegram can deliver to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings
from bot.doctor.results import Check, failed, passed


@dataclass(frozen=True)
class _Info:
    """What getWebhookInfo answered."""

    url: str
    pending: int
    error: Any
    when: Any

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc or self.url


def updates(settings: Settings, info: dict[str, Any]) -> Check:
    found = _Info(
        str(info.get("url") or ""),
        int(info.get("pending_update_count") or 0),
        info.get("last_error_message"),
        info.get("last_error_date"),
    )
    if settings.webhook_url is None:
        return _polling(found)
    return _webhook(settings, found)


def _polling(found: _Info) -> Check:
    if found.url:
        return failed(
            "updates",
            f"a webhook is set (to {found.host}) but MENTORBOT_WEBHOOK_URL is not: "
            "`mentorbot run` (polling) gets no updates",
            "set MENTORBOT_WEBHOOK_URL and run `mentorbot run --webhook`, or run "
            "`mentorbot run` once: it removes the webhook",
        )
    return passed("updates", f"long polling; {found.pending} update(s) waiting at Telegram")


def _webhook(settings: Settings, found: _Info) -> Check:
    expected = str(settings.webhook_url)
    if not found.url:
        return failed(
            "updates",
            "no webhook is set at Telegram",
            "start the bot with `mentorbot run --webhook` (it sets the webhook)",
        )
    if found.url.rstrip("/") != expected.rstrip("/"):
        return failed(
            "updates",
            f"Telegram sends updates to {found.host}, not to MENTORBOT_WEBHOOK_URL",
            "restart `mentorbot run --webhook` (it sets the webhook), or correct "
            "MENTORBOT_WEBHOOK_URL",
        )
    if found.error and found.pending:
        return _undelivered(settings, found)
    return passed("updates", f"webhook to {found.host}; {found.pending} update(s) waiting")


def _undelivered(settings: Settings, found: _Info) -> Check:
    when = found.when
    since = datetime.fromtimestamp(int(when), UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "?"
    return failed(
        "updates",
        f"Telegram cannot deliver to the webhook: {found.error} (last at {since}); "
        f"{found.pending} update(s) waiting",
        "check that `mentorbot run --webhook` runs and that the reverse proxy passes "
        f"https://{found.host} to {settings.webhook_listen}:{settings.webhook_port} "
        "(docs/deployment.md section 4)",
    )
