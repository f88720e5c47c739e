"""Durable intake: updates are stored in the inbox before Telegram is told they arrived, and
handled from there. It replaces PTB's `Updater`, which confirms updates (the `getUpdates`
offset, or the webhook's 200) as soon as they are queued in memory.

- **Polling** (`Poller`): `getUpdates` with the last offset; the batch is committed to the
  inbox (idempotent on `update_id`) and only then is the offset advanced, by the next call.
  While the database is down the batch is kept and stored again, so nothing is confirmed:
  Telegram keeps unconfirmed updates about 24 hours.
- **Webhook** (`bot.webhook`): answers 200 only after the inbox commit, 503 while the
  database is down (Telegram sends the update again).
- **Dispatcher**: feeds stored updates to the PTB `Application` (`process_update`), oldest
  first, one at a time per chat, several chats at once. Each chat with work has a queue of its
  own (a lane) in front of the concurrency limit (`concurrency` updates at once, each with one
  database connection: see `storage.db.UPDATE_CONCURRENCY`); a lane takes a slot for ONE
  update and queues again behind the other chats for the next, so a person who sends a burst
  holds one slot at most and everybody else goes on. The handler's transaction marks the
  update handled and stores the replies it owes (handlers/common.py); the replies are then
  delivered with retries (bot/replies.py) and the row is closed. After a crash, what was
  stored and not handled, or handled and not answered, is taken up first, in order per chat.
  An update whose handler fails `max_attempts` times is set aside (`failed`, with the error's
  type as its code) and counted, so the person's later updates go on; an outage of the
  database is waited out and never counted against an update.

One dispatcher per database: the per-chat order is kept in this process's memory.
"""

from bot.intake.dispatcher import App, Dispatcher, IntakeStats
from bot.intake.lifecycle import INTAKE_KEY, Intake, intake_of, serve, start_bot, stop_bot
from bot.intake.poller import Poller

__all__ = [
    "INTAKE_KEY",
    "App",
    "Dispatcher",
    "Intake",
    "IntakeStats",
    "Poller",
    "intake_of",
    "serve",
    "start_bot",
    "stop_bot",
]
