"""`mentorbot setup`: from a token to the first coordinator's invitation, by answering questions.

It checks the token with `getMe` (and shows the bot's name), writes the settings file (mode
0600), creates or upgrades the database, creates the organisation (its timezone from its
country) and its first coordinator, sets the bot's descriptions and command menu in the
organisation's languages (and its profile photo), and prints the coordinator's invitation as
a link and as a QR code. Every answer is checked at once; a wrong one is asked again.

Nothing is changed before the last question is answered (Ctrl-C before then leaves all as it
was). Run again, it asks with the current values as defaults and changes only what changed.
`--from-file answers.toml` takes the answers from a file instead (see `FILE_KEYS`).

The modules, from the bottom: `answers` (the values), `checks` (every answer checked),
`settings_file`, `telegram` (the Bot API calls), `current` (what is there), `questions` and
`answers_file` (the two ways to answer), `applying` (doing it), `command` (`main`).
"""

from bot.setup.answers import FILE_KEYS, Answers, BotInfo, Current, Done, SetupError
from bot.setup.answers_file import from_file
from bot.setup.applying import apply
from bot.setup.checks import (
    check_country,
    check_database_url,
    check_help_line,
    check_name,
    check_photo,
    countries,
    language_name,
    territory_zones,
    zone_comment,
)
from bot.setup.command import main, print_invitation, start_line
from bot.setup.current import read_current
from bot.setup.questions import ask
from bot.setup.settings_file import new_encryption_key, read_settings_file, write_settings_file
from bot.setup.telegram import (
    DESCRIPTION,
    SHORT_DESCRIPTION,
    Telegram,
    api_url,
    apply_telegram,
    check_token,
)

__all__ = [
    "DESCRIPTION",
    "FILE_KEYS",
    "SHORT_DESCRIPTION",
    "Answers",
    "BotInfo",
    "Current",
    "Done",
    "SetupError",
    "Telegram",
    "api_url",
    "apply",
    "apply_telegram",
    "ask",
    "check_country",
    "check_database_url",
    "check_help_line",
    "check_name",
    "check_photo",
    "check_token",
    "countries",
    "from_file",
    "language_name",
    "main",
    "new_encryption_key",
    "print_invitation",
    "read_current",
    "read_settings_file",
    "start_line",
    "territory_zones",
    "write_settings_file",
    "zone_comment",
]
