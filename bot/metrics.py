"""The process's Prometheus metrics, served at `/metrics` by `bot.health`."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)
UPDATES = Counter("mentorbot_updates_handled", "Updates from Telegram handled", registry=REGISTRY)
UPDATES_FAILED = Counter(
    "mentorbot_updates_failed", "Updates whose handling raised an error", registry=REGISTRY
)
SENDS = Counter(
    "mentorbot_sends",
    "Outbox send attempts by outcome (sent, retry_after, retry, failed, unreachable)",
    ["outcome"],
    registry=REGISTRY,
)
TOO_MANY = Counter(
    "mentorbot_telegram_429", "429 Too Many Requests answers from Telegram", registry=REGISTRY
)
TICK_SECONDS = Histogram(
    "mentorbot_tick_seconds",
    "Duration of a scheduler tick",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60),
    registry=REGISTRY,
)
TICK_LEFT_WORK = Gauge(
    "mentorbot_tick_left_work", "1 when the last tick stopped with work left", registry=REGISTRY
)
LAST_TICK_AGE = Gauge(
    "mentorbot_last_tick_age_seconds", "Seconds since the last tick finished", registry=REGISTRY
)
OUTBOX_BACKLOG = Gauge(
    "mentorbot_outbox_backlog", "Outbox messages queued and due now", registry=REGISTRY
)
OUTBOX_OLDEST = Gauge(
    "mentorbot_outbox_oldest_due_seconds",
    "How long the oldest due outbox message has waited",
    registry=REGISTRY,
)
DB_WAIT_SECONDS = Gauge(
    "mentorbot_db_wait_seconds_max",
    "Longest wait of a transaction for a pooled connection (SQLite: for its turn) so far",
    registry=REGISTRY,
)
DB_WAITS = Gauge(
    "mentorbot_db_waits",
    "Transactions that waited over 10 ms for a pooled connection (SQLite: for their turn)",
    registry=REGISTRY,
)
DB_IN_USE = Gauge(
    "mentorbot_db_connections_in_use",
    "Database connections checked out of the pool (PostgreSQL)",
    registry=REGISTRY,
)
