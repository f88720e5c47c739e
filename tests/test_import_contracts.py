"""The layers hold: `lint-imports` checks the contracts in pyproject.toml ([tool.importlinter];
docs/architecture.md explains them)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_are_kept() -> None:
    done = _lint()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_broken_contract_fails_the_check(tmp_path: Path) -> None:
    # The same tool over a contract the code does not keep (handlers do reach storage,
    # through the services): the check must say so, or the test above proves nothing.
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["storage", "bot", "handlers", "domain"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "handlers never reach storage"\n'
        'type = "forbidden"\n'
        'source_modules = ["handlers"]\n'
        'forbidden_modules = ["storage"]\n'
    )
    done = _lint("--config", str(config))
    assert done.returncode == 1
    assert "handlers never reach storage BROKEN" in done.stdout


def test_services_do_not_import_notifications() -> None:
    # Services say what happened (domain events); how it looks is the notifications layer's.
    done = _lint()
    name = "services say what happened, not how it looks: they do not import notifications"
    assert f"{name} KEPT" in done.stdout, done.stdout
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
    [contract] = [c for c in contracts if c["name"] == name]
    assert contract["source_modules"] == ["bot.services"]
    assert contract["forbidden_modules"] == ["bot.notifications"]
    # The known exceptions only shrink: the staff's own card, the report's concern labels, and
    # the features whose texts and buttons moved to bot.notifications but whose services
    # still queue their notices themselves (not yet recording events).
    assert set(contract["ignore_imports"]) <= {
        "bot.services.concerns.cards -> bot.notifications.concerns.cards",
        "bot.services.report_render.tables -> bot.notifications.concerns",
        "bot.services.appointments -> bot.notifications.appointments",
        "bot.services.appointments.actions -> bot.notifications.appointments",
        "bot.services.appointments.actions -> bot.notifications.appointments.callbacks",
        "bot.services.appointments.notices -> bot.notifications.appointments",
        "bot.services.appointments.queries -> bot.notifications.appointments",
        "bot.services.appointments.reminders.batch -> bot.notifications.appointments",
        "bot.services.appointments.reminders.jobs -> bot.notifications.appointments",
        "bot.services.appointments.rules -> bot.notifications.appointments",
        "bot.services.meetings -> bot.notifications.meetings",
        "bot.services.meetings.rules -> bot.notifications.meetings",
        "bot.services.progress -> bot.notifications.progress",
        "bot.services.progress.actions -> bot.notifications.progress",
        "bot.services.progress.jobs -> bot.notifications.progress",
        "bot.services.progress.rules -> bot.notifications.progress",
        "bot.services.match_cycle -> bot.notifications.match_cycle",
        "bot.services.match_cycle.closure -> bot.notifications.match_cycle",
        "bot.services.match_cycle.closure -> bot.notifications.match_texts",
        "bot.services.match_cycle.feedback -> bot.notifications.match_cycle",
        "bot.services.match_cycle.first_meeting -> bot.notifications.match_cycle",
        "bot.services.match_requests -> bot.notifications.match_texts",
        "bot.services.match_requests.creating -> bot.notifications.match_texts",
        "bot.services.match_requests.jobs -> bot.notifications.match_texts",
        "bot.services.match_requests.offers -> bot.notifications.match_cycle",
        "bot.services.match_requests.offers -> bot.notifications.match_texts",
    }
