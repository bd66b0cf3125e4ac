"""relwatch's benchmark: sync, nightly, ingest, query, memory and start-up against the issues' targets.

    python bench/run.py            # the default run (about 13 minutes; the 1M-artifact query
                                   # database is built once and cached)
    python bench/run.py --quick    # small sizes, one repeat: under a minute
    python bench/run.py --million  # the peak-memory figure with a 1,000,000-artifact sync
    python bench/run.py --only nightly,ingest,startup   # only these figures

Prints one Markdown table (medians over repeats) with PASS/FAIL per target, then notes. See
bench/README.md for what each figure measures and how.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import (
    Options,
    Profiler,
    ingest_figures,
    memory_figures,
    nightly_figures,
    query_figures,
    startup_figures,
    sync_figures,
)
from report import Line, table
from workload import Workload

FIGURES = {
    "sync": sync_figures,
    "nightly": nightly_figures,
    "ingest": ingest_figures,
    "query": query_figures,
    "memory": memory_figures,
    "startup": startup_figures,
}


def shape(text: str) -> tuple[int, int]:
    """`20x1000` → (20, 1000): vendors × repositories per vendor."""
    vendors, _, repos = text.lower().partition("x")
    try:
        return int(vendors), int(repos)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected VENDORSxREPOS, e.g. 20x1000, not {text!r}") from None


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and one repeat: under a minute")
    parser.add_argument("--only", help=f"comma-separated figures to run, of: {', '.join(FIGURES)}")
    parser.add_argument("--repeats", type=int, help="repeats per configuration (default 3; --quick 1)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request for the sync figures")
    parser.add_argument("--sync", type=shape, help="full-sync vendors x repos (default 20x1000)")
    parser.add_argument("--page-size", type=int, default=500, help="HF page_size for the sync figures (default 500)")
    parser.add_argument("--ingest", type=shape, help="in-process ingest vendors x repos (default 4x5000)")
    parser.add_argument("--query-artifacts", type=int, help="artifacts in the query database (default 1,000,000)")
    parser.add_argument("--query-vendors", type=int, help="vendors in the query database (default 200)")
    parser.add_argument("--memory-small", type=shape, help="small sync for the memory ratio (default 10x1000)")
    parser.add_argument("--memory-big", type=shape, help="big sync for the memory ratio (default 50x4000)")
    parser.add_argument("--nightly", type=shape, help="nightly vendors x repos, each with catalogue and page (20x1000)")
    parser.add_argument("--nightly-latency", type=float, default=0.3, help="seconds per request, nightly (default 0.3)")
    parser.add_argument("--million", action="store_true", help="big memory sync of 250x4000 = 1,000,000 artifacts")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "relwatch-bench")
    parser.add_argument("--rebuild-db", action="store_true", help="build the query database again")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="also profile each figure's command into DIR")
    return parser.parse_args(argv)


def options(args: argparse.Namespace) -> Options:
    quick = args.quick
    sync_shape = args.sync or ((4, 500) if quick else (20, 1000))
    ingest_shape = args.ingest or ((2, 2000) if quick else (4, 5000))
    small = args.memory_small or ((2, 1000) if quick else (10, 1000))
    big = args.memory_big or ((250, 4000) if args.million else (8, 2000) if quick else (50, 4000))
    nightly = args.nightly or ((4, 500) if quick else (20, 1000))
    sync = Workload(vendors=sync_shape[0], repos=sync_shape[1], page_size=args.page_size)
    mixed_vendors = min(3, sync.vendors)
    return Options(
        repeats=args.repeats or (1 if quick else 3),
        latency=args.latency,
        sync=sync,
        mixed=Workload(vendors=mixed_vendors, repos=sync.repos, page_size=sync.page_size, mixed=mixed_vendors),
        ingest=Workload(vendors=ingest_shape[0], repos=ingest_shape[1], page_size=500),
        query_artifacts=args.query_artifacts or (20_000 if quick else 1_000_000),
        query_vendors=args.query_vendors or (4 if quick else 200),
        query_repeats=3 if quick else 7,
        memory_small=Workload(vendors=small[0], repos=small[1], page_size=1000),
        memory_big=Workload(vendors=big[0], repos=big[1], page_size=1000),
        nightly=Workload(vendors=nightly[0], repos=nightly[1], page_size=args.page_size, mixed=nightly[0]),
        nightly_latency=args.nightly_latency,
        startup_repeats=5 if quick else 15,
        cache=args.cache,
        rebuild=args.rebuild_db,
        profile=args.profile,
    )


def chosen(args: argparse.Namespace) -> list[str]:
    if not args.only:
        return list(FIGURES)
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        sys.exit(f"run.py: unknown figure {unknown[0]!r} (one of: {', '.join(FIGURES)})")
    return names


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    opts = options(args)
    figures = chosen(args)
    opts.cache.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(opts.profile)
    lines: list[Line] = []
    load, measured = load_average(), revision()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relwatch-bench-") as scratch:
        folder = Path(scratch)
        for name in figures:
            step = time.perf_counter()
            (folder / name).mkdir()
            lines += FIGURES[name](opts, folder / name, profiler)
            print(f"[{name}: {time.perf_counter() - step:.0f} s]", file=sys.stderr, flush=True)
    print(heading(opts, time.perf_counter() - started, load, measured))
    print()
    print(table(lines))
    print()
    for note in [*opts.notes, *standing_notes(opts)]:
        print(f"- {note}")
    if opts.profile:
        print(f"- profiles (cProfile .prof and .txt summaries, -X importtime): {opts.profile}")


def heading(opts: Options, elapsed: float, load: str, measured: str) -> str:
    if revision() != measured:
        measured += " (src/ changed during the run)"
    return (
        f"relwatch benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {measured} · Python {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · load average {load} → {load_average()} · {opts.repeats} repeats (medians) · "
        f"ran {elapsed:.0f} s"
    )


def revision() -> str:
    """The commit measured, marked `+changes` when the working tree differs from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        status = ["git", "--no-optional-locks", "status", "--porcelain", "--", "src"]  # never rewrites the index
        dirty = subprocess.run(status, cwd=root, capture_output=True, text=True)
    except OSError:
        return "commit unknown"
    if commit.returncode:
        return "commit unknown"
    return f"commit {commit.stdout.strip()}" + (" +changes in src/" if dirty.stdout.strip() else "")


def load_average() -> str:
    """The 1-minute load average: on a shared machine, other work skews every figure."""
    return f"{os.getloadavg()[0]:.2f}"


def standing_notes(opts: Options) -> list[str]:
    return [
        "wall: spawn to exit of the child process (interpreter start-up included) unless marked in process",
        "peak RSS: the child process's own ru_maxrss, from the rusage os.wait4() returns for that pid",
        "requests / 304 / bytes: counted by the synthetic hub (response bodies only)",
        f"floor: the longest chain of sequential page requests of one source ({opts.sync.hf_pages} pages) × latency; "
        "the per_host floor also lets at most per_host requests be in flight to the one host serving every source",
        "sequential script: bench/baseline.py, one INSERT per item, one commit per page",
    ]


if __name__ == "__main__":
    main()
