"""Erasing a person (GDPR Art. 17), as RapidPro's `Contact.release()` does: their name,
phone, e-mail and Telegram id, the free texts they wrote, and the records about them go; the
rows stay, holding ids, codes, dates and counts, so that statistics still add up and the
audit log keeps its events, pseudonymised (the person is now "#id").

Records *about* a mentee are those of their family's matches while nobody else of the family
remains (a family of one, or its last member): meeting notes, appointments' places and notes,
progress reports' comments, help threads and concerns of those matches, the match's closure
reason and the family's name. While another member remains, those shared records stay; the
erased member's own texts (what they wrote) still go. Rows of the update inbox from them, of
the outbox to them, from them or about an erased record, their drafts and invitations are
deleted. Messages the bot sent them in the last 48 hours are returned, to be deleted in
Telegram after the commit (older ones Telegram no longer deletes: they stay on the device).

Idempotent: erasing an erased person again changes nothing and records nothing new.

The package: `rules` (the result, the scope the steps share), `texts` (free texts cleared),
`messages` (messages and rows deleted), `records` (records about the person) and `actions`
(`erase`, `erase_as`: the steps in order, then the person). Callers use the names below.
"""

from __future__ import annotations

from bot.services.erasure.actions import STEPS, erase, erase_as
from bot.services.erasure.rules import (
    DELETE_WINDOW,
    ERASED_REASON,
    Erasure,
    Scope,
    chunks,
    pseudonym,
)

__all__ = [
    "DELETE_WINDOW",
    "ERASED_REASON",
    "STEPS",
    "Erasure",
    "Scope",
    "chunks",
    "erase",
    "erase_as",
    "pseudonym",
]
