"""Update delivery: getUpdates long polling and webhooks."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from itertools import islice
from typing import Any

import httpx

from .errors import bad_request, conflict
from .state import DEFAULT_UPDATES, BotState, WebhookConfig, World

WEBHOOK_ACTIVE = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
POLL_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")
MAX_POLL_TIMEOUT = 50.0


def update_type(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


def _allowed(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        return DEFAULT_UPDATES
    return frozenset(str(v) for v in value)


def _confirm(bot: BotState, offset: int | None) -> None:
    updates = bot.updates
    if not offset:
        return
    if offset > 0:
        while updates and updates[0]["update_id"] < offset:
            updates.popleft()
    else:
        while len(updates) > -offset:
            updates.popleft()


def confirmed_by(bot: BotState, offset: Any) -> list[int]:
    """The ids of the pending updates a getUpdates call with `offset` confirms."""
    if not offset or int(offset) <= 0:
        return []
    return [u["update_id"] for u in bot.updates if u["update_id"] < int(offset)]


def _select(bot: BotState, allowed: frozenset[str], limit: int) -> list[dict[str, Any]]:
    updates = bot.updates
    if any(update_type(u) not in allowed for u in updates):
        kept = [u for u in updates if update_type(u) in allowed]
        updates.clear()
        updates.extend(kept)
    return list(islice(updates, limit))


async def get_updates(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    if bot.webhook is not None:
        raise conflict(WEBHOOK_ACTIVE)
    limit = min(100, max(1, int(p.get("limit", 100))))
    timeout = min(MAX_POLL_TIMEOUT, max(0.0, float(p.get("timeout", 0))))
    if "allowed_updates" in p:
        bot.allowed_updates = _allowed(p["allowed_updates"])
    _confirm(bot, p.get("offset"))
    token = object()
    previous, bot.poll_owner = bot.poll_owner, token
    if previous is not None:
        bot.update_signal.fire()  # the older request answers 409
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while True:
            found = _select(bot, bot.allowed_updates, limit)
            if found:
                return found
            if bot.poll_owner is not token:
                raise conflict(POLL_TERMINATED)
            if bot.webhook is not None:
                raise conflict(WEBHOOK_ACTIVE)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await bot.update_signal.wait(remaining)
    finally:
        if bot.poll_owner is token:
            bot.poll_owner = None


def set_webhook(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    url = p["url"]
    if not url:
        return delete_webhook(world, bot, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    allowed = _allowed(p["allowed_updates"]) if "allowed_updates" in p else bot.allowed_updates
    bot.allowed_updates = allowed
    bot.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=int(p.get("max_connections", 40)),
        allowed_updates=allowed,
    )
    bot.update_signal.fire()
    return True


def delete_webhook(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    if p.get("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = None
    bot.update_signal.fire()
    return True


def get_webhook_info(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    hook = bot.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates is not None and hook.allowed_updates != DEFAULT_UPDATES:
            info["allowed_updates"] = sorted(hook.allowed_updates)
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


class Webhooks:
    """POSTs pending updates to each bot's webhook, one at a time, in order, retrying on failure."""

    def __init__(
        self, world: World, confirmed: Callable[[list[int], str], Awaitable[None]] | None = None
    ) -> None:
        self.world = world
        self.confirmed = confirmed
        self._tasks: dict[str, tuple[WebhookConfig, asyncio.Task[None]]] = {}
        self._client: httpx.AsyncClient | None = None

    def sync(self, bot: BotState) -> None:
        """Start, restart or stop delivery after the bot's webhook configuration changed."""
        current = self._tasks.get(bot.token)
        if current is not None and current[0] is bot.webhook:
            return
        if current is not None:
            current[1].cancel()
            del self._tasks[bot.token]
        if bot.webhook is not None:
            if self._client is None:
                self._client = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=5.0))
            task = asyncio.get_running_loop().create_task(
                self._deliver(bot, bot.webhook, self._client)
            )
            self._tasks[bot.token] = (bot.webhook, task)

    async def _deliver(self, bot: BotState, hook: WebhookConfig, client: httpx.AsyncClient) -> None:
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        backoff = 0.05
        while bot.webhook is hook:
            updates = bot.updates
            if not updates:
                await bot.update_signal.wait(None)
                continue
            update = updates[0]
            if hook.allowed_updates is not None and update_type(update) not in hook.allowed_updates:
                updates.popleft()
                continue
            error: str | None = None
            try:
                response = await client.post(
                    hook.url, content=json.dumps(update).encode(), headers=headers
                )
                if not 200 <= response.status_code < 300:
                    error = f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
            except httpx.HTTPError as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            if error is None:
                if self.confirmed is not None:
                    await self.confirmed([update["update_id"]], "webhook")
                if updates and updates[0] is update:
                    updates.popleft()
                backoff = 0.05
            else:
                hook.last_error_date = self.world.now()
                hook.last_error_message = error
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    async def close(self) -> None:
        for _hook, task in self._tasks.values():
            task.cancel()
        for _hook, task in self._tasks.values():
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
