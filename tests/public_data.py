"""Test data by name: public recordings read from ../shared at test time, the rest from tests/fixtures.

Public data (recorded payloads, captures) is not carried in this repository: it is read from the
`shared/` folder beside the clone (`shared_path` in conftest fails under CI=true and skips
otherwise when it is missing). Fixtures that need such data in another form (a listing page, a
completed excerpt) are built here from the shared original plus the hand-written parts kept in
tests/fixtures; tests/fixtures/*/ORIGINS.md says which is which.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from relwatch.sources.huggingface import EXPAND
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures"


def payload(name: str) -> bytes:
    """A file of ../shared/payloads, as bytes."""
    return shared_path("payloads", name).read_bytes()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def github_release() -> dict[str, Any]:
    """The body of the recorded `GET /repos/{owner}/{repo}/releases/tags/v1.0.0` (octokit/fixtures)."""
    exchange: dict[str, Any] = json.loads(payload("github_release_by_tag_octokit-fixture.json"))
    return dict(exchange["body"])


def github_releases_page() -> list[dict[str, Any]]:
    """A releases page, newest first: three edited copies of the recorded release, then the release itself.

    The copies are a prerelease, a draft (no `published_at`, an `untagged-…` URL, as GitHub shows
    drafts) and `v1.0.1` with an empty name, a body longer than 500 characters and one asset.
    """
    release = github_release()
    api = release["url"].rsplit("/releases/", 1)[0]
    web = release["html_url"].split("/releases/", 1)[0]

    def copy(release_id: int, node_id: str, tag: str, html_tag: str, **fields: Any) -> dict[str, Any]:
        return release | {
            "url": f"{api}/releases/{release_id}",
            "assets_url": f"{api}/releases/{release_id}/assets",
            "upload_url": f"{api.replace('api.github.com', 'uploads.github.com')}/releases/{release_id}/assets"
            "{?name,label}",
            "html_url": f"{web}/releases/tag/{html_tag}",
            "id": release_id,
            "node_id": node_id,
            "tag_name": tag,
            "tarball_url": f"{api}/tarball/{tag}",
            "zipball_url": f"{api}/zipball/{tag}",
            **fields,
        }

    asset = {
        "url": f"{api}/releases/assets/1000",
        "id": 1000,
        "node_id": "MDA6RW50aXR5MQ==",
        "name": "test-upload.txt",
        "label": "test",
        "uploader": release["author"],
        "content_type": "text/plain",
        "state": "uploaded",
        "size": 14,
        "download_count": 42,
        "created_at": "2022-07-20T11:29:00Z",
        "updated_at": "2022-07-20T11:29:00Z",
        "browser_download_url": f"{web}/releases/download/v1.0.1/test-upload.txt",
    }
    notes = "".join(
        f"* Fix number {n}: a longer line of release notes so that the body runs past the excerpt length.\n"
        for n in range(1, 9)
    )
    return [
        copy(
            72450019,
            "RE_kwDOHrjuzc4EUXEj",
            "v1.1.0-rc.1",
            "v1.1.0-rc.1",
            name="Version 1.1.0 release candidate 1",
            prerelease=True,
            created_at="2022-07-21T09:10:02Z",
            published_at="2022-07-21T09:12:45Z",
            body="Release candidate for 1.1.0",
        ),
        copy(
            72461177,
            "RE_kwDOHrjuzc4EUZx5",
            "v1.1.0",
            "untagged-3c0b6f5e2f1d7a9b8e41",
            name="Version 1.1.0",
            draft=True,
            created_at="2022-07-22T14:03:51Z",
            published_at=None,
            body="Draft notes",
        ),
        copy(
            72351204,
            "RE_kwDOHrjuzc4ETy7k",
            "v1.0.1",
            "v1.0.1",
            name="",
            created_at="2022-07-20T11:28:09Z",
            published_at="2022-07-20T11:30:00Z",
            assets=[asset],
            body="## What's changed\n\n" + notes,
        ),
        release,
    ]


def hf_model(name: str) -> dict[str, Any]:
    """A recorded `GET /api/models/{id}` body: `flan-t5-xxl` or the gated `Llama-3.1-8B-Instruct`."""
    if name == "google/flan-t5-xxl":
        return dict(json.loads(payload("hf_model_info_google_flan-t5-xxl.json")))
    exchanges = json.loads(payload("hf_model_info_gated_meta-llama_Llama-3.1-8B-Instruct_with_307_redirect.json"))
    body = exchanges[1]["body"]  # the 200 after the 307 redirect
    assert body["id"] == name, f"no recorded model info for {name}"
    return dict(body)


def hf_listing_item(model: dict[str, Any]) -> dict[str, Any]:
    """A model info body projected as a listing with `expand` returns it: `_id`, `id` and the EXPAND fields."""
    return {key: model[key] for key in ("_id", "id", *EXPAND) if key in model}


def hf_listing() -> list[dict[str, Any]]:
    """A listing page (newest first) made of the two recorded model bodies, projected."""
    return [hf_listing_item(hf_model(n)) for n in ("meta-llama/Llama-3.1-8B-Instruct", "google/flan-t5-xxl")]


def _head_and(shared_name: str, tail_fixture: str) -> bytes:
    """A cut-off shared excerpt continued by a hand-written tail from tests/fixtures."""
    return payload(shared_name).rstrip(b"\n") + (FIXTURES / tail_fixture).read_bytes()


BUILT: dict[str, Callable[[], bytes]] = {
    "openrouter/models_2026-05-15.json": lambda: payload("openrouter_api_v1_models_2026-05-15.json"),
    "openrouter/models_openapi_example.json": lambda: payload("openrouter_models_list_openapi_example.json"),
    "github/release_v1.0.0.json": lambda: _json(github_release()),
    "github/releases_page.json": lambda: _json(github_releases_page()),
    "github/link_headers_paginate-issues.json": lambda: payload("github_link_header_pagination_octokit-fixture.json"),
    "huggingface/model_google_flan-t5-xxl.json": lambda: _json(hf_model("google/flan-t5-xxl")),
    "huggingface/model_meta-llama_Llama-3.1-8B-Instruct.json": lambda: _json(
        hf_model("meta-llama/Llama-3.1-8B-Instruct")
    ),
    "huggingface/listing_projected.json": lambda: _json(hf_listing()),
    "changelog/gemini_api_changelog.txt": lambda: payload("gemini_api_changelog_text.excerpt"),
    "changelog/gemini_api_deprecations.md.txt": lambda: payload("gemini_api_deprecations.md.txt.excerpt"),
    "changelog/gemini_api_deprecations_completed.md.txt": lambda: _head_and(
        "gemini_api_deprecations.md.txt.excerpt", "changelog/gemini_api_deprecations_completion.md.txt"
    ),
    "feed/google_cloud_blog_ai_ml.rss.xml": lambda: _head_and(
        "google_cloud_blog_ai_ml_rss_head.xml.excerpt", "feed/google_cloud_blog_ai_ml_rss_tail.xml"
    ),
}


def fixture_bytes(name: str) -> bytes:
    """Test data by its name under tests/fixtures (e.g. 'feed/vertex_ai_release_notes.atom.xml').

    Names in BUILT come from ../shared (see `shared_path`); the others are files in tests/fixtures.
    """
    build = BUILT.get(name)
    return build() if build is not None else (FIXTURES / name).read_bytes()


def fixture_text(name: str) -> str:
    """`fixture_bytes` decoded as UTF-8."""
    return fixture_bytes(name).decode("utf-8")


def fixture_json(name: str) -> Any:
    """`fixture_bytes` parsed as JSON."""
    return json.loads(fixture_bytes(name))


def openrouter_recording(folder: Path) -> Path:
    """A `sync --replay` recording in `folder`: the 2026-05-15 capture answering the openrouter source's URL.

    Format: `src/relwatch/recording.py` (one exchange per numbered JSON file).
    """
    folder.mkdir(parents=True, exist_ok=True)
    exchange = {
        "method": "GET",
        "url": "https://openrouter.ai/api/v1/models?output_modalities=all",
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": payload("openrouter_api_v1_models_2026-05-15.json").decode("utf-8"),
    }
    (folder / "00001.json").write_text(json.dumps(exchange))
    return folder
