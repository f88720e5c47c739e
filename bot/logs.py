"""Logging set-up. Logs hold ids, codes, method names and durations, never note text, names,
phone numbers, usernames, the bot token or a secret, at any level.

Three layers, so that no single mistake leaks:

1. **An allowlist of loggers.** The project's own (`bot`, `handlers`, `storage`) log ids and
   codes only. Third-party loggers pass only when named in `ALLOWED`; any other library is
   heard at WARNING and above only, its message's arguments withheld. Libraries whose lines
   carry data are held at WARNING: httpx and httpcore (request URLs hold the token), and
   SQLAlchemy, aiosqlite and asyncpg (statements and their parameters).
2. **Arguments reduced to their structure.** python-telegram-bot's `Calling Bot API endpoint
   … with parameters …`, `… finished with return value …` and `Processing update …` keep the
   method, the ids (chat, message, update) and the names of the other parameters, and gain the
   call's duration; everything else a library passes as an argument becomes a placeholder, with
   numbers and error types kept.
3. **A scrubber of known secrets** (the token, the webhook secret, the database password, any
   bot token or phone number by their shape) over every record, whichever handler writes it:
   it runs where records are made (`logging.setLogRecordFactory`).

Tracebacks keep their frames and the exception's type, never its message.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

OWN = ("bot", "handlers", "storage", "__main__")
# Third-party loggers heard below WARNING, their arguments reduced by `_reduce`.
ALLOWED = ("telegram", "apscheduler", "alembic", "tornado", "asyncio")
# Loggers whose lines carry data (URLs with the token, SQL and its parameters): WARNING and up.
QUIET = ("httpx", "httpcore", "sqlalchemy", "aiosqlite", "asyncpg")
# Bot API parameters whose values are ids, numbers or codes, kept in DEBUG lines.
ID_PARAMETERS = frozenset(
    {
        "chat_id", "message_id", "user_id", "from_chat_id", "callback_query_id", "offset",
        "limit", "timeout", "update_id", "parse_mode", "show_alert", "cache_time",
        "disable_notification", "drop_pending_updates", "max_connections", "scope",
    }
)  # fmt: skip
PLACEHOLDER = "…"

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_PHONE = re.compile(r"\+\d[\d ()-]{7,}\d")
_SECRET_HEADER = re.compile(r"(?i)(secret[_-]token['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9_-]+")
# Method names (getUpdates, sendMessage): lower camelCase, which a person's name never is.
_METHOD = re.compile(r"[a-z]+(?:[A-Z][a-z]+)+\Z")
_SAFE_WORDS = frozenset({"polling", "webhook"})

_started: contextvars.ContextVar[float | None] = contextvars.ContextVar("_started", default=None)


# --- secrets ---------------------------------------------------------------------------------


class Scrubber:
    """Masks the known secrets, and anything shaped like a bot token or a phone number."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            found.add(secret)
            if ":" in secret and _TOKEN.fullmatch(secret):
                found.add(secret.split(":", 1)[1])  # the token's secret half, on its own
        # Longest first, so that a token is masked whole before its half is looked for.
        self.secrets = sorted((s for s in found if len(s) >= 6), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "[secret]")
        text = _TOKEN.sub("[token]", text)
        text = _SECRET_HEADER.sub(r"\1[secret]", text)
        return _PHONE.sub("[phone]", text)


def _mask(text: str) -> str:
    return Scrubber()(text)


# --- arguments reduced to their structure ---------------------------------------------------


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
        ids = [r.get("update_id") for r in result if isinstance(r, Mapping) and "update_id" in r]
        if ids:
            return f"{len(result)} updates, ids {ids[0]}–{ids[-1]}"
        return f"{len(result)} items"
    if isinstance(result, Mapping):
        kept = {k: result[k] for k in ("message_id", "update_id", "id") if k in result}
        if isinstance(result.get("chat"), Mapping) and "id" in result["chat"]:
            kept["chat_id"] = result["chat"]["id"]
        kept = {k: v for k, v in kept.items() if isinstance(v, int)}
        inner = ", ".join(f"{k}={v}" for k, v in kept.items())
        return "{" + inner + (", …}" if len(kept) < len(result) else "}")
    return type(result).__name__


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


