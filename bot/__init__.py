"""mentorbot: a Telegram bot for social-mentoring programmes."""

__version__ = "0.1.0"
