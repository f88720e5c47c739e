"""docs/privacy.md names every column of every table, and says "yes" (encrypted) exactly for
the encrypted ones: a model that gains a column the map does not mention fails here."""

from __future__ import annotations

import re
from pathlib import Path

from storage.models import Base
from storage.types import ENCRYPTED_TYPES

MAP = Path(__file__).resolve().parent.parent / "docs" / "privacy.md"


def _sections() -> dict[str, list[tuple[set[str], str]]]:
    """Per table named in a heading: its rows, as (columns named, encrypted cell)."""
    text = MAP.read_text(encoding="utf-8").split("## The map", 1)[1].split("\n## ", 1)[0]
    found: dict[str, list[tuple[set[str], str]]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("### "):
            current = re.findall(r"`([a-z_]+)`", line)
            for table in current:
                found.setdefault(table, [])
        elif line.startswith("| `") and current:
            cells = [c.strip() for c in line.strip("|").split("|")]
            names = set(re.findall(r"`([a-z_]+)`", cells[0]))
            # "(table)" after a group of columns says which of the section's tables.
            owner = re.search(r"\(([a-z_]+)\)", cells[0])
            tables = [owner.group(1)] if owner and owner.group(1) in current else current
            for table in tables:
                found[table].append((names, cells[-1]))
    return found


def test_every_column_is_in_the_map_with_its_encryption() -> None:
    sections = _sections()
    missing, wrong = [], []
    for table in Base.metadata.sorted_tables:
        rows = sections.get(table.name)
        if rows is None:
            missing.append(table.name)
            continue
        for column in table.columns:
            cells = [enc for names, enc in rows if column.name in names]
            if not cells:
                missing.append(f"{table.name}.{column.name}")
                continue
            encrypted = isinstance(column.type, ENCRYPTED_TYPES)
            if any(cell.startswith("yes") != encrypted for cell in cells):
                wrong.append(f"{table.name}.{column.name}")
    assert not missing, f"docs/privacy.md does not mention: {', '.join(missing)}"
    assert not wrong, f"docs/privacy.md says the wrong thing about encryption of: {wrong}"


def test_the_check_finds_an_unmapped_column() -> None:
    sections = _sections()
    assert any("notes" in names for names, _ in sections["meeting"])
    assert not any("favourite_colour" in names for names, _ in sections["meeting"])
