"""The outbox sender: delivers queued messages to Telegram, within its flood limits.

How a message travels:

1. **Claim** (one short transaction): due rows (QUEUED, `not_before` ≤ now) become SENDING with
   `claimed_by` = this process's id and `claimed_at`. On PostgreSQL the rows are selected with
   `FOR UPDATE SKIP LOCKED`, so several bot processes can share one database and never claim
   the same row. On SQLite run ONE bot process per database: SQLite has no row locks, and at
   start the sender takes back every row left in SENDING, which is only safe with one process.
2. **Send**, outside any transaction (the SQLite write lock is never held across network I/O).
   Chats are served concurrently (a bounded number at a time) so that the overall rate is
   actually reached; within one chat, messages go one at a time, in order. Two
   `aiolimiter.AsyncLimiter`s pace the calls: one overall (`rate_overall`, default 25/s, with a
   bucket of 3: about 28 calls at most in any second, where Telegram allows about 30) and one
   per chat (`rate_per_chat`, about 1/s, with a burst of 3, kept in a bounded LRU dict).
   The limits are per process: with several processes on one PostgreSQL, divide
   `rate_overall` between them.
3. **Record** each outcome in its own short transaction:
   - sent → SENT, with the Telegram chat and message ids;
   - 429 `RetryAfter` → the whole sender pauses for `retry_after`; a short one (≤ 10 s) is
     waited out and the message sent again, a longer one puts the row back to QUEUED with
     `not_before` = now + `retry_after`; never counted as an attempt, never a failure;
   - network error, timeout, 5xx → back to QUEUED with exponential backoff; FAILED with the
     reason after `max_attempts`;
   - 403 `Forbidden` (blocked, never started, deactivated) → FAILED; the person is marked
     unreachable, their other messages are withdrawn, the event is audited and the referring
     worker of their active matches is told through the outbox;
   - 400 `BadRequest` → FAILED with the reason (retrying would not help), except "too long":
     sent again cut to Telegram's limit, then to half of it. A message that passed on
     someone's words (`origin_person_id`) and finally failed is reported to that someone.
   When a message is put back, the rest of that chat's batch is put back behind it (order).

Crashes: a row stays SENDING while its process sends it. If the process dies, the row goes back
to QUEUED when its lease (default 2 minutes) has run out (PostgreSQL), or at the next start
(SQLite). A message that was on the wire at the moment of the crash may therefore be delivered
twice: at most one duplicate per message in flight, never a lost message. That is the trade-off.
A normal stop (`stop()`) lets the calls on the wire finish and be recorded, and gives back what
was claimed but not tried, so a deploy or restart sends nothing twice.

Edits (`edit_of_id`) change the original message once it has been sent (they wait for it);
documents go out with `send_document`; relayed messages (`copy_chat_id`, `copy_message_id`)
with `copy_message`, never `forward_message`, which would show the sender's account. Logs carry ids and error codes only.

| module | holds |
|---|---|
| `outcomes` | what a call to Telegram came to (`Outcome`), the sender's counters, error readers |
| `calls` | the Bot API call that sends, edits or copies one claimed message |
| `recording` | each outcome stored in the outbox |
| `pacing` | the limiters, overall and per chat, and the pause a 429 sets |
| `loop` | the run loop: batches until stopped, pauses after a fault, a stop on a permanent one |
| `sender` | the `Sender`: claiming, lanes per chat, each attempt and its outcome |
"""

from bot.delivery.outcomes import (
    Outcome,
    Result,
    SenderStats,
    process_id,
    retry_after_seconds,
    unreachable_reason,
)
from bot.delivery.sender import Sender

__all__ = [
    "Outcome",
    "Result",
    "Sender",
    "SenderStats",
    "process_id",
    "retry_after_seconds",
    "unreachable_reason",
]
