"""Free texts are encrypted at rest: the raw database holds none of them, the bot reads them
back, keys rotate in batches, and the bot refuses to start with encrypted data and no key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot import preflight
from bot.cli import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.services import keys
from storage import crypto
from storage.crypto import Keyring, new_key
from storage.db import Database
from storage.models import Concern, Meeting
from tests.conftest import KEYRING, TEST_KEY
from tests.planting import plant, raw_scan

pytestmark = pytest.mark.asyncio


async def _rotate(db: Database, keyring: Keyring, batch: int = 2) -> int:
    total = 0
    for table in keys.encrypted_tables():
        after: object = None
        while True:
            async with db.transaction() as session:
                done, after = await keys.rotate_batch(session, table, keyring, after, batch)
            total += done
            if after is None:
                break
    return total


async def test_the_raw_database_holds_no_planted_text(db: Database, clock: ManualClock) -> None:
    planted = await plant(db, clock.now())
    texts = planted.texts()
    assert len(texts) >= 15
    assert await raw_scan(db, texts) == set()
    async with db.transaction() as session:
        notes = set((await session.execute(select(Meeting.notes))).scalars())
        descriptions = set((await session.execute(select(Concern.description))).scalars())
    assert planted.values["sara"]["t:meeting"] in notes
    assert planted.values["sara"]["t:concern"] in descriptions
    # The control: without a key the same values are in the file as they were typed.
    plain = Database(db.url)
    if not plain.is_sqlite:
        await plain.dispose()
        pytest.skip("the plain control runs on SQLite")
    try:
        again = await plant(plain, clock.now())
        assert await raw_scan(plain, again.texts()) == again.texts()
    finally:
        await plain.dispose()


async def test_every_free_text_column_is_encrypted() -> None:
    """The columns the issue names, at least, are encrypted (the data map lists them all)."""
    encrypted = {f"{t.model.__tablename__}.{c}" for t in keys.encrypted_tables() for c in t.columns}
    assert {
        "meeting.notes",
        "concern.description",
        "concern.resolution_note",
        "concern_event.detail",
        "help_message.text",
        "progress_report.comment",
        "progress_report.domains",
        "outbox_message.text",
        "outbox_message.document",
        "inbox_update.payload",
        "inbox_update.replies",
        "draft.data",
        "appointment.note",
    } <= encrypted


async def test_keys_rotate_in_batches_and_the_old_key_can_go(
    db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    new = Keyring.of([new_key(), TEST_KEY])  # the new key first, the old one still read
    assert new.current != KEYRING.current
    both = Database(db.url, keyring=new)
    only_new = Database(db.url, keyring=Keyring.of([_b64(new)]))
    try:
        assert await _rotate(both, new) > 10
        assert await _rotate(both, new) == 0  # nothing left under the old key
        async with only_new.transaction() as session:
            assert await keys.unreadable(session, only_new.keyring) is None
            notes = set((await session.execute(select(Meeting.notes))).scalars())
        assert planted.values["sara"]["t:meeting"] in notes
        # Every stored value names the new key.
        async with db.engine.connect() as conn:
            stored = (await conn.execute(text("SELECT notes FROM meeting"))).scalars().all()
        assert stored and all(crypto.key_of(v) == new.current for v in stored if v)
        # The old key alone no longer reads them: the preflight says which key is missing.
        with pytest.raises(preflight.PermanentFault, match="key that is not configured"):
            await preflight.check_encryption(db)
    finally:
        await both.dispose()
        await only_new.dispose()


def _b64(keyring: Keyring) -> str:
    import base64

    return base64.urlsafe_b64encode(keyring.keys[0][1]).decode()


async def test_a_plain_database_is_encrypted_in_place(
    db: Database, database_url: str, clock: ManualClock
) -> None:
    """(`db` empties the tables on PostgreSQL.)"""
    plain = Database(database_url)
    try:
        planted = await plant(plain, clock.now())
        if plain.is_sqlite:
            assert await raw_scan(plain, planted.texts()) == planted.texts()
    finally:
        await plain.dispose()
    encrypted = Database(database_url, keyring=KEYRING)
    try:
        assert await _rotate(encrypted, KEYRING, batch=500) > 10
        assert await raw_scan(encrypted, planted.texts()) == set()
        async with encrypted.transaction() as session:
            notes = set((await session.execute(select(Meeting.notes))).scalars())
        assert planted.values["sara"]["t:meeting"] in notes
    finally:
        await encrypted.dispose()


async def test_no_key_and_encrypted_data_refuses_to_start(
    db: Database, clock: ManualClock, database_url: str, tmp_path: Path
) -> None:
    # An empty database starts without a key (encryption off).
    bare = Database(database_url)
    try:
        await preflight.check_encryption(bare)
        await plant(db, clock.now())
        with pytest.raises(preflight.PermanentFault) as refused:
            await preflight.check_encryption(bare)
        line = refused.value.fault.line
        assert "\n" not in line and "MENTORBOT_ENCRYPTION_KEY" in line
        assert "no key is set" in line
    finally:
        await bare.dispose()
    # The same through the whole preflight of `mentorbot run`, and with a key file.
    with pytest.raises(preflight.PermanentFault, match="no key is set"):
        await preflight.check(Settings(database_url=database_url), token=False)
    key_file = tmp_path / "key"
    key_file.write_text(TEST_KEY + "\n")
    await preflight.check(
        Settings(database_url=database_url, encryption_key_file=key_file), token=False
    )


async def test_keys_commands(
    db: Database,
    clock: ManualClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    planted = await plant(db, clock.now())
    monkeypatch.chdir(tmp_path)
    for name in [n for n in __import__("os").environ if n.startswith("MENTORBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MENTORBOT_DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["keys", "new"]) == 0
    fresh = capsys.readouterr().out.strip()
    assert len(crypto.parse_key(fresh)) == 32
    assert await asyncio.to_thread(main, ["keys", "rotate"]) == 1  # no key set
    assert "no key is set" in capsys.readouterr().err
    monkeypatch.setenv("MENTORBOT_ENCRYPTION_KEY", "not-a-key")
    assert await asyncio.to_thread(main, ["keys", "rotate"]) == 1
    assert "MENTORBOT_ENCRYPTION_KEY" in capsys.readouterr().err
    monkeypatch.setenv("MENTORBOT_ENCRYPTION_KEY", f"{fresh},{TEST_KEY}")
    assert await asyncio.to_thread(main, ["keys", "rotate", "--batch", "3"]) == 0
    out = capsys.readouterr().out
    assert f"under key {crypto.key_id(crypto.parse_key(fresh))}" in out
    reader = Database(database_url, keyring=Keyring.of([fresh]))
    try:
        async with reader.transaction() as session:
            notes = set((await session.execute(select(Meeting.notes))).scalars())
        assert planted.values["sara"]["t:meeting"] in notes
    finally:
        await reader.dispose()


async def test_a_key_is_checked_and_never_shown() -> None:
    with pytest.raises(crypto.CryptoError, match="32 bytes"):
        Keyring.of(["c2hvcnQ="])
    keyring = Keyring.of([TEST_KEY])
    assert TEST_KEY not in repr(keyring)
    sealed = keyring.encrypt_text("hola", "meeting.notes")
    assert sealed.startswith(crypto.MARK) and "hola" not in sealed
    assert keyring.decrypt_text(sealed, "meeting.notes") == "hola"
    with pytest.raises(crypto.CryptoError, match="does not decrypt"):
        keyring.decrypt_text(sealed, "concern.description")  # moved to another column
    other = Keyring.of([new_key()])
    with pytest.raises(crypto.MissingKey, match="not among the configured keys"):
        other.decrypt_text(sealed, "meeting.notes")


async def test_the_keys_are_secrets_the_logs_scrub() -> None:
    from bot import logs

    other = new_key()
    settings = Settings(encryption_key=f"{TEST_KEY},{other}")  # type: ignore[arg-type]
    assert {TEST_KEY, other} <= set(logs.secrets_of(settings))
    scrub = logs.Scrubber(logs.secrets_of(settings))
    assert TEST_KEY not in scrub(f"key={TEST_KEY}")
