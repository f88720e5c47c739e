"""Telegram conversations, one module per feature; each exposes `register(router)`."""

from __future__ import annotations

from handlers.router import Router


def build_router() -> Router:
    from handlers import start

    router = Router()
    for feature in (start,):
        feature.register(router)
    return router
