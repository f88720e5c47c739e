"""How long `mentorbot demo` takes from process start until its page answers 200.

Starts the command as a new process (as a person would type it), polls the page every 10 ms,
then stops it with SIGINT (Ctrl-C) and checks that it exits cleanly. Repeats and prints each
run, the median and the worst:

    .venv/bin/python benchmarks/demo_startup.py            # 5 runs
    .venv/bin/python benchmarks/demo_startup.py --runs 10 --command .venv/bin/mentorbot
"""

from __future__ import annotations

import argparse
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def one_run(command: list[str], limit: float) -> tuple[float, float]:
    """Seconds to the first 200, and seconds from Ctrl-C to exit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "demo", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        while not answers(url):
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"the demo exited early ({process.returncode}): {err}")
            if time.monotonic() - started > limit:
                raise SystemExit(f"the page did not answer within {limit:.0f} s")
            time.sleep(0.01)
        ready = time.monotonic() - started
        stopping = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        stopped = time.monotonic() - stopping
        if code != 0:
            raise SystemExit(f"the demo exited with {code} after Ctrl-C")
        return ready, stopped
    finally:
        if process.poll() is None:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=60.0, help="give up after (seconds)")
    parser.add_argument(
        "--command",
        default=str(ROOT / ".venv" / "bin" / "mentorbot"),
        help="the mentorbot executable (default: .venv/bin/mentorbot)",
    )
    args = parser.parse_args()
    command = [args.command] if Path(args.command).exists() else [sys.executable, "-m", "bot"]
    readies: list[float] = []
    for n in range(1, args.runs + 1):
        ready, stopped = one_run(command, args.limit)
        readies.append(ready)
        print(
            f"run {n}: page answered 200 after {ready:.2f} s; stopped {stopped:.2f} s after Ctrl-C"
        )
    print(
        f"start-up to 200: median {statistics.median(readies):.2f} s, "
        f"best {min(readies):.2f} s, worst {max(readies):.2f} s ({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
