"""What the bot's own Telegram account allows, from `getMe`. The bot works in private chats
only (`handlers/private_only.py` leaves any group it is added to); BotFather's "Allow Groups?"
should be off so that nobody can add it to one in the first place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def allows_groups(me: Any) -> bool:
    """Whether a `getMe` result (a `telegram.User`, or its JSON) says the bot can be added to
    groups (`can_join_groups`); a start-up check should then warn the operator."""
    value = (
        me.get("can_join_groups")
        if isinstance(me, Mapping)
        else getattr(me, "can_join_groups", None)
    )
    return bool(value)


GROUPS_WARNING = (
    "the bot can be added to groups: it leaves them at once, but to keep it out of them, "
    'send /setjoingroups to @BotFather, choose the bot and answer "Disable"'
)
