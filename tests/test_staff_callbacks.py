"""The callback data of /figures, /erase, /invite and /newlink, /matches and the form-of-address
buttons keeps the strings buttons already sent carry, and each typed press reads back what it
packed; a malformed one is refused."""

from __future__ import annotations

import pytest

from bot.i18n import SUPPORTED_LOCALES
from bot.notifications.callbacks import MAX_BYTES
from bot.services import programme_report
from bot.services.caseload import Filter
from bot.services.errors import NotFound
from domain import Role
from handlers import caseload_callbacks as ml
from handlers import erase_callbacks as er
from handlers import programme_callbacks as pr
from handlers import start_callbacks as ad
from handlers.caseload import list_data
from handlers.invite import callbacks as iv
from handlers.start_views import ADDRESS_CODES, language_buttons


def _args(data: str) -> list[str]:
    """What the router hands a handler: the parts after the prefix."""
    return data.split(":")[1:]


def test_the_strings_are_the_ones_buttons_already_carry() -> None:
    assert pr.Period("m0").pack() == "pr:m0"
    assert er.Confirm(12).pack() == "er:1:12"
    assert er.Erase(12).pack() == "er:2:12"
    assert er.Cancel().pack() == "er:x"
    assert iv.ChooseRole(Role.MENTEE).pack() == f"iv:r:{Role.MENTEE.value}"
    assert iv.ChooseLanguage("ar").pack() == "iv:l:ar"
    assert iv.NoMatch().pack() == "iv:s"
    assert iv.Pick(7).pack() == "iv:p:7"
    assert iv.Relink(7).pack() == "iv:y:7"
    assert iv.Cancel().pack() == "iv:x"
    assert ml.ListPage(Filter.QUIET, 3).pack() == "ml:q:3"
    assert list_data(Filter.ALL, 0) == "ml:a:0"
    assert [ad.Address(code).pack() for code in ADDRESS_CODES] == ["ad:f", "ad:m", "ad:n"]


def test_the_invitation_language_buttons_are_the_typed_press() -> None:
    drawn = [data for row in language_buttons(iv.LANGUAGE_PREFIX, None) for _, data in row]
    assert drawn == [iv.ChooseLanguage(code).pack() for code in SUPPORTED_LOCALES]
    assert [iv.parse(_args(data)) for data in drawn] == [
        iv.ChooseLanguage(code) for code in SUPPORTED_LOCALES
    ]


def test_a_press_reads_back_what_it_packed() -> None:
    for code in programme_report.PERIODS:
        assert pr.period_code(_args(pr.Period(code).pack())) == code
    for press in (er.Confirm(3), er.Erase(4), er.Cancel()):
        assert er.parse(_args(press.pack())) == press
    for invite in (
        iv.ChooseRole(Role.MENTOR),
        iv.ChooseLanguage("uk"),
        iv.NoMatch(),
        iv.Pick(5),
        iv.Relink(6),
        iv.Cancel(),
    ):
        assert iv.parse(_args(invite.pack())) == invite
    for f in Filter:
        assert ml.parse(_args(ml.ListPage(f, 2).pack())) == ml.ListPage(f, 2)
    for code in ADDRESS_CODES:
        assert ad.address_code(_args(ad.Address(code).pack())) == code


def test_the_longest_press_fits_telegram() -> None:
    big = 2**63 - 1
    for press in (er.Erase(big), iv.Pick(big), ml.ListPage(Filter.CHECKIN, big)):
        assert len(press.pack().encode()) <= MAX_BYTES
    with pytest.raises(ValueError):
        pr.Period("x" * 70).pack()


@pytest.mark.parametrize(
    "args", [[], ["3"], ["1"], ["1", "x"], ["2", ""], ["1", "1", "2"], ["x", "1"]]
)
def test_a_malformed_erase_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        er.parse(args)


@pytest.mark.parametrize(
    "args",
    [[], ["z"], ["r"], ["r", "nobody"], ["p"], ["p", "x"], ["y", "1", "2"], ["s", "1"], ["l"]],
)
def test_a_malformed_invite_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        iv.parse(args)


@pytest.mark.parametrize("args", [[], ["a"], ["z", "0"], ["a", "x"], ["a", "-1"], ["a", "0", "1"]])
def test_a_malformed_list_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        ml.parse(args)


@pytest.mark.parametrize("args", [[], ["m0", "x"]])
def test_a_malformed_period_or_address_reads_as_unknown(args: list[str]) -> None:
    # The service (a period) and the handler (an address) refuse "" as an unknown code.
    assert pr.period_code(args) == ""
    assert ad.address_code(args) == ""
    assert "" not in programme_report.PERIODS
    assert "" not in ADDRESS_CODES
