"""The arguments of every command, in the order `mentorbot --help` lists them; each group's
module adds its own."""

from __future__ import annotations

import argparse

from bot.cli import digest, exports, invite, maintenance, match_life, matches, orgs, people

# Commands handed whole to another module's main(): imported only when asked for.
DELEGATED = {
    "emulator": ("emulator.cli", "the local Bot API emulator"),
    "demo": ("bot.demo", "the demo: emulator, bot and a web page to chat as every role"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot",
        description="A Telegram bot for social-mentoring programmes: run it, and set up "
        "organisations, people, invitations and matches.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    for add_parsers in (
        maintenance.add_parsers,
        orgs.add_parsers,
        people.add_parsers,
        invite.add_parsers,
        matches.add_parsers,
        exports.add_import_parser,
        match_life.add_parsers,
        exports.add_parsers,
        digest.add_parsers,
    ):
        add_parsers(sub, out)
    for name, (_module, text) in DELEGATED.items():
        sub.add_parser(name, help=text, add_help=False)
    return parser
