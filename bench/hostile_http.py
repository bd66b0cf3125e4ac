"""Peak memory of the shared client against big pages and compression bombs, and the time to
find model ids in a 256 KB page with the shipped `models` pattern (issue 11).

Each case runs in its own process, which serves the body through `httpx.MockTransport` in 64 KB
chunks and reports its peak RSS (`ru_maxrss`) and the RSS after imports and body preparation:

    python bench/hostile_http.py
"""

from __future__ import annotations

import asyncio
import gzip
import json
import resource
import subprocess
import sys
import time
import zlib
from collections.abc import AsyncIterator

import httpx

from relwatch.config import HttpSettings
from relwatch.errors import SourceError
from relwatch.http import Http
from relwatch.patterns import compile_models
from relwatch.sources.mentions import model_ids

MIB = 1024 * 1024
SHIPPED_GOOGLE = r"gemini-[0-9][0-9a-z.\-]*|gemma-[0-9][0-9a-z.\-]*|imagen-[0-9][0-9a-z.\-]*|veo-[0-9][0-9a-z.\-]*"
CASES = ["json-60mb-default-cap", "json-60mb-cap-64mb", "gzip-1gib", "double-gzip-1gib"]


def gzip_zeros(size: int) -> bytes:
    """gzip of `size` zero bytes, compressed a MiB at a time."""
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MIB)
    parts = [engine.compress(block) for _ in range(size // MIB)]
    return b"".join(parts) + engine.flush()


def body_for(case: str) -> tuple[bytes, dict[str, str]]:
    if case.startswith("json-60mb"):
        item = {"id": "acme/model-00000", "downloads": 12345, "tags": ["text-generation"] * 4, "pad": "x" * 100}
        count = 60 * MIB // len(json.dumps(item))
        return json.dumps([item] * count).encode(), {"Content-Type": "application/json"}
    if case == "gzip-1gib":
        return gzip_zeros(1024 * MIB), {"Content-Encoding": "gzip"}
    return gzip.compress(gzip_zeros(1024 * MIB), 9), {"Content-Encoding": "gzip, gzip"}


class Chunks(httpx.AsyncByteStream):
    def __init__(self, body: bytes):
        self.body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), 64 * 1024):
            yield self.body[start : start + 64 * 1024]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(case: str) -> None:
    body, headers = body_for(case)
    cap = 64 * MIB if case.endswith("64mb") else HttpSettings().max_response_bytes
    settings = HttpSettings(max_response_bytes=cap, retries=0)
    before = rss_mib()

    async def go() -> str:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, stream=Chunks(body)))
        async with Http(settings, transport=transport) as http:
            fetched = await http.session("https://bench.example").get("https://bench.example/x")
            return f"parsed {len(fetched.json()):,} items"

    started = time.perf_counter()
    try:
        outcome = asyncio.run(go())
    except SourceError as exc:
        outcome = str(exc)
    elapsed = time.perf_counter() - started
    print(
        f"{case:22} body {len(body):>11,} B  cap {cap // MIB} MiB  {elapsed:5.2f} s  "
        f"RSS before {before:6.0f} MiB, peak {rss_mib():6.0f} MiB  {outcome}"
    )


def mentions() -> None:
    models = compile_models(SHIPPED_GOOGLE, ignore_case=True)
    size = 256 * 1024
    pages = {
        "run-together ids": ("gemini-2.0-flash" * (size // 16 + 1))[:size],
        "prose": ("Released gemini-2.5-pro today, and imagen-4 soon. " * (size // 50 + 1))[:size],
    }
    for name, text in pages.items():
        started = time.perf_counter()
        found = model_ids(text, models)
        print(f"mentions, 256 KB {name:17} {time.perf_counter() - started:6.3f} s  {len(found)} distinct ids")


def main() -> None:
    if len(sys.argv) == 2:
        child(sys.argv[1])
        return
    for case in CASES:
        subprocess.run([sys.executable, __file__, case], check=True)
    mentions()


if __name__ == "__main__":
    main()
