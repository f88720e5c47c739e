"""`main`: parse the command line, read the settings, run the command, and turn any failure
into one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence

from bot.cli.commands import OPERATIONS, admin
from bot.cli.common import Call, CliError
from bot.cli.parser import DELEGATED, build_parser
from bot.config import SettingsError, load_settings
from bot.services.errors import ServiceError
from storage.migrate import SchemaMismatch

# Failures that are explained in their one line: no traceback unless --debug.
EXPLAINED = (SettingsError, SchemaMismatch, CliError, ServiceError)


def _delegate(name: str, argv: list[str]) -> int:
    """`mentorbot emulator …` and `mentorbot demo …`: imported only when asked for."""
    module_name, _text = DELEGATED[name]
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            print(
                f"mentorbot: the {name} command is not available in this installation "
                f"({module_name} is missing)",
                file=sys.stderr,
            )
            return 1
        raise
    entry = getattr(module, "main", None)
    if entry is None:
        print(f"mentorbot: {module_name} has no main()", file=sys.stderr)
        return 1
    result = entry(argv)
    return int(result or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in DELEGATED:
        return _delegate(args_list[0], args_list[1:])
    # --debug, anywhere: show the traceback of an error instead of its one line.
    debug = "--debug" in args_list
    args = _parse([a for a in args_list if a != "--debug"])
    if isinstance(args, int):
        return args
    if args.command == "setup":  # before the settings are read: it writes them
        from bot import setup

        return setup.main(args.settings, args.from_file, debug=debug)
    return _guarded(args, debug)


def _parse(args_list: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code of --help or of a usage error."""
    try:
        return build_parser().parse_args(args_list)
    except SystemExit as exc:  # --help, or a usage error already explained by argparse
        return exc.code if isinstance(exc.code, int) else 2


def _guarded(args: argparse.Namespace, debug: bool) -> int:
    """The command run; any failure is one line on stderr and a non-zero exit code."""
    try:
        return _dispatch(args, debug)
    except EXPLAINED as exc:
        return _failed(str(exc), debug)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _unexpected(exc, debug)


def _dispatch(args: argparse.Namespace, debug: bool) -> int:
    settings = load_settings()
    from bot import logs

    logs.configure(
        "DEBUG" if debug else settings.log_level if args.command == "run" else "WARNING",
        secrets=logs.secrets_of(settings),
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    operation = OPERATIONS.get(args.command)
    if operation is not None:
        return operation(Call(args, settings))
    admin(args, settings)
    return 0


def _failed(line: str, debug: bool) -> int:
    """Called while the error is handled: --debug prints its traceback."""
    if debug:
        traceback.print_exc()
    print(f"mentorbot: {line}", file=sys.stderr)
    return 1


def _unexpected(exc: Exception, debug: bool) -> int:
    """Anything else: one line that says what failed, and whether waiting may help."""
    from bot.preflight import PermanentFault, classify

    if debug:
        traceback.print_exc()
    fault = classify(exc)
    known = isinstance(exc, PermanentFault) or not fault.line.startswith("unexpected")
    line = fault.line if known else f"unexpected error ({type(exc).__name__}): {_first_line(exc)}"
    hint = "" if debug or known else " (--debug shows the traceback)"
    print(f"mentorbot: {line}{hint}", file=sys.stderr)
    return 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no details"
