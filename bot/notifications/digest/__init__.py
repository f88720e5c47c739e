"""What the weekly digest looks like to its reader (`bot.services.digest` counts the figures
and finds whose digest is due): the text in their language (`text`), the chart of meetings
per week, and queueing both (`composing`)."""

from __future__ import annotations

from bot.notifications.digest.composing import Digest, compose, day_key, draw, enqueue, queue
from bot.notifications.digest.text import render

__all__ = ["Digest", "compose", "day_key", "draw", "enqueue", "queue", "render"]
