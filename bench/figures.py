"""Each figure of the issue: set up, run the configurations and their baselines, return table lines."""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bigdb
from hub import Counters, Hub, HubServer, org_name
from measure import RELWATCH, Run, clean_env, fingerprint, median, relwatch, row_digests, rows_changed, run_process
from report import Line, seconds
from workload import Workload, serve, write_config

from relwatch.config import HttpSettings
from relwatch.store import Store

BENCH = Path(__file__).resolve().parent
PER_HOST = HttpSettings().per_host
QUERY_DB_VERSION = 3  # bump when bigdb writes different rows, so cached databases are rebuilt


@dataclass(kw_only=True)
class Options:
    repeats: int
    latency: float
    sync: Workload
    mixed: Workload
    ingest: Workload
    query_artifacts: int
    query_vendors: int
    query_repeats: int
    memory_small: Workload
    memory_big: Workload
    nightly: Workload
    nightly_latency: float
    startup_repeats: int
    cache: Path
    rebuild: bool
    profile: Path | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class SyncRun:
    run: Run
    traffic: Counters  # as the server counted it


def traffic_since(server: HubServer, before: Counters) -> Counters:
    now = server.counters
    listings = {org: n - before.listings.get(org, 0) for org, n in now.listings.items()}
    return Counters(
        now.requests - before.requests,
        now.not_modified - before.not_modified,
        now.bytes - before.bytes,
        {org: n for org, n in listings.items() if n},
    )


def relwatch_sync(server: HubServer, config: Path, db: Path, env: dict[str, str]) -> SyncRun:
    before = server.counters.snapshot()
    run = relwatch(["sync", "--config", str(config), "--db", str(db), "--format", "json"], env)
    return SyncRun(run=run, traffic=traffic_since(server, before))


