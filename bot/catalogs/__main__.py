"""`python -m bot.catalogs update|compile|check|fill LANG FILE.json|sheet …`"""

from __future__ import annotations

import sys

from bot.catalogs.files import check_all, compile_all, coverage_all, fill, update_all
from bot.catalogs.sheet import sheet_command


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        print(f"wrote {update_all()} and the catalogs")
    elif command == "fill":
        import json

        with open(argv[3], encoding="utf-8") as fh:
            print(f"filled {fill(argv[2], json.load(fh))} entries")
    elif command == "compile":
        print(f"compiled {compile_all()} catalogs")
    elif command == "sheet":
        return sheet_command(argv[2:])
    else:
        found = check_all()
        for problem in found:
            print(problem)
        for line in coverage_all():
            print(f"review coverage: {line}")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
