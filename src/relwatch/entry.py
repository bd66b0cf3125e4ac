"""The `relwatch` command: top-level help without loading the command-line framework.

Importing typer takes several times as long as starting Python, so `relwatch`, `relwatch -h` and
`relwatch --help` print help.txt instead: typer's own rendering of that help at 80 columns, which
`scripts/render_help.py` writes and a test keeps current. Every other command line goes to
`relwatch.cli`.
"""

from __future__ import annotations

import os
import sys

from relwatch.errors import EXIT_OK, EXIT_USAGE

HELP_FILE = os.path.join(os.path.dirname(__file__), "help.txt")
HELP_ARGUMENTS = ([], ["-h"], ["--help"])
PROG_NAME_IN_HELP = "relwatch"


def main(prog_name: str | None = None) -> None:
    """Run the command line in `sys.argv`; `prog_name` names the command in usage lines (default: argv[0])."""
    args = sys.argv[1:]
    if args in HELP_ARGUMENTS:
        print_help(prog_name or os.path.basename(sys.argv[0]), as_usage_error=not args)
    from relwatch.cli import app

    app(prog_name=prog_name)


def print_help(prog_name: str, *, as_usage_error: bool) -> None:
    """Print the top-level help and exit; with no arguments at all, on stderr with exit 2, as typer does."""
    if as_usage_error:
        sys.stderr.write(help_text(prog_name))
        sys.exit(EXIT_USAGE)
    sys.stdout.write(help_text(prog_name))
    sys.exit(EXIT_OK)


def help_text(prog_name: str) -> str:
    with open(HELP_FILE, encoding="utf-8") as file:
        text = file.read()
    return text.replace(f"Usage: {PROG_NAME_IN_HELP} ", f"Usage: {prog_name} ", 1)
