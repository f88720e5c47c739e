"""Logging set-up. Logs hold ids and codes, never note text, names, phone numbers or the token:
the code logs no such thing, and this filter masks a bot token or phone number that a library
might still put in a line (httpx logs request URLs, which hold the token)."""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_PHONE = re.compile(r"\+\d[\d ]{7,}\d")


def _mask(text: str) -> str:
    return _PHONE.sub("[phone]", _TOKEN.sub("[token]", text))


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        # A traceback another handler already formatted (with the exception's message) is
        # not reused: this handler's `Formatter` formats it again, withholding the message.
        record.exc_text = None
        return True


class Formatter(logging.Formatter):
    """Tracebacks keep their frames and the exception's type, never its message: an
    exception's text may hold what someone typed (a name, a note, a phone number)."""

    def formatException(self, ei: Any) -> str:
        kind, _value, tb = ei
        frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
        name = getattr(kind, "__qualname__", str(kind))
        return f"Traceback (most recent call last):\n{frames}{name} (message withheld)"


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redact())
    root = logging.getLogger()
    root.handlers[:] = [
        h for h in root.handlers if not any(isinstance(f, Redact) for f in h.filters)
    ]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
