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

| module | holds |
|---|---|
| `scrub` | the scrubber of known secrets, and the secrets a settings object holds |
| `reduce` | third-party records' arguments reduced to their structure |
| `setup` | the allowlist, the filters, the formatter and `configure` |
"""

from bot.logs.scrub import Scrubber, secrets_of
from bot.logs.setup import ALLOWED, OWN, QUIET, Allowlist, Formatter, Redact, configure

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
