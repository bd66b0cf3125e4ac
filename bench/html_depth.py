"""Time to read a deeply nested release-notes page, by page size and nesting tag.

Walking an HTML page must be linear in its size whatever its depth (a page of 352 KB nested in
`<p>` once took minutes). Prints one Markdown row per page; nothing is asserted.

    python bench/html_depth.py [--sizes 44,176,352] [--tags div,p,b]
"""

from __future__ import annotations

import argparse
import time

from relwatch.patterns import compile_models
from relwatch.sources.changelog import parse_changelog

MODELS = compile_models(r"gemini-[0-9][0-9a-z.\-]*", ignore_case=True)


def nested_page(tag: str, size_kb: int) -> bytes:
    """A dated heading, then `tag` elements nested to fill `size_kb`, each holding a model id."""
    unit = f"<{tag}>text gemini-2.5-pro "
    depth = size_kb * 1024 // (len(unit) + len(tag) + 3)
    return f"<html><body><h2>January 29, 2026</h2>{unit * depth}{f'</{tag}>' * depth}</body></html>".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="44,176,352", help="page sizes in KB")
    parser.add_argument("--tags", default="div,p,b", help="the nesting tags")
    args = parser.parse_args()
    print("| tag | page KB | seconds |\n| --- | ---: | ---: |")
    for tag in args.tags.split(","):
        for size_kb in (int(s) for s in args.sizes.split(",")):
            page = nested_page(tag, size_kb)
            start = time.perf_counter()
            parse_changelog(page, url="https://example.org/notes", content_type="text/html", models=MODELS)
            print(f"| {tag} | {size_kb} | {time.perf_counter() - start:.2f} |", flush=True)


if __name__ == "__main__":
    main()
