"""The `mentorbot` command: run the bot, the demo, the emulator, and the admin commands.

Admin commands print what they created (its id, or JSON with `--json`), and on bad input exit
non-zero with a one-line reason, having changed nothing (each command is one transaction).

A command group is one module here: its arguments (`add_parsers`, wired into
`parser.build_parser`) and its functions `(call: Call) -> None` (`COMMANDS`, gathered into
`ADMIN_COMMANDS`), which do their work through `call.run_in_transaction(fn, render)`.
"""

from bot.cli.commands import ADMIN_COMMANDS, OPERATIONS
from bot.cli.common import Call, CliError, Commands, Subcommand
from bot.cli.entry import main
from bot.cli.parser import DELEGATED, build_parser

__all__ = [
    "ADMIN_COMMANDS",
    "DELEGATED",
    "OPERATIONS",
    "Call",
    "CliError",
    "Commands",
    "Subcommand",
    "build_parser",
    "main",
]