def baseline_sync(server: HubServer, workload: Workload, db: Path, env: dict[str, str]) -> SyncRun:
    orgs = [org_name(i) for i in range(workload.vendors)]
    argv = [sys.executable, str(BENCH / "baseline.py"), "--base-url", server.url, "--db", str(db)]
    before = server.counters.snapshot()
    run = run_process([*argv, "--page-size", str(workload.page_size), *orgs], env)
    if run.returncode:
        raise RuntimeError(f"baseline.py exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    return SyncRun(run=run, traffic=traffic_since(server, before))


def schema_version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM migrations").fetchone()[0]


def artifact_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM artifacts").fetchone()[0]


def measured(figure: str, config: str, runs: Sequence[SyncRun]) -> Line:
    """Medians over repeats of one configuration."""
    return Line(
        figure=figure,
        config=config,
        wall=median([r.run.wall for r in runs]),
        requests=round(median([r.traffic.requests for r in runs])),
        not_modified=round(median([r.traffic.not_modified for r in runs])),
        bytes=round(median([r.traffic.bytes for r in runs])),
        rss=round(median([r.run.peak_rss for r in runs])),
    )


def check_stored(db: Path, expected: int, what: str, notes: list[str]) -> None:
    stored = artifact_count(db)
    if stored != expected:
        notes.append(f"{what}: stored {stored:,} artifacts, expected {expected:,}")


# -- full sync, re-sync, baselines ------------------------------------------------------------


def sync_figures(opts: Options, folder: Path, profiler: Profiler) -> list[Line]:
    workload, mixed, latency = opts.sync, opts.mixed, opts.latency
    hub = Hub()
    serve(hub, workload)
    serve(hub, mixed)
    server = HubServer(hub, latency).start()
    configs = {
        "default": write_config(folder / "default.toml", workload, server.url, {}),
        "one": write_config(folder / "one.toml", workload, server.url, {"per_host": 1}),
        "open": write_config(folder / "open.toml", workload, server.url, {"per_host": workload.sources}),
        "mixed": write_config(folder / "mixed.toml", mixed, server.url, {}),
    }
    runs: dict[str, list[SyncRun]] = {
        k: [] for k in ("full", "resync", "one", "open", "reopen", "sequential", "mixed", "remix")
    }
    written: list[int] = []
    relwatch_sync(server, configs["default"], folder / "warm-up.db", clean_env(folder))  # disk caches, .pyc files
    for repeat in range(opts.repeats):
        at = folder / f"repeat{repeat}"
        at.mkdir()
        env = clean_env(at)
        db = at / "relwatch.db"
        runs["full"].append(relwatch_sync(server, configs["default"], db, env))
        check_stored(db, workload.artifacts, "full sync", opts.notes)
        before = fingerprint(db)
        runs["resync"].append(relwatch_sync(server, configs["default"], db, env))
        written.append(before.changed_rows(fingerprint(db)))
        runs["one"].append(relwatch_sync(server, configs["one"], at / "one.db", env))
        runs["open"].append(relwatch_sync(server, configs["open"], at / "open.db", env))
        runs["reopen"].append(relwatch_sync(server, configs["open"], at / "open.db", env))
        runs["sequential"].append(baseline_sync(server, workload, at / "baseline.db", env))
        check_stored(at / "one.db", workload.artifacts, "per_host = 1 sync", opts.notes)
        runs["mixed"].append(relwatch_sync(server, configs["mixed"], at / "mixed.db", env))
        check_stored(at / "mixed.db", mixed.artifacts, "mixed sync", opts.notes)
        runs["remix"].append(relwatch_sync(server, configs["mixed"], at / "mixed.db", env))
    if opts.profile:
        env = clean_env(folder)
        db = folder / "profiled.db"
        profiler.relwatch(
            "sync_full", ["sync", "--config", str(configs["default"]), "--db", str(db), "--format", "json"], env
        )
        profiler.relwatch(
            "sync_resync", ["sync", "--config", str(configs["default"]), "--db", str(db), "--format", "json"], env
        )
    server.stop()
    return sync_lines(opts, runs, written)


def sync_lines(opts: Options, runs: dict[str, list[SyncRun]], written: list[int]) -> list[Line]:
    workload, latency = opts.sync, opts.latency
    floor = workload.floor(latency)
    where = f"{workload.describe()}, {latency * 1000:.0f} ms"
    full = measured("full sync", f"{where}, per_host {PER_HOST} (default)", runs["full"])
    script = "httpx.Client + sqlite3, row by row, commit per page"
    sequential = measured("baseline: sequential script", script, runs["sequential"])
    one = measured("baseline: relwatch per_host 1", f"{where}, per_host 1", runs["one"])
    unlimited = measured("relwatch, host limit lifted", f"{where}, per_host {workload.sources}", runs["open"])
    resync = measured("re-sync, nothing changed", where, runs["resync"])
    reopen = measured("re-sync, host limit lifted", f"{where}, per_host {workload.sources}", runs["reopen"])
    assert full.wall and sequential.wall and one.wall and unlimited.wall and resync.wall and reopen.wall
    full.ratio, full.target = f"{full.wall / floor:.1f}× floor ({seconds(floor)})", "≤ 1.3× floor"
    full.passed = full.wall <= 1.3 * floor
    speedup = sequential.wall / full.wall
    lines = [
        full,
        Line(ratio=f"{speedup:.2f}× faster than sequential", target="≥ 5×", passed=speedup >= 5),
        Line(
            ratio=f"{full.wall / workload.host_floor(latency, PER_HOST):.1f}× the per_host {PER_HOST} floor "
            f"({seconds(workload.host_floor(latency, PER_HOST))})"
        ),
        sequential,
        one,
        unlimited,
    ]
    one.ratio = f"{one.wall / full.wall:.2f}× the full sync's time"
    unlimited.ratio = f"{unlimited.wall / floor:.1f}× floor"
    share = (resync.not_modified or 0) / max(resync.requests or 1, 1)
    resync.ratio, resync.target = f"{resync.wall / full.wall:.0%} of the full sync", "≤ 10%"
    resync.passed = resync.wall <= 0.10 * full.wall
    lines += [
        resync,
        Line(ratio=f"{share:.0%} answered 304", target="≥ 95%", passed=share >= 0.95),
        Line(ratio=f"{max(written)} artifact rows written", target="0", passed=max(written) == 0),
        reopen,
    ]
    reopen.ratio = f"{reopen.wall / unlimited.wall:.0%} of its full sync; {reopen.wall / floor:.1f}× floor"
    mixed = measured("mixed kinds: full sync", f"{opts.mixed.describe()}, {latency * 1000:.0f} ms", runs["mixed"])
    remix = measured("mixed kinds: re-sync", f"{opts.mixed.describe()}, {latency * 1000:.0f} ms", runs["remix"])
    assert mixed.wall and remix.wall
    remix.ratio = f"{remix.wall / mixed.wall:.0%} of its full sync"
    return [*lines, mixed, remix]


# -- a realistic nightly: counts drift between syncs -----------------------------------------


@dataclass(frozen=True, kw_only=True)
class Nightly:
    """One first sync and the nightly sync after it, against the drifting hub."""

    first: SyncRun
    night: SyncRun
    first_rows: int  # artifact rows the first sync wrote
    night_rows: int  # artifact rows the nightly sync wrote (any column)
    night_payloads: int  # artifact_payloads rows it wrote
    night_updated: int  # artifacts the nightly sync reported "updated" (`sync --json` totals)


def nightly_figures(opts: Options, folder: Path, profiler: Profiler) -> list[Line]:
    workload, latency = opts.nightly, opts.nightly_latency
    hub = Hub()
    serve(hub, workload)
    server = HubServer(hub, latency).start()
    config = write_config(folder / "sources.toml", workload, server.url, {})
    nights: list[Nightly] = []
    for repeat in range(opts.repeats + 1):  # the first is a warm-up: disk caches, .pyc files
        at = folder / f"repeat{repeat}"
        at.mkdir()
        env, db = clean_env(at), at / "relwatch.db"
        hub.night = 0
        first = relwatch_sync(server, config, db, env)
        artifacts, payloads = row_digests(db, "artifacts", "id"), row_digests(db, "artifact_payloads", "artifact_id")
        hub.night = 1  # a day later: every download and like count moved, nothing else
        night = relwatch_sync(server, config, db, env)
        report = json.loads(night.run.stdout) if night.run.stdout.strip() else {}
        nights.append(
            Nightly(
                first=first,
                night=night,
                first_rows=len(artifacts),
                night_rows=rows_changed(artifacts, row_digests(db, "artifacts", "id")),
                night_payloads=rows_changed(payloads, row_digests(db, "artifact_payloads", "artifact_id")),
                night_updated=int(report.get("totals", {}).get("updated", -1)),
            )
        )
        if repeat:
            check_stored(db, workload.artifacts, "nightly: first sync", opts.notes)
    if opts.profile:
        env, db = clean_env(folder), folder / "profiled.db"
        hub.night = 0
        profiler.relwatch("nightly_first", ["sync", "--config", str(config), "--db", str(db), "--format", "json"], env)
        hub.night = 1
        profiler.relwatch("nightly_night", ["sync", "--config", str(config), "--db", str(db), "--format", "json"], env)
    server.stop()
    return nightly_lines(opts, nights[1:])


def nightly_lines(opts: Options, nights: list[Nightly]) -> list[Line]:
    workload, latency = opts.nightly, opts.nightly_latency
    where = f"{workload.describe()}, {latency * 1000:.0f} ms, counts drift"
    host_floor = workload.host_floor(latency, PER_HOST)
    # a nightly with no news needs one request per source (the catalogue is shared), per_host at once
    quiet_floor = math.ceil(workload.quiet_requests / PER_HOST) * latency
    first = measured("nightly: first sync", f"{where}, per_host {PER_HOST} (default)", [n.first for n in nights])
    night = measured("nightly: no news, counts drifted", where, [n.night for n in nights])
    assert first.wall and night.wall
    first.ratio = f"{first.wall / host_floor:.2f}× the per_host {PER_HOST} floor ({seconds(host_floor)})"
    first.target, first.passed = "≤ 1.3× per_host floor", first.wall <= 1.3 * host_floor
    quiet = f"one request a source, per_host {PER_HOST}"
    night.ratio = f"{night.wall / quiet_floor:.2f}× its floor: {quiet} ({seconds(quiet_floor)})"
    per_source = max(max(n.night.traffic.listings.values(), default=0) for n in nights)
    rows = max(n.night_rows for n in nights)
    payloads = max(n.night_payloads for n in nights)
    updated = max(n.night_updated for n in nights)
    return [
        first,
        Line(ratio=f"{median([n.first_rows for n in nights]):,.0f} artifact rows written"),
        night,
        Line(ratio=f"listing requests per Hub source: at most {per_source}", target="≤ 1", passed=per_source <= 1),
        Line(
            ratio=f"{rows:,} artifact rows written (and {payloads:,} payload rows)",
            target="0",
            passed=rows == 0,
        ),
        Line(ratio=f"{updated:,} artifacts reported updated", target="0", passed=updated == 0),
    ]


# -- ingest ---------------------------------------------------------------------------------


def ingest_figures(opts: Options, folder: Path, profiler: Profiler) -> list[Line]:
    workload = opts.ingest
    argv = [sys.executable, str(BENCH / "ingest_rate.py"), "--vendors", str(workload.vendors)]
    argv += ["--repos", str(workload.repos), "--page-size", str(workload.page_size)]
    env = clean_env(folder)
    results: list[dict[str, Any]] = []
    rss: list[int] = []
    for _ in range(opts.repeats):
        run = run_process(argv, env)
        if run.returncode:
            raise RuntimeError(f"ingest_rate.py exited {run.returncode}: {run.stderr.strip()[-2000:]}")
        results.append(json.loads(run.stdout))
        rss.append(run.peak_rss)
    count = results[0]["artifacts"]
    total = median([sum(r["wall"].values()) for r in results])
    stages = {stage: median([r["wall"][stage] for r in results]) for stage in results[0]["wall"]}
    breakdown = ", ".join(f"{stage} {stages[stage] / count * 1e6:.0f}" for stage in stages)
    opts.notes.append(f"ingest, µs per artifact (median of {opts.repeats}): {breakdown}")
    if opts.profile:
        out = opts.profile / "ingest.prof"
        profiler.script("ingest", [*argv, "--profile", str(out)], env, out)
    rate = count / total
    base = median([r["floor"] for r in results])
    ratio = total / base
    config = f"{workload.vendors}×{workload.repos:,} HF items, pages of {workload.page_size}, one core"
    return [
        Line(
            figure="ingest: decode+parse+stage+merge+classify",
            config=config,
            wall=total,
            rss=round(median(rss)),
            ratio=f"{ratio:.1f}× the floor ({rate:,.0f} artifacts/s)",
            target="≤ 2× floor",
            passed=ratio <= 2,
        ),
        Line(
            figure="floor: orjson + one indexed row per item",
            config=f"the same pages, same process, {count / base:,.0f} items/s",
            wall=base,
        ),
    ]


# -- compare and list over a big database ---------------------------------------------------


def query_database(opts: Options, notes: list[str]) -> tuple[Path, Path, list[Line]]:
    """The cached database for the query figures, built (and reclassified by relwatch) when missing.

    A cached database made by an older relwatch is migrated by the first (untimed) command run on it.
    """
    workload = bigdb.query_workload(opts.query_artifacts, opts.query_vendors)
    stem = f"query-v{QUERY_DB_VERSION}-{workload.vendors}x{workload.repos}"
    db, config = opts.cache / f"{stem}.db", opts.cache / f"{stem}.toml"
    if db.exists() and not opts.rebuild:
        notes.append(f"query database reused from {db} (--rebuild-db to build it again)")
        return db, config, [Line(figure="query database", config=f"{artifact_count(db):,} artifacts, cached")]
    partial = opts.cache / f"{stem}.partial.db"
    for path in (partial, db):
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    started = time.perf_counter()
    count = bigdb.build(partial, config, workload)
    built = time.perf_counter() - started
    run = relwatch(["reclassify", "--config", str(config), "--db", str(partial)], clean_env(opts.cache))
    with sqlite3.connect(partial) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.move(partial, db)
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()  # the emptied WAL and the lock file the reclassify left beside it
    lines = [
        Line(figure="query database: build", config=f"{count:,} artifacts by direct SQL", wall=built),
        Line(
            figure="query database: relwatch reclassify", config=f"{count:,} artifacts", wall=run.wall, rss=run.peak_rss
        ),
    ]
    return db, config, lines


QUERIES = (
    ("relwatch compare v0000 v0001 v0002", ["compare", "v0000", "v0001", "v0002"], 0.200, "compare"),
    ("relwatch list v0000 --limit 50", ["list", "v0000", "--limit", "50"], 0.100, "list"),
    (
        "relwatch list v0000 --artifacts --limit 50",
        ["list", "v0000", "--artifacts", "--limit", "50"],
        0.100,
        "list_artifacts",
    ),
)


def query_figures(opts: Options, folder: Path, profiler: Profiler) -> list[Line]:
    db, _, lines = query_database(opts, opts.notes)  # the queries read the database only
    count = artifact_count(db)
    env = clean_env(folder)
    schema = schema_version(db)
    for _, args, _, _ in QUERIES:  # warm-up: the page cache, and any migration a newer relwatch applies
        relwatch([*args, "--db", str(db)], env)
    if schema_version(db) != schema:
        opts.notes.append(f"the warm-up runs migrated the query database from schema {schema} to {schema_version(db)}")
    core = run_process([sys.executable, str(BENCH / "query_core.py"), str(db), "v0000", "v0001", "v0002"], env)
    inside = json.loads(core.stdout) if core.returncode == 0 else {}
    for figure, args, limit, key in QUERIES:
        argv = [*args, "--db", str(db)]
        runs = [relwatch(argv, env) for _ in range(opts.query_repeats)]
        wall = median([r.wall for r in runs])
        lines.append(
            Line(
                figure=figure,
                config=f"{count:,}-artifact database",
                wall=wall,
                rss=round(median([r.peak_rss for r in runs])),
                ratio=f"{wall * 1000:.0f} ms (queries in process: {inside.get(key, float('nan')) * 1000:.1f} ms)",
                target=f"≤ {limit * 1000:.0f} ms",
                passed=wall <= limit,
            )
        )
        if opts.profile:
            profiler.relwatch(key, argv, env)
    return lines


# -- peak memory ----------------------------------------------------------------------------


def memory_figures(opts: Options, folder: Path, profiler: Profiler) -> list[Line]:
    small = memory_runs(opts.memory_small, folder / "small", opts.repeats)
    big = memory_runs(opts.memory_big, folder / "big", 1)
    for workload, runs in ((opts.memory_small, small), (opts.memory_big, big)):
        for run in runs:
            if run.run.returncode:
                opts.notes.append(f"memory sync of {workload.describe()} exited {run.run.returncode}")
    small_line = measured("peak memory: small sync", opts.memory_small.describe() + ", 1 ms", small)
    big_line = measured("peak memory: big sync", opts.memory_big.describe() + ", 1 ms", big)
    assert small_line.rss and big_line.rss
    ratio = big_line.rss / small_line.rss
    scale = opts.memory_big.artifacts / opts.memory_small.artifacts
    big_line.ratio = f"{ratio:.2f}× the small sync's peak ({scale:.0f}× the artifacts)"
    big_line.target, big_line.passed = "≤ 1.5×", ratio <= 1.5
    small_line.config += f" ({opts.memory_small.artifacts:,} artifacts)"
    big_line.config += f" ({opts.memory_big.artifacts:,} artifacts)"
    return [small_line, big_line]


def memory_runs(workload: Workload, folder: Path, repeats: int) -> list[SyncRun]:
    """Fresh syncs of `workload` from a hub that renders each page when it is asked for."""
    folder.mkdir()
    hub = Hub(memo=False)
    serve(hub, workload)
    server = HubServer(hub, 0.001).start()
    config = write_config(folder / "sources.toml", workload, server.url, {})
    runs = []
    for repeat in range(repeats):
        env = clean_env(folder)
        runs.append(relwatch_sync(server, config, folder / f"r{repeat}.db", env))
    server.stop()
    return runs


# -- start-up -------------------------------------------------------------------------------


def startup_figures(opts: Options, folder: Path, profiler: Profiler) -> list[Line]:
    env = clean_env(folder)
    empty = folder / "empty.db"
    Store(empty).close()  # made and migrated by relwatch, as a first sync leaves it, with no rows
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "relwatch list, empty database": [*RELWATCH, "list", "--db", str(empty)],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    rss: list[int] = []
    for argv in commands.values():
        run_process(argv, env)  # warm-up
    for _ in range(opts.startup_repeats):
        for name, argv in commands.items():
            run = run_process(argv, env)
            if run.returncode:
                raise RuntimeError(f"{name} exited {run.returncode}: {run.stderr.strip()[-2000:]}")
            walls[name].append(run.wall)
            if name.startswith("relwatch"):
                rss.append(run.peak_rss)
    bare, typer, listed = (median(walls[name]) for name in commands)
    if opts.profile:
        profiler.importtime("list_empty", ["list", "--db", str(empty)], env)
    return [
        Line(figure="python -c pass", config=sys.executable, wall=bare),
        Line(figure="python -c 'import typer'", config="the CLI framework alone", wall=typer),
        Line(
            figure="relwatch list, empty database",
            config="the installed console script",
            wall=listed,
            rss=round(median(rss)),
            ratio=f"{listed / typer:.2f}× python -c 'import typer' ({listed / bare:.1f}× python -c pass)",
            target="≤ 1.5× import typer",
            passed=listed <= 1.5 * typer,
        ),
    ]


# -- profiles -------------------------------------------------------------------------------


class Profiler:
    """With `--profile DIR`: each figure's command once more, under cProfile, summarised to text."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    def relwatch(self, name: str, args: Sequence[str], env: dict[str, str]) -> None:
        assert self.folder
        out = self.folder / f"{name}.prof"
        self.script(name, [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "relwatch", *args], env, out)

    def script(self, name: str, argv: Sequence[str], env: dict[str, str], out: Path) -> None:
        assert self.folder
        run_process(argv, env)
        (self.folder / f"{name}.txt").write_text(summary(out))

    def importtime(self, name: str, args: Sequence[str], env: dict[str, str]) -> None:
        """`python -X importtime` of the command, the 40 slowest imports (cumulative µs) first."""
        assert self.folder
        run = run_process([sys.executable, "-X", "importtime", "-m", "relwatch", *args], env)
        lines = [line for line in run.stderr.splitlines() if line.startswith("import time:") and "|" in line]
        timed = sorted(lines[1:], key=lambda line: -int(line.split("|")[1]))
        (self.folder / f"{name}_importtime.txt").write_text("\n".join([lines[0], *timed[:40]]) + "\n")
        self.relwatch(name, args, env)


def summary(prof: Path) -> str:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(prof), stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()