def _telegram(record: logging.LogRecord) -> None:
    msg, args = str(record.msg), record.args
    if not isinstance(args, tuple):
        args = () if args is None else (args,)
    if msg.startswith("Calling Bot API endpoint") and len(args) == 2:
        _started.set(time.perf_counter())
        record.msg = "Calling Bot API endpoint `%s` with parameters %s"
        record.args = (_safe(args[0]), _parameters(args[1]))
    elif msg.startswith("Call to Bot API endpoint") and len(args) == 2:
        started = _started.get()
        took = f" in {(time.perf_counter() - started) * 1000:.1f} ms" if started else ""
        record.msg = "Call to Bot API endpoint `%s` finished" + took + ": %s"
        record.args = (_safe(args[0]), _returned(args[1]))
    elif ("Processing update" in msg or "Dropping pending update" in msg) and len(args) == 1:
        record.args = (_update(args[0]),)
    elif msg.startswith("Webhook received data") and len(args) == 1:
        record.msg, record.args = "Webhook received data: %s characters", (len(str(args[0])),)
    else:
        record.args = tuple(_safe(a) for a in args)


def _reduce(record: logging.LogRecord) -> None:
    """Third-party records keep their message's structure and lose their arguments."""
    if record.name.split(".")[0] == "telegram":
        _telegram(record)
    elif isinstance(record.args, Mapping):
        record.args = {k: _safe(v) for k, v in record.args.items()}
    elif record.args:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        record.args = tuple(_safe(a) for a in args)


def _own(name: str) -> bool:
    return name.split(".")[0] in OWN


def _allowed(name: str) -> bool:
    return name.split(".")[0] in ALLOWED


# --- where records are made -----------------------------------------------------------------


def _factory(
    previous: Callable[..., logging.LogRecord], scrub: Scrubber
) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            if not _own(record.name):
                _reduce(record)
            message = record.getMessage()
            masked = scrub(message)
            if masked != message:
                record.msg, record.args = masked, None
        except Exception:  # a record that cannot be formatted says so, and nothing more
            record.msg, record.args = f"unformattable log record from {record.name}", None
        return record

    make.mentorbot_scrubber = scrub  # type: ignore[attr-defined]
    return make


class Redact(logging.Filter):
    """Masks a token, a secret or a phone number still found in a formatted line, and
    withholds any formatted traceback another handler left on the record."""

    def __init__(self, scrub: Scrubber | None = None) -> None:
        super().__init__()
        self.scrub = scrub or Scrubber()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        # A traceback another handler already formatted (with the exception's message) is
        # not reused: this handler's `Formatter` formats it again, withholding the message.
        record.exc_text = None
        return True


class Allowlist(logging.Filter):
    """The project's loggers and `ALLOWED` at any level; others at WARNING and above."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _own(record.name) or _allowed(record.name) or record.levelno >= logging.WARNING


class Formatter(logging.Formatter):
    """Tracebacks keep their frames and the exception's type, never its message: an
    exception's text may hold what someone typed (a name, a note, a phone number)."""

    def __init__(self, fmt: str | None = None, scrub: Scrubber | None = None) -> None:
        super().__init__(fmt)
        self.scrub = scrub or Scrubber()

    def formatException(self, ei: Any) -> str:
        kind, _value, tb = ei
        frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
        name = getattr(kind, "__qualname__", str(kind))
        return f"Traceback (most recent call last):\n{frames}{name} (message withheld)"

    def format(self, record: logging.LogRecord) -> str:
        return self.scrub(super().format(record))


def secrets_of(settings: Any) -> list[str]:
    """The secrets a settings object holds: the token, the webhook secret, the encryption
    keys, the database password."""
    found: list[str] = []
    for name in ("token", "webhook_secret", "encryption_key"):
        value = getattr(settings, name, None)
        if value is not None:
            value = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            found.extend(part for part in re.split(r"[\s,]+", str(value)) if part)
    url = getattr(settings, "database_url", None)
    if isinstance(url, str):
        match = re.match(r"^[^:]+://[^:/@]+:([^@]+)@", url)
        if match:
            found.append(match.group(1))
    return [s for s in found if s]


def configure(level: str = "INFO", *, secrets: Iterable[str | None] = ()) -> None:
    """One handler on stderr with the filters above; the record factory scrubs `secrets`
    (and token- and phone-shaped text) from every record, whichever handler writes it."""
    scrub = Scrubber(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", scrub))
    handler.addFilter(Allowlist())
    handler.addFilter(Redact(scrub))
    root = logging.getLogger()
    root.handlers[:] = [
        h for h in root.handlers if not any(isinstance(f, Redact) for f in h.filters)
    ]
    root.addHandler(handler)
    root.setLevel(level.upper())
    previous = logging.getLogRecordFactory()
    previous = getattr(previous, "mentorbot_previous", previous)  # configured twice: replace
    factory = _factory(previous, scrub)
    factory.mentorbot_previous = previous  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    for name in (*QUIET, "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


__all__ = [
    "ALLOWED",
    "OWN",
    "QUIET",
    "Allowlist",
    "Formatter",
    "Redact",
    "Scrubber",
    "configure",
    "secrets_of",
]
