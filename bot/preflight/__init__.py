"""Before the bot runs, and whenever something fails while it runs: what is wrong, in one line,
and whether waiting can help.

`check` looks at the database (reachable, schema current, writable), the token (getMe) and the
compiled catalogs. `classify` sorts any exception into a *transient* fault (connection refused,
a timeout, a database restarting: pause and try again with backoff) or a *permanent* one
(read-only database, authentication refused, database missing, schema out of date, disk full,
token refused: stop, exit non-zero, say it in one line). `mentorbot run` uses both; the CLI's
diagnostic and set-up commands can call `check` too.

The modules: `faults` (`Fault`, `PermanentFault`, `classify`), `checks` (`check` and its
parts, `retrying`), `polling` (`PollingLock`).
"""

from bot.preflight.checks import (
    Sleep,
    check,
    check_catalogs,
    check_database,
    check_encryption,
    check_token,
    describe_database,
    retrying,
)
from bot.preflight.faults import Fault, PermanentFault, classify
from bot.preflight.polling import PollingLock

__all__ = [
    "Fault",
    "PermanentFault",
    "PollingLock",
    "Sleep",
    "check",
    "check_catalogs",
    "check_database",
    "check_encryption",
    "check_token",
    "classify",
    "describe_database",
    "retrying",
]
