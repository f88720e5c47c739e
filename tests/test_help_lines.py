"""Help-line numbers: short national numbers of the organisation's country are accepted."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.services import admin
from bot.services.errors import Invalid
from storage.db import Database


@pytest.mark.parametrize("number", ["016", "024", "091", "061", "112", "0 16"])
def test_spanish_short_numbers_are_help_lines(number: str) -> None:
    assert admin.check_help_line(number, "ES") == number.replace(" ", "")
    assert admin.check_emergency_phone(number, "ES") == number.replace(" ", "")


def test_full_numbers_are_stored_international_and_bad_ones_refused() -> None:
    assert admin.check_help_line("934 123 456", "ES") == "+34934123456"
    assert admin.check_help_line("", "ES") is None
    assert admin.check_emergency_phone(None, "ES") == "112"
    for bad in ("999", "12ab", "0"):
        with pytest.raises(Invalid):
            admin.check_help_line(bad, "ES")


async def test_org_add_and_set_take_short_numbers(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with db.transaction() as s:
        org = await admin.add_org(
            s, now, name="Casal", timezone="Europe/Madrid", locale="es", emergency_phone="016"
        )
        assert org.emergency_phone == "016"
        changed = await admin.set_org(s, now, org.id, office_phone="024")
        assert changed.office_phone == "024"
