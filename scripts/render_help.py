"""Write src/relwatch/help.txt: the top-level help that `relwatch.entry` prints without typer.

The text is typer's own rendering of `relwatch --help` on a terminal of 80 columns, without colour.
Run this after changing the app's help or its commands' first docstring lines; the test suite fails
while the file is stale.

    python scripts/render_help.py           # write the file
    python scripts/render_help.py --check   # exit 1 if the file differs from what typer renders now
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from relwatch.entry import PROG_NAME_IN_HELP

HELP_FILE = Path(__file__).resolve().parent.parent / "src" / "relwatch" / "help.txt"
COLUMNS = 80


def render(prog_name: str = PROG_NAME_IN_HELP, args: tuple[str, ...] = ("--help",)) -> subprocess.CompletedProcess[str]:
    """Run the typer app itself (not `relwatch.entry`) on `args` in a terminal of COLUMNS columns.

    A child process, because click takes the width from the environment as a real run does
    (typer's test runner would force its own).
    """
    code = f"from relwatch.cli import app; app(prog_name={prog_name!r})"
    env = {**os.environ, "COLUMNS": str(COLUMNS), "NO_COLOR": "1", "TERM": "dumb", "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, check=False)


def rendered_help(prog_name: str = PROG_NAME_IN_HELP) -> str:
    """What typer prints for `PROG_NAME --help`."""
    result = render(prog_name)
    if result.returncode != 0:
        raise RuntimeError(f"`{prog_name} --help` exited {result.returncode}: {result.stderr}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale; write nothing")
    args = parser.parse_args()
    text = rendered_help()
    stored = HELP_FILE.read_text(encoding="utf-8") if HELP_FILE.exists() else None
    if args.check:
        if stored != text:
            print(f"{HELP_FILE} is stale: run python scripts/render_help.py", file=sys.stderr)
            return 1
        return 0
    if stored != text:
        HELP_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {HELP_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
