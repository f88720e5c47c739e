"""Reading the file: the header (comma, semicolon or tab separated) and its problems, then
each non-blank row, lazily."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable

from bot.services.importer.rules import COLUMNS, REQUIRED, Rejected, Row, column


def read(
    lines: Iterable[str],
) -> tuple[list[str], Iterable[tuple[int, list[str]]], list[Rejected]]:
    """The header, the (line, cells) of each non-blank row, lazily, and problems of the
    header. Comma, semicolon or tab separated (sniffed from the header line)."""
    stream = iter(lines)
    first = next(stream, "").lstrip("\ufeff")
    while first is not None and not first.strip():
        nxt = next(stream, None)
        if nxt is None:
            return [], iter(()), [Rejected(1, "the file is empty")]
        first = nxt
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(itertools.chain([first], stream), dialect)
    header = [column(h) for h in next(reader)]
    problems = _header_problems(header)

    def rows() -> Iterable[tuple[int, list[str]]]:
        line = reader.line_num
        for found in reader:
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in found):
                yield start, found

    return header, rows(), problems


def _header_problems(header: list[str]) -> list[Rejected]:
    problems = [
        Rejected(1, f"unknown column {name!r} (known: {', '.join(COLUMNS)})")
        for name in header
        if name and name not in COLUMNS
    ]
    problems += [Rejected(1, f"missing column {name!r}") for name in REQUIRED if name not in header]
    if len(set(header)) != len(header):
        problems.append(Rejected(1, "a column appears twice"))
    return problems


def parse(text: str) -> tuple[list[Row], list[Rejected]]:
    """The rows of a CSV text and problems of the file (for tests and small files)."""
    header, found, problems = read(io.StringIO(text))
    rows: list[Row] = []
    for line, values in found:
        if len(values) > len(header):
            problems.append(Rejected(line, "more cells than columns"))
        else:
            rows.append(Row(line, dict(zip(header, values, strict=False))))
    return rows, problems
