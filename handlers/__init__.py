"""Telegram conversations, one module per feature; each exposes `register(router)`."""

from __future__ import annotations

from handlers.router import Router


def build_router() -> Router:
    from handlers import (
        appointments,
        caseload,
        checkins,
        concerns,
        erase,
        invite,
        keyboard,
        match_cycle,
        match_life,
        meetings,
        mentee,
        mentors,
        mydata,
        programme,
        progress,
        relay,
        start,
        upcoming,
        whole,
    )
    from handlers import help as help_staff
    from handlers import matches as match_cards

    router = Router()
    for feature in (
        start,
        help_staff,
        concerns,
        meetings,
        appointments,
        upcoming,
        mentee,
        relay,
        keyboard,
        progress,
        match_cards,
        mydata,
        erase,
        match_life,
        match_cycle,
        programme,
        caseload,
        checkins,
        invite,
        mentors,
        whole,
    ):
        feature.register(router)
    return router
