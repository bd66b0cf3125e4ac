"""A digest is delivered in two steps: `diff --since delivered` writes it and remembers it as
pending; only `diff --confirm-delivered` moves the cursor, to the last event that digest held.
A reader that closes the pipe early is "not delivered": exit 1, nothing pending."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.conftest import RELWATCH, query

Cli = Callable[..., CompletedProcess[str]]


def seeded(tmp_path: Path, cli: Cli, count: int) -> Path:
    """A database with `count` stored events (new artifacts of one vendor)."""
    from relwatch.store import Store

    db = tmp_path / "d.db"
    Store(db).close()
    add_events(db, count)
    return db


def add_events(db: Path, count: int) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("INSERT OR IGNORE INTO vendors (id, name) VALUES ('acme', 'Acme')")
        for _ in range(count):
            conn.execute(
                "INSERT INTO events (vendor_id, type, subject, at) "
                "VALUES ('acme', 'new-artifact', 'acme/m' || (SELECT count(*) FROM events), '2026-01-01T00:00:00Z')"
            )


def ids(result: CompletedProcess[str]) -> list[int]:
    grouped = json.loads(result.stdout)["vendors"]
    return sorted(e["id"] for kinds in grouped.values() for events in kinds.values() for e in events)


def digest(cli: Cli, db: Path) -> CompletedProcess[str]:
    result = cli("diff", "--since", "delivered", "--db", str(db), "-f", "json")
    assert result.returncode == 0, result.stderr
    return result


def test_only_a_confirmation_moves_the_digest_on_and_never_past_what_it_held(tmp_path: Path, cli: Cli) -> None:
    db = seeded(tmp_path, cli, 3)
    first = ids(digest(cli, db))
    assert len(first) == 3
    assert ids(digest(cli, db)) == first  # written, not yet confirmed: the same digest again
    add_events(db, 2)  # events arriving between the digest and its confirmation
    last = ids(digest(cli, db))
    assert len(last) == 5
    add_events(db, 1)
    confirmed = cli("diff", "--confirm-delivered", "--db", str(db))
    assert confirmed.returncode == 0 and confirmed.stdout == ""
    after = ids(digest(cli, db))
    assert after == [max(last) + 1]  # the event that came after the digest is not skipped
    assert cli("diff", "--confirm-delivered", "--db", str(db)).returncode == 0
    assert ids(digest(cli, db)) == []
    quiet = cli("diff", "--confirm-delivered", "--db", str(db))
    assert quiet.returncode == 0 and "no digest is pending" in quiet.stderr
    assert query(db, "SELECT event_id FROM digest_cursors WHERE name = 'all'") == [(max(after),)]


def test_a_reader_that_takes_nothing_is_not_a_delivery(tmp_path: Path, cli: Cli, env: dict[str, str]) -> None:
    db = seeded(tmp_path, cli, 3000)  # more than a pipe holds: the writer sees the closed pipe
    closed = subprocess.run(
        f"{RELWATCH} diff --since delivered -f json --db {db} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert closed.stdout.strip() == "1", closed.stderr
    assert "the digest was not delivered" in closed.stderr and "Traceback" not in closed.stderr
    assert query(db, "SELECT count(*) FROM digest_cursors") == [(0,)]
    assert cli("diff", "--confirm-delivered", "--db", str(db)).returncode == 0
    assert len(ids(digest(cli, db))) == 3000
