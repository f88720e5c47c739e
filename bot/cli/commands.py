"""The table of commands: each group's module adds its arguments to the parser and its
functions `(call: Call) -> None` to `ADMIN_COMMANDS`; the operator's commands (`run`,
`doctor`, `db`, `keys`) are in `OPERATIONS`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.cli import digest, exports, invite, maintenance, match_life, matches, orgs, people, serve
from bot.cli.common import Call, Commands
from bot.config import Settings

# The admin commands by (command, action); (command, None) takes every action of a command.
# Each is one transaction, its output printed after it committed.
ADMIN_COMMANDS: Commands = {
    **digest.COMMANDS,
    **orgs.COMMANDS,
    **people.COMMANDS,
    **invite.COMMANDS,
    **matches.COMMANDS,
    **match_life.COMMANDS,
    **exports.COMMANDS,
}

# The commands that run or look after the bot, by name: each returns the exit code.
OPERATIONS: dict[str, Callable[[Call], int]] = {
    "run": serve.run,
    "doctor": maintenance.run_doctor,
    "db": maintenance.run_db,
    "keys": maintenance.run_keys,
}


def admin(args: argparse.Namespace, settings: Settings) -> None:
    """The admin commands: one transaction each, output after it committed."""
    command, action = args.command, getattr(args, "action", None)
    run = ADMIN_COMMANDS.get((command, action)) or ADMIN_COMMANDS.get((command, None))
    if run is not None:
        run(Call(args, settings))
