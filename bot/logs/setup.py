"""Where records are made and written: the allowlist of loggers, the filters, the formatter
that withholds an exception's message, and `configure`."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from bot.logs.reduce import reduce
from bot.logs.scrub import Scrubber

OWN = ("bot", "handlers", "storage", "__main__")
# Third-party loggers heard below WARNING, their arguments reduced by `_reduce`.
ALLOWED = ("telegram", "apscheduler", "alembic", "tornado", "asyncio")
# Loggers whose lines carry data (URLs with the token, SQL and its parameters): WARNING and up.
QUIET = ("httpx", "httpcore", "sqlalchemy", "aiosqlite", "asyncpg")


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
                reduce(record)
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
