"""mentorbot: a Telegram bot for social-mentoring programmes."""

import sys

__version__ = "0.1.0"

# httpx (under python-telegram-bot) imports its command-line client whenever click, pygments
# and rich are installed (rich draws the import's progress bar): about 3 MiB of memory in every
# bot process, for a client the bot never runs. Marked absent before httpx is first imported,
# httpx falls back to a stub (`httpx.main` then says its dependencies are missing).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
