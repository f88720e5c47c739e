"""The weekly digest for workers and coordinators: what happened in their caseload (a
coordinator: the organisation) over the last seven days, what needs them now, and a chart of
meetings per week over the last twelve weeks (a coordinator's has two series: the open matches
and the whole programme, ended matches included), as a separate photo message (captions stop at
1,024 characters).

It goes on the organisation's weekday (`Organisation.digest_weekday`, 0 Monday) from its hour
(`digest_hour`), both in each reader's own timezone, in the reader's language; once a day at
most (a `DigestRun` row, written in the batch's transaction with the messages); and not at all
when there is nothing to say (`has_news`). Every figure is a SQL count over the reader's scope
(`bot.services.caseload.scope`).

The package, from the bottom up: `counts` (the figures, the meetings per week, whether there is
anything to say) and `jobs` (`digest_batch`: whose digest is due, with its figures). What a
reader gets, the text in their language and the chart, is drawn and queued by
`bot.notifications.digest`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.digest.counts import (
    HAPPENED,
    NEEDS,
    WEEKS,
    WINDOW,
    figures,
    has_news,
    weekly_meetings,
)
from bot.services.digest.jobs import COMPOSED_PER_BATCH, Due, digest_batch, due

__all__ = [
    "COMPOSED_PER_BATCH",
    "HAPPENED",
    "NEEDS",
    "WEEKS",
    "WINDOW",
    "Due",
    "digest_batch",
    "due",
    "figures",
    "has_news",
    "weekly_meetings",
]
