"""Third-party records reduced to their structure: python-telegram-bot's `Calling Bot API
endpoint … with parameters …`, `… finished with return value …` and `Processing update …` keep
the method, the ids (chat, message, update) and the names of the other parameters, and gain the
call's duration; everything else a library passes as an argument becomes a placeholder, with
numbers and error types kept."""

from __future__ import annotations

import contextvars
import logging
import re
import time
from collections.abc import Mapping
from enum import Enum
from typing import Any

# Bot API parameters whose values are ids, numbers or codes, kept in DEBUG lines.
ID_PARAMETERS = frozenset(
    {
        "chat_id", "message_id", "user_id", "from_chat_id", "callback_query_id", "offset",
        "limit", "timeout", "update_id", "parse_mode", "show_alert", "cache_time",
        "disable_notification", "drop_pending_updates", "max_connections", "scope",
    }
)  # fmt: skip
PLACEHOLDER = "…"

# Method names (getUpdates, sendMessage): lower camelCase, which a person's name never is.
_METHOD = re.compile(r"[a-z]+(?:[A-Z][a-z]+)+\Z")
_SAFE_WORDS = frozenset({"polling", "webhook"})

_started: contextvars.ContextVar[float | None] = contextvars.ContextVar("_started", default=None)


def _safe(value: Any) -> Any:
    """A log argument of a library, kept only when it cannot be personal."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, BaseException):
        return type(value).__name__
    if isinstance(value, str) and (_METHOD.match(value) or value in _SAFE_WORDS):
        return value
    return PLACEHOLDER


def _parameters(data: Any) -> str:
    if not isinstance(data, Mapping):
        return PLACEHOLDER
    parts = []
    for key, value in data.items():
        if key in ID_PARAMETERS and (
            isinstance(value, bool | int | float | Enum) or _safe(value) != PLACEHOLDER
        ):
            parts.append(f"{key}={_safe(value)}")
        else:
            parts.append(str(key))
    return "{" + ", ".join(parts) + "}"


def _returned(result: Any) -> str:
    if isinstance(result, bool | int | float) or result is None:
        return str(result)
    if isinstance(result, list):
        return _returned_list(result)
    if isinstance(result, Mapping):
        return _returned_mapping(result)
    return type(result).__name__


def _returned_list(result: list[Any]) -> str:
    ids = [r.get("update_id") for r in result if isinstance(r, Mapping) and "update_id" in r]
    if ids:
        return f"{len(result)} updates, ids {ids[0]}–{ids[-1]}"
    return f"{len(result)} items"


def _returned_mapping(result: Mapping[str, Any]) -> str:
    kept = {k: result[k] for k in ("message_id", "update_id", "id") if k in result}
    if isinstance(result.get("chat"), Mapping) and "id" in result["chat"]:
        kept["chat_id"] = result["chat"]["id"]
    kept = {k: v for k, v in kept.items() if isinstance(v, int)}
    inner = ", ".join(f"{k}={v}" for k, v in kept.items())
    return "{" + inner + (", …}" if len(kept) < len(result) else "}")


def _update(update: Any) -> str:
    update_id = getattr(update, "update_id", None)
    if not isinstance(update_id, int):
        return type(update).__name__
    kinds = []
    try:
        kinds = [k for k in update.to_dict() if k != "update_id"]
    except Exception:  # not a telegram.Update after all
        kinds = []
    chat = getattr(getattr(update, "effective_chat", None), "type", None)
    where = f", chat={chat}" if isinstance(chat, str) else ""
    return f"Update(update_id={update_id}, {'/'.join(kinds) or '?'}{where})"


def _api_call(msg: str, args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]] | None:
    """A Bot API call starting or finished: its method, ids and duration; None: another line."""
    if msg.startswith("Calling Bot API endpoint"):
        _started.set(time.perf_counter())
        return "Calling Bot API endpoint `%s` with parameters %s", (
            _safe(args[0]),
            _parameters(args[1]),
        )
    if msg.startswith("Call to Bot API endpoint"):
        started = _started.get()
        took = f" in {(time.perf_counter() - started) * 1000:.1f} ms" if started else ""
        return "Call to Bot API endpoint `%s` finished" + took + ": %s", (
            _safe(args[0]),
            _returned(args[1]),
        )
    return None


def _telegram(record: logging.LogRecord) -> None:
    msg, args = str(record.msg), record.args
    if not isinstance(args, tuple):
        args = () if args is None else (args,)
    call = _api_call(msg, args) if len(args) == 2 else None
    if call is not None:
        record.msg, record.args = call
    elif ("Processing update" in msg or "Dropping pending update" in msg) and len(args) == 1:
        record.args = (_update(args[0]),)
    elif msg.startswith("Webhook received data") and len(args) == 1:
        record.msg, record.args = "Webhook received data: %s characters", (len(str(args[0])),)
    else:
        record.args = tuple(_safe(a) for a in args)


def reduce(record: logging.LogRecord) -> None:
    """Third-party records keep their message's structure and lose their arguments."""
    if record.name.split(".")[0] == "telegram":
        _telegram(record)
    elif isinstance(record.args, Mapping):
        record.args = {k: _safe(v) for k, v in record.args.items()}
    elif record.args:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        record.args = tuple(_safe(a) for a in args)
