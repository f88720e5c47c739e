"""`mentorbot setup` from the command line: the questions (or the answers file), then the
changes, then the invitation and how to start the bot; every failure is one line."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from bot.services.errors import ServiceError
from bot.setup.answers import Answers, BotInfo, Current, Done, SetupError
from bot.setup.answers_file import from_file
from bot.setup.applying import apply
from bot.setup.current import read_current
from bot.setup.questions import ask


def print_invitation(name: str, link: str) -> None:
    import qrcode

    print(f"\nThe invitation for {name} (send it to them only; it works once, for 14 days):")
    print(link)
    code = qrcode.QRCode(border=2)
    code.add_data(link)
    code.print_ascii(out=sys.stdout, invert=True)


def start_line(path: Path) -> str:
    program = (Path(sys.argv[0]).name == "mentorbot" and sys.argv[0]) or "mentorbot"
    if path.resolve() == (Path.cwd() / ".env").resolve():
        return f"Start the bot: {program} run   (here, where .env is)"
    quoted = shlex.quote(str(path))
    return f"Start the bot: set -a; . {quoted}; set +a; {program} run"


def main(path: Path, answers_file: Path | None, *, debug: bool = False) -> int:
    asked = _answers(path, answers_file)
    if isinstance(asked, int):
        return asked
    current, answers, bot = asked
    done = _applied(answers, current, bot, path, debug=debug)
    if isinstance(done, int):
        return done
    print(
        f"\nSettings: {path} ({'written' if done.settings_written else 'unchanged'}, mode 0600). "
        f"Organisation: {done.org}. Coordinator: {done.coordinator}. "
        f"Telegram: {', '.join(done.telegram) or 'unchanged'}."
    )
    if done.link:
        print_invitation(answers.coordinator, done.link)
    print(start_line(path))
    return 0


def _answers(path: Path, answers_file: Path | None) -> tuple[Current, Answers, BotInfo] | int:
    """What is there and the answers, or the exit code when none came (nothing changed)."""
    try:
        current = read_current(path)
        if answers_file is not None:
            answers, bot = from_file(answers_file, current)
        else:
            print("Setting up mentorbot. Ctrl-C stops without changing anything.\n")
            answers, bot = ask(current)
    except KeyboardInterrupt:
        print("\nmentorbot setup: stopped; nothing was changed.", file=sys.stderr)
        return 130
    except SetupError as exc:
        print(f"mentorbot setup: {exc}", file=sys.stderr)
        return 1
    return current, answers, bot


def _applied(
    answers: Answers, current: Current, bot: BotInfo, path: Path, *, debug: bool
) -> Done | int:
    """What was done, or the exit code of a failure part-way (run again, it goes on)."""
    try:
        return apply(answers, current, bot, path)
    except KeyboardInterrupt:
        print(
            "\nmentorbot setup: stopped part-way; run it again to finish (it keeps what was done).",
            file=sys.stderr,
        )
        return 130
    except (SetupError, ServiceError) as exc:
        print(f"mentorbot setup: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        from bot.preflight import classify

        print(f"mentorbot setup: {classify(exc).line} (run it again once mended)", file=sys.stderr)
        return 1
