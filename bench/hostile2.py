"""Two costs of the hostile-host rules (issues 11 and 16): redacting an echoed token from a large
JSON page, and matching a backtracking `families` pattern, with RE2 and with Python's `re`.

    python bench/hostile2.py

Prints one Markdown table; nothing is asserted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from relwatch.config import compile_family
from relwatch.http import Redactor

TOKEN = "hf_SECRETtoken1234567890"


def seconds(action: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def page(items: int) -> bytes:
    """A Hub-like listing of `items` items, with non-ASCII names escaped as JSON does."""
    return json.dumps([{"id": f"org/model-{i}", "tags": ["café", "x"], "pad": "y" * 40} for i in range(items)]).encode()


def main() -> None:
    rows = []
    redactor = Redactor(TOKEN)
    body = page(600_000)
    echoed = body[:-100] + "".join(f"\\u{ord(c):04x}" for c in TOKEN).encode() + body[-100:]
    size = f"{len(body) / 2**20:.0f} MiB"
    rows.append((f"redact a {size} page without the token", seconds(redactor.body, body)))
    rows.append((f"redact a {size} page with a JSON-escaped echo", seconds(redactor.body, echoed)))
    rows.append((f"json.loads of the same {size} page (for scale)", seconds(json.loads, body)))
    family = compile_family("(a+)+$")
    for length in (20, 22, 24):
        text = "a" * length + "!"
        rows.append((f"`(a+)+$` on {length} a's + '!', Python re", seconds(re.search, "(a+)+$", text)))
    for length in (24, 100_000):
        text = "a" * length + "!"
        rows.append((f"`(a+)+$` on {length:,} a's + '!', RE2 (compile_family)", seconds(family.search, text)))
    print("| case | seconds |\n| --- | ---: |")
    for name, value in rows:
        print(f"| {name} | {value:.3f} |")


if __name__ == "__main__":
    main()
