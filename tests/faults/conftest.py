"""The fault tier. In the normal test command it runs in small form (a few seconds each);
`MENTORBOT_FAULTS=full` runs the sizes of issue 12's table (200 people, an 8 s API refusal,
a 30 s database outage). Each test prints its figures (`pytest -s tests/faults`), and appends
them as JSON lines to `$MENTORBOT_FAULTS_REPORT` when that is set."""

from __future__ import annotations

import json
import os
from typing import Any

from tests.conftest import PG_URL

FULL = os.environ.get("MENTORBOT_FAULTS") == "full"


def report(scenario: str, **figures: Any) -> None:
    line = {"scenario": scenario, "database": "postgresql" if PG_URL else "sqlite", **figures}
    print(f"\nFAULTS {json.dumps(line)}")
    path = os.environ.get("MENTORBOT_FAULTS_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
