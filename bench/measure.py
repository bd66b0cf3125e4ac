"""Timing a child process (wall time and its own peak RSS), medians, and database fingerprints."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
RELWATCH = [str(BIN / "relwatch")] if (BIN / "relwatch").exists() else [sys.executable, "-m", "relwatch"]


@dataclass(frozen=True, kw_only=True)
class Run:
    """One finished child process."""

    wall: float  # seconds from spawn to exit
    peak_rss: int  # bytes: the child's own maximum resident set size, from wait4(2)
    returncode: int
    stdout: str
    stderr: str


def clean_env(home: Path) -> dict[str, str]:
    """No tokens, no user config or database, no colour, a fixed width: every run sees the same.

    PYTHONDONTWRITEBYTECODE is dropped so that modules are compiled once, as an installed tool's are.
    """
    secrets = ("_TOKEN", "_API_KEY")
    dropped = ("RELWATCH_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.endswith(secrets) and not k.startswith(dropped)}
    env.update(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "NO_COLOR": "1",
            "COLUMNS": "160",
            "TERM": "dumb",
        }
    )
    return env


class Spawner:
    """The bench/spawn.py process, started on first use while the benchmark is still small."""

    process: subprocess.Popen[str] | None = None

    @classmethod
    def run(cls, argv: Sequence[str], env: dict[str, str], out: Path, err: Path) -> dict[str, float]:
        if cls.process is None:
            spawn = [sys.executable, str(Path(__file__).with_name("spawn.py"))]
            cls.process = subprocess.Popen(spawn, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert cls.process.stdin and cls.process.stdout
        job = {"argv": list(argv), "env": env, "stdout": str(out), "stderr": str(err)}
        cls.process.stdin.write(json.dumps(job) + "\n")
        cls.process.stdin.flush()
        return json.loads(cls.process.stdout.readline())


def run_process(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Run `argv` to its end through the spawner; wall time and peak RSS are the child's."""
    with tempfile.TemporaryDirectory(prefix="relwatch-run-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        result = Spawner.run(argv, env, out, err)
        return Run(
            wall=result["wall"],
            peak_rss=int(result["maxrss_kb"]) * 1024,  # Linux reports kilobytes
            returncode=int(result["status"]),
            stdout=out.read_text(errors="replace"),
            stderr=err.read_text(errors="replace"),
        )


def relwatch(args: Sequence[str], env: dict[str, str]) -> Run:
    run = run_process([*RELWATCH, *args], env)
    if run.returncode not in (0, 1):  # 1: a source looked suspect; the figures still stand
        raise RuntimeError(f"relwatch {' '.join(args)} exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    return run


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True, kw_only=True)
class Fingerprint:
    """What a sync that wrote nothing must leave exactly as it was."""

    rows: int
    max_last_seen: str | None
    rows_digest: dict[int, str]  # artifact id → hash of its stored columns

    def changed_rows(self, after: Fingerprint) -> int:
        ids = set(self.rows_digest) | set(after.rows_digest)
        return sum(self.rows_digest.get(i) != after.rows_digest.get(i) for i in ids)


def fingerprint(db: Path) -> Fingerprint:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, content_hash, first_seen, last_seen, gone_at, release_id, tier FROM artifacts"
        ).fetchall()
        max_last_seen = conn.execute("SELECT max(last_seen) FROM artifacts").fetchone()[0]
    digest = {row[0]: hashlib.sha1(repr(row[1:]).encode()).hexdigest() for row in rows}
    return Fingerprint(rows=len(rows), max_last_seen=max_last_seen, rows_digest=digest)


def row_digests(db: Path, table: str, key: str) -> dict[int, str]:
    """Every row of `table` by its `key` column: a hash of all its columns, to count rows a run wrote."""
    with sqlite3.connect(db) as conn:
        cursor = conn.execute(f"SELECT * FROM {table}")
        at = [column[0] for column in cursor.description].index(key)
        return {row[at]: hashlib.sha1(repr(row).encode()).hexdigest() for row in cursor}


def rows_changed(before: dict[int, str], after: dict[int, str]) -> int:
    """Rows added, removed or with any column changed between two `row_digests`."""
    return sum(before.get(k) != after.get(k) for k in set(before) | set(after))
