"""`mentorbot import`, `export` and `report`: records in from a CSV file, out as CSV or XLSX,
and the programme report of a period."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import Call, CliError, Commands, period_arguments, print_json
from bot.services import admin, exports, importer


def add_import_parser(sub: Any, out: argparse.ArgumentParser) -> None:
    imp = sub.add_parser(
        "import",
        parents=[out],
        help="import people, families and matches from a CSV file (all rows or none; "
        f"at most {importer.MAX_ROWS:,} rows and {importer.MAX_BYTES // 2**20} MB)",
    )
    imp.add_argument("file", metavar="FILE.csv", type=Path)


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
    """`export` and `report` (`import` comes earlier in the list of commands)."""
    exp = sub.add_parser(
        "export",
        help="export one kind of record for a period, as CSV or XLSX (docs/exports.md)",
        description="Columns are documented in docs/exports.md; days in ISO, times in UTC.",
    )
    exp.add_argument(
        "kind", metavar="KIND", choices=tuple(exports.KINDS), help=", ".join(exports.KINDS)
    )
    period_arguments(exp)
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument(
        "--pseudonymise",
        action="store_true",
        help="stable pseudonyms for people, families and contacts; free text redacted",
    )
    exp.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="the file to write (default: CSV to standard output, XLSX to KIND_FROM_TO.xlsx)",
    )

    rep = sub.add_parser(
        "report",
        help="the programme report of a period: a PDF and an XLSX with the same figures",
        description="Written in the organisation's language; each figure says how it is "
        "computed (docs/exports.md).",
    )
    period_arguments(rep)
    rep.add_argument(
        "--out",
        metavar="FILE.pdf",
        type=Path,
        help="the PDF to write (default: programme-report_FROM_TO.pdf); the XLSX goes next "
        "to it, with the same name",
    )


# import -------------------------------------------------------------------------------------
@contextlib.contextmanager
def _import_progress(size: int, shown: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on the terminal (stderr) while a file is read: bytes and rows."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("importing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%  {task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not shown,
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=max(size, 1), rows=0)
        yield lambda done, rows: bar.update(task, completed=done, rows=rows)


def _open_csv(path: Path) -> tuple[int, IO[bytes]]:
    """The file's size and the file, open; refused when it cannot be read or is too large."""
    try:
        size = path.stat().st_size
        raw = path.open("rb")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > importer.MAX_BYTES:
        raw.close()
        raise CliError(
            f"{path.name} is larger than {importer.MAX_BYTES // 2**20} MB: split it into "
            "smaller files"
        )
    return size, raw


def _rejected(path: Path, report: Any, as_json: bool) -> CliError:
    """Say which lines were rejected; the one-line reason to stop."""
    rejected = report.rejected
    if as_json:
        print_json({"imported": False, "rejected": rejected})
    else:
        for item in rejected[: importer.MAX_REPORTED]:
            print(f"line {item.line}: {item.reason}", file=sys.stderr)
        if len(rejected) > importer.MAX_REPORTED:
            print(f"… and {len(rejected) - importer.MAX_REPORTED} more", file=sys.stderr)
    lines = len({r.line for r in rejected})
    return CliError(f"nothing was imported: {lines} line(s) of {path.name} rejected")


def _import(call: Call) -> None:
    path: Path = call.args.file
    size, raw = _open_csv(path)
    shown = sys.stderr.isatty() and not call.as_json
    try:
        with (
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream,
            _import_progress(size, shown) as progress,
        ):
            report = call.run_in_transaction(
                lambda s, now: importer.import_lines(
                    s, now, stream, lambda rows: progress(raw.tell(), rows)
                ),
            )
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text: save the CSV as UTF-8") from None
    except importer.ImportRejected as exc:
        raise _rejected(path, exc.report, call.as_json) from None
    if call.as_json:
        print_json(
            {
                "imported": True,
                "people": report.people,
                "families": report.families,
                "matches": report.matches,
            }
        )
    else:
        print(
            f"imported from {path.name}: people {len(report.people)}, "
            f"families {len(report.families)}, matches {len(report.matches)}"
        )


# export -------------------------------------------------------------------------------------
def _export(call: Call) -> None:
    """One export in one transaction (which also keeps a new pseudonym secret)."""
    args = call.args
    out: Path | None = args.out
    if out is None and args.format == "xlsx":
        out = Path(f"{args.kind}_{args.first}_{args.last}.xlsx")

    async def work(session: AsyncSession, now: datetime) -> int:
        org = await admin.find_org(session, args.org)
        if out is None:
            return await exports.export(
                session,
                now,
                org,
                args.kind,
                args.first,
                args.last,
                sys.stdout,
                pseudonymise=args.pseudonymise,
            )
        partial = out.with_name(out.name + ".part")
        try:
            # A spreadsheet opens a UTF-8 CSV file rightly when it starts with a BOM.
            stream: Any = (
                partial.open("w", encoding="utf-8-sig", newline="")
                if args.format == "csv"
                else partial.open("wb")
            )
        except OSError as exc:
            raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
        try:
            with stream:
                count = await exports.export(
                    session,
                    now,
                    org,
                    args.kind,
                    args.first,
                    args.last,
                    stream,
                    fmt=args.format,
                    pseudonymise=args.pseudonymise,
                )
            partial.replace(out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return count

    count = call.run_in_transaction(work)
    if out is not None:
        print(f"{count} row(s) written to {out}", file=sys.stderr)


def _report(call: Call) -> None:
    from bot.services import programme_report, report_render

    args = call.args

    async def work(session: AsyncSession, now: datetime) -> report_render.Made:
        org = await admin.find_org(session, args.org)
        return await report_render.make(
            session, now, programme_report.Scope(org), args.first, args.last, org.locale
        )

    made = call.run_in_transaction(work)
    out: Path = args.out or Path(f"{made.documents.name}.pdf")
    sheet = out.with_suffix(".xlsx")
    try:
        out.write_bytes(made.documents.pdf)
        sheet.write_bytes(made.documents.xlsx)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(out)
    print(sheet)


COMMANDS: Commands = {
    ("import", None): _import,
    ("export", None): _export,
    ("report", None): _report,
}
