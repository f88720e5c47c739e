"""The outbox: every message owed to someone other than the sender of the current update is
written here, in the same transaction as the change that caused it, and delivered later by
`bot.delivery`. The text is already rendered in the recipient's language.

| module | holds |
|---|---|
| `queue` | `enqueue`, `Bulk` (a scheduler batch in one INSERT), `sent_for`, `next_due_at` |
| `claiming` | the sender's claim of due rows (`claim`, `recover_stuck`) as plain `Claimed` values |
| `outcomes` | what became of a claimed message: sent, retried later, failed, unreachable |
| `unreachable` | the notices to the workers and mentors of a person the bot cannot reach |

Inside the package, modules import each other from the bottom up (queue ← unreachable ←
outcomes; queue ← claiming). `bot.services.people` never imports the outbox (the outbox reads
people)."""

from bot.services.outbox.claiming import Claim, Claimed, claim, recover_stuck
from bot.services.outbox.outcomes import (
    NOT_DELIVERED,
    NOT_DELIVERED_KIND,
    Unreachable,
    blocked_bot,
    fail,
    mark_sent,
    mark_unreachable,
    retry_later,
)
from bot.services.outbox.queue import OUTBOX_TABLE, Bulk, Document, enqueue, next_due_at, sent_for
from bot.services.outbox.unreachable import (
    MENTEE_UNREACHABLE,
    NO_PHONE_LINE,
    PHONE_LINE,
    UNREACHABLE_KIND,
    UNREACHABLE_TEXTS,
    family_mentors,
    referring_workers,
    tell_workers_unreachable,
    unreachable_notice,
)
from domain.values import Buttons

__all__ = [
    "MENTEE_UNREACHABLE",
    "NOT_DELIVERED",
    "NOT_DELIVERED_KIND",
    "NO_PHONE_LINE",
    "OUTBOX_TABLE",
    "PHONE_LINE",
    "UNREACHABLE_KIND",
    "UNREACHABLE_TEXTS",
    "Bulk",
    "Buttons",
    "Claim",
    "Claimed",
    "Document",
    "Unreachable",
    "blocked_bot",
    "claim",
    "enqueue",
    "fail",
    "family_mentors",
    "mark_sent",
    "mark_unreachable",
    "next_due_at",
    "recover_stuck",
    "referring_workers",
    "retry_later",
    "sent_for",
    "tell_workers_unreachable",
    "unreachable_notice",
]
